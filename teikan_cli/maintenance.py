"""Retention and file-safety rules behind `backup`, `restore`, `doctor` and `purge` (pure: no I/O).

Retention. 基準省令 (平成18年厚生労働省令第171号) 記録の整備 (就労定着支援に準用される第75条第2項): the
records of a service are kept five years *from the day it was provided*. 民法 §140 (初日不算入) and §143: the
period starts the day after the last day of service and ends on the day before the 応当日 five years later,
i.e. on the same month and day five years on (29 February → 28 February). A client's records may be purged
only once that day is past for the latest of them, and only when the service has ended (`ended_on` set).

File safety. The database holds 要配慮個人情報: the file, its `-wal`/`-shm` companions and every backup are
readable by their owner only (0600), in a folder nobody else can enter (0700).

>>> retained_until(date(2020, 3, 31))
datetime.date(2025, 3, 31)
>>> retained_until(date(2020, 2, 29))
datetime.date(2025, 2, 28)
>>> is_purgeable(RetentionRow(1, "x", date(2020, 3, 31), date(2020, 3, 31)), date(2025, 3, 31))
False
>>> is_purgeable(RetentionRow(1, "x", date(2020, 3, 31), date(2020, 3, 31)), date(2025, 4, 1))
True
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .dates import period_end

RETENTION_YEARS = 5
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def retained_until(last_service: date) -> date:
    """満了日 of the five-year retention of records of a service provided on `last_service`.

    基準省令 第75条第2項 (準用): 提供した日から五年間保存; 民法 §140 初日不算入, §143 応当日の前日.
    """
    return period_end(last_service + timedelta(days=1), RETENTION_YEARS * 12)


@dataclass(frozen=True)
class RetentionRow:
    """One client as the purge sees it: when the service ended and the date of its latest record."""

    client_id: int
    name: str
    ended_on: date | None
    last_record: date | None

    @property
    def last_service(self) -> date | None:
        """The later of the end of the service and the latest dated record (contact, plan, report, handover)."""
        days = [d for d in (self.ended_on, self.last_record) if d is not None]
        return max(days) if days else None

    @property
    def retained_until(self) -> date | None:
        return retained_until(self.last_service) if self.ended_on is not None else None

    def as_json(self) -> dict:
        return {
            "id": self.client_id, "name": self.name, "ended_on": _iso(self.ended_on),
            "last_service": _iso(self.last_service), "retained_until": _iso(self.retained_until),
        }


def is_purgeable(row: RetentionRow, before: date) -> bool:
    """Purge only an ended service whose whole retention period ended before `before`."""
    return row.ended_on is not None and row.retained_until < before


@dataclass(frozen=True)
class PurgePlan:
    """What `purge --before` would do: the clients to remove, and how many are kept and why."""

    before: date
    purge: tuple[RetentionRow, ...]
    within_retention: int
    not_ended: int

    @property
    def ids(self) -> list[int]:
        return [row.client_id for row in self.purge]


def plan_purge(rows: list[RetentionRow], before: date) -> PurgePlan:
    purge = tuple(r for r in rows if is_purgeable(r, before))
    not_ended = sum(1 for r in rows if r.ended_on is None)
    return PurgePlan(before, purge, len(rows) - len(purge) - not_ended, not_ended)


def purge_json(plan: PurgePlan, as_of: date, dry_run: bool, wal_emptied: bool | None = None) -> dict:
    """`purge --format json`: who would be (or was) removed, how many are kept and why, and (not on a dry run)
    whether the WAL could be emptied of what was removed."""
    rows = [row.as_json() for row in plan.purge]
    return {"before": plan.before.isoformat(), "as_of": as_of.isoformat(), "dry_run": dry_run,
            "purged": 0 if dry_run else len(rows), "clients": rows,
            "kept": {"within_retention": plan.within_retention, "not_ended": plan.not_ended},
            "wal_emptied": None if dry_run else wal_emptied}


def purge_audit_detail(plan: PurgePlan) -> str:
    """The audit line of a purge: how many, up to which date; no names, no ids."""
    return f"clients={len(plan.purge)} before={plan.before.isoformat()}"


# ---------------------------------------------------------------- file modes


@dataclass(frozen=True)
class Check:
    """One line of `teikan doctor`."""

    code: str
    ok: bool
    key: str
    params: dict

    def as_json(self, message: str) -> dict:
        return {"check": self.code, "ok": self.ok, "message": message}


def mode_bits(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def file_mode_ok(mode: int) -> bool:
    """The database file (and each backup): read and write for the owner, nothing for anyone else."""
    return stat.S_IMODE(mode) == FILE_MODE


def private_mode_ok(mode: int) -> bool:
    """No access at all for group or others (folders, `-wal`, `-shm`)."""
    return stat.S_IMODE(mode) & 0o077 == 0


def permission_checks(path: str, file_mode: int, folder: str, folder_mode: int,
                      companions: dict[str, int]) -> list[Check]:
    """The file-permission lines of `doctor` from the modes found on disk."""
    checks = [
        Check("file-mode", file_mode_ok(file_mode), "doctor.file_mode_ok" if file_mode_ok(file_mode) else "doctor.file_mode_bad",
              {"path": path, "mode": mode_bits(file_mode)}),
        Check("folder-mode", private_mode_ok(folder_mode),
              "doctor.folder_mode_ok" if private_mode_ok(folder_mode) else "doctor.folder_mode_bad",
              {"path": folder, "mode": mode_bits(folder_mode)}),
    ]
    bad = {name: mode for name, mode in companions.items() if not private_mode_ok(mode)}
    if bad:
        listed = ", ".join(f"{name} {mode_bits(mode)}" for name, mode in sorted(bad.items()))
        checks.append(Check("journal-files", False, "doctor.companions_bad", {"files": listed, "path": path}))
    else:
        checks.append(Check("journal-files", True, "doctor.companions_ok", {"count": len(companions)}))
    return checks


@dataclass(frozen=True)
class BadValue:
    """A stored value that should not be there: the first one found in `table.column`, and how many there are."""

    table: str
    column: str
    value: object
    count: int

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}"


NOT_APPLICABLE = "n/a"  # a check the file's schema version has nothing for


@dataclass(frozen=True)
class Examination:
    """What `doctor` and `restore` found in a file (SPEC §13). None: that part could not be read.

    `schema`: how the schema differs from teikan's own for `version` ([] when it is teikan's); `integrity`: the
    lines of `PRAGMA integrity_check` on a writable connection (which also checks CHECK and NOT NULL);
    `broken_references`: rows of `PRAGMA foreign_key_check`; `dates`: date and month columns holding a day that
    does not exist; `names`: names not stored after the name rule; `kinds`: (schema 3–5) contacts whose type bits
    disagree with their types, or that have no type; `chain`: the first audit row that does not verify (id, why),
    `()` when all do, `"older"` before the chain existed."""

    app_id: int
    version: int
    schema: list | None = None
    integrity: list[str] | None = None
    broken_references: int | None = None
    dates: list[BadValue] | None = None
    names: list[BadValue] | str | None = NOT_APPLICABLE
    kinds: int | str | None = NOT_APPLICABLE
    chain: tuple | str | None = ()


CONSTRAINT_LINES = ("CHECK constraint failed", "NULL value in", "NOT NULL constraint failed")


def database_checks(exam: Examination, expected_app_id: int, supported: int) -> list[Check]:
    """The content lines of `doctor`: what the file says it is, whether its schema is teikan's, whether SQLite
    finds it sound and every row keeps the schema's rules, whether its dates exist and its derived values
    agree, and whether the audit trail's hash chain verifies."""
    app_ok = exam.app_id == expected_app_id
    checks = [Check("application-id", app_ok, "doctor.app_id_ok" if app_ok else "doctor.app_id_bad",
                    {"value": f"0x{exam.app_id:08x}"})]
    if exam.version == supported:
        checks.append(Check("schema-version", True, "doctor.schema_ok", {"version": exam.version}))
    else:
        checks.append(Check("schema-version", False, "doctor.schema_old",
                            {"version": exam.version, "supported": supported}))
    checks.append(_schema_check(exam))
    checks.append(_integrity_check(exam.integrity))
    if exam.broken_references is None:
        checks.append(Check("foreign-keys", False, "doctor.unreadable", {}))
    else:
        ok = exam.broken_references == 0
        checks.append(Check("foreign-keys", ok, "doctor.fk_ok" if ok else "doctor.fk_bad",
                            {"count": exam.broken_references}))
    checks.append(_values_check("dates", exam.dates, "doctor.dates_ok", "doctor.dates_bad"))
    if exam.names != NOT_APPLICABLE:
        checks.append(_values_check("names", exam.names, "doctor.names_ok", "doctor.names_bad"))
    if exam.kinds != NOT_APPLICABLE:
        if exam.kinds is None:
            checks.append(Check("contact-kinds", False, "doctor.unreadable", {}))
        else:
            checks.append(Check("contact-kinds", exam.kinds == 0,
                                "doctor.kinds_ok" if exam.kinds == 0 else "doctor.kinds_bad", {"count": exam.kinds}))
    checks.append(_chain_check(exam.chain))
    return checks


