"""Staffing (SPEC §4 rule 6), pure: 利用者数, 常勤換算 of 就労定着支援員, サービス管理責任者. Exact fractions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teikan_cli.dates import Month, fiscal_year_months
from teikan_cli.models import Assignment, Office
from teikan_cli.staffing import (
    ceil_tenth,
    compute_staffing,
    counted_hours,
    floor_tenth,
    fulltime_hours,
    managers_required,
    person_fte,
    users_count,
    users_months,
)

F = Fraction


def staff(name: str, role: str, hours: float, reduced: bool = False, n: int = 1, start: date | None = None,
          until: date | None = None, person: int = 0) -> Assignment:
    return Assignment(id=n, name=name, role=role, hours=hours, reduced_hours=reduced, from_date=start, until_date=until,
                      person_id=person)


# ---------------------------------------------------------------- 利用者数


@pytest.mark.parametrize("value, rounded", [
    (F("15.01"), F("15.1")),
    (F(181, 12), F("15.1")),
    (F("15.00"), F(15)),
    (F("15.1"), F("15.1")),
    (F("15.11"), F("15.2")),
    (F(0), F(0)),
    (F(40), F(40)),
    (F(481, 12), F("40.1")),
])
def test_users_round_up_to_one_decimal(value, rounded):
    assert ceil_tenth(value) == rounded


def test_users_average_of_twelve_months():
    months = fiscal_year_months(2024)
    counts = {m: 15 for m in months}
    counts[months[0]] = 16  # 181 in all
    assert users_count(counts, months, 99) == (F("15.1"), "previous-fy-average")


def test_office_open_seven_months_of_the_previous_year_divides_by_seven():
    office = Office(opened=date(2024, 9, 15))
    months = users_months(Month(2025, 6), office)
    assert months == [Month(2024, 9), Month(2024, 10), Month(2024, 11), Month(2024, 12), Month(2025, 1),
                      Month(2025, 2), Month(2025, 3)]
    counts = {m: 10 for m in months}
    counts[Month(2025, 3)] = 11  # 71 ÷ 7 = 10.142… → 10.2
    staffing = compute_staffing(Month(2025, 6), office, [], counts, 30)
    assert (staffing.users, staffing.users_basis, staffing.users_months, staffing.users_total) == (
        F("10.2"), "previous-fy-average", 7, 71)


@pytest.mark.parametrize("month, fiscal_year, users", [
    (Month(2026, 3), 2024, F(10)),  # March still uses the fiscal year before last (2024-04 .. 2025-03)
    (Month(2026, 4), 2025, F(20)),  # April switches to the fiscal year just ended (2025-04 .. 2026-03)
    (Month(2025, 4), 2024, F(10)),
])
def test_the_april_switch(month, fiscal_year, users):
    office = Office(opened=date(2020, 4, 1))
    counts = {m: 10 for m in fiscal_year_months(2024)} | {m: 20 for m in fiscal_year_months(2025)}
    staffing = compute_staffing(month, office, [], counts, 99)
    assert (staffing.users, staffing.users_fiscal_year, staffing.users_months) == (users, fiscal_year, 12)


@pytest.mark.parametrize("opened, month, basis, users", [
    (date(2025, 6, 1), Month(2025, 6), "current-month", F(7)),  # new office: the month's count
    (date(2025, 6, 1), Month(2026, 3), "current-month", F(7)),  # still no month in the previous fiscal year
    (date(2025, 6, 1), Month(2026, 4), "previous-fy-average", F(5)),  # 10 months of FY2025 open
    (None, Month(2025, 6), "current-month", F(7)),
])
def test_new_office_uses_the_current_month(opened, month, basis, users):
    counts = {m: 5 for m in fiscal_year_months(2025)}
    staffing = compute_staffing(month, Office(opened=opened), [], counts, 7)
    assert (staffing.users_basis, staffing.users, staffing.active_in_month) == (basis, users, 7)


# ---------------------------------------------------------------- 常勤換算


@pytest.mark.parametrize("value, truncated", [
    (F("0.75"), F("0.7")),
    (F("0.999"), F("0.9")),
    (F(1), F(1)),
    (F("1.09"), F(1)),
    (F("0.1"), F("0.1")),
    (F(0), F(0)),
])
def test_fte_truncates_to_one_decimal(value, truncated):
    assert floor_tenth(value) == truncated


@pytest.mark.parametrize("office_hours, full", [(40, 40), (32, 32), (30, 32), (38.75, F("38.75")), (20, 32)])
def test_fulltime_hours_at_least_32(office_hours, full):
    assert fulltime_hours(Office(fulltime_hours=office_hours)) == full


@pytest.mark.parametrize("hours, reduced, full, fte", [
    (40, False, F(40), F(1)),
    (30, False, F(40), F("0.75")),
    (50, False, F(40), F(1)),  # capped at full time
    (30, False, F(32), F(30, 32)),  # a 30-hour office counts 32
    (30, True, F(40), F(1)),  # short-hours measure: exactly 30 h counts as full time
    (29.5, True, F(40), F("29.5") / 40),  # 29.5 h does not
    (30, True, F(32), F(1)),
])
def test_person_fte(hours, reduced, full, fte):
    assert person_fte(counted_hours(staff("佐藤", "supporter", hours, reduced), full), full) == fte


@pytest.mark.parametrize("office_hours, people, fte", [
    (40, [staff("佐藤", "supporter", 30)], F("0.7")),  # 0.75 → 0.7
    (40, [staff("佐藤", "supporter", 39.96)], F("0.9")),  # 0.999 → 0.9
    (30, [staff("佐藤", "supporter", 30)], F("0.9")),  # 30 ÷ 32 = 0.9375 → 0.9
    (30, [staff("佐藤", "supporter", 32)], F(1)),
    (40, [staff("佐藤", "supporter", 30, reduced=True)], F(1)),
    (40, [staff("佐藤", "supporter", 29.5, reduced=True)], F("0.7")),  # 0.7375
    (40, [staff("佐藤", "supporter", 40), staff("鈴木", "supporter", 20, n=2)], F("1.5")),
    (40, [staff("佐藤", "supporter", 20), staff("鈴木", "supporter", 10, n=2)], F("0.7")),  # 0.75 total → 0.7
    (40, [staff("田中", "manager", 40)], F(0)),  # managers do not count as supporters
    (40, [staff("佐藤", "supporter", 40, start=date(2025, 7, 1))], F(0)),  # not overlapping June
    # SPEC §4 rule 6: hours worked in the month, per person
    (40, [staff("佐藤", "supporter", 40, until=date(2025, 6, 1))], F(0)),  # one day of thirty: 1.33 h → 0.0
    (40, [staff("佐藤", "supporter", 40, start=date(2025, 6, 30))], F(0)),  # joins on the month's last day
    (40, [staff("佐藤", "supporter", 40, until=date(2025, 6, 15))], F("0.5")),  # leaves on the 15th: 20 h
    (40, [staff("佐藤", "supporter", 30, until=date(2025, 6, 15), person=1),
          staff("佐藤", "supporter", 20, start=date(2025, 6, 16), n=2, person=1)], F("0.6")),  # 25 h → 0.625
    (40, [staff("佐藤", "supporter", 40, person=1), staff("佐藤", "supporter", 40, n=2, person=1)], F(1)),  # ≤ 1.0
    (40, [staff("佐藤", "supporter", 30, reduced=True, until=date(2025, 6, 15))], F("0.5")),  # F for 15 days
    (40, [staff("佐藤", "supporter", 40, person=1), staff("佐藤", "supporter", 40, n=2, person=2)], F(2)),  # two 佐藤
])
def test_supporter_fte(office_hours, people, fte):
    office = Office(fulltime_hours=office_hours, opened=date(2025, 6, 1))
    assert compute_staffing(Month(2025, 6), office, people, {}, 10).supporter_fte == fte


# ---------------------------------------------------------------- サービス管理責任者


@pytest.mark.parametrize("users, required", [
    (F(0), 1), (F(60), 1), (F("60.1"), 2), (F(61), 2), (F(100), 2), (F("100.1"), 3), (F(101), 3), (F(140), 3),
    (F(141), 4), (F(180), 4), (F("180.1"), 5),
])
def test_managers_required(users, required):
    assert managers_required(users) == required


# ---------------------------------------------------------------- the verdicts


def last_year(users_total: int) -> dict[Month, int]:
    """Monthly counts of FY2024 summing to `users_total` (so the average is users_total ÷ 12)."""
    months = fiscal_year_months(2024)
    base, extra = divmod(users_total, 12)
    return {m: base + (1 if i < extra else 0) for i, m in enumerate(months)}


def verdict(users_total: int, people: list[Assignment], office_hours: float = 40):
    office = Office(fulltime_hours=office_hours, opened=date(2024, 4, 1))
    return compute_staffing(Month(2025, 4), office, people, last_year(users_total), 0)


MANAGER = staff("田中", "manager", 40, n=9)


@pytest.mark.parametrize("users_total, people, users, supporter_ok", [
    (480, [staff("佐藤", "supporter", 40)], F(40), True),  # users 40.0 with FTE 1.0 passes
    (481, [staff("佐藤", "supporter", 40)], F("40.1"), False),  # 40.1 with 1.0 fails
    (492, [staff("佐藤", "supporter", 40)], F(41), False),
    (492, [staff("佐藤", "supporter", 40), staff("鈴木", "supporter", 4, n=2)], F(41), True),  # 41 with 1.1 passes
    (492, [staff("佐藤", "supporter", 40), staff("鈴木", "supporter", 3.5, n=2)], F(41), False),  # 1.0875 → 1.0
])
def test_supporter_ratio(users_total, people, users, supporter_ok):
    result = verdict(users_total, people + [MANAGER])
    assert (result.users, result.supporter_ok, result.manager_ok) == (users, supporter_ok, True)
    assert result.ok == supporter_ok


@pytest.mark.parametrize("users_total, people, shortfall", [
    (492, [staff("佐藤", "supporter", 40)], F(4)),  # 41 users need 1.025 → 1.1 truncated → 44 h
    (481, [staff("佐藤", "supporter", 40)], F(4)),
    (492, [staff("佐藤", "supporter", 40), staff("鈴木", "supporter", 2, n=2)], F(2)),
    (240, [], F(20)),  # 20 users need 0.5 → 20 h
    (480, [staff("佐藤", "supporter", 40)], F(0)),
])
def test_supporter_shortfall_in_hours_per_week(users_total, people, shortfall):
    assert verdict(users_total, people).supporter_shortfall_hours == shortfall


@pytest.mark.parametrize("users_total, people, managers, fulltime, required, ok", [
    (120, [], 0, 0, 1, False),  # no manager at all
    (120, [staff("田中", "manager", 20), staff("伊藤", "manager", 20, n=2)], 2, 0, 1, False),  # both part-time
    (120, [staff("田中", "manager", 40)], 1, 1, 1, True),
    (120, [staff("田中", "manager", 30, reduced=True)], 1, 1, 1, True),  # short-hours measure: full time
    (120, [staff("田中", "manager", 40), staff("伊藤", "manager", 10, n=2)], 2, 1, 1, True),
    (732, [staff("田中", "manager", 40)], 1, 1, 2, False),  # 61 users need two
    (732, [staff("田中", "manager", 40), staff("伊藤", "manager", 10, n=2)], 2, 1, 2, True),
    (120, [staff("田中", "manager", 20), staff("田中", "manager", 20, n=2)], 1, 1, 1, True),  # one person, twice
    # SPEC §4 rule 6: the 常勤 サービス管理責任者 is judged by the person's hours at the office in all roles
    (120, [staff("田中", "manager", 20, person=7), staff("田中", "supporter", 20, n=2, person=7)], 1, 1, 1, True),
    (120, [staff("田中", "manager", 40, until=date(2025, 4, 10))], 1, 0, 1, False),  # leaves on the 10th
])
def test_manager_ratio(users_total, people, managers, fulltime, required, ok):
    result = verdict(users_total, people)
    assert (result.managers, result.managers_fulltime, result.managers_required, result.manager_ok) == (
        managers, fulltime, required, ok)


def test_dual_role_is_reported():
    result = verdict(120, [staff("佐藤", "supporter", 40), staff("佐藤", "manager", 40, n=2),
                           staff("鈴木", "supporter", 20, n=3)])
    assert result.dual_role == ("佐藤",)
    assert [(p.name, p.role) for p in result.people] == [("佐藤", "supporter"), ("鈴木", "supporter"),
                                                          ("佐藤", "manager")]


def test_json_has_the_keys_of_spec_section_5():
    result = verdict(181, [staff("佐藤", "supporter", 40), MANAGER])
    assert result.as_json() == {
        "users": 15.1, "users_basis": "previous-fy-average", "active_in_month": 0, "supporter_fte": 1.0,
        "supporter_fte_required": 0.3775, "managers": 1, "managers_required": 1, "ok": True,
    }


@given(st.fractions(min_value=0, max_value=1000))
def test_rounding_stays_within_a_tenth(value):
    assert value <= ceil_tenth(value) < value + F(1, 10)
    assert value - F(1, 10) < floor_tenth(value) <= value
    assert (ceil_tenth(value) * 10).denominator == 1 and (floor_tenth(value) * 10).denominator == 1


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_managers_required_grows_with_users(a, b):
    low, high = sorted((F(a, 10), F(b, 10)))
    assert 1 <= managers_required(low) <= managers_required(high)
