"""Plain data: the caseload as frozen dataclasses, and the enumerations of SPEC §3.

No I/O here. The store builds these; rules, staffing and rendering read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from .dates import Month, eligible_from, share_deadline, support_end

CONTACT_TYPES = ("face", "employer", "remote", "agency", "center")  # also the 0/1 columns of `contacts`


def job_change_continuous(job_change: date | None, reemployed: date | None) -> bool:
    """H30.12.17 Q&A (離職後1月以内に再就職): one job change keeps employment continuous when the new job starts
    by the end of one month counted from the day after the last day at the first job (民法 §140, §143:
    last day 04-30 → up to 05-31; 07-31 → 08-31)."""
    from datetime import timedelta

    from .dates import period_end

    if job_change is None or reemployed is None:
        return False
    return job_change <= reemployed <= period_end(job_change + timedelta(days=1), 1)


CONCERNS = ("attendance", "appearance", "medication", "work-accuracy", "communication", "other")
CENTER_REASONS = ("advice", "team-support", "group-program")
DISABILITIES = ("physical", "intellectual", "mental", "developmental", "higher-brain", "intractable-disease")
PRIOR_SERVICES = ("transition", "continuation-a", "continuation-b", "daily-life-care", "training")
PLACES = ("home", "workplace", "office", "other")
END_REASONS = ("period-end", "job-loss", "user-request", "handover", "other")
ROLES = ("supporter", "manager")
STATUSES = ("active", "ended", "not-started")
HANDOVER_STATES = ("shared", "shared-late", "shared-without-consent", "consented", "not-started", "not-needed")


@dataclass(frozen=True)
class Office:
    name: str | None = None
    number: str | None = None
    fulltime_hours: float = 40.0
    opened: date | None = None
    rate_tier: int | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    employment_start: date
    support_start: date
    kana: str | None = None
    employer: str | None = None
    certificate: str | None = None
    grant_until: date | None = None
    staff: str | None = None
    disabilities: tuple[str, ...] = ()
    prior_service: str | None = None
    interim_support_end: date | None = None
    employment_end: date | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    note: str | None = None
    job_change: date | None = None
    reemployed: date | None = None

    @property
    def eligible_from(self) -> date:
        return eligible_from(self.employment_start, self.interim_support_end)

    @cached_property  # computed once per record: imports check it for every contact (fields are frozen)
    def support_end(self) -> date:
        return support_end(self.support_start)

    @property
    def share_deadline(self) -> date:
        return share_deadline(self.support_end)

    def status(self, as_of: date) -> str:
        """`ended` once an end date on or before `as_of` is recorded; `not-started` before the start."""
        if self.ended_on is not None and self.ended_on <= as_of:
            return "ended"
        if self.support_start > as_of:
            return "not-started"
        return "active"

    def active_in(self, month: Month) -> bool:
        """In service in `month` (SPEC §4 rule 2): started by its last day, the three years not over before its
        first day, and not ended before it."""
        return (self.support_start <= month.last and self.support_end >= month.first
                and (self.ended_on is None or self.ended_on >= month.first))

    def in_service_on(self, day: date) -> bool:
        return self.support_start <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class Contact:
    id: int
    client_id: int
    date: date
    types: tuple[str, ...]
    staff: str | None = None
    minutes: int | None = None
    place: str | None = None
    concerns: tuple[str, ...] = ()
    center_reason: str | None = None
    note: str | None = None
    shareable: bool = False  # SPEC §11: its notes and warning signs may go to the employer
    deleted_at: str | None = None  # SPEC §12: kept, marked deleted, counted nowhere
    deleted_reason: str | None = None


@dataclass(frozen=True)
class Person:
    """A member of staff (SPEC §12): one row per normalised name; role assignments belong to a person."""

    id: int
    name: str


@dataclass(frozen=True)
class Assignment:
    id: int
    name: str
    role: str
    hours: float
    from_date: date | None = None
    until_date: date | None = None
    reduced_hours: bool = False
    person_id: int = 0
    deleted_at: str | None = None
    deleted_reason: str | None = None

    def overlaps(self, month: Month) -> bool:
        return (self.from_date is None or self.from_date <= month.last) and (
            self.until_date is None or self.until_date >= month.first
        )


class ServiceRecord(NamedTuple):
    """The fields of a client that the retention rate reads (`rate.py`), loaded without the rest of the record:
    the rate of a national file looks at every client of three fiscal years."""

    id: int
    name: str
    support_start: date
    support_end: date
    ended_on: date | None
    employment_end: date | None
    job_change: date | None
    reemployed: date | None


class Plan(NamedTuple):
    """One version of the individual support plan (個別支援計画, SPEC §11). A NamedTuple (immutable, like the
    dataclasses here): tens of thousands are built per run at national scale, and a tuple costs a tenth of a
    frozen dataclass to make."""

    id: int
    client_id: int
    date: date
    center_cooperation: tuple[str, ...] = ()
    consent_date: date | None = None  # 本人の同意
    delivered_date: date | None = None  # 交付
    delivered_to: tuple[str, ...] = ()  # client, consultation (相談支援事業所)
    long_goal: str | None = None
    short_goal: str | None = None
    items: tuple[str, ...] = ()
    next_review: date | None = None


class Monitoring(NamedTuple):
    """A monitoring (モニタリング) of the plan in force on its day."""

    id: int
    client_id: int
    plan_id: int
    date: date
    note: str | None = None


class SharedReport(NamedTuple):
    """The month's 支援レポート as shared: when (支援レポート共有日), to whom and how (SPEC §11)."""

    client_id: int
    month: str
    date: date
    recipients: tuple[str, ...] = ("client", "employer")
    method: str | None = None


