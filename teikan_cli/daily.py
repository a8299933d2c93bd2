"""The daily driver (SPEC §10), pure: what each staff member still has to do, and whose concerns are rising.

`due` turns the rule engine's own findings into needs per client, groups them by staff member and employer
(one workplace visit covers every client employed there) and orders them by urgency. `watch` reads the
concerns recorded per month (aggregated by the store) and matches a small set of named patterns.
No I/O here: everything works on one `Caseload` snapshot.

Urgency: every need has a deadline — `face`, `employer`, `report`: the month's last day; `plan-review`: the
day the first plan or the next review is due; `handover`: the share deadline; `grant`: the grant's last day.
A client's deadline is its earliest need's; clients are listed earliest deadline first (then by id), and an
employer group takes its most urgent client's deadline (ties: by name, unknown employer last). Staff groups
are in name order with the unassigned clients last. Needs within a client keep the order of `NEEDS`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Mapping, Sequence

from .dates import Month
from .models import CONCERNS, Caseload, Client, Contact, MonthActivity, Plan
from .rules import (
    Context,
    Settings,
    employer_visit_findings,
    face_to_face_findings,
    grant_to_renew,
    handover_findings,
    delivery_due,
    latest_agreed_plan,
    plan_due,
    review_due,
    support_report_findings,
)

NEEDS = ("face", "employer", "report", "plan-consent", "plan-delivery", "plan-review", "handover", "grant")
PLAN_LOOKAHEAD_DAYS = 30  # SPEC §10: a review falling due within 30 days
HANDOVER_LOOKAHEAD_DAYS = 90  # SPEC §10: share deadline within 90 days
GRANT_LOOKAHEAD_DAYS = 30  # SPEC §10 / §4.8: grant expiring within 30 days

# The check's rule codes whose findings are a need of `due`.
NEED_OF_RULE = {
    "face-to-face-pending": "face", "face-to-face-missing": "face",
    "employer-visit-pending": "employer", "employer-visit-missing": "employer",
    "support-report-pending": "report", "support-report-missing": "report",
    "handover-due": "handover", "handover-late": "handover",
    "grant-expiring": "grant", "grant-expired": "grant",
}

# A remind window longer than any month: the monthly rules then report every open duty, whatever the day.
_WHOLE_MONTH = Settings(remind_days=31, within=HANDOVER_LOOKAHEAD_DAYS, grant_days=GRANT_LOOKAHEAD_DAYS)
_NO_ACTIVITY = MonthActivity()


@dataclass(frozen=True)
class Need:
    code: str
    deadline: date


@dataclass(frozen=True)
class ClientDue:
    client: Client
    needs: tuple[Need, ...]

    @property
    def deadline(self) -> date:
        return min(n.deadline for n in self.needs)


@dataclass(frozen=True)
class EmployerDue:
    employer: str | None
    clients: tuple[ClientDue, ...]

    @property
    def deadline(self) -> date:
        return min(c.deadline for c in self.clients)


@dataclass(frozen=True)
class StaffDue:
    staff: str | None  # None = no staff member assigned
    employers: tuple[EmployerDue, ...]


# ---------------------------------------------------------------- due


def next_plan_due(client: Client, plans: Iterable[Plan], as_of: date, settings: Settings = Settings()) -> date | None:
    """The day the first plan (start + 30 days) or the next review of the agreed plan in force is due.

    None before the service starts. Same reading as `rules.plan_findings`, without its "already overdue" cut.
    """
    # 基準省令 第206条の12 (準用 第58条): 個別支援計画を作成し、少なくとも6月に1回以上見直す.
    if client.support_start > as_of:
        return None
    latest = latest_agreed_plan(plans, as_of)
    if latest is None:
        return plan_due(client.support_start, settings.plan_first_days)
    return review_due(latest, settings.plan_review_months)


def plan_steps(client: Client, plans: Sequence[Plan], as_of: date) -> list[Need]:
    """`plan-consent`: a version was made but not yet agreed (by the month's end, or 個別支援計画未作成減算);
    `plan-delivery`: the agreed plan in force is not yet handed over (14 days after the consent)."""
    if client.support_start > as_of:
        return []
    needs = []
    made = [p for p in plans if p.date <= as_of]
    if made and made[-1].consent_date is None:
        needs.append(Need("plan-consent", Month.of(as_of).last))
    latest = latest_agreed_plan(plans, as_of)
    if latest is not None and latest.delivered_date is None:
        needs.append(Need("plan-delivery", delivery_due(latest)))
    return needs


def month_needs(caseload: Caseload, month: Month, as_of: date) -> dict[int, list[Need]]:
    """`face`, `employer`, `report` for clients active in `month`: the monthly rules' own findings.

    The rules stay quiet before their remind window and before the month starts; `due` wants every open duty,
    so they run with a whole-month window and, for a month still to come, as of its first day.
    """
    ctx = Context(caseload, max(as_of, month.first), _WHOLE_MONTH, month)
    needs: dict[int, list[Need]] = defaultdict(list)
    for rule in (face_to_face_findings, employer_visit_findings, support_report_findings):
        for finding in rule(ctx):
            needs[finding.client_id].append(Need(NEED_OF_RULE[finding.rule], month.last))
    return needs


def dated_needs(caseload: Caseload, as_of: date) -> dict[int, list[Need]]:
    """`plan-review`, `handover`, `grant` for every client not ended before `as_of` (the check's dated scope)."""
    ctx = Context(caseload, as_of, _WHOLE_MONTH)
    by_id = {c.id: c for c in caseload.clients}
    needs: dict[int, list[Need]] = defaultdict(list)
    for client in ctx.current_clients():
        plans = caseload.plans.get(client.id, ())
        needs[client.id].extend(plan_steps(client, plans, as_of))
        due = next_plan_due(client, plans, as_of, ctx.settings)
        if due is not None and (due - as_of).days <= PLAN_LOOKAHEAD_DAYS:
            needs[client.id].append(Need("plan-review", due))
    for finding in handover_findings(ctx):
        if NEED_OF_RULE.get(finding.rule) == "handover":
            needs[finding.client_id].append(Need("handover", by_id[finding.client_id].share_deadline))
    for client in ctx.current_clients():
        if grant_to_renew(client, as_of, ctx.settings.grant_days):
            needs[client.id].append(Need("grant", client.grant_until))
    return needs


def client_needs(caseload: Caseload, month: Month, as_of: date) -> list[ClientDue]:
    """Every client with at least one need, most urgent first."""
    collected: dict[int, list[Need]] = defaultdict(list)
    for part in (month_needs(caseload, month, as_of), dated_needs(caseload, as_of)):
        for client_id, needs in part.items():
            collected[client_id].extend(needs)
    order = {code: i for i, code in enumerate(NEEDS)}
    result = [
        ClientDue(c, tuple(sorted(collected[c.id], key=lambda n: order[n.code])))
        for c in caseload.clients
        if collected.get(c.id)
    ]
    return sorted(result, key=lambda d: (d.deadline, d.client.id))


def group_due(items: Iterable[ClientDue], staff: str | None = None) -> list[StaffDue]:
    """Group by staff member, then employer. With `staff`, keep just that staff member's clients."""
    by_staff: dict[str | None, dict[str | None, list[ClientDue]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        if staff is not None and item.client.staff != staff:
            continue
        by_staff[item.client.staff][item.client.employer].append(item)
    groups = []
    for name in sorted(by_staff, key=lambda s: (s is None, s or "")):
        employers = [
            EmployerDue(employer, tuple(sorted(clients, key=lambda d: (d.deadline, d.client.id))))
            for employer, clients in by_staff[name].items()
        ]
        employers.sort(key=lambda e: (e.deadline, e.employer is None, e.employer or ""))
        groups.append(StaffDue(name, tuple(employers)))
    return groups


def build_due(caseload: Caseload, month: Month, as_of: date, staff: str | None = None) -> list[StaffDue]:
    """SPEC §10 `due`: what remains for `month` as of `as_of`, per staff member and employer."""
    return group_due(client_needs(caseload, month, as_of), staff)


def due_json(groups: list[StaffDue], month: Month, as_of: date) -> dict:
    """SPEC §10 JSON: {"as_of","month","staff":[{"staff","employers":[{"employer","clients":[...]}]}]}."""
    return {
        "as_of": as_of.isoformat(),
        "month": str(month),
        "staff": [
            {
                "staff": group.staff,
                "employers": [
                    {
                        "employer": employer.employer,
                        "clients": [
                            {"client_id": d.client.id, "name": d.client.name, "needs": [n.code for n in d.needs]}
                            for d in employer.clients
                        ],
                    }
                    for employer in group.employers
                ],
            }
            for group in groups
        ],
    }


def due_rows(groups: list[StaffDue], as_of: date) -> list[dict]:
    """Flat rows (one per client) for CSV and tables: staff, employer, client, needs, earliest deadline."""
    return [
        {
            "staff": group.staff,
            "employer": employer.employer,
            "client_id": d.client.id,
            "name": d.client.name,
            "needs": [n.code for n in d.needs],
            "deadline": d.deadline.isoformat(),
            "days_left": (d.deadline - as_of).days,
        }
        for group in groups
        for employer in group.employers
        for d in employer.clients
    ]


def known_staff(caseload: Caseload, registered: Iterable[str]) -> set[str]:
    """Names `due --staff` accepts: registered staff (add-staff) and anyone some client is assigned to."""
    return set(registered) | {c.staff for c in caseload.clients if c.staff}


def staff_filter(name: str | None, caseload: Caseload, registered: Iterable[str]) -> str | None:
    """`due --staff NAME`: the name after the name rule (SPEC §3), known as staff or as a client's 担当."""
    from .errors import NotFoundError
    from .names import name_key
    from .validation import clean_text

    if name is None:
        return None
    key = name_key(clean_text(name, "--staff", required=True, limit=200))
    if key not in known_staff(caseload, registered):
        raise NotFoundError("staff.unknown", name=name)
    return key


def last_month(as_of: date) -> Month:
    """The month `watch` looks at (SPEC §10): the month of `as_of`, or the one before while `as_of` is on or before
    the 10th (as `check` does: the billing deadline of the month before)."""
    current = Month.of(as_of)
    return current.shift(-1) if as_of.day <= 10 else current


# ---------------------------------------------------------------- watch

ConcernsByMonth = Mapping[Month, tuple[str, ...]]


def _concerns(by_month: ConcernsByMonth, month: Month) -> set[str]:
    return set(by_month.get(month, ()))


def repeated_concern(by_month: ConcernsByMonth, last: Month) -> bool:
    """`repeated`: the same concern recorded in the last month and in the month before."""
    return bool(_concerns(by_month, last) & _concerns(by_month, last.shift(-1)))


def several_concerns(by_month: ConcernsByMonth, last: Month) -> bool:
    """`several`: two or more kinds of concern recorded in the last month."""
    return len(_concerns(by_month, last)) >= 2


def new_attendance(by_month: ConcernsByMonth, last: Month) -> bool:
    """`new-attendance`: `attendance` in the last month after none in the three months before."""
    # 留意事項通知: 遅刻や欠勤の増加 is the first warning sign the notice names.
    if "attendance" not in _concerns(by_month, last):
        return False
    return not any("attendance" in _concerns(by_month, last.shift(-k)) for k in (1, 2, 3))


# The watch rule set (SPEC §10), in the order patterns are listed.
WATCH_PATTERNS: tuple[tuple[str, Callable[[ConcernsByMonth, Month], bool]], ...] = (
    ("repeated", repeated_concern),
    ("several", several_concerns),
    ("new-attendance", new_attendance),
)
PATTERN_MONTHS = 4  # the last month and the three before it (new-attendance)


def match_patterns(by_month: ConcernsByMonth, last: Month) -> list[str]:
    return [code for code, matches in WATCH_PATTERNS if matches(by_month, last)]


def watch_months(last: Month, shown: int) -> tuple[list[Month], list[Month]]:
    """(months to show, months to load): `shown` months ending with `last`; at least four are loaded."""
    shown_months = [last.shift(-k) for k in range(shown - 1, -1, -1)]
    loaded = [last.shift(-k) for k in range(max(shown, PATTERN_MONTHS) - 1, -1, -1)]
    return shown_months, loaded


def client_activity(activity: Mapping[tuple[int, Month], MonthActivity], client_id: int) -> dict[Month, MonthActivity]:
    """One client's activity per month, taken from a snapshot's `Caseload.activity`."""
    return {month: act for (cid, month), act in activity.items() if cid == client_id}


def monthly_concerns(contacts: Iterable[Contact]) -> dict[Month, MonthActivity]:
    """One client's already loaded contacts as concern-only activity per month (what show-client has at hand)."""
    found: dict[Month, set[str]] = defaultdict(set)
    for contact in contacts:
        found[Month.of(contact.date)].update(contact.concerns)
    return {m: MonthActivity(concerns=tuple(c for c in CONCERNS if c in kinds)) for m, kinds in found.items()}


def concern_timeline(activity_by_month: Mapping[Month, MonthActivity],
                     months: Iterable[Month] | None = None) -> dict[str, list[str]]:
    """Concerns per month, oldest first: {"YYYY-MM": [...]}.

    With `months`, exactly those months (empty list where nothing was recorded); otherwise only the months that
    recorded a concern.
    """
    if months is None:
        months = [m for m, act in activity_by_month.items() if act.concerns]
    return {str(m): list(activity_by_month.get(m, _NO_ACTIVITY).concerns) for m in sorted(set(months))}


@dataclass(frozen=True)
class Watched:
    client: Client
    patterns: tuple[str, ...]
    concerns: dict[str, list[str]]


def build_watch(caseload: Caseload, as_of: date, shown: int = 3) -> list[Watched]:
    """SPEC §10 `watch`: clients active in the month of `as_of` whose concerns match a pattern.

    Most patterns first, then by id. `caseload.activity` must cover the months of `watch_months`.
    """
    last = last_month(as_of)
    shown_months, _loaded = watch_months(last, shown)
    per_client: dict[int, dict[Month, MonthActivity]] = defaultdict(dict)
    for (client_id, month), act in caseload.activity.items():
        per_client[client_id][month] = act
    found = []
    for client in caseload.clients:
        if not client.active_in(last):
            continue
        activity = per_client.get(client.id, {})
        patterns = match_patterns({m: a.concerns for m, a in activity.items()}, last)
        if patterns:
            found.append(Watched(client, tuple(patterns), concern_timeline(activity, shown_months)))
    return sorted(found, key=lambda w: (-len(w.patterns), w.client.id))


def watch_rows(watched: list[Watched]) -> list[dict]:
    """Flat rows (one per client) for CSV: id, name, patterns, and the concerns of each month shown."""
    return [dict(w.concerns, client_id=w.client.id, name=w.client.name, patterns=list(w.patterns)) for w in watched]


def watch_json(watched: list[Watched], as_of: date) -> dict:
    """SPEC §10 JSON: {"as_of","clients":[{"client_id","name","patterns","concerns":{"YYYY-MM":[...]}}]}."""
    return {
        "as_of": as_of.isoformat(),
        "clients": [
            {"client_id": w.client.id, "name": w.client.name, "patterns": list(w.patterns), "concerns": w.concerns}
            for w in watched
        ],
    }


__all__ = [
    "NEEDS", "WATCH_PATTERNS", "Need", "ClientDue", "EmployerDue", "StaffDue", "Watched", "build_due", "build_watch",
    "client_activity", "client_needs", "concern_timeline", "due_json", "due_rows", "group_due", "known_staff",
    "match_patterns", "monthly_concerns", "new_attendance", "next_plan_due", "repeated_concern", "several_concerns",
    "watch_json", "watch_months",
]
