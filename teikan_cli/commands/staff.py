"""add-staff, staff."""

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
    open_write,
    parse_date_opt,
    parse_month_opt,
    resolve_as_of,
    wareki_option,
)

STAFF_COLUMNS = ["name", "role", "hours", "from", "until", "reduced_hours", "fte"]


def register(app: typer.Typer) -> None:
    @app.command("add-staff")
    def add_staff(
        name: str = typer.Argument(..., help="Staff member's name."),
        role: str = typer.Option(..., "--role", help="supporter (就労定着支援員) or manager (サービス管理責任者)."),
        hours: str = typer.Option(..., "--hours", help="Weekly hours in this role."),
        from_text: Optional[str] = typer.Option(None, "--from", help="First day of the assignment.", metavar="DATE"),
        until_text: Optional[str] = typer.Option(None, "--until", help="Last day of the assignment.", metavar="DATE"),
        reduced_hours: bool = typer.Option(False, "--reduced-hours",
                                           help="On a statutory short-hours measure (育児・介護・治療): 30 h counts as full time."),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Add one role assignment (two roles = two assignments).

        Example: teikan add-staff 佐藤 --role supporter --hours 40 --from 2025-04-01
        """
        from ..models import ROLES, Assignment
        from ..validation import check_assignment, choice, clean_text
        from ..validation import hours as check_hours

        day = resolve_as_of(as_of)
        assignment = check_assignment(Assignment(
            id=0, name=clean_text(name, "name", required=True, limit=200), role=choice(role, ROLES, "--role"),
            hours=check_hours(hours, "--hours"), from_date=parse_date_opt(from_text, day),
            until_date=parse_date_opt(until_text, day), reduced_hours=reduced_hours,
        ))
        store = open_write(who=assignment.name)
        with store.write():
            assignment_id = store.insert_assignment(assignment)
        echo(_t("staff.added", id=assignment_id, name=assignment.name, role=_label(assignment.role),
                hours=f"{assignment.hours:g}"))

    @app.command("staff")
    def staff(
        month: Optional[str] = typer.Option(None, "--month", help="Month (default: the month of --as-of).",
                                            metavar="MONTH"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Staff with 常勤換算 per role for a month, against the required numbers.

        Example: teikan staff --month 2026-04
        """
        from .. import render
        from ..dates import Month
        from ..engine import staffing_for
        from ..i18n import label, t

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day) or Month.of(day)
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        caseload = store.load_caseload([wanted], day)
        staffing = staffing_for(store, caseload, [wanted])[wanted]
        fte_by = {(p.name, p.role): p.fte for p in staffing.people}
        rows = [
            {"name": a.name, "role": a.role, "hours": a.hours, "from": _iso(a.from_date), "until": _iso(a.until_date),
             "reduced_hours": a.reduced_hours,
             "fte": round(float(fte_by.get((a.name, a.role), 0)), 3) if a.overlaps(wanted) else 0.0}
            for a in caseload.assignments
        ]
        summary = staffing.as_json()
        summary["fulltime_hours"] = float(staffing.fulltime_hours)
        summary["supporter_shortfall_hours"] = float(staffing.supporter_shortfall_hours)
        summary["managers_fulltime"] = staffing.managers_fulltime
        summary["dual_role"] = list(staffing.dual_role)
        if fmt == "json":
            render.print_json({"month": str(wanted), "as_of": day.isoformat(), "staff": rows, "staffing": summary})
            return
        if fmt == "csv":
            render.print_csv(STAFF_COLUMNS, rows, excel=excel)
            return
        render.print_table(STAFF_COLUMNS, rows, title=f"{label('section.staffing')} {wanted}", wareki_dates=wareki)
        echo("")
        render.print_pairs(staffing_pairs(staffing))
        if staffing.supporter_shortfall_hours:
            echo(t("staff.shortfall", hours=f"{float(staffing.supporter_shortfall_hours):.1f}"))


def staffing_pairs(staffing) -> list[tuple[str, str]]:
    """The figures a 実地指導 asks for, in its own terms."""
    from ..i18n import label

    users_basis = label(staffing.users_basis)
    return [
        (label("users"), f"{float(staffing.users):.1f} ({users_basis}; {label('active_in_month')} {staffing.active_in_month})"),
        (label("supporter_fte"), f"{float(staffing.supporter_fte):.1f} / {label('supporter_fte_required')} "
                                 f"{float(staffing.supporter_fte_required):.3f}".rstrip("0").rstrip(".")),
        (label("managers"), f"{staffing.managers} / {label('managers_required')} {staffing.managers_required}"),
        (label("ok"), label("yes" if staffing.ok else "no")),
    ]


def _label(code: str) -> str:
    from ..i18n import label

    return label(code)


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)


def _iso(day) -> str | None:
    return day.isoformat() if day else None
