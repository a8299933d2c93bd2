"""Dates, months, periods and fiscal years: the one module for calendar arithmetic.

Terms (民法 §140–143):

- 起算日 (first day of a period): the day counting starts. A period counted from an event that happens
  at the start of a day (a hire date, a support start) includes that day.
- 満了日 (last day of a period): a period of N months ends on the day *before* the 応当日.
- 応当日 (corresponding day): the day with the same number N months later. When that month has no such
  day (31st, 29 February), the period ends on that month's last day (民法 §143②).
- 年度 (fiscal year): April to March; fiscal year 2025 runs 2025-04-01 .. 2026-03-31.

>>> period_end(date(2024, 4, 1), 36)
datetime.date(2027, 3, 31)
>>> period_end(date(2024, 2, 29), 36)
datetime.date(2027, 2, 28)
>>> period_end(date(2024, 8, 31), 6)
datetime.date(2025, 2, 28)
>>> parse_date("令和元年5月1日", date(2025, 1, 1))
datetime.date(2019, 5, 1)
>>> parse_month("R7.4", date(2025, 1, 1))
Month(year=2025, month=4)

A day written without its year (`10月8日`, `10/8`, as an office writes the day of a visit) is the latest such day
on or before `as_of`: what is recorded happened already, so on 2027-01-05 `12月28日` is 2026-12-28, and
`2月29日` the latest 29 February. A field that names a day ahead (the end of the 受給者証 grant, a plan's next
review) reads it forward instead (`ahead=True`): the first such day on or after `as_of`.

>>> parse_date("12月28日", date(2027, 1, 5)), parse_date("1/5", date(2027, 1, 5))
(datetime.date(2026, 12, 28), datetime.date(2027, 1, 5))
>>> parse_date("3月31日", date(2026, 10, 15), ahead=True)
datetime.date(2027, 3, 31)
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import date, datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

from .errors import DateInputError

JST = timezone(timedelta(hours=9), "Asia/Tokyo")  # Japan keeps no summer time.

# (name, initial, first day, last day). 平成 ends 2019-04-30; 令和 starts 2019-05-01.
ERAS: tuple[tuple[str, str, date, date], ...] = (
    ("令和", "R", date(2019, 5, 1), date(9999, 12, 31)),
    ("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    ("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era[0], era[1])}


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    # Computed once per Month (fields are frozen): the rules ask each client's `active_in(month)` of the same
    # few months, 20,000 times in a national `check`.
    @cached_property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @cached_property
    def last(self) -> date:
        return date(self.year, self.month, self.days)

    @cached_property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def shift(self, n: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + n
        return Month(index // 12, index % 12 + 1)

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse_iso(cls, text: str) -> "Month":
        year, month = text.split("-")
        return cls(int(year), int(month))


def today_jst() -> date:
    """Today in Asia/Tokyo. Only the CLI calls this; everything else takes `as_of`."""
    return datetime.now(JST).date()


# ---------------------------------------------------------------- parsing

# Patterns run on NFKC-normalised text, so full-width digits are already ASCII; re.ASCII keeps other
# scripts' digits (٣, ३) out.
_SEP = r"\s*[-/.]\s*"
_A = re.ASCII
_ISO = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$", _A)
_KANJI_YMD = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$", _A)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", _A)
_ERA_KANJI = re.compile(r"^(令和|平成|昭和)\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", _A)
_ERA_SHORT = re.compile(rf"^([RHS])\s*(\d{{1,3}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$", re.IGNORECASE | _A)
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日|/\s*(\d{1,2}))$", _A)  # 10月8日, 10/8: no year

_ISO_MONTH = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})$", _A)
_KANJI_YM = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$", _A)
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$", _A)
_ERA_KANJI_MONTH = re.compile(r"^(令和|平成|昭和)\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月$", _A)
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月$", _A)
_ERA_SHORT_MONTH = re.compile(rf"^([RHS])\s*(\d{{1,3}}){_SEP}(\d{{1,2}})$", re.IGNORECASE | _A)

# Dates teikan accepts: anything else is a typo (and 9999-12-31 + 36 months would not exist).
FIRST_YEAR, LAST_YEAR = 1900, 2199


def normalize(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (NFKC), dashes unified, trimmed."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub("[\u2010-\u2015\u2212\u30fc\uff70]", "-", text)


def _make(year: int, month: int, day: int, raw: str) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateInputError("date.out_of_range", value=raw, first=FIRST_YEAR, last=LAST_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError("date.no_such_day", value=raw) from None


def _era_year(key: str, year_text: str, raw: str) -> tuple[tuple[str, str, date, date], int]:
    era = _ERA_BY_KEY[key.upper() if len(key) == 1 else key]
    number = 1 if year_text == "元" else int(year_text)
    if number < 1:  # 令和0年 does not exist: the first year is 元年.
        raise DateInputError("date.no_such_day", value=raw)
    return era, era[2].year + number - 1


def _check_era(era: tuple[str, str, date, date], first: date, last: date, raw: str) -> None:
    """The date (or month) must lie inside its era: 平成31年5月1日 and 令和元年4月30日 do not exist."""
    if last < era[2] or first > era[3]:
        raise DateInputError("date.outside_era", value=raw, era=era[0])


def parse_date(text: str, as_of: date, *, ahead: bool = False) -> date:
    """Parse any DATE form of SPEC §2. `as_of` resolves `today` / `yesterday` and a day without its year (the
    latest such day on or before `as_of`; with `ahead`, the first on or after it: see the module docstring)."""
    raw = text
    value = normalize(text)
    lowered = value.lower()
    if lowered in ("today", "今日", "本日"):
        return as_of
    if lowered in ("yesterday", "昨日"):
        return as_of - timedelta(days=1)
    for pattern in (_ISO, _KANJI_YMD, _COMPACT):
        m = pattern.match(value)
        if m:
            return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    m = _ERA_KANJI.match(value) or _ERA_SHORT.match(value)
    if m:
        era, year = _era_year(m[1], m[2], raw)
        day = _make(year, int(m[3]), int(m[4]), raw)
        _check_era(era, day, day, raw)
        return day
    m = _MONTH_DAY.match(value)
    if m:
        return _year_of(int(m[1]), int(m[2] or m[3]), as_of, ahead, raw)
    raise DateInputError("date.bad_format", value=raw)


def _year_of(month: int, day: int, as_of: date, ahead: bool, raw: str) -> date:
    """The day `month`/`day` nearest `as_of` on its side: back (or, `ahead`, forward) at most 8 years, enough to
    reach a 29 February."""
    try:
        date(2000, month, day)  # a leap year: every day that exists in some year exists in it
    except ValueError:
        raise DateInputError("date.no_such_day", value=raw) from None
    step = 1 if ahead else -1
    for offset in range(9):
        try:
            found = date(as_of.year + step * offset, month, day)
        except ValueError:
            continue
        if (found >= as_of) if ahead else (found <= as_of):
            return found
    raise DateInputError("date.no_such_day", value=raw)  # pragma: no cover - 8 years always hold a 29 February


def parse_month(text: str, as_of: date) -> Month:
    """Parse any MONTH form of SPEC §2. `as_of` resolves `this` / `last`."""
    raw = text
    value = normalize(text)
    lowered = value.lower()
    if lowered in ("this", "今月"):
        return Month.of(as_of)
    if lowered in ("last", "先月"):
        return Month.of(as_of).shift(-1)
    for pattern in (_ISO_MONTH, _KANJI_YM, _COMPACT_MONTH):
        m = pattern.match(value)
        if m:
            return _month(int(m[1]), int(m[2]), raw)
    m = _ERA_KANJI_MONTH.match(value) or _ERA_SHORT_MONTH.match(value)
    if m:
        era, year = _era_year(m[1], m[2], raw)
        month = _month(year, int(m[3]), raw)
        _check_era(era, month.first, month.last, raw)
        return month
    m = _MONTH_ONLY.match(value)
    if m:
        # `7月` as an office says it: the latest July not after the month of `as_of` (in January, `12月` is
        # last December).
        number = int(m[1])
        if not 1 <= number <= 12:
            raise DateInputError("month.no_such_month", value=raw)
        current = Month.of(as_of)
        return Month(current.year if number <= current.month else current.year - 1, number)
    try:
        day = parse_date(text, as_of)
    except DateInputError:
        raise DateInputError("month.bad_format", value=raw) from None
    raise DateInputError("month.is_a_date", value=raw, month=str(Month.of(day)))  # say which month was meant


def _month(year: int, month: int, raw: str) -> Month:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateInputError("date.out_of_range", value=raw, first=FIRST_YEAR, last=LAST_YEAR)
    if not 1 <= month <= 12:
        raise DateInputError("month.no_such_month", value=raw)
    return Month(year, month)


def parse_iso(text: str | None) -> date | None:
    """ISO text from the database to a date (None stays None)."""
    return date.fromisoformat(text) if text else None


# ---------------------------------------------------------------- 和暦 output


def wareki(day: date | None) -> str:
    """和暦 for display: 令和7年4月1日 (元年 for the first year)."""
    if day is None:
        return ""
    for name, _initial, first, last in ERAS:
        if first <= day <= last:
            number = day.year - first.year + 1
            year = "元" if number == 1 else str(number)
            return f"{name}{year}年{day.month}月{day.day}日"
    return day.isoformat()


# ---------------------------------------------------------------- 民法 periods


# Period ends are cached: relativedelta costs about 10 µs a call, and a national run asks for the same few
# thousand (start, months) pairs tens of thousands of times (0.5 s of a national `check`, measured).
@lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """The 応当日 `months` later (or earlier), clamped to the last day of a shorter month (relativedelta)."""
    return day + relativedelta(months=months)


@lru_cache(maxsize=65536)
def period_end(first_day: date, months: int) -> date:
    """満了日 of a period of `months` months whose 起算日 is `first_day` (民法 §143②).

    The day before the 応当日; when the last month has no 応当日 (relativedelta clamped the day), that month's
    last day.
    """
    corresponding = first_day + relativedelta(months=months)
    if corresponding.day != first_day.day:
        return corresponding
    return corresponding - _ONE_DAY


_ONE_DAY = timedelta(days=1)


def eligible_from(employment_start: date, interim_support_end: date | None = None) -> date:
    """First day 就労定着支援 may start: the day after six months of employment.

    留意事項通知 (障発第1031001号) 第二の3(8): 就労継続期間が6月に達した日の翌日から (hired 2024-04-01 →
    2024-10-01). After 就労移行支援 given during the job, the six months count from its end + 1 day.
    """
    first = employment_start
    if interim_support_end is not None and interim_support_end >= employment_start:
        first = interim_support_end + timedelta(days=1)
    return period_end(first, 6) + timedelta(days=1)


def last_day_up_to(fn, limit: date) -> date:
    """The latest day `d` with `fn(d) <= limit`, for a `fn` that never decreases as `d` moves later and stays a
    fixed span of months from `d` (a 民法 period end, a deadline): a first guess one span back, then a few
    steps of a day.

    >>> last_day_up_to(support_end, date(2026, 3, 31))
    datetime.date(2023, 4, 1)
    """
    day = limit - (fn(limit) - limit)
    while fn(day) > limit:
        day -= _ONE_DAY
    while fn(day + _ONE_DAY) <= limit:
        day += _ONE_DAY
    return day


def support_end(support_start: date) -> date:
    """Last day of the three-year service period (報酬告示 第14の2: 利用期間 3年; 民法 §143)."""
    return period_end(support_start, 36)


def first_start_reaching(day: date) -> date:
    """The earliest `support_start` whose three years reach `day` (`support_end` ≥ `day`): a start before it
    ended its service before `day` (`support_end` never decreases as the start moves later).

    >>> first_start_reaching(date(2027, 3, 31))
    datetime.date(2024, 4, 1)
    """
    return last_day_up_to(support_end, day - _ONE_DAY) + _ONE_DAY


def share_deadline(end: date) -> date:
    """The last day on which at least three months of the period remain after it (留意事項通知, 支援体制構築未実施
    減算, 2024: 「期間が終了する3月以上前に」): the largest D whose three months counted from D + 1 end on or
    before `end` (support_end 2025-06-30 → 2025-03-31; 2027-02-28 → 2026-11-30; 2027-01-03 → 2026-10-03).

    >>> share_deadline(date(2025, 6, 30)), share_deadline(date(2027, 2, 28))
    (datetime.date(2025, 3, 31), datetime.date(2026, 11, 30))
    """
    return last_day_up_to(three_months_after, end)


def three_months_after(day: date) -> date:
    """The end of three months counted from the day after `day` (民法 §140 初日不算入, §143)."""
    return period_end(day + _ONE_DAY, 3)


# ---------------------------------------------------------------- fiscal years


def fiscal_year(day: date | Month) -> int:
    """年度 of a date or month: April–March, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_months(fy: int) -> list[Month]:
    """The twelve months of fiscal year `fy`, April first."""
    start = Month(fy, 4)
    return [start.shift(i) for i in range(12)]


def month_range(first: Month, last: Month) -> list[Month]:
    """Months from `first` to `last` inclusive."""
    months: list[Month] = []
    current = first
    while current <= last:
        months.append(current)
        current = current.shift(1)
    return months
