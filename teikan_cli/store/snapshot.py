"""The reads a run's rules and reports work on: monthly counts, a month's activity, the caseload snapshot.

Each is a handful of set-based queries for the whole office (nothing per client), so that `report` and `check`
stay under a second on a file larger than any office (SPEC §9).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from ..dates import Month, first_start_reaching, month_range, support_end
from ..models import CONCERNS, Caseload, ClientFile, MonthActivity, ServiceRecord
from .handovers import handover_known


class SnapshotQueries:
    def count_active(self, months: Iterable[Month]) -> dict[Month, int]:
        """Clients in service in each month (SPEC §4.2), counted in one statement for all the months."""
        months = sorted(set(months))
        if not months:
            return {}
        values = ", ".join("(?, ?, ?, ?)" for _ in months)
        # In service (SPEC §4 rule 2): started by the month's end, not ended before it, and the three years not
        # over before it: `support_end` is not stored, so the earliest start whose period reaches the month.
        params = [p for m in months
                  for p in (str(m), m.first.isoformat(), m.last.isoformat(), first_start_reaching(m.first).isoformat())]
        rows = self.conn.execute(
            f"WITH m(label, first, last, earliest) AS (VALUES {values}) "
            "SELECT label, (SELECT COUNT(*) FROM clients WHERE support_start BETWEEN m.earliest AND m.last "
            "AND (ended_on IS NULL OR ended_on >= m.first)) FROM m",
            params,
        ).fetchall()
        return {Month.parse_iso(label): count for label, count in rows}

    def month_contacts(self, first: date, last: date, only: list[int] | None = None) -> MonthContacts:
        """The contacts (not deleted) of the days `first`..`last` of one month, per client, as SQLite gives them:
        one aggregate read of the covering index `contacts_month` (`GROUP BY` client, `SUM` of each type), plus
        the month's few concerns and center contacts. With `only`, those clients (and the others too when the
        whole month was read in this snapshot already)."""
        # A report's 18,699 rows and its findings both need the month: inside one `read()` snapshot the whole
        # month is read once, and the rows are made from these values without a model each (0.1 s of a national
        # report, measured).
        key = ("contacts", first, last)
        if self.snapshot is not None and key in self.snapshot:
            return self.snapshot[key]
        span: list = [first.isoformat(), last.isoformat()]
        mine = ""
        if only is not None:
            mine = " AND c.client_id IN (SELECT value FROM json_each(?))"
            span.append(json.dumps(only))
        counts = {row[0]: row for row in self.conn.execute(
            "SELECT client_id, SUM(face), SUM(employer), SUM(remote), SUM(agency), SUM(center), "
            "group_concat(CASE WHEN face = 1 THEN date END) FROM contacts c "
            "WHERE deleted_at IS NULL AND date BETWEEN ? AND ?" + mine + " GROUP BY client_id", span)}
        seen: dict[int, set[str]] = defaultdict(set)
        for client_id, concern in self.conn.execute(
                "SELECT c.client_id, k.concern FROM contacts c JOIN contact_concerns k ON k.contact_id = c.id "
                "WHERE c.deleted_at IS NULL AND c.date BETWEEN ? AND ?" + mine, span):
            seen[client_id].add(concern)
        centers: dict[int, list] = defaultdict(list)
        for client_id, day, reason in self.conn.execute(
                "SELECT client_id, date, center_reason FROM contacts c WHERE deleted_at IS NULL AND center = 1 "
                "AND date BETWEEN ? AND ?" + mine + " ORDER BY date, id", span):
            centers[client_id].append((date.fromisoformat(day), reason))
        found = MonthContacts(counts, {cid: tuple(c for c in CONCERNS if c in kinds) for cid, kinds in seen.items()},
                              {cid: tuple(days) for cid, days in centers.items()})
        if self.snapshot is not None and only is None:
            self.snapshot[key] = found
        return found

    def month_activity(self, first: date, last: date, only: list[int] | None = None) -> dict[int, MonthActivity]:
        """`month_contacts` as one `MonthActivity` per client with contacts (the rules' view); with `only`, just
        those clients."""
        found = self.month_contacts(first, last, only)
        ids = found.counts if only is None else [cid for cid in only if cid in found.counts]
        return {cid: found.activity(cid) for cid in ids}

    def load_activity(self, first: date, last: date, only: list[int] | None = None
                      ) -> dict[tuple[int, Month], MonthActivity]:
        """`month_activity` for every month between two days, keyed by (client, month)."""
        result = {}
        for month in month_range(Month.of(first), Month.of(last)):
            part = self.month_activity(max(first, month.first), min(last, month.last), only)
            result.update(((cid, month), act) for cid, act in part.items())
        return result

    def load_month_rows(self, month: Month, as_of: date) -> list[tuple]:
        """Every client in service in `month` (SPEC §4 rule 2) with the month's contacts and shared report as
        known on `as_of`, by id, as the arguments of `reports.month_row`: id, name, certificate, staff,
        grant_until and support_end (ISO text), the five counts, the face days, the concerns, the share date."""
        cut = min(month.last, as_of)
        contacts = self.month_contacts(month.first, cut) if cut >= month.first else MonthContacts({}, {}, {})
        counts, concerns = contacts.counts, contacts.concerns
        shared = self.month_shared(month, as_of)
        rows = []
        for cid, name, certificate, staff, grant, start in self.conn.execute(
                f"SELECT id, name, certificate, staff, grant_until, support_start FROM clients WHERE {_IN_SERVICE} "
                "ORDER BY id", _in_service(month)):
            _, face, employer, remote, agency, center, face_days = counts.get(cid, _NO_CONTACTS)
            rows.append((cid, name, certificate, staff, grant, _support_end_iso(start), face, employer, remote,
                         agency, center, sorted(face_days.split(",")) if face_days else [],
                         concerns.get(cid, ()), shared.get(cid)))
        return rows

    def scope_ids(self, scope) -> list[int]:
        """The ids of the clients a run can concern (`rules.Scope`), by id: one statement of a few set-based
        parts, each on an index, with the months' undone duties and the unsettled handovers."""
        values = {"since": scope.since.isoformat(), "as_of": scope.as_of.isoformat()}
        current = "FROM clients c WHERE (ended_on IS NULL OR ended_on >= :since)"
        parts = []
        if scope.dated:
            values.update(period_by=scope.period_by.isoformat(), grant_by=scope.grant_by.isoformat(),
                          plan_from=scope.plan_from.isoformat())
            parts += [
                f"SELECT id {current} AND support_start <= :period_by",  # period-exceeded
                f"SELECT id {current} AND grant_until <= :grant_by",  # grant-expiring
                f"SELECT id {current} AND (employment_end IS NOT NULL OR job_change IS NOT NULL)",  # employment
                # plan-missing / plan-review-overdue: no agreed plan current on as_of, or a review date passed
                f"SELECT id {current} AND support_start <= :as_of AND NOT EXISTS (SELECT 1 FROM plans p WHERE "
                "p.client_id = c.id AND p.date BETWEEN :plan_from AND :as_of AND p.consent_date <= :as_of)",
                f"SELECT id {current} AND id IN (SELECT client_id FROM plans WHERE next_review < :as_of)",
                # plan-not-delivered: an agreed plan not handed over
                f"SELECT id {current} AND id IN (SELECT client_id FROM plans WHERE consent_date <= :as_of "
                "AND (delivered_date IS NULL OR delivered_date > :as_of))",
            ]
        if scope.grant_before is not None:  # grant-expired: in service after the grant in one of the months
            values.update(grant_before=scope.grant_before.isoformat())
            parts.append(f"SELECT id {current} AND grant_until < :grant_before")
        if scope.span is not None:  # center-cooperation-unplanned
            values.update(span_first=scope.span[0].isoformat(), span_last=scope.span[1].isoformat())
            parts.append("SELECT client_id FROM contacts WHERE deleted_at IS NULL AND center = 1 "
                         "AND date BETWEEN :span_first AND :span_last")
        for n, month in enumerate(scope.over_months):
            # plan-not-agreed: in service in a month over, no plan agreed by its last day
            values.update({f"o{n}": month.last.isoformat()})
            parts.append(f"SELECT id {current} AND support_start <= :o{n} AND NOT EXISTS (SELECT 1 FROM plans p "
                         f"WHERE p.client_id = c.id AND p.consent_date <= :o{n})")
        found = {cid for cid, in self.conn.execute(" UNION ".join(parts), values)} if parts else set()
        for month, cut in scope.duty_months:
            found |= self._duties_undone(month, cut, scope.as_of)
        return sorted(found | self._handover_scope(scope))

    def _duties_undone(self, month: Month, cut: date, as_of: date) -> set[int]:
        """Clients in service in `month` not done by `cut` with its three duties: a face contact, an employer
        visit and the support report shared (as known on `as_of`)."""
        # From the month's contacts, which a report has already read for its rows: against a second aggregate
        # query, this saves 0.05 s of a national report (measured).
        counts = self.month_contacts(month.first, cut).counts
        shared = self.month_shared(month, as_of)

        def done(client_id: int) -> bool:
            _, face, employer, *_ = counts.get(client_id, _NO_CONTACTS)
            return bool(face and employer) and client_id in shared

        return {cid for cid, in self.conn.execute(f"SELECT id FROM clients WHERE {_IN_SERVICE}", _in_service(month))
                if not done(cid)}

    def _handover_scope(self, scope) -> set[int]:
        """The clients the handover rules, the handover lists and the reduction risks can concern: an early start
        (an early share deadline) or a handover recorded, less those whose handover is settled as known on
        `as_of` (judged not needed, or shared with consent by the deadline: `rules.SETTLED`)."""
        # In a national file most clients near their end have shared on time: leaving them out takes the scope
        # of `report` from 4,609 to 1,362 clients and that of `check` from 4,136 to 1,091 (measured).
        from ..rules import SETTLED, handover_state_by, share_deadline_of_start

        found = set()
        for client_id, start, *handover in self.conn.execute(
                "SELECT c.id, c.support_start, h.client_id, h.center, h.consent_date, h.shared_date, h.not_needed, "
                "h.note FROM clients c LEFT JOIN handovers h ON h.client_id = c.id "
                "WHERE (c.ended_on IS NULL OR c.ended_on >= :since) AND (c.support_start <= :start_by "
                "OR h.not_needed = 0)", {"since": scope.since.isoformat(), "start_by": scope.start_by.isoformat()}):
            known = None if handover[0] is None else handover_known(handover, scope.as_of)
            if handover_state_by(known, share_deadline_of_start(date.fromisoformat(start))) not in SETTLED:
                found.add(client_id)
        return found

    def load_caseload(self, months: Iterable[Month], as_of: date, activity_months: Iterable[Month] = (),
                      only: Iterable[int] | None = None) -> Caseload:
        """One snapshot for the rules, as it stood on `as_of`: a handful of set-based queries, none per client.

        Records dated after `as_of` (contacts, shared reports, handover consent and sharing, plans) are left out,
        so that a run with an earlier `--as-of` replays what was known then. With `only`, just those clients
        (`show-client`: one client's findings).
        """
        months = tuple(sorted(set(months)))
        span = tuple(sorted(set(months) | set(activity_months)))
        since = min([as_of] + [m.first for m in months])
        last = min(span[-1].last, as_of) if span else None
        only = None if only is None else sorted(set(only))
        activity = self.load_activity(span[0].first, last, only) if span and last >= span[0].first else {}
        return Caseload(
            office=self.load_office(),
            clients=tuple(self.load_clients_since(since, only)),
            assignments=tuple(self.load_assignments()),
            activity=activity,
            reports_shared=self.load_reports_shared(months, as_of),
            plans=self.load_plans_in_force(since, as_of, only),
            handovers=self.load_handovers(as_of=as_of, only=only),
            months=months,
        )

    def load_client_file(self, client_id: int, history: bool = False) -> ClientFile:
        """Everything recorded about one client (`show-client`), in one snapshot."""
        with self.read():
            return ClientFile(
                contacts=tuple(self.load_contacts(client_id=client_id)),
                plans=self.load_plans(client_id).get(client_id, ()),
                monitorings=tuple(self.load_monitorings(client_id)),
                handover=self.load_handovers(client_id).get(client_id),
                reports=self.load_shared_reports(client_id),
                history=tuple(self.load_history(client_id)) if history else None,
            )

    def load_service_records(self, first: date, last: date) -> list[ServiceRecord]:
        """Clients in service in at least one month between two dates, with only the fields the retention rate
        reads (`rate.py`), by id: one query."""
        rows = self.conn.execute(
            "SELECT id, name, support_start, ended_on, employment_end, job_change, reemployed FROM clients "
            "WHERE support_start <= ? AND (ended_on IS NULL OR ended_on >= ?) ORDER BY id",
            (Month.of(last).last.isoformat(), Month.of(first).first.isoformat()))
        parse = date.fromisoformat
        return [ServiceRecord(cid, name, parse(start), _support_end_of(start), ended and parse(ended),
                              left and parse(left), change and parse(change), again and parse(again))
                for cid, name, start, ended, left, change, again in rows]


_NO_CONTACTS = (None, 0, 0, 0, 0, 0, None)

# In service in a month (SPEC §4 rule 2): started by its last day, not ended before its first, and the three
# years not over before it (`support_end` is not stored: the earliest start whose period reaches the month).
_IN_SERVICE = "support_start BETWEEN ? AND ? AND (ended_on IS NULL OR ended_on >= ?)"


def _in_service(month: Month) -> tuple[str, str, str]:
    return first_start_reaching(month.first).isoformat(), month.last.isoformat(), month.first.isoformat()


@dataclass(frozen=True)
class MonthContacts:
    """`month_contacts`: per client, `counts` = the aggregate query's row (client_id, face, employer, remote,
    agency, center, the face days joined by commas); `concerns` and `centers` only for the clients that have
    them."""

    counts: dict[int, tuple]
    concerns: dict[int, tuple[str, ...]]
    centers: dict[int, tuple[tuple[date, str | None], ...]]

    def activity(self, client_id: int) -> MonthActivity:
        _, face, employer, remote, agency, center, face_days = self.counts.get(client_id, _NO_CONTACTS)
        return MonthActivity(face, employer, remote, agency, center, self.concerns.get(client_id, ()),
                             self.centers.get(client_id, ()),
                             tuple(map(date.fromisoformat, sorted(face_days.split(",")))) if face_days else ())


@lru_cache(maxsize=8192)
def _support_end_of(start: str) -> date:
    return support_end(date.fromisoformat(start))


@lru_cache(maxsize=8192)
def _support_end_iso(start: str) -> str:
    return _support_end_of(start).isoformat()
