"""Many rows at once: what `import` writes, and the staging table in which a contacts file is checked (SPEC §8).

A contacts file may hold a million rows. They are not held in memory: `check_contacts` hands each checked row
to `stage_contacts`, which puts it in a TEMP table of this connection (never in the user's file, gone when the
connection closes); `decide_staged_contacts` then finds the new rows with one query, and
`insert_staged_contacts` copies them into `contacts` inside the write transaction.

The staging table is plain sqlite3, not sqlite-utils: sqlite-utils finds tables through `sqlite_master`, which
does not list TEMP tables (its `insert_all` would create the table in the user's file), and its `insert_all`
builds each INSERT in Python, 10.3 s for a million staged rows where `executemany` takes 3.6 s (measured).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date
from typing import Iterable, Iterator, Sequence

from ..models import CONTACT_TYPES, Assignment, Client, Contact
from .contacts import TYPE_COLUMNS, type_flags

_STAGED_TYPES = {"line": "INTEGER PRIMARY KEY", "client_id": "INTEGER NOT NULL", "date": "TEXT NOT NULL",
                 "minutes": "INTEGER", **{t: "INTEGER NOT NULL" for t in CONTACT_TYPES}}  # the others: TEXT


def _staged_columns() -> tuple[str, ...]:
    """`csvio.CHECKED_COLUMNS`, imported when an import runs (csvio is not needed to log a visit)."""
    from ..csvio import CHECKED_COLUMNS

    return CHECKED_COLUMNS


def _stored_columns() -> tuple[str, ...]:
    """What `contacts` keeps of a staged row: all but its line and its concerns (those go to contact_concerns)."""
    return tuple(c for c in _staged_columns() if c not in ("line", "concerns"))


class BulkQueries:
    @contextmanager
    def contact_staging(self) -> Iterator[None]:
        """While a contacts file is checked and written: temporary tables in a temporary file, not in memory.

        The store keeps `temp_store = MEMORY` (connection.py); a million staged rows and their index held there
        take 102-140 MB (measured), in the temporary file only its page cache (a few MB). SQLite makes that file
        itself and deletes it as it opens it, so nothing is left behind, even on a crash."""
        self.conn.execute("PRAGMA temp_store = FILE")
        try:
            yield
        finally:
            self.conn.execute("DROP TABLE IF EXISTS temp.import_new")
            self.conn.execute("DROP TABLE IF EXISTS temp.import_contacts")
            if not self.conn.in_transaction:
                self.conn.execute("PRAGMA temp_store = MEMORY")  # as the store opened it

    def stage_contacts(self, rows: Iterable[tuple]) -> int:
        """Checked contact rows (tuples of `csvio.CHECKED_COLUMNS`) into a new staging table; how many."""
        self.conn.execute("DROP TABLE IF EXISTS temp.import_new")
        self.conn.execute("DROP TABLE IF EXISTS temp.import_contacts")
        staged = _staged_columns()
        columns = ", ".join(f"{c} {_STAGED_TYPES.get(c, 'TEXT')}" for c in staged)
        self.conn.execute(f"CREATE TEMP TABLE import_contacts ({columns})")
        with self._temporary_transaction():
            self.conn.executemany(f"INSERT INTO temp.import_contacts VALUES ({', '.join('?' for _ in staged)})",
                                  rows)
        return self.conn.execute("SELECT COUNT(*) FROM temp.import_contacts").fetchone()[0]

    def decide_staged_contacts(self) -> int:
        """Which staged rows are new; how many. Contacts have no identity (csvio): the n-th copy of a row in the
        file is new while the database holds fewer than n contacts (not deleted) with all its values."""
        key = [c for c in _staged_columns() if c != "line"]
        copies = " AND ".join(f"e.{c} IS s.{c}" for c in key)  # IS: NULL matches NULL
        # client and date by `=` (the indexes of `contacts`), the others by IS
        same = " AND ".join(f"c.{c} IS s.{c}" for c in _stored_columns() if c not in ("client_id", "date"))
        # group_concat joins in the order its rows come, here by code (SQLite keeps the ORDER BY of a subquery
        # read by an aggregate): the staged concerns are joined the same way.
        concerns = ("(SELECT group_concat(concern, '+') FROM (SELECT concern FROM main.contact_concerns k "
                    "WHERE k.contact_id = c.id ORDER BY concern))")
        with self._temporary_transaction():
            # Built after the rows are in: one sort, rather than an index kept up row by row (2.6 s more).
            self.conn.execute(f"CREATE INDEX temp.import_contacts_key ON import_contacts ({', '.join(key)})")
            self.conn.execute("CREATE TEMP TABLE import_new (seq INTEGER PRIMARY KEY, line INTEGER NOT NULL)")
            self.conn.execute(f"""
                INSERT INTO temp.import_new (line)
                SELECT line FROM temp.import_contacts AS s
                WHERE (SELECT COUNT(*) FROM temp.import_contacts e WHERE {copies} AND e.line <= s.line)
                    > (SELECT COUNT(*) FROM main.contacts c
                       WHERE c.client_id = s.client_id AND c.date = s.date AND {same}
                         AND c.deleted_at IS NULL AND {concerns} IS s.concerns)
                ORDER BY line""")
        return self.conn.execute("SELECT COUNT(*) FROM temp.import_new").fetchone()[0]

    def insert_staged_contacts(self, progress=None, batch: int = 50000) -> int:
        """The new staged rows into `contacts` in the caller's transaction, in file order, `batch` rows per
        statement; one audit row per client."""
        base = self._next_id("contacts") - 1
        total = self.conn.execute("SELECT COUNT(*) FROM temp.import_new").fetchone()[0]
        stored = _stored_columns()
        staged = "FROM temp.import_new n JOIN temp.import_contacts r ON r.line = n.line WHERE n.seq > ? AND n.seq <= ?"
        for start in range(0, total, batch):
            bounds = (base, start, start + batch)
            self.conn.execute(f"INSERT INTO main.contacts (id, {', '.join(stored)}) SELECT ? + n.seq, "
                              f"{', '.join('r.' + c for c in stored)} {staged} ORDER BY n.seq", bounds)
            concerns = self.conn.execute(f"SELECT ? + n.seq, r.concerns {staged} AND r.concerns IS NOT NULL",
                                         bounds).fetchall()
            self.conn.executemany("INSERT INTO main.contact_concerns (contact_id, concern) VALUES (?, ?)",
                                  [(i, code) for i, codes in concerns for code in codes.split("+")])
            if progress is not None:
                progress(min(batch, total - start))
        per_client = self.conn.execute(
            "SELECT r.client_id, COUNT(*) FROM temp.import_new n JOIN temp.import_contacts r ON r.line = n.line "
            "GROUP BY r.client_id ORDER BY r.client_id")
        self.append_audit(((i, None, f"{n} contacts") for i, n in per_client), "import-contacts")
        return total

    @contextmanager
    def _temporary_transaction(self) -> Iterator[None]:
        """One transaction for work on the staging tables (not one per row), unless the caller's write transaction
        is open (a check again under the write lock), which then holds it."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]

    def insert_clients_bulk(self, clients: Sequence[Client]) -> list[int]:
        """Many clients in the caller's transaction: ids in order."""
        ids = [self._insert_client_row(client) for client in clients]
        self.append_audit(((i, f"client:{i}", None) for i in ids), "import-clients")
        return ids

    def _insert_client_row(self, client: Client) -> int:
        from .clients import client_values

        values = client_values(client)
        values.pop("id")
        client_id = self.conn.execute(
            f"INSERT INTO clients ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            tuple(values.values())).lastrowid
        self.conn.executemany("INSERT INTO client_disabilities (client_id, kind) VALUES (?, ?)",
                              [(client_id, k) for k in client.disabilities])
        return client_id

    def insert_contacts_bulk(self, contacts: Sequence[Contact], progress=None, batch: int = 50000) -> int:
        """Many contacts in the caller's transaction, `batch` rows per executemany; one audit row per client."""
        first = self._next_id("contacts")
        iso: dict[date, str] = {}
        for start in range(0, len(contacts), batch):
            chunk = contacts[start:start + batch]
            base = first + start
            self.conn.executemany(
                f"INSERT INTO contacts (id, client_id, date, {TYPE_COLUMNS}, staff, minutes, place, center_reason, "
                "note, shareable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(base + i, c.client_id, iso.get(c.date) or iso.setdefault(c.date, c.date.isoformat()),
                  *type_flags(c.types), c.staff, c.minutes, c.place, c.center_reason, c.note, int(c.shareable))
                 for i, c in enumerate(chunk)])
            self.conn.executemany("INSERT INTO contact_concerns (contact_id, concern) VALUES (?, ?)",
                                  [(base + i, k) for i, c in enumerate(chunk) for k in c.concerns])
            if progress is not None:
                progress(len(chunk))
        per_client = Counter(c.client_id for c in contacts)
        self.append_audit(((i, None, f"{n} contacts") for i, n in sorted(per_client.items())), "import-contacts")
        return len(contacts)

    def insert_assignments_bulk(self, assignments: Sequence[Assignment]) -> list[int]:
        """Many staff assignments in the caller's transaction (each person made once)."""
        ids = []
        for a in assignments:
            person, _added = self.ensure_person(a.name)
            ids.append(self.conn.execute(
                "INSERT INTO staff_assignments (person_id, role, hours, from_date, until_date, reduced_hours) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (person.id, a.role, a.hours, a.from_date and a.from_date.isoformat(),
                 a.until_date and a.until_date.isoformat(), int(a.reduced_hours))).lastrowid)
        self.append_audit(((None, f"staff:{i}", None) for i in ids), "import-staff")
        return ids
