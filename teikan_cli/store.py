"""The SQLite file: finding it, opening it safely, and every SQL statement teikan runs.

Reads create nothing; writes run in one `BEGIN IMMEDIATE` transaction. Only `sqlite3` is imported at
start-up so that `log-visit` stays fast.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import fields
from functools import lru_cache
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .dates import Month, month_range, parse_iso
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
    ServiceRecord,
)

if TYPE_CHECKING:
    from .rules import Scope

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


class Store:
    """An open teikan database."""

    def __init__(self, conn: sqlite3.Connection, path: Path, who: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.who = who
        # Reads memoised for the length of one `read()` snapshot (a month's activity is read once a run).
        self._memo: dict | None = None

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
        except sqlite3.IntegrityError as exc:
            # A CHECK/UNIQUE/foreign-key refusal (e.g. the same certificate added by two runs at once).
            self._rollback()
            raise InputError("db.constraint", detail=str(exc).split(":")[0]) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError:
                self._rollback()
                raise DatabaseError("db.locked", path=str(self.path)) from None

    @contextmanager
    def read(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same snapshot (in WAL, writers are not blocked)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        self._memo = {}
        try:
            yield
        finally:
            self._memo = None
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # nothing was written to the database: end the snapshot

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

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
        """CLIENT = id, certificate number or exact name (SPEC §3); ambiguous names are an input error.

        Ten digits are a certificate number only (0000000012 never falls back to client #12: a mistyped
        受給者証番号 must not pick somebody else); `12` and `#12` are ids.
        """
        import unicodedata

        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in ref):
            # Bytes that are not UTF-8 on the command line (surrogate escapes): no stored name has them.
            raise NotFoundError("client.unknown", ref=ref.encode("utf-8", "backslashreplace").decode("utf-8"))
        text = unicodedata.normalize("NFKC", ref).strip()
        number = text[1:].strip() if text.startswith("#") else text
        if number.isascii() and number.isdigit():
            if len(number) == 10 and not text.startswith("#"):
                found = self._clients("WHERE certificate = ?", (number,))
            else:
                found = self._clients("WHERE id = ?", (int(number),)) if len(number) <= 18 else []
            if found:
                return found[0]
        found = self._clients("WHERE name = ? OR name = ?", (ref.strip(), text)) if text else []
        if not found and text:
            # 山田　太郎 (full-width space) and 山田 太郎 are the same exact name; so are ﾔﾏﾀﾞ and ヤマダ.
            self.conn.create_function("teikan_name_key", 1, name_key, deterministic=True)
            found = self._clients("WHERE teikan_name_key(name) = ?", (name_key(text),))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError("client.ambiguous", ref=ref, ids=", ".join(f"#{c.id}" for c in found))
        raise NotFoundError("client.unknown", ref=ref)

    def record_span(self, client_id: int) -> tuple[date, date] | None:
        """First and last date of the client's dated records (contacts and plans), or None."""
        row = self.conn.execute(
            "SELECT MIN(d), MAX(d) FROM (SELECT date AS d FROM contacts WHERE client_id = ? "
            "UNION ALL SELECT date FROM plans WHERE client_id = ?)",
            (client_id, client_id),
        ).fetchone()
        return None if row[0] is None else (date.fromisoformat(row[0]), date.fromisoformat(row[1]))

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
            "INSERT INTO contacts (client_id, date, staff, minutes, place, center_reason, note, kinds) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (contact.client_id, contact.date.isoformat(), contact.staff, contact.minutes, contact.place,
             contact.center_reason, contact.note, _type_mask(contact.types)),
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

    def load_plans_in_force(self, since: date, as_of: date, scoped: bool = False) -> dict[int, tuple[Plan, ...]]:
        """The plans a run can consult: each client's latest plan before `since`, and every plan from `since`
        to `as_of` (the rules ask for the latest plan on or before a day in that span). Two set-based reads,
        instead of every plan ever made."""
        span = {"since": since.isoformat(), "as_of": as_of.isoformat()}
        if scoped:
            # From each client of `temp.scope`, by the (client_id, date) index: the few clients, not every plan.
            rows = self.conn.execute(
                "SELECT p.id, p.client_id, p.date FROM temp.scope s CROSS JOIN plans p ON p.id = "
                "(SELECT id FROM plans WHERE client_id = s.id AND date < :since ORDER BY date DESC LIMIT 1)", span
            ).fetchall()
            rows += self.conn.execute(
                "SELECT p.id, p.client_id, p.date FROM temp.scope s CROSS JOIN plans p ON p.client_id = s.id "
                "WHERE p.date BETWEEN :since AND :as_of ORDER BY p.client_id, p.date", span
            ).fetchall()
            reasons_sql = ("SELECT r.plan_id, r.reason FROM temp.scope s CROSS JOIN plans p ON p.client_id = s.id "
                           "CROSS JOIN plan_cooperation r ON r.plan_id = p.id WHERE p.date <= :as_of")
        else:
            # SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum: each
            # client's latest plan before `since`, read in index order (no sort).
            rows = self.conn.execute(
                "SELECT id, client_id, MAX(date) FROM plans WHERE date < :since GROUP BY client_id", span
            ).fetchall()
            rows += sorted(self.conn.execute(
                "SELECT id, client_id, date FROM plans WHERE date BETWEEN :since AND :as_of", span
            ), key=lambda row: (row[1], row[2]))
            reasons_sql = ("SELECT r.plan_id, r.reason FROM plan_cooperation r JOIN plans p ON p.id = r.plan_id "
                           "WHERE p.date <= :as_of")
        cooperation: dict[int, list[str]] = defaultdict(list)
        for plan_id, reason in self.conn.execute(reasons_sql, span):
            cooperation[plan_id].append(reason)
        plans: dict[int, list[Plan]] = defaultdict(list)
        parse = date.fromisoformat
        for plan_id, client_id, day in rows:
            reasons = cooperation.get(plan_id)
            plans[client_id].append(Plan(plan_id, client_id, parse(day), _canonical_reasons(reasons) if reasons else ()))
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

    def load_handovers(self, client_id: int | None = None, scoped: bool = False,
                       as_of: date | None = None) -> dict[int, Handover]:
        """Handovers by client; with `as_of`, consent and sharing dated later are left out (not known yet)."""
        where, params = ("WHERE client_id = ?", (client_id,)) if client_id is not None else ("", ())
        if scoped:
            where = "WHERE client_id IN temp.scope"
        rows = self.conn.execute(
            f"SELECT client_id, center, consent_date, shared_date, not_needed, note FROM handovers {where}", params
        ).fetchall()
        known = "9999-12-31" if as_of is None else as_of.isoformat()  # ISO dates compare as text
        return {
            r[0]: Handover(client_id=r[0], center=r[1],
                           consent_date=parse_iso(r[2]) if r[2] and r[2] <= known else None,
                           shared_date=parse_iso(r[3]) if r[3] and r[3] <= known else None,
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
        """Clients active in each month (SPEC §4.2), counted in one SQL statement for all the months."""
        months = sorted(set(months))
        if not months:
            return {}
        values = ", ".join("(?, ?, ?)" for _ in months)
        params = [p for m in months for p in (str(m), m.first.isoformat(), m.last.isoformat())]
        # Started by the month's last day, less those among them ended before its first day: two range counts
        # on the covering index clients_period (support_start, ended_on) per month, instead of a join.
        rows = self.conn.execute(
            f"WITH m(label, first, last) AS (VALUES {values}) "
            "SELECT label, (SELECT COUNT(*) FROM clients WHERE support_start <= m.last) - "
            "(SELECT COUNT(*) FROM clients WHERE support_start <= m.last AND ended_on < m.first) FROM m",
            params,
        ).fetchall()
        return {Month.parse_iso(label): count for label, count in rows}

    def mark_scope(self, scope: "Scope") -> int:
        """Put in `temp.scope` the ids of the clients a run can concern (`rules.Scope`): a few set-based
        statements, and the scoped loads below read only those clients. Returns how many there are."""
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS scope (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.scope")
        self._memo_drop("scope")
        values = {"since": scope.since.isoformat(), "as_of": scope.as_of.isoformat(),
                  "start_by": scope.start_by.isoformat(), "grant_by": scope.grant_by.isoformat(),
                  "plan_from": scope.plan_from.isoformat(), "period_by": scope.period_by.isoformat()}
        insert = "INSERT OR IGNORE INTO temp.scope SELECT id FROM clients c WHERE (ended_on IS NULL OR ended_on >= :since) AND "
        # Handover rules and the report's handover lists: an early start means an early deadline. A handover
        # judged not needed, or shared by its deadline (and by --as-of), has nothing more to say.
        known = scope.as_of.isoformat()
        self._insert_scope([
            cid for cid, start, shared, not_needed in conn.execute(
                "SELECT c.id, c.support_start, h.shared_date, h.not_needed FROM clients c LEFT JOIN handovers h "
                "ON h.client_id = c.id WHERE (ended_on IS NULL OR ended_on >= :since) AND support_start <= :start_by",
                values)
            if not (not_needed or (shared is not None and shared <= known and shared <= _deadline_of_start(start)))
        ])
        if scope.dated:
            # Period rule: the three years are over before --as-of.
            conn.execute(insert + "support_start <= :period_by", values)
            # Grant rule: the 受給者証 ends within the look-ahead, or has ended.
            conn.execute(insert + "grant_until <= :grant_by", values)
            # handover-consent-missing: a handover recorded without a consent known on --as-of.
            conn.execute(insert + "id IN (SELECT client_id FROM handovers WHERE not_needed = 0 AND "
                                  "(consent_date IS NULL OR consent_date > :as_of))", values)
            # Plan rule: started, and no plan current on --as-of.
            conn.execute(insert + "support_start <= :as_of AND NOT EXISTS (SELECT 1 FROM plans p WHERE "
                                  "p.client_id = c.id AND p.date BETWEEN :plan_from AND :as_of)", values)
        if scope.span is not None:
            # center-cooperation-unplanned: a center contact in the months checked.
            conn.execute(insert + "id IN (SELECT client_id FROM contacts INDEXED BY contacts_month WHERE date BETWEEN "
                                  ":first AND :last AND kinds & 16)",
                         dict(values, first=scope.span[0].isoformat(), last=scope.span[1].isoformat()))
        for month, cut in scope.duty_months:
            # Active in the month and not yet done with all three duties (face, employer, shared report): from
            # the month's activity, which the run reads anyway (report rows, the caseload).
            activity, shared = self.month_activity(month.first, cut), self.month_shared(month, scope.as_of)
            done = {cid for cid, act in activity.items() if act.face and act.employer and cid in shared}
            active = conn.execute(
                "SELECT id FROM clients WHERE support_start <= ? AND (ended_on IS NULL OR ended_on >= ?)",
                (month.last.isoformat(), max(month.first, scope.since).isoformat()))
            self._insert_scope([cid for cid, in active if cid not in done])
        return conn.execute("SELECT COUNT(*) FROM temp.scope").fetchone()[0]

    def load_activity(self, first: date, last: date, scoped: bool = False) -> dict[tuple[int, Month], MonthActivity]:
        """Contacts between two dates, counted per client and month in SQL: three set-based reads a month.
        With `scoped`, only the clients of `temp.scope` (see `mark_scope`)."""
        result = {}
        for month in month_range(Month.of(first), Month.of(last)):
            part = self.month_activity(max(first, month.first), min(last, month.last), scoped)
            result.update(((cid, month), act) for cid, act in part.items())
        return result

    def month_activity(self, first: date, last: date, scoped: bool = False) -> dict[int, MonthActivity]:
        """The activity of the days `first`..`last` of one month, by client.

        The counts come from the covering index `contacts_month` (date, client_id, kinds) alone; `INDEXED BY`
        keeps SQLite from walking every contact in client order to save the GROUP BY sort (ten times slower on
        a national file), and the five counts travel packed in one SUM, 12 bits each. Concerns and center
        reasons are read for the month's few such contacts. Inside `read()`, a whole-office read is kept,
        and a scoped read is taken from it when there is one.
        """
        key = ("activity", first, last)
        memo = self._memo
        if memo is not None and key in memo:
            found = memo[key]
            if scoped:
                ids = self._scope_ids()
                return {cid: act for cid, act in found.items() if cid in ids}
            return found
        span = (first.isoformat(), last.isoformat())
        only = " AND client_id IN temp.scope" if scoped else ""
        concerns: dict[int, tuple[str, ...]] = {
            client_id: _sorted_concerns(kinds.split(","))
            for client_id, kinds in self.conn.execute(
                "SELECT c.client_id, group_concat(DISTINCT k.concern) "
                "FROM contacts c INDEXED BY contacts_month CROSS JOIN contact_concerns k ON k.contact_id = c.id "
                "WHERE c.date BETWEEN ? AND ?" + only.replace("client_id", "c.client_id") + " GROUP BY 1",
                span,
            )
        }
        center_contacts: dict[int, list] = defaultdict(list)
        for client_id, day, reason in self.conn.execute(
            "SELECT client_id, date, center_reason FROM contacts INDEXED BY contacts_month "
            "WHERE date BETWEEN ? AND ? AND kinds & 16" + only + " ORDER BY date, id",
            span,
        ):
            center_contacts[client_id].append((date.fromisoformat(day), reason))
        centers = {client_id: tuple(found) for client_id, found in center_contacts.items()}
        result = {}
        make = tuple.__new__  # MonthActivity's fields in order, without its Python-level __new__ (18,000 a month)
        for client_id, packed, count in self.conn.execute(
            f"SELECT client_id, SUM({_PACKED_KINDS}), COUNT(*) FROM contacts INDEXED BY contacts_month "
            "WHERE date BETWEEN ? AND ?" + only + " GROUP BY 1",
            span,
        ):
            if count > _PACKED_LIMIT:  # 4,096 contacts of a kind in a month would spill into the next count
                counts = self.conn.execute(
                    "SELECT SUM(kinds & 1 > 0), SUM(kinds & 2 > 0), SUM(kinds & 4 > 0), SUM(kinds & 8 > 0), "
                    "SUM(kinds & 16 > 0) FROM contacts WHERE client_id = ? AND date BETWEEN ? AND ?",
                    (client_id, *span)).fetchone()
            else:
                counts = (packed & 4095, packed >> 12 & 4095, packed >> 24 & 4095, packed >> 36 & 4095, packed >> 48)
            result[client_id] = make(MonthActivity, counts + (concerns.get(client_id, ()), centers.get(client_id, ())))
        if memo is not None and not scoped:
            memo[key] = result
        return result

    def month_shared(self, month: Month, as_of: date) -> frozenset[int]:
        """Clients whose support report for `month` was shared on or before `as_of` (kept inside `read()`)."""
        key = ("shared", month, as_of)
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        found = frozenset(cid for cid, in self.conn.execute(
            "SELECT client_id FROM shared_reports WHERE month = ? AND date <= ?", (str(month), as_of.isoformat())))
        if self._memo is not None:
            self._memo[key] = found
        return found

    def _insert_scope(self, ids: list[int]) -> None:
        """Add ids to `temp.scope` in one statement (SQLite's JSON functions, built in since 3.38); one insert
        per id only on an older SQLite built without them."""
        import json

        try:
            self.conn.execute("INSERT OR IGNORE INTO temp.scope SELECT value FROM json_each(?)", (json.dumps(ids),))
        except sqlite3.OperationalError:
            self.conn.executemany("INSERT OR IGNORE INTO temp.scope VALUES (?)", [(i,) for i in ids])

    def _scope_ids(self) -> frozenset[int]:
        if self._memo is not None and "scope" in self._memo:
            return self._memo["scope"]
        found = frozenset(cid for cid, in self.conn.execute("SELECT id FROM temp.scope"))
        if self._memo is not None:
            self._memo["scope"] = found
        return found

    def _memo_drop(self, key) -> None:
        if self._memo is not None:
            self._memo.pop(key, None)

    def load_month_rows(self, month: Month, as_of: date) -> list[tuple]:
        """Every client active in `month` (SPEC §4.2) with the month's activity and shared report as known on
        `as_of`, by id: `(id, name, staff, support_end, MonthActivity, shared)`, the arguments of
        `reports.month_row`. Four set-based reads for the whole month, nothing per client."""
        first, last = month.first, month.last
        cut = min(last, as_of)
        activity = self.month_activity(first, cut) if cut >= first else {}
        shared = self.month_shared(month, as_of)
        rows = self.conn.execute(
            "SELECT id, name, staff, support_start FROM clients WHERE support_start <= ? AND "
            "(ended_on IS NULL OR ended_on >= ?) ORDER BY id", (last.isoformat(), first.isoformat()))
        none = MonthActivity()
        return [(cid, name, staff, _support_end_of(start), activity.get(cid, none), cid in shared)
                for cid, name, staff, start in rows]

    def load_reports_shared(self, months: Iterable[Month], as_of: date | None = None,
                            scoped: bool = False) -> frozenset[tuple[int, Month]]:
        """(client, month) pairs whose support report was shared (on or before `as_of`, when given)."""
        labels = sorted({str(m) for m in months})
        if not labels:
            return frozenset()
        if self._memo is not None and as_of is not None:  # inside read(): the months' sets are kept
            ids = self._scope_ids() if scoped else None
            return frozenset((cid, month) for month in {Month.parse_iso(label) for label in labels}
                             for cid in self.month_shared(month, as_of) if ids is None or cid in ids)
        marks = ", ".join("?" for _ in labels)
        sql = f"SELECT client_id, month FROM shared_reports WHERE month IN ({marks})"
        params: list = list(labels)
        if as_of is not None:
            sql += " AND date <= ?"
            params.append(as_of.isoformat())
        if scoped:
            sql += " AND client_id IN temp.scope"
        rows = self.conn.execute(sql, params)
        return frozenset((r[0], Month.parse_iso(r[1])) for r in rows)

    def load_caseload(self, months: Iterable[Month], as_of: date, activity_months: Iterable[Month] = (),
                      scoped: bool = False) -> Caseload:
        """One snapshot for the rules, as it stood on `as_of`: a handful of set-based queries, none per client.

        Records dated after `as_of` (contacts, shared reports, handover consent and sharing) are left out,
        so that a run with an earlier `--as-of` replays what was known then. With `scoped`, only the clients
        put in `temp.scope` by `mark_scope` (in the same `read()` transaction).
        """
        months = tuple(sorted(set(months)))
        span = tuple(sorted(set(months) | set(activity_months)))
        since = min([as_of] + [m.first for m in months])
        last = min(span[-1].last, as_of) if span else None
        activity = self.load_activity(span[0].first, last, scoped) if span and last >= span[0].first else {}
        handovers = self.load_handovers(scoped=scoped, as_of=as_of)
        return Caseload(
            office=self.load_office(),
            clients=tuple(self._clients("WHERE id IN temp.scope") if scoped else self.load_clients_since(since)),
            assignments=tuple(self.load_assignments()),
            activity=activity,
            reports_shared=self.load_reports_shared(months, as_of, scoped),
            plans=self.load_plans_in_force(since, as_of, scoped),
            handovers=handovers,
            months=months,
            scoped=scoped,
        )

    def load_service_records(self, first: date, last: date, changed_only: bool = False) -> list[ServiceRecord]:
        """Clients active (SPEC §4.2) in at least one month between two dates, with only the fields the
        retention rate reads (`rate.py`), by id: one query. With `changed_only`, only those with an
        employment end or a job change recorded (the others are counted by `count_plain_users`)."""
        changed = " AND (employment_end IS NOT NULL OR job_change IS NOT NULL)" if changed_only else ""
        rows = self.conn.execute(
            "SELECT id, name, support_start, ended_on, employment_end, job_change, reemployed FROM clients "
            "WHERE support_start <= ? AND (ended_on IS NULL OR ended_on >= ?)" + changed + " ORDER BY id",
            (Month.of(last).last.isoformat(), Month.of(first).first.isoformat()))
        parse = date.fromisoformat
        return [ServiceRecord(cid, name, parse(start), _support_end_of(start), ended and parse(ended),
                              left and parse(left), change and parse(change), again and parse(again))
                for cid, name, start, ended, left, change, again in rows]

    def count_plain_users(self, used_from: date, used_to: date, start_from: date) -> int:
        """Users active between `used_from` and `used_to` whose period reaches `used_from` (a start on or after
        `start_from`, see `rate.used_window`) and who have neither an employment end nor a job change recorded:
        retained, by the rule of `rate.is_retained`. One count on the index of support periods."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM clients WHERE support_start BETWEEN ? AND ? AND (ended_on IS NULL OR ended_on >= ?) "
            "AND employment_end IS NULL AND job_change IS NULL",
            (start_from.isoformat(), used_to.isoformat(), used_from.isoformat())).fetchone()[0]

    # -------------------------------------------------------------- maintenance: backup, restore, doctor, purge

    @classmethod
    def open_snapshot(cls, path: Path, readonly: bool = True) -> "Store":
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

    def contact_kind_mismatches(self) -> int | None:
        """Contacts whose `kinds` bits disagree with their `contact_types` rows; None when unreadable."""
        try:
            return self.conn.execute(
                "SELECT COUNT(*) FROM contacts c WHERE kinds != (SELECT COALESCE(SUM(CASE type WHEN 'face' THEN 1 "
                "WHEN 'employer' THEN 2 WHEN 'remote' THEN 4 WHEN 'agency' THEN 8 WHEN 'center' THEN 16 END), 0) "
                "FROM contact_types t WHERE t.contact_id = c.id)"
            ).fetchone()[0]
        except sqlite3.DatabaseError:
            return None

    def count_rows(self) -> dict[str, int]:
        return {
            "clients": self.conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0],
            "contacts": self.conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0],
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

    def copy_from(self, source: "Store") -> None:
        """Replace this database's whole content with `source`'s through the backup API (others may have it open)."""
        source.conn.backup(self.conn)

    def load_retention_rows(self) -> list:
        """Every client with the end of its service and the date of its latest record (contact, plan, report, handover)."""
        from .maintenance import RetentionRow

        rows = self.conn.execute(
            "SELECT c.id, c.name, c.ended_on, NULLIF(MAX("
            "COALESCE((SELECT MAX(date) FROM contacts WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(date) FROM plans WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(date) FROM shared_reports WHERE client_id = c.id), ''), "
            "COALESCE((SELECT MAX(COALESCE(consent_date, ''), COALESCE(shared_date, '')) FROM handovers "
            "WHERE client_id = c.id), '')), '') "
            "FROM clients c ORDER BY c.id"
        ).fetchall()
        return [RetentionRow(r[0], r[1], parse_iso(r[2]), parse_iso(r[3])) for r in rows]

    def delete_clients(self, ids: list[int], detail: str) -> None:
        """Remove clients, every row that refers to them (ON DELETE CASCADE) and their audit history.

        Their audit rows go too: they describe a record that no longer exists, and an id can be reused by the
        next client. One audit line records the purge itself (`detail`: counts only).
        """
        self.conn.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable in the file
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            self.conn.execute(f"DELETE FROM audit WHERE client_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM clients WHERE id IN ({marks})", chunk)
        self.audit("purge", detail=detail)

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

    # -------------------------------------------------------------- CSV import and export (bulk)

    def data_version(self) -> int:
        """Changes when another connection commits (PRAGMA data_version): is a snapshot still current?"""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def pseudonym_secret(self) -> bytes:
        """The per-database HMAC key of `export --pseudonymize` (made by migration m002, never exported)."""
        row = self.conn.execute("SELECT value FROM secrets WHERE name = 'pseudonym'").fetchone()
        if row is None:  # pragma: no cover - the migration always makes it
            raise DatabaseError("db.not_teikan", path=str(self.path))
        return bytes(row[0])

    def load_contact_keys(self) -> "Counter":
        """How many contacts have each exact set of values, keyed as `csvio.contact_key`: one query."""
        from collections import Counter

        from .models import CONCERNS, CONTACT_TYPES

        canonical: dict[str | None, str] = {None: ""}

        def joined(text: str | None, order: tuple[str, ...]) -> str:
            found = canonical.get(text)
            if found is None:
                found = canonical[text] = "+".join(sorted(set(text.split("+")), key=order.index))
            return found

        keys: Counter = Counter()
        for client_id, day, staff, minutes, place, reason, note, types, concerns in self.conn.execute(
            "SELECT c.client_id, c.date, c.staff, c.minutes, c.place, c.center_reason, c.note, "
            "(SELECT group_concat(type, '+') FROM contact_types t WHERE t.contact_id = c.id), "
            "(SELECT group_concat(concern, '+') FROM contact_concerns k WHERE k.contact_id = c.id) FROM contacts c"
        ):
            keys[(client_id, day, joined(types, CONTACT_TYPES), staff, minutes, place, joined(concerns, CONCERNS),
                  reason, note)] += 1
        return keys

    def iter_contacts(self) -> Iterator[Contact]:
        """Every contact in id order, streamed (for `export contacts` of any size)."""
        from .models import CONCERNS, CONTACT_TYPES

        canonical: dict[tuple[str | None, int], tuple[str, ...]] = {}

        def split(text: str | None, order: tuple[str, ...]) -> tuple[str, ...]:
            key = (text, len(order))
            found = canonical.get(key)
            if found is None:
                found = canonical[key] = tuple(sorted(set(_split(text)), key=order.index))
            return found

        cursor = self.conn.execute(
            "SELECT c.id, c.client_id, c.date, c.staff, c.minutes, c.place, c.center_reason, c.note, "
            "(SELECT group_concat(type, '+') FROM contact_types t WHERE t.contact_id = c.id), "
            "(SELECT group_concat(concern, '+') FROM contact_concerns k WHERE k.contact_id = c.id) "
            "FROM contacts c ORDER BY c.id"
        )
        for r in cursor:
            yield Contact(id=r[0], client_id=r[1], date=date.fromisoformat(r[2]), staff=r[3], minutes=r[4], place=r[5],
                          center_reason=r[6], note=r[7], types=split(r[8], CONTACT_TYPES),
                          concerns=split(r[9], CONCERNS))

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]

    def _audit_many(self, action: str, rows: Iterable[tuple[int | None, str | None, str | None]]) -> None:
        """Audit rows (client_id, record, detail) of one bulk write, with one who and one time."""
        who = self.who or _os_user()
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.conn.executemany(
            "INSERT INTO audit (at, who, action, client_id, record, detail) VALUES (?, ?, ?, ?, ?, ?)",
            ((at, who, action, client_id, record, detail) for client_id, record, detail in rows),
        )

    def insert_clients_bulk(self, clients: Sequence[Client]) -> list[int]:
        """Many clients in the caller's transaction: ids in order, one executemany per table."""
        if not clients:
            return []
        first = self._next_id("clients")
        ids = list(range(first, first + len(clients)))
        columns = list(_client_values(clients[0]))
        rows = []
        for client_id, client in zip(ids, clients):
            values = _client_values(client)
            values["id"] = client_id
            rows.append(tuple(values[c] for c in columns))
        self.conn.executemany(
            f"INSERT INTO clients ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)
        self.conn.executemany("INSERT INTO client_disabilities (client_id, kind) VALUES (?, ?)",
                              [(i, kind) for i, c in zip(ids, clients) for kind in c.disabilities])
        self._audit_many("import-clients", ((i, f"client:{i}", None) for i in ids))
        return ids

    def insert_contacts_bulk(self, contacts: Sequence[Contact], progress=None, batch: int = 50000) -> int:
        """Many contacts in the caller's transaction, `batch` rows per executemany; one audit row per client."""
        from collections import Counter

        first = self._next_id("contacts")
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while the indexes grow, not spilled to the WAL
        # More rows than the table holds: building its indexes afterwards (one sort) beats growing them row by
        # row. The statements are the schema's own, read back from sqlite_master, inside this transaction.
        indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL"
        ).fetchall() if len(contacts) >= 100000 and len(contacts) >= first else []
        try:
            for name, _sql in indexes:
                self.conn.execute('DROP INDEX "{}"'.format(name.replace('"', '""')))
            self._insert_contact_batches(contacts, first, progress, batch)
            for _name, sql in indexes:
                self.conn.execute(sql)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        per_client = Counter(c.client_id for c in contacts)
        self._audit_many("import-contacts", ((i, None, f"{n} contacts") for i, n in sorted(per_client.items())))
        return len(contacts)

    def _insert_contact_batches(self, contacts: Sequence[Contact], first: int, progress, batch: int) -> None:
        iso: dict[date, str] = {}
        for start in range(0, len(contacts), batch):
            chunk = contacts[start:start + batch]
            base = first + start
            self.conn.executemany(
                "INSERT INTO contacts (id, client_id, date, staff, minutes, place, center_reason, note, kinds) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(base + i, c.client_id, iso.get(c.date) or iso.setdefault(c.date, c.date.isoformat()), c.staff,
                  c.minutes, c.place, c.center_reason, c.note, _type_mask(c.types)) for i, c in enumerate(chunk)],
            )
            self.conn.executemany("INSERT INTO contact_types (contact_id, type) VALUES (?, ?)",
                                  [(base + i, t) for i, c in enumerate(chunk) for t in c.types])
            self.conn.executemany("INSERT INTO contact_concerns (contact_id, concern) VALUES (?, ?)",
                                  [(base + i, k) for i, c in enumerate(chunk) for k in c.concerns])
            if progress is not None:
                progress(len(chunk))

    def insert_assignments_bulk(self, assignments: Sequence[Assignment]) -> list[int]:
        """Many staff assignments in the caller's transaction."""
        first = self._next_id("staff_assignments")
        ids = list(range(first, first + len(assignments)))
        self.conn.executemany(
            "INSERT INTO staff_assignments (id, name, role, hours, from_date, until_date, reduced_hours) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, a.name, a.role, a.hours, _iso(a.from_date), _iso(a.until_date), int(a.reduced_hours))
             for i, a in zip(ids, assignments)],
        )
        self._audit_many("import-staff", ((None, f"staff:{i}", None) for i in ids))
        return ids



