"""Report data (pure): the monthly compliance report, the check result and the handover list.

Each builder returns plain JSON-ready dicts; `render` turns the same dict into a table, JSON or CSV.
"""

from __future__ import annotations

from datetime import date

from .dates import Month
from .models import Caseload, Client, ClientFile, Contact, Finding, Handover, MonthActivity, Office, Plan
from .rules import SETTLED, handover_state, share_deadline_of
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


def contact_json(contact: Contact) -> dict:
    """A contact as `visits` and `show-client` give it: the keys of SPEC §3 visits JSON."""
    return {
        "id": contact.id, "client_id": contact.client_id, "date": contact.date.isoformat(),
        "types": list(contact.types), "staff": contact.staff, "minutes": contact.minutes, "place": contact.place,
        "concerns": list(contact.concerns), "center_reason": contact.center_reason, "note": contact.note,
    }


def plan_json(plan: Plan) -> dict:
    """One version of the 個別支援計画 with all its dates (SPEC §11)."""
    return {
        "id": plan.id, "date": plan.date.isoformat(), "consent_date": _iso(plan.consent_date),
        "delivered_date": _iso(plan.delivered_date), "delivered_to": list(plan.delivered_to),
        "long_goal": plan.long_goal, "short_goal": plan.short_goal, "items": list(plan.items),
        "next_review": _iso(plan.next_review), "center_cooperation": list(plan.center_cooperation),
    }


def handover_json(handover: Handover | None, client: Client) -> dict | None:
    if handover is None:
        return None
    return {"center": handover.center, "consent_date": _iso(handover.consent_date),
            "shared_date": _iso(handover.shared_date), "not_needed": handover.not_needed,
            "state": handover_state(handover, client), "note": handover.note}


def staff_rows(staffing) -> list[dict]:
    """`staff`: each person in each role for the month, with the ids of the assignments behind the row."""
    return [{"assignments": list(p.assignments), "name": p.name, "role": p.role, "hours": p.listed_hours,
             "month_hours": round(float(p.hours), 4), "from": _iso(p.from_date), "until": _iso(p.until_date),
             "reduced_hours": p.reduced_hours, "fulltime": p.fulltime, "fte": round(float(p.fte), 4)}
            for p in staffing.people]


def client_view(client: Client, file: ClientFile, findings: list[Finding], as_of: date) -> dict:
    """`show-client` JSON (SPEC §3): the client, its contacts, its plan versions (each with its monitorings), its
    handover and findings; with `--history`, its history too."""
    plans = []
    for plan in file.plans:
        data = plan_json(plan)
        data["monitorings"] = [{"id": m.id, "date": m.date.isoformat(), "note": m.note}
                               for m in file.monitorings if m.plan_id == plan.id]
        plans.append(data)
    data = {
        "client": client_json(client, as_of),
        "contacts": [contact_json(c) for c in file.contacts],
        "plans": plans,
        "handover": handover_json(file.handover, client),
        "findings": [f.as_json() for f in findings if f.client_id == client.id],
    }
    if file.history is not None:
        data["history"] = list(file.history)
    return data


def office_json(office: Office) -> dict:
    return {
        "name": office.name,
        "number": office.number,
        "fulltime_hours": office.fulltime_hours,
        "opened": _iso(office.opened),
    }


def month_rows(caseload: Caseload, month: Month) -> list[dict]:
    """One row per client in service in the month (SPEC §5), by id."""
    activity = {cid: act for (cid, m), act in caseload.activity.items() if m == month}
    shared_ids = {cid for cid, m in caseload.reports_shared if m == month}
    rows = []
    for c in caseload.clients:
        if c.active_in(month):
            act = activity.get(c.id, _NO_ACTIVITY)
            rows.append(month_row(c.id, c.name, c.certificate, c.staff, _iso(c.grant_until), c.support_end.isoformat(),
                                  act.face, act.employer, act.remote, act.agency, act.center,
                                  [d.isoformat() for d in act.face_dates], act.concerns, c.id in shared_ids))
    return rows


