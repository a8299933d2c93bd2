"""The screens of the commands that print more than one table (show-client, report, staff, due, watch, rate):
each one data structure from the core, laid out here with `render`. Nothing here computes a result."""

from __future__ import annotations

from .common import echo, t

CLIENT_FIELDS = ["name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities", "prior_service",
                 "employment_start", "employment_end", "eligible_from", "support_start", "support_end",
                 "share_deadline", "ended_on", "end_reason", "status"]
CONTACT_TABLE = ["id", "date", "types", "staff", "minutes", "place", "concerns", "center_reason", "note"]
PLAN_TABLE = ["id", "date", "consent_date", "delivered_date", "delivered_to", "next_review", "center_cooperation"]
HANDOVER_COLUMNS = ["client_id", "name", "support_end", "share_deadline", "days_left", "days_to_end", "center",
                    "consent_date", "shared_date", "state"]
# A narrow terminal keeps who, the deadline, the days left and the state; the dates behind them go first.
HANDOVER_NARROW_OMIT = ("days_to_end", "support_end", "consent_date", "shared_date", "center")


def finding_line(finding) -> str:
    """`error face-to-face-missing 2025-06 #12 山田 太郎: …` (office-wide rules have no client part)."""
    from ..render import safe_text

    head = f"{finding.severity} {finding.rule}"
    if finding.month:
        head += f" {finding.month}"
    if finding.client_id is not None:
        head += f" #{finding.client_id} {safe_text(finding.name or '')}"
    return f"{head}: {safe_text(finding.message)}"


def print_findings(findings, title: str | None = None) -> None:
    """One line per finding (folded to a terminal's width, continuation lines indented; whole in a pipe)."""
    from ..i18n import label
    from ..render import print_lines

    echo(title or label("section.findings"))
    print_lines([finding_line(f) for f in findings] if findings else [t("report.none")])


def print_client(data: dict, file, wareki: bool) -> None:
    """show-client: the record, its contacts (with ids), warning signs by month, plan versions, monitorings,
    findings and, when asked, the history."""
    from .. import render
    from ..daily import concern_timeline, monthly_concerns
    from ..i18n import label

    info = data["client"]
    pairs = [(label(k), render.cell(info[k], k, wareki)) for k in CLIENT_FIELDS]
    state = data["handover"]["state"] if data["handover"] else "not-started"
    pairs.append((t("show.handover"), render.cell(state, "state")))
    render.print_pairs(pairs, title=f"#{info['id']} {info['name']}")
    sections = [
        (CONTACT_TABLE, data["contacts"], label("section.contacts")),
        (["month", "concerns"], [{"month": m, "concerns": c} for m, c in
                                 concern_timeline(monthly_concerns(file.contacts)).items()], t("show.concern_timeline")),
        (PLAN_TABLE, data["plans"], label("plans")),
        (["date", "plan_id", "note"], [dict(m, plan_id=p["id"]) for p in data["plans"] for m in p["monitorings"]],
         label("section.monitorings")),
    ]
    for columns, rows, title in sections:
        if rows:
            echo("")
            render.print_table(columns, rows, title=title, wareki_dates=wareki)
    for plan in data["plans"]:
        goals = [(label(k), render.cell(plan[k], k)) for k in ("long_goal", "short_goal", "items") if plan[k]]
        if goals:
            echo("")
            render.print_pairs(goals, title=t("show.plan_goals", date=plan["date"]))
    echo("")
    if data["findings"]:
        render.print_table(["severity", "rule", "month", "message"], data["findings"], title=label("section.findings"))
    else:
        echo(t("report.none"))
    if "history" in data:
        from ..history import history_rows

        echo("")
        render.print_table(["at", "who", "action", "record", "detail"], history_rows(data["history"]),
                           title=label("section.history"))


STAFF_COLUMNS = ["assignments", "name", "role", "hours", "from", "until", "reduced_hours", "month_hours", "fte"]
# A narrow terminal keeps who, the role, the weekly hours and the FTE; the period and the measure go first.
STAFF_NARROW_OMIT = ("until", "reduced_hours", "from", "month_hours", "assignments")


def print_staff(staffing, rows, month, day, wareki: bool) -> None:
    from .. import render

    title = t("staffing.title", month=str(month), as_of=day.isoformat())
    if rows:
        render.print_table(STAFF_COLUMNS, rows, title=title, wareki_dates=wareki, omit=STAFF_NARROW_OMIT)
    else:
        echo(title)
        echo(t("staffing.no_staff", month=str(month)))
    echo("")
    render.print_pairs(staffing_pairs(staffing))
    for line in staffing_advice(staffing):
        echo(line)


