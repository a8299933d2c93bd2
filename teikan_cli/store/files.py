"""The database file as a whole: backup, restore, what doctor inspects, purge's last step.

Each function is what one safety command decides, apart from its parsing and its printing. They work on paths
and open stores; every file they make is readable by its owner only (0600), every folder 0700.

Files from elsewhere (SPEC §13). A restore source is never opened where it lies: its bytes (and its `-wal` or
`-journal`, when present) are copied into a private folder beside the database, and everything else happens on
that copy — the checks `doctor` makes (schema fingerprint, integrity with CHECK and NOT NULL, references, dates,
derived values, the audit chain), the migration of an older schema, the `restore` audit row — so that nothing
appears beside the source (a USB stick) and the database is replaced in one transaction that carries its audit
row. A run killed on the way leaves its private folder; the next run removes it and says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from ..errors import DatabaseError, InputError
from ..migrations import APPLICATION_ID, SCHEMA_VERSION
from .connection import (check_header, is_disk_full, make_private_folders, open_failure, open_for_replacement,
                         open_store)

AUDIT_CHAIN_VERSION = 8  # migration m008 chains the audit trail

# What an interrupted run leaves: `.NAME.PID.partial` (backup, with SQLite's companions) and
# `.NAME.PID.restore` (restore's private folder).
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<kind>partial|restore)(?:-journal|-wal|-shm)?$")


def backup_database(store, dest: Path, force: bool, day: date, now: datetime,
                    as_folder: bool = False) -> tuple[Path, dict, list[Path], Path | None]:
    """SQLite's online backup of `store` into `dest` (a file, or a folder to make a file in named after `day`, the
    command's today, and the time of `now`: one that exists, or any `dest` typed with a trailing slash,
    `as_folder`): written to a private temporary file, checked, then renamed over the target. Returns the file,
    its row counts, the unfinished copies of earlier, interrupted runs that were removed from the folder, and the
    folder made for it (None when it was there)."""
    target, folder = backup_target(dest, as_folder, day, now)
    try:
        if same_file(target, store.path):
            raise InputError("backup.same_file", path=str(target))
        if (target.exists() or target.is_symlink()) and not force:
            raise InputError("output.exists", path=str(target))
        if target.is_dir():
            raise InputError("output.cannot_write", path=str(target))
    except (OSError, ValueError):  # a name too long or holding a NUL, a folder that cannot be searched
        raise InputError("output.cannot_write", path=str(dest)) from None
    made = None
    if not folder.is_dir():
        try:
            folder.mkdir(mode=0o700)
            made = folder
        except FileExistsError:  # made by another process meanwhile
            pass
        except OSError as exc:
            raise write_failure(exc, "output.cannot_write", target) from None
    try:
        removed = remove_leftovers(folder, "partial")
        write_backup(store, target)
    except BaseException:
        if made is not None:
            try:
                made.rmdir()  # nothing written: not even the folder (only when still empty)
            except OSError:
                pass
        raise
    from . import Store

    copy = Store.open_snapshot(target)
    try:
        return target, copy.count_rows(), removed, made
    finally:
        copy.close()


def backup_target(dest: Path, as_folder: bool, day: date, now: datetime) -> tuple[Path, Path]:
    """The file a backup of `dest` goes to and its folder. A folder that is missing is made only when the folder
    it goes in exists: a USB stick's `/media/usb/backups/` is made, a mistyped `/media/usbb/backups/` (or a stick
    not mounted) is refused with the first folder that is not there, so that a typo never sends the copy
    somewhere else on the local disk. Raises InputError (exit 2) before anything is written."""
    from ..maintenance import backup_file_name

    try:
        into = as_folder or dest.is_dir()
        folder = dest if into else dest.parent
        if folder.is_dir() or folder.parent.is_dir() and not (folder.exists() or folder.is_symlink()):
            return (folder / backup_file_name(day, now) if into else dest), folder
        for part in reversed((folder, *folder.parents)):
            if part.is_dir():
                continue
            if part.exists() or part.is_symlink():
                raise InputError("backup.not_folder", path=str(part))
            raise InputError("backup.no_folder", missing=str(part), folder=shlex.quote(str(folder)))
    except (OSError, ValueError):  # a name too long or holding a NUL, a folder that cannot be searched
        raise InputError("output.cannot_write", path=str(dest)) from None
    raise InputError("output.cannot_write", path=str(dest))  # not reached: some part of `folder` is no folder


def write_backup(store, target: Path) -> None:
    """The online backup written to a private temporary file beside `target`, synced, then renamed over it."""
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
    except (OSError, sqlite3.Error) as exc:
        raise write_failure(exc, "backup.failed", target) from None
    finally:
        remove(temporary)


def restore_database(source_path: Path, target: Path, force: bool) -> tuple[dict, list[Path]]:
    """Replace the database at `target` with the teikan file at `source_path`, checked and migrated on a private
    copy, in one transaction with its audit row. Returns the row counts of what was restored and the private
    folders of earlier, interrupted runs that were removed."""
    try:
        if not source_path.exists():
            raise InputError("restore.source_missing", path=str(source_path))
        if source_path.is_dir():
            raise DatabaseError("db.not_teikan", path=str(source_path))
    except (OSError, ValueError):  # a name too long or holding a NUL, a folder that cannot be searched
        raise DatabaseError("db.unreadable", path=str(source_path)) from None
    if same_file(source_path, target):
        raise InputError("restore.same_file", path=str(source_path))
    check_header(source_path)
    try:
        make_private_folders(target.parent)
    except OSError as exc:
        raise write_failure(exc, "db.cannot_create", target) from None
    removed = remove_leftovers(target.parent, "restore")
    with private_folder(target) as folder:
        copy = checked_copy(source_path, folder, target)
        try:
            if (target.exists() or target.is_symlink()) and not force:
                raise InputError("restore.exists", path=str(target))
            with copy.write():
                copy.audit("restore")
            counts = copy.count_rows()
            replace_content(copy, target)
        finally:
            copy.close()
    for suffix in ("", "-wal", "-shm"):
        chmod_private(Path(f"{target}{suffix}"))
    return counts, removed


def checked_copy(source_path: Path, folder: Path, target: Path):
    """The source copied into `folder`, checked as `doctor` checks a file (refused on any problem: exit 2,
    nothing done) and migrated to this teikan's schema there. Returns the open copy."""
    from ..maintenance import database_checks, restore_problem
    from . import Store

    copy_path = private_copy(source_path, folder, target)
    try:
        snapshot = Store.open_snapshot(copy_path, readonly=False)  # writable: integrity_check checks CHECK, NOT NULL
    except DatabaseError as exc:
        raise _about(exc, source_path, target) from None
    try:
        app_id, version = file_facts(snapshot, source_path)
        if app_id != APPLICATION_ID or version < 1:
            raise DatabaseError("db.not_teikan", path=str(source_path))
        if version > SCHEMA_VERSION:
            raise DatabaseError("db.newer", path=str(source_path), version=version, supported=SCHEMA_VERSION)
        problem = restore_problem(database_checks(snapshot.examine(app_id, version), APPLICATION_ID, SCHEMA_VERSION))
    except DatabaseError as exc:
        raise _about(exc, source_path, target) from None
    except sqlite3.Error as exc:
        raise _about(open_failure(exc, copy_path), source_path, target) from None
    finally:
        snapshot.close()
    if problem is not None:
        raise refusal(problem, source_path)
    try:
        copy = open_store(copy_path, create=False)  # migrates a backup made by an older teikan
    except DatabaseError as exc:
        raise _about(exc, source_path, target, "restore.failed") from None
    return copy


