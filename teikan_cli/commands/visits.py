"""log-visit, visits, edit-visit, delete-visit."""

from __future__ import annotations

from typing import List, Optional

from .common import (
    argument,
    as_of_opt,
    check_format,
    echo,
    emit,
    excel_opt,
    format_opt,
    open_read,
    open_write,
    option,
    parse_month_opt,
    resolve_as_of,
    t,
    wareki_opt,
)

CONTACT_COLUMNS = ["id", "client_id", "date", "types", "staff", "minutes", "place", "concerns", "center_reason",
                   "note"]


def log_visit(
    client: str = argument("CLIENT"),
    date_text: Optional[str] = option("--date", None, "DATE"),
    types: List[str] = option("--type", [], "TYPE", values="type"),
    staff: Optional[str] = option("--staff", None, "NAME"),
    minutes: Optional[str] = option("--minutes", None, "N"),
    place: Optional[str] = option("--place", None, "PLACE", values="place"),
    concerns: List[str] = option("--concern", [], "CONCERN", values="concern"),
    center_reason: Optional[str] = option("--center-reason", None, "R", values="center_reason"),
    note: Optional[str] = option("--note", None, "TEXT"),
    shareable: bool = option("--shareable", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from dataclasses import replace

    from ..validation import check_contact, contact_from_options, given

    day = resolve_as_of(as_of)
    contact = contact_from_options(given(date=date_text, types=types, staff=staff, minutes=minutes, place=place,
                                         concerns=concerns, center_reason=center_reason, note=note,
                                         shareable=shareable), day)
    store = open_write(who=contact.staff, existing=True)
    with store.write():
        found = store.find_client(client)
        contact = check_contact(replace(contact, client_id=found.id), found, day, store.staff_names())
        contact_id = store.insert_contact(contact)
    echo(t("contact.logged", id=contact_id, client_id=found.id, name=found.name, date=contact.date.isoformat()))


def list_visits(
    client: Optional[str] = option("--client", None, "CLIENT"),
    month: Optional[str] = option("--month", None, "MONTH"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..reports import contact_json

    day = resolve_as_of(as_of)
    wanted = parse_month_opt(month, day)
    fmt = check_format(fmt, excel=excel)
    store = open_read()
    client_id = store.find_client(client).id if client is not None else None
    rows = [contact_json(c) for c in store.load_contacts(client_id=client_id, month=wanted)]
    emit(fmt, CONTACT_COLUMNS, rows, {"contacts": rows}, excel=excel, wareki_dates=wareki)


def edit_visit(
    contact_id: str = argument("ID"),
    date_text: Optional[str] = option("--date", None, "DATE"),
    types: List[str] = option("--type", [], "TYPE", values="type"),
    staff: Optional[str] = option("--staff", None, "NAME"),
    minutes: Optional[str] = option("--minutes", None, "N"),
    place: Optional[str] = option("--place", None, "PLACE", values="place"),
    concerns: List[str] = option("--concern", [], "CONCERN", values="concern"),
    center_reason: Optional[str] = option("--center-reason", None, "R", values="center_reason"),
    note: Optional[str] = option("--note", None, "TEXT"),
    shareable: Optional[bool] = option("--shareable", None, flag="--not-shareable"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import check_contact, edited_contact, given

    day = resolve_as_of(as_of)
    values = given(date=date_text, types=types, staff=staff, minutes=minutes, place=place, concerns=concerns,
                   center_reason=center_reason, note=note, shareable=shareable)
    store = open_write(existing=True)
    with store.write():
        before = recorded_contact(store, contact_id)
        found = store.load_client(before.client_id)
        updated = check_contact(edited_contact(before, values, day), found, day, store.staff_names())
        store.update_contact(updated, before)
    echo(t("contact.edited", id=before.id, client_id=found.id, name=found.name))


def delete_visit(
    contact_id: str = argument("ID"),
    reason: str = option("--reason", ..., "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import reason_text

    resolve_as_of(as_of)
    why = reason_text(reason)
    store = open_write(existing=True)
    with store.write():
        before = recorded_contact(store, contact_id)
        found = store.load_client(before.client_id)
        store.delete_contact(before, why)
    echo(t("contact.deleted", id=before.id, client_id=found.id, name=found.name))


def recorded_contact(store, text: str):
    """The contact of an id typed by the user (`12`, `#12`), not deleted."""
    from ..errors import InputError, NotFoundError
    from ..validation import record_id

    number = record_id(text, "ID")
    found = store.load_contact(number)
    if found is None:
        raise NotFoundError("contact.unknown", id=number)
    if found.deleted_at is not None:
        from ..history import local_time

        raise InputError("contact.already_deleted", id=number, at=local_time(found.deleted_at))
    return found
