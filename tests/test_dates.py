"""Every DATE and MONTH form of SPEC §2, the invalid ones, and the period examples of SPEC §4."""

from datetime import date

import pytest

from teikan_cli.dates import (
    Month,
    add_months,
    eligible_from,
    fiscal_year,
    fiscal_year_months,
    month_range,
    parse_date,
    parse_month,
    period_end,
    share_deadline,
    support_end,
    wareki,
)
from teikan_cli.errors import DateInputError

AS_OF = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01", date(2025, 4, 1)),
        ("2025-4-1", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025/04/01", date(2025, 4, 1)),
        ("2025.4.1", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和 7 年 4 月 1 日", date(2025, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("r7.4.1", date(2025, 4, 1)),
        ("R07/04/01", date(2025, 4, 1)),
        ("R7-4-1", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("２０２５－０４－０１", date(2025, 4, 1)),
        ("２０２５／４／１", date(2025, 4, 1)),
        ("２０２５０４０１", date(2025, 4, 1)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("Ｒ７．４．１", date(2025, 4, 1)),
        ("２０２５ー０４ー０１", date(2025, 4, 1)),  # katakana long vowel typed for a dash
        ("  2025-04-01  ", date(2025, 4, 1)),
        ("today", AS_OF),
        ("TODAY", AS_OF),
        ("yesterday", date(2025, 6, 14)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_date_forms(text, expected):
    assert parse_date(text, AS_OF) == expected


def test_yesterday_crosses_a_year():
    assert parse_date("yesterday", date(2025, 1, 1)) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2025-02-29", "date.no_such_day"),
        ("2025-04-31", "date.no_such_day"),
        ("2025-13-01", "date.no_such_day"),
        ("2025-00-10", "date.no_such_day"),
        ("20250230", "date.no_such_day"),
        ("平成31年5月1日", "date.outside_era"),
        ("H31.5.1", "date.outside_era"),
        ("令和元年4月30日", "date.outside_era"),
        ("R1.4.30", "date.outside_era"),
        ("昭和64年1月8日", "date.outside_era"),
        ("平成32年1月1日", "date.outside_era"),
        ("令和0年4月1日", "date.no_such_day"),
        ("R0.4.1", "date.no_such_day"),
        ("令和7年2月29日", "date.no_such_day"),
        ("garbage", "date.bad_format"),
        ("", "date.bad_format"),
        ("   ", "date.bad_format"),
        ("tomorrow", "date.bad_format"),
        ("2025-04", "date.bad_format"),
        ("R7.4", "date.bad_format"),
        ("25/4/1", "date.bad_format"),
        ("2025-04-01-01", "date.bad_format"),
        ("2025_04_01", "date.bad_format"),
        ("X7.4.1", "date.bad_format"),
        ("٢٠٢٥-٠٤-٠١", "date.bad_format"),  # Arabic-Indic digits are not Japanese input
        ("9999-12-31", "date.out_of_range"),
        ("0001-01-01", "date.out_of_range"),
    ],
)
def test_parse_date_invalid(text, key):
    with pytest.raises(DateInputError) as info:
        parse_date(text, AS_OF)
    assert info.value.key == key
    assert info.value.params["value"] == text


def test_invalid_date_messages_are_one_line_and_quote_the_input():
    with pytest.raises(DateInputError) as info:
        parse_date("平成31年5月1日", AS_OF)
    assert info.value.message() == "'平成31年5月1日' is outside the 平成 era"
    with pytest.raises(DateInputError) as info:
        parse_date("2025-02-29", AS_OF)
    assert info.value.message() == "no such day: '2025-02-29'"
    with pytest.raises(DateInputError) as info:
        parse_date("令和0年4月1日", AS_OF)
    assert info.value.message() == "no such day: '令和0年4月1日'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04", Month(2025, 4)),
        ("2025-4", Month(2025, 4)),
        ("2025/4", Month(2025, 4)),
        ("2025/04", Month(2025, 4)),
        ("202504", Month(2025, 4)),
        ("2025年4月", Month(2025, 4)),
        ("令和7年4月", Month(2025, 4)),
        ("R7.4", Month(2025, 4)),
        ("R07/04", Month(2025, 4)),
        ("r7-4", Month(2025, 4)),
        ("令和元年5月", Month(2019, 5)),
        ("平成31年4月", Month(2019, 4)),
        ("H31.4", Month(2019, 4)),
        ("２０２５－０４", Month(2025, 4)),
        ("令和７年４月", Month(2025, 4)),
        ("this", Month(2025, 6)),
        ("THIS", Month(2025, 6)),
        ("last", Month(2025, 5)),
    ],
)
def test_parse_month_forms(text, expected):
    assert parse_month(text, AS_OF) == expected


