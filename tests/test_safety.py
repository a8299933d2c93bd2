"""Crash safety (SIGKILL mid-transaction), backup, restore, doctor and purge (issue 8)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import database_dump as _dump, run_process
from teikan_cli.maintenance import RetentionRow, is_purgeable, plan_purge, retained_until

AS_OF = "--as-of=2025-06-15"

# A large write that can be started reliably: one `with store.write():` inserting many contacts (each with
# its type row and its audit row), through the Store itself.
BULK_WRITER = r"""
import sys
from datetime import date
from pathlib import Path
from teikan_cli.models import Contact
from teikan_cli.store import open_store

store = open_store(Path(sys.argv[1]), create=True)
store.conn.execute("PRAGMA cache_size = -256")  # a small page cache: the uncommitted write spills to disk early
count = int(sys.argv[2])
with store.write():
    for i in range(count):
        store.insert_contact(Contact(id=0, client_id=1, date=date(2025, 6, 10), types=("face",), note=f"bulk-{i}"))
        if i == 500:
            print("started", flush=True)
print("committed", flush=True)
"""


def _client(cli, name="山田 太郎", **extra):
    args = ["add-client", name, "--employment-start", "2024-04-01", "--support-start", "2024-10-01", AS_OF]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    r = cli(*args)
    assert r.exit_code == 0, r
    return r


def _count(path: Path, table: str = "contacts") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _bulk_contacts(path: Path, count: int, note: str) -> None:
    """Many contacts for client #1 in one transaction (through the Store, without the CLI's start-up cost)."""
    from teikan_cli.models import Contact
    from teikan_cli.store import open_store

    store = open_store(path, create=False)
    with store.write():
        for _ in range(count):
            store.insert_contact(Contact(id=0, client_id=1, date=date(2025, 6, 1), types=("face",), note=note))
    store.close()


# ------------------------------------------------------------------ crash safety


