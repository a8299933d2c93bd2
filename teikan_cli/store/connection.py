"""Finding, creating and opening the SQLite file, and the two kinds of transaction (SPEC §1).

Reads create nothing; writes run in one `BEGIN IMMEDIATE` transaction. Only `sqlite3` is imported at start-up
so that `log-visit` stays fast.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import DatabaseError, InputError
from ..migrations import APPLICATION_ID, SCHEMA_VERSION, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15000


def resolve_path(option: str | None) -> Path:
    """SPEC §1: `--db` > `TEIKAN_DB` > `$XDG_DATA_HOME/teikan/teikan.db` (~/.local/share by default)."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("TEIKAN_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "teikan" / "teikan.db"


def check_header(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    if head and head != SQLITE_HEADER:
        raise DatabaseError("db.not_teikan", path=str(path))


def make_private_folders(folder: Path) -> Path | None:
    """Create `folder` and its missing parents with mode 0700 (folders that exist keep their mode); return the
    outermost folder made, or None. Another process making one meanwhile is fine; other failures raise OSError."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        for part in reversed(missing):
            part.mkdir(mode=0o700)
    except FileExistsError:
        pass
    return missing[-1] if missing else None


def _create_file(path: Path) -> tuple[bool, Path | None]:
    """A new database file: folders 0700 (those we make), file 0600, created empty.

    Returns whether this call created the file and the outermost folder it made, so that a failed
    creation can be undone without touching a file another process created meanwhile.
    """
    try:
        made = make_private_folders(path.parent)
    except OSError:
        raise DatabaseError("db.cannot_create", path=str(path)) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False, None
    except OSError:
        raise DatabaseError("db.cannot_create", path=str(path)) from None
    os.close(fd)
    return True, made


def is_disk_full(exc: BaseException) -> bool:
    """SQLITE_FULL or ENOSPC: said as such (SPEC §13), never as "busy" or "not a teikan database"."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return isinstance(exc, sqlite3.Error) and ("disk is full" in text or "database or disk is full" in text)


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class StoreBase:
    """An open teikan database: the connection and its transactions. The nouns (clients, contacts, …) add
    their statements as mixins (see `store/__init__.py`)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, who: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.who = who
        self.notes: list[tuple[str, dict]] = []  # what opening (a migration) has to tell the user
        self.snapshot: dict | None = None  # reads kept for the length of one `read()` (see month_activity)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._failure(exc) from None
        try:
            yield self.conn
        except sqlite3.IntegrityError as exc:
            # A CHECK/UNIQUE/foreign-key refusal (e.g. the same certificate added by two runs at once).
            self._rollback()
            raise InputError("db.constraint", detail=str(exc).split(":")[0]) from None
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self._failure(exc) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise self._failure(exc) from None

    def _failure(self, exc: BaseException) -> DatabaseError:
        if is_disk_full(exc):
            return DatabaseError("db.disk_full", path=str(self.path))
        return DatabaseError("db.locked" if _is_busy(exc) else "db.unreadable", path=str(self.path))

    @contextmanager
    def read(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same snapshot (in WAL, writers are not blocked)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        self.snapshot = {}
        try:
            yield
        finally:
            self.snapshot = None
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # nothing was written to the database: end the snapshot

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.conn.close()


def open_store(path: Path, *, create: bool, who: str | None = None, cls=None):
    """Open (and with `create`, make) a teikan database. Refuses foreign, newer or unreadable files untouched."""
    if cls is None:
        from . import Store as cls
    created = False
    made_folder: Path | None = None
    if not path.exists():
        if not create:
            raise DatabaseError("db.missing", path=str(path))
        created, made_folder = _create_file(path)
    if path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(path))
    if not created:
        check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    try:
        version, app_id, tables = _inspect(conn, path)
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            # Another program's SQLite file: never altered.
            raise DatabaseError("db.not_teikan", path=str(path))
        if version > SCHEMA_VERSION:
            raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
        if app_id == 0 and version:
            raise DatabaseError("db.not_teikan", path=str(path))
        if version < SCHEMA_VERSION and not create and app_id == 0:
            # An empty file is not a database yet; reading it creates nothing.
            raise DatabaseError("db.empty", path=str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")  # sorts never reach a temporary file beside the database
        store = cls(conn, path, who)
        if version < SCHEMA_VERSION:
            store.notes = _migrate(store)
        conn.execute("PRAGMA foreign_keys = ON")
        return store
    except DatabaseError:
        conn.close()
        if created:
            _remove_quietly(path, made_folder)
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if created:
            _remove_quietly(path, made_folder)
        if is_disk_full(exc):
            raise DatabaseError("db.disk_full", path=str(path)) from None
        raise DatabaseError("db.not_teikan", path=str(path)) from None


def _migrate(store: StoreBase) -> list[tuple[str, dict]]:
    """Bring an older file up to date in one transaction. Tables are rebuilt, so foreign keys are off (it can
    only be set outside a transaction) and every reference is checked before the commit (`migrations.migrate`)."""
    conn = store.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    with store.write():
        # Re-read inside the lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        return migrate(conn, current) if current < SCHEMA_VERSION else []


def _inspect(conn: sqlite3.Connection, path: Path) -> tuple[int, int, int]:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise DatabaseError("db.locked", path=str(path)) from None
        raise DatabaseError("db.not_teikan", path=str(path)) from None
    except sqlite3.DatabaseError:
        raise DatabaseError("db.not_teikan", path=str(path)) from None
    return version, app_id, tables


def _remove_quietly(path: Path, folder: Path | None = None) -> None:
    """Undo a failed creation: the new file (and the folders made for it, when still empty)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(path) + suffix)
        except OSError:
            pass
    current = path.parent
    while folder is not None:
        try:
            current.rmdir()
        except OSError:
            break
        if current == folder:
            break
        current = current.parent


def os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "unknown"
