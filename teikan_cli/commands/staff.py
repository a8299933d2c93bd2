"""add-staff, staff, end-staff, delete-staff."""

from __future__ import annotations

from typing import Optional

from .common import (
    argument,
    as_of_opt,
    check_format,
    echo,
    excel_opt,
    format_opt,
    month_or_current,
    open_read,
    open_write,
    option,
    parse_date_opt,
    resolve_as_of,
    t,
    wareki_opt,
)


def add_staff(
    name: str = argument("NAME"),
    role: str = option("--role", ..., "ROLE", values="role"),
    hours: str = option("--hours", ..., "HOURS"),
    from_text: Optional[str] = option("--from", None, "DATE"),
    until_text: Optional[str] = option("--until", None, "DATE"),
    reduced_hours: bool = option("--reduced-hours", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..i18n import label
    from ..validation import assignment_from_options

    day = resolve_as_of(as_of)
    assignment = assignment_from_options(name, role, hours, parse_date_opt(from_text, day),
                                         parse_date_opt(until_text, day), reduced_hours)
    store = open_write(who=assignment.name)
    with store.write():
        assignment_id = store.insert_assignment(assignment)
    echo(t("staff.added", id=assignment_id, name=assignment.name, role=label(assignment.role),
           hours=f"{assignment.hours:g}"))


def list_staff(
    month: Optional[str] = option("--month", None, "MONTH"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..engine import load_staffing
    from ..reports import staff_rows
    from .screens import STAFF_COLUMNS, print_staff

    day = resolve_as_of(as_of)
    wanted = month_or_current(month, day)
    fmt = check_format(fmt, excel=excel)
    store = open_read()
    staffing = load_staffing(store, [wanted])[wanted]
    rows = staff_rows(staffing)
    if fmt == "json":
        render.print_json({"month": str(wanted), "as_of": day.isoformat(), "staff": rows,
                           "staffing": staffing.details_json()})
    elif fmt == "csv":
        render.print_csv(STAFF_COLUMNS, rows, excel=excel)
    else:
        print_staff(staffing, rows, wanted, day, wareki)


def end_staff(
    name: str = argument("NAME"),
    until_text: str = option("--until", ..., "DATE"),
    role: Optional[str] = option("--role", None, "ROLE", values="role"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..i18n import label
    from ..staffing import assignments_to_end
    from ..validation import choice

    day = resolve_as_of(as_of)
    until = parse_date_opt(until_text, day)
    wanted = choice(role, ("supporter", "manager"), "--role") if role else None
    store = open_write(existing=True)
    with store.write():
        person = known_person(store, name)
        ended = assignments_to_end(store.load_assignments(), person, until, wanted)
        for assignment in ended:
            store.end_assignment(assignment, until)
    for a in ended:
        echo(t("staff.ended", id=a.id, name=person.name, role=label(a.role), until=until.isoformat()))


def delete_staff(
    assignment_id: str = argument("ASSIGNMENT_ID"),
    reason: str = option("--reason", ..., "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..errors import NotFoundError
    from ..i18n import label
    from ..validation import reason_text, record_id

    resolve_as_of(as_of)
    why = reason_text(reason)
    number = record_id(assignment_id, "ASSIGNMENT_ID")
    store = open_write(existing=True)
    with store.write():
        found = store.load_assignment(number)
        if found is None or found.deleted_at is not None:
            raise NotFoundError("staff.unknown_assignment", id=number)
        store.delete_assignment(found, why)
    echo(t("staff.deleted", id=found.id, name=found.name, role=label(found.role)))


def known_person(store, name: str):
    """The registered person of a name (compared after the name rule), or an input error."""
    from ..errors import NotFoundError

    person = store.find_person(name)
    if person is None:
        raise NotFoundError("staff.unknown", name=name)
    return person
