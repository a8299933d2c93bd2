"""The audit trail: who changed what and when, append-only and hash-chained (SPEC §12)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Iterable, Iterator

from ..audit_chain import GENESIS, AuditRow, chain_hash, content_hash
from .connection import os_user


class AuditQueries:
    def audit(self, action: str, client_id: int | None = None, record: str | None = None, detail: str | None = None,
              *, old: dict | None = None, new: dict | None = None, reason: str | None = None) -> None:
        """Append one row in the caller's write transaction. A correction gives the `old` and `new` values of
        what it changed (and a deletion its `reason`): they are kept as JSON in `detail`."""
        if old is not None or new is not None or reason is not None:
            detail = audit_detail(old, new, reason)
        self.append_audit([(client_id, record, detail)], action)

    def append_audit(self, rows: Iterable[tuple[int | None, str | None, str | None]], action: str) -> None:
        """Rows (client_id, record, detail) of one write, with one who and one time, chained to the last row."""
        who = self.who or os_user()
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        last = self.conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        previous = last[0] if last else GENESIS
        values = []
        for client_id, record, detail in rows:
            content = content_hash(at, who, action, client_id, record, detail)
            digest = chain_hash(previous, content)
            values.append((at, who, action, client_id, record, detail, previous, content, digest))
            previous = digest
        self.conn.executemany(
            "INSERT INTO audit (at, who, action, client_id, record, detail, prev_hash, content_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)

    def load_history(self, client_id: int) -> list[dict]:
        cur = self.conn.execute("SELECT at, who, action, record, detail FROM audit WHERE client_id = ? ORDER BY id",
                                (client_id,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def iter_audit(self) -> Iterator[AuditRow]:
        """Every audit row in id order (for the chain check of `doctor`)."""
        for row in self.conn.execute(
                "SELECT id, at, who, action, client_id, record, detail, prev_hash, content_hash, hash, redacted "
                "FROM audit ORDER BY id"):
            yield AuditRow(*row)

    def redact_audit(self, client_ids: list[int]) -> int:
        """Remove the personal content of these clients' audit rows (purge), keeping the hashes that chain them."""
        count = 0
        for start in range(0, len(client_ids), 500):
            chunk = client_ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            count += self.conn.execute(
                f"UPDATE audit SET client_id = NULL, record = NULL, detail = NULL, redacted = 1 "
                f"WHERE client_id IN ({marks})", chunk).rowcount
        return count


def audit_detail(old: dict | None, new: dict | None, reason: str | None) -> str:
    data = {key: value for key, value in (("old", old), ("new", new), ("reason", reason)) if value is not None}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
