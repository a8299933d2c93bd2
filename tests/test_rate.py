"""The pure core of issue 9: who counts, the retention rate, tiers, what-if and the fee estimate."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teikan_cli.dates import Month, support_end
from teikan_cli.errors import InputError
from teikan_cli.models import Client, Finding
from teikan_cli.rate import (
    NoFeeTableError,
    RateResult,
    compute_rate,
    effective_employment_end,
    fee_estimate,
    fee_table,
    is_retained,
    job_change_continuous,
    lower_bound,
    monthly_units,
    parse_fiscal_year,
    percent_text,
    rate_for_month,
    rate_float,
    rate_window,
    tier_for,
    used_service_between,
    what_if,
)

FY = 2025  # window 2022-04-01 .. 2025-03-31, employed on 2025-03-31
YEAR_END = date(2025, 3, 31)


def person(cid: int = 1, start: date = date(2023, 4, 1), *, ended: date | None = None, job_end: date | None = None,
           job_change: date | None = None, reemployed: date | None = None) -> Client:
    return Client(id=cid, name=f"利用者{cid}", employment_start=start - timedelta(days=200), support_start=start,
                  ended_on=ended, end_reason="other" if ended else None, employment_end=job_end,
                  job_change=job_change, reemployed=reemployed)


def office_of(retained: int, lost: int) -> list[Client]:
    clients = [person(i) for i in range(1, retained + 1)]
    clients += [person(retained + i, job_end=date(2024, 6, 30)) for i in range(1, lost + 1)]
    return clients


# ---------------------------------------------------------------- the table


@pytest.mark.parametrize(
    "num, den, tier",
    [
        (1, 1, 1),
        (19, 20, 1),  # exactly 95%: lower bounds are inclusive
        (18, 19, 2),  # 94.74%
        (94, 99, 2),
        (9, 10, 2),  # exactly 90%
        (89, 99, 3),
        (8, 9, 3),
        (4, 5, 3),  # exactly 80%
        (79, 99, 4),
        (7, 10, 4),  # exactly 70%
        (69, 99, 5),
        (2, 3, 5),
        (1, 2, 5),  # exactly 50%
        (49, 99, 6),
        (3, 10, 6),  # exactly 30%
        (29, 99, 7),
        (2, 7, 7),
        (0, 5, 7),
    ],
)
def test_tier_at_every_boundary(num, den, tier):
    assert tier_for(Fraction(num, den)) == tier
    result = compute_rate(office_of(num, den - num), FY)
    assert (result.numerator, result.denominator, result.tier) == (num, den, tier)
    assert result.units == monthly_units(tier)


def test_units_of_the_2024_table():
    assert [monthly_units(t) for t in range(1, 8)] == [3512, 3348, 2768, 2234, 1690, 1433, 1074]
    assert [lower_bound(t) for t in range(1, 8)] == [Fraction(p, 100) for p in (95, 90, 80, 70, 50, 30, 0)]


def test_monthly_units_refuses_an_unknown_tier():
    with pytest.raises(InputError):
        monthly_units(8)


def test_a_fiscal_year_before_2024_has_no_table():
    with pytest.raises(NoFeeTableError) as info:
        compute_rate([], 2023)
    assert info.value.key == "rate.no_table"
    assert info.value.params == {"fiscal_year": 2023, "first": 2024}
    with pytest.raises(NoFeeTableError):
        fee_table(2018)


def test_later_years_use_the_latest_table_built_in():
    assert fee_table(2030) == fee_table(2024)


@given(st.integers(min_value=1, max_value=500).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))))
def test_tier_matches_integer_percent_comparison(pair):
    num, den = pair
    bounds = (95, 90, 80, 70, 50, 30, 0)
    expected = next(i for i, b in enumerate(bounds, start=1) if 100 * num >= b * den)
    assert tier_for(Fraction(num, den)) == expected


# ---------------------------------------------------------------- who counts


def test_window_is_the_three_fiscal_years_before():
    assert rate_window(2025) == (date(2022, 4, 1), date(2025, 3, 31))
    assert rate_window(2024) == (date(2021, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize(
    "client, counted",
    [
        (person(start=date(2025, 3, 31)), True),  # started on the window's last day
        (person(start=date(2025, 4, 1)), False),  # started after it
        (person(start=date(2021, 1, 1), ended=date(2022, 4, 1)), True),  # active in April 2022
        (person(start=date(2021, 1, 1), ended=date(2022, 3, 31)), False),  # ended before the window
        (person(start=date(2019, 4, 1)), False),  # period over 2022-03-31, no end recorded
        (person(start=date(2019, 4, 2)), True),  # period ends 2022-04-01, inside the window
    ],
)
def test_who_used_the_service_in_the_window(client, counted):
    assert used_service_between(client, *rate_window(FY)) is counted
    assert compute_rate([client], FY).denominator == int(counted)


def test_people_who_finished_three_years_still_employed_count_as_retained():
    finished = person(1, date(2021, 4, 1), ended=date(2024, 3, 31))  # the whole period, still employed
    result = compute_rate([finished], FY)
    assert (result.numerator, result.denominator, result.tier, result.basis) == (1, 1, 1, "history")
    assert result.people[0].retained is True


def test_people_who_ended_the_service_early_while_employed_count():
    quit_service = person(1, date(2022, 10, 1), ended=date(2023, 1, 31))
    assert compute_rate([quit_service], FY).numerator == 1


@pytest.mark.parametrize(
    "job_end, retained",
    [
        (date(2025, 3, 30), False),
        (date(2025, 3, 31), False),  # issue 9: an employment end on or before 3/31 is not retained
        (date(2025, 4, 1), True),  # still employed through 3/31
        (date(2022, 9, 30), False),
    ],
)
def test_job_loss_on_3_31_vs_4_1(job_end, retained):
    client = person(job_end=job_end)
    assert is_retained(client, YEAR_END) is retained
    result = compute_rate([client], FY)
    assert result.people[0].retained is retained
    assert result.people[0].employment_end == job_end


# ---------------------------------------------------------------- the one-job-change rule


@pytest.mark.parametrize(
    "job_change, reemployed, continuous",
    [
        (date(2024, 5, 15), date(2024, 5, 16), True),
        (date(2024, 5, 15), date(2024, 6, 15), True),  # exactly one month later
        (date(2024, 5, 15), date(2024, 6, 16), False),
        (date(2024, 1, 31), date(2024, 2, 29), True),  # no 31 February: the month ends on its last day
        (date(2024, 1, 31), date(2024, 3, 1), False),
        (date(2024, 5, 15), None, False),
        (None, None, False),
    ],
)
def test_job_change_within_a_month_is_continuous(job_change, reemployed, continuous):
    assert job_change_continuous(job_change, reemployed) is continuous


@pytest.mark.parametrize(
    "job_end, job_change, reemployed, end, retained",
    [
        # re-employed within a month: continuous, retained
        (None, date(2024, 9, 30), date(2024, 10, 15), None, True),
        # the previous job's last day recorded as employment_end is bridged by the re-employment
        (date(2024, 9, 30), date(2024, 9, 30), date(2024, 10, 15), None, True),
        # the gap straddles 3/31: still continuous
        (None, date(2025, 3, 20), date(2025, 4, 10), None, True),
        # the new job ended later, before 3/31
        (date(2025, 1, 31), date(2024, 9, 30), date(2024, 10, 15), date(2025, 1, 31), False),
        # the new job ended after 3/31
        (date(2025, 4, 30), date(2024, 9, 30), date(2024, 10, 15), date(2025, 4, 30), True),
        # job change without re-employment: employment ended on the job change
        (None, date(2024, 9, 30), None, date(2024, 9, 30), False),
        (None, date(2025, 4, 1), None, date(2025, 4, 1), True),
        # re-employed more than a month later: not continuous
        (None, date(2024, 9, 30), date(2024, 12, 1), date(2024, 9, 30), False),
    ],
)
def test_one_job_change_rule(job_end, job_change, reemployed, end, retained):
    client = person(job_end=job_end, job_change=job_change, reemployed=reemployed)
    assert effective_employment_end(client) == end
    assert is_retained(client, YEAR_END) is retained
    result = compute_rate([client], FY)
    assert (result.numerator, result.people[0].retained) == (int(retained), retained)
    assert result.people[0].employment_end == job_end  # the recorded 離職日, as in CLIENT JSON


# ---------------------------------------------------------------- no history


def test_denominator_zero_without_a_notified_tier():
    result = compute_rate([person(start=date(2025, 6, 1))], FY)
    assert result.as_json() == {"fiscal_year": 2025, "numerator": 0, "denominator": 0, "rate": None, "tier": None,
                                "units": None, "basis": "no-history", "people": []}


def test_denominator_zero_uses_the_notified_tier():
    result = compute_rate([], FY, notified_tier=3)
    assert (result.rate, result.tier, result.units, result.basis) == (None, 3, 2768, "notified-tier")


def test_a_notified_tier_is_ignored_once_there_is_history():
    result = compute_rate(office_of(1, 1), FY, notified_tier=1)
    assert (result.tier, result.basis) == (5, "history")


# ---------------------------------------------------------------- JSON and display


def test_json_keys_and_rate_rounding():
    data = compute_rate(office_of(18, 1), FY).as_json()
    assert list(data) == ["fiscal_year", "numerator", "denominator", "rate", "tier", "units", "basis", "people"]
    assert (data["rate"], data["tier"], data["units"]) == (0.9474, 2, 3348)
    assert data["people"][0] == {"client_id": 1, "name": "利用者1", "retained": True, "employment_end": None}
    assert data["people"][-1] == {"client_id": 19, "name": "利用者19", "retained": False, "employment_end": "2024-06-30"}


@pytest.mark.parametrize(
    "rate, number, text",
    [
        (Fraction(19, 20), 0.95, "95.00%"),
        (Fraction(18, 19), 0.9474, "94.74%"),
        (Fraction(2, 3), 0.6667, "66.67%"),
        (Fraction(0), 0.0, "0.00%"),
        (Fraction(1), 1.0, "100.00%"),
        (None, None, ""),
    ],
)
def test_rate_as_number_and_percent(rate, number, text):
    assert rate_float(rate) == number
    assert percent_text(rate) == text


def test_people_are_sorted_by_id_and_only_those_counted():
    clients = [person(3), person(1), person(2, start=date(2025, 5, 1))]
    assert [p.client_id for p in compute_rate(clients, FY).people] == [1, 3]


# ---------------------------------------------------------------- what if


@pytest.mark.parametrize(
    "retained, lost, expected",
    [
        (18, 1, {"next_tier": 1, "next_units": 3512, "needed": 1, "status": "possible"}),  # 19/19
        (1, 1, {"next_tier": 4, "next_units": 2234, "needed": 1, "status": "possible"}),  # 2/2 ≥ 70%
        (0, 10, {"next_tier": 6, "next_units": 1433, "needed": 3, "status": "possible"}),  # 3/10 exactly 30%
        (17, 3, {"next_tier": 2, "next_units": 3348, "needed": 1, "status": "possible"}),  # 18/20 exactly 90%
        (18, 2, {"next_tier": 1, "next_units": 3512, "needed": 1, "status": "possible"}),  # 19/20 exactly 95%
        (19, 1, {"next_tier": None, "next_units": None, "needed": None, "status": "top-tier"}),
        (0, 0, {"next_tier": None, "next_units": None, "needed": None, "status": "no-history"}),
    ],
)
def test_what_if(retained, lost, expected):
    assert what_if(compute_rate(office_of(retained, lost), FY)) == expected


def test_what_if_with_only_a_notified_tier_has_nothing_to_count():
    assert what_if(compute_rate([], FY, notified_tier=4))["status"] == "no-history"


@given(st.integers(min_value=1, max_value=300).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))))
def test_what_if_is_the_smallest_step_up(pair):
    num, den = pair
    result = RateResult(FY, num, den, tier_for(Fraction(num, den)), None, "history")
    plan = what_if(result)
    if result.tier == 1:
        assert plan["status"] == "top-tier"
        return
    k = plan["needed"]
    assert plan["status"] == "possible" and 0 < k <= den - num
    assert tier_for(Fraction(num + k, den)) <= result.tier - 1
    assert tier_for(Fraction(num + k - 1, den)) == result.tier


# ---------------------------------------------------------------- the month's fee and the reduction warning


def test_fee_estimate_from_a_result_or_its_json():
    result = compute_rate(office_of(18, 1), FY)
    expected = {"estimate": True, "billable_client_months": 12, "tier": 2, "units_per_client_month": 3348,
                "units": 40176, "basis": "history"}
    assert fee_estimate(12, result) == expected
    assert fee_estimate(12, result.as_json()) == expected


def test_fee_estimate_without_a_tier():
    assert fee_estimate(5, None)["units"] is None
    assert fee_estimate(5, compute_rate([], FY).as_json()) == {
        "estimate": True, "billable_client_months": 5, "tier": None, "units_per_client_month": None, "units": None,
        "basis": "no-history"}


def test_rate_for_month_uses_the_month_s_fiscal_year():
    clients = office_of(18, 1)
    assert rate_for_month(clients, Month(2025, 4)).fiscal_year == 2025
    assert rate_for_month(clients, Month(2026, 3)).fiscal_year == 2025
    assert rate_for_month(clients, Month(2024, 3)) is None  # fiscal year 2023: no table
    result = rate_for_month(clients, Month(2025, 4))
    assert (result.numerator, result.denominator) == (18, 19)


# ---------------------------------------------------------------- --fiscal-year input


@pytest.mark.parametrize(
    "text, year",
    [("2025", 2025), ("２０２５", 2025), ("FY2026", 2026), ("2025年度", 2025), ("令和7年度", 2025), ("R7", 2025),
     ("令和元年度", 2019), ("2023", 2023)],
)
def test_parse_fiscal_year(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize("text", ["", "25", "2025-04", "令和0年度", "R", "0000", "99999", "next"])
def test_parse_fiscal_year_refuses(text):
    with pytest.raises(InputError) as info:
        parse_fiscal_year(text)
    assert info.value.key == "rate.bad_fiscal_year"


# ---------------------------------------------------------------- the store's lean records


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
def test_service_records_give_the_rate_of_whole_clients(tmp_path, fiscal_year):
    """`Store.load_service_records` (the fields the rate reads) gives the rate and people of the full records."""
    import random

    from teikan_cli.store import open_store

    rng = random.Random(fiscal_year)
    store = open_store(tmp_path / "rate.db", create=True)
    with store.write():
        for n in range(1, 120):
            start = date(2020, 1, 1) + timedelta(days=rng.randrange(2400))
            change = rng.choice([None, start + timedelta(days=rng.randrange(400))])
            store.insert_client(person(
                n, start, ended=rng.choice([None, start + timedelta(days=rng.randrange(30, 1200))]),
                job_end=rng.choice([None, start + timedelta(days=rng.randrange(30, 1200)), change]),
                job_change=change,
                reemployed=change and rng.choice([None, change + timedelta(days=rng.randrange(1, 60))])))
    first, last = rate_window(fiscal_year)
    lean = compute_rate(store.load_service_records(first, last), fiscal_year)
    whole = compute_rate(store.load_clients(), fiscal_year)
    assert lean == whole and 0 < lean.numerator < lean.denominator
