"""The documents' inputs made from the caseload's records (pure): which plan is in force, which day is counted
for the base fee, what the employer's copy may show are decided here, once, for every format."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable, Sequence

from ..dates import Month
from ..models import Assignment, Client, Contact, Office, Plan, SharedReport
from .inputs import (
    ClientInfo,
    OfficeInfo,
    PlanGoals,
    ReportContact,
    ServiceDay,
    ServiceRecordPage,
    ShareRecord,
    SupportReportPage,
)


def office_info(office: Office) -> OfficeInfo:
    return OfficeInfo(office.name, office.number, office.address, office.phone)


def client_info(client: Client) -> ClientInfo:
    return ClientInfo(client.name, client.kana, client.employer, client.certificate, client.support_start,
                      client.support_end)


def plan_in_force(plans: Sequence[Plan], month: Month) -> Plan | None:
    """The latest version agreed (本人の同意) by the month's end: the plan the month's support follows."""
    agreed = [p for p in plans if p.consent_date is not None and p.consent_date <= month.last]
    return agreed[-1] if agreed else None


def plan_goals(plans: Sequence[Plan], month: Month) -> PlanGoals | None:
    plan = plan_in_force(plans, month)
    if plan is None:
        return None
    return PlanGoals(plan.date, plan.long_goal, plan.short_goal, plan.items)


def share_record(report: SharedReport | None) -> ShareRecord | None:
    return None if report is None else ShareRecord(report.date, report.recipients, report.method)


def managers_in(assignments: Iterable[Assignment], month: Month) -> tuple[str, ...]:
    """The people with a サービス管理責任者 assignment covering a day of the month, by name."""
    return tuple(sorted({a.name for a in assignments if a.role == "manager" and a.overlaps(month)}))


def report_contacts(contacts: Iterable[Contact], month: Month) -> tuple[ReportContact, ...]:
    return tuple(ReportContact(c.date, c.types, c.place, c.minutes, c.staff, c.concerns, c.center_reason, c.note,
                               c.shareable) for c in contacts if month.first <= c.date <= month.last)


def support_report_page(office: Office, client: Client, month: Month, contacts: Iterable[Contact],
                        plans: Sequence[Plan], shared: SharedReport | None, managers: tuple[str, ...], copy: str,
                        made_on: date) -> SupportReportPage:
    """One copy of the month's 支援レポート; the author is the client's 担当 (staff)."""
    return SupportReportPage(copy=copy, month=month, office=office_info(office), client=client_info(client),
                             made_on=made_on, author=client.staff, managers=managers,
                             goals=plan_goals(plans, month), contacts=report_contacts(contacts, month),
                             shared=share_record(shared))


def service_days(client: Client, contacts: Iterable[Contact], month: Month) -> tuple[ServiceDay, ...]:
    """One row per day with support, the day's kinds together; 算定 on the month's first face contact on a day
    the 受給者証 grant covers (報酬告示 第14の2: the base fee is per month, on a month with 対面支援; 障害者総合支援法
    第22条: 支給決定期間). 備考: the support center's part that day, when there is one."""
    from ..i18n import label, t
    from ..models import CONTACT_TYPES

    kinds: dict[date, set[str]] = defaultdict(set)
    reasons: dict[date, list[str]] = defaultdict(list)
    for c in contacts:
        if month.first <= c.date <= month.last:
            kinds[c.date].update(c.types)
            if c.center_reason:
                reasons[c.date].append(c.center_reason)
    counted = next((day for day in sorted(kinds) if "face" in kinds[day]
                    and (client.grant_until is None or day <= client.grant_until)), None)

    def note(day: date) -> str:
        parts = [label(r) for r in dict.fromkeys(reasons[day])]
        if client.grant_until is not None and day > client.grant_until:
            parts.append(t("record.after_grant", grant_until=client.grant_until.isoformat()))
        return "、".join(parts)

    return tuple(ServiceDay(day, tuple(kind for kind in CONTACT_TYPES if kind in kinds[day]), day == counted, note(day))
                 for day in sorted(kinds))


def service_record_page(office: Office, client: Client, month: Month, contacts: Iterable[Contact],
                        shared: SharedReport | None) -> ServiceRecordPage:
    return ServiceRecordPage(client.id, month, office_info(office), client_info(client),
                             service_days(client, contacts, month), shared.date if shared else None)