# ------------------------------------------------------------------ opening


def open_store(path: Path, *, create: bool, who: str | None = None) -> Store:
    """Open (and with `create`, make) a teikan database. Refuses foreign, newer or unreadable files untouched."""
    created = False
    made_folder: Path | None = None
    if not path.exists():
        if not create:
            raise DatabaseError("db.missing", path=str(path))
        created, made_folder = _create_file(path)
    if path.is_dir():
        raise DatabaseError("db.not_teikan", path=str(path))
    if not created:
        _check_header(path)
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
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp.scope never reach a temporary file
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
            _remove_quietly(path, made_folder)
        raise
    except sqlite3.DatabaseError:
        conn.close()
        if created:
            _remove_quietly(path, made_folder)
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


# ------------------------------------------------------------------ row helpers


def _os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "unknown"


def name_key(name: str | None) -> str | None:
    """A name compared as a person reads it: NFKC (full-/half-width) and runs of spaces as one space."""
    if name is None:
        return None
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", name).split())


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(text.split("+")) if text else ()


def _type_mask(types: Iterable[str]) -> int:
    from .models import type_mask

    return type_mask(types)


def _canonical_reasons(reasons: Iterable[str]) -> tuple[str, ...]:
    from .models import CENTER_REASONS

    return tuple(r for r in CENTER_REASONS if r in reasons)


