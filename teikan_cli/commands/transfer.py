"""import, export: the caseload as CSV files, in and out (SPEC §8). The decisions live in `csvio`."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Optional

from . import state
from .common import argument, as_of_opt, echo, excel_opt, open_read, open_write, option, resolve_as_of


def import_csv(
    kind: str = argument("KIND"),
    file: str = argument("FILE"),
    dry_run: bool = option("--dry-run", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import csvio
    from ..validation import choice

    day = resolve_as_of(as_of)
    what = choice(kind, csvio.KINDS, "KIND")
    with _open_input(file) as stream:
        rows, problems = csvio.read_table(stream, what)
    with _progress() as bar, _without_gc():
        parsed, row_problems = csvio.parse_rows(what, rows, day, bar("check", len(rows)))
        store, plan = _planned(what, parsed, problems + row_problems, day)
        if dry_run:
            echo(_t("import.dry_run", kind=_t(f"kind.{what}"), added=len(plan.add), unchanged=plan.unchanged))
            return
        plan = _write(store or open_write(), what, parsed, plan, day, bar)
    echo(_t("import.done", kind=_t(f"kind.{what}"), added=len(plan.add), unchanged=plan.unchanged))


def export_csv(
    kind: str = argument("KIND"),
    output: Optional[str] = option("--output", None, "FILE"),
    force: bool = option("--force", False),
    excel: bool = excel_opt(),
    pseudonymize: bool = option("--pseudonymize", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import csvio
    from ..validation import choice

    resolve_as_of(as_of)
    what = choice(kind, csvio.KINDS, "KIND")
    _refuse_existing(output, force)
    store = open_read()
    records, refs = _export_records(store, what, pseudonymize)
    counted = _Counted(csvio.export_rows(what, records, refs, excel=excel))
    _write_output(csvio.csv_chunks(counted), output, excel)
    if output is not None:
        echo(_t("export.done", count=counted.count - 1, kind=_t(f"kind.{what}"), path=output))


def _planned(what, parsed, problems, day):
    """The existing database (None when there is none yet) and what the file adds to it, or every bad row."""
    from .. import csvio
    from ..errors import DatabaseError
    from ..store import resolve_path

    path = resolve_path(state.db_option)
    if not path.exists() and what == "contacts":
        raise DatabaseError("db.missing", path=str(path))  # no clients yet: nothing to refer to
    store = open_read() if path.exists() else None
    plan = csvio.plan_import(what, parsed, _load_existing(store, what), day)
    _stop_on(problems + plan.problems, what)
    if store is not None:
        store.checked_version = store.data_version()
    return store, plan


def _write(store, what, parsed, plan, day, bar):
    """Insert the plan in one transaction; when someone wrote since it was checked, check again under the lock."""
    from .. import csvio

    with store.write():
        if getattr(store, "checked_version", None) != store.data_version():
            plan = csvio.plan_import(what, parsed, _load_existing(store, what), day)
            _stop_on(plan.problems, what)
        _insert(store, plan, bar("write", len(plan.add)))
    return plan


def _export_records(store, what: str, pseudonymize: bool):
    """The records of one kind in id order (stable pseudonyms), and how contacts name their clients."""
    from .. import csvio

    hide = csvio.Pseudonyms(store.pseudonym_secret()) if pseudonymize else None
    if what == "staff":
        return [hide.assignment(a) if hide else a for a in store.load_assignments()], None
    clients = [hide.client(c) if hide else c for c in store.load_clients()]
    if what == "clients":
        return clients, None
    if hide is None:
        return store.iter_contacts(), csvio.client_refs(clients)
    by_id = {c.id: c for c in clients}  # a pseudonymized contact stays inside its client's coarse service
    return (hide.contact(c, by_id[c.client_id]) for c in store.iter_contacts()), csvio.client_refs(clients)


def _refuse_existing(output: str | None, force: bool) -> None:
    from pathlib import Path

    from ..errors import InputError

    if output is not None and not output.strip():  # `--output ''`: no file name at all (found by test_hostile)
        raise InputError("output.cannot_write", path=output)
    if output is not None and not force and Path(output).expanduser().exists():
        raise InputError("output.exists", path=output)


def _open_input(file: str):
    """The file as a binary stream, read a chunk at a time; stdin is spooled (to a temporary file past 8 MB) so
    that it can be read again, as a CP932 file is."""
    import shutil
    import tempfile

    from ..errors import InputError

    if file == "-":
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.seek(0)
        return spool
    try:
        return open(file, "rb")
    except FileNotFoundError:
        raise InputError("import.missing", path=file) from None
    except IsADirectoryError:
        raise InputError("import.folder", path=file) from None
    except OSError:
        raise InputError("import.unreadable", path=file) from None


def _load_existing(store, kind: str):
    """What the rows are compared with: loaded once, a few set-based queries."""
    from ..csvio import Existing

    if store is None:
        return Existing()
    if kind == "clients":
        return Existing(clients=store.load_clients())
    if kind == "staff":
        return Existing(assignments=store.load_assignments())
    return Existing(clients=store.load_clients(), assignments=store.load_assignments(),
                    contact_keys=store.load_contact_keys())


def _insert(store, plan, progress) -> None:
    if plan.kind == "clients":
        store.insert_clients_bulk(plan.add)
    elif plan.kind == "staff":
        store.insert_assignments_bulk(plan.add)
    else:
        store.insert_contacts_bulk(plan.add, progress)


def _stop_on(problems, kind: str) -> None:
    """Every bad row, in file order, then exit 2 (cli.main prints them): nothing has been written. Columns are
    named as the person knows them (利用開始日 in Japanese)."""
    from ..csvio import column_title
    from ..errors import RowErrors

    if problems:
        ordered = sorted(problems, key=lambda p: p.line)
        raise RowErrors([(p.line, column_title(kind, p.column), _without_column(p.error.message(), p.column))
                         for p in ordered])


def _without_column(message: str, column: str) -> str:
    """`line 3: minutes: not a number` rather than `line 3: minutes: minutes: not a number`."""
    return message[len(column) + 2:] if message.startswith(f"{column}: ") else message


@contextmanager
def _progress() -> Iterator:
    """`bar(step, total)` → a callback advancing a rich progress bar on stderr, only when stderr is a terminal."""
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield lambda step, total: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        def bar(step: str, total: int):
            task = progress.add_task(step, total=total or 1)
            return lambda n: progress.advance(task, n)

        yield bar


@contextmanager
def _without_gc() -> Iterator[None]:
    """A million rows are a million new containers and no reference cycles: the cyclic garbage collector
    would re-scan them over and over (a third of the import time) for nothing."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Counted:
    """Counts the rows going by (the header included)."""

    def __init__(self, rows) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _write_output(chunks, output: str | None, excel: bool) -> None:
    """stdout, or FILE written whole (a 0600 temporary file renamed over it); `excel` adds the BOM."""
    import os
    from pathlib import Path

    from ..errors import InputError

    prefix = "\ufeff" if excel else ""
    if output is None:
        buffer = getattr(sys.stdout, "buffer", None)
        sys.stdout.flush()
        for chunk in chunks:
            text, prefix = prefix + chunk, ""
            if buffer is not None:
                buffer.write(text.encode("utf-8"))
            else:
                sys.stdout.write(text)
        (buffer or sys.stdout).flush()
        return
    path = Path(output).expanduser()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write((prefix + chunk).encode("utf-8"))
                prefix = ""
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise InputError("output.cannot_write", path=output) from None


def _t(key: str, **params) -> str:
    from ..i18n import t

    return t(key, **params)
