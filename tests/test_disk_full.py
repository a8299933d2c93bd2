"""A full disk is said as such (SPEC §13, issue 17 finding 6): `the disk is full: nothing was written`, exit 2, never
"busy", "not a teikan database", "damaged" or `internal error (OSError)`; and nothing is left half written.

Two ways to fill a disk. `tmpfs`: a real 2 MB tmpfs, filled to the last byte (skipped where mounting is not
permitted). `injected`: every write under the folder fails as on a full disk — SQLite writes raise SQLITE_FULL
(a connection factory), creating a file or a folder raises ENOSPC. A write error on stdout is tested with real
processes: `/dev/full`, a closed pipe, and a file on the full tmpfs.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import database_dump, run_cli

AS_OF = "--as-of=2025-06-15"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "COMMIT")


def _disk_full() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorcode, exc.sqlite_errorname = 13, "SQLITE_FULL"
    return exc


class _FullConnection(sqlite3.Connection):
    """A connection to a file on a full disk: reads work, every write fails with SQLITE_FULL."""

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(WRITES) or "journal_mode = WAL" in sql:
            raise _disk_full()
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        raise _disk_full()

    def backup(self, target, *args, **kwargs):
        if isinstance(target, _FullConnection):
            raise _disk_full()
        return super().backup(target, *args, **kwargs)


class Disk:
    """A folder on a disk that can be made full (`fill`) and given room again (`free`)."""

    def __init__(self, folder: Path, kind: str, monkeypatch) -> None:
        self.folder, self.kind, self.monkeypatch = folder, kind, monkeypatch
        self.filler = folder / "filler"

    def fill(self) -> None:
        if self.kind == "tmpfs":
            with open(self.filler, "wb", buffering=0) as handle:
                for size in (1 << 16, 1 << 12, 1):
                    try:
                        while True:
                            handle.write(b"\0" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC
            return
        inside = lambda path: str(os.fspath(path)).startswith(str(self.folder))  # noqa: E731
        connect, open_, mkdir = sqlite3.connect, os.open, os.mkdir

        def full_connect(database, *args, **kwargs):
            target = str(database)
            if target.startswith("file:"):
                from urllib.parse import unquote

                target = unquote(target[5:].split("?")[0])
            if inside(target):
                kwargs["factory"] = _FullConnection
            return connect(database, *args, **kwargs)

        def full_open(path, flags, *args, **kwargs):
            if flags & os.O_CREAT and inside(path) and not os.path.exists(path):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return open_(path, flags, *args, **kwargs)

        def full_mkdir(path, *args, **kwargs):
            if inside(path):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return mkdir(path, *args, **kwargs)

        self.monkeypatch.setattr(sqlite3, "connect", full_connect)
        self.monkeypatch.setattr(os, "open", full_open)
        self.monkeypatch.setattr(os, "mkdir", full_mkdir)

    def free(self) -> None:
        if self.kind == "tmpfs":
            self.filler.unlink(missing_ok=True)
        else:
            self.monkeypatch.undo()

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if p != self.filler)


@pytest.fixture(params=["tmpfs", "injected"])
def disk(request, tmp_path, monkeypatch):
    folder = tmp_path / "disk"
    folder.mkdir(mode=0o700)
    if request.param == "tmpfs":
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
                                 capture_output=True)
        if mounted.returncode != 0:
            pytest.skip("mounting a tmpfs is not permitted here (the injected variant covers it)")
    yield Disk(folder, request.param, monkeypatch)
    monkeypatch.undo()
    if request.param == "tmpfs":
        subprocess.run(["umount", str(folder)], check=False, capture_output=True)


def _office(path: Path) -> Path:
    for args in (("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"),
                 ("log-visit", "1", "--date", "2025-06-02", "--type", "face")):
        r = run_cli("--db", str(path), *args, AS_OF)
        assert r.exit_code == 0, r
    return path


def _refused(r, path: Path) -> None:
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr == f"Error: the disk is full: nothing was written ({path})\n", r


def test_log_visit(disk):
    db = _office(disk.folder / "teikan.db")
    before = database_dump(db)
    disk.fill()
    _refused(run_cli("--db", str(db), "log-visit", "1", "--date", "2025-06-03", "--type", "face", "--note",
                     "x" * 5000, AS_OF), db)
    disk.free()
    assert database_dump(db) == before


def test_a_new_database_on_a_full_disk(disk):
    db = disk.folder / "new" / "teikan.db"
    disk.fill()
    r = run_cli("--db", str(db), "add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start",
                "2024-10-01", AS_OF)
    _refused(r, db)
    disk.free()
    assert disk.files() == []  # no empty database, no folder left behind


def test_import(disk, tmp_path):
    db = _office(disk.folder / "teikan.db")
    before = database_dump(db)
    csv = tmp_path / "contacts.csv"
    csv.write_text("client,date,types,note\n" + "".join(f"1,2025-06-{1 + i % 14:02d},face,{'n' * 200}\n"
                                                         for i in range(300)), encoding="utf-8")
    disk.fill()
    _refused(run_cli("--db", str(db), "import", "contacts", str(csv), AS_OF), db)
    disk.free()
    assert database_dump(db) == before


def test_backup_onto_a_full_disk(disk, tmp_path):
    db = _office(tmp_path / "teikan.db")
    dest = disk.folder / "backup.db"
    disk.fill()
    _refused(run_cli("--db", str(db), "backup", str(dest), AS_OF), dest)
    disk.free()
    assert disk.files() == []  # no partial copy


def test_restore_onto_a_full_disk(disk, tmp_path):
    source = tmp_path / "backup.db"
    assert run_cli("--db", str(_office(tmp_path / "other.db")), "backup", str(source), AS_OF).exit_code == 0
    db = disk.folder / "teikan.db"
    assert run_cli("--db", str(db), "add-client", "佐藤 花子", "--employment-start", "2024-04-01",
                   "--support-start", "2024-10-01", AS_OF).exit_code == 0
    before = database_dump(db)
    disk.fill()
    _refused(run_cli("--db", str(db), "restore", str(source), "--force", AS_OF), db)
    disk.free()
    assert database_dump(db) == before
    assert disk.files() == ["teikan.db"]  # no private copy left


def test_export_to_a_file_on_a_full_disk(disk, tmp_path):
    db = _office(tmp_path / "teikan.db")
    out = disk.folder / "clients.csv"
    disk.fill()
    _refused(run_cli("--db", str(db), "export", "clients", "--output", str(out), AS_OF), out)
    disk.free()
    assert disk.files() == []


@pytest.mark.parametrize("command", [["clients"], ["doctor"], ["visits"]])
def test_reading_a_database_on_a_full_tmpfs_is_not_called_damaged(disk, command):
    """On a full disk SQLite cannot even make the WAL index (`-shm`) to read a file: an I/O error, once reported
    as "not a teikan database" or "damaged? restore the latest backup"."""
    if disk.kind != "tmpfs":
        pytest.skip("reads fail only on a real full disk")
    db = _office(disk.folder / "teikan.db")
    before = database_dump(db)
    disk.fill()
    r = run_cli("--db", str(db), *command, AS_OF)
    _refused(r, db)
    disk.free()
    assert database_dump(db) == before


# ------------------------------------------------------------------ stdout


def _process(args, stdout, env):
    return subprocess.run([sys.executable, "-m", "teikan_cli", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=dict(os.environ, **env), timeout=60)


@pytest.fixture
def office(tmp_path):
    db = tmp_path / "teikan.db"
    _office(db)
    for day in range(3, 15):
        assert run_cli("--db", str(db), "log-visit", "1", "--date", f"2025-06-{day:02d}", "--type", "face",
                       "--note", "n" * 300, AS_OF).exit_code == 0
    return {"TEIKAN_DB": str(db)}


@pytest.mark.parametrize("args", [["visits", AS_OF], ["export", "contacts"], ["report", "--month", "2025-06", AS_OF],
                                  ["show-client", "1", AS_OF]])
def test_stdout_on_a_full_device_is_one_line_exit_2(office, args):
    with open("/dev/full", "w") as full:
        r = _process(args, full, office)
    assert (r.returncode, r.stderr) == (2, "Error: the disk is full: the output is incomplete\n"), r


def test_a_write_command_whose_confirmation_cannot_be_printed(office):
    with open("/dev/full", "w") as full:
        r = _process(["log-visit", "1", "--date", "2025-06-15", "--type", "face", AS_OF], full, office)
    assert (r.returncode, r.stderr) == (2, "Error: the disk is full: the output is incomplete\n"), r
    conn = sqlite3.connect(office["TEIKAN_DB"])  # the visit itself was recorded: the message does not deny it
    assert conn.execute("SELECT COUNT(*) FROM contacts WHERE date = '2025-06-15'").fetchone() == (1,)
    conn.close()


def test_stdout_into_a_closed_pipe_is_one_line_exit_2(office):
    proc = subprocess.Popen([sys.executable, "-m", "teikan_cli", "export", "contacts"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, **office))
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert (proc.returncode, err) == (
        2, "Error: cannot write the output: its reader closed the pipe (the output is incomplete)\n")


def test_stdout_redirected_to_a_file_on_a_full_tmpfs(disk, office):
    if disk.kind != "tmpfs":
        pytest.skip("needs the real tmpfs")
    disk.fill()
    with open(disk.folder / "out.txt", "w") as out:
        r = _process(["export", "contacts"], out, office)
    assert (r.returncode, r.stderr) == (2, "Error: the disk is full: the output is incomplete\n"), r


def test_a_disk_full_error_deep_inside_any_message_is_said_as_such():
    """ENOSPC or SQLITE_FULL anywhere under an error (raised `from None`, so only its context knows) wins."""
    from teikan_cli.cli import _full_disk_message
    from teikan_cli.errors import DatabaseError, InputError

    def raised(outer, inner):
        try:
            try:
                raise inner
            except Exception:
                raise outer from None
        except Exception as exc:
            return exc

    assert _full_disk_message(raised(InputError("output.cannot_write", path="/x/out.csv"),
                                     OSError(errno.ENOSPC, "No space left"))) == \
        "the disk is full: nothing was written (/x/out.csv)"
    assert _full_disk_message(raised(DatabaseError("db.not_teikan", path="/x/t.db"), _disk_full())) == \
        "the disk is full: nothing was written (/x/t.db)"
    assert _full_disk_message(raised(DatabaseError("db.locked", path="/x/t.db"), sqlite3.OperationalError("locked"))) \
        is None
