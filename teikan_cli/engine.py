"""Load one snapshot and run the pure core on it: the seam shared by report, check, show-client and due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import Month
from .models import Caseload, Finding
from .rules import Settings, run_rules
from .staffing import Staffing, compute_staffing, users_months
from .store import Store


@dataclass(frozen=True)
class Evaluation:
    caseload: Caseload
    months: list[Month]
    as_of: date
    staffing: dict[Month, Staffing]
    findings: list[Finding]


def staffing_for(store: Store, caseload: Caseload, months: list[Month]) -> dict[Month, Staffing]:
    """Staffing per month: monthly active counts are counted in SQL (one statement per month needed)."""
    wanted: set[Month] = set(months)
    per_month: dict[Month, list[Month]] = {}
    for month in months:
        per_month[month] = users_months(month, caseload.office)
        wanted.update(per_month[month])
    counts = store.count_active(sorted(wanted))
    return {
        month: compute_staffing(month, caseload.office, caseload.assignments, counts, counts[month])
        for month in months
    }


def evaluate(store: Store, months: list[Month], as_of: date, settings: Settings = Settings(),
             activity_months: list[Month] | tuple[Month, ...] = ()) -> Evaluation:
    caseload = store.load_caseload(months, as_of, activity_months)
    staffing = staffing_for(store, caseload, months)
    findings = run_rules(caseload, months, as_of, settings, staffing)
    return Evaluation(caseload, months, as_of, staffing, findings)
