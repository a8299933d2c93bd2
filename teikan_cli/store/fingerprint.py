"""The schema fingerprint (SPEC §13): a file is teikan's only if its schema is what teikan's own migrations build
for its version. A hand-added trigger, a view, a dropped index or a changed table is refused when the file is
opened, restored or checked by `doctor`, before anything is migrated or written.

A schema is the set of objects in `sqlite_master`, each keyed `type name`, with its SQL text normalised
(whitespace runs made one space, double quotes removed: SQLite quotes the name of a renamed table). The text of a
table holds its columns, types, NOT NULL, defaults, keys, CHECK and foreign-key clauses; that of an index its
table, columns and WHERE clause. teikan makes no trigger and no view, so any is foreign. Left out: SQLite's own
tables (`sqlite_sequence`, `sqlite_stat1`–`4`) and the automatic indexes of UNIQUE and PRIMARY KEY constraints
(no SQL of their own: they are part of their table's).

The schema of version k is what migrations 1..k build in an empty in-memory database: about 12 ms for all
versions, paid once. Their digests are cached in `$XDG_CACHE_HOME/teikan/` (default `~/.cache/teikan`), keyed by
the migration and model sources and the SQLite version, so that opening a file costs a read of `sqlite_master`
and of a small JSON file instead (SPEC §9: `log-visit` under 0.2 s). The cache only ever shortens a match: a
file whose digest differs is compared with freshly built schemas before it is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import NamedTuple

SQLITE_OWN_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
FORMAT = "teikan-schema-fingerprint-1"  # change when `read_schema` or `normalise` changes: old caches are ignored

_SPACES = re.compile(r"\s+")
_MEMO: dict[str, dict[int, str]] = {}


class Difference(NamedTuple):
    """One way a file's schema differs from teikan's: `what` is foreign (not teikan's), missing or changed. The
    rest is filled in by `explain`, for a person to judge it: the table a trigger or an index is on, the columns
    a changed table lacks, adds or defines otherwise (None: not compared), the rows of a foreign table."""

    what: str
    type: str
    name: str
    table: str = ""
    missing: tuple[str, ...] | None = None
    extra: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()
    rows: int | None = None


def normalise(sql: str | None) -> str:
    return _SPACES.sub(" ", (sql or "").replace('"', "")).strip()


def read_schema(conn: sqlite3.Connection) -> dict[str, str]:
    """Every schema object of the file, `"type name"` → its normalised SQL."""
    objects = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master"):
        if kind == "table" and name in SQLITE_OWN_TABLES:
            continue
        if kind == "index" and sql is None and str(name).startswith("sqlite_autoindex_"):
            continue
        objects[f"{kind} {name}"] = normalise(sql)
    return objects


def digest(schema: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(schema.items()), ensure_ascii=False).encode("utf-8")).hexdigest()


def built_schemas() -> dict[int, dict[str, str]]:
    """The schema of every version, as teikan's migrations build it (in memory, rolled back)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("BEGIN")
        schemas = {}
        for version in _build(conn):
            schemas[version] = read_schema(conn)
        conn.execute("ROLLBACK")
        return schemas
    finally:
        conn.close()


def built_database(version: int) -> sqlite3.Connection:
    """An empty in-memory database of schema `version`, as teikan's migrations build it."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    for reached in _build(conn):
        if reached == version:
            break
    conn.execute("COMMIT")
    return conn


def _build(conn: sqlite3.Connection):
    """Run teikan's migrations on `conn` one by one, yielding the version each reaches."""
    from ..migrations import FIRST_WITH_NOTES, MIGRATIONS

    notes: list = []
    for index, migration in enumerate(MIGRATIONS):
        migration(conn) if index < FIRST_WITH_NOTES else migration(conn, notes)
        yield index + 1


def expected_digests() -> dict[int, str]:
    """The digest of every version's schema: from memory, else the cache file, else built (and cached)."""
    key = _cache_key()
    if key in _MEMO:
        return _MEMO[key]
    found = _read_cache(key)
    if found is None:
        found = {version: digest(schema) for version, schema in built_schemas().items()}
        _write_cache(key, found)
    _MEMO[key] = found
    return found


def differences(version: int, schema: dict[str, str]) -> list[Difference]:
    """How `schema` (read from a file of schema `version`) differs from teikan's own; [] when it is teikan's."""
    if expected_digests().get(version) == digest(schema):
        return []
    expected = built_schemas().get(version, {})
    found = []
    for key in sorted(set(schema) | set(expected)):
        kind, _, name = key.partition(" ")
        if key not in expected:
            found.append(Difference("foreign", kind, name))
        elif key not in schema:
            found.append(Difference("missing", kind, name))
        elif schema[key] != expected[key]:
            found.append(Difference("changed", kind, name))
    return found


def explain(conn: sqlite3.Connection, version: int, found: list[Difference]) -> list[Difference]:
    """`found` (the file's differences from schema `version`) told as a person needs them: the table a foreign
    trigger fires on (the story of issue 17: a restored file whose trigger rewrote the data on every new
    contact), the table and columns of an index, which columns a changed table lacks, adds or defines otherwise,
    how many rows a foreign table holds. Read through sqlite-utils's introspection of both files
    (`Database.triggers`, `Table.columns`, `Table.indexes`, `Table.count`), only on a file that differs; the
    fingerprint above stays the judge. Best effort: what cannot be read is left out."""
    if not found:
        return found
    import sqlite_utils  # ~150 ms to import: only here, never on the path of a sound file (SPEC §9)

    def database(connection):
        # no PRAGMA recursive_triggers, no plugins: nothing about either connection changes
        return sqlite_utils.Database(connection, recursive_triggers=False, execute_plugins=False)

    expected = built_database(version)
    try:
        return [_explained(d, database(conn), database(expected)) for d in found]
    except (sqlite3.Error, ValueError):  # a damaged file: the differences as found
        return found
    finally:
        expected.close()


def _explained(d: Difference, mine, teikan) -> Difference:
    if d.type == "trigger" and d.what == "foreign":
        on = {trigger.name: trigger.table for trigger in mine.triggers}
        return d._replace(table=on.get(d.name, ""))
    if d.type == "index":
        db = mine if d.what == "foreign" else teikan
        for table in db.tables:
            for index in table.indexes:
                if index.name == d.name:  # a foreign one with the columns it makes easy to find
                    columns = f" ({', '.join(index.columns)})" if d.what == "foreign" else ""
                    return d._replace(table=table.name + columns)
        return d
    if d.type == "table" and d.what == "foreign":
        return d._replace(rows=mine[d.name].count)
    if d.type == "table" and d.what == "changed":
        have = {c.name: c for c in mine[d.name].columns}
        want = {c.name: c for c in teikan[d.name].columns}
        return d._replace(missing=tuple(c for c in want if c not in have), extra=tuple(c for c in have if c not in want),
                          altered=tuple(c for c in want if c in have and _definition(have[c]) != _definition(want[c])))
    return d


def _definition(column) -> tuple:
    """What PRAGMA table_info says of a column, apart from its place: type, NOT NULL, default, key."""
    return column.type.upper(), column.notnull, column.default_value, column.is_pk


# ------------------------------------------------------------------ the cache


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teikan"


def _cache_key() -> str:
    from .. import migrations, models

    parts = [FORMAT.encode(), sqlite3.sqlite_version.encode()]
    for module in (migrations, models):
        try:
            parts.append(Path(module.__file__).read_bytes())
        except (OSError, TypeError):  # no source to read (frozen): never cached
            return ""
    return hashlib.sha256(b"\x00".join(parts)).hexdigest()[:32]


def _read_cache(key: str) -> dict[int, str] | None:
    if not key:
        return None
    try:
        data = json.loads((cache_folder() / f"schema-{key}.json").read_text(encoding="utf-8"))
        return {int(version): str(value) for version, value in data["digests"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_cache(key: str, digests: dict[int, str]) -> None:
    """Best effort: a folder that cannot be written only means the next run builds the schemas again."""
    from .connection import make_private_folders

    if not key:
        return
    folder = cache_folder()
    target = folder / f"schema-{key}.json"
    temporary = folder / f".schema-{key}.{os.getpid()}.tmp"
    try:
        make_private_folders(folder)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"format": FORMAT, "digests": {str(v): d for v, d in digests.items()}}, handle)
        os.replace(temporary, target)
        for old in folder.glob("schema-*.json"):  # caches of earlier sources
            if old != target:
                old.unlink()
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass

