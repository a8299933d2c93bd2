"""Staffing for one month (SPEC §4.6): 利用者数, 常勤換算 of 就労定着支援員, サービス管理責任者. Pure.

Exact arithmetic with `Fraction` throughout; floats appear only when rendering.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .dates import Month, fiscal_year, fiscal_year_months
from .models import Assignment, Office

RATIO_SUPPORTER = 40  # 基準省令 第206条の3: 就労定着支援員 常勤換算方法で利用者の数を40で除した数以上
MANAGER_BASE = 60  # 同 第206条の3: サービス管理責任者 利用者の数60以下 1以上
MANAGER_STEP = 40  # 同: 61以上は1に60を超えて40又はその端数を増すごとに1を加えた数以上
MIN_FULLTIME = 32  # 解釈通知 (障発第1206001号) 第二 常勤換算方法: 32時間を下回る場合は32時間を基本
REDUCED_FULLTIME = 30  # 同 第二 常勤: 育児・介護・治療の短時間措置は30時間以上で常勤扱い


@dataclass(frozen=True)
class PersonFte:
    """One person in one role for the month, as 常勤換算 counts them (SPEC §4 rule 6)."""

    name: str
    role: str
    hours: Fraction  # weekly hours in the role for the month: each assignment's hours × its share of the month
    reduced_hours: bool  # a short-hours measure of ≥ 30 h counted as full time (F) for its days
    fte: Fraction  # min(hours, F) ÷ F: this person's contribution in the role, never more than 1
    fulltime: bool  # the person's hours at the office in all roles reach F (常勤)
    from_date: date | None = None  # earliest start of the assignments overlapping the month (None = open)
    until_date: date | None = None  # latest end of those assignments (None = open)
    assignments: tuple[int, ...] = ()  # their ids
    listed_hours: float = 0.0  # the weekly hours written on the assignments (the largest, for display)


@dataclass(frozen=True)
class Staffing:
    month: Month
    fulltime_hours: Fraction
    users: Fraction
    users_basis: str  # previous-fy-average | current-month
    users_months: int
    active_in_month: int
    supporter_fte: Fraction
    supporter_fte_required: Fraction
    managers: int
    managers_fulltime: int
    managers_required: int
    people: tuple[PersonFte, ...]
    dual_role: tuple[str, ...]
    users_fiscal_year: int | None = None  # the fiscal year averaged (None for a new office)
    users_total: int = 0  # Σ monthly active clients over those months (the numerator of the average)

    @property
    def supporter_ok(self) -> bool:
        return self.supporter_fte >= self.supporter_fte_required

    @property
    def manager_ok(self) -> bool:
        return self.managers >= self.managers_required and self.managers_fulltime >= 1

    @property
    def ok(self) -> bool:
        return self.supporter_ok and self.manager_ok

    @property
    def supporter_hours(self) -> Fraction:
        """Weekly supporter hours that count (each person capped at full time; short hours ≥ 30 h as F)."""
        return sum((min(p.hours, self.fulltime_hours) for p in self.people if p.role == "supporter"), Fraction(0))

    @property
    def supporter_hours_required(self) -> Fraction:
        """Weekly supporter hours the requirement needs: users ÷ 40 × F."""
        return self.supporter_fte_required * self.fulltime_hours

    @property
    def managers_missing(self) -> int:
        return max(0, self.managers_required - self.managers)

    @property
    def supporter_shortfall_hours(self) -> Fraction:
        """Weekly supporter hours to add (from a new person) so that the truncated FTE meets the requirement."""
        if self.supporter_ok:
            return Fraction(0)
        # The truncated FTE moves in steps of 0.1, so the target is the requirement rounded up to a tenth.
        target = ceil_tenth(self.supporter_fte_required)
        return max(Fraction(0), target * self.fulltime_hours - self.supporter_hours)

    def as_json(self) -> dict:
        return {
            "users": float(self.users),
            "users_basis": self.users_basis,
            "active_in_month": self.active_in_month,
            "supporter_fte": float(self.supporter_fte),
            "supporter_fte_required": float(self.supporter_fte_required),
            "managers": self.managers,
            "managers_required": self.managers_required,
            "ok": self.ok,
        }

    def details_json(self) -> dict:
        """`as_json` plus what a 実地指導 asks next: hours, full-time managers, shortfalls, dual roles."""
        return {
            **self.as_json(),
            "users_fiscal_year": self.users_fiscal_year,
            "users_months": self.users_months,
            "users_total": self.users_total,
            "fulltime_hours": float(self.fulltime_hours),
            "supporter_hours": float(self.supporter_hours),
            "supporter_hours_required": float(self.supporter_hours_required),
            "supporter_shortfall_hours": float(self.supporter_shortfall_hours),
            "supporter_ok": self.supporter_ok,
            "managers_fulltime": self.managers_fulltime,
            "managers_missing": self.managers_missing,
            "manager_ok": self.manager_ok,
            "dual_role": list(self.dual_role),
        }


def ceil_tenth(value: Fraction) -> Fraction:
    """Round up to one decimal: 15.01 → 15.1 (解釈通知: 小数点第2位以下を切り上げ)."""
    return Fraction(math.ceil(value * 10), 10)


def floor_tenth(value: Fraction) -> Fraction:
    """Truncate to one decimal: 0.75 → 0.7 (解釈通知: 常勤換算は小数点第2位以下を切り捨て)."""
    return Fraction(math.floor(value * 10), 10)


def fulltime_hours(office: Office) -> Fraction:
    return max(Fraction(str(office.fulltime_hours)), Fraction(MIN_FULLTIME))


def users_months(month: Month, office: Office) -> list[Month]:
    """The months of the previous fiscal year during which the office was open."""
    if office.opened is None:
        return []
    opened = Month.of(office.opened)
    return [m for m in fiscal_year_months(fiscal_year(month) - 1) if m >= opened]


def users_count(active_by_month: dict[Month, int], months: list[Month], active_in_month: int) -> tuple[Fraction, str]:
    """利用者数: the previous fiscal year's monthly average, rounded up to one decimal.

    基準省令 第206条の3 / 解釈通知 (障発第1206001号) 利用者の数: 前年度の平均値; a new office (no month last year) uses this month's count.
    """
    if not months:
        return Fraction(active_in_month), "current-month"
    total = sum(active_by_month.get(m, 0) for m in months)
    return ceil_tenth(Fraction(total, len(months))), "previous-fy-average"


def managers_required(users: Fraction) -> int:
    """基準省令 第206条の3: 1 up to 60 users, then one more per 40 or part (61 → 2, 101 → 3, 141 → 4)."""
    if users <= MANAGER_BASE:
        return 1
    return 1 + math.ceil((users - MANAGER_BASE) / MANAGER_STEP)


def counted_hours(assignment: Assignment, full: Fraction) -> Fraction:
    """The weekly hours an assignment counts for: its hours, or full time for a statutory short-hours measure of
    30 hours or more (解釈通知 障発第1206001号 第二 常勤: 育児・介護・治療の短時間措置は30時間以上で常勤扱い)."""
    weekly = Fraction(str(assignment.hours))
    return full if assignment.reduced_hours and weekly >= REDUCED_FULLTIME else weekly


def days_covered(assignment: Assignment, month: Month) -> int:
    """Days of `month` the assignment covers (its first and last days included)."""
    first = max(month.first, assignment.from_date or month.first)
    last = min(month.last, assignment.until_date or month.last)
    return max(0, (last - first).days + 1)


def month_hours(assignments, month: Month, full: Fraction) -> Fraction:
    """Weekly hours worked in `month` by assignments of one person: Σ hours × days covered ÷ days in the month
    (解釈通知 障発第1206001号 第二 常勤換算方法: 勤務延べ時間数 ÷ 常勤の従業者が勤務すべき時間数; a person who leaves
    on the 10th counts for ten days)."""
    return sum((counted_hours(a, full) * days_covered(a, month) for a in assignments), Fraction(0)) / month.days


def person_fte(hours: Fraction, full: Fraction) -> Fraction:
    """One person's 常勤換算 in a role: min(weekly hours, F) ÷ F — nobody counts as more than one person."""
    return min(hours, full) / full