def _schema_check(exam: Examination) -> Check:
    if exam.schema is None:
        return Check("schema", False, "doctor.unreadable", {})
    if not exam.schema:
        return Check("schema", True, "doctor.schema_match", {"version": exam.version})
    return Check("schema", False, "doctor.schema_differs", {"what": describe_differences(exam.schema)})


def _integrity_check(lines: list[str] | None) -> Check:
    if lines is None:
        return Check("integrity", False, "doctor.unreadable", {})
    if lines == ["ok"]:
        return Check("integrity", True, "doctor.integrity_ok", {})
    if all(line.startswith(CONSTRAINT_LINES) for line in lines):
        return Check("integrity", False, "doctor.constraints_bad", {"count": len(lines),
                                                                   "first": constraint_phrase(lines[0])})
    return Check("integrity", False, "doctor.integrity_bad", {"count": len(lines)})


_CONSTRAINT_LINE = re.compile(r"^(?:(?P<check>CHECK constraint failed in)|NULL value in|NOT NULL constraint failed:?)"
                              r" (?P<where>.+)$")


def constraint_phrase(line: str) -> str:
    """A line of `PRAGMA integrity_check` about a rule as the reader's language says it (SQLite's own English
    line in English).

    >>> constraint_phrase("CHECK constraint failed in contacts")
    'CHECK constraint failed in contacts'
    """
    from .i18n import t

    found = _CONSTRAINT_LINE.match(line)
    if found is None:
        return line
    return t("doctor.constraint.check" if found["check"] else "doctor.constraint.not_null", where=found["where"])


