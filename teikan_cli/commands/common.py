"""Shared option definitions and the small steps every command repeats (parse, open, render)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Optional, Sequence

import typer

from . import state
from .params import argument, as_of_opt, excel_opt, format_opt, option, wareki_opt

if TYPE_CHECKING:  # pragma: no cover
    from ..dates import Month
    from ..store import Store

def resolve_as_of(text: str | None) -> date:
    from ..dates import parse_date, today_jst

    today = today_jst()
    return today if text is None else parse_date(text, today)


def parse_date_opt(text: str | None, as_of: date) -> date | None:
    from ..dates import parse_date

    return None if text is None else parse_date(text, as_of)


def parse_month_opt(text: str | None, as_of: date) -> "Month | None":
    from ..dates import parse_month

    return None if text is None else parse_month(text, as_of)


def check_format(fmt: str, allowed: Sequence[str] = ("table", "json", "csv"), excel: bool = False) -> str:
    from ..validation import choice

    value = choice(fmt, tuple(allowed), "--format")
    if excel and "csv" in allowed:
        return "csv"
    return value


def days_option_value(value: int | None, field: str) -> int | None:
    from ..errors import InputError

    if value is None:
        return None
    if not 0 <= value <= 3650:
        raise InputError("input.bad_days", field=field, value=value)
    return value


_OPEN_STORES: list = []


def open_read() -> "Store":
    """The existing database, for reading: a missing file is an error and nothing is created."""
    from ..store import open_store, resolve_path

    store = open_store(resolve_path(state.db_option), create=False)
    _OPEN_STORES.append(store)
    _tell_notes(store)
    return store


def open_write(who: str | None = None, *, existing: bool = False) -> "Store":
    """The database for writing, created with its schema when missing.

    `existing=True` for commands about a client already recorded (log-visit, plan, end-client...): on a
    missing file there can be no such client, so they stop with "no database" and create nothing.
    """
    from ..store import open_store, resolve_path

    store = open_store(resolve_path(state.db_option), create=not existing, who=who)
    _OPEN_STORES.append(store)
    _tell_notes(store)
    return store


def _tell_notes(store) -> None:
    """What opening the file did that the user should know (a migration merged two spellings of a name)."""
    import sys

    from ..i18n import t

    for key, params in store.notes:
        sys.stderr.write(t(key, **params) + "\n")
    store.notes = []


def close_stores() -> None:
    """Close every store this run opened (so the WAL is checkpointed and the file left tidy)."""
    while _OPEN_STORES:
        store = _OPEN_STORES.pop()
        try:
            store.close()
        except Exception:  # noqa: BLE001 - closing is best effort at exit
            pass


def echo(text: str) -> None:
    """Human output, through `render.safe_text` (line breaks kept): no text from the data reaches the terminal
    as a control sequence, whichever message it is part of."""
    if not text.isprintable():
        from ..render import safe_text

        text = safe_text(text, newline="\n")
    typer.echo(text)


def emit(fmt: str, columns: Sequence[str], rows: Sequence[dict], json_data, *, excel: bool = False,
         title: str | None = None, wareki_dates: bool = False) -> None:
    """One result, three renderings: table (rich or plain), JSON, or CSV of the rows."""
    from .. import render

    if fmt == "json":
        render.print_json(json_data)
    elif fmt == "csv":
        render.print_csv(columns, rows, excel=excel)
    else:
        render.print_table(columns, rows, title=title, wareki_dates=wareki_dates)


def month_or_current(text: str | None, day: date) -> "Month":
    """MONTH as given, else the month of `day`."""
    from ..dates import Month

    return parse_month_opt(text, day) or Month.of(day)


__all__ = [
    "Optional", "argument", "option", "as_of_opt", "format_opt", "excel_opt", "wareki_opt", "resolve_as_of", "parse_date_opt",
    "parse_month_opt", "month_or_current", "check_format", "open_read", "open_write", "close_stores", "echo", "emit",
    "days_option_value", "t",
]


def t(key: str, **params) -> str:
    from ..i18n import t as translate

    return translate(key, **params)
