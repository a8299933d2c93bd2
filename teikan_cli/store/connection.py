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
        return expand_user(option)
    env = os.environ.get("TEIKAN_DB")
    if env:
        return expand_user(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "teikan" / "teikan.db"


def expand_user(text: str) -> Path:
    """`~/x` and `~user/x` as the shell reads them; a `~name` of no user on this machine stays as typed
    (`Path.expanduser` raises RuntimeError there)."""
    return Path(os.path.expanduser(text))


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


SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL = 5, 6, 10, 13
LOW_ON_SPACE = 1 << 20  # bytes: an I/O error with less free space than this is the disk being full


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """SQLITE_FULL or ENOSPC: said as such (SPEC §13), never as "busy" or "not a teikan database".

    SQLite reports a full disk as SQLITE_FULL when a page cannot be written, but as an I/O error when the WAL
    index (`-shm`) cannot be extended, as on a full tmpfs: an I/O error in a `folder` with (almost) no free space
    left is a full disk too."""
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(exc, sqlite3.Error):
        return False
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_FULL or "disk is full" in str(exc).lower():
        return True
    return code == SQLITE_IOERR and folder is not None and low_on_space(folder)


def disk_full_in(exc: BaseException | None, folder: Path | None = None) -> bool:
    """Whether a full disk is the cause of `exc` or of any exception it was raised from or during."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if is_disk_full(exc, folder):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def low_on_space(folder: Path) -> bool:
    for candidate in (folder, *folder.parents):
        try:
            facts = os.statvfs(candidate)
        except OSError:
            continue
        free = facts.f_bfree if os.geteuid() == 0 else facts.f_bavail  # root may use the reserved blocks
        return free * facts.f_frsize < LOW_ON_SPACE
    return False


def _is_busy(exc: BaseException) -> bool:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc).lower()
    return code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text


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
        if is_disk_full(exc, self.path.parent):
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
    """Open (and with `create`, make) a teikan database. Refuses, untouched, a foreign, newer or unreadable file
    and one whose schema is not what teikan builds for its version (SPEC §13): nothing is written before that."""
    if cls is None:
        from . import Store as cls
    created = False
    made_folder: Path | None = None
    if not _exists(path):
        if not create:
            raise DatabaseError("db.missing", path=str(path))
        created, made_folder = _create_file(path)
    if path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(path))
    if not created:
        check_header(path)
    conn = _connect(path)
    try:
        version, app_id, objects, schema = _inspect_known(conn, path)
        if app_id == 0 and version:
            raise DatabaseError("db.not_teikan", path=str(path))
        if version < SCHEMA_VERSION and not create and app_id == 0:
            # An empty file is not a database yet; reading it creates nothing.
            raise DatabaseError("db.empty", path=str(path))
        if version:
            check_schema(path, version, schema, conn)
        _use_wal(conn)
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
        raise open_failure(exc, path) from None


def open_for_replacement(path: Path, cls=None):
    """The existing database `restore` replaces: a teikan file (or an empty one) of a version this teikan knows.
    Its schema is not checked and it is not migrated — its whole content is about to be replaced — so that a
    tampered database can be restored from a sound backup."""
    if cls is None:
        from . import Store as cls
    if path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(path))
    check_header(path)
    conn = _connect(path)
    try:
        _inspect_known(conn, path)
        _use_wal(conn)
        return cls(conn, path)
    except DatabaseError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise open_failure(exc, path) from None


def _connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise open_failure(exc, path, "db.unreadable") from None


def _inspect_known(conn: sqlite3.Connection, path: Path):
    """`_inspect`, refusing another program's SQLite file (never altered) and one from a newer teikan."""
    version, app_id, objects, schema = _inspect(conn, path)
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and objects):
        raise DatabaseError("db.not_teikan", path=str(path))
    if version > SCHEMA_VERSION:
        raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
    return version, app_id, objects, schema


def _use_wal(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long or holding a NUL, a folder that cannot be searched
        raise DatabaseError("db.unreadable", path=str(path)) from None


def check_schema(path: Path, version: int, schema: dict[str, str], conn: sqlite3.Connection) -> None:
    """Refuse a file whose schema is not teikan's own for its version (a trigger, a view, a dropped index...),
    saying what differs (read from `conn`)."""
    from ..maintenance import describe_differences
    from .fingerprint import differences, explain

    found = differences(version, schema)
    if found:
        raise DatabaseError("db.foreign_schema", path=str(path), what=describe_differences(explain(conn, version, found)))


def open_failure(exc: BaseException, path: Path, otherwise: str = "db.not_teikan") -> DatabaseError:
    """What a SQLite error while opening `path` means: a full disk, another writer, or `otherwise`."""
    if is_disk_full(exc, path.parent):
        return DatabaseError("db.disk_full", path=str(path))
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return DatabaseError("db.locked", path=str(path))
    return DatabaseError(otherwise, path=str(path))


def _migrate(store: StoreBase) -> list[tuple[str, dict]]:
    """Bring an older file up to date in one transaction. Tables are rebuilt, so foreign keys are off (it can
    only be set outside a transaction) and every reference is checked before the commit (`migrations.migrate`)."""
    conn = store.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    with store.write():
        # Re-read inside the lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        return migrate(conn, current) if current < SCHEMA_VERSION else []


def _inspect(conn: sqlite3.Connection, path: Path) -> tuple[int, int, int, dict[str, str]]:
    """(schema version, application id, number of schema objects, the schema) in one read snapshot: another
    process migrating meanwhile is seen entirely or not at all."""
    from .fingerprint import read_schema

    try:
        conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            objects = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
            schema = read_schema(conn)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        raise open_failure(exc, path) from None
    return version, app_id, objects, schema


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
