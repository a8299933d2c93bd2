"""The handover (引継ぎ) to the 障害者就業・生活支援センター (SPEC §4 rule 7)."""

from __future__ import annotations

from datetime import date

from ..dates import parse_iso
from ..models import Handover


class HandoverQueries:
    def save_handover(self, handover: Handover, before: Handover | None = None) -> None:
        self.conn.execute(
            "INSERT INTO handovers (client_id, center, consent_date, shared_date, not_needed, note) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (client_id) DO UPDATE SET center = excluded.center, consent_date = excluded.consent_date, "
            "shared_date = excluded.shared_date, not_needed = excluded.not_needed, note = excluded.note",
            (handover.client_id, handover.center, _iso(handover.consent_date), _iso(handover.shared_date),
             int(handover.not_needed), handover.note),
        )
        from .clients import changed_values

        new = handover_record(handover)
        old, new = changed_values(handover_record(before), new) if before is not None else (None, new)
        self.audit("handover", handover.client_id, f"handover:{handover.client_id}", old=old, new=new)

    def load_handovers(self, client_id: int | None = None, as_of: date | None = None,
                       only: list[int] | None = None) -> dict[int, Handover]:
        """Handovers by client (one, those of `only`, or all); with `as_of`, consent and sharing dated later are
        left out (not known yet)."""
        import json

        where, params = ("WHERE client_id = ?", (client_id,)) if client_id is not None else ("", ())
        if only is not None:
            where, params = "WHERE client_id IN (SELECT value FROM json_each(?))", (json.dumps(only),)
        rows = self.conn.execute(
            f"SELECT client_id, center, consent_date, shared_date, not_needed, note FROM handovers {where}", params
        ).fetchall()
        return {r[0]: handover_known(r, as_of) for r in rows}


def handover_known(row, as_of: date | None) -> Handover:
    """A `Handover` from (client_id, center, consent_date, shared_date, not_needed, note) as known on `as_of`:
    a consent or a share dated later is left out."""
    known = "9999-12-31" if as_of is None else as_of.isoformat()  # ISO dates compare as text
    client_id, center, consent, shared, not_needed, note = row
    return Handover(client_id=client_id, center=center,
                    consent_date=parse_iso(consent) if consent and consent <= known else None,
                    shared_date=parse_iso(shared) if shared and shared <= known else None,
                    not_needed=bool(not_needed), note=note)


def handover_record(h: Handover) -> dict:
    return {"center": h.center, "consent_date": _iso(h.consent_date), "shared_date": _iso(h.shared_date),
            "not_needed": h.not_needed, "note": h.note}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
