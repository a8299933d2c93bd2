"""The SQLite file: finding it, opening it safely, and every SQL statement teikan runs.

Reads create nothing; writes run in one `BEGIN IMMEDIATE` transaction. Only `sqlite3` is imported at
start-up so that `log-visit` stays fast.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .dates import Month, parse_iso
from .errors import DatabaseError, NotFoundError, InputError
from .migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from .models import (
    Assignment,
    Caseload,
    Client,
    Contact,
    Handover,
    MonthActivity,
    Office,
    Plan,
)

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


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    if head and head != SQLITE_HEADER:
        raise DatabaseError("db.not_teikan", path=str(path))


def _create_file(path: Path) -> None:
    """A new database file: folder 0700 (when we make it), file 0600, created empty."""
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError:
            raise DatabaseError("db.cannot_create", path=str(path)) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError:
        raise DatabaseError("db.cannot_create", path=str(path)) from None
    os.close(fd)


class Store:
    """An open teikan database."""

    def __init__(self, conn: sqlite3.Connection, path: Path, who: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.who = who

    # -------------------------------------------------------------- transactions

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DatabaseError("db.locked" if "locked" in str(exc) or "busy" in str(exc) else "db.unreadable",
                                path=str(self.path)) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError:
                self.conn.execute("ROLLBACK")
                raise DatabaseError("db.locked", path=str(self.path)) from None

    def audit(self, action: str, client_id: int | None = None, record: str | None = None, detail: str | None = None) -> None:
        who = self.who or _os_user()
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.conn.execute(
            "INSERT INTO audit (at, who, action, client_id, record, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (at, who, action, client_id, record, detail),
        )

    def close(self) -> None:
        self.conn.close()

    # -------------------------------------------------------------- office

    def load_office(self) -> Office:
        row = self.conn.execute("SELECT name, number, fulltime_hours, opened, rate_tier FROM office WHERE id = 1").fetchone()
        if row is None:
            first = self.conn.execute("SELECT MIN(support_start) FROM clients").fetchone()[0]
            return Office(opened=parse_iso(first))
        name, number, hours, opened, tier = row
        if opened is None:
            first = self.conn.execute("SELECT MIN(support_start) FROM clients").fetchone()[0]
            opened = first
        return Office(name=name, number=number, fulltime_hours=hours, opened=parse_iso(opened), rate_tier=tier)

    def office_row(self) -> dict | None:
        cur = self.conn.execute("SELECT name, number, fulltime_hours, opened, rate_tier FROM office WHERE id = 1")
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row))

    def save_office(self, values: dict) -> None:
        """Insert or update the single office row with the given columns."""
        self.conn.execute("INSERT OR IGNORE INTO office (id) VALUES (1)")
        for column, value in values.items():
            self.conn.execute(f"UPDATE office SET {column} = ? WHERE id = 1", (value,))
        self.audit("init", detail=",".join(sorted(values)))

    # -------------------------------------------------------------- clients

    _CLIENT_COLUMNS = (
        "id, name, kana, employer, certificate, grant_until, staff, prior_service, employment_start, "
        "interim_support_end, employment_end, job_change, reemployed, support_start, ended_on, end_reason, note"
    )

    def _clients(self, where: str = "", params: Iterable = ()) -> list[Client]:
        rows = self.conn.execute(
            f"SELECT {self._CLIENT_COLUMNS}, "
            "(SELECT group_concat(kind, '+') FROM client_disabilities d WHERE d.client_id = clients.id) "
            f"FROM clients {where} ORDER BY id",
            tuple(params),
        ).fetchall()
        return [_client_from_row(row) for row in rows]

    def load_clients(self) -> list[Client]:
        return self._clients()

    def load_clients_since(self, since: date) -> list[Client]:
        """Clients not ended before `since` (the only ones a month or dated rule can concern)."""
        return self._clients("WHERE ended_on IS NULL OR ended_on >= ?", (since.isoformat(),))

    def load_client(self, client_id: int) -> Client | None:
        found = self._clients("WHERE id = ?", (client_id,))
        return found[0] if found else None

    def find_client(self, ref: str) -> Client:
        """CLIENT = id, certificate number or exact name (SPEC §3); ambiguous names are an input error."""
        import unicodedata

        text = unicodedata.normalize("NFKC", ref).strip()
        if text.isascii() and text.isdigit():
            if len(text) == 10:
                found = self._clients("WHERE certificate = ?", (text,))
                if found:
                    return found[0]
            if len(text) <= 18:
                found = self._clients("WHERE id = ?", (int(text),))
                if found:
                    return found[0]
        found = self._clients("WHERE name = ? OR name = ?", (ref.strip(), text))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError("client.ambiguous", ref=ref, ids=", ".join(f"#{c.id}" for c in found))
        raise NotFoundError("client.unknown", ref=ref)

    def certificate_owner(self, certificate: str) -> int | None:
        row = self.conn.execute("SELECT id FROM clients WHERE certificate = ?", (certificate,)).fetchone()
        return row[0] if row else None

    def insert_client(self, client: Client) -> int:
        values = _client_values(client)
        values.pop("id")
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self.conn.execute(f"INSERT INTO clients ({columns}) VALUES ({marks})", tuple(values.values()))
        client_id = cur.lastrowid
        self.conn.executemany(
            "INSERT INTO client_disabilities (client_id, kind) VALUES (?, ?)", [(client_id, k) for k in client.disabilities]
        )
        self.audit("add-client", client_id, f"client:{client_id}")
        return client_id

    def update_client(self, client: Client, changed: Iterable[str]) -> None:
        values = _client_values(client)
        values.pop("id")
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(f"UPDATE clients SET {assignments} WHERE id = ?", (*values.values(), client.id))
        self.conn.execute("DELETE FROM client_disabilities WHERE client_id = ?", (client.id,))
        self.conn.executemany(
            "INSERT INTO client_disabilities (client_id, kind) VALUES (?, ?)", [(client.id, k) for k in client.disabilities]
        )
        self.audit("edit-client", client.id, f"client:{client.id}", ",".join(sorted(changed)))

    # -------------------------------------------------------------- contacts

    def insert_contact(self, contact: Contact) -> int:
        cur = self.conn.execute(
            "INSERT INTO contacts (client_id, date, staff, minutes, place, center_reason, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (contact.client_id, contact.date.isoformat(), contact.staff, contact.minutes, contact.place,
             contact.center_reason, contact.note),
        )
        contact_id = cur.lastrowid
        self.conn.executemany("INSERT INTO contact_types (contact_id, type) VALUES (?, ?)", [(contact_id, t) for t in contact.types])
        self.conn.executemany(
            "INSERT INTO contact_concerns (contact_id, concern) VALUES (?, ?)", [(contact_id, c) for c in contact.concerns]
        )
        self.audit("log-visit", contact.client_id, f"contact:{contact_id}")
        return contact_id

    def load_contacts(self, client_id: int | None = None, month: Month | None = None,
                      since: date | None = None, until: date | None = None) -> list[Contact]:
        clauses, params = [], []
        if client_id is not None:
            clauses.append("c.client_id = ?")
            params.append(client_id)
        if month is not None:
            since = max(since, month.first) if since else month.first
            until = min(until, month.last) if until else month.last
        if since is not None:
            clauses.append("c.date >= ?")
            params.append(since.isoformat())
        if until is not None:
            clauses.append("c.date <= ?")
            params.append(until.isoformat())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(
            "SELECT c.id, c.client_id, c.date, c.staff, c.minutes, c.place, c.center_reason, c.note, "
            "(SELECT group_concat(type, '+') FROM (SELECT type FROM contact_types t WHERE t.contact_id = c.id ORDER BY "
            "CASE type WHEN 'face' THEN 1 WHEN 'employer' THEN 2 WHEN 'remote' THEN 3 WHEN 'agency' THEN 4 ELSE 5 END)), "
            "(SELECT group_concat(concern, '+') FROM contact_concerns k WHERE k.contact_id = c.id) "
            f"FROM contacts c {where} ORDER BY c.date, c.id",
            params,
        ).fetchall()
        return [
            Contact(id=r[0], client_id=r[1], date=date.fromisoformat(r[2]), staff=r[3], minutes=r[4], place=r[5],
                    center_reason=r[6], note=r[7], types=_split(r[8]), concerns=_sorted_concerns(_split(r[9])))
            for r in rows
        ]

    # -------------------------------------------------------------- staff

    def insert_assignment(self, assignment: Assignment) -> int:
        cur = self.conn.execute(
            "INSERT INTO staff_assignments (name, role, hours, from_date, until_date, reduced_hours) VALUES (?, ?, ?, ?, ?, ?)",
            (assignment.name, assignment.role, assignment.hours, _iso(assignment.from_date), _iso(assignment.until_date),
             int(assignment.reduced_hours)),
        )
        self.audit("add-staff", None, f"staff:{cur.lastrowid}")
        return cur.lastrowid

    def load_assignments(self) -> list[Assignment]:
        rows = self.conn.execute(
            "SELECT id, name, role, hours, from_date, until_date, reduced_hours FROM staff_assignments ORDER BY name, role, id"
        ).fetchall()
        return [
            Assignment(id=r[0], name=r[1], role=r[2], hours=r[3], from_date=parse_iso(r[4]), until_date=parse_iso(r[5]),
                       reduced_hours=bool(r[6]))
            for r in rows
        ]

    def staff_names(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT DISTINCT name FROM staff_assignments")}

    # -------------------------------------------------------------- plans, handovers, reports

    def insert_plan(self, plan: Plan) -> int:
        existing = self.conn.execute("SELECT id FROM plans WHERE client_id = ? AND date = ?",
                                     (plan.client_id, plan.date.isoformat())).fetchone()
        if existing:
            plan_id = existing[0]
            self.conn.execute("DELETE FROM plan_cooperation WHERE plan_id = ?", (plan_id,))
        else:
            plan_id = self.conn.execute("INSERT INTO plans (client_id, date) VALUES (?, ?)",
                                        (plan.client_id, plan.date.isoformat())).lastrowid
        self.conn.executemany("INSERT INTO plan_cooperation (plan_id, reason) VALUES (?, ?)",
                              [(plan_id, r) for r in plan.center_cooperation])
        self.audit("plan", plan.client_id, f"plan:{plan_id}")
        return plan_id

    def load_plans(self, client_id: int | None = None) -> dict[int, tuple[Plan, ...]]:
        where, params = ("WHERE p.client_id = ?", (client_id,)) if client_id is not None else ("", ())
        rows = self.conn.execute(
            "SELECT p.id, p.client_id, p.date, (SELECT group_concat(reason, '+') FROM plan_cooperation r WHERE r.plan_id = p.id) "
            f"FROM plans p {where} ORDER BY p.client_id, p.date",
            params,
        ).fetchall()
        plans: dict[int, list[Plan]] = defaultdict(list)
        for r in rows:
            plans[r[1]].append(Plan(id=r[0], client_id=r[1], date=date.fromisoformat(r[2]), center_cooperation=_split(r[3])))
        return {k: tuple(v) for k, v in plans.items()}

    def save_handover(self, handover: Handover) -> None:
        self.conn.execute(
            "INSERT INTO handovers (client_id, center, consent_date, shared_date, not_needed, note) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (client_id) DO UPDATE SET center = excluded.center, consent_date = excluded.consent_date, "
            "shared_date = excluded.shared_date, not_needed = excluded.not_needed, note = excluded.note",
            (handover.client_id, handover.center, _iso(handover.consent_date), _iso(handover.shared_date),
             int(handover.not_needed), handover.note),
        )
        self.audit("handover", handover.client_id, f"handover:{handover.client_id}")

    def load_handovers(self, client_id: int | None = None) -> dict[int, Handover]:
        where, params = ("WHERE client_id = ?", (client_id,)) if client_id is not None else ("", ())
        rows = self.conn.execute(
            f"SELECT client_id, center, consent_date, shared_date, not_needed, note FROM handovers {where}", params
        ).fetchall()
        return {
            r[0]: Handover(client_id=r[0], center=r[1], consent_date=parse_iso(r[2]), shared_date=parse_iso(r[3]),
                           not_needed=bool(r[4]), note=r[5])
            for r in rows
        }

    def save_shared_report(self, client_id: int, month: Month, day: date) -> None:
        self.conn.execute(
            "INSERT INTO shared_reports (client_id, month, date) VALUES (?, ?, ?) "
            "ON CONFLICT (client_id, month) DO UPDATE SET date = excluded.date",
            (client_id, str(month), day.isoformat()),
        )
        self.audit("share-report", client_id, f"report:{client_id}:{month}")

    def load_shared_reports(self, client_id: int) -> dict[str, date]:
        rows = self.conn.execute("SELECT month, date FROM shared_reports WHERE client_id = ? ORDER BY month", (client_id,))
        return {r[0]: date.fromisoformat(r[1]) for r in rows}

    def load_history(self, client_id: int) -> list[dict]:
        cur = self.conn.execute("SELECT at, who, action, record, detail FROM audit WHERE client_id = ? ORDER BY id", (client_id,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    # -------------------------------------------------------------- the snapshot for rules

    def count_active(self, months: Iterable[Month]) -> dict[Month, int]:
        """Clients active in each month (SPEC §4.2), counted in SQL."""
        result = {}
        for month in months:
            result[month] = self.conn.execute(
                "SELECT COUNT(*) FROM clients WHERE support_start <= ? AND (ended_on IS NULL OR ended_on >= ?)",
                (month.last.isoformat(), month.first.isoformat()),
            ).fetchone()[0]
        return result

    def load_activity(self, first: date, last: date) -> dict[tuple[int, Month], MonthActivity]:
        """Contacts between two dates, aggregated per client and month in SQL."""
        counts: dict[tuple[int, Month], dict] = defaultdict(dict)
        span = (first.isoformat(), last.isoformat())
        for client_id, month, face, employer, remote, agency, center in self.conn.execute(
            "SELECT c.client_id, substr(c.date, 1, 7), SUM(t.type = 'face'), SUM(t.type = 'employer'), "
            "SUM(t.type = 'remote'), SUM(t.type = 'agency'), SUM(t.type = 'center') "
            "FROM contacts c JOIN contact_types t ON t.contact_id = c.id "
            "WHERE c.date BETWEEN ? AND ? GROUP BY c.client_id, substr(c.date, 1, 7)",
            span,
        ):
            counts[(client_id, Month.parse_iso(month))].update(
                face=face, employer=employer, remote=remote, agency=agency, center=center
            )
        for client_id, month, concerns in self.conn.execute(
            "SELECT c.client_id, substr(c.date, 1, 7), group_concat(DISTINCT k.concern) "
            "FROM contacts c JOIN contact_concerns k ON k.contact_id = c.id "
            "WHERE c.date BETWEEN ? AND ? GROUP BY c.client_id, substr(c.date, 1, 7)",
            span,
        ):
            counts[(client_id, Month.parse_iso(month))]["concerns"] = _sorted_concerns(concerns.split(","))
        center_contacts: dict[tuple[int, Month], list] = defaultdict(list)
        for client_id, day, reason in self.conn.execute(
            "SELECT c.client_id, c.date, c.center_reason FROM contacts c JOIN contact_types t ON t.contact_id = c.id "
            "WHERE t.type = 'center' AND c.date BETWEEN ? AND ? ORDER BY c.date",
            span,
        ):
            center_contacts[(client_id, Month.parse_iso(day[:7]))].append((date.fromisoformat(day), reason))
        return {
            key: MonthActivity(**values, center_contacts=tuple(center_contacts.get(key, ())))
            for key, values in counts.items()
        }

    def load_reports_shared(self, months: Iterable[Month]) -> frozenset[tuple[int, Month]]:
        labels = [str(m) for m in months]
        if not labels:
            return frozenset()
        marks = ", ".join("?" for _ in labels)
        rows = self.conn.execute(f"SELECT client_id, month FROM shared_reports WHERE month IN ({marks})", labels)
        return frozenset((r[0], Month.parse_iso(r[1])) for r in rows)

    def load_caseload(self, months: Iterable[Month], as_of: date, activity_months: Iterable[Month] = ()) -> Caseload:
        """One snapshot for the rules: a handful of set-based queries, none per client."""
        months = tuple(sorted(set(months)))
        span = tuple(sorted(set(months) | set(activity_months)))
        since = min([as_of] + [m.first for m in months])
        activity = self.load_activity(span[0].first, span[-1].last) if span else {}
        return Caseload(
            office=self.load_office(),
            clients=tuple(self.load_clients_since(since)),
            assignments=tuple(self.load_assignments()),
            activity=activity,
            reports_shared=self.load_reports_shared(months),
            plans=self.load_plans(),
            handovers=self.load_handovers(),
            months=months,
        )


# ------------------------------------------------------------------ opening


def open_store(path: Path, *, create: bool, who: str | None = None) -> Store:
    """Open (and with `create`, make) a teikan database. Refuses foreign, newer or unreadable files untouched."""
    created = False
    if not path.exists():
        if not create:
            raise DatabaseError("db.missing", path=str(path))
        _create_file(path)
        created = True
    elif path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(path))
    else:
        _check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        raise DatabaseError("db.unreadable", path=str(path)) from None
    try:
        version, app_id, tables = _inspect(conn, path)
        if version > SCHEMA_VERSION:
            raise DatabaseError("db.newer", path=str(path), version=version, supported=SCHEMA_VERSION)
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise DatabaseError("db.not_teikan", path=str(path))
        if version < SCHEMA_VERSION and not create and app_id == 0:
            # An empty file is not a database yet; reading it creates nothing.
            raise DatabaseError("db.missing", path=str(path))
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        store = Store(conn, path, who)
        if version < SCHEMA_VERSION:
            with store.write():
                # Re-read inside the lock: another process may have migrated meanwhile.
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current < SCHEMA_VERSION:
                    migrate(conn, current)
        return store
    except DatabaseError:
        conn.close()
        if created:
            _remove_quietly(path)
        raise
    except sqlite3.DatabaseError:
        conn.close()
        if created:
            _remove_quietly(path)
        raise DatabaseError("db.not_teikan", path=str(path)) from None


def _inspect(conn: sqlite3.Connection, path: Path) -> tuple[int, int, int]:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError("db.locked", path=str(path)) from None
        raise DatabaseError("db.not_teikan", path=str(path)) from None
    except sqlite3.DatabaseError:
        raise DatabaseError("db.not_teikan", path=str(path)) from None
    return version, app_id, tables


def _remove_quietly(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(path) + suffix)
        except OSError:
            pass


# ------------------------------------------------------------------ row helpers


def _os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "unknown"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(text.split("+")) if text else ()


def _sorted_concerns(items: Iterable[str]) -> tuple[str, ...]:
    from .models import CONCERNS

    return tuple(sorted(set(items), key=CONCERNS.index))


def _client_from_row(r: tuple) -> Client:
    from .models import DISABILITIES

    return Client(
        id=r[0], name=r[1], kana=r[2], employer=r[3], certificate=r[4], grant_until=parse_iso(r[5]), staff=r[6],
        prior_service=r[7], employment_start=date.fromisoformat(r[8]), interim_support_end=parse_iso(r[9]),
        employment_end=parse_iso(r[10]), job_change=parse_iso(r[11]), reemployed=parse_iso(r[12]),
        support_start=date.fromisoformat(r[13]), ended_on=parse_iso(r[14]), end_reason=r[15], note=r[16],
        disabilities=tuple(sorted(_split(r[17]), key=DISABILITIES.index)),
    )


def _client_values(client: Client) -> dict:
    values = {}
    for f in fields(Client):
        if f.name == "disabilities":
            continue
        value = getattr(client, f.name)
        values[f.name] = value.isoformat() if isinstance(value, date) else value
    return values


__all__ = ["Store", "open_store", "resolve_path", "replace"]
