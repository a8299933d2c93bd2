"""Load one snapshot and run the pure core on it: the seam shared by report, check, staff, show-client and due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import Month
from .models import Assignment, Caseload, Finding, Office
from .rules import Settings, finding_scope, run_rules
from .staffing import Staffing, compute_staffing, users_months
from .store import Store


@dataclass(frozen=True)
class Evaluation:
    caseload: Caseload
    months: list[Month]
    as_of: date
    staffing: dict[Month, Staffing]
    findings: list[Finding]


def compute_staffing_for(store: Store, office: Office, assignments: tuple[Assignment, ...] | list[Assignment],
                         months: list[Month]) -> dict[Month, Staffing]:
    """Staffing per month; the monthly active counts (this month and last fiscal year) come from one query."""
    wanted: set[Month] = set(months)
    for month in months:
        wanted.update(users_months(month, office))
    counts = store.count_active(wanted)
    return {
        month: compute_staffing(month, office, assignments, counts, counts.get(month, 0))
        for month in months
    }


def staffing_for(store: Store, caseload: Caseload, months: list[Month]) -> dict[Month, Staffing]:
    """Staffing per month for a loaded caseload."""
    return compute_staffing_for(store, caseload.office, caseload.assignments, months)


def load_staffing(store: Store, months: list[Month]) -> dict[Month, Staffing]:
    """Staffing alone (for `teikan staff`): the office, the assignments and the counts, nothing per client."""
    return compute_staffing_for(store, store.load_office(), store.load_assignments(), months)


def evaluate(store: Store, months: list[Month], as_of: date, settings: Settings = Settings(),
             activity_months: list[Month] | tuple[Month, ...] = (), dated: bool = True,
             scoped: bool = False) -> Evaluation:
    """Load the snapshot for `months` as of `as_of`, compute staffing, and run the month rules for `months`
    plus (with `dated`) the dated rules at `as_of`.

    With `scoped`, the caseload holds only the clients `rules.finding_scope` leaves in (those that can have a
    finding or a handover row): the findings are the same, but `caseload.clients` is not every client.
    """
    with store.read():
        if scoped:
            store.mark_scope(finding_scope(months, as_of, settings, dated))
        caseload = store.load_caseload(months, as_of, activity_months, scoped=scoped)
        staffing = staffing_for(store, caseload, months)
    findings = run_rules(caseload, months, as_of, settings, staffing, dated=dated)
    return Evaluation(caseload, months, as_of, staffing, findings)
