"""import, export: the caseload as CSV files, in and out (SPEC §8). The decisions live in `csvio`."""

from __future__ import annotations

import sys
from contextlib import contextmanager, nullcontext
from typing import Iterator, Optional

from . import state
from .common import argument, as_of_opt, echo, excel_opt, open_read, open_write, option, resolve_as_of


def import_csv(
    kind: str = argument("KIND", values="csv_kind"),
    file: str = argument("FILE"),
    dry_run: bool = option("--dry-run", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import csvio
    from ..names import label
    from ..validation import choice

    day = resolve_as_of(as_of)
    what = choice(kind, csvio.KINDS, "KIND")
    with _open_input(file) as stream, _progress() as bar, _importing(what, stream, day, bar) as job:
        plan = job.check()
        if dry_run:
            echo(_t("import.dry_run", kind=label("csv_kind", what), added=plan.added, unchanged=plan.unchanged))
            return
        plan = job.write()
    echo(_t("import.done", kind=label("csv_kind", what), added=plan.added, unchanged=plan.unchanged))


def export_csv(
    kind: str = argument("KIND", values="csv_kind"),
    output: Optional[str] = option("--output", None, "FILE"),
    force: bool = option("--force", False),
    excel: bool = excel_opt(),
    pseudonymize: bool = option("--pseudonymize", False),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from .. import csvio
    from ..names import label
    from ..validation import choice

    resolve_as_of(as_of)
    what = choice(kind, csvio.KINDS, "KIND")
    _refuse_existing(output, force)
    store = open_read()
    # Streamed: contacts come a row at a time from the store (53 MB at 1,060,877 contacts, measured). They come as
    # models, which the pseudonyms and the Excel and Japanese cells work on; sqlite-utils (`rows_where`) would hand
    # over dicts to be turned back into the same models, nothing plainer, so the store's sqlite3 reads stay.
    records, refs = _export_records(store, what, pseudonymize)
    counted = _Counted(csvio.export_rows(what, records, refs, excel=excel))
    _write_output(csvio.csv_chunks(counted), output, excel)
    if output is not None:
        echo(_t("export.done", count=counted.count - 1, kind=label("csv_kind", what), path=output))


@contextmanager
def _importing(what: str, stream, day, bar) -> Iterator["_Import"]:
    job = _Import(what, stream, day, bar)
    with job.store.contact_staging() if what == "contacts" else nullcontext():
        yield job


class _Import:
    """One import of one file (SPEC §8): checked without the write lock, so that others keep writing meanwhile,
    then written in one transaction under it; when someone wrote in between, the file is checked again under the
    lock. The file is read as it is checked, a chunk at a time: contacts go to the store's staging table, the
    few thousand rows of a clients or staff file are planned in memory."""

    def __init__(self, what: str, stream, day, bar) -> None:
        self.what, self.stream, self.day, self.bar = what, stream, day, bar
        self.store = _existing_store(what)
        self.version = None  # the database as it was checked (PRAGMA data_version)
        self.plan = None

    def check(self):
        """What the file adds, or every bad row (exit 2, nothing written)."""
        if self.store is not None:
            self.version = self.store.data_version()  # before anything is read: any later write shows
        self.plan = self._planned(self.store)
        return self.plan

    def write(self):
        """Insert the plan in one transaction; when someone wrote since it was checked, check again under the lock."""
        store = self.store or open_write()
        with store.write():
            if self.version is None or self.version != store.data_version():
                self.plan = self._planned(store)
            _insert(store, self.plan, self.bar("write", self.plan.added))
        return self.plan

    def _planned(self, store):
        from .. import csvio

        problems = csvio.Problems()
        size = self.stream.seek(0, 2)
        self.stream.seek(0)
        rows = csvio.iter_table(self.stream, self.what, problems, self.bar("check", size))
        parsed = csvio.iter_parsed(self.what, rows, self.day, problems)
        existing = _load_existing(store, self.what)
        if self.what == "contacts":
            plan = _staged(store, csvio.check_contacts(parsed, existing, self.day, problems), problems)
        else:
            plan = csvio.plan_import(self.what, list(parsed), existing, self.day)
            problems.extend(plan.problems)
        _stop_on(problems, self.what)
        return plan


def _staged(store, checked, problems):
    """The checked contact rows into the store's staging table, and how many of them are new."""
    from ..csvio import ImportPlan

    # Once a line is bad nothing will be written: the rest of the file is only checked.
    staged = store.stage_contacts(row for row in checked if not problems)
    new = 0 if problems else store.decide_staged_contacts()
    return ImportPlan("contacts", unchanged=staged - new, staged=new)


def _existing_store(what: str):
    """The database to check against, or None when there is none yet (a first clients or staff file)."""
    from ..errors import DatabaseError
    from ..store import resolve_path

    path = resolve_path(state.db_option)
    if not path.exists():
        if what == "contacts":
            raise DatabaseError("db.missing", path=str(path))  # no clients yet: nothing to refer to
        return None
    return open_read()


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
    """What the rows are compared with, loaded once: the clients (to resolve contacts) and the staff. Contacts
    already recorded are compared in SQL (`store.decide_staged_contacts`), never loaded."""
    from ..csvio import Existing

    if store is None:
        return Existing()
    if kind == "clients":
        return Existing(clients=store.load_clients())
    if kind == "staff":
        return Existing(assignments=store.load_assignments())
    return Existing(clients=store.load_clients(), assignments=store.load_assignments())


def _insert(store, plan, progress) -> None:
    if plan.kind == "clients":
        store.insert_clients_bulk(plan.add)
    elif plan.kind == "staff":
        store.insert_assignments_bulk(plan.add)
    else:
        store.insert_staged_contacts(progress)


def _stop_on(problems, kind: str) -> None:
    """Every bad row, in file order, then exit 2 (cli.main prints them): nothing has been written. Columns are
    named as the person knows them (利用開始日 in Japanese)."""
    from ..csvio import column_title
    from ..errors import RowErrors

    if len(problems):
        raise RowErrors(problems.listed(lambda column, error: _named_once(column_title(kind, column), error.message(),
                                                                          column)))


def _named_once(title: str, message: str, column: str) -> tuple[str, str]:
    """(column, message) of a bad row with the column named once: `line 3: minutes: not a number` rather than
    `line 3: minutes: minutes: not a number`, and `line 2: certificate must be 10 digits` (no column before a
    message that starts with it). In Japanese the message names the column by its label: `受給者証番号 は…`."""
    from ..i18n import field_name, language

    for name in {column, field_name(column) if language() == "ja" else column}:
        if message.startswith(f"{name}: "):
            return title, message[len(name) + 2:]
        if message.startswith(f"{name} "):
            return "", message
    return title, message


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
