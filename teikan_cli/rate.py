"""就労定着率 (retention rate), its fee tier and the month's fee estimate (pure: no I/O).

報酬告示 第14の2 / 留意事項通知 (障発第1031001号, amended 2024-03-29): since April 2024 the base fee per
client-month depends only on the office's 就労定着率 — of everyone who used the service in the three fiscal
years before fiscal year FY (FY-3 .. FY-1, April–March), the share still employed on the last day of FY-1.

Decisions, pinned by tests/test_rate.py:

- **Used the service**: active in at least one month of the window (SPEC §4.2), where the service counts
  as over at `support_end` even when no end was recorded (nobody uses 就労定着支援 beyond three years).
- **Retained**: no employment end on or before 3/31 of FY-1 (issue 9, literally: an `employment_end`
  of 3/31 is not retained, 4/1 is). People who finished the three years still employed, or ended the
  service for any other reason while employed, are retained.
- **One job change** (留意事項通知: 1か月以内に再就職 = 継続): `job_change` is the last day at the
  previous job, `reemployed` the first day at the new one. When `reemployed` is at most one month after
  `job_change` (the same test as `edit-client`), the gap counts as employment and an `employment_end`
  equal to `job_change` (the previous job's last day) is ignored. A job change with no re-employment
  recorded, or re-employment later than a month, ends employment on `job_change`.
- **Tiers** (2024 table) compare exact fractions, lower bounds inclusive: 19/20 is 95% and tier 1.
- **No users** in the window: no rate; the tier the office notified (`init --rate-tier N`) applies when
  recorded (basis `notified-tier`), otherwise there is no tier (basis `no-history`).
- `rate` in JSON is the exact fraction rounded to 4 decimals (0..1); tables show the fraction and percent.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple

from .dates import Month
from .errors import InputError
from .models import Client, ServiceRecord, job_change_continuous

# 報酬告示 第14の2 (令和6年度改定): 就労定着支援サービス費, units a month by 就労定着率 tier.
# (lower bound of the rate, units); tier 1 is the best. Lower bounds are inclusive.
FEE_TABLES: dict[int, tuple[tuple[Fraction, int], ...]] = {
    2024: (
        (Fraction(95, 100), 3512),
        (Fraction(90, 100), 3348),
        (Fraction(80, 100), 2768),
        (Fraction(70, 100), 2234),
        (Fraction(50, 100), 1690),
        (Fraction(30, 100), 1433),
        (Fraction(0), 1074),
    ),
}
FIRST_TABLE_YEAR = min(FEE_TABLES)
TIERS = tuple(range(1, 8))
BASES = ("history", "notified-tier", "no-history")
LAST_FISCAL_YEAR = 9000


class NoFeeTableError(InputError):
    """A fiscal year whose fee table is not built in."""


# ---------------------------------------------------------------- the fee table


def fee_table(fiscal_year: int) -> tuple[tuple[Fraction, int], ...]:
    """The tier table that applies in `fiscal_year` (the latest revision on or before it)."""
    years = [y for y in FEE_TABLES if y <= fiscal_year]
    if not years:
        raise NoFeeTableError("rate.no_table", fiscal_year=fiscal_year, first=FIRST_TABLE_YEAR)
    return FEE_TABLES[max(years)]


def monthly_units(tier: int, fiscal_year: int = FIRST_TABLE_YEAR) -> int:
    """Units per client-month for a tier (1 = best … 7).

    >>> monthly_units(1), monthly_units(7)
    (3512, 1074)
    """
    table = fee_table(fiscal_year)
    if tier not in TIERS:
        raise InputError("input.bad_choice", field="tier", value=tier, allowed="1–7")
    return table[tier - 1][1]


def tier_for(rate: Fraction, fiscal_year: int = FIRST_TABLE_YEAR) -> int:
    """The tier of an exact rate: the first tier whose lower bound the rate reaches.

    >>> tier_for(Fraction(19, 20)), tier_for(Fraction(18, 19))
    (1, 2)
    """
    for tier, (bound, _units) in enumerate(fee_table(fiscal_year), start=1):
        if rate >= bound:
            return tier
    return len(TIERS)  # pragma: no cover - the last bound is 0


def lower_bound(tier: int, fiscal_year: int = FIRST_TABLE_YEAR) -> Fraction:
    return fee_table(fiscal_year)[tier - 1][0]


# ---------------------------------------------------------------- who counts


def rate_window(fiscal_year: int) -> tuple[date, date]:
    """The three fiscal years before FY: 1 April of FY-3 to 31 March of FY (the last day of FY-1).

    >>> rate_window(2025)
    (datetime.date(2022, 4, 1), datetime.date(2025, 3, 31))
    """
    return date(fiscal_year - 3, 4, 1), date(fiscal_year, 3, 31)


def used_service_between(client: Client | ServiceRecord, first: date, last: date) -> bool:
    """Active in at least one month between `first` and `last` (SPEC §4.2), the service over at `support_end`."""
    return _used_in_days(client, Month.of(first).first, Month.of(last).last)


def _used_in_days(client: Client | ServiceRecord, first: date, last: date) -> bool:
    end = client.support_end if client.ended_on is None else min(client.ended_on, client.support_end)
    return client.support_start <= last and end >= first


def effective_employment_end(client: Client | ServiceRecord) -> date | None:
    """The day employment ended for the retention rule, after applying the one-job-change rule."""
    end = client.employment_end
    if client.job_change is None:
        return end
    if job_change_continuous(client.job_change, client.reemployed):
        # The previous job's last day is bridged by the re-employment; a later end is the new job's.
        return None if end == client.job_change else end
    return client.job_change if end is None else min(end, client.job_change)


def is_retained(client: Client | ServiceRecord, year_end: date) -> bool:
    """Still employed at the fiscal year's end: no employment end on or before `year_end` (issue 9)."""
    end = effective_employment_end(client)
    return end is None or end > year_end


