"""Individual support plans (個別支援計画) as versions, and their monitorings (SPEC §11)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..models import CENTER_REASONS, Monitoring, Plan

_PLAN_COLUMNS = ("p.id, p.client_id, p.date, p.consent_date, p.delivered_date, p.long_goal, p.short_goal, "
                 "p.next_review")


class PlanQueries:
    def find_plan(self, client_id: int, day: date) -> Plan | None:
        """The version made on `day`, if any."""
        plans = self._plans("WHERE p.client_id = ? AND p.date = ?", (client_id, day.isoformat()))
        return plans[0] if plans else None

    def save_plan(self, plan: Plan, before: Plan | None = None) -> int:
        """Record a version (`before` None) or write the changed version over `before`."""
        values = (plan.consent_date and plan.consent_date.isoformat(),
                  plan.delivered_date and plan.delivered_date.isoformat(), plan.long_goal, plan.short_goal,
                  plan.next_review and plan.next_review.isoformat())
        if before is None:
            plan_id = self.conn.execute(
                "INSERT INTO plans (client_id, date, consent_date, delivered_date, long_goal, short_goal, next_review) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (plan.client_id, plan.date.isoformat(), *values)).lastrowid
        else:
            plan_id = before.id
            self.conn.execute("UPDATE plans SET consent_date = ?, delivered_date = ?, long_goal = ?, short_goal = ?, "
                              "next_review = ? WHERE id = ?", (*values, plan_id))
            for table in ("plan_cooperation", "plan_deliveries", "plan_items"):
                self.conn.execute(f"DELETE FROM {table} WHERE plan_id = ?", (plan_id,))
        self.conn.executemany("INSERT INTO plan_cooperation (plan_id, reason) VALUES (?, ?)",
                              [(plan_id, r) for r in plan.center_cooperation])
        self.conn.executemany("INSERT INTO plan_deliveries (plan_id, recipient) VALUES (?, ?)",
                              [(plan_id, r) for r in plan.delivered_to])
        self.conn.executemany("INSERT INTO plan_items (plan_id, position, text) VALUES (?, ?, ?)",
                              [(plan_id, n, text) for n, text in enumerate(plan.items, 1)])
        if before is None:
            self.audit("plan", plan.client_id, f"plan:{plan_id}", new=plan_record(plan))
        else:
            from .clients import changed_values

            old, new = changed_values(plan_record(before), plan_record(plan))
            self.audit("plan", plan.client_id, f"plan:{plan_id}", old=old, new=new)
        return plan_id

    def load_plans(self, client_id: int | None = None) -> dict[int, tuple[Plan, ...]]:
        """Every version by client, oldest first."""
        if client_id is None:
            plans = self._plans()
        else:
            plans = self._plans("WHERE p.client_id = ?", (client_id,))
        found: dict[int, list[Plan]] = defaultdict(list)
        for plan in plans:
            found[plan.client_id].append(plan)
        return {k: tuple(v) for k, v in found.items()}

    def load_plans_in_force(self, since: date, as_of: date, only: list[int] | None = None) -> dict[int, tuple[Plan, ...]]:
        """The versions a run on `as_of` can consult, by client, oldest first: every version dated from `since`
        to `as_of`; before `since`, the latest version, the latest agreed one and the first agreed one. That is
        enough for every question the rules ask on a day from `since` on (the plan in force, the agreed plan
        in force, whether any plan was agreed by then), without reading years of versions. A consent or
        hand-over dated after `as_of` was not known on `as_of`: it is left out."""
        # SQLite takes the bare `id` of a MIN()/MAX() aggregate from the row holding the extreme value.
        import json

        # With `only`, each part reads those clients' plans by the (client_id, date) index.
        mine = "" if only is None else " AND client_id IN (SELECT value FROM json_each(:only))"
        chosen = [plan_id for plan_id, in self.conn.execute(
            f"SELECT id FROM plans WHERE date BETWEEN :since AND :as_of{mine} "
            f"UNION SELECT id FROM (SELECT id, MAX(date) FROM plans WHERE date < :since{mine} GROUP BY client_id) "
            "UNION SELECT id FROM (SELECT id, MAX(date) FROM plans WHERE date < :since AND consent_date <= :as_of"
            f"{mine} GROUP BY client_id) "
            "UNION SELECT id FROM (SELECT id, MIN(consent_date) FROM plans WHERE date < :since "
            f"AND consent_date <= :as_of{mine} GROUP BY client_id)",
            {"since": since.isoformat(), "as_of": as_of.isoformat(), "only": json.dumps(only or [])})]
        plans = self._plans_of(chosen)
        found: dict[int, list[Plan]] = defaultdict(list)
        for plan in plans:
            if plan.consent_date is not None and plan.consent_date > as_of:
                plan = plan._replace(consent_date=None, delivered_date=None, delivered_to=())
            elif plan.delivered_date is not None and plan.delivered_date > as_of:
                plan = plan._replace(delivered_date=None, delivered_to=())
            found[plan.client_id].append(plan)
        return {k: tuple(v) for k, v in found.items()}

    def _plans(self, where: str = "", params: tuple = ()) -> list[Plan]:
        ids = [plan_id for plan_id, in self.conn.execute(f"SELECT p.id FROM plans p {where}", params)]
        return self._plans_of(ids)

    def _plans_of(self, ids: list[int]) -> list[Plan]:
        """The versions with these ids, by client and date, each with its cooperation, deliveries and items."""
        if not ids:
            return []
        import json

        # The ids travel as one JSON array (SQLite's json_each), each table read once by its primary key.
        chosen = "(SELECT value FROM json_each(?))"
        param = (json.dumps(ids),)
        rows = self.conn.execute(f"SELECT {_PLAN_COLUMNS} FROM plans p WHERE p.id IN {chosen} "
                                 "ORDER BY p.client_id, p.date", param).fetchall()
        cooperation, deliveries, items = defaultdict(list), defaultdict(list), defaultdict(list)
        for table, column, found in (("plan_cooperation", "reason", cooperation),
                                     ("plan_deliveries", "recipient", deliveries),
                                     ("plan_items", "text", items)):
            order = " ORDER BY plan_id, position" if table == "plan_items" else ""
            for plan_id, value in self.conn.execute(
                    f"SELECT plan_id, {column} FROM {table} WHERE plan_id IN {chosen}{order}", param):
                found[plan_id].append(value)
        parse = date.fromisoformat
        none = ()
        return [Plan(r[0], r[1], parse(r[2]),
                     tuple(c for c in CENTER_REASONS if c in cooperation[r[0]]) if r[0] in cooperation else none,
                     r[3] and parse(r[3]), r[4] and parse(r[4]),
                     tuple(d for d in ("client", "consultation") if d in deliveries[r[0]]) if r[0] in deliveries
                     else none, r[5], r[6], tuple(items[r[0]]) if r[0] in items else none, r[7] and parse(r[7]))
                for r in rows]

    def insert_monitoring(self, monitoring: Monitoring) -> int:
        monitoring_id = self.conn.execute(
            "INSERT INTO monitorings (client_id, plan_id, date, note) VALUES (?, ?, ?, ?)",
            (monitoring.client_id, monitoring.plan_id, monitoring.date.isoformat(), monitoring.note)).lastrowid
        self.audit("monitor", monitoring.client_id, f"monitoring:{monitoring_id}")
        return monitoring_id

    def load_monitorings(self, client_id: int) -> list[Monitoring]:
        return [Monitoring(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4]) for r in self.conn.execute(
            "SELECT id, client_id, plan_id, date, note FROM monitorings WHERE client_id = ? ORDER BY date, id",
            (client_id,))]


def plan_record(plan: Plan) -> dict:
    iso = lambda day: day.isoformat() if day else None  # noqa: E731
    return {"date": plan.date.isoformat(), "consent_date": iso(plan.consent_date),
            "delivered_date": iso(plan.delivered_date), "delivered_to": list(plan.delivered_to),
            "long_goal": plan.long_goal, "short_goal": plan.short_goal, "items": list(plan.items),
            "next_review": iso(plan.next_review), "center_cooperation": list(plan.center_cooperation)}
