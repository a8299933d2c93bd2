"""What a printed document is made from: plain frozen values, built by a command from the store (pure).

Codes stay codes here (contact types, warning signs, places, recipients, methods); the document turns them
into labels in the language it is asked for. Text is as stored: the HTML layer escapes it. Nothing here is
computed by the documents — which day is counted for the base fee, which plan is in force, whether a month
can be billed are the caller's facts; a document only checks that what it is given fits together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import Month

COPIES = ("client", "employer")


@dataclass(frozen=True)
class OfficeInfo:
    """The office as the letterhead shows it; any field may be missing (printed as a line to fill in)."""

    name: str | None = None
    number: str | None = None  # 事業所番号, 10 digits as text
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ClientInfo:
    name: str
    kana: str | None = None
    employer: str | None = None
    certificate: str | None = None  # 受給者証番号, 10 digits as text
    support_start: date | None = None  # 利用開始日
    support_end: date | None = None  # 利用期間満了日


@dataclass(frozen=True)
class PlanGoals:
    """The goals of the individual support plan in force in the month (the latest agreed one)."""

    made_on: date
    long_goal: str | None = None
    short_goal: str | None = None
    items: tuple[str, ...] = ()  # support items (課題・支援内容・期間), in the plan's order


@dataclass(frozen=True)
class ReportContact:
    """One contact of the month. `shareable`: the office chose to let its note and warning signs go to the
    employer (`log-visit --shareable`)."""

    date: date
    types: tuple[str, ...]  # face | employer | remote | agency | center
    place: str | None = None  # home | workplace | office | other
    minutes: int | None = None
    staff: str | None = None
    concerns: tuple[str, ...] = ()  # the warning signs seen
    center_reason: str | None = None
    note: str | None = None
    shareable: bool = False


@dataclass(frozen=True)
class ShareRecord:
    """How the month's report was shared (`share-report`): its date is the 支援レポート共有日."""

    date: date
    recipients: tuple[str, ...] = ()  # client | employer | agency
    method: str | None = None  # paper | mail | email | in-person


@dataclass(frozen=True)
class SupportReportPage:
    """One client's 支援レポート for one month, in one copy (`client` or `employer`)."""

    copy: str
    month: Month
    office: OfficeInfo
    client: ClientInfo
    made_on: date  # 作成日
    author: str | None = None  # 作成者
    managers: tuple[str, ...] = ()  # サービス管理責任者 in the month
    goals: PlanGoals | None = None  # None: no agreed plan is recorded
    contacts: tuple[ReportContact, ...] = ()  # the month's, oldest first
    shared: ShareRecord | None = None

    def __post_init__(self) -> None:
        if self.copy not in COPIES:
            raise ValueError(f"copy must be one of {COPIES}, not {self.copy!r}")
        for contact in self.contacts:
            if not self.month.first <= contact.date <= self.month.last:
                raise ValueError(f"contact of {contact.date} is outside {self.month}")

    @property
    def face_to_face(self) -> bool:
        """At least one face-to-face contact in the month (the billing condition's first half)."""
        return any("face" in contact.types for contact in self.contacts)


@dataclass(frozen=True)
class ServiceDay:
    """One day with support. `types`: every kind of support that day; `counted`: the day counted for the base
    fee (算定, J611:02 #45 算定日数 = 1), chosen by the caller; `note`: the 備考."""

    date: date
    types: tuple[str, ...]
    counted: bool = False
    note: str = ""


@dataclass(frozen=True)
class ServiceRecordPage:
    """One client-month of the サービス提供実績記録票."""

    client_id: int
    month: Month
    office: OfficeInfo
    client: ClientInfo
    days: tuple[ServiceDay, ...] = ()  # one per day with support, oldest first
    report_shared_on: date | None = None  # 支援レポート共有日 (J611:01 #153)

    def __post_init__(self) -> None:
        dates = [day.date for day in self.days]
        if dates != sorted(set(dates)):
            raise ValueError("service days must be distinct and in date order")
        if dates and not (self.month.first <= dates[0] and dates[-1] <= self.month.last):
            raise ValueError(f"a service day is outside {self.month}")
        if sum(day.counted for day in self.days) > 1:
            # 報酬告示 第14の2: the base fee of 就労定着支援 is per month, so one day at most is counted.
            raise ValueError("at most one day of a month is counted for the base fee")
