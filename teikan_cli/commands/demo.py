"""demo: build the fictional office of `examples/` into a database and show its busiest month."""

from __future__ import annotations

from typing import Optional

import typer

from .common import echo, option

DEFAULT_PATH = "teikan-demo.db"


def demo(
    ctx: typer.Context,
    path: str = option("--path", DEFAULT_PATH, "FILE"),
    as_of: Optional[str] = option("--as-of", None, "DATE"),
) -> None:
    from pathlib import Path

    from ..dates import parse_date, today_jst
    from ..demo_data import demo_office, read_demo_json, reference_date

    data = read_demo_json()
    day = parse_date(as_of, today_jst()) if as_of is not None else reference_date(data)
    office = demo_office(data, day)
    build_demo_database(Path(path).expanduser(), office)
    show_demo(ctx, office, path, dated_demo=as_of is not None)


def show_demo(ctx, office, path: str, dated_demo: bool) -> None:
    """What was built, the busiest month's report and check (run as the real commands), what to try next."""
    from pathlib import Path

    from ..demo_data import busiest_month
    from ..i18n import t

    day = office.as_of
    month = busiest_month(office)
    echo(t("demo.built", office=office.office.get("name"), path=path))
    echo(t("demo.contents", clients=len(office.clients), staff=len(office.staff_names),
           contacts=office.contact_count, plans=office.plan_count, as_of=day.isoformat()))
    root = ctx.find_root().command
    common = ["--db", str(Path(path).expanduser())]
    dated = ["--month", str(month), "--as-of", day.isoformat()]
    echo("")
    echo(_heading(t("demo.report_heading", month=str(month))))
    echo(_command_line(["report", *dated], path, "$ "))
    echo("")
    _run(root, [*common, "report", *dated])
    echo("")
    code, lines = _capture(root, [*common, "check", *dated])
    echo(_heading(t("demo.check_heading", month=str(month), code=code)))
    echo(_command_line(["check", *dated], path, "$ "))
    echo("")
    typer.echo(lines or t("demo.check_clean") + "\n", nl=False)
    echo("")
    echo(_heading(t("demo.next")))
    for command, explanation in next_steps(office, month, day, path, root, ctx, dated_demo):
        echo(f"  {command}")
        echo(f"      {explanation}")


def build_demo_database(target, office) -> None:
    """Build into a temporary file beside `target`, then swap it in: `target` is replaced only when it is a
    demo database, and is never left half-built."""
    import os

    from ..demo_data import save_demo_office
    from ..i18n import t
    from ..render import progress
    from ..store import open_store

    ensure_replaceable(target)
    temp = target.with_name(f".{target.name}.building-{os.getpid()}")
    _remove(temp)
    try:
        store = open_store(temp, create=True, who="teikan demo")
        try:
            total = len(office.assignments) + len(office.clients) + office.contact_count
            with progress(total, t("demo.building")) as advance, store.write():
                save_demo_office(store, office, advance)
        finally:
            store.close()
        _remove(target, companions_only=True)
        os.replace(temp, target)
    finally:
        _remove(temp)


def ensure_replaceable(target) -> None:
    """A file at `target` must be a database `teikan demo` built; anything else is refused untouched."""
    from ..demo_data import is_demo_office
    from ..errors import DatabaseError, InputError
    from ..store import open_store

    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_file():
        raise InputError("demo.not_demo", path=str(target))
    try:
        store = open_store(target, create=False)
    except DatabaseError:
        raise InputError("demo.not_demo", path=str(target)) from None
    try:
        row = store.office_row()
    finally:
        store.close()
    if not is_demo_office(row):
        raise InputError("demo.not_demo", path=str(target))


def next_steps(office, month, day, path: str, root, ctx, dated_demo: bool = False) -> list[tuple[str, str]]:
    """A few commands to run on the demo database, with what each shows (only commands this teikan has)."""
    from ..i18n import language, t

    dated = ["--as-of", day.isoformat()]
    featured = office.featured_index("concerns_rising")
    name = office.clients[featured - 1].client.name if featured else None
    steps = []
    if featured:
        steps.append((["show-client", str(featured), *dated], t("demo.next.show_client", name=name)))
        steps.append((["support-report", str(featured), "--month", str(month), *dated],
                      t("demo.next.support_report", name=name, month=str(month))))
    steps += [
        (["handovers", *dated], t("demo.next.handovers")),
        (["staff", "--month", str(month), *dated], t("demo.next.staff")),
        (["due", *dated], t("demo.next.due")),
        (["watch", *dated], t("demo.next.watch")),
        (["report", "--month", str(month), *dated, "--format", "csv", "--excel"], t("demo.next.excel")),
    ]
    lines = [(_command_line(args, path) + (" > report.csv" if "--excel" in args else ""), text)
             for args, text in steps if root.get_command(ctx, args[0]) is not None]
    other = "en" if language() == "ja" else "ja"
    again = f"TEIKAN_LANG={other} teikan demo" + (f" --path {_quote(path)}" if path != DEFAULT_PATH else "")
    lines.append((again + (f" --as-of {day.isoformat()}" if dated_demo else ""), t("demo.next.language")))
    return lines


def _run(root, args: list[str]) -> int:
    result = root.main(args=args, prog_name="teikan", standalone_mode=False)
    return result if isinstance(result, int) else 0


def _capture(root, args: list[str]) -> tuple[int, str]:
    """Run a command, returning its exit code and its output (printed by the caller after a heading)."""
    import io
    import sys
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    buffer.isatty = sys.stdout.isatty  # the same table style as a direct run
    with redirect_stdout(buffer):
        code = _run(root, args)
    return code, buffer.getvalue()


def _command_line(args: list[str], path: str, prompt: str = "") -> str:
    return prompt + "teikan --db " + _quote(path) + " " + " ".join(_quote(a) for a in args)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _heading(text: str) -> str:
    from ..render import is_rich_terminal

    return f"\x1b[1m{text}\x1b[0m" if is_rich_terminal() else text


def _remove(path, companions_only: bool = False) -> None:
    import os

    for suffix in ("-wal", "-shm") if companions_only else ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass
