"""Contacts (支援記録): logging, listing, correcting and deleting (SPEC §3, §12).

A contact's types are the 0/1 columns face, employer, remote, agency, center (migration m006). A deleted contact
is kept with its deletion mark and reason, and every read but `load_contact` and the history leaves it out.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Iterable, Iterator

from ..dates import Month
from ..models import CONCERNS, CONTACT_TYPES, Contact
from ..names import name_key

TYPE_COLUMNS = ", ".join(CONTACT_TYPES)  # face, employer, remote, agency, center
_SELECT = (
    f"SELECT c.id, c.client_id, c.date, c.staff, c.minutes, c.place, c.center_reason, c.note, {TYPE_COLUMNS}, "
    "c.shareable, c.deleted_at, c.deleted_reason, "
    "(SELECT group_concat(concern, '+') FROM contact_concerns k WHERE k.contact_id = c.id) FROM contacts c"
)


class ContactQueries:
    def insert_contact(self, contact: Contact) -> int:
        cur = self.conn.execute(
            f"INSERT INTO contacts (client_id, date, {TYPE_COLUMNS}, staff, minutes, place, center_reason, note, "
            "shareable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (contact.client_id, contact.date.isoformat(), *type_flags(contact.types), name_key(contact.staff),
             contact.minutes,
             contact.place, contact.center_reason, contact.note, int(contact.shareable)),
        )
        contact_id = cur.lastrowid
        self.conn.executemany("INSERT INTO contact_concerns (contact_id, concern) VALUES (?, ?)",
                              [(contact_id, c) for c in contact.concerns])
        self.audit("log-visit", contact.client_id, f"contact:{contact_id}")
        return contact_id

    def update_contact(self, contact: Contact, before: Contact) -> None:
        """Write the corrected contact over its record; the audit row keeps the old and new values."""
        self.conn.execute(
            f"UPDATE contacts SET date = ?, {', '.join(f'{t} = ?' for t in CONTACT_TYPES)}, staff = ?, minutes = ?, "
            "place = ?, center_reason = ?, note = ?, shareable = ? WHERE id = ?",
            (contact.date.isoformat(), *type_flags(contact.types), name_key(contact.staff), contact.minutes, contact.place,
             contact.center_reason, contact.note, int(contact.shareable), contact.id),
        )
        self.conn.execute("DELETE FROM contact_concerns WHERE contact_id = ?", (contact.id,))
        self.conn.executemany("INSERT INTO contact_concerns (contact_id, concern) VALUES (?, ?)",
                              [(contact.id, c) for c in contact.concerns])
        old, new = _changed(contact_record(before), contact_record(contact))
        self.audit("edit-visit", contact.client_id, f"contact:{contact.id}", old=old, new=new)

    def delete_contact(self, contact: Contact, reason: str) -> None:
        """Mark the contact deleted (kept, counted nowhere) with its reason."""
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.conn.execute("UPDATE contacts SET deleted_at = ?, deleted_reason = ? WHERE id = ?",
                          (at, reason, contact.id))
        self.audit("delete-visit", contact.client_id, f"contact:{contact.id}", old=contact_record(contact),
                   reason=reason)

    def load_contact(self, contact_id: int) -> Contact | None:
        """One contact by id, deleted or not."""
        rows = self.conn.execute(_SELECT + " WHERE c.id = ?", (contact_id,)).fetchall()
        return contact_from_row(rows[0]) if rows else None

    def load_contacts(self, client_id: int | None = None, month: Month | None = None,
                      since: date | None = None, until: date | None = None) -> list[Contact]:
        """Contacts not deleted, oldest first, optionally of one client and between two days."""
        clauses, params = ["c.deleted_at IS NULL"], []
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
        rows = self.conn.execute(_SELECT + " WHERE " + " AND ".join(clauses) + " ORDER BY c.date, c.id", params)
        return [contact_from_row(r) for r in rows]

    def iter_contacts(self) -> Iterator[Contact]:
        """Every contact not deleted, in id order, streamed (for `export contacts` of any size)."""
        for row in self.conn.execute(_SELECT + " WHERE c.deleted_at IS NULL ORDER BY c.id"):
            yield contact_from_row(row)


def type_flags(types: Iterable[str]) -> tuple[int, ...]:
    """The five 0/1 column values of a set of types, in CONTACT_TYPES order."""
    chosen = set(types)
    return tuple(int(t in chosen) for t in CONTACT_TYPES)


def contact_from_row(r: tuple, _date=date.fromisoformat) -> Contact:
    types = tuple(t for t, flag in zip(CONTACT_TYPES, r[8:13]) if flag)
    concerns = tuple(sorted(r[16].split("+"), key=CONCERNS.index)) if r[16] else ()
    return Contact(id=r[0], client_id=r[1], date=_date(r[2]), staff=r[3], minutes=r[4], place=r[5],
                   center_reason=r[6], note=r[7], types=types, concerns=concerns, shareable=bool(r[13]),
                   deleted_at=r[14], deleted_reason=r[15])


def contact_record(contact: Contact) -> dict:
    """A contact's values as JSON-ready data, for the audit trail."""
    return {"date": contact.date.isoformat(), "types": list(contact.types), "staff": contact.staff,
            "minutes": contact.minutes, "place": contact.place, "concerns": list(contact.concerns),
            "center_reason": contact.center_reason, "note": contact.note, "shareable": contact.shareable}


def _changed(old: dict, new: dict) -> tuple[dict, dict]:
    from .clients import changed_values

    return changed_values(old, new)
