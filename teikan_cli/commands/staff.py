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
        from ..names import name_key
        from ..validation import check_assignment, choice, clean_text
        from ..validation import hours as check_hours

        day = resolve_as_of(as_of)
        assignment = check_assignment(Assignment(
            id=0, name=name_key(clean_text(name, "name", required=True, limit=200)), role=choice(role, ROLES, "--role"),
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
        """Staff with 常勤換算 per role for a month, against the required numbers and the shortfall.

        Example: teikan staff --month 2026-04
        """
        from .. import render
        from ..dates import Month
        from ..engine import load_staffing

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day) or Month.of(day)
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        staffing = load_staffing(store, [wanted])[wanted]
        rows = [person_row(p) for p in staffing.people]
        if fmt == "json":
            render.print_json({"month": str(wanted), "as_of": day.isoformat(), "staff": rows,
                               "staffing": staffing.details_json()})
            return
        if fmt == "csv":
            render.print_csv(STAFF_COLUMNS, rows, excel=excel)
            return
        title = _t("staffing.title", month=str(wanted), as_of=day.isoformat())
        if rows:
            render.print_table(STAFF_COLUMNS, rows, title=title, wareki_dates=wareki)
        else:
            echo(title)
            echo(_t("staffing.no_staff", month=str(wanted)))
        echo("")
        render.print_pairs(staffing_pairs(staffing))
        for line in staffing_advice(staffing):
            echo(line)


def person_row(person) -> dict:
    """One person in one role for the month: weekly hours and the 常勤換算 it contributes (capped at 1)."""
    return {"name": person.name, "role": person.role, "hours": person.hours, "from": _iso(person.from_date),
            "until": _iso(person.until_date), "reduced_hours": person.reduced_hours,
            "fte": round(float(person.fte), 4)}


def staffing_pairs(staffing) -> list[tuple[str, str]]:
    """The figures a 実地指導 asks for, in its own terms (利用者数(前年度平均), 常勤換算, サービス管理責任者)."""
    from ..rules import fmt_number

    verdict = {True: _t("staffing.ok"), False: _t("staffing.short")}
    users = fmt_number(staffing.users, 1)
    if staffing.users_basis == "previous-fy-average":
        users_pair = (_t("staffing.users"), _t("staffing.users_value", users=users, total=staffing.users_total,
                                               months=staffing.users_months, fiscal_year=staffing.users_fiscal_year,
                                               active=staffing.active_in_month))
    else:
        users_pair = (_t("staffing.users_current"), _t("staffing.users_current_value", users=users))
    return [
        users_pair,
        (_t("staffing.fulltime"), _t("staffing.fulltime_value", hours=fmt_number(staffing.fulltime_hours))),
        (_t("staffing.supporter"), _t("staffing.supporter_value", fte=fmt_number(staffing.supporter_fte, 1),
                                      hours=fmt_number(staffing.supporter_hours),
                                      full=fmt_number(staffing.fulltime_hours),
                                      required=fmt_number(staffing.supporter_fte_required),
                                      required_hours=fmt_number(staffing.supporter_hours_required),
                                      verdict=verdict[staffing.supporter_ok])),
        (_t("staffing.managers"), _t("staffing.managers_value", managers=staffing.managers,
                                     fulltime=staffing.managers_fulltime, required=staffing.managers_required,
                                     verdict=verdict[staffing.manager_ok])),
    ]


def staffing_advice(staffing) -> list[str]:
    """What to add to comply: supporter hours per week, managers, a full-time manager; dual roles."""
    from ..rules import fmt_number

    lines = []
    if not staffing.supporter_ok:
        lines.append(_t("staff.shortfall", hours=fmt_number(staffing.supporter_shortfall_hours, 1)))
    if staffing.managers_missing:
        lines.append(_t("staff.add_managers", count=staffing.managers_missing))
    if staffing.managers_fulltime < 1:
        lines.append(_t("staff.add_fulltime_manager", hours=fmt_number(staffing.fulltime_hours)))
    for name in staffing.dual_role:
        lines.append(_t("rule.dual-role", staff=name))
    return lines


def _label(code: str) -> str:
    from ..i18n import label

    return label(code)


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)


def _iso(day) -> str | None:
    return day.isoformat() if day else None