def refusal(problem, path: Path):
    """The error for a restore source that fails one of doctor's checks."""
    from ..i18n import t

    if problem.code == "integrity" and problem.key in ("doctor.integrity_bad", "doctor.unreadable"):
        return DatabaseError("restore.corrupt", path=str(path))
    if problem.code == "foreign-keys" and problem.key == "doctor.fk_bad":
        return InputError("restore.broken_references", path=str(path), count=problem.params["count"])
    if problem.code == "application-id":
        return DatabaseError("db.not_teikan", path=str(path))
    return DatabaseError("restore.refused", path=str(path), check=t(f"doctor.check.{problem.code}"),
                         problem=t(problem.key, **problem.params))


def _about(exc: DatabaseError, source: Path, target: Path, otherwise: str | None = None) -> DatabaseError:
    """An error met on the private copy, told about the files the user named."""
    if exc.key == "db.disk_full":
        return DatabaseError("db.disk_full", path=str(target))
    if otherwise is not None:
        return DatabaseError(otherwise, path=str(target))
    return DatabaseError(exc.key, **dict(exc.params, path=str(source)))


def replace_content(copy, target: Path) -> None:
    """The database at `target` gets the copy's whole content through SQLite's backup API: one write
    transaction, so other processes that have the file open switch from the old content to the new at once,
    and a run killed meanwhile leaves the old content whole."""
    live = open_store(target, create=True) if not target.exists() else open_for_replacement(target)
    try:
        live.copy_from(copy)
    except sqlite3.Error as exc:
        raise write_failure(exc, "restore.failed", target) from None
    finally:
        live.close()


