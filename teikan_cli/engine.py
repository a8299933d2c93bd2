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
             activity_months: list[Month] | tuple[Month, ...] = (), dated: bool = True) -> Evaluation:
    """Load the snapshot for `months` as of `as_of`, compute staffing, and run the month rules for `months`
    plus (with `dated`) the dated rules at `as_of`."""
    with store.read():
        caseload = store.load_caseload(months, as_of, activity_months)
        staffing = load_staffing(store, months, caseload.office, caseload.assignments)
    findings = run_rules(caseload, months, as_of, settings, staffing, dated=dated)
    return Evaluation(caseload, months, as_of, staffing, findings)