@dataclass(frozen=True)
class Handover:
    client_id: int
    center: str | None = None
    consent_date: date | None = None
    shared_date: date | None = None
    not_needed: bool = False
    note: str | None = None


class MonthActivity(NamedTuple):
    """One client's contacts in one month, counted by type (aggregated in SQL). A NamedTuple, like `Plan`."""

    face: int = 0
    employer: int = 0
    remote: int = 0
    agency: int = 0
    center: int = 0
    concerns: tuple[str, ...] = ()
    center_contacts: tuple[tuple[date, str | None], ...] = ()  # (date, center_reason)
    face_dates: tuple[date, ...] = ()  # the days of the month's face contacts, oldest first


@dataclass(frozen=True)
class Finding:
    """One thing wrong or due. The message is localised only when rendered (key `rule.<code>`)."""

    rule: str
    severity: str  # error | warning
    client_id: int | None
    month: str | None
    params: dict = field(default_factory=dict, compare=False)
    name: str | None = None

    @property
    def message(self) -> str:
        from .i18n import t

        return t(f"rule.{self.rule}", **self.params)

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "client_id": self.client_id,
            "month": self.month,
            "message": self.message,
        }


@dataclass(frozen=True)
class Caseload:
    """Everything the rules need for a set of months, loaded once per run."""

    office: Office
    clients: tuple[Client, ...]
    assignments: tuple[Assignment, ...] = ()
    activity: dict[tuple[int, Month], MonthActivity] = field(default_factory=dict)
    reports_shared: frozenset[tuple[int, Month]] = frozenset()
    plans: dict[int, tuple[Plan, ...]] = field(default_factory=dict)  # by client, oldest first
    handovers: dict[int, Handover] = field(default_factory=dict)
    months: tuple[Month, ...] = ()


class ClientFile(NamedTuple):
    """Everything recorded about one client, as `show-client` shows it."""

    contacts: tuple[Contact, ...]
    plans: tuple[Plan, ...]
    monitorings: tuple[Monitoring, ...]
    handover: Handover | None
    reports: dict  # month → SharedReport
    history: tuple[dict, ...] | None = None
