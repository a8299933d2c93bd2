"""The office record (one row)."""

from __future__ import annotations

from ..dates import parse_iso
from ..models import Office

_COLUMNS = "name, number, fulltime_hours, opened, rate_tier, address, phone"


class OfficeQueries:
    def load_office(self) -> Office:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM office WHERE id = 1").fetchone()
        if row is None or row[3] is None:
            # Designation date unknown: the earliest support start stands in for it (SPEC §3 init --opened).
            first = self.conn.execute("SELECT MIN(support_start) FROM clients").fetchone()[0]
            if row is None:
                return Office(opened=parse_iso(first))
            row = (*row[:3], first, *row[4:])
        name, number, hours, opened, tier, address, phone = row
        return Office(name=name, number=number, fulltime_hours=hours, opened=parse_iso(opened), rate_tier=tier,
                      address=address, phone=phone)

    def office_row(self) -> dict | None:
        cur = self.conn.execute(f"SELECT {_COLUMNS} FROM office WHERE id = 1")
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row))

    def save_office(self, values: dict) -> None:
        """Insert or update the single office row with the given columns."""
        old = self.office_row()
        self.conn.execute("INSERT OR IGNORE INTO office (id) VALUES (1)")
        for column, value in values.items():
            self.conn.execute(f"UPDATE office SET {column} = ? WHERE id = 1", (value,))
        changed = {k: v for k, v in values.items() if old is None or old.get(k) != v}
        self.audit("init", record="office",
                   old={k: old.get(k) for k in changed} if old else None, new=changed or None)
