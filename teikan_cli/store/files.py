"""The database file as a whole: backup, restore, what doctor inspects, purge's last step.

Each function is what one safety command decides, apart from its parsing and its printing. They work on paths
and open stores; every file they make is readable by its owner only (0600).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

from ..errors import DatabaseError, InputError
from ..migrations import APPLICATION_ID, SCHEMA_VERSION
from .connection import check_header, make_private_folders, open_store

AUDIT_CHAIN_VERSION = 8  # migration m008 chains the audit trail


def backup_database(store, dest: Path, force: bool, day: date, now: datetime) -> tuple[Path, dict]:
    """SQLite's online backup of `store` into `dest` (a file, or a folder to make a file named after `day`, the
    command's today, and the time of `now` in: `maintenance.backup_file_name`): written to a private temporary
    file, checked, then renamed over the target. Returns the file and its row counts."""
    from ..maintenance import backup_file_name
    from . import Store

    target = dest / backup_file_name(day, now) if dest.is_dir() else dest
    if same_file(target, store.path):
        raise InputError("backup.same_file", path=str(target))
    if (target.exists() or target.is_symlink()) and not force:
        raise InputError("output.exists", path=str(target))
    if target.is_dir():
        raise InputError("output.cannot_write", path=str(target))
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
        fsync(temporary)
        os.replace(temporary, target)
        fsync(target.parent)
    except (OSError, sqlite3.Error):
        raise DatabaseError("backup.failed", path=str(target)) from None
    finally:
        remove(temporary)
    copy = Store.open_snapshot(target)
    try:
        return target, copy.count_rows()
    finally:
        copy.close()


def restore_database(source_path: Path, target: Path, force: bool) -> dict:
    """Replace the database at `target` with the checked teikan file at `source_path` (migrated when older).
    Returns the row counts of what was restored."""
    from . import Store

    if not source_path.exists():
        raise InputError("restore.source_missing", path=str(source_path))
    if source_path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(source_path))
    if same_file(source_path, target):
        raise InputError("restore.same_file", path=str(source_path))
    source = Store.open_snapshot(source_path)
    try:
        check_restorable(source, source_path)
        if (target.exists() or target.is_symlink()) and not force:
            raise InputError("restore.exists", path=str(target))
        store = open_store(target, create=True)
        try:
            store.copy_from(source)
        except sqlite3.Error:
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
        chmod_private(Path(str(target) + suffix))
    return counts


def check_restorable(source, path: Path) -> None:
    """A restore source must be a sound teikan database this version can read (else exit 2, nothing done)."""
    app_id, version = file_facts(source, path)
    if app_id != APPLICATION_ID or version < 1:
        raise DatabaseError("db.not_teikan", path=str(path))
    if version > SCHEMA_VERSION:
        raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
    if source.integrity_problems() != ["ok"]:
        raise DatabaseError("restore.corrupt", path=str(path))
    broken = source.foreign_key_problems()
    if broken is None:
        raise DatabaseError("restore.corrupt", path=str(path))
    if broken:
        raise InputError("restore.broken_references", path=str(path), count=broken)


def doctor_checks(path: Path) -> list:
    """Every line of `doctor` for the file at `path`, without changing it: permissions, what the file says it is,
    integrity, references, the audit chain. A missing, foreign or newer file is an error (exit 2)."""
    from ..maintenance import database_checks, permission_checks

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
    app_id, version, integrity, broken, chain = inspect_for_doctor(path)
    if app_id != APPLICATION_ID:
        raise DatabaseError("db.not_teikan", path=str(path))
    if version > SCHEMA_VERSION:
        raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
    return checks + database_checks(app_id, APPLICATION_ID, version, SCHEMA_VERSION, integrity, broken, chain)


def inspect_for_doctor(path: Path) -> tuple:
    """(application id, schema version, integrity lines, broken references, audit chain) without changing the
    file. A file SQLite cannot read past its header is still judged by the header: a damaged teikan database is a
    problem to report (exit 1), not a foreign file."""
    from ..maintenance import header_facts
    from . import Store

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
        except sqlite3.Error:
            if header is None:
                raise DatabaseError("db.not_teikan", path=str(path)) from None
            return header[0], header[1], None, None, None
        return (app_id, version, store.integrity_problems(), store.foreign_key_problems(),
                audit_chain(store) if version >= AUDIT_CHAIN_VERSION else "older")
    finally:
        store.close()


def audit_chain(store):
    """The first audit row that does not verify (id, why), `()` when all do, None when unreadable."""
    from ..audit_chain import first_broken_row

    try:
        return first_broken_row(store.iter_audit()) or ()
    except sqlite3.Error:
        return None


def file_facts(store, path: Path) -> tuple[int, int]:
    try:
        return store.file_facts()
    except sqlite3.Error:
        raise DatabaseError("db.not_teikan", path=str(path)) from None


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def fsync(path: Path) -> None:
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


def remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def chmod_private(path: Path) -> None:
    try:
        if path.exists():
            os.chmod(path, 0o600)
    except OSError:
        pass


def audit_quietly(store, action: str) -> None:
    """Record who took a copy of the data; a read-only or busy database does not undo a finished backup."""
    from ..errors import TeikanError

    try:
        with store.write():
            store.audit(action)
    except (TeikanError, sqlite3.Error):
        pass
