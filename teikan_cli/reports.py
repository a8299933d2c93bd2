"""Report data (pure): the monthly compliance report, the check result and the handover list.

Each builder returns plain JSON-ready dicts; `render` turns the same dict into a table, JSON or CSV.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from .dates import Month
from .models import Caseload, Client, Finding, Handover, MonthActivity, Office
from .rules import share_deadline_of
from .staffing import Staffing

_NO_ACTIVITY = MonthActivity()


def client_json(client: Client, as_of: date) -> dict:
    """The CLIENT object of SPEC §3."""
    return {
        "id": client.id,
        "name": client.name,
        "kana": client.kana,
        "employer": client.employer,
        "certificate": client.certificate,
        "grant_until": _iso(client.grant_until),
        "staff": client.staff,
        "disabilities": list(client.disabilities),
        "prior_service": client.prior_service,
        "employment_start": client.employment_start.isoformat(),
        "employment_end": _iso(client.employment_end),
        "eligible_from": client.eligible_from.isoformat(),
        "support_start": client.support_start.isoformat(),
        "support_end": client.support_end.isoformat(),
        "share_deadline": client.share_deadline.isoformat(),
        "ended_on": _iso(client.ended_on),
        "end_reason": client.end_reason,
        "status": client.status(as_of),
    }


def office_json(office: Office) -> dict:
    return {
        "name": office.name,
        "number": office.number,
        "fulltime_hours": office.fulltime_hours,
        "opened": _iso(office.opened),
    }


def month_rows(caseload: Caseload, month: Month) -> list[dict]:
    """One row per client in service in the month (SPEC §5), by id."""
    first, last = month.first, month.last
    activity = {cid: act for (cid, m), act in caseload.activity.items() if m == month}
    shared_ids = {cid for cid, m in caseload.reports_shared if m == month}
    return [
        month_row(c, activity.get(c.id, _NO_ACTIVITY), c.id in shared_ids)
        for c in caseload.clients
        # SPEC §4.2: in service in the month.
        if c.support_start <= last and (c.ended_on is None or c.ended_on >= first)
    ]


def month_row(client: Client, act: MonthActivity, shared) -> dict:
    """The SPEC §5 row of one client in one month (`shared`: the report's share date, or whether it was)."""
    return {
        "id": client.id,
        "name": client.name,
        "certificate": client.certificate,
        "staff": client.staff,
        "face": act.face,
        "face_dates": [d.isoformat() for d in act.face_dates],
        "employer": act.employer,
        "remote": act.remote,
        "agency": act.agency,
        "center": act.center,
        "report_shared": bool(shared),
        "billable": billable(client, act, bool(shared)),
        "concerns": list(act.concerns),
        "support_end": client.support_end.isoformat(),
    }


def billable(client: Client, act: MonthActivity, shared: bool) -> bool:
    # 報酬告示 第14の2 / 「就労定着支援の実施について」(2021): a face contact on a day the 受給者証 grant covers
    # (障害者総合支援法 第22条・第23条: 支給決定期間) and the month's 支援レポート shared.
    grant = client.grant_until
    return shared and any(grant is None or day <= grant for day in act.face_dates)


def handover_state(handover: Handover | None) -> str:
    return "not-started" if handover is None else handover.state


def handover_row(client: Client, handover: Handover | None, as_of: date) -> dict:
    return {
        "client_id": client.id,
        "name": client.name,
        "support_end": client.support_end.isoformat(),
        "share_deadline": share_deadline_of(client).isoformat(),
        "days_left": (client.support_end - as_of).days,
        "center": handover.center if handover else None,
        "consent_date": _iso(handover.consent_date) if handover else None,
        "shared_date": _iso(handover.shared_date) if handover else None,
        "state": handover_state(handover),
    }


def handover_rows(caseload: Caseload, as_of: date, within: int) -> list[dict]:
    """Clients not ended before `as_of` whose service ends within `within` days, soonest first."""
    rows = [
        handover_row(c, caseload.handovers.get(c.id), as_of)
        for c in caseload.clients
        if (c.ended_on is None or c.ended_on >= as_of) and (c.support_end - as_of).days <= within
    ]
    return sorted(rows, key=lambda r: (r["support_end"], r["client_id"]))


def handovers_due(caseload: Caseload, as_of: date, within: int = 90) -> list[dict]:
    """Handovers still to do whose share deadline is within `within` days (or already past)."""
    rows = []
    for c in caseload.clients:
        if c.ended_on is not None and c.ended_on < as_of:
            continue
        handover = caseload.handovers.get(c.id)
        if handover_state(handover) in ("shared", "not-needed"):
            continue
        if (share_deadline_of(c) - as_of).days <= within:
            rows.append(handover_row(c, handover, as_of))
    return sorted(rows, key=lambda r: (r["share_deadline"], r["client_id"]))


def report_findings(findings: list[Finding], month: Month) -> list[Finding]:
    """The findings of month M: month rules for M, and dated rules when M is the month of `as_of`."""
    label = str(month)
    return [f for f in findings if f.month == label]


def report_sections(caseload: Caseload, month: Month, as_of: date, staffing: Staffing,
                    findings: list[Finding], rate=None, rows: list[dict] | None = None,
                    billable_count: int | None = None) -> dict:
    """Sections of the monthly report after SPEC §5's keys: the base-fee estimate (issue 9).

    `rate` is the `rate.RateResult` applying in the month (None when no fee table covers it). The billable
    client-months are `billable_count`, else counted in `rows`, else in the caseload's month rows.
    """
    from .rate import fee_estimate

    if billable_count is None:
        billable_count = sum(1 for row in (month_rows(caseload, month) if rows is None else rows) if row["billable"])
    return {"fee_estimate": fee_estimate(billable_count, rate)}


def handover_late_clients(caseload: Caseload, month: Month, as_of: date) -> list[int]:
    """Clients of the month whose share deadline passed (by the month's end, or `as_of`) with nothing shared
    by then and no `not-needed` judgement: the 支援体制構築未実施減算 case (留意事項通知, 2024改定)."""
    cutoff = min(month.last, as_of)
    late = []
    for client in caseload.clients:
        if not client.active_in(month):
            continue
        deadline = share_deadline_of(client)
        if deadline >= cutoff or (client.ended_on is not None and client.ended_on <= deadline):
            continue
        handover = caseload.handovers.get(client.id)
        if handover is not None and (handover.not_needed or
                                     (handover.shared_date is not None and handover.shared_date <= deadline)):
            continue
        late.append(client.id)
    return late


def build_report(caseload: Caseload, month: Month, as_of: date, staffing: Staffing, findings: list[Finding],
                 sections: Mapping[str, object] | None = None, rows: list[dict] | None = None) -> dict:
    """SPEC §5 JSON. `sections` appends further top-level sections (e.g. a fee estimate) after `findings`.

    `rows` are the month's client rows when read apart (`Store.load_month_rows`, for a caseload scoped to the
    clients with findings); by default they come from the caseload.
    """
    data = {
        "month": str(month),
        "as_of": as_of.isoformat(),
        "office": office_json(caseload.office),
        "clients": month_rows(caseload, month) if rows is None else rows,
        "staffing": staffing.as_json(),
        "handovers": handovers_due(caseload, as_of),
        "findings": [f.as_json() for f in report_findings(findings, month)],
    }
    for key, value in (sections or {}).items():
        if key in data:
            raise ValueError(f"report section {key!r} already exists")
        data[key] = value
    return data


def build_check(months: list[Month], as_of: date, findings: list[Finding], staffing: Staffing | None) -> dict:
    """SPEC §6 JSON."""
    return {
        "as_of": as_of.isoformat(),
        "months": [str(m) for m in months],
        "findings": [f.as_json() for f in findings],
        "counts": {
            "error": sum(1 for f in findings if f.severity == "error"),
            "warning": sum(1 for f in findings if f.severity == "warning"),
        },
        "staffing": staffing.as_json() if staffing else {},
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
