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
    """One way a file's schema differs from teikan's: `what` is foreign (not teikan's), missing or changed."""

    what: str
    type: str
    name: str


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
    from ..migrations import FIRST_WITH_NOTES, MIGRATIONS

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("BEGIN")
        schemas, notes = {}, []
        for index, migration in enumerate(MIGRATIONS):
            migration(conn) if index < FIRST_WITH_NOTES else migration(conn, notes)
            schemas[index + 1] = read_schema(conn)
        conn.execute("ROLLBACK")
        return schemas
    finally:
        conn.close()


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

