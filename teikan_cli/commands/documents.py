"""share-report, support-report, service-record: the papers that leave the office (SPEC §11)."""

from __future__ import annotations

from typing import List, Optional

from .common import (
    argument,
    as_of_opt,
    echo,
    open_read,
    open_write,
    option,
    parse_date_opt,
    parse_month_opt,
    resolve_as_of,
    t,
    wareki_opt,
)


def share_report(
    client: str = argument("CLIENT"),
    month: str = option("--month", ..., "MONTH"),
    date_text: Optional[str] = option("--date", None, "DATE"),
    to: List[str] = option("--to", [], "WHOM", values="recipient"),
    method: Optional[str] = option("--method", None, "METHOD", values="method"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import shared_report

    day = resolve_as_of(as_of)
    wanted = parse_month_opt(month, day)
    when = parse_date_opt(date_text, day) or day
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        store.save_shared_report(shared_report(found, wanted, when, to, method, day))
    echo(t("report.shared", client_id=found.id, name=found.name, month=str(wanted), date=when.isoformat()))


def support_report(
    client: str = argument("CLIENT"),
    month: str = option("--month", ..., "MONTH"),
    fmt: str = option("--format", "md", "FORMAT"),
    copy: str = option("--copy", "client", "COPY", values="copy"),
    output: Optional[str] = option("--output", None, "FILE"),
    force: bool = option("--force", False),
    wareki: bool = wareki_opt(),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..support_report import check_draft_request

    day = resolve_as_of(as_of)
    wanted = parse_month_opt(month, day)
    kind, which = check_draft_request(fmt, copy, wanted, day)
    store = open_read()
    found = store.find_client(client)
    if not found.active_in(wanted):
        from ..errors import InputError

        raise InputError("report.outside_service", client_id=found.id, month=str(wanted))
    write_document(support_report_text(store, found, wanted, day, kind, which, wareki), output, force)


def support_report_text(store, client, month, as_of, kind: str, copy: str, wareki: bool) -> str:
    """The month's 支援レポート: the printable page (`html`, one copy), or the draft to edit (`md`, `text`)."""
    from ..i18n import language

    with store.read():
        office, contacts = store.load_office(), store.load_contacts(client_id=client.id, month=month, until=as_of)
        plans = store.load_plans(client.id).get(client.id, ())
        shared = store.load_shared_reports(client.id).get(str(month))
        if kind == "html":
            from ..documents.sources import managers_in, support_report_page
            from ..documents.support_report import support_report_html

            page = support_report_page(office, client, month, contacts, plans, shared,
                                       managers_in(store.load_assignments(), month), copy, as_of)
            return support_report_html(page, language(), wareki=wareki)
        from ..support_report import build_draft, render_draft

        draft = build_draft(office, client, month, contacts, plans, store.load_handovers(client.id).get(client.id),
                            _shared_on(shared), as_of, wareki_dates=wareki,
                            share_command=f"teikan share-report {client.id} --month {month}")
        return render_draft(draft, kind)


def _shared_on(report):
    return None if report is None else report.date


def write_document(text: str, output: str | None, force: bool) -> None:
    """stdout, or FILE written whole and private (0600), replacing a file only with `force`."""
    import typer

    if output is None:
        typer.echo(text, nl=False)
        return
    write_private(output, text, force)
    echo(t("document.written", path=output))


def write_private(path_text: str, text: str, force: bool) -> None:
    """Write a file readable by its owner only (0600), atomically; an existing file only with `force`."""
    import os
    from pathlib import Path

    from ..errors import InputError

    path = Path(path_text).expanduser()
    if path.is_dir():
        raise InputError("output.cannot_write", path=str(path))
    if path.exists() and not force:
        raise InputError("output.exists", path=str(path))
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise InputError("output.cannot_write", path=str(path)) from None


def service_record(
    client: Optional[str] = argument("CLIENT", None),
    month: str = option("--month", ..., "MONTH"),
    every: bool = option("--all", False),
    fmt: str = option("--format", "table", "FORMAT"),
    output: Optional[str] = option("--output", None, "FILE"),
    force: bool = option("--force", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..documents.service_record import service_record_html, service_record_rows, service_record_screen
    from ..i18n import language

    day = resolve_as_of(as_of)
    wanted = parse_month_opt(month, day)
    kind = check_record_request(fmt, client, every, output)
    pages = service_record_pages(open_read(), client, wanted, day)
    if kind == "html":
        write_document(service_record_html(pages, language()), output, force)
        return
    if kind == "table":
        show_record(*service_record_screen(pages[0], language()))
        return
    rows = [row for page in pages for row in service_record_rows(page)]
    if kind == "json":
        from .. import render

        write_document(render.json_text({"service_record": rows}) + "\n", output, force)
    else:
        emit_rows(rows, output, force)


def check_record_request(fmt: str, client: str | None, every: bool, output: str | None) -> str:
    """`service-record`: one client, or `--all` as one printable file (SPEC §11); a table is for the screen."""
    from ..errors import InputError
    from ..validation import choice

    kind = choice(fmt, ("table", "json", "csv", "html"), "--format")
    if every == (client is not None):
        raise InputError("record.client_or_all")
    if every and kind != "html":
        raise InputError("record.all_is_html")
    if kind == "table" and output is not None:
        raise InputError("record.table_to_file")
    return kind


def service_record_pages(store, client: str | None, month, as_of):
    """The pages of the サービス提供実績記録票: the client's, or every client in service in the month, by id."""
    from ..documents.sources import service_record_page
    from ..errors import InputError

    with store.read():
        office = store.load_office()
        chosen = [store.find_client(client)] if client is not None else \
            [c for c in store.load_clients() if c.active_in(month)]
        if client is not None and not chosen[0].active_in(month):
            raise InputError("report.outside_service", client_id=chosen[0].id, month=str(month))
        return [service_record_page(office, c, month, store.load_contacts(client_id=c.id, month=month, until=as_of),
                                    store.load_shared_reports(c.id).get(str(month))) for c in chosen]


def emit_rows(rows: list[dict], output: str | None, force: bool) -> None:
    from .. import render
    from ..documents.service_record import ROW_FIELDS

    write_document(render.csv_text(list(ROW_FIELDS), rows), output, force)


def show_record(title: str, rows: list[dict]) -> None:
    from .. import render
    from ..documents.service_record import ROW_FIELDS

    print(render.safe_text(title))
    render.print_table(list(ROW_FIELDS[2:]), rows)