def _sorted_concerns(items: Iterable[str]) -> tuple[str, ...]:
    from .models import CONCERNS

    return tuple(sorted(set(items), key=CONCERNS.index))


_CLIENT_FIELDS = ("id", "name", "kana", "employer", "certificate", "grant_until", "staff", "prior_service",
                  "employment_start", "interim_support_end", "employment_end", "job_change", "reemployed",
                  "support_start", "ended_on", "end_reason", "note", "disabilities")
_DISABILITY_SETS: dict[str, tuple[str, ...]] = {}


def _disabilities(text: str | None) -> tuple[str, ...]:
    """`mental+physical` → ('physical', 'mental'), in the canonical order (a handful of distinct values)."""
    if not text:
        return ()
    found = _DISABILITY_SETS.get(text)
    if found is None:
        from .models import DISABILITIES

        found = _DISABILITY_SETS[text] = tuple(sorted(text.split("+"), key=DISABILITIES.index))
    return found


@lru_cache(maxsize=8192)
def _deadline_of_start(start: str) -> str:
    """The handover share deadline (ISO) of an ISO `support_start`, as the rules compute it."""
    from .rules import share_deadline_of_start

    return share_deadline_of_start(date.fromisoformat(start)).isoformat()


@lru_cache(maxsize=8192)
def _support_end_of(start: str) -> date:
    """`support_end` of an ISO start (a national file has about a thousand distinct starts)."""
    from .dates import support_end

    return support_end(date.fromisoformat(start))