def compute_staffing(
    month: Month,
    office: Office,
    assignments: list[Assignment] | tuple[Assignment, ...],
    active_by_month: dict[Month, int],
    active_in_month: int,
) -> Staffing:
    """Everything an auditor asks about staffing in `month` (SPEC §4 rule 6)."""
    full = fulltime_hours(office)
    months = users_months(month, office)
    users, basis = users_count(active_by_month, months, active_in_month)

    # By person (the same person however their assignments are split) and role.
    by_person: dict[tuple[object, str], list[Assignment]] = {}
    for a in assignments:
        if a.overlaps(month) and days_covered(a, month):
            by_person.setdefault((a.person_id or a.name, a.role), []).append(a)
    total_hours = {}  # the person's hours at the office in all roles, for the 常勤 サービス管理責任者
    for (person, _role), items in by_person.items():
        total_hours[person] = total_hours.get(person, Fraction(0)) + month_hours(items, month, full)
    people = []
    # Support workers first, then service managers (the order of 基準省令 第206条の3); by name within a role.
    for (person, role), items in sorted(by_person.items(), key=lambda kv: (kv[0][1] != "supporter", kv[1][0].name)):
        hours = month_hours(items, month, full)
        starts, ends = [a.from_date for a in items], [a.until_date for a in items]
        people.append(PersonFte(items[0].name, role, hours, any(a.reduced_hours for a in items),
                                person_fte(hours, full), total_hours[person] >= full,
                                None if None in starts else min(starts), None if None in ends else max(ends),
                                tuple(a.id for a in items), max(a.hours for a in items)))

    supporter_fte = floor_tenth(sum((p.fte for p in people if p.role == "supporter"), Fraction(0)))
    managers = [p for p in people if p.role == "manager"]
    roles_by_name: dict[str, set[str]] = {}
    for p in people:
        roles_by_name.setdefault(p.name, set()).add(p.role)
    return Staffing(
        month=month,
        fulltime_hours=full,
        users=users,
        users_basis=basis,
        users_months=len(months),
        active_in_month=active_in_month,
        supporter_fte=supporter_fte,
        supporter_fte_required=users / RATIO_SUPPORTER,
        managers=len(managers),
        managers_fulltime=sum(1 for p in managers if p.fulltime),
        managers_required=managers_required(users),
        people=tuple(people),
        dual_role=tuple(sorted(n for n, roles in roles_by_name.items() if len(roles) > 1)),
        users_fiscal_year=fiscal_year(month) - 1 if months else None,
        users_total=sum(active_by_month.get(m, 0) for m in months),
    )


def assignments_to_end(assignments, person, until: date, role: str | None = None) -> list[Assignment]:
    """`end-staff`: the person's open assignments (no end recorded) in `role` (all roles by default), to end on
    `until`. An assignment that starts after `until` is not ended but refused: it was entered by mistake."""
    from .errors import InputError

    found = [a for a in assignments if a.person_id == person.id and a.until_date is None
             and (role is None or a.role == role)]
    if not found:
        raise InputError("staff.none_open_role" if role else "staff.none_open", name=person.name, role=role or "")
    for a in found:
        if a.from_date is not None and a.from_date > until:
            raise InputError("staff.starts_after", id=a.id, name=person.name, start=a.from_date.isoformat(),
                             until=until.isoformat())
    return found