def month_row(client_id: int, name: str, certificate: str | None, staff: str | None, grant_until: str | None,
              support_end: str, face: int, employer: int, remote: int, agency: int, center: int,
              face_dates: list[str], concerns, shared) -> dict:
    """The SPEC §5 row of one client in one month, from plain values (dates as ISO text; `shared`: the report's
    share date, or whether it was). A national month has 18,699 rows: `Store.load_month_rows` gives them
    straight from its aggregate query, without a model each."""
    return {
        "id": client_id,
        "name": name,
        "certificate": certificate,
        "staff": staff,
        "face": face,
        "face_dates": face_dates,
        "employer": employer,
        "remote": remote,
        "agency": agency,
        "center": center,
        "report_shared": bool(shared),
        "billable": billable(face_dates, grant_until, bool(shared)),
        "concerns": list(concerns),
        "support_end": support_end,
    }


def billable(face_dates, grant_until, shared: bool) -> bool:
    """Whether the month can be billed: the days of its face contacts and the grant's last day, both as dates
    or both as ISO text (which compare alike)."""
    # 報酬告示 第14の2 / 「就労定着支援の実施について」(2021): a face contact on a day the 受給者証 grant covers
    # (障害者総合支援法 第22条・第23条: 支給決定期間) and the month's 支援レポート shared.
    return shared and any(grant_until is None or day <= grant_until for day in face_dates)


def handover_row(client: Client, handover: Handover | None, as_of: date) -> dict:
    """One client's handover (SPEC §3 handovers): `days_left` to the share deadline (negative once past),
    `days_to_end` to the end of the service."""
    deadline = share_deadline_of(client)
    return {
        "client_id": client.id,
        "name": client.name,
        "support_end": client.support_end.isoformat(),
        "share_deadline": deadline.isoformat(),
        "days_left": (deadline - as_of).days,
        "days_to_end": (client.support_end - as_of).days,
        "center": handover.center if handover else None,
        "consent_date": _iso(handover.consent_date) if handover else None,
        "shared_date": _iso(handover.shared_date) if handover else None,
        "state": handover_state(handover, client),
    }


def handover_rows(caseload: Caseload, as_of: date, within: int) -> list[dict]:
    """SPEC §3 handovers: clients not ended whose share deadline is within `within` days of `as_of`, or past and
    not shared on time, soonest deadline first."""
    rows = []
    for c in caseload.clients:
        if c.ended_on is not None and c.ended_on < as_of:
            continue
        row = handover_row(c, caseload.handovers.get(c.id), as_of)
        if 0 <= row["days_left"] <= within or (row["days_left"] < 0 and row["state"] not in SETTLED):
            rows.append(row)
    return sorted(rows, key=lambda r: (r["share_deadline"], r["client_id"]))


def handovers_due(caseload: Caseload, as_of: date, within: int = 90) -> list[dict]:
    """The report's handovers: still to do with the deadline within `within` days or past; a late share is
    listed through the month it was made (the reduction may apply, SPEC §4 rule 7)."""
    rows = []
    for row in handover_rows(caseload, as_of, within):
        if row["state"] in SETTLED:
            continue
        if row["state"] == "shared-late" and row["shared_date"][:7] < str(Month.of(as_of)):
            continue
        rows.append(row)
    return rows


def build_report(caseload: Caseload, month: Month, as_of: date, staffing: Staffing,
                 findings: list[Finding], rows: list[dict] | None = None) -> dict:
    """SPEC §5 JSON: one row per client in service in the month, staffing, handovers due, the month's findings
    (month rules for the month; dated rules when it is the month of `as_of`). `rows` are the month's client rows
    when read apart from a scoped caseload (`Store.load_month_rows`)."""
    return {
        "month": str(month),
        "as_of": as_of.isoformat(),
        "office": office_json(caseload.office),
        "clients": month_rows(caseload, month) if rows is None else rows,
        "staffing": staffing.as_json(),
        "handovers": handovers_due(caseload, as_of),
        "findings": [f.as_json() for f in findings if f.month == str(month)],
    }


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