# ---------------------------------------------------------------- the rate


class Person(NamedTuple):
    """One user of the rate's window: a NamedTuple, like `ServiceRecord` (a national window holds 16,417)."""

    client_id: int
    name: str
    retained: bool
    employment_end: date | None

    def as_json(self) -> dict:
        return {"client_id": self.client_id, "name": self.name, "retained": self.retained,
                "employment_end": None if self.employment_end is None else self.employment_end.isoformat()}


@dataclass(frozen=True)
class RateResult:
    fiscal_year: int
    numerator: int
    denominator: int
    tier: int | None
    units: int | None
    basis: str  # history | notified-tier | no-history
    people: tuple[Person, ...] = ()

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def window(self) -> tuple[date, date]:
        return rate_window(self.fiscal_year)

    def as_json(self) -> dict:
        """`{"fiscal_year","numerator","denominator","rate","tier","units","basis","people"}` (SPEC §3)."""
        return {
            "fiscal_year": self.fiscal_year,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": rate_float(self.rate),
            "tier": self.tier,
            "units": self.units,
            "basis": self.basis,
            "people": [p.as_json() for p in self.people],
        }


def rate_float(rate: Fraction | None) -> float | None:
    """The exact rate rounded to 4 decimals, as a JSON number (None stays None)."""
    return None if rate is None else float(round(rate, 4))


def percent_text(rate: Fraction | None) -> str:
    """`94.74%` from the same rounded value as JSON (None → empty)."""
    if rate is None:
        return ""
    return f"{float(round(rate, 4) * 100):.2f}%"


def compute_rate(clients: Iterable[Client | ServiceRecord], fiscal_year: int,
                 notified_tier: int | None = None) -> RateResult:
    """The 就労定着率 that applies in `fiscal_year`, its tier and units (raises for a year with no table)."""
    fee_table(fiscal_year)
    first, last = rate_window(fiscal_year)
    used_from, used_to = Month.of(first).first, Month.of(last).last
    people = tuple(
        Person(c.id, c.name, is_retained(c, last), c.employment_end)
        for c in sorted(clients, key=lambda c: c.id)
        if _used_in_days(c, used_from, used_to)
    )
    return _result(fiscal_year, sum(1 for p in people if p.retained), len(people), notified_tier, people)


