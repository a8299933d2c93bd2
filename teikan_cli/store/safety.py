"""What backup, restore, doctor and purge read and write (the file as a whole)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..dates import parse_iso
from ..errors import DatabaseError
from .connection import BUSY_TIMEOUT_MS


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
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            raise DatabaseError("db.not_teikan", path=str(path)) from None
        return cls(conn, path)

    def file_facts(self) -> tuple[int, int]:
        """(application_id, user_version) as recorded in the file header."""
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return app_id, version

    def integrity_problems(self) -> list[str] | None:
        """`PRAGMA integrity_check` lines (`['ok']` when sound); None when the file cannot even be read."""
        try:
            return [row[0] for row in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError:
            return None

    def foreign_key_problems(self) -> int | None:
        """Number of rows whose references point nowhere (`PRAGMA foreign_key_check`); None when unreadable."""
        try:
            return len(self.conn.execute("PRAGMA foreign_key_check").fetchall())
        except sqlite3.DatabaseError:
            return None

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
        no page of them is left in it. Returns the `maintenance.PurgePlan` carried out."""
        from ..maintenance import plan_purge, purge_audit_detail

        with self.write():
            plan = plan_purge(self.load_retention_rows(), before)
            if plan.purge:
                self.delete_clients(plan.ids, purge_audit_detail(plan))
        if plan.purge:
            self.truncate_wal()
        return plan

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