@pytest.mark.parametrize("wal_bytes", [64 * 1024, 256 * 1024, 1024 * 1024])
def test_sigkill_in_the_middle_of_a_large_write_leaves_nothing_of_it(cli, db_path, wal_bytes):
    """Killed once the uncommitted transaction has spilled `wal_bytes` to disk: none of it survives."""
    _client(cli)
    assert cli("log-visit", "1", "--date", "2025-06-01", "--type", "face", AS_OF).exit_code == 0
    before = _count(db_path)
    wal = Path(f"{db_path}-wal")
    proc = subprocess.Popen([sys.executable, "-c", BULK_WRITER, str(db_path), "200000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while not (wal.exists() and wal.stat().st_size >= wal_bytes):
            assert proc.poll() is None and time.monotonic() < deadline, "the write ended before it could be killed"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert "committed" not in out
    assert _integrity(db_path) == "ok"
    assert _count(db_path) == before
    assert _count(db_path, "audit") == 2  # add-client + log-visit: no audit row of the killed write either
    # The file is fully usable afterwards, by teikan itself.
    assert cli("log-visit", "1", "--date", "2025-06-02", "--type", "face", AS_OF).exit_code == 0
    assert _count(db_path) == before + 1
    r = cli("doctor")
    assert r.exit_code == 0, r


def test_a_large_write_that_is_not_killed_is_all_there(cli, db_path):
    _client(cli)
    proc = subprocess.run([sys.executable, "-c", BULK_WRITER, str(db_path), "5000"], capture_output=True, text=True,
                          timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "started\ncommitted\n", "")
    assert _count(db_path) == 5000
    assert _integrity(db_path) == "ok"


# ------------------------------------------------------------------ backup


def test_backup_is_0600_in_a_new_0700_folder_and_a_faithful_copy(cli, db_path, tmp_path):
    _client(cli, note="ひみつのメモ")
    assert cli("log-visit", "1", "--date", "2025-06-01", "--type", "face", AS_OF).exit_code == 0
    (tmp_path / "usb").mkdir()  # the stick, mounted
    dest = tmp_path / "usb" / "backups" / "backup.db"
    r = cli("backup", str(dest), AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (f"made the folder {dest.parent} (mode 0700)\n"
                        f"backup written to {dest} (mode 0600): 1 client(s), 1 contact(s)\n")
    assert dest.stat().st_mode & 0o777 == 0o600
    assert dest.parent.stat().st_mode & 0o777 == 0o700
    # one self-contained file (no -wal needed to read it), same content, integrity ok
    assert not Path(f"{dest}-wal").exists() and not Path(f"{dest}-journal").exists()
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT name, note FROM clients").fetchall() == [("山田 太郎", "ひみつのメモ")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert list(dest.parent.iterdir()) == [dest]  # no partial file left behind


def test_backup_refuses_to_overwrite_without_force(cli, db_path, tmp_path):
    _client(cli)
    dest = tmp_path / "b.db"
    dest.write_bytes(b"precious")
    r = cli("backup", str(dest), AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {dest} exists; use --force to overwrite\n")
    assert dest.read_bytes() == b"precious"
    r = cli("backup", str(dest), "--force", AS_OF)
    assert r.exit_code == 0, r
    assert _count(dest, "clients") == 1
    assert dest.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("as_of, day", [("--as-of=2025-06-15", "20250615"), ("--as-of=令和6年1月2日", "20240102"),
                                        ("--as-of=2020-02-29", "20200229")])
def test_a_folder_backup_is_named_after_the_commands_today(cli, db_path, tmp_path, as_of, day):
    """Into an existing folder, a file named teikan-DATE-TIME.db (0600). The date of the name is --as-of (a
    replayed run names the day it replays); the time of day the clock's."""
    import re

    _client(cli)
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    r = cli("backup", str(folder), as_of)
    assert r.exit_code == 0, r
    (made,) = folder.iterdir()
    assert re.fullmatch(rf"teikan-{day}-\d{{6}}\.db", made.name), made.name
    assert made.stat().st_mode & 0o777 == 0o600
    assert r.stdout.startswith(f"backup written to {made} ")


def test_backup_to_a_path_ending_in_a_slash_makes_a_dated_file_in_that_folder(cli, db_path, tmp_path):
    """`backup backups/`: a folder, even one not there yet (made, 0700, and said); never a file called `backups`."""
    _client(cli)
    r = cli("backup", f"{tmp_path / 'backups'}/", AS_OF)
    assert (r.exit_code, r.stderr) == (0, ""), r
    (made,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"teikan-\d{8}-\d{6}\.db", made.name)
    assert r.stdout == (f"made the folder {tmp_path / 'backups'} (mode 0700)\n"
                        f"backup written to {made} (mode 0600): 1 client(s), 0 contact(s)\n")
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700 and made.stat().st_mode & 0o777 == 0o600
    r = cli("backup", f"{tmp_path / 'backups'}/", "--force", AS_OF)  # there now: nothing made, nothing said of it
    assert r.exit_code == 0 and not r.stdout.startswith("made"), r


@pytest.mark.parametrize("dest, missing, folder", [
    ("usbb/backups/", "usbb", "usbb/backups"),  # a mistyped (or unmounted) stick: never made on the local disk
    ("usbb/backups/b.db", "usbb", "usbb/backups"),
    ("a/b/c/", "a", "a/b/c"),
])
def test_backup_refuses_a_folder_whose_own_folder_is_missing(cli, db_path, tmp_path, dest, missing, folder):
    _client(cli)
    before = sorted(tmp_path.iterdir())
    r = cli("backup", f"{tmp_path}/{dest}", AS_OF)
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr == (f"Error: there is no folder {tmp_path / missing}; nothing was written. Check the path "
                        f"(is the USB stick in?) or make the folder first: mkdir -p {tmp_path / folder}\n")
    assert sorted(tmp_path.iterdir()) == before
    r = cli("backup", f"{tmp_path}/{dest}", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"エラー: フォルダ {tmp_path / missing} がありません。何も書き込んでいません。パスを確認するか"
                        f"（USB メモリは差し込まれていますか）、先にフォルダを作ってください: mkdir -p {tmp_path / folder}\n")
    assert sorted(tmp_path.iterdir()) == before


def test_backup_quotes_the_folder_to_make_for_the_shell(cli, db_path, tmp_path):
    _client(cli)
    r = cli("backup", str(tmp_path / "my usb" / "backups" / "b.db"), AS_OF)
    assert r.exit_code == 2 and r.stderr.endswith(f"mkdir -p '{tmp_path / 'my usb' / 'backups'}'\n"), r


@pytest.mark.parametrize("dest", ["notes.txt/", "notes.txt/b.db", "notes.txt/sub/b.db"])
def test_backup_refuses_a_file_where_a_folder_should_be(cli, db_path, tmp_path, dest):
    _client(cli)
    (tmp_path / "notes.txt").write_text("precious")
    before = sorted(tmp_path.iterdir())
    r = cli("backup", f"{tmp_path}/{dest}", AS_OF)
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr == f"Error: {tmp_path / 'notes.txt'} is a file, not a folder; nothing was written\n"
    assert sorted(tmp_path.iterdir()) == before and (tmp_path / "notes.txt").read_text() == "precious"


def test_backup_that_fails_removes_the_folder_it_made(cli, db_path, tmp_path, monkeypatch):
    from teikan_cli.store import files

    _client(cli)

    def failing(store, target):
        raise files.DatabaseError("backup.failed", path=str(target))

    monkeypatch.setattr(files, "write_backup", failing)
    r = cli("backup", f"{tmp_path / 'backups'}/", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "") and "failed" in r.stderr, r
    assert not (tmp_path / "backups").exists()


def test_backup_refuses_the_database_itself_and_a_missing_database(cli, db_path, tmp_path):
    r = cli("backup", str(tmp_path / "b.db"), AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {db_path} (run 'teikan init' first)\n"
    assert not (tmp_path / "b.db").exists()
    _client(cli)
    before = _dump(db_path)
    r = cli("backup", str(db_path), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: {db_path} is the database itself; choose another file\n")
    assert _dump(db_path) == before


def test_backup_is_recorded_in_the_audit_trail_without_personal_data(cli, db_path, tmp_path):
    _client(cli)
    assert cli("backup", str(tmp_path / "b.db"), AS_OF).exit_code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT action, client_id, record, detail FROM audit WHERE action = 'backup'").fetchall() == [
        ("backup", None, None, None)]
    conn.close()


# ------------------------------------------------------------------ restore


def test_restore_round_trip_and_force(cli, db_path, tmp_path):
    _client(cli)
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup), AS_OF).exit_code == 0
    _client(cli, "鈴木 一郎")
    r = cli("restore", str(backup), AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: {db_path} exists; use --force to replace it (make a backup of it first)\n"
    assert _count(db_path, "clients") == 2
    r = cli("restore", str(backup), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == f"restored {db_path} from {backup}: 1 client(s), 0 contact(s)\n"
    names = [c["name"] for c in json.loads(cli("clients", "--status", "all", "--format", "json", AS_OF).stdout)["clients"]]
    assert names == ["山田 太郎"]
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert _integrity(db_path) == "ok"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone() == ("restore",)
    conn.close()
    assert backup.read_bytes()[:16] == b"SQLite format 3\x00"  # the source is left as it was


def test_restore_into_a_missing_database_creates_it_private(cli, tmp_path, monkeypatch):
    _client(cli)
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup), AS_OF).exit_code == 0
    target = tmp_path / "new" / "teikan.db"
    monkeypatch.setenv("TEIKAN_DB", str(target))
    r = cli("restore", str(backup), AS_OF)
    assert r.exit_code == 0, r
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert _count(target, "clients") == 1


def test_restore_refuses_what_is_not_a_sound_teikan_database(cli, db_path, tmp_path):
    _client(cli)
    newer, broken = tmp_path / "newer.db", tmp_path / "broken.db"
    assert cli("backup", str(newer), AS_OF).exit_code == 0
    assert cli("backup", str(broken), AS_OF).exit_code == 0
    before = _dump(db_path)
    missing = tmp_path / "nothing.db"
    r = cli("restore", str(missing), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: no backup file at {missing}\n")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 200)
    r = cli("restore", str(text), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: {text} is not a teikan database; left untouched\n")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    r = cli("restore", str(other), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: {other} is not a teikan database; left untouched\n")
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    r = cli("restore", str(newer), "--force", AS_OF)
    assert r.exit_code == 2 and "newer teikan (schema 999" in r.stderr
    conn = sqlite3.connect(broken)
    conn.execute("INSERT INTO contacts (client_id, date, face) VALUES (99, '2025-06-01', 1)")  # foreign keys are off here
    conn.commit()
    conn.close()
    r = cli("restore", str(broken), "--force", AS_OF)
    assert (r.exit_code, r.stderr) == (
        2, f"Error: {broken} has 1 broken reference(s) (foreign-key check); nothing was restored\n")
    assert _dump(db_path) == before


def test_restore_refuses_a_corrupt_backup(cli, db_path, tmp_path):
    _client(cli)
    _bulk_contacts(db_path, 300, "x" * 200)
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup), AS_OF).exit_code == 0
    data = bytearray(backup.read_bytes())
    page = 4096
    for offset in range(3 * page, len(data) - page, page):  # scribble over every page after the schema
        data[offset + 20: offset + 60] = b"\xa5" * 40
    backup.write_bytes(bytes(data))
    before = _dump(db_path)
    r = cli("restore", str(backup), "--force", AS_OF)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr in (f"Error: {backup} fails the integrity check; nothing was restored\n",
                        f"Error: {backup} is not a teikan database; left untouched\n")
    assert _dump(db_path) == before


def test_restore_while_another_process_has_the_database_open(cli, db_path, tmp_path):
    """The backup API writes into the live file: a reader that stays open sees the restored content."""
    _client(cli)
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup), AS_OF).exit_code == 0
    _client(cli, "鈴木 一郎")
    reader = sqlite3.connect(db_path)
    assert reader.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 2
    r = run_process("restore", str(backup), "--force", AS_OF)
    assert r.returncode == 0, r
    assert reader.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 1
    reader.close()


