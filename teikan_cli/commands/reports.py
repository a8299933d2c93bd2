"""report, check, handovers."""

from __future__ import annotations

from typing import Optional

import typer

from .common import (
    as_of_option,
    check_format,
    days_option_value,
    echo,
    emit,
    excel_option,
    format_option,
    open_read,
    parse_month_opt,
    resolve_as_of,
    wareki_option,
)

# The table leaves out the face contacts' dates (its Face column counts them); CSV has every JSON key (SPEC §5).
REPORT_COLUMNS = ["id", "name", "certificate", "staff", "face", "employer", "remote", "agency", "center", "report_shared",
                  "billable", "concerns", "support_end"]
REPORT_CSV_COLUMNS = ["id", "name", "certificate", "staff", "face", "face_dates", "employer", "remote", "agency",
                      "center", "report_shared", "billable", "concerns", "support_end"]
HANDOVER_COLUMNS = ["client_id", "name", "support_end", "share_deadline", "days_left", "center", "consent_date",
                    "shared_date", "state"]
FINDING_COLUMNS = ["severity", "rule", "month", "client_id", "name", "message"]


def finding_line(finding) -> str:
    """`error face-to-face-missing 2025-06 #12 山田 太郎: …` (office-wide rules have no client part)."""
    from ..render import _clean

    head = f"{finding.severity} {finding.rule}"
    if finding.month:
        head += f" {finding.month}"
    if finding.client_id is not None:
        head += f" #{finding.client_id} {_clean(finding.name or '')}"
    return f"{head}: {_clean(finding.message)}"


def finding_rows(findings) -> list[dict]:
    return [dict(f.as_json(), name=f.name) for f in findings]


def print_report(data: dict, staffing, findings, wareki: bool) -> None:
    """The table rendering of `build_report`'s dict: clients, billable total, staffing, handovers, findings."""
    from .. import render
    from ..i18n import label, t
    from .staff import staffing_advice, staffing_pairs

    office = data["office"]["name"]
    title = t("report.title", month=data["month"], as_of=data["as_of"]) + (f" — {office}" if office else "")
    clients = data["clients"]
    render.print_table(REPORT_COLUMNS, clients, title=title, wareki_dates=wareki)
    echo(t("report.billable_total", count=sum(r["billable"] for r in clients)) + f" / {len(clients)}")
    fee = data.get("fee_estimate")
    if fee is not None:
        if fee["units"] is None:
            echo(t("rate.fee_estimate_none"))
        else:
            echo(t("rate.fee_estimate", count=fee["billable_client_months"], units=f"{fee['units_per_client_month']:,}",
                   total=f"{fee['units']:,}", tier=fee["tier"]))
    echo("")
    render.print_pairs(staffing_pairs(staffing), title=label("section.staffing"))
    for line in staffing_advice(staffing):
        echo(f"  {line}")
    echo("")
    if data["handovers"]:
        render.print_table(HANDOVER_COLUMNS, data["handovers"], title=label("section.handovers"), wareki_dates=wareki)
        echo("")
    echo(label("section.findings"))
    if findings:
        echo("\n".join(finding_line(f) for f in findings))
    else:
        echo(t("report.none"))


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        month: str = typer.Option(..., "--month", help="The month to report on.", metavar="MONTH"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """The monthly compliance report: contacts, billable months, staffing, handovers, findings.

        Example: teikan report --month last
        """
        from ..dates import Month, fiscal_year
        from ..engine import evaluate
        from ..rate import handover_reduction_findings, rate_for_month, rate_window
        from ..reports import build_report, handover_late_clients, month_rows, report_findings, report_sections
        from ..rules import sort_findings

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day)
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        with store.read():  # one snapshot for every part of the report
            # The dated rules' findings carry the month of --as-of: only that month's report lists them.
            evaluation = evaluate(store, [wanted], day, dated=wanted == Month.of(day))
            rate = None
            if fmt == "table" and fiscal_year(wanted) >= 2024:
                rate = rate_for_month(store.load_service_records(*rate_window(fiscal_year(wanted))), wanted,
                                      evaluation.caseload.office.rate_tier)
        caseload, staffing = evaluation.caseload, evaluation.staffing[wanted]
        rows = month_rows(caseload, wanted)
        late = [{"rule": "handover-late"} for _ in handover_late_clients(caseload, wanted, day)]
        findings = sort_findings(evaluation.findings + handover_reduction_findings(late, wanted))
        data = build_report(caseload, wanted, day, staffing, findings, rows=rows)
        if fmt != "table":
            # JSON keeps exactly the keys of SPEC §5; the fee estimate is in the table and in `teikan rate`.
            emit(fmt, REPORT_CSV_COLUMNS, data["clients"], data, excel=excel)
            return
        data.update(report_sections(caseload, wanted, day, staffing, findings, rate, rows=rows))
        print_report(data, staffing, report_findings(findings, wanted), wareki)

    @app.command("check")
    def check(
        month: Optional[str] = typer.Option(None, "--month", help="Check only this month.", metavar="MONTH"),
        within: int = typer.Option(90, "--within", help="Warn about handover deadlines within DAYS.", metavar="DAYS"),
        remind_days: int = typer.Option(7, "--remind-days", help="Remind in the month's last N days.", metavar="N"),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
        fmt: str = format_option("text", "Output format: text or json."),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """The cron check: silent when all is well, one line per finding otherwise (errors first).

        Example: teikan check --strict
        """
        from .. import render
        from ..engine import evaluate
        from ..reports import build_check
        from ..rules import Settings, check_months

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day)
        fmt = check_format(fmt, ("text", "json", "table"))
        settings = Settings(within=days_option_value(within, "--within"),
                            remind_days=days_option_value(remind_days, "--remind-days"))
        store = open_read()
        months = check_months(day, wanted)
        evaluation = evaluate(store, months, day, settings)
        findings = evaluation.findings
        if fmt == "json":
            render.print_json(build_check(months, day, findings, evaluation.staffing[months[-1]]))
        elif findings:
            echo("\n".join(finding_line(f) for f in findings))
        if any(f.severity == "error" for f in findings) or (strict and findings):
            raise typer.Exit(1)

    @app.command("handovers")
    def handovers(
        within: int = typer.Option(180, "--within", help="Clients whose service ends within DAYS.", metavar="DAYS"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Clients whose service ends soon, with the handover share deadline and state, soonest first.

        Example: teikan handovers --within 120
        """
        from ..reports import handover_rows

        day = resolve_as_of(as_of)
        fmt = check_format(fmt, excel=excel)
        days = days_option_value(within, "--within")
        store = open_read()
        caseload = store.load_caseload([], day)
        rows = handover_rows(caseload, day, days)
        emit(fmt, HANDOVER_COLUMNS, rows, {"handovers": rows}, excel=excel, wareki_dates=wareki)
