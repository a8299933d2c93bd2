"""backup, restore, doctor, purge: keeping the file safe, checked, private and no older than the law requires."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from . import state
from .common import (
    as_of_option,
    check_format,
    echo,
    emit,
    excel_option,
    format_option,
    open_read,
    open_write,
    parse_date_opt,
    resolve_as_of,
)

PURGE_COLUMNS = ["id", "name", "ended_on", "last_service", "retained_until"]


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup(
        dest: str = typer.Argument(..., help="Backup file (or an existing folder: a dated file is made in it).",
                                   metavar="DEST"),
        force: bool = typer.Option(False, "--force", help="Replace DEST when it exists."),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Copy the database with SQLite's online backup (consistent while others write); the file is 0600.

        Example: teikan backup /media/usb/teikan-2026-04-30.db
        """
        from ..errors import DatabaseError, InputError
        from ..maintenance import backup_file_name
        from ..store import Store

        resolve_as_of(as_of)
        store = open_read()
        target = Path(dest).expanduser()
        if target.is_dir():
            from datetime import datetime

            from ..dates import JST

            target = target / backup_file_name(datetime.now(JST))
        if _same_file(target, store.path):
            raise InputError("backup.same_file", path=str(target))
        if (target.exists() or target.is_symlink()) and not force:
            raise InputError("output.exists", path=str(target))
        if target.is_dir():
            raise InputError("output.cannot_write", path=str(target))
        from ..store import make_private_folders

        try:
            make_private_folders(target.parent)
        except OSError:
            raise DatabaseError("output.cannot_write", path=str(target)) from None
        temporary = target.parent / f".{target.name}.{os.getpid()}.partial"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.fchmod(fd, 0o600)
            os.close(fd)
            if not store.copy_to_file(temporary):
                raise DatabaseError("backup.failed", path=str(target))
            _fsync(temporary)
            os.replace(temporary, target)
            _fsync(target.parent)
        except (OSError, _sqlite_error()):
            raise DatabaseError("backup.failed", path=str(target)) from None
        finally:
            _remove(temporary)
        copy = Store.open_snapshot(target)
        try:
            counts = copy.count_rows()
        finally:
            copy.close()
        _audit_quietly(store, "backup")
        echo(_t("backup.done", path=str(target), **counts))

    @app.command("restore")
    def restore(
        src: str = typer.Argument(..., help="A backup made by 'teikan backup' (or another teikan database).",
                                  metavar="SRC"),
        force: bool = typer.Option(False, "--force", help="Replace the current database when it exists."),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Replace the database with a checked backup (teikan file, schema not newer, integrity ok).

        Example: teikan restore /media/usb/teikan-2026-04-30.db --force
        """
        from ..errors import DatabaseError, InputError
        from ..migrations import APPLICATION_ID, SCHEMA_VERSION
        from ..store import Store, open_store, resolve_path

        resolve_as_of(as_of)
        source_path = Path(src).expanduser()
        target = resolve_path(state.db_option)
        if not source_path.exists():
            raise InputError("restore.source_missing", path=str(source_path))
        if source_path.is_dir():
            raise DatabaseError("db.not_teikan", path=str(source_path))
        if _same_file(source_path, target):
            raise InputError("restore.same_file", path=str(source_path))
        source = Store.open_snapshot(source_path)
        try:
            _check_restorable(source, source_path, APPLICATION_ID, SCHEMA_VERSION)
            if (target.exists() or target.is_symlink()) and not force:
                raise InputError("restore.exists", path=str(target))
            store = open_store(target, create=True)
            try:
                store.copy_from(source)
            except _sqlite_error():
                raise DatabaseError("restore.failed", path=str(target)) from None
            finally:
                store.close()
        finally:
            source.close()
        store = open_store(target, create=True)  # migrates a backup made by an older teikan
        try:
            with store.write():
                store.audit("restore")
            counts = store.count_rows()
        finally:
            store.close()
        for suffix in ("", "-wal", "-shm"):
            _chmod_private(Path(str(target) + suffix))
        echo(_t("restore.done", path=str(target), source=str(source_path), **counts))

    @app.command("doctor")
    def doctor(
        fmt: str = format_option(help_text="Output format: table or json."),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Check the database: integrity, foreign keys, schema version, application id, file permissions.

        One line per check; exit 1 on any problem, 2 when the file is missing or not a teikan database.

        Example: teikan doctor
        """
        from .. import render
        from ..errors import DatabaseError
        from ..i18n import t
        from ..maintenance import database_checks, permission_checks
        from ..migrations import APPLICATION_ID, SCHEMA_VERSION
        from ..store import check_header, resolve_path

        resolve_as_of(as_of)
        fmt = check_format(fmt, ("table", "json"))
        path = resolve_path(state.db_option)
        if not path.exists():
            raise DatabaseError("db.missing", path=str(path))
        if path.is_dir():
            raise DatabaseError("db.not_teikan", path=str(path))
        check_header(path)
        if path.stat().st_size == 0:
            raise DatabaseError("db.empty", path=str(path))
        folder = path.resolve().parent
        companions = {f"{path.name}{s}": os.stat(f"{path}{s}").st_mode
                      for s in ("-wal", "-shm", "-journal") if os.path.exists(f"{path}{s}")}
        checks = permission_checks(str(path), path.stat().st_mode, str(folder), folder.stat().st_mode, companions)
        app_id, version, integrity, broken, chain = _inspect_for_doctor(path)
        if app_id != APPLICATION_ID:
            raise DatabaseError("db.not_teikan", path=str(path))
        if version > SCHEMA_VERSION:
            raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
        checks += database_checks(app_id, APPLICATION_ID, version, SCHEMA_VERSION, integrity, broken, chain)
        if fmt == "json":
            render.print_json({"path": str(path), "ok": all(c.ok for c in checks),
                               "checks": [c.as_json(t(c.key, **c.params)) for c in checks]})
        else:
            for c in checks:
                status = t("doctor.ok" if c.ok else "doctor.problem")
                echo(f"{status:<8} {c.code:<15} {render._clean(t(c.key, **c.params))}")
        if not all(c.ok for c in checks):
            raise typer.Exit(1)

    @app.command("purge")
    def purge(
        before: str = typer.Option(..., "--before", help="Remove clients whose five-year retention ended before DATE.",
                                   metavar="DATE"),
        dry_run: bool = typer.Option(False, "--dry-run", help="Only list who would be removed; change nothing."),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Remove ended clients whose records are past the five-year retention, with all their rows.

        Only clients whose service ended and whose latest record is more than five years before DATE; DATE may
        not be after --as-of. Run with --dry-run first.

        Example: teikan purge --before 2031-04-01 --dry-run
        """
        from ..errors import InputError
        from ..maintenance import plan_purge, purge_audit_detail

        day = resolve_as_of(as_of)
        cutoff = parse_date_opt(before, day)
        if cutoff > day:
            raise InputError("purge.future", before=cutoff.isoformat(), as_of=day.isoformat())
        fmt = check_format(fmt, excel=excel)
        if dry_run:
            plan = plan_purge(open_read().load_retention_rows(), cutoff)
        else:
            store = open_write(existing=True)
            with store.write():
                plan = plan_purge(store.load_retention_rows(), cutoff)
                if plan.purge:
                    store.delete_clients(plan.ids, purge_audit_detail(plan))
            if plan.purge:
                store.truncate_wal()
        rows = [row.as_json() for row in plan.purge]
        if fmt != "table":
            emit(fmt, PURGE_COLUMNS, rows, {
                "before": cutoff.isoformat(), "as_of": day.isoformat(), "dry_run": dry_run,
                "purged": 0 if dry_run else len(rows), "clients": rows,
                "kept": {"within_retention": plan.within_retention, "not_ended": plan.not_ended},
            }, excel=excel)
            return
        if rows:
            emit(fmt, PURGE_COLUMNS, rows, None)
            echo(_t("purge.dry_run" if dry_run else "purge.done", count=len(rows), before=cutoff.isoformat()))
        else:
            echo(_t("purge.none", before=cutoff.isoformat()))
        echo(_t("purge.kept", within=plan.within_retention, active=plan.not_ended))


# ------------------------------------------------------------------ helpers (file system only)


def _check_restorable(source, path: Path, application_id: int, supported: int) -> None:
    """A restore source must be a sound teikan database this version can read (else exit 2, nothing done)."""
    from ..errors import DatabaseError, InputError

    app_id, version = _file_facts(source, path)
    if app_id != application_id or version < 1:
        raise DatabaseError("db.not_teikan", path=str(path))
    if version > supported:
        raise DatabaseError("db.newer", path=str(path), version=version, supported=supported)
    if source.integrity_problems() != ["ok"]:
        raise DatabaseError("restore.corrupt", path=str(path))
    broken = source.foreign_key_problems()
    if broken is None:
        raise DatabaseError("restore.corrupt", path=str(path))
    if broken:
        raise InputError("restore.broken_references", path=str(path), count=broken)


def _inspect_for_doctor(path: Path) -> tuple[int, int, list[str] | None, int | None, int | None]:
    """(application id, schema version, integrity lines, broken references) without changing the file.

    A file SQLite cannot read past its header is still judged by the header: a damaged teikan database is
    a problem to report (exit 1), not a foreign file.
    """
    from ..errors import DatabaseError
    from ..maintenance import header_facts
    from ..store import Store

    try:
        with open(path, "rb") as handle:
            header = header_facts(handle.read(100))
    except OSError:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    try:
        store = Store.open_snapshot(path, readonly=False)
    except DatabaseError:
        if header is None:
            raise
        return header[0], header[1], None, None, None
    try:
        try:
            app_id, version = store.file_facts()
        except _sqlite_error():
            if header is None:
                raise DatabaseError("db.not_teikan", path=str(path)) from None
            return header[0], header[1], None, None, None
        return (app_id, version, store.integrity_problems(), store.foreign_key_problems(),
                _audit_chain(store) if version >= AUDIT_CHAIN_VERSION else "older")
    finally:
        store.close()


AUDIT_CHAIN_VERSION = 8  # migration m008 chains the audit trail


def _audit_chain(store):
    """The first audit row that does not verify (id, why), `()` when all do, None when unreadable."""
    from ..audit_chain import first_broken_row

    try:
        return first_broken_row(store.iter_audit()) or ()
    except _sqlite_error():
        return None


def _file_facts(store, path: Path) -> tuple[int, int]:
    from ..errors import DatabaseError

    try:
        return store.file_facts()
    except _sqlite_error():
        raise DatabaseError("db.not_teikan", path=str(path)) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def _chmod_private(path: Path) -> None:
    try:
        if path.exists():
            os.chmod(path, 0o600)
    except OSError:
        pass


def _audit_quietly(store, action: str) -> None:
    """Record who took a copy of the data; a read-only or busy database does not undo a finished backup."""
    from ..errors import TeikanError

    try:
        with store.write():
            store.audit(action)
    except (TeikanError, _sqlite_error()):
        pass


def _sqlite_error():
    import sqlite3

    return sqlite3.Error


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)