# ------------------------------------------------------------------ doctor


def test_doctor_all_ok(cli, db_path):
    _client(cli)
    r = cli("doctor")
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "file-mode"], ["ok", "folder-mode"], ["ok", "journal-files"], ["ok", "application-id"],
        ["ok", "schema-version"], ["ok", "schema"], ["ok", "integrity"], ["ok", "foreign-keys"], ["ok", "dates"],
        ["ok", "names"], ["ok", "audit-chain"]]
    data = json.loads(cli("doctor", "--format", "json").stdout)
    assert data["ok"] is True and [c["check"] for c in data["checks"]][0] == "file-mode"


def test_doctor_reports_open_permissions(cli, db_path):
    _client(cli)
    before = _dump(db_path)
    os.chmod(db_path, 0o644)
    os.chmod(db_path.parent, 0o755)
    try:
        r = cli("doctor")
    finally:
        os.chmod(db_path.parent, 0o700)
    assert r.exit_code == 1
    assert f"problem  file-mode       {db_path} is 0644, should be 0600: run chmod 600 '{db_path}'" in r.stdout
    assert f"problem  folder-mode     folder {db_path.parent} is 0755" in r.stdout
    assert "ok       integrity" in r.stdout
    assert _dump(db_path) == before


def test_doctor_reports_broken_references_and_open_wal(cli, db_path):
    _client(cli)
    conn = sqlite3.connect(db_path)  # foreign keys off on this connection: simulate an old bug
    conn.execute("INSERT INTO contacts (client_id, date, face) VALUES (42, '2025-06-01', 1)")
    conn.commit()
    wal = Path(f"{db_path}-wal")
    assert wal.exists()
    os.chmod(wal, 0o644)
    r = cli("doctor")
    conn.close()
    assert r.exit_code == 1
    assert "problem  foreign-keys    PRAGMA foreign_key_check: 1 broken reference(s)" in r.stdout
    assert f"problem  journal-files   readable by others: {db_path.name}-wal 0644" in r.stdout


