"""log-visit, visits."""

from __future__ import annotations

from typing import List, Optional

import typer

from .common import (
    as_of_option,
    check_format,
    echo,
    emit,
    excel_option,
    format_option,
    open_read,
    open_write,
    parse_date_opt,
    parse_month_opt,
    resolve_as_of,
    wareki_option,
)


def register(app: typer.Typer) -> None:
    @app.command("log-visit")
    def log_visit(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        date_text: Optional[str] = typer.Option(None, "--date", help="Date of the contact (default --as-of).",
                                                metavar="DATE"),
        types: List[str] = typer.Option([], "--type", help="face, employer, remote, agency or center (repeatable).", metavar="TYPE"),
        staff: Optional[str] = typer.Option(None, "--staff", help="Staff member who made the contact.", metavar="TEXT"),
        minutes: Optional[int] = typer.Option(None, "--minutes", help="Length in minutes.", metavar="N"),
        place: Optional[str] = typer.Option(None, "--place", help="home, workplace, office or other.", metavar="PLACE"),
        concerns: List[str] = typer.Option([], "--concern", help="Warning sign seen (repeatable).", metavar="CONCERN"),
        center_reason: Optional[str] = typer.Option(None, "--center-reason",
                                                    help="advice, team-support or group-program (for --type center).", metavar="R"),
        note: Optional[str] = typer.Option(None, "--note", help="What happened.", metavar="TEXT"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Record one contact with a client; prints its id.

        Example: teikan log-visit 12 --type face --type employer --place workplace --staff 佐藤
        """
        from dataclasses import replace

        from ..errors import InputError
        from ..models import CENTER_REASONS, CONCERNS, CONTACT_TYPES, PLACES, Contact
        from ..names import name_key
        from ..validation import check_contact, choice, choices, clean_text
        from ..validation import minutes as check_minutes

        day = resolve_as_of(as_of)
        when = parse_date_opt(date_text, day) or day
        if not types:
            raise InputError("input.required", field="--type")
        contact = Contact(
            id=0, client_id=0, date=when, types=choices(types, CONTACT_TYPES, "--type"),
            staff=name_key(clean_text(staff, "staff", limit=200)), minutes=check_minutes(minutes),
            place=choice(place, PLACES, "--place") if place else None,
            concerns=choices(concerns, CONCERNS, "--concern"),
            center_reason=choice(center_reason, CENTER_REASONS, "--center-reason") if center_reason else None,
            note=clean_text(note, "note"),
        )
        store = open_write(who=contact.staff, existing=True)
        with store.write():
            found = store.find_client(client)
            contact = check_contact(replace(contact, client_id=found.id), found, day,
                                    store.staff_names() if contact.staff else set())
            contact_id = store.insert_contact(contact)
        echo(_t("contact.logged", id=contact_id, client_id=found.id, name=found.name, date=when.isoformat()))

    @app.command("visits")
    def visits(
        client: Optional[str] = typer.Option(None, "--client", help="Only this client (id, certificate number or exact name).", metavar="CLIENT"),
        month: Optional[str] = typer.Option(None, "--month", help="Only this month.", metavar="MONTH"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """List contacts, oldest first.

        Example: teikan visits --month last --client 12
        """
        from .clients import CONTACT_COLUMNS, contact_json

        day = resolve_as_of(as_of)
        wanted_month = parse_month_opt(month, day)
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        client_id = store.find_client(client).id if client is not None else None
        rows = [contact_json(c) for c in store.load_contacts(client_id=client_id, month=wanted_month)]
        emit(fmt, CONTACT_COLUMNS, rows, {"contacts": rows}, excel=excel, wareki_dates=wareki)


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)