def test_last_month_in_january_is_the_previous_december():
    assert parse_month("last", date(2025, 1, 31)) == Month(2024, 12)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("令和元年4月", "date.outside_era"),
        ("R1.4", "date.outside_era"),
        ("平成31年5月", "date.outside_era"),
        ("H31.5", "date.outside_era"),
        ("令和0年4月", "date.no_such_day"),
        ("2025-13", "month.no_such_month"),
        ("2025-00", "month.no_such_month"),
        ("202513", "month.no_such_month"),
        ("2025-04-01", "month.is_a_date"),
        ("garbage", "month.bad_format"),
        ("", "month.bad_format"),
        ("next", "month.bad_format"),
        ("04-2025", "month.bad_format"),
        ("9999-01", "date.out_of_range"),
    ],
)
def test_parse_month_invalid(text, key):
    with pytest.raises(DateInputError) as info:
        parse_month(text, AS_OF)
    assert info.value.key == key


# ------------------------------------------------------------------ SPEC §4 examples


@pytest.mark.parametrize(
    ("hired", "eligible"),
    [
        (date(2024, 4, 1), date(2024, 10, 1)),  # official example: six months reached 2024-09-30
        (date(2024, 8, 31), date(2025, 3, 1)),  # no 2025-02-31: ends 2025-02-28
        (date(2024, 8, 30), date(2025, 3, 1)),
        (date(2024, 8, 29), date(2025, 3, 1)),
        (date(2024, 8, 28), date(2025, 2, 28)),
        (date(2023, 8, 29), date(2024, 2, 29)),  # leap year: 2024-02-29 is the 応当日
        (date(2023, 8, 30), date(2024, 3, 1)),
        (date(2024, 12, 31), date(2025, 7, 1)),  # 2025-06 has no 31st: ends 06-30
        (date(2024, 1, 1), date(2024, 7, 1)),
    ],
)
def test_eligible_from(hired, eligible):
    assert eligible_from(hired) == eligible


def test_eligible_from_after_interim_support():
    # 就労移行支援 during the job ended 2024-06-30: six months count from 2024-07-01.
    assert eligible_from(date(2023, 4, 1), date(2024, 6, 30)) == date(2025, 1, 1)
    assert eligible_from(date(2023, 4, 1), None) == date(2023, 10, 1)


def test_interim_support_before_employment_is_ignored_by_the_arithmetic():
    # validation refuses it; the pure function simply counts from the hire date.
    assert eligible_from(date(2024, 4, 1), date(2024, 3, 1)) == date(2024, 10, 1)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2024, 4, 1), date(2027, 3, 31)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2024, 3, 1), date(2027, 2, 28)),
        (date(2024, 10, 1), date(2027, 9, 30)),
        (date(2024, 5, 31), date(2027, 5, 30)),
        (date(2024, 1, 31), date(2027, 1, 30)),
        (date(2025, 3, 31), date(2028, 3, 30)),
        (date(2025, 2, 28), date(2028, 2, 27)),
        (date(2025, 3, 1), date(2028, 2, 29)),  # ends on a leap day
    ],
)
def test_support_end(start, end):
    assert support_end(start) == end


@pytest.mark.parametrize(
    ("end", "deadline"),
    [
        (date(2027, 3, 31), date(2026, 12, 31)),
        (date(2027, 9, 30), date(2027, 6, 30)),
        (date(2027, 2, 28), date(2026, 11, 30)),  # SPEC §4 rule 2: three whole months must remain
        (date(2025, 6, 30), date(2025, 3, 31)),  # SPEC §4 rule 2
        (date(2027, 1, 3), date(2026, 10, 3)),  # SPEC §4 rule 2
        (date(2027, 5, 31), date(2027, 2, 28)),
        (date(2028, 5, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 5, 30), date(2027, 2, 27)),  # from 02-28 the three months would end on 05-31
        (date(2027, 12, 31), date(2027, 9, 30)),  # clamped to September's last day
        (date(2027, 1, 15), date(2026, 10, 15)),  # crosses a year
    ],
)
def test_share_deadline(end, deadline):
    assert share_deadline(end) == deadline