def test_doctor_missing_or_foreign_database_exits_2(cli, db_path):
    r = cli("doctor")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: no database at {db_path} (run 'teikan init' first)\n")
    assert not db_path.exists()
    db_path.write_text("hello")
    r = cli("doctor")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {db_path} is not a teikan database; left untouched\n")
    db_path.unlink()
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    r = cli("doctor")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {db_path} is not a teikan database; left untouched\n")


def test_doctor_finds_a_damaged_file(cli, db_path):
    _client(cli)
    _bulk_contacts(db_path, 200, "y" * 300)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(3 * 4096, len(data) - 4096, 4096):
        data[offset + 8: offset + 40] = b"\x5a" * 32
    db_path.write_bytes(bytes(data))
    r = cli("doctor")
    assert r.exit_code == 1, r
    assert "problem  integrity" in r.stdout
    assert "Traceback" not in r.stderr


# ------------------------------------------------------------------ purge


def test_retention_period_is_five_years_from_the_last_day_of_service():
    # 基準省令 (準用 第75条第2項): 提供した日から五年間; 民法 §140 初日不算入, §143.
    assert retained_until(date(2020, 3, 31)) == date(2025, 3, 31)
    assert retained_until(date(2020, 2, 29)) == date(2025, 2, 28)
    assert retained_until(date(2019, 12, 31)) == date(2024, 12, 31)
    row = RetentionRow(1, "x", ended_on=date(2019, 12, 31), last_record=date(2020, 1, 15))
    assert row.last_service == date(2020, 1, 15)  # a report shared after the end counts
    assert not is_purgeable(row, date(2025, 1, 15))
    assert is_purgeable(row, date(2025, 1, 16))
    assert not is_purgeable(RetentionRow(2, "y", None, date(2010, 1, 1)), date(2025, 1, 1))
    plan = plan_purge([row, RetentionRow(2, "y", None, None), RetentionRow(3, "z", date(2024, 1, 1), None)],
                      date(2025, 6, 1))
    assert (plan.ids, plan.within_retention, plan.not_ended) == ([1], 1, 1)


def _purge_fixture(cli):
    """#1 ended 2019-12-31 (kept until 2024-12-31), #2 ended 2020-03-31 but a report shared 2020-04-10,
    #3 never ended (its period is long over), #4 active."""
    old = ["--employment-start", "2017-04-01", "--support-start", "2017-10-01", "--as-of=2019-01-01"]
    assert cli("add-client", "古川 一", "--certificate", "1111111111", "--note", "古いメモ", *old).exit_code == 0
    assert cli("add-client", "古川 二", *old).exit_code == 0
    assert cli("add-client", "古川 三", *old).exit_code == 0
    assert cli("log-visit", "1", "--date", "2018-11-01", "--type", "face", "--note", "面談メモ", "--as-of=2019-01-01").exit_code == 0
    assert cli("plan", "1", "--date", "2018-10-01", "--as-of=2019-01-01").exit_code == 0
    assert cli("handover", "1", "--center", "どこかのセンター", "--consent-date", "2019-06-01", "--as-of=2019-07-01").exit_code == 0
    assert cli("end-client", "1", "--date", "2019-12-31", "--reason", "user-request", "--as-of=2020-01-01").exit_code == 0
    assert cli("share-report", "2", "--month", "2020-03", "--date", "2020-04-10", "--as-of=2020-04-10").exit_code == 0
    assert cli("end-client", "2", "--date", "2020-03-31", "--reason", "period-end", "--as-of=2020-04-10").exit_code == 0
    _client(cli, "今野 四")


def test_purge_dry_run_lists_and_changes_nothing(cli, db_path):
    _purge_fixture(cli)
    before = _dump(db_path)
    r = cli("purge", "--before", "2025-04-10", "--dry-run", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "ID  Name     Ended       Last service  Kept until\n"
        " 1  古川 一  2019-12-31  2019-12-31    2024-12-31\n"
        "dry run: 1 client(s) would be purged with all their records; nothing was changed\n"
        "kept: 1 ended client(s) still within the retention period, 2 not ended (never purged)\n")
    assert _dump(db_path) == before
    data = json.loads(cli("purge", "--before", "2025-04-11", "--dry-run", "--format", "json", AS_OF).stdout)
    assert [c["id"] for c in data["clients"]] == [1, 2]
    assert data["clients"][1] == {"id": 2, "name": "古川 二", "ended_on": "2020-03-31", "last_service": "2020-04-10",
                                  "retained_until": "2025-04-10"}
    assert (data["dry_run"], data["purged"], data["kept"]) == (True, 0, {"within_retention": 0, "not_ended": 2})
    assert _dump(db_path) == before


