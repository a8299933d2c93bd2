"""Properties of the 民法 §143 period arithmetic and of date parsing (hypothesis).

What holds, stated once:
- For a start day 1–28 every month has the 応当日, so an N-month period ends exactly the day before the
  next period's start (`add_months(d, N)`), and periods chain: N + M months = N months then M months.
- For a start day 29–31 the 応当日 may be missing (民法 §143②): then the period ends on that month's last
  day, which *is* `add_months(d, N)` (clamped), and the next period starts on the 1st of the month after.
  Chaining then no longer holds (Jan 31 + 1 month ends Feb 28; Mar 1 + 1 month ends Mar 31; but Jan 31 +
  2 months ends Mar 30), which is why teikan always counts from the original 起算日.
"""

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from teikan_cli.dates import (
    Month,
    add_months,
    eligible_from,
    parse_date,
    parse_month,
    period_end,
    share_deadline,
    support_end,
    wareki,
)

AS_OF = date(2025, 6, 15)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))
years = st.integers(min_value=1990, max_value=2150)
early_days = st.builds(date, years, st.integers(1, 12), st.integers(1, 28))
late_days = st.builds(
    lambda y, m, d: date(y, m, min(d, Month(y, m).days)), years, st.integers(1, 12), st.integers(29, 31)
).filter(lambda d: d.day >= 29)
months_n = st.integers(min_value=1, max_value=120)

FULL_WIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


@given(early_days, months_n)
def test_end_is_the_day_before_the_next_start_for_days_up_to_28(start, n):
    next_start = add_months(start, n)
    assert next_start.day == start.day
    assert period_end(start, n) == next_start - timedelta(days=1)


@given(late_days, months_n)
def test_days_29_to_31_end_on_the_day_before_the_corresponding_day_or_on_the_month_end(start, n):
    corresponding = add_months(start, n)
    end = period_end(start, n)
    if corresponding.day == start.day:  # the month has the 応当日
        assert end == corresponding - timedelta(days=1)
    else:  # 民法 §143②: no 応当日, the period ends on that month's last day
        assert end == corresponding == Month.of(corresponding).last
        assert (end + timedelta(days=1)).day == 1


@given(days, months_n)
def test_the_next_period_starts_on_the_corresponding_day_or_the_first_of_the_next_month(start, n):
    following = period_end(start, n) + timedelta(days=1)
    target = Month.of(start).shift(n)
    if start.day <= target.days:
        assert following == date(target.year, target.month, start.day)
    else:
        assert following == target.shift(1).first


@given(early_days, st.integers(1, 60), st.integers(1, 60))
def test_periods_chain_for_days_up_to_28(start, a, b):
    assert period_end(start, a + b) == period_end(period_end(start, a) + timedelta(days=1), b)


@given(days, days, months_n)
def test_monotonic_in_the_start_date(d1, d2, n):
    first, second = sorted((d1, d2))
    assert period_end(first, n) <= period_end(second, n)


@given(days, months_n, months_n)
def test_strictly_monotonic_in_the_number_of_months(start, n1, n2):
    assume(n1 != n2)
    shorter, longer = sorted((n1, n2))
    assert period_end(start, shorter) < period_end(start, longer)


@given(days, months_n)
def test_a_period_ends_on_or_after_its_first_day_and_lasts_about_n_months(start, n):
    end = period_end(start, n)
    assert end >= start
    length = (end - start).days + 1
    assert 28 * n - 3 <= length <= 31 * n


@given(days)
def test_one_month_period_ends_within_the_next_month_or_on_the_last_day_of_this_one(start):
    end = period_end(start, 1)
    assert end > start or (start.day == 1 and end == Month.of(start).last)


@given(early_days, st.integers(-240, 240))
def test_add_months_round_trip_for_days_up_to_28(day, n):
    assert add_months(add_months(day, n), -n) == day


@given(days, st.integers(-240, 240))
def test_add_months_round_trip_never_goes_past_the_original_day(day, n):
    back = add_months(add_months(day, n), -n)
    assert back <= day and Month.of(back) == Month.of(day)
    assert back == day or back.day < day.day


@given(days, st.integers(-240, 240))
def test_add_months_lands_in_the_shifted_month_clamped(day, n):
    moved = add_months(day, n)
    assert Month.of(moved) == Month.of(day).shift(n)
    assert moved.day == min(day.day, Month.of(moved).days)


@given(early_days, st.integers(-120, 120), st.integers(-120, 120))
def test_add_months_composes_for_days_up_to_28(day, a, b):
    assert add_months(add_months(day, a), b) == add_months(day, a + b)


@given(days, days)
def test_add_months_is_monotonic(d1, d2):
    first, second = sorted((d1, d2))
    for n in (-3, 1, 6, 36):
        assert add_months(first, n) <= add_months(second, n)


@given(days)
def test_service_dates_are_ordered(start):
    end = support_end(start)
    deadline = share_deadline(end)
    assert start < deadline < end
    assert 3 * 365 - 1 <= (end - start).days + 1 <= 3 * 366
    assert Month.of(deadline) == Month.of(end).shift(-3)


@given(days, st.none() | st.integers(0, 900))
def test_eligible_from_is_after_six_months(hired, interim_days):
    interim = None if interim_days is None else hired + timedelta(days=interim_days)
    first = hired if interim is None else interim + timedelta(days=1)
    eligible = eligible_from(hired, interim)
    assert eligible == period_end(first, 6) + timedelta(days=1)
    assert 181 - 3 <= (eligible - first).days <= 184


@given(days)
def test_parse_date_round_trips_every_written_form(day):
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year:04d}{day.month:02d}{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
    ]
    if day >= date(1989, 1, 8):
        forms.append(wareki(day))
    for text in forms:
        assert parse_date(text, AS_OF) == day


@given(days)
def test_full_width_digits_equal_ascii(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d"), wareki(day)):
        wide = text.translate(FULL_WIDTH)
        assert parse_date(wide, AS_OF) == parse_date(text, AS_OF) == day


@given(days)
def test_parse_month_round_trips(day):
    month = Month.of(day)
    for text in (str(month), f"{month.year}/{month.month}", f"{month.year:04d}{month.month:02d}",
                 str(month).translate(FULL_WIDTH)):
        assert parse_month(text, AS_OF) == month


@given(st.dates(min_value=date(2019, 5, 1), max_value=date(2080, 12, 31)))
def test_reiwa_short_form_equals_the_kanji_form(day):
    year = day.year - 2018
    short = f"R{year}.{day.month}.{day.day}"
    padded = f"R{year:02d}/{day.month:02d}/{day.day:02d}"
    kanji = f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"
    assert parse_date(short, AS_OF) == parse_date(padded, AS_OF) == parse_date(kanji, AS_OF) == day
