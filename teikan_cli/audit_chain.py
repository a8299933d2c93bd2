"""The audit trail's hash chain (SPEC §12; 基準省令 第206条の11 準用 / 電子保存: an altered or deleted record
must show it). Pure: each row's content is hashed, and each row's hash covers the previous row's hash and its
own content hash, so that changing, removing or reordering any row breaks every hash after it.

    content_hash = SHA-256 of the row's fields (at, who, action, client_id, record, detail) as canonical JSON
    hash         = SHA-256 of (prev_hash + content_hash); the first row's prev_hash is GENESIS

`purge` removes the personal content of a purged client's rows (`redacted`), keeping both hashes: the chain
still verifies, and such rows are checked by their stored content hash only.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable, NamedTuple

GENESIS = "0" * 64


def content_hash(at: str, who: str, action: str, client_id: int | None, record: str | None,
                 detail: str | None) -> str:
    text = json.dumps([at, who, action, client_id, record, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("ascii")).hexdigest()


class AuditRow(NamedTuple):
    id: int
    at: str
    who: str
    action: str
    client_id: int | None
    record: str | None
    detail: str | None
    prev_hash: str
    content_hash: str
    hash: str
    redacted: int


def first_broken_row(rows: Iterable[AuditRow]) -> tuple[int, str] | None:
    """The id of the first row that does not match, and why (`content`, `link`, `hash`), or None when every row
    verifies. Rows in id order."""
    previous = GENESIS
    for row in rows:
        if row.prev_hash != previous:
            return row.id, "link"
        if not row.redacted and content_hash(row.at, row.who, row.action, row.client_id, row.record,
                                             row.detail) != row.content_hash:
            return row.id, "content"
        if chain_hash(row.prev_hash, row.content_hash) != row.hash:
            return row.id, "hash"
        previous = row.hash
    return None