def test_purge_removes_every_row_of_past_clients_and_audits_only_a_count(cli, db_path):
    _purge_fixture(cli)
    r = cli("purge", "--before", "2025-04-10", AS_OF)
    assert r.exit_code == 0, r
    assert r.stdout.splitlines()[-2:] == [
        "purged 1 client(s) with all their records (retention ended before 2025-04-10)",
        "kept: 1 ended client(s) still within the retention period, 2 not ended (never purged)"]
    conn = sqlite3.connect(db_path)
    for table in ("contacts", "contact_concerns", "plans", "handovers", "client_disabilities"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert [r[0] for r in conn.execute("SELECT id FROM clients ORDER BY id")] == [2, 3, 4]
    assert conn.execute("SELECT COUNT(*) FROM audit WHERE client_id = 1").fetchone()[0] == 0
    # The purged client's audit rows keep only their hashes (the chain still verifies, see doctor below).
    assert conn.execute("SELECT COUNT(*) FROM audit WHERE redacted = 1 AND detail IS NULL").fetchone()[0] > 0
    assert conn.execute("SELECT who IS NOT NULL, detail FROM audit WHERE action = 'purge'").fetchall() == [
        (1, "clients=1 before=2025-04-10")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    # secure_delete + checkpoint: the purged personal data is not left readable in the file
    raw = db_path.read_bytes() + (Path(f"{db_path}-wal").read_bytes() if Path(f"{db_path}-wal").exists() else b"")
    for secret in ("古川 一", "古いメモ", "面談メモ", "どこかのセンター", "1111111111"):
        assert secret.encode() not in raw, secret
    assert "ok       audit-chain" in cli("doctor").stdout
    # a second run finds nothing more
    r = cli("purge", "--before", "2025-04-10", AS_OF)
    assert r.stdout.startswith("no client's records are past the five-year retention before 2025-04-10")


def test_purge_refuses_future_dates_and_keeps_open_clients(cli, db_path):
    _purge_fixture(cli)
    before = _dump(db_path)
    r = cli("purge", "--before", "2025-06-16", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: --before 2025-06-16 is after the reference date 2025-06-15\n")
    r = cli("purge", "--before", "2099-01-01", "--as-of", "2099-01-01")
    assert r.exit_code == 0
    conn = sqlite3.connect(db_path)
    assert [r[0] for r in conn.execute("SELECT id FROM clients ORDER BY id")] == [3, 4]  # never ended: never purged
    conn.close()
    r = cli("purge", AS_OF)
    assert r.exit_code == 2 and r.stderr == "Error: missing --before (see --help)\n"
    r = cli("purge", "--before", "someday", AS_OF)
    assert r.exit_code == 2
    assert before != _dump(db_path)


def test_purge_on_a_missing_database_creates_nothing(cli, db_path):
    r = cli("purge", "--before", "2025-01-01", AS_OF)
    assert r.exit_code == 2 and not db_path.exists()
    r = cli("purge", "--before", "2025-01-01", "--dry-run", AS_OF)
    assert r.exit_code == 2 and not db_path.exists()


def test_maintenance_doctests():
    import doctest

    from teikan_cli import maintenance

    assert doctest.testmod(maintenance).failed == 0


@pytest.mark.parametrize("moment", ["while-committing", "while-checking-rows"])
def test_sigkill_during_a_real_import_is_all_or_nothing(cli, db_path, tmp_path, moment):
    """`teikan import contacts BIG.csv` killed with SIGKILL: the file has none of the rows or all of them."""
    _client(cli)
    assert cli("log-visit", "1", "--date", "2025-06-01", "--type", "face", AS_OF).exit_code == 0
    rows = 15000
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8", newline="") as handle:
        handle.write("client,date,types,staff,minutes,place,concerns,center_reason,note\r\n")
        for i in range(rows):
            handle.write(f"1,2025-0{1 + i % 5}-{1 + i % 28:02d},face,,30,home,,,import-{i}\r\n")
    before = _count(db_path)
    wal = Path(f"{db_path}-wal")
    assert cli("doctor").exit_code == 0  # leaves the WAL empty: its growth below is the import's commit
    proc = subprocess.Popen([sys.executable, "-m", "teikan_cli", "import", "contacts", str(big), AS_OF],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started, wal_at_kill = time.monotonic(), 0
    try:
        while proc.poll() is None:
            if moment == "while-committing" and wal.exists() and wal.stat().st_size > 100_000:
                wal_at_kill = wal.stat().st_size  # frames of the commit are being written
                break
            if moment == "while-checking-rows" and time.monotonic() - started > 1.5:
                break
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
    finally:
        out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert _integrity(db_path) == "ok"
    if proc.returncode == -signal.SIGKILL:
        assert moment != "while-committing" or wal_at_kill > 0
        # The kill may land after the commit record reached the WAL: then all of it is there.
        assert _count(db_path) in (before, before + rows)
        assert _count(db_path, "audit") in (2, 3)
    else:  # it finished first: then all of it is there
        assert proc.returncode == 0, err
        assert _count(db_path) == before + rows
    # and the same import then runs to the end, once
    r = run_process("import", "contacts", str(big), AS_OF)
    assert r.returncode == 0, r
    assert _count(db_path) == before + rows
    print(f"{moment}: {'killed' if proc.returncode == -signal.SIGKILL else 'finished first'}"
          f"{f' with {wal_at_kill} bytes of the commit in the WAL' if wal_at_kill else ''}")


# ------------------------------------------------------------------ killed backups and restores (issue 17)

KILLS = int(os.environ.get("TEIKAN_KILLS", "10"))  # per test; the README's figures come from TEIKAN_KILLS=100


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "teikan_cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _kill(proc: subprocess.Popen) -> bool:
    """SIGKILL now; whether the process was still running (killed) rather than already done."""
    running = proc.poll() is None
    if running:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return running and proc.returncode == -signal.SIGKILL


def test_a_killed_backup_leaves_no_partial_copy_once_backup_runs_again(cli, db_path, tmp_path):
    """Finding 5: 46 of 50 kills left `.bk.db.PID.partial` (a full copy of the data) for good. The next backup
    removes any such file of a process that is gone, and says so in one line on stderr."""
    import random

    _client(cli)
    _bulk_contacts(db_path, 6000, "n" * 1000)  # ~7 MB: a backup takes long enough to be killed in the middle
    folder = tmp_path / "usb"
    folder.mkdir(mode=0o700)
    dest = folder / "bk.db"
    rng = random.Random(17)
    killed = left = removed = 0
    for _ in range(KILLS):
        proc = _spawn("--db", str(db_path), "backup", str(dest), "--force", AS_OF)
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".partial") for p in folder.iterdir()):
            if proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        killed += _kill(proc)
        partials = [p for p in folder.iterdir() if ".partial" in p.name]
        left += bool(partials)
        r = cli("--db", str(db_path), "backup", str(dest), "--force", AS_OF)
        assert r.exit_code == 0, r
        if partials:
            assert r.stderr == (f"removed 1 unfinished backup file(s) left by an interrupted run: "
                                f"{folder / partials[0].name.split('-journal')[0]}\n"), r
            removed += 1
        else:
            assert r.stderr == "", r
        assert [p.name for p in folder.iterdir()] == ["bk.db"]
        assert _integrity(dest) == "ok" and _count(dest) == 6000
    print(f"backup: {killed} of {KILLS} runs killed, {left} left a partial copy, the next run removed {removed}")
    assert killed > 0 and left == removed


def test_a_partial_copy_of_a_running_backup_is_left_alone(cli, db_path, tmp_path):
    _client(cli)
    folder = tmp_path / "usb"
    folder.mkdir(mode=0o700)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        mine = folder / f".bk.db.{alive.pid}.partial"
        mine.write_bytes(b"in progress")
        dead = folder / ".other.db.999999999.partial"
        dead.write_bytes(b"left behind")
        r = cli("backup", str(folder / "bk.db"), AS_OF)
        assert r.exit_code == 0, r
        assert r.stderr == f"removed 1 unfinished backup file(s) left by an interrupted run: {dead}\n"
        assert mine.exists() and not dead.exists()
    finally:
        alive.kill()
        alive.wait()


def _restore_outcome(path: Path, before_clients: int, after_clients: int) -> str:
    """`old` (untouched) or `new` (replaced, with its `restore` audit row as the last row)."""
    assert _integrity(path) == "ok"
    conn = sqlite3.connect(path)
    try:
        clients = conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0]
        last = conn.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    if clients == before_clients:
        assert last != "restore"
        return "old"
    assert clients == after_clients
    assert last == "restore", "the content was replaced without its audit row"
    return "new"


def test_a_killed_restore_replaces_everything_with_its_audit_row_or_nothing(cli, db_path, tmp_path):
    """Finding 4: the restore's audit row was a separate transaction, lost in 2 of 25 kills. Now it is written
    into the private copy and lands with the replacement, in one transaction: killed anywhere, the database is
    either the old one or the new one with its audit row."""
    import random
    import shutil

    _client(cli)
    _bulk_contacts(db_path, 6000, "r" * 1000)
    for name in ("鈴木 一郎", "田中 三郎"):
        _client(cli, name)
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup), AS_OF).exit_code == 0
    size = backup.stat().st_size
    old = tmp_path / "old.db"
    from conftest import copy_database

    db_path.unlink()
    _client(cli, "古い 一人")
    copy_database(db_path, old)
    wal = Path(f"{db_path}-wal")
    rng = random.Random(4)
    outcomes = {"old": 0, "new": 0}
    killed = 0
    for attempt in range(KILLS):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(old, db_path)
        os.chmod(db_path, 0o600)
        proc = _spawn("--db", str(db_path), "restore", str(backup), "--force", AS_OF)
        if attempt % 3:  # while the replacement is written into the WAL, or as it is committed
            goal = size * (rng.uniform(0.3, 0.99) if attempt % 3 == 1 else rng.uniform(1.0, 1.01))
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size >= goal:
                    break
                time.sleep(0.0005)
        else:  # anywhere in the run
            time.sleep(rng.uniform(0.1, 1.0))
        killed += _kill(proc)
        outcomes[_restore_outcome(db_path, 1, 3)] += 1
    print(f"restore: {killed} of {KILLS} runs killed; database old {outcomes['old']}, new with its audit row "
          f"{outcomes['new']}, replaced without it 0")
    assert killed > 0
    # The private copies of killed runs are removed by the next restore, which says so.
    leftovers = [p for p in db_path.parent.iterdir() if p.name.endswith(".restore")]
    r = run_process("--db", str(db_path), "restore", str(backup), "--force", AS_OF)
    assert r.returncode == 0, r
    if leftovers:
        assert r.stderr.startswith(f"removed {len(leftovers)} private copy/copies left by an interrupted restore: ")
    assert [p for p in db_path.parent.iterdir() if ".restore" in p.name] == []
    assert cli("doctor").exit_code == 0


