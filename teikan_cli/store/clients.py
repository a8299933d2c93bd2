"""Clients: registration, lookup by id / certificate / name, changes."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from functools import lru_cache
from typing import Iterable

from ..errors import InputError, NotFoundError
from ..models import Client
from ..names import name_key

CLIENT_COLUMNS = (
    "id, name, kana, employer, certificate, grant_until, staff, prior_service, employment_start, "
    "interim_support_end, employment_end, job_change, reemployed, support_start, ended_on, end_reason, note"
)


class ClientQueries:
    def _clients(self, where: str = "", params: Iterable = ()) -> list[Client]:
        rows = self.conn.execute(
            f"SELECT {CLIENT_COLUMNS}, "
            "(SELECT group_concat(kind, '+') FROM client_disabilities d WHERE d.client_id = clients.id) "
            f"FROM clients {where} ORDER BY id",
            tuple(params),
        ).fetchall()
        return [client_from_row(row) for row in rows]

    def load_clients(self) -> list[Client]:
        return self._clients()

    def load_clients_since(self, since: date, only: list[int] | None = None) -> list[Client]:
        """Clients not ended before `since` (the only ones a month or dated rule can concern); with `only`,
        just those ids."""
        where, params = "WHERE (ended_on IS NULL OR ended_on >= ?)", [since.isoformat()]
        if only is not None:
            where += " AND id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(only))
        return self._clients(where, params)

    def load_client(self, client_id: int) -> Client | None:
        found = self._clients("WHERE id = ?", (client_id,))
        return found[0] if found else None

    def clients_named(self, name: str) -> list[Client]:
        """Clients whose name is `name` after the name rule (SPEC §3)."""
        key = name_key(name)
        return self._clients("WHERE name = ?", (key,)) if key else []

    def find_client(self, ref: str) -> Client:
        """CLIENT = id, certificate number or name (SPEC §3); a name two clients share is an input error listing
        their ids, however it is spelt.

        Ten digits are a certificate number only (0000000012 never falls back to client #12: a mistyped
        受給者証番号 must not pick somebody else); `12` and `#12` are ids.
        """
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in ref):
            # Bytes that are not UTF-8 on the command line (surrogate escapes): no stored name has them.
            raise NotFoundError("client.unknown", ref=ref.encode("utf-8", "backslashreplace").decode("utf-8"))
        text = name_key(ref) or ""
        number = text[1:].strip() if text.startswith("#") else text
        if number.isascii() and number.isdigit():
            if len(number) == 10 and not text.startswith("#"):
                found = self._clients("WHERE certificate = ?", (number,))
            else:
                found = self._clients("WHERE id = ?", (int(number),)) if len(number) <= 18 else []
            if found:
                return found[0]
        found = self._clients("WHERE name = ?", (text,)) if text else []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError("client.ambiguous", ref=ref, ids=", ".join(f"#{c.id}" for c in found))
        raise NotFoundError("client.unknown", ref=ref)

    def record_span(self, client_id: int) -> tuple[date, date] | None:
        """First and last date of the client's dated records (contacts and plans), or None."""
        row = self.conn.execute(
            "SELECT MIN(d), MAX(d) FROM (SELECT date AS d FROM contacts WHERE client_id = ? AND deleted_at IS NULL "
            "UNION ALL SELECT date FROM plans WHERE client_id = ?)",
            (client_id, client_id),
        ).fetchone()
        return None if row[0] is None else (date.fromisoformat(row[0]), date.fromisoformat(row[1]))

    def client_records(self, client_id: int) -> dict[str, int]:
        """How many records of each kind a client has beyond the registration (delete-client, SPEC §12)."""
        counts = {}
        for kind, sql in (("contacts", "SELECT COUNT(*) FROM contacts WHERE client_id = ?"),
                          ("plans", "SELECT COUNT(*) FROM plans WHERE client_id = ?"),
                          ("reports", "SELECT COUNT(*) FROM shared_reports WHERE client_id = ?"),
                          ("handovers", "SELECT COUNT(*) FROM handovers WHERE client_id = ?"),
                          ("monitorings", "SELECT COUNT(*) FROM monitorings WHERE client_id = ?")):
            counts[kind] = self.conn.execute(sql, (client_id,)).fetchone()[0]
        return counts

    def certificate_owner(self, certificate: str) -> int | None:
        row = self.conn.execute("SELECT id FROM clients WHERE certificate = ?", (certificate,)).fetchone()
        return row[0] if row else None

    def insert_client(self, client: Client) -> int:
        values = client_values(client)
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

    def update_client(self, client: Client, before: Client, action: str = "edit-client") -> None:
        """Write `client` over its record; the audit row keeps the old and new values of what changed."""
        values = client_values(client)
        values.pop("id")
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(f"UPDATE clients SET {assignments} WHERE id = ?", (*values.values(), client.id))
        self.conn.execute("DELETE FROM client_disabilities WHERE client_id = ?", (client.id,))
        self.conn.executemany(
            "INSERT INTO client_disabilities (client_id, kind) VALUES (?, ?)", [(client.id, k) for k in client.disabilities]
        )
        old, new = changed_values(client_record(before), client_record(client))
        self.audit(action, client.id, f"client:{client.id}", old=old, new=new)

    def delete_client(self, client: Client, reason: str) -> None:
        """Remove a client registered by mistake (the caller checked nothing else is recorded)."""
        self.conn.execute("DELETE FROM clients WHERE id = ?", (client.id,))
        self.audit("delete-client", client.id, f"client:{client.id}", old=client_record(client), reason=reason)


def client_record(client: Client) -> dict:
    """A client's stored values as JSON-ready data (ISO dates, lists), for the audit trail."""
    values = client_values(client)
    values["disabilities"] = list(client.disabilities)
    return values


def changed_values(old: dict, new: dict) -> tuple[dict, dict]:
    """The keys whose value differs, with the old and the new value."""
    keys = [k for k in new if old.get(k) != new[k]]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


@lru_cache(maxsize=4096)
def _disabilities(text: str | None) -> tuple[str, ...]:
    """`mental+physical` → ('physical', 'mental'), in the canonical order (a handful of distinct values)."""
    if not text:
        return ()
    from ..models import DISABILITIES

    return tuple(sorted(text.split("+"), key=DISABILITIES.index))


def client_from_row(r: tuple, _date=date.fromisoformat) -> Client:
    """A `Client` from a row of `CLIENT_COLUMNS` + disabilities."""
    return Client(
        id=r[0], name=r[1], kana=r[2], employer=r[3], certificate=r[4], grant_until=r[5] and _date(r[5]),
        staff=r[6], prior_service=r[7], employment_start=_date(r[8]), interim_support_end=r[9] and _date(r[9]),
        employment_end=r[10] and _date(r[10]), job_change=r[11] and _date(r[11]), reemployed=r[12] and _date(r[12]),
        support_start=_date(r[13]), ended_on=r[14] and _date(r[14]), end_reason=r[15], note=r[16],
        disabilities=_disabilities(r[17]),
    )


NAME_COLUMNS = ("name", "kana", "staff")  # stored after the name rule (SPEC §3): lookups compare them as typed


def client_values(client: Client) -> dict:
    values = {}
    for f in fields(Client):
        if f.name == "disabilities":
            continue
        value = getattr(client, f.name)
        if f.name in NAME_COLUMNS:
            value = name_key(value)
        values[f.name] = value.isoformat() if isinstance(value, date) else value
    return values