def test_share_deadline_of_a_leap_day_start():
    assert share_deadline(support_end(date(2024, 2, 29))) == date(2026, 11, 30)
    assert share_deadline(support_end(date(2024, 4, 1))) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 4, 1), 6, date(2024, 9, 30)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 28), 1, date(2025, 2, 27)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 14)),
        (date(2025, 4, 1), 12, date(2026, 3, 31)),
    ],
)
def test_period_end(start, months, end):
    assert period_end(start, months) == end


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 4, 15), -4, date(2024, 12, 15)),
        (date(2025, 4, 15), 0, date(2025, 4, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# ------------------------------------------------------------------ fiscal years and months


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (Month(2026, 3), 2025),
        (Month(2026, 4), 2026),
    ],
)
def test_fiscal_year(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_months_run_april_to_march():
    months = fiscal_year_months(2025)
    assert [str(m) for m in months] == [
        "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03",
    ]


def test_month_helpers():
    feb = Month(2024, 2)
    assert (str(feb), feb.first, feb.last, feb.days) == ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 29)
    assert Month(2025, 12).shift(1) == Month(2026, 1)
    assert Month(2025, 1).shift(-13) == Month(2023, 12)
    assert Month.of(date(2025, 6, 15)) == Month(2025, 6)
    assert Month.parse_iso("2025-06") == Month(2025, 6)
    assert [str(m) for m in month_range(Month(2025, 11), Month(2026, 2))] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_range(Month(2026, 2), Month(2025, 11)) == []


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 4, 1), "令和7年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (None, ""),
    ],
)
def test_wareki_output(day, text):
    assert wareki(day) == text


def test_wareki_output_parses_back():
    for day in (date(2019, 5, 1), date(2019, 4, 30), date(2025, 12, 31)):
        assert parse_date(wareki(day), AS_OF) == day


@pytest.mark.parametrize("module", ["dates", "rules", "rate"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"teikan_cli.{module}"))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("text, as_of, month", [
    ("7月", date(2026, 11, 2), Month(2026, 7)),
    ("11月", date(2026, 11, 2), Month(2026, 11)),
    ("１２月", date(2026, 1, 5), Month(2025, 12)),  # in January, December is last December
    ("1月", date(2026, 1, 5), Month(2026, 1)),
])
def test_a_month_by_its_number_is_the_latest_not_after_as_of(text, as_of, month):
    assert parse_month(text, as_of) == month


@pytest.mark.parametrize("text, as_of, ahead, day", [
    ("10月8日", date(2026, 10, 15), False, date(2026, 10, 8)),
    ("10月15日", date(2026, 10, 15), False, date(2026, 10, 15)),  # today itself
    ("10月16日", date(2026, 10, 15), False, date(2025, 10, 16)),  # tomorrow has not happened: last year's
    ("12月28日", date(2027, 1, 5), False, date(2026, 12, 28)),  # across the new year
    ("1月5日", date(2027, 1, 5), False, date(2027, 1, 5)),
    ("12/28", date(2027, 1, 5), False, date(2026, 12, 28)),  # as Excel shows a day without its year
    ("１２月２８日", date(2027, 1, 5), False, date(2026, 12, 28)),
    ("12 月 28 日", date(2027, 1, 5), False, date(2026, 12, 28)),
    ("2月29日", date(2026, 10, 15), False, date(2024, 2, 29)),  # the latest 29 February
    ("2/29", date(2028, 3, 1), False, date(2028, 2, 29)),
    ("3月31日", date(2026, 10, 15), True, date(2027, 3, 31)),  # a grant's end, a review: ahead
    ("10月15日", date(2026, 10, 15), True, date(2026, 10, 15)),
    ("1月5日", date(2026, 12, 28), True, date(2027, 1, 5)),
    ("2月29日", date(2025, 3, 1), True, date(2028, 2, 29)),
])
def test_a_day_without_its_year_is_the_nearest_on_its_side_of_as_of(text, as_of, ahead, day):
    assert parse_date(text, as_of, ahead=ahead) == day


@pytest.mark.parametrize("text, key", [
    ("2月30日", "date.no_such_day"), ("13月1日", "date.no_such_day"), ("4/31", "date.no_such_day"),
    ("0月1日", "date.no_such_day"), ("10月", "date.bad_format"), ("10/8/", "date.bad_format"),
])
def test_a_day_without_its_year_that_does_not_exist(text, key):
    with pytest.raises(DateInputError) as caught:
        parse_date(text, date(2026, 10, 15))
    assert caught.value.key == key
