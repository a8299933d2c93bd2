"""add-client, clients, show-client, edit-client, end-client, delete-client."""

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
    parse_date_opt,
    resolve_as_of,
    t,
    wareki_opt,
)

CLIENT_COLUMNS = ["id", "name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities",
                  "prior_service", "employment_start", "employment_end", "eligible_from", "support_start",
                  "support_end", "share_deadline", "ended_on", "end_reason", "status"]
CLIENT_TABLE = ["id", "name", "staff", "employer", "support_start", "support_end", "share_deadline", "status"]


def add_client(
    name: str = argument("NAME"),
    employment_start: str = option("--employment-start", ..., "DATE"),
    support_start: str = option("--support-start", ..., "DATE"),
    kana: Optional[str] = option("--kana", None, "TEXT"),
    employer: Optional[str] = option("--employer", None, "TEXT"),
    certificate: Optional[str] = option("--certificate", None, "DIGITS"),
    grant_until: Optional[str] = option("--grant-until", None, "DATE"),
    staff: Optional[str] = option("--staff", None, "NAME"),
    disability: List[str] = option("--disability", [], "KIND", values="disability"),
    prior_service: Optional[str] = option("--prior-service", None, "KIND", values="prior_service"),
    interim_support_end: Optional[str] = option("--interim-support-end", None, "DATE"),
    note: Optional[str] = option("--note", None, "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..rules import registration_findings
    from ..validation import client_from_text, given

    day = resolve_as_of(as_of)
    client = client_from_text(given(
        name=name, employment_start=employment_start, support_start=support_start, kana=kana, employer=employer,
        certificate=certificate, grant_until=grant_until, staff=staff, disabilities=disability,
        prior_service=prior_service, interim_support_end=interim_support_end, note=note), day)
    store = open_write()
    with store.write():
        check_certificate(store, client.certificate)
        client_id = store.insert_client(client)
        namesakes = [c for c in store.clients_named(client.name) if c.id != client_id]
        added = store.load_client(client_id)
    echo(t("client.added", id=client_id, name=added.name, eligible_from=added.eligible_from.isoformat(),
           support_start=added.support_start.isoformat(), support_end=added.support_end.isoformat(),
           share_deadline=added.share_deadline.isoformat()))
    warn_namesakes(added, namesakes)
    warn_findings(registration_findings(added, day))


def list_clients(
    status: str = option("--status", "active", "STATUS", values="status_filter"),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..reports import client_json
    from ..validation import choice

    day = resolve_as_of(as_of)
    wanted = choice(status, ("active", "ended", "not-started", "all"), "--status")
    fmt = check_format(fmt, excel=excel)
    rows = [client_json(c, day) for c in open_read().load_clients()]
    rows = [r for r in rows if wanted == "all" or r["status"] == wanted]
    emit(fmt, CLIENT_COLUMNS if fmt == "csv" else CLIENT_TABLE, rows, {"clients": rows}, excel=excel,
         wareki_dates=wareki)


def show_client(
    client: str = argument("CLIENT"),
    history: bool = option("--history", False),
    fmt: str = format_opt(),
    excel: bool = excel_opt(),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import render
    from ..engine import evaluate
    from ..reports import client_view
    from ..rules import check_months

    day = resolve_as_of(as_of)
    fmt = check_format(fmt, excel=excel)
    store = open_read()
    found = store.find_client(client)
    file = store.load_client_file(found.id, history=history)
    findings = evaluate(store, check_months(day, None), day, only=[found.id]).findings
    data = client_view(found, file, findings, day)
    if fmt == "csv":
        render.print_csv(CLIENT_COLUMNS, [data["client"]], excel=excel)
    elif fmt == "json":
        render.print_json(data)
    else:
        from .screens import print_client

        print_client(data, file, wareki)


def edit_client(
    client: str = argument("CLIENT"),
    name: Optional[str] = option("--name", None, "TEXT"),
    employment_start: Optional[str] = option("--employment-start", None, "DATE"),
    support_start: Optional[str] = option("--support-start", None, "DATE"),
    kana: Optional[str] = option("--kana", None, "TEXT"),
    employer: Optional[str] = option("--employer", None, "TEXT"),
    certificate: Optional[str] = option("--certificate", None, "DIGITS"),
    grant_until: Optional[str] = option("--grant-until", None, "DATE"),
    staff: Optional[str] = option("--staff", None, "NAME"),
    disability: List[str] = option("--disability", [], "KIND", values="disability"),
    prior_service: Optional[str] = option("--prior-service", None, "KIND", values="prior_service"),
    interim_support_end: Optional[str] = option("--interim-support-end", None, "DATE"),
    employment_end: Optional[str] = option("--employment-end", None, "DATE"),
    job_change: Optional[str] = option("--job-change", None, "DATE"),
    reemployed: Optional[str] = option("--reemployed", None, "DATE"),
    note: Optional[str] = option("--note", None, "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import edited_client, given

    day = resolve_as_of(as_of)
    values = given(name=name, employment_start=employment_start, support_start=support_start, kana=kana,
                   employer=employer, certificate=certificate, grant_until=grant_until, staff=staff,
                   disabilities=disability, prior_service=prior_service, interim_support_end=interim_support_end,
                   employment_end=employment_end, job_change=job_change, reemployed=reemployed, note=note)
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        updated = edited_client(found, values, day, store.record_span(found.id))
        if updated.certificate != found.certificate:
            check_certificate(store, updated.certificate)
        store.update_client(updated, found)
        namesakes = [c for c in store.clients_named(updated.name) if c.id != found.id] if "name" in values else []
    echo(t("client.updated", id=found.id, name=updated.name))
    warn_namesakes(updated, namesakes)


def end_client(
    client: str = argument("CLIENT"),
    date_text: str = option("--date", ..., "DATE"),
    reason: str = option("--reason", ..., "REASON", values="end_reason"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..i18n import label
    from ..validation import check_records_inside, choice, ended_client

    day = resolve_as_of(as_of)
    ended_on = parse_date_opt(date_text, day)
    why = choice(reason, ("period-end", "job-loss", "user-request", "handover", "other"), "--reason")
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        updated = check_records_inside(ended_client(found, ended_on, why, day), store.record_span(found.id))
        store.update_client(updated, found, "end-client")
    echo(t("client.ended", id=found.id, name=found.name, date=ended_on.isoformat(), reason=label(why)))


def delete_client(
    client: str = argument("CLIENT"),
    reason: str = option("--reason", ..., "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..errors import InputError
    from ..validation import reason_text

    resolve_as_of(as_of)
    why = reason_text(reason)
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        records = {kind: n for kind, n in store.client_records(found.id).items() if n}
        if records:
            listed = ", ".join(f"{t('records.' + kind)} {n}" for kind, n in records.items())
            raise InputError("client.has_records", id=found.id, records=listed)
        store.delete_client(found, why)
    echo(t("client.deleted", id=found.id, name=found.name, reason=why))


# ------------------------------------------------------------------ shared steps


def check_certificate(store, certificate: str | None) -> None:
    """A 受給者証番号 names one client only (SPEC §3 add-client)."""
    from ..errors import InputError

    if certificate and (owner := store.certificate_owner(certificate)) is not None:
        raise InputError("client.duplicate_certificate", certificate=certificate, owner=owner)


def warn_namesakes(client, namesakes) -> None:
    """SPEC §12: a name another client has is said at once; from then on it is ambiguous."""
    import sys

    for other in namesakes:
        sys.stderr.write(t("client.namesake", other=other.id, name=client.name) + "\n")


def warn_findings(findings) -> None:
    """Findings a registration has from its first day (a period already over), on stderr."""
    import sys

    from .screens import finding_line

    for finding in findings:
        sys.stderr.write(finding_line(finding) + "\n")