def staffing_pairs(staffing) -> list[tuple[str, str]]:
    """The figures a 実地指導 asks for, in its own terms (利用者数(前年度平均), 常勤換算, サービス管理責任者)."""
    from ..rules import fmt_number

    verdict = {True: t("staffing.ok"), False: t("staffing.short")}
    users = fmt_number(staffing.users, 1)
    if staffing.users_basis == "previous-fy-average":
        users_pair = (t("staffing.users"), t("staffing.users_value", users=users, total=staffing.users_total,
                                             months=staffing.users_months, fiscal_year=staffing.users_fiscal_year,
                                             active=staffing.active_in_month))
    else:
        users_pair = (t("staffing.users_current"), t("staffing.users_current_value", users=users))
    return [
        users_pair,
        (t("staffing.fulltime"), t("staffing.fulltime_value", hours=fmt_number(staffing.fulltime_hours))),
        (t("staffing.supporter"), t("staffing.supporter_value", fte=fmt_number(staffing.supporter_fte, 1),
                                    hours=fmt_number(staffing.supporter_hours),
                                    full=fmt_number(staffing.fulltime_hours), users=users,
                                    required=fmt_number(staffing.supporter_fte_required),
                                    verdict=verdict[staffing.supporter_ok])),
        (t("staffing.managers"), t("staffing.managers_value", managers=staffing.managers,
                                   fulltime=staffing.managers_fulltime, required=staffing.managers_required,
                                   verdict=verdict[staffing.manager_ok])),
    ]


def staffing_advice(staffing) -> list[str]:
    """What to add to comply: supporter hours per week, managers, a full-time manager; dual roles."""
    from ..rules import fmt_number

    lines = []
    if not staffing.supporter_ok:
        lines.append(t("staff.shortfall", hours=fmt_number(staffing.supporter_shortfall_hours, 1)))
    if staffing.managers_missing:
        lines.append(t("staff.add_managers", count=staffing.managers_missing))
    if staffing.managers_fulltime < 1:
        lines.append(t("staff.add_fulltime_manager", hours=fmt_number(staffing.fulltime_hours)))
    for name in staffing.dual_role:
        lines.append(t("rule.dual-role", staff=name))
    return lines


REPORT_COLUMNS = ["id", "name", "certificate", "staff", "face", "employer", "remote", "agency", "center",
                  "report_shared", "billable", "concerns", "support_end"]
# What a narrow terminal leaves out of the report first (named under the table; CSV and JSON have every column):
# the other contacts, then the certificate, then the end of the period; billing, staff and concerns stay.
REPORT_NARROW_OMIT = ("remote", "agency", "center", "certificate", "support_end", "staff", "concerns")


def print_report(result, wareki: bool) -> None:
    """The monthly report as a person reads it: clients, billable total and fee estimate, staffing, handovers,
    findings."""
    from .. import render
    from ..i18n import label

    data = result.data
    office = data["office"]["name"]
    title = t("report.title", month=data["month"], as_of=data["as_of"]) + (f" — {office}" if office else "")
    clients = data["clients"]
    render.print_table(REPORT_COLUMNS, clients, title=title, wareki_dates=wareki, omit=REPORT_NARROW_OMIT)
    totals = [t("report.billable_total", count=sum(r["billable"] for r in clients)) + f" / {len(clients)}"]
    fee = data.get("fee_estimate")
    if fee is not None and fee["units"] is None:
        totals.append(t("rate.fee_estimate_none"))
    elif fee is not None:
        totals.append(t("rate.fee_estimate", count=fee["billable_client_months"],
                        units=f"{fee['units_per_client_month']:,}", total=f"{fee['units']:,}", tier=fee["tier"]))
    render.print_lines(totals)
    echo("")
    render.print_pairs(staffing_pairs(result.staffing), title=label("section.staffing"))
    render.print_lines([f"  {line}" for line in staffing_advice(result.staffing)])
    echo("")
    if data["handovers"]:
        print_handovers(data["handovers"], wareki, title=label("section.handovers"))
        echo("")
    print_findings(result.findings)


DUE_TABLE_COLUMNS = ["employer", "id", "name", "needs", "deadline"]
WATCH_CONTACT_COLUMNS = ["date", "id", "name", "types", "staff", "concerns"]


def needs_text(client_due) -> str:
    monthly = ("face", "employer", "report")
    return ", ".join(
        t(f"need.{n.code}") if n.code in monthly else t("due.by", need=t(f"need.{n.code}"), date=n.deadline.isoformat())
        for n in client_due.needs
    )


def days_text(days: int) -> str:
    """Days to a deadline as a person reads them: 「あと5日」「今日まで」「1028日超過」."""
    if days == 0:
        return t("days.today")
    key = "days.left" if days > 0 else "days.overdue"
    return t(key + "_one") if abs(days) == 1 else t(key, days=abs(days))


