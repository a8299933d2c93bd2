"""plan, handover, share-report."""

from __future__ import annotations

from typing import List, Optional

import typer

from .common import as_of_option, echo, open_write, parse_date_opt, parse_month_opt, resolve_as_of


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        date_text: str = typer.Option(..., "--date", help="Date the plan was made or reviewed.", metavar="DATE"),
        cooperation: List[str] = typer.Option([], "--center-cooperation",
                                               help="支援センター cooperation the plan provides for: advice, team-support, group-program.", metavar="R"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Record an individual support plan (個別支援計画) made or reviewed on a date.

        Example: teikan plan 12 --date 2026-04-01 --center-cooperation advice
        """
        from ..errors import InputError
        from ..models import CENTER_REASONS, Plan
        from ..validation import choices

        day = resolve_as_of(as_of)
        when = parse_date_opt(date_text, day)
        reasons = choices(cooperation, CENTER_REASONS, "--center-cooperation")
        if when > day:
            raise InputError("date.future", value=when.isoformat(), as_of=day.isoformat())
        store = open_write(existing=True)
        with store.write():
            found = store.find_client(client)
            end = found.ended_on or found.support_end
            if not found.support_start <= when <= end:
                raise InputError("contact.outside_service", date=when.isoformat(),
                                 start=found.support_start.isoformat(), end=end.isoformat())
            before = store.find_plan(found.id, when)
            plan = (before._replace(center_cooperation=reasons) if before is not None
                    else Plan(id=0, client_id=found.id, date=when, center_cooperation=reasons))
            plan_id = store.save_plan(plan, before)
        echo(_t("plan.saved", id=plan_id, client_id=found.id, name=found.name, date=when.isoformat()))

    @app.command("handover")
    def handover(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        center: Optional[str] = typer.Option(None, "--center", help="Receiving 障害者就業・生活支援センター.", metavar="TEXT"),
        consent_date: Optional[str] = typer.Option(None, "--consent-date", help="Date the client consented to sharing.",
                                                   metavar="DATE"),
        shared_date: Optional[str] = typer.Option(None, "--shared-date", help="Date the information was shared.",
                                                  metavar="DATE"),
        not_needed: Optional[bool] = typer.Option(None, "--not-needed/--needed",
                                                  help="The office judged no support is needed after the period."),
        note: Optional[str] = typer.Option(None, "--note", help="Free note.", metavar="TEXT"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Record or update the handover to the support center (引継ぎ).

        Example: teikan handover 12 --center "○○障害者就業・生活支援センター" --consent-date 2026-09-10
        """
        from dataclasses import replace

        from ..errors import InputError
        from ..i18n import label
        from ..models import Handover
        from ..validation import clean_text

        day = resolve_as_of(as_of)
        changes: dict = {}
        if center is not None:
            changes["center"] = clean_text(center, "center", limit=200)
        for key, text in (("consent_date", consent_date), ("shared_date", shared_date)):
            if text is not None:
                value = parse_date_opt(text, day) if text.strip() else None
                if value is not None and value > day:
                    raise InputError("date.future", value=value.isoformat(), as_of=day.isoformat())
                changes[key] = value
        if not_needed is not None:
            changes["not_needed"] = not_needed
        if note is not None:
            changes["note"] = clean_text(note, "note")
        store = open_write(existing=True)
        with store.write():
            found = store.find_client(client)
            before = store.load_handovers(found.id).get(found.id)
            updated = replace(before or Handover(client_id=found.id), **changes)
            for value in (updated.consent_date, updated.shared_date):
                if value is not None and value < found.support_start:
                    raise InputError("handover.before_start", date=value.isoformat(),
                                     start=found.support_start.isoformat())
            if updated.consent_date and updated.shared_date and updated.shared_date < updated.consent_date:
                raise InputError("handover.shared_before_consent")
            store.save_handover(updated, before)
        echo(_t("handover.saved", client_id=found.id, name=found.name, state=label(updated.state)))

    @app.command("share-report")
    def share_report(
        client: str = typer.Argument(..., help="Id, certificate number or exact name.", metavar="CLIENT"),
        month: str = typer.Option(..., "--month", help="The month the report covers.", metavar="MONTH"),
        date_text: Optional[str] = typer.Option(None, "--date", help="Date it was shared (default --as-of).",
                                                metavar="DATE"),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Record that the month's 支援レポート was shared with the client and employer.

        Example: teikan share-report 12 --month 2026-04 --date 2026-04-30
        """
        from ..errors import InputError
        from ..models import SharedReport

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day)
        when = parse_date_opt(date_text, day) or day
        if when > day:
            raise InputError("date.future", value=when.isoformat(), as_of=day.isoformat())
        store = open_write(existing=True)
        with store.write():
            found = store.find_client(client)
            if not found.active_in(wanted):
                raise InputError("report.outside_service", client_id=found.id, month=str(wanted))
            if when < wanted.first:
                raise InputError("report.before_month", date=when.isoformat(), month=str(wanted))
            store.save_shared_report(SharedReport(found.id, str(wanted), when))
        echo(_t("report.shared", client_id=found.id, name=found.name, month=str(wanted), date=when.isoformat()))


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)
