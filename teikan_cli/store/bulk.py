"""Many rows at once: what `import` compares with and writes, and what `export` streams (SPEC §8)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Sequence

from ..models import Assignment, Client, Contact
from .contacts import TYPE_COLUMNS, type_flags


class BulkQueries:
    def load_contact_keys(self) -> Counter:
        """How many contacts (not deleted) have each exact set of values, keyed as `csvio.contact_key`."""
        from ..models import CONCERNS, CONTACT_TYPES

        keys: Counter = Counter()
        for row in self.conn.execute(
                f"SELECT c.client_id, c.date, {TYPE_COLUMNS}, c.staff, c.minutes, c.place, c.center_reason, c.note, "
                "(SELECT group_concat(concern, '+') FROM contact_concerns k WHERE k.contact_id = c.id) "
                "FROM contacts c WHERE c.deleted_at IS NULL"):
            types = "+".join(t for t, flag in zip(CONTACT_TYPES, row[2:7]) if flag)
            concerns = "+".join(sorted(row[12].split("+"), key=CONCERNS.index)) if row[12] else ""
            keys[(row[0], row[1], types, row[7], row[8], row[9], concerns, row[10], row[11])] += 1
        return keys

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
