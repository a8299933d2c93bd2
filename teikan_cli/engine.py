"""Load one snapshot and run the pure core on it: the seam shared by report, check, staff, show-client and due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import Month
from .models import Caseload, Finding
from .rules import Settings, run_rules
from .staffing import Staffing, compute_staffing, users_months


@dataclass(frozen=True)
class Evaluation:
    caseload: Caseload
    months: list[Month]
    as_of: date
    staffing: dict[Month, Staffing]
    findings: list[Finding]


def load_staffing(store, months: list[Month], office=None, assignments=None) -> dict[Month, Staffing]:
    """Staffing per month; the monthly active counts (these months and last fiscal year's) come from one query."""
    office = office or store.load_office()
    assignments = store.load_assignments() if assignments is None else assignments
    wanted: set[Month] = set(months)
    for month in months:
        wanted.update(users_months(month, office))
    counts = store.count_active(wanted)
    return {month: compute_staffing(month, office, assignments, counts, counts.get(month, 0)) for month in months}


def evaluate(store, months: list[Month], as_of: date, settings: Settings = Settings(),
             activity_months: list[Month] | tuple[Month, ...] = (), dated: bool = True, only=None,
             scoped: bool = False) -> Evaluation:
    """Load the snapshot for `months` as of `as_of`, compute staffing, and run the month rules for `months`
    plus (with `dated`) the dated rules at `as_of`; with `only`, for those clients alone. With `scoped`, only
    the clients `rules.finding_scope` leaves in are loaded: the findings are the same, `caseload.clients` is
    not every client."""
    from .rules import finding_scope

    with store.read():
        if scoped:
            only = store.scope_ids(finding_scope(months, as_of, settings, dated))
        caseload = store.load_caseload(months, as_of, activity_months, only)
        staffing = load_staffing(store, months, caseload.office, caseload.assignments)
    findings = run_rules(caseload, months, as_of, settings, staffing, dated=dated)
    return Evaluation(caseload, months, as_of, staffing, findings)


@dataclass(frozen=True)
class MonthReport:
    """`report --month`: the SPEC §5 data, the month's staffing and its findings (for the table's lines)."""

    data: dict
    staffing: Staffing
    findings: list[Finding]


def month_report(store, month: Month, as_of: date, with_fee: bool = False) -> MonthReport:
    """The monthly report from one snapshot: the month rules for `month`, the dated rules when it is the month of
    `as_of` (their findings carry that month), and the report's own `handover-reduction-risk`. With `with_fee`,
    the base-fee estimate of the month's billable clients (the table shows it; JSON keeps SPEC §5's keys)."""
    from .dates import fiscal_year
    from .rate import fee_estimate, rate_for_month, rate_window
    from .reports import build_report
    from .rules import report_findings, sort_findings

    from .reports import month_row

    with store.read():
        rows = [month_row(*record) for record in store.load_month_rows(month, as_of)]
        evaluation = evaluate(store, [month], as_of, dated=month == Month.of(as_of), scoped=True)
        records = store.load_service_records(*rate_window(fiscal_year(month))) if with_fee else ()
    caseload, staffing = evaluation.caseload, evaluation.staffing[month]
    findings = sort_findings(evaluation.findings + report_findings(caseload, month, as_of))
    data = build_report(caseload, month, as_of, staffing, findings, rows)
    if with_fee:
        rate = rate_for_month(records, month, caseload.office.rate_tier) if fiscal_year(month) >= 2024 else None
        data["fee_estimate"] = fee_estimate(sum(1 for row in data["clients"] if row["billable"]), rate)
    return MonthReport(data, staffing, [f for f in findings if f.month == str(month)])
