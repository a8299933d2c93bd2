"""support-report: draft a month's 支援レポート from the log."""

from __future__ import annotations

from typing import Optional

import typer

from .common import as_of_option, echo, open_read, parse_month_opt, resolve_as_of, wareki_option


def register(app: typer.Typer) -> None:
    @app.command("support-report")
    def support_report(
        client: str = typer.Argument(..., help="Id, certificate number or exact name."),
        month: str = typer.Option(..., "--month", help="The month the report covers.", metavar="MONTH"),
        fmt: str = typer.Option("md", "--format", help="md (Markdown) or text.", metavar="FORMAT"),
        output: Optional[str] = typer.Option(None, "--output", help="Write the draft to FILE (mode 0600).",
                                             metavar="FILE"),
        force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists (it may hold your edits)."),
        wareki: bool = wareki_option(),
        as_of: Optional[str] = as_of_option(),
    ) -> None:
        """Draft a month's 支援レポート from the contact log; the goal and outlook lines are for you to write.

        Example: teikan support-report 12 --month last --output 支援レポート.md
        """
        from ..errors import InputError
        from ..support_report import FORMATS, build_draft, render_draft

        day = resolve_as_of(as_of)
        wanted = parse_month_opt(month, day)
        kind = fmt.strip().lower()
        if kind not in FORMATS:
            raise InputError("support_report.bad_format", value=fmt)
        if wanted.first > day:
            raise InputError("support_report.future_month", month=str(wanted), as_of=day.isoformat())
        store = open_read()
        found = store.find_client(client)
        if not found.active_in(wanted):
            raise InputError("report.outside_service", client_id=found.id, month=str(wanted))
        draft = build_draft(
            store.load_office(), found, wanted, store.load_contacts(client_id=found.id, month=wanted),
            store.load_plans(found.id).get(found.id, ()), store.load_handovers(found.id).get(found.id),
            _shared_on(store.load_shared_reports(found.id).get(str(wanted))), day, wareki_dates=wareki,
            share_command=f"teikan share-report {found.id} --month {wanted}",
        )
        text = render_draft(draft, kind)
        if output is None:
            typer.echo(text, nl=False)
            return
        write_private(output, text, force)
        echo(_t("support_report.written", path=output))


def _shared_on(report):
    return None if report is None else report.date


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


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)
