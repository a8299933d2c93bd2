"""What backup, restore, doctor and purge read and write (the file as a whole)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from ..dates import parse_iso
from ..errors import DatabaseError
from .connection import BUSY_TIMEOUT_MS, is_disk_full

# How the schema marks a date and a month column (migrations: `_iso`, shared_reports.month).
_DAY_COLUMN = re.compile(r"(\w+) GLOB '\[0-9\]\[0-9\]\[0-9\]\[0-9\]-\[0-9\]\[0-9\]-\[0-9\]\[0-9\]'")
_MONTH_COLUMN = re.compile(r"(\w+) GLOB '\[0-9\]\[0-9\]\[0-9\]\[0-9\]-\[0-9\]\[0-9\]'")
# Stored after the name rule (SPEC §3), from the schema version that made them so (m005 people, m007 clients).
NAME_COLUMNS_SINCE = {("people", "name"): 5, ("clients", "name"): 7, ("clients", "kana"): 7, ("clients", "staff"): 7}
_KIND_BITS = ("CASE type WHEN 'face' THEN 1 WHEN 'employer' THEN 2 WHEN 'remote' THEN 4 WHEN 'agency' THEN 8 "
              "WHEN 'center' THEN 16 END")


class SafetyQueries:
    @classmethod
    def open_snapshot(cls, path: Path, readonly: bool = True):
        """A connection to a SQLite file that migrates and sets nothing (restore source, doctor).

        `readonly=False` for a live WAL database: a read-only connection would leave `-wal`/`-shm` behind.
        """
        from urllib.parse import quote

        conn = None
        try:
            conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={'ro' if readonly else 'rw'}", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if is_disk_full(exc, path.parent):
                raise DatabaseError("db.disk_full", path=str(path)) from None
            raise DatabaseError("db.not_teikan", path=str(path)) from None
        return cls(conn, path)

    def file_facts(self) -> tuple[int, int]:
        """(application_id, user_version) as recorded in the file header."""
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return app_id, version

    def integrity_problems(self) -> list[str] | None:
        """`PRAGMA integrity_check` lines (`['ok']` when sound); None when the file cannot even be read. On a
        writable connection it also checks every row against the CHECK and NOT NULL constraints (a read-only
        one skips them)."""
        return self._quietly(lambda: [row[0] for row in self.conn.execute("PRAGMA integrity_check")])

    def foreign_key_problems(self) -> int | None:
        """Number of rows whose references point nowhere (`PRAGMA foreign_key_check`); None when unreadable."""
        return self._quietly(lambda: len(self.conn.execute("PRAGMA foreign_key_check").fetchall()))

    def examine(self, app_id: int, version: int):
        """Everything `doctor` and `restore` check in the file's content (`maintenance.Examination`), in one read
        snapshot; nothing is written. Each part that cannot be read is None (a damaged file)."""
        from ..maintenance import NOT_APPLICABLE, Examination
        from .fingerprint import built_schemas, differences, explain, read_schema

        with self.read():
            found = self._quietly(lambda: read_schema(self.conn))
            expected = built_schemas().get(version, {})
            tables = {key[6:] for key in found or () if key.startswith("table ")}
            return Examination(
                app_id, version,
                schema=None if found is None else self._quietly(lambda: explain(self.conn, version,
                                                                                differences(version, found))),
                integrity=self.integrity_problems(),
                broken_references=self.foreign_key_problems(),
                dates=self._quietly(lambda: self.bad_dates(expected, tables)) if found is not None else None,
                names=self._quietly(lambda: self.unnormalised_names(version, tables)) if version >= 5
                else NOT_APPLICABLE,
                kinds=self._quietly(lambda: self.contacts_without_matching_types(version)) if version <= 5
                else NOT_APPLICABLE,
                chain=self._quietly(self.first_broken_audit_row) if version >= 8 else "older",
            )

    def _quietly(self, read):
        """`read()`, or None when the file cannot be read that far (a full disk is said as such)."""
        try:
            return read()
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc, self.path.parent):
                raise DatabaseError("db.disk_full", path=str(self.path)) from None
            return None

    def bad_dates(self, expected: dict[str, str], tables: set[str]) -> list:
        """Date and month columns (those the schema checks for the shape YYYY-MM-DD or YYYY-MM) holding a day or
        month that does not exist (`2025-13-45`, `2025-02-30`): the shape passes the CHECK, the date does not parse."""
        from ..maintenance import BadValue

        found = []
        for key, sql in sorted(expected.items()):
            table = key[6:]
            if not key.startswith("table ") or table not in tables:
                continue
            # date(d, '+0 days') carries a day past the month's end over (2026-02-30 → 2026-03-02): it is d
            # itself only for a day that exists (Python's date.fromisoformat also refuses year 0).
            for pattern, wrong in ((_DAY_COLUMN, "date({0}, '+0 days') IS NOT {0} OR {0} < '0001'"),
                                   (_MONTH_COLUMN, "date({0} || '-01', '+0 days') IS NOT {0} || '-01' OR {0} < '0001'")):
                for column in dict.fromkeys(pattern.findall(sql)):
                    count, first = self.conn.execute(
                        f"SELECT COUNT(*), MIN({_quote(column)}) FROM {_quote(table)} "
                        f"WHERE {_quote(column)} IS NOT NULL AND ({wrong.format(_quote(column))})").fetchone()
                    if count:
                        found.append(BadValue(table, column, first, count))
        return found

    def unnormalised_names(self, version: int, tables: set[str]) -> list:
        """Names not stored after the name rule (`names.name_key` of themselves): such a name is never found
        when typed, and two spellings of one person could both be stored."""
        from ..maintenance import BadValue
        from ..names import name_key

        found = []
        for (table, column), since in NAME_COLUMNS_SINCE.items():
            if version < since or table not in tables:
                continue
            bad = [row_id for row_id, value in self.conn.execute(
                f"SELECT id, {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} IS NOT NULL")
                if not isinstance(value, str) or name_key(value) != value]
            if bad:
                found.append(BadValue(table, column, f"#{bad[0]}", len(bad)))
        return found

    def contacts_without_matching_types(self, version: int) -> int:
        """Schema 1–5 (types in `contact_types`): contacts with no type, and (3–5) whose `kinds` bits disagree
        with their types. Either makes the migration to the 0/1 type columns fail or lie."""
        sql = "SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM contact_types t WHERE t.contact_id = c.id)"
        if version >= 3:
            sql += (f" OR c.kinds IS NOT (SELECT COALESCE(SUM({_KIND_BITS}), 0) FROM contact_types t "
                    "WHERE t.contact_id = c.id)")
        return self.conn.execute(sql).fetchone()[0]

    def first_broken_audit_row(self):
        """The first audit row that does not verify (id, why), `()` when all do."""
        from ..audit_chain import first_broken_row

        return first_broken_row(self.iter_audit()) or ()

    def count_rows(self) -> dict[str, int]:
        return {
            "clients": self.conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0],
            "contacts": self.conn.execute("SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0],
        }

    def copy_to_file(self, dest: Path) -> bool:
        """SQLite online backup into an existing empty file: one consistent snapshot, writers not blocked (WAL).

        The copy is made a single self-contained file (rollback journal) and passes `quick_check`.
        """
        target = sqlite3.connect(dest, isolation_level=None)
        try:
            self.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            return target.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            target.close()

    def copy_from(self, source) -> None:
        """Replace this database's whole content with `source`'s through the backup API (others may have it open)."""
        source.conn.backup(self.conn)

    def load_retention_rows(self) -> list:
        """Every client with the end of its service and the date of its latest record (contact, plan, report, handover)."""
        from ..maintenance import RetentionRow

        rows = self.conn.execute(
            "SELECT c.id, c.name, c.ended_on, NULLIF(MAX("
            "COALESCE((SELECT MAX(date) FROM contacts WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(date) FROM plans WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(date) FROM monitorings WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(date) FROM shared_reports WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(COALESCE(consent_date, ''), COALESCE(shared_date, '')) FROM handovers "
            "WHERE client_id = c.id), '')), '') "
            "FROM clients c ORDER BY c.id"
        ).fetchall()
        return [RetentionRow(r[0], r[1], parse_iso(r[2]), parse_iso(r[3])) for r in rows]

    def delete_clients(self, ids: list[int], detail: str) -> None:
        """Remove clients and every row that refers to them (ON DELETE CASCADE); their audit rows keep only the
        hashes that chain the trail (`redact_audit`). One audit line records the purge itself (counts only)."""
        self.conn.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable in the file
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            self.conn.execute(f"DELETE FROM clients WHERE id IN ({marks})", chunk)
        self.redact_audit(ids)
        self.audit("purge", detail=detail)

    def purge_clients(self, before):
        """Remove the clients whose retention ended before `before` (one transaction), then empty the WAL so that
        no page of them (nor of an earlier purge) is left in it. Returns the `maintenance.PurgePlan` carried out
        and whether the WAL could be emptied (False while another process reads the file)."""
        from ..maintenance import plan_purge, purge_audit_detail

        with self.write():
            plan = plan_purge(self.load_retention_rows(), before)
            if plan.purge:
                self.delete_clients(plan.ids, purge_audit_detail(plan))
        return plan, self.truncate_wal()

    def truncate_wal(self) -> bool:
        """Copy the WAL into the file and empty it (old page images gone); False when readers prevent it."""
        self.conn.execute("PRAGMA busy_timeout = 1000")  # best effort: never keep the user waiting long
        try:
            busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return busy == 0

    def data_version(self) -> int:
        """Changes when another connection commits (PRAGMA data_version): is a snapshot still current?"""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def pseudonym_secret(self) -> bytes:
        """The per-database HMAC key of `export --pseudonymize` (made by migration m002, never exported)."""
        row = self.conn.execute("SELECT value FROM secrets WHERE name = 'pseudonym'").fetchone()
        if row is None:  # pragma: no cover - the migration always makes it
            raise DatabaseError("db.not_teikan", path=str(self.path))
        return bytes(row[0])


def _quote(name: str) -> str:
    """An identifier read from a file, quoted for SQL (a hostile file may name a table anything)."""
    return '"' + str(name).replace('"', '""') + '"'
