"""backup, restore, doctor, purge: keeping the file safe, checked, private and no older than the law requires.
What each decides is in `store/files.py` (the file as a whole) and `maintenance.py` (the retention rules)."""

from __future__ import annotations

import os
from typing import Optional

import typer

from . import state
from .common import (
    argument,
    as_of_opt,
    check_format,
    echo,
    emit,
    excel_opt,
    format_opt,
    open_read,
    open_write,
    option,
    parse_date_opt,
    resolve_as_of,
    t,
)

PURGE_COLUMNS = ["id", "name", "ended_on", "last_service", "retained_until"]


def backup(
    dest: str = argument("DEST"),
    force: bool = option("--force", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from datetime import datetime

    from ..dates import JST
    from ..store.connection import expand_user
    from ..store.files import audit_quietly, backup_database

    day = resolve_as_of(as_of)
    store = open_read()
    as_folder = dest.endswith(("/", os.sep))  # `backups/`: a folder, even one that is not there yet
    now = datetime.now(JST)
    target, counts, removed, made = backup_database(store, expand_user(dest), force, day, now, as_folder)
    tell_removed("backup.leftovers", removed)
    if made is not None:
        echo(t("backup.made_folder", path=str(made)))
    audit_quietly(store, "backup")
    echo(t("backup.done", path=str(target), **counts))


def restore(
    src: str = argument("SRC"),
    force: bool = option("--force", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..store import resolve_path
    from ..store.connection import expand_user
    from ..store.files import restore_database

    resolve_as_of(as_of)
    source, target = expand_user(src), resolve_path(state.db_option)
    counts, removed = restore_database(source, target, force)
    tell_removed("restore.leftovers", removed)
    echo(t("restore.done", path=str(target), source=str(source), **counts))


def tell_removed(key: str, removed: list) -> None:
    """One line on stderr naming what an earlier, interrupted run had left and this one removed (SPEC §13)."""
    if removed:
        import sys

        from ..render import safe_text

        sys.stderr.write(safe_text(t(key, count=len(removed), files=", ".join(str(p) for p in removed))) + "\n")


def doctor(
    fmt: str = format_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..store import resolve_path
    from ..store.files import doctor_checks

    resolve_as_of(as_of)
    fmt = check_format(fmt, ("table", "json"))
    path = resolve_path(state.db_option)
    checks = doctor_checks(path)
    if fmt == "json":
        render.print_json({"path": str(path), "ok": all(c.ok for c in checks),
                           "checks": [c.as_json(t(c.key, **c.params)) for c in checks]})
    else:
        from .screens import print_doctor

        print_doctor(checks)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def purge(
    before: str = option("--before", ..., "DATE"),
    dry_run: bool = option("--dry-run", False),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..errors import InputError
    from ..maintenance import plan_purge, purge_json
    from .screens import print_purge

    day = resolve_as_of(as_of)
    cutoff = parse_date_opt(before, day)
    if cutoff > day:
        raise InputError("purge.future", before=cutoff.isoformat(), as_of=day.isoformat())
    fmt = check_format(fmt, excel=excel)
    store = open_read() if dry_run else open_write(existing=True)
    plan, emptied = (plan_purge(store.load_retention_rows(), cutoff), True) if dry_run else store.purge_clients(cutoff)
    if fmt != "table":
        emit(fmt, PURGE_COLUMNS, [row.as_json() for row in plan.purge], purge_json(plan, day, dry_run, emptied),
             excel=excel)
    else:
        print_purge(plan, PURGE_COLUMNS, dry_run, emptied, store.path)
    if not emptied:
        # SPEC §13: success means no purged data in the file or its WAL; until then, exit 1 (as doctor's problems).
        raise typer.Exit(1)