def print_due(groups, month, day) -> None:
    from .. import render

    for index, group in enumerate(groups):
        rows = []
        for employer in group.employers:
            for position, item in enumerate(employer.clients):
                shown = employer.employer if employer.employer is not None else t("due.no_employer")
                rows.append({"employer": shown if position == 0 else None, "id": item.client.id,
                             "name": item.client.name, "needs": needs_text(item),
                             "deadline": days_text((item.deadline - day).days)})
        title = t("due.title", staff=group.staff or t("due.unassigned"), month=str(month), as_of=day.isoformat())
        if index:
            echo("")
        render.print_table(DUE_TABLE_COLUMNS, rows, title=title, omit=())  # the employer groups the rows: kept


def print_watch(store, watched, shown, day) -> None:
    from .. import render
    from ..i18n import label

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


PEOPLE_TABLE = ["client_id", "name", "employment_end", "retained"]


def print_rate(result, data: dict, day, wareki: bool) -> None:
    from .. import render
    from ..rate import percent_text

    first, last = result.window
    rate_text = (f"{result.numerator}/{result.denominator} = {percent_text(result.rate)}" if result.rate is not None
                 else t("rate.no_rate"))
    day_text = lambda d: render.cell(d.isoformat(), "date", wareki)  # noqa: E731
    pairs = [
        (t("rate.users_between"), f"{day_text(first)} – {day_text(last)}"),
        (t("rate.employed_on"), day_text(last)),
        (t("rate.rate"), rate_text),
        (t("rate.tier"), "" if result.tier is None else str(result.tier)),
        (t("rate.units"), "" if result.units is None else f"{result.units:,}"),
        (t("rate.basis"), t(f"rate.basis.{result.basis}", tier=result.tier)),
    ]
    render.print_pairs(pairs, title=t("rate.title", fiscal_year=result.fiscal_year))
    if last >= day:
        echo(t("rate.projection", previous=result.fiscal_year - 1, as_of=day.isoformat()))
    if "what_if" in data:
        plan = data["what_if"]
        echo(t(f"rate.what_if.{plan['status']}", needed=plan["needed"], tier=plan["next_tier"],
               units=f"{plan['next_units']:,}" if plan["next_units"] is not None else ""))
    if data["people"]:
        echo("")
        rows = [dict(p, retained=t("rate.retained.yes" if p["retained"] else "rate.retained.no")) for p in data["people"]]
        render.print_table(PEOPLE_TABLE, rows, title=t("rate.people"), wareki_dates=wareki)


def print_doctor(checks) -> None:
    """One line per check: its status, its name and what it found; on a terminal the finding is wrapped to its
    width under its own column (a pipe gets one line per check, for grep), as `render.print_lines` decides."""
    import sys

    from ..render import console_for, is_rich_terminal

    echo("\n".join(doctor_lines(checks, console_for(sys.stdout).width if is_rich_terminal() else None)))


def doctor_lines(checks, columns: int | None = None) -> list[str]:
    """`doctor`'s table: status and check name padded by display width (Japanese takes two columns a
    character), the finding folded at `columns` with its continuation lines indented under it. English shows
    the check's code as its name, Japanese its label; JSON always has the code."""
    from ..helpscreen import wrap
    from ..render import safe_text, width

    statuses = [t("doctor.ok" if c.ok else "doctor.problem") for c in checks]
    names = [t(f"doctor.check.{c.code}") for c in checks]
    status_size = max(width(t("doctor.ok")), width(t("doctor.problem"))) + 2
    name_size = max(map(width, names), default=0) + 2
    indent = status_size + name_size
    lines = []
    for status, name, c in zip(statuses, names, checks):
        text = safe_text(t(c.key, **c.params))
        body = wrap(text, max(columns - indent, 20)) if columns else [text]
        head = f"{status}{' ' * (status_size - width(status))}{name}{' ' * (name_size - width(name))}"
        lines.append(head + body[0])
        lines += [" " * indent + line for line in body[1:]]
    return lines


def print_purge(plan, columns, dry_run: bool, emptied: bool, path) -> None:
    """purge as a table: who is (or would be) removed, how many are kept and why, and whether the WAL could
    be emptied of what was removed."""
    from .common import emit

    before = plan.before.isoformat()
    rows = [row.as_json() for row in plan.purge]
    if rows:
        emit("table", columns, rows, None)
        echo(t("purge.dry_run" if dry_run else "purge.done", count=len(rows), before=before))
    else:
        echo(t("purge.none", before=before))
    echo(t("purge.kept", within=plan.within_retention, active=plan.not_ended))
    if not emptied:
        echo(t("purge.wal_busy", path=str(path), before=before))


def print_handovers(rows, wareki: bool, title: str | None = None) -> None:
    """Handovers as a person reads them: the days to the share deadline and to the end in words
    (「62日超過」「あと30日」), not as signed numbers."""
    from .. import render

    shown = [dict(r, days_left=days_text(r["days_left"]), days_to_end=days_text(r["days_to_end"])) for r in rows]
    render.print_table(HANDOVER_COLUMNS, shown, title=title, wareki_dates=wareki, omit=HANDOVER_NARROW_OMIT)