def _raw(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


PURGED = ("古川 一", "古いメモ", "面談メモ", "どこかのセンター", "1111111111")


def test_purge_says_so_when_a_reader_keeps_the_purged_pages_in_the_wal(cli, db_path):
    """Finding 7: purge reported success while the purged names stayed in the file until a later checkpoint.
    With another process reading, the WAL cannot be emptied: purge says so in one line and exits 1; run again
    once the reader is gone, it empties the WAL and the names are in neither the file nor the WAL."""
    _purge_fixture(cli)
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM clients").fetchone() == (4,)  # holds a snapshot from before
    try:
        r = cli("purge", "--before", "2025-04-10", AS_OF)
        assert r.exit_code == 1, r
        assert r.stdout.splitlines()[-1] == (
            f"note: another program is reading {db_path}, so its log ({db_path}-wal) could not be emptied: what was "
            "purged may stay in it until that program closes the file. Run 'teikan purge --before 2025-04-10' "
            "again when nobody is using teikan")
        data = json.loads(cli("purge", "--before", "2025-04-10", "--format", "json", AS_OF).stdout)
        assert data["wal_emptied"] is False
        assert any(secret.encode() in _raw(db_path) for secret in PURGED)  # what the note warns about
    finally:
        reader.close()
    r = cli("purge", "--before", "2025-04-10", AS_OF)
    assert r.exit_code == 0, r
    assert "note:" not in r.stdout
    raw = _raw(db_path)
    for secret in PURGED:
        assert secret.encode() not in raw, secret
    assert json.loads(cli("purge", "--before", "2025-04-10", "--format", "json", AS_OF).stdout)["wal_emptied"] is True


def test_purge_leaves_no_purged_text_after_edits_moved_it_around(cli, db_path):
    """Old versions of a purged client's rows (an edited note, a corrected contact, their audit details) are
    gone from the file and the WAL too, not only the rows as they were last."""
    _purge_fixture(cli)
    for note in ("一度目の訂正メモ", "二度目"):
        assert cli("edit-client", "1", "--note", note, "--as-of=2020-06-01").exit_code == 0
    assert cli("edit-visit", "1", "--note", "訂正した面談メモ", "--as-of=2020-06-01").exit_code == 0
    for i in range(10):  # other clients on the same pages
        assert cli("add-client", f"他人 {i}", "--note", "残るメモ" * 5, "--employment-start", "2017-04-01",
                   "--support-start", "2017-10-01", "--as-of=2019-06-01").exit_code == 0
    r = cli("purge", "--before", "2025-04-10", AS_OF)
    assert r.exit_code == 0, r
    raw = _raw(db_path)
    for secret in (*PURGED, "一度目の訂正メモ", "訂正した面談メモ"):
        assert secret.encode() not in raw, secret
    assert "残るメモ".encode() in raw


# ------------------------------------------------------------------ export --pseudonymize (SPEC §13)


def _pseudonymize_fixture(cli):
    for args in (
        ("add-staff", "佐藤 花子", "--role", "supporter", "--hours", "40", "--from", "2022-04-18", "--until",
         "2025-05-20"),
        ("add-client", "山田 太郎", "--kana", "ヤマダ タロウ", "--employer", "みどり製作所", "--certificate", "0123456789",
         "--employment-start", "2021-08-31", "--support-start", "2022-04-18", "--grant-until", "2025-04-30",
         "--staff", "佐藤 花子", "--disability", "mental", "--disability", "developmental", "--note", "週3日勤務",
         "--interim-support-end", "2021-09-30", "--prior-service", "transition", "--as-of=2022-05-01"),
        # a service started mid-month and ended on its last day, in the 37th calendar month
        ("log-visit", "1", "--date", "2025-04-17", "--type", "face", "--staff", "佐藤 花子", "--note", "面談",
         "--concern", "medication", "--minutes", "45", "--place", "workplace", "--as-of=2025-04-17"),
        ("end-client", "1", "--date", "2025-04-17", "--reason", "period-end", "--as-of=2025-04-20"),
    ):
        r = cli(*args)
        assert r.exit_code == 0, (args, r)


def test_export_pseudonymize_coarsens_every_date_drops_free_text_and_still_imports(cli, tmp_path):
    """Finding 7: `--pseudonymize` kept exact dates and disability kinds, which together identify a person."""
    import csv
    import io
    import re

    _pseudonymize_fixture(cli)
    files = {}
    for kind in ("staff", "clients", "contacts"):
        r = cli("export", kind, "--pseudonymize", "--as-of=2025-06-15")
        assert r.exit_code == 0, r
        for secret in ("山田", "ヤマダ", "みどり製作所", "佐藤 花子", "0123456789", "週3日", "面談", "mental",
                       "developmental"):
            assert secret not in r.stdout, (kind, secret)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        for row in rows:
            for column, value in row.items():
                if column in ("grant_until", "employment_start", "interim_support_end", "employment_end",
                              "support_start", "ended_on", "date", "from", "until"):
                    assert value == "" or re.fullmatch(r"\d{4}-\d{2}-01", value), (kind, column, value)
        files[kind] = tmp_path / f"{kind}.csv"
        files[kind].write_text(r.stdout, encoding="utf-8")
        if kind == "clients":
            (row,) = rows
            assert row["name"].startswith("P-") and row["employer"].startswith("E-") and row["staff"].startswith("S-")
            assert (row["kana"], row["note"], row["disabilities"], row["interim_support_end"]) == ("", "", "", "")
            assert (row["employment_start"], row["support_start"], row["grant_until"], row["ended_on"]) == (
                "2021-08-01", "2022-04-01", "2025-04-01", "2025-03-01")  # the 37th month: the coarse last month
            assert (row["prior_service"], row["end_reason"]) == ("transition", "period-end")
        if kind == "contacts":
            (row,) = rows
            assert (row["date"], row["types"], row["concerns"], row["minutes"], row["place"], row["note"]) == (
                "2025-03-01", "face", "medication", "45", "workplace", "")
    other = tmp_path / "vendor.db"
    for kind in ("staff", "clients", "contacts"):
        r = cli("--db", str(other), "import", kind, str(files[kind]), "--as-of=2025-06-15")
        assert r.exit_code == 0, (kind, r)


def test_every_pseudonymized_record_passes_the_checks_of_import():
    """Whatever the exact dates (mid-month starts, 31sts, an interim support, an end in the 37th month), the
    coarse record still passes the checks `import` makes: a pseudonymized export always imports."""
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from teikan_cli.csvio import Pseudonyms
    from teikan_cli.dates import eligible_from, support_end
    from teikan_cli.models import Client, Contact
    from teikan_cli.validation import check_client, check_contact

    as_of = date(2031, 12, 31)
    hide = Pseudonyms(b"k" * 32)

    @settings(max_examples=150, deadline=None, database=None)
    @given(st.dates(date(2015, 1, 1), date(2026, 12, 31)), st.one_of(st.none(), st.integers(0, 400)),
           st.integers(0, 200), st.one_of(st.none(), st.integers(0, 1200)), st.one_of(st.none(), st.integers(0, 1200)),
           st.lists(st.integers(0, 1200), max_size=5))
    def run(hired, interim_days, delay, grant_days, end_days, contact_days):
        interim = None if interim_days is None else hired + timedelta(days=interim_days)
        start = eligible_from(hired, interim) + timedelta(days=delay)
        last = support_end(start)
        ended = None if end_days is None else min(start + timedelta(days=end_days), last)
        client = Client(id=1, name="x", employment_start=hired, support_start=start, interim_support_end=interim,
                        grant_until=None if grant_days is None else start + timedelta(days=grant_days),
                        ended_on=ended, end_reason=None if ended is None else "period-end")
        check_client(client, as_of)
        coarse = hide.client(client)
        check_client(coarse, as_of)
        for days in contact_days:
            contact = Contact(id=0, client_id=1, date=min(start + timedelta(days=days), ended or last), types=("face",))
            check_contact(contact, client, as_of, set())
            made = hide.contact(contact, coarse)
            check_contact(made, coarse, as_of, set())
            assert made.date.day == 1 and (made.date.year, made.date.month) <= (contact.date.year, contact.date.month)

    run()


OUTPUT_INTO_A_FILE = """
import sys
from teikan_cli.cli import main
sys.stdout = open(sys.argv[1], "w", encoding="utf-8")  # no other reference: only sys.stdout holds it
try:
    main(sys.argv[2:])
except SystemExit as exc:
    sys.exit(exc.code)
"""


def test_output_sent_to_a_file_object_never_lands_in_the_database(cli, db_path, tmp_path):
    # Found by a profiling harness: stdout replaced by a file object that only `sys.stdout` referenced was closed
    # when teikan wrapped it, SQLite then opened the database on the freed descriptor, and the report was written
    # over the database's first page.
    assert cli("demo", "--path", str(db_path), "--as-of", "2026-10-15").exit_code == 0
    before = _dump(db_path)
    out = tmp_path / "report.txt"
    proc = subprocess.run([sys.executable, "-c", OUTPUT_INTO_A_FILE, str(out), "report", "--month", "2026-09",
                           "--as-of", "2026-10-15"], capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc
    assert "2026-09" in out.read_text(encoding="utf-8")
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert _dump(db_path) == before
