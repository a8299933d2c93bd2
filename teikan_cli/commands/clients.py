"""init, add-client, clients, show-client, edit-client, end-client."""

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
    resolve_as_of,
    wareki_option,
)

CLIENT_COLUMNS = ["id", "name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities",
                  "prior_service", "employment_start", "employment_end", "eligible_from", "support_start",
                  "support_end", "share_deadline", "ended_on", "end_reason", "status"]
CLIENT_TABLE = ["id", "name", "staff", "employer", "support_start", "support_end", "share_deadline", "status"]
CONTACT_COLUMNS = ["id", "client_id", "date", "types", "staff", "minutes", "place", "concerns", "center_reason", "note"]


def contact_json(contact) -> dict:
    return {
        "id": contact.id, "client_id": contact.client_id, "date": contact.date.isoformat(), "types": list(contact.types),
        "staff": contact.staff, "minutes": contact.minutes, "place": contact.place, "concerns": list(contact.concerns),
        "center_reason": contact.center_reason, "note": contact.note,
    }


def _client_values(**options) -> dict:
    """Only the options the user gave (None = not given)."""
    return {k: v for k, v in options.items() if v is not None and v != []}


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        office_name: Optional[str] = typer.Option(None, "--office-name", help="Office name (事業所名).", metavar="TEXT"),
        office_number: Optional[str] = typer.Option(None, "--office-number", help="事業所番号, 10 digits.", metavar="DIGITS"),
        fulltime_hours: Optional[str] = typer.Option(None, "--fulltime-hours",
                                                       help="常勤の従業者が勤務すべき時間数 per week (default 40).", metavar="HOURS"),
        opened: Optional[str] = typer.Option(None, "--opened", help="Designation date (default: earliest support start).", metavar="DATE"),
        rate_tier: Optional[int] = typer.Option(None, "--rate-tier", help="New office: the 就労定着率 tier notified (1–7).", metavar="TIER"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Create or update the office record (idempotent).

        Example: teikan init --office-name "ひまわり就労定着センター" --office-number 1312345678
        """
        from ..errors import InputError
        from ..validation import clean_text, hours, ten_digits

        day = resolve_as_of(as_of)
        values: dict = {}
        if office_name is not None:
            values["name"] = clean_text(office_name, "--office-name", limit=200)
        if office_number is not None:
            values["number"] = ten_digits(office_number, "--office-number")
        if fulltime_hours is not None:
            values["fulltime_hours"] = hours(fulltime_hours, "--fulltime-hours")
        if opened is not None:
            values["opened"] = parse_date_opt(opened, day).isoformat()
        if rate_tier is not None:
            if not 1 <= rate_tier <= 7:
                raise InputError("input.bad_choice", field="--rate-tier", value=rate_tier, allowed="1–7")
            values["rate_tier"] = rate_tier
        store = open_write()
        with store.write():
            if values or store.office_row() is None:
                store.save_office(values)
        row = store.office_row() or {}
        echo(_t("office.saved_at", name=row.get("name") or "-", path=str(store.path)))

    @app.command("add-client")
    def add_client(
        name: str = typer.Argument(..., help="Full name (氏名).", metavar="NAME"),
        employment_start: str = typer.Option(..., "--employment-start", help="Date the job started (就職日).", metavar="DATE"),
        support_start: str = typer.Option(..., "--support-start", help="First day of 就労定着支援 (利用開始日).", metavar="DATE"),
        kana: Optional[str] = typer.Option(None, "--kana", help="Name in kana (フリガナ).", metavar="TEXT"),
        employer: Optional[str] = typer.Option(None, "--employer", help="Employer (就職先).", metavar="TEXT"),
        certificate: Optional[str] = typer.Option(None, "--certificate", help="受給者証番号, 10 digits.", metavar="DIGITS"),
        grant_until: Optional[str] = typer.Option(None, "--grant-until", help="Last day of the grant (支給決定期間).", metavar="DATE"),
        staff: Optional[str] = typer.Option(None, "--staff", help="Responsible staff member.", metavar="TEXT"),
        disability: List[str] = typer.Option([], "--disability", help="Disability kind (repeatable).", metavar="KIND"),
        prior_service: Optional[str] = typer.Option(None, "--prior-service", help="Service used before the job.", metavar="KIND"),
        interim_support_end: Optional[str] = typer.Option(None, "--interim-support-end",
                                                          help="End of 就労移行支援 received while employed.", metavar="DATE"),
        note: Optional[str] = typer.Option(None, "--note", help="Free note.", metavar="TEXT"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Register a client; prints the id and the computed dates.

        Example: teikan add-client "山田 太郎" --employment-start 2025-04-01 --support-start 2025-10-01
        """
        from ..errors import InputError
        from ..validation import client_from_text

        day = resolve_as_of(as_of)
        values = _client_values(name=name, employment_start=employment_start, support_start=support_start, kana=kana,
                                employer=employer, certificate=certificate, grant_until=grant_until, staff=staff,
                                disabilities=disability, prior_service=prior_service,
                                interim_support_end=interim_support_end, note=note)
        client = client_from_text(values, day)
        store = open_write()
        with store.write():
            if client.certificate and (owner := store.certificate_owner(client.certificate)) is not None:
                raise InputError("client.duplicate_certificate", certificate=client.certificate, owner=owner)
            client_id = store.insert_client(client)
        echo(_t("client.added", id=client_id, name=client.name, eligible_from=client.eligible_from.isoformat(),
                support_start=client.support_start.isoformat(), support_end=client.support_end.isoformat(),
                share_deadline=client.share_deadline.isoformat()))

    @app.command("clients")
    def clients(
        status: str = typer.Option("active", "--status", help="active, ended or all (as of --as-of).", metavar="STATUS"),
        fmt: str = format_option(),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """List clients (default: active as of --as-of).

        Example: teikan clients --status all --format csv --excel > clients.csv
        """
        from ..reports import client_json
        from ..validation import choice

        day = resolve_as_of(as_of)
        wanted = choice(status, ("active", "ended", "all"), "--status")
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        rows = [client_json(c, day) for c in store.load_clients()]
        if wanted != "all":
            rows = [r for r in rows if r["status"] == wanted]
        emit(fmt, CLIENT_COLUMNS if fmt == "csv" else CLIENT_TABLE, rows, {"clients": rows}, excel=excel,
             wareki_dates=wareki)

    @app.command("show-client")
    def show_client(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        history: bool = typer.Option(False, "--history", help="Also show who changed the record, and when."),
        fmt: str = format_option(help_text="Output format: table, json, or csv (the client record as one row)."),
        excel: bool = excel_option(),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """One client: computed dates, contacts, plans, handover, current findings.

        Example: teikan show-client 12
        """
        from .. import render
        from ..engine import evaluate
        from ..i18n import label
        from ..reports import client_json, handover_state
        from ..rules import check_months

        day = resolve_as_of(as_of)
        fmt = check_format(fmt, excel=excel)
        store = open_read()
        found = store.find_client(client)
        if fmt == "csv":
            render.print_csv(CLIENT_COLUMNS, [client_json(found, day)], excel=excel)
            return
        loaded = store.load_contacts(client_id=found.id)
        contacts = [contact_json(c) for c in loaded]
        plans = [{"id": p.id, "date": p.date.isoformat(), "center_cooperation": list(p.center_cooperation)}
                 for p in store.load_plans(found.id).get(found.id, ())]
        handover = store.load_handovers(found.id).get(found.id)
        handover_json = None if handover is None else {
            "center": handover.center, "consent_date": _iso(handover.consent_date),
            "shared_date": _iso(handover.shared_date), "not_needed": handover.not_needed,
            "state": handover_state(handover), "note": handover.note,
        }
        evaluation = evaluate(store, check_months(day, None), day)
        from ..daily import concern_timeline, monthly_concerns
        findings = [f.as_json() for f in evaluation.findings if f.client_id == found.id]
        data = {"client": client_json(found, day), "contacts": contacts, "plans": plans, "handover": handover_json,
                "findings": findings}
        if history:
            data["history"] = store.load_history(found.id)
        if fmt == "json":
            render.print_json(data)
            return
        info = data["client"]
        pairs = [(label(k), render.cell(info[k], k, wareki)) for k in CLIENT_COLUMNS if k != "id"]
        pairs.append((_t("show.handover"), render.cell(handover_state(handover), "state")))
        render.print_pairs(pairs, title=f"#{found.id} {found.name}")
        if contacts:
            echo("")
            render.print_table(CONTACT_COLUMNS[2:], contacts, title=label("section.contacts"), wareki_dates=wareki)
        timeline = concern_timeline(monthly_concerns(loaded))
        if timeline:
            echo("")
            render.print_table(["month", "concerns"], [{"month": m, "concerns": c} for m, c in timeline.items()],
                               title=_t("show.concern_timeline"))
        if plans:
            echo("")
            render.print_table(["date", "center_cooperation"], plans, title=label("plans"), wareki_dates=wareki)
        echo("")
        if findings:
            render.print_table(["severity", "rule", "month", "message"], findings, title=label("section.findings"))
        else:
            echo(_t("report.none"))
        if history:
            echo("")
            render.print_table(["at", "who", "action", "record", "detail"], data["history"],
                               title=label("section.history"))

    @app.command("edit-client")
    def edit_client(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        name: Optional[str] = typer.Option(None, "--name", help="New name.", metavar="TEXT"),
        employment_start: Optional[str] = typer.Option(None, "--employment-start", help="就職日.", metavar="DATE"),
        support_start: Optional[str] = typer.Option(None, "--support-start", help="利用開始日.", metavar="DATE"),
        kana: Optional[str] = typer.Option(None, "--kana", help="フリガナ (empty to clear).", metavar="TEXT"),
        employer: Optional[str] = typer.Option(None, "--employer", help="就職先 (empty to clear).", metavar="TEXT"),
        certificate: Optional[str] = typer.Option(None, "--certificate", help="受給者証番号 (empty to clear).", metavar="DIGITS"),
        grant_until: Optional[str] = typer.Option(None, "--grant-until", help="支給決定期間 end (empty to clear).", metavar="DATE"),
        staff: Optional[str] = typer.Option(None, "--staff", help="Responsible staff (empty to clear).", metavar="TEXT"),
        disability: List[str] = typer.Option([], "--disability", help="Disability kinds (replace the list).", metavar="KIND"),
        prior_service: Optional[str] = typer.Option(None, "--prior-service", help="Service used before the job.", metavar="KIND"),
        interim_support_end: Optional[str] = typer.Option(None, "--interim-support-end", help="End of interim 就労移行支援.", metavar="DATE"),
        employment_end: Optional[str] = typer.Option(None, "--employment-end", help="離職日 (last day employed).", metavar="DATE"),
        job_change: Optional[str] = typer.Option(None, "--job-change", help="Last day at the previous job (one change).", metavar="DATE"),
        reemployed: Optional[str] = typer.Option(None, "--reemployed", help="First day at the new job.", metavar="DATE"),
        note: Optional[str] = typer.Option(None, "--note", help="Free note (empty to clear).", metavar="TEXT"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Change a client's fields, with the same checks as add-client.

        Example: teikan edit-client 12 --employment-end 2026-01-31
        """
        from ..errors import InputError
        from ..validation import check_records_inside, client_from_text

        day = resolve_as_of(as_of)
        values = _client_values(name=name, employment_start=employment_start, support_start=support_start, kana=kana,
                                employer=employer, certificate=certificate, grant_until=grant_until, staff=staff,
                                disabilities=disability, prior_service=prior_service,
                                interim_support_end=interim_support_end, employment_end=employment_end,
                                job_change=job_change, reemployed=reemployed, note=note)
        if not values:
            raise InputError("input.nothing_to_change")
        store = open_write(existing=True)
        with store.write():
            found = store.find_client(client)
            if job_change is not None and found.job_change is not None:
                raise InputError("client.job_change_twice")
            updated = client_from_text(values, day, base=found)
            check_records_inside(updated, store.record_span(found.id))
            if updated.certificate and updated.certificate != found.certificate:
                owner = store.certificate_owner(updated.certificate)
                if owner is not None and owner != found.id:
                    raise InputError("client.duplicate_certificate", certificate=updated.certificate, owner=owner)
            store.update_client(updated, found)
        echo(_t("client.updated", id=found.id, name=updated.name))

    @app.command("end-client")
    def end_client(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        date_text: str = typer.Option(..., "--date", help="Last day of the service.", metavar="DATE"),
        reason: str = typer.Option(..., "--reason", help="period-end, job-loss, user-request, handover or other.", metavar="REASON"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """End the service (job-loss also records the employment end).

        Example: teikan end-client 12 --date 2026-03-31 --reason period-end
        """
        from dataclasses import replace

        from ..i18n import label
        from ..models import END_REASONS
        from ..validation import check_client, check_records_inside, choice

        day = resolve_as_of(as_of)
        ended_on = parse_date_opt(date_text, day)
        why = choice(reason, END_REASONS, "--reason")
        store = open_write(existing=True)
        with store.write():
            found = store.find_client(client)
            changes = {"ended_on": ended_on, "end_reason": why}
            if why == "job-loss" and (found.employment_end is None or found.employment_end > ended_on):
                changes["employment_end"] = ended_on
            updated = check_client(replace(found, **changes), day)
            check_records_inside(updated, store.record_span(found.id))
            store.update_client(updated, found, "end-client")
        echo(_t("client.ended", id=found.id, name=found.name, date=ended_on.isoformat(), reason=label(why)))


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)


def _iso(day) -> str | None:
    return day.isoformat() if day else None