# The five type counts of a month in one SUM: face, employer, remote, agency and center, 12 bits each.
# (SQLite gives & | << the same precedence, left to right: every term is bracketed.)
_PACKED_KINDS = "(kinds & 1) | ((kinds & 2) << 11) | ((kinds & 4) << 22) | ((kinds & 8) << 33) | ((kinds & 16) << 44)"
_PACKED_LIMIT = 4095


def _client_from_row(r: tuple, _new=object.__new__, _date=date.fromisoformat) -> Client:
    """A `Client` from a row of `_CLIENT_COLUMNS` + disabilities, built without the dataclass `__init__`
    (20,000 frozen-dataclass constructions cost a third of a `check` at national scale); the fields are the
    dataclass's own, as `tests/test_store.py` checks."""
    client = _new(Client)
    client.__dict__.update({
        "id": r[0], "name": r[1], "kana": r[2], "employer": r[3], "certificate": r[4],
        "grant_until": r[5] and _date(r[5]), "staff": r[6], "prior_service": r[7],
        "employment_start": _date(r[8]), "interim_support_end": r[9] and _date(r[9]),
        "employment_end": r[10] and _date(r[10]), "job_change": r[11] and _date(r[11]),
        "reemployed": r[12] and _date(r[12]), "support_start": _date(r[13]), "ended_on": r[14] and _date(r[14]),
        "end_reason": r[15], "note": r[16], "disabilities": _disabilities(r[17]),
    })
    return client


def _client_values(client: Client) -> dict:
    values = {}
    for f in fields(Client):
        if f.name == "disabilities":
            continue
        value = getattr(client, f.name)
        values[f.name] = value.isoformat() if isinstance(value, date) else value
    return values


__all__ = ["Store", "open_store", "resolve_path"]
