"""due, watch: the daily driver (SPEC §10)."""

from __future__ import annotations

from typing import Optional

from .common import (
    as_of_opt,
    check_format,
    excel_opt,
    format_opt,
    month_or_current,
    open_read,
    option,
    resolve_as_of,
)

DUE_CSV_COLUMNS = ["staff", "employer", "client_id", "name", "needs", "deadline", "days_left"]
MAX_WATCH_MONTHS = 120


def due(
    staff: Optional[str] = option("--staff", None, "NAME"),
    month: Optional[str] = option("--month", None, "MONTH"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..daily import build_due, due_json, due_rows, staff_filter
    from .screens import print_due

    day = resolve_as_of(as_of)
    wanted = month_or_current(month, day)
    fmt = check_format(fmt, excel=excel)
    store = open_read()
    caseload = store.load_caseload([wanted], day)
    groups = build_due(caseload, wanted, day, staff_filter(staff, caseload, store.staff_names()))
    if fmt == "json":
        render.print_json(due_json(groups, wanted, day))
    elif groups and fmt == "csv":
        render.print_csv(DUE_CSV_COLUMNS, due_rows(groups, day), excel=excel)
    elif groups:
        print_due(groups, wanted, day)


def watch(
    months: int = option("--months", 3, "N"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..daily import build_watch, last_month, watch_json, watch_months, watch_rows
    from ..errors import InputError
    from .screens import print_watch

    day = resolve_as_of(as_of)
    fmt = check_format(fmt, excel=excel)
    if not 1 <= months <= MAX_WATCH_MONTHS:
        raise InputError("input.bad_months", value=months)
    shown, loaded = watch_months(last_month(day), months)
    store = open_read()
    watched = build_watch(store.load_caseload([shown[-1]], day, activity_months=loaded), day, months)
    if fmt == "json":
        render.print_json(watch_json(watched, day))
    elif watched and fmt == "csv":
        render.print_csv(["client_id", "name", "patterns"] + [str(m) for m in shown], watch_rows(watched), excel=excel)
    elif watched:
        print_watch(store, watched, shown, day)
