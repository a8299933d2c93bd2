"""rate: the 就労定着率, its tier and the units a month (issue 9)."""

from __future__ import annotations

from typing import Optional

import typer

from .common import as_of_option, check_format, echo, emit, excel_option, format_option, open_read, resolve_as_of, wareki_option

PEOPLE_COLUMNS = ["client_id", "name", "retained", "employment_end"]
PEOPLE_TABLE = ["client_id", "name", "employment_end", "retained"]


def register(app: typer.Typer) -> None:
    @app.command("rate")
    def rate(
        fiscal_year: Optional[str] = typer.Option(None, "--fiscal-year", metavar="FY",
                                                  help="Fiscal year the rate applies in (2025, 令和7年度; default: that of --as-of)."),
        what_if: bool = typer.Option(False, "--what-if", help="Also say how many more retained people reach the next tier."),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """就労定着率 for a fiscal year: users of the three years before, those still employed, tier and units.

        Example: teikan rate --fiscal-year 2025 --what-if
        """
        from ..dates import fiscal_year as fiscal_year_of
        from ..rate import compute_rate, fee_table, parse_fiscal_year, rate_window
        from ..rate import what_if as what_if_of

        day = resolve_as_of(as_of)
        fy = fiscal_year_of(day) if fiscal_year is None else parse_fiscal_year(fiscal_year)
        fmt = check_format(fmt, excel=excel)
        fee_table(fy)  # refuse a year without a table before opening anything
        store = open_read()
        office = store.load_office()
        result = compute_rate(store.load_service_records(*rate_window(fy)), fy, office.rate_tier)
        data = result.as_json()
        if what_if:
            data["what_if"] = what_if_of(result)
        if fmt != "table":
            emit(fmt, PEOPLE_COLUMNS, data["people"], data, excel=excel)
            return
        _print_rate(result, data, day, wareki)


def _print_rate(result, data: dict, day, wareki: bool) -> None:
    from .. import render
    from ..i18n import t
    from ..rate import percent_text

    first, last = result.window
    rate_text = (f"{result.numerator}/{result.denominator} = {percent_text(result.rate)}" if result.rate is not None
                 else t("rate.no_rate"))
    pairs = [
        (t("rate.users_between"), f"{render.cell(first.isoformat(), 'date', wareki)} – {render.cell(last.isoformat(), 'date', wareki)}"),
        (t("rate.employed_on"), render.cell(last.isoformat(), "date", wareki)),
        (t("rate.rate"), rate_text),
        (t("rate.tier"), "" if result.tier is None else str(result.tier)),
        (t("rate.units"), "" if result.units is None else f"{result.units:,}"),
        (t("rate.basis"), t(f"rate.basis.{result.basis}", tier=result.tier)),
    ]
    render.print_pairs(pairs, title=t("rate.title", fiscal_year=result.fiscal_year))
    if last >= day:
        echo(t("rate.projection", previous=result.fiscal_year - 1, as_of=day.isoformat()))
    if "what_if" in data:
        plan = data["what_if"]
        echo(t(f"rate.what_if.{plan['status']}", needed=plan["needed"], tier=plan["next_tier"],
               units=f"{plan['next_units']:,}" if plan["next_units"] is not None else ""))
    if data["people"]:
        echo("")
        rows = [dict(p, retained=t("rate.retained.yes" if p["retained"] else "rate.retained.no")) for p in data["people"]]
        render.print_table(PEOPLE_TABLE, rows, title=t("rate.people"), wareki_dates=wareki)