def _values_check(code: str, found: list[BadValue] | None, ok_key: str, bad_key: str) -> Check:
    if found is None:
        return Check(code, False, "doctor.unreadable", {})
    if not found:
        return Check(code, True, ok_key, {})
    first = found[0]
    return Check(code, False, bad_key, {"count": sum(b.count for b in found), "where": first.where,
                                        "value": first.value})


def _chain_check(chain) -> Check:
    # 基準省令 第206条の11 (記録の整備) / 電子保存: an altered or deleted record must show it (SPEC §12).
    if chain is None:
        return Check("audit-chain", False, "doctor.unreadable", {})
    if chain == "older":
        return Check("audit-chain", False, "doctor.chain_older", {})
    if chain:
        return Check("audit-chain", False, f"doctor.chain_bad.{chain[1]}", {"row": chain[0]})
    return Check("audit-chain", True, "doctor.chain_ok", {})


def restore_problem(checks: list[Check]) -> Check | None:
    """The first reason a file cannot be restored: any content check that fails, except an older schema version
    and an audit trail not chained yet (a backup from an older teikan is migrated)."""
    for check in checks:
        if not (check.ok or check.code == "schema-version" or check.key == "doctor.chain_older"):
            return check
    return None


def describe_differences(found, limit: int = 4) -> str:
    """How a schema differs from teikan's (`fingerprint.Difference`s) as one short phrase: the first few, then
    how many more."""
    from .i18n import t

    parts = [_difference_phrase(d) for d in found[:limit]]
    if len(found) > limit:
        parts.append(t("schema.more", count=len(found) - limit))
    return "; ".join(parts)


def _difference_phrase(d) -> str:
    """One difference: what it is, and where `fingerprint.explain` could tell (the table a trigger or an index is
    on, the columns of a changed table, the rows of a foreign one)."""
    from .i18n import t

    kind = t(f"schema.kind.{d.type}")
    if d.what == "foreign" and d.table:
        return t("schema.foreign_on", type=kind, name=d.name, table=d.table)
    if d.what == "foreign" and d.rows is not None:
        return t("schema.foreign_rows", type=kind, name=d.name, rows=d.rows)
    if d.what == "missing" and d.table:
        return t("schema.missing_on", type=kind, name=d.name, table=d.table)
    if d.what == "changed" and d.missing is not None:
        how = [t(f"schema.columns_{part}", columns=", ".join(columns))
               for part, columns in (("missing", d.missing), ("extra", d.extra), ("altered", d.altered)) if columns]
        if not how:
            return t("schema.changed_rules", type=kind, name=d.name)
        return t("schema.changed_columns", type=kind, name=d.name, how="; ".join(how))
    return t(f"schema.{d.what}", type=kind, name=d.name)


def header_facts(head: bytes) -> tuple[int, int] | None:
    """(application_id, user_version) from the 100-byte SQLite header, for a file SQLite cannot open.

    >>> header_facts(b"SQLite format 3\\x00" + bytes(44) + (7).to_bytes(4, "big") + bytes(4) + (9).to_bytes(4, "big"))
    (9, 7)
    """
    if len(head) < 72 or not head.startswith(b"SQLite format 3\x00"):
        return None
    return int.from_bytes(head[68:72], "big"), int.from_bytes(head[60:64], "big")


def backup_file_name(day: date, now: datetime) -> str:
    """The file name used when `backup` is given a folder: the command's today (`--as-of`, so that a replayed
    run names the day it replays), then the time of day of the clock (`now`), which keeps two backups of one
    day apart.

    >>> backup_file_name(date(2026, 10, 15), datetime(2026, 12, 2, 9, 5, 7))
    'teikan-20261015-090507.db'
    """
    return f"teikan-{day:%Y%m%d}-{now:%H%M%S}.db"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
