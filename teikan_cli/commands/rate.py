"""rate: the 就労定着率, its tier and the units a month (issue 9)."""

from __future__ import annotations

from typing import Optional

from .common import (
    as_of_opt,
    check_format,
    emit,
    excel_opt,
    format_opt,
    open_read,
    option,
    resolve_as_of,
    wareki_opt,
)

PEOPLE_COLUMNS = ["client_id", "name", "retained", "employment_end"]


def rate(
    fiscal_year: Optional[str] = option("--fiscal-year", None, "FY"),
    what_if: bool = option("--what-if", False),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..dates import fiscal_year as fiscal_year_of
    from ..rate import compute_rate, fee_table, parse_fiscal_year, rate_window
    from ..rate import what_if as what_if_of
    from .screens import print_rate

    day = resolve_as_of(as_of)
    fy = fiscal_year_of(day) if fiscal_year is None else parse_fiscal_year(fiscal_year)
    fmt = check_format(fmt, excel=excel)
    fee_table(fy)  # refuse a year without a table before opening anything
    store = open_read()
    result = compute_rate(store.load_service_records(*rate_window(fy)), fy, store.load_office().rate_tier)
    data = result.as_json()
    if what_if:
        data["what_if"] = what_if_of(result)
    if fmt != "table":
        emit(fmt, PEOPLE_COLUMNS, data["people"], data, excel=excel)
    else:
        print_rate(result, data, day, wareki)
