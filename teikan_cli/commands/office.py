"""init: the office record."""

from __future__ import annotations

from typing import Optional

from .common import as_of_opt, echo, open_write, option, resolve_as_of, t


def init(
    office_name: Optional[str] = option("--office-name", None, "TEXT"),
    office_number: Optional[str] = option("--office-number", None, "DIGITS"),
    fulltime_hours: Optional[str] = option("--fulltime-hours", None, "HOURS"),
    opened: Optional[str] = option("--opened", None, "DATE"),
    rate_tier: Optional[str] = option("--rate-tier", None, "TIER"),
    office_address: Optional[str] = option("--office-address", None, "TEXT"),
    office_phone: Optional[str] = option("--office-phone", None, "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import office_values

    day = resolve_as_of(as_of)
    values = office_values(day, name=office_name, number=office_number, fulltime_hours=fulltime_hours,
                           opened=opened, rate_tier=rate_tier, address=office_address, phone=office_phone)
    store = open_write()
    with store.write():
        if values or store.office_row() is None:
            store.save_office(values)
    row = store.office_row() or {}
    echo(t("office.saved_at", name=row.get("name") or "-", path=str(store.path)))