def private_copy(source: Path, folder: Path, target: Path) -> Path:
    """The source's bytes, and those of its `-wal` or `-journal` when present, copied into `folder` (0600 each):
    read as plain files, so SQLite never writes beside the source."""
    copy = folder / "source.db"
    for suffix in ("", "-wal", "-journal"):
        original = Path(f"{source}{suffix}")
        if suffix and not original.exists():
            continue
        try:
            fd = os.open(f"{copy}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(original, "rb") as reader, os.fdopen(fd, "wb") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
        except OSError as exc:
            if is_disk_full(exc):
                raise DatabaseError("db.disk_full", path=str(target)) from None
            raise DatabaseError("db.unreadable", path=str(original)) from None
    return copy


@contextmanager
def private_folder(target: Path) -> Iterator[Path]:
    """A folder only the owner can enter, beside the database (same disk), removed afterwards."""
    folder = target.parent / f".{target.name}.{os.getpid()}.restore"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
    except OSError as exc:
        raise write_failure(exc, "restore.failed", target) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(folder: Path, kind: str) -> list[Path]:
    """Remove what runs of `kind` ("partial": backup, "restore") killed before they could clean up left in
    `folder`: `.NAME.PID.KIND` whose process is gone. Returns what was removed."""
    removed = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return removed
    for name in names:
        found = _LEFTOVER.match(name)
        if found is None or found["kind"] != kind or _alive(int(found["pid"])):
            continue
        path = folder / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        if not name.endswith(("-journal", "-wal", "-shm")):
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or not a pid at all): leave its files alone
    return True


def write_failure(exc: BaseException, key: str, path: Path) -> DatabaseError:
    """A failed write: a full disk said as such (SPEC §13), anything else as `key`."""
    if is_disk_full(exc, path.parent):
        return DatabaseError("db.disk_full", path=str(path))
    return DatabaseError(key, path=str(path))


def doctor_checks(path: Path) -> list:
    """Every line of `doctor` for the file at `path`, without changing it: permissions, what the file says it is,
    its schema, integrity with the CHECK and NOT NULL rules, references, dates, derived values, the audit chain.
    A missing, foreign or newer file is an error (exit 2)."""
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
    exam = inspect_for_doctor(path)
    if exam.app_id != APPLICATION_ID:
        raise DatabaseError("db.not_teikan", path=str(path))
    if exam.version > SCHEMA_VERSION:
        raise DatabaseError("db.newer", path=str(path), version=exam.version, supported=SCHEMA_VERSION)
    return checks + database_checks(exam, APPLICATION_ID, SCHEMA_VERSION)


def inspect_for_doctor(path: Path):
    """What doctor finds in the file (`maintenance.Examination`) without changing it. A file SQLite cannot read
    past its header is still judged by the header: a damaged teikan database is a problem to report (exit 1),
    not a foreign file."""
    from ..maintenance import Examination, header_facts
    from . import Store

    try:
        with open(path, "rb") as handle:
            header = header_facts(handle.read(100))
    except OSError:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    try:
        store = Store.open_snapshot(path, readonly=False)  # writable: integrity_check checks CHECK, NOT NULL
    except DatabaseError as exc:
        if header is None or exc.key == "db.disk_full":
            raise
        return Examination(*header, chain=None)
    try:
        try:
            app_id, version = store.file_facts()
        except sqlite3.Error as exc:
            if is_disk_full(exc, path.parent):
                raise DatabaseError("db.disk_full", path=str(path)) from None
            if header is None:
                raise DatabaseError("db.not_teikan", path=str(path)) from None
            return Examination(*header, chain=None)
        if app_id != APPLICATION_ID or version > SCHEMA_VERSION:
            return Examination(app_id, version)
        try:
            return store.examine(app_id, version)
        except sqlite3.Error as exc:
            raise open_failure(exc, path) from None
    finally:
        store.close()


def file_facts(store, path: Path) -> tuple[int, int]:
    try:
        return store.file_facts()
    except sqlite3.Error as exc:
        if is_disk_full(exc, path.parent):
            raise DatabaseError("db.disk_full", path=str(path)) from None
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
