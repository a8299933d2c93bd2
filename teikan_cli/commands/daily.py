"""due, watch: the daily driver (SPEC §10)."""

from __future__ import annotations

from typing import Optional

import typer

from .common import (
    as_of_option,
    check_format,
    echo,
    excel_option,
    format_option,
    open_read,
    parse_month_opt,
    resolve_as_of,
)

DUE_CSV_COLUMNS = ["staff", "employer", "client_id", "name", "needs", "deadline", "days_left"]
DUE_TABLE_COLUMNS = ["employer", "id", "name", "needs", "days_left"]
WATCH_CONTACT_COLUMNS = ["date", "id", "name", "types", "staff", "concerns"]
MAX_WATCH_MONTHS = 120


def register(app: typer.Typer) -> None:
    @app.command("due")
    def due(
        staff: Optional[str] = typer.Option(None, "--staff", help="Only this staff member's clients.", metavar="NAME"),
        month: Optional[str] = typer.Option(None, "--month", help="Month (default: the month of --as-of).",
                                            metavar="MONTH"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """What remains to do this month, per staff member and employer, most urgent first (silent when done).

        Example: teikan due --staff 佐藤
        """
        from .. import render
        from ..daily import build_due, due_json, due_rows, known_staff
        from ..errors import NotFoundError
        from ..validation import clean_text

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day) or _month_of(day)
        fmt = check_format(fmt, excel=excel)
        name = None if staff is None else clean_text(staff, "--staff", required=True, limit=200)
        store = open_read()
        caseload = store.load_caseload([wanted], day)
        if name is not None and name not in known_staff(caseload, store.staff_names()):
            raise NotFoundError("staff.unknown", name=name)
        groups = build_due(caseload, wanted, day, name)
        if fmt == "json":
            render.print_json(due_json(groups, wanted, day))
        elif groups and fmt == "csv":
            render.print_csv(DUE_CSV_COLUMNS, due_rows(groups, day), excel=excel)
        elif groups:
            _print_due_tables(groups, wanted, day)

    @app.command("watch")
    def watch(
        months: int = typer.Option(3, "--months", help="How many months of concerns to show (default 3).",
                                   metavar="N"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Clients whose recorded concerns are rising (repeated, several, new-attendance), with the contacts.

        Example: teikan watch --months 6
        """
        from .. import render
        from ..daily import build_watch, watch_json, watch_months
        from ..errors import InputError

        day = resolve_as_of(as_of)
        fmt = check_format(fmt, excel=excel)
        if not 1 <= months <= MAX_WATCH_MONTHS:
            raise InputError("input.bad_months", value=months)
        last = _month_of(day)
        shown, loaded = watch_months(last, months)
        store = open_read()
        watched = build_watch(store.load_caseload([last], day, activity_months=loaded), day, months)
        if fmt == "json":
            render.print_json(watch_json(watched, day))
        elif watched and fmt == "csv":
            columns = ["client_id", "name", "patterns"] + [str(m) for m in shown]
            rows = [dict(w.concerns, client_id=w.client.id, name=w.client.name, patterns=list(w.patterns))
                    for w in watched]
            render.print_csv(columns, rows, excel=excel)
        elif watched:
            _print_watch_tables(store, watched, shown, day)


def _month_of(day):
    from ..dates import Month

    return Month.of(day)


def _needs_text(client_due) -> str:
    from ..i18n import t

    monthly = ("face", "employer", "report")
    return ", ".join(
        t(f"need.{n.code}") if n.code in monthly else t("due.by", need=t(f"need.{n.code}"), date=n.deadline.isoformat())
        for n in client_due.needs
    )


def _print_due_tables(groups, month, day) -> None:
    from .. import render
    from ..i18n import t

    for index, group in enumerate(groups):
        rows = []
        for employer in group.employers:
            for position, item in enumerate(employer.clients):
                shown = employer.employer if employer.employer is not None else t("due.no_employer")
                rows.append({"employer": shown if position == 0 else None, "id": item.client.id,
                             "name": item.client.name, "needs": _needs_text(item),
                             "days_left": (item.deadline - day).days})
        title = t("due.title", staff=group.staff or t("due.unassigned"), month=str(month), as_of=day.isoformat())
        if index:
            echo("")
        render.print_table(DUE_TABLE_COLUMNS, rows, title=title)


def _print_watch_tables(store, watched, shown, day) -> None:
    from .. import render
    from ..i18n import label, t

    columns = ["id", "name", "patterns"] + [str(m) for m in shown]
    rows = []
    for w in watched:
        row = {"id": w.client.id, "name": w.client.name,
               "patterns": ", ".join(t(f"pattern.{p}") for p in w.patterns)}
        row.update({m: ", ".join(label(c) for c in concerns) for m, concerns in w.concerns.items()})
        rows.append(row)
    render.print_table(columns, rows, title=t("watch.title", first=str(shown[0]), last=str(shown[-1]),
                                              as_of=day.isoformat()))
    contacts = []
    for w in watched:
        for contact in store.load_contacts(client_id=w.client.id, since=shown[0].first, until=shown[-1].last):
            if contact.concerns:
                contacts.append({"date": contact.date.isoformat(), "id": w.client.id, "name": w.client.name,
                                 "types": ", ".join(label(f"{x}:type") for x in contact.types),
                                 "staff": contact.staff, "concerns": list(contact.concerns)})
    if contacts:
        echo("")
        render.print_table(WATCH_CONTACT_COLUMNS, contacts, title=t("watch.contacts"))
