"""report, check, handovers."""

from __future__ import annotations

from typing import Optional

import typer

from .common import (
    as_of_opt,
    check_format,
    days_option_value,
    echo,
    emit,
    excel_opt,
    format_opt,
    open_read,
    option,
    parse_month_opt,
    resolve_as_of,
    wareki_opt,
)

# The table leaves out the face contacts' dates (its Face column counts them); CSV has every JSON key (SPEC §5).
REPORT_CSV_COLUMNS = ["id", "name", "certificate", "staff", "face", "face_dates", "employer", "remote", "agency",
                      "center", "report_shared", "billable", "concerns", "support_end"]


def report(
    month: str = option("--month", ..., "MONTH"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..engine import month_report
    from .screens import print_report

    day = resolve_as_of(as_of)
    wanted = parse_month_opt(month, day)
    fmt = check_format(fmt, excel=excel)
    result = month_report(open_read(), wanted, day, with_fee=fmt == "table")
    if fmt == "table":
        print_report(result, wareki)
    else:
        emit(fmt, REPORT_CSV_COLUMNS, result.data["clients"], result.data, excel=excel)


def check(
    month: Optional[str] = option("--month", None, "MONTH"),
    within: int = option("--within", 90, "DAYS"),
    remind_days: int = option("--remind-days", 7, "N"),
    strict: bool = option("--strict", False),
    fmt: str = format_opt("text"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..engine import evaluate
    from ..reports import build_check
    from ..rules import Settings, check_months
    from .screens import finding_line

    day = resolve_as_of(as_of)
    months = check_months(day, parse_month_opt(month, day))
    fmt = check_format(fmt, ("text", "json", "table"))
    settings = Settings(within=days_option_value(within, "--within"),
                        remind_days=days_option_value(remind_days, "--remind-days"))
    evaluation = evaluate(open_read(), months, day, settings, scoped=True)
    if fmt == "json":
        render.print_json(build_check(months, day, evaluation.findings, evaluation.staffing[months[-1]]))
    elif evaluation.findings:
        echo("\n".join(finding_line(f) for f in evaluation.findings))
    if any(f.severity == "error" for f in evaluation.findings) or (strict and evaluation.findings):
        raise typer.Exit(1)


def handovers(
    within: int = option("--within", 180, "DAYS"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..reports import handover_rows
    from .screens import HANDOVER_COLUMNS, print_handovers

    day = resolve_as_of(as_of)
    fmt = check_format(fmt, excel=excel)
    days = days_option_value(within, "--within")
    rows = handover_rows(open_read().load_caseload([], day), day, days)
    if fmt == "table":
        print_handovers(rows, wareki)
    else:
        emit(fmt, HANDOVER_COLUMNS, rows, {"handovers": rows}, excel=excel)