def rate_for_month(clients: Iterable[Client | ServiceRecord], month: Month,
                   notified_tier: int | None = None) -> RateResult | None:
    """`compute_rate` for the fiscal year of `month` (the report's fee estimate), or None when no fee table
    covers that year."""
    from .dates import fiscal_year

    try:
        return compute_rate(clients, fiscal_year(month), notified_tier)
    except NoFeeTableError:
        return None


def _result(fiscal_year: int, numerator: int, denominator: int, notified_tier: int | None,
            people: tuple[Person, ...]) -> RateResult:
    table = fee_table(fiscal_year)
    if denominator:
        tier = tier_for(Fraction(numerator, denominator), fiscal_year)
        basis = "history"
    elif notified_tier is not None:
        tier, basis = notified_tier, "notified-tier"
    else:
        tier, basis = None, "no-history"
    units = None if tier is None else table[tier - 1][1]
    return RateResult(fiscal_year, numerator, denominator, tier, units, basis, people)


# ---------------------------------------------------------------- what if


def what_if(result: RateResult) -> dict:
    """How many more retained people (same users) would move the office up one tier.

    The smallest k with (numerator + k) / denominator ≥ the next tier's lower bound, k ≤ denominator − numerator.
    `status`: `possible`, `top-tier`, `no-history` (no users to count) or `impossible`.
    """
    empty = {"next_tier": None, "next_units": None, "needed": None}
    if result.denominator == 0 or result.tier is None:
        return {**empty, "status": "no-history"}
    if result.tier == 1:
        return {**empty, "status": "top-tier"}
    table = fee_table(result.fiscal_year)
    bound, units = table[result.tier - 2]
    needed = max(0, math.ceil(bound * result.denominator - result.numerator))
    if needed > result.denominator - result.numerator:
        return {**empty, "next_tier": result.tier - 1, "next_units": units, "status": "impossible"}
    return {"next_tier": result.tier - 1, "next_units": units, "needed": needed, "status": "possible"}


# ---------------------------------------------------------------- the month's fee (for `report --month`)


def fee_estimate(billable_count: int, tier_info: RateResult | Mapping | None) -> dict:
    """Billable client-months × the tier's units: an estimate before add-ons and reductions.

    `tier_info` is a `RateResult` or its JSON (needs `tier`, `units`, `basis`); None when no table applies.
    """
    if isinstance(tier_info, RateResult):  # its three fields, not `as_json()` with every person of the window
        tier_info = {"tier": tier_info.tier, "units": tier_info.units, "basis": tier_info.basis}
    tier = tier_info.get("tier") if tier_info else None
    units = tier_info.get("units") if tier_info else None
    return {
        "estimate": True,
        "billable_client_months": billable_count,
        "tier": tier,
        "units_per_client_month": units,
        "units": None if units is None else billable_count * units,
        "basis": tier_info.get("basis") if tier_info else None,
    }


# ---------------------------------------------------------------- input


_FY_WESTERN = re.compile(r"^(\d{4})\s*(?:年度|fy)?$", re.IGNORECASE)
_FY_PREFIX = re.compile(r"^fy\s*(\d{4})$", re.IGNORECASE)
_FY_REIWA = re.compile(r"^(?:令和|r)\s*(元|\d{1,2})\s*(?:年度)?$", re.IGNORECASE)


def parse_fiscal_year(text: str) -> int:
    """`2025`, `FY2025`, `2025年度`, `令和7年度`, `R7` (full-width digits too) → 2025.

    >>> parse_fiscal_year("令和7年度"), parse_fiscal_year("ＦＹ２０２６"), parse_fiscal_year("R元")
    (2025, 2026, 2019)
    """
    value = unicodedata.normalize("NFKC", str(text)).strip()
    m = _FY_WESTERN.match(value) or _FY_PREFIX.match(value)
    if m:
        year = int(m[1])
    else:
        m = _FY_REIWA.match(value)
        if not m or m[1] == "0":
            raise InputError("rate.bad_fiscal_year", value=text)
        year = 2018 + (1 if m[1] == "元" else int(m[1]))
    if not 1 <= year <= LAST_FISCAL_YEAR:
        raise InputError("rate.bad_fiscal_year", value=text)
    return year
