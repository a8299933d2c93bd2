"""Privacy (issue 8): private files, no personal data in errors or in the audit trail, who-and-when of every write.

All names and notes are fictional.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

AS_OF = "--as-of=2025-06-15"
OPERATOR = "kiroku-tester"  # the OS user of these tests (getpass reads LOGNAME first)

# Everything personal the fixture stores; none of it may appear where it was not typed.
SECRETS = ["山田 太郎", "ヤマダ タロウ", "株式会社ひみつ", "0123456789", "通院の話をした", "佐藤 花子", "サトウ ハナコ",
           "9876543210", "家族の事情", "ないしょのセンター", "引継ぎメモ"]


@pytest.fixture(autouse=True)
def operator(monkeypatch):
    monkeypatch.setenv("LOGNAME", OPERATOR)
    monkeypatch.setenv("USER", OPERATOR)


def _office(cli) -> None:
    for args in (
        ("init", "--office-name", "テスト事業所"),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40"),
        ("add-client", "山田 太郎", "--kana", "ヤマダ タロウ", "--employer", "株式会社ひみつ", "--certificate", "0123456789",
         "--employment-start", "2024-04-01", "--support-start", "2024-10-01", "--note", "通院の話をした", "--staff", "佐藤"),
        ("add-client", "佐藤 花子", "--kana", "サトウ ハナコ", "--certificate", "9876543210",
         "--employment-start", "2024-04-01", "--support-start", "2024-10-01", "--note", "家族の事情"),
        ("log-visit", "1", "--date", "2025-06-01", "--type", "face", "--staff", "佐藤", "--note", "通院の話をした"),
        ("handover", "2", "--center", "ないしょのセンター", "--consent-date", "2025-06-01", "--note", "引継ぎメモ"),
    ):
        r = cli(*args, AS_OF)
        assert r.exit_code == 0, r


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ------------------------------------------------------------------ files


def test_default_database_is_0600_in_0700_folders_even_with_a_lax_umask(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("TEIKAN_DB")
    old = os.umask(0)
    try:
        r = cli("init", "--office-name", "テスト事業所", AS_OF)
        assert r.exit_code == 0, r
        store_path = tmp_path / "xdg" / "teikan" / "teikan.db"
        assert _mode(store_path) == 0o600
        assert _mode(store_path.parent) == 0o700
        assert _mode(tmp_path / "xdg") == 0o700
        # the -wal / -shm files SQLite makes while the file is open are private too
        from teikan_cli.store import open_store

        store = open_store(store_path, create=False)
        with store.write():
            store.audit("test")
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{store_path}{suffix}")
            assert companion.exists() and _mode(companion) == 0o600, suffix
        store.close()
        backup = tmp_path / "new-folder" / "copy.db"
        assert cli("backup", str(backup), AS_OF).exit_code == 0
        assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
    finally:
        os.umask(old)


def test_doctor_flags_a_database_others_can_read(cli, db_path):
    _office(cli)
    os.chmod(db_path, 0o640)
    r = cli("doctor")
    assert r.exit_code == 1
    assert f"problem  file-mode       {db_path} is 0640, should be 0600" in r.stdout


# ------------------------------------------------------------------ error messages


def test_unknown_client_error_shows_only_what_was_typed(cli, db_path):
    _office(cli)
    r = cli("log-visit", "山田", "--type", "face", "--date", "2025-06-02", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: no client '山田' (give an id, a certificate number or the exact name)\n"
    r = cli("show-client", "0123456788", AS_OF)  # one digit off a real certificate number
    assert r.stderr == "Error: no client '0123456788' (give an id, a certificate number or the exact name)\n"


@pytest.mark.parametrize("args", [
    ["log-visit", "2", "--type", "face", "--date", "2024-01-01"],            # outside the service
    ["log-visit", "1", "--type", "center", "--date", "2025-06-02"],          # no reason
    ["log-visit", "1", "--type", "face", "--staff", "鈴木", "--date", "2025-06-02"],  # unknown staff
    ["add-client", "新井 三郎", "--certificate", "0123456789", "--employment-start", "2024-04-01",
     "--support-start", "2024-10-01"],                                      # certificate of #1
    ["edit-client", "2", "--certificate", "0123456789"],                     # certificate of #1
    ["edit-client", "2", "--support-start", "2024-05-01"],                   # before eligibility
    ["end-client", "1", "--date", "2024-01-01", "--reason", "other"],
    ["share-report", "1", "--month", "2023-01"],
    ["handover", "2", "--shared-date", "2025-05-01"],                         # before the consent
    ["plan", "1", "--date", "2030-01-01"],
    ["show-client", "99"],
    ["visits", "--client", "77"],
])
def test_errors_about_existing_clients_carry_no_personal_data(cli, db_path, args):
    _office(cli)
    r = cli(*args, AS_OF)
    assert r.exit_code == 2 and r.stdout == "", r
    typed = " ".join(args)
    for secret in SECRETS:
        if secret not in typed:
            assert secret not in r.stderr, (secret, r.stderr)


def test_an_ambiguous_name_error_lists_ids_only(cli, db_path):
    _office(cli)
    assert cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
               "--note", "別人のメモ", AS_OF).exit_code == 0
    r = cli("log-visit", "山田 太郎", "--type", "face", "--date", "2025-06-02", AS_OF)
    assert r.exit_code == 2
    assert r.stderr == "Error: '山田 太郎' matches several clients (#1, #3); give the id or the certificate number ('teikan clients' tells them apart)\n"


def test_an_unexpected_failure_shows_no_data_and_writes_nothing(cli, db_path, monkeypatch):
    """The last line of defence: an internal error names only the exception type (no message, no locals)."""
    from teikan_cli.store import Store

    _office(cli)
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM contacts").fetchone()[0]

    def explode(self, contact):
        self.conn.execute("INSERT INTO contacts (client_id, date, face, note) VALUES (?, ?, 1, ?)",
                          (contact.client_id, contact.date.isoformat(), contact.note))
        raise RuntimeError("山田 太郎 通院の話をした 0123456789")

    monkeypatch.setattr(Store, "insert_contact", explode)
    r = cli("log-visit", "1", "--type", "face", "--date", "2025-06-02", "--note", "新しいメモ", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: internal error (RuntimeError); nothing was written\n"
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == before


# ------------------------------------------------------------------ audit trail


def _audit(db_path: Path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    cur = conn.execute("SELECT at, who, action, client_id, record, detail FROM audit ORDER BY id")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row)) for row in cur]
    conn.close()
    return rows


WRITES = [
    # (command line, expected action, expected client, expected who)
    (["init", "--office-name", "別の名前"], "init", None, OPERATOR),
    (["add-client", "新井 三郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--note", "新しい人のメモ", "--kana", "アライ"], "add-client", 3, OPERATOR),
    (["edit-client", "1", "--note", "書き換えたメモ", "--employer", "別の会社"], "edit-client", 1, OPERATOR),
    (["log-visit", "1", "--type", "face", "--date", "2025-06-03", "--note", "二回目"], "log-visit", 1, OPERATOR),
    (["log-visit", "1", "--type", "employer", "--date", "2025-06-04", "--staff", "佐藤"], "log-visit", 1, "佐藤"),
    (["plan", "1", "--date", "2025-06-01", "--center-cooperation", "advice"], "plan", 1, OPERATOR),
    (["handover", "1", "--center", "どこかのセンター", "--note", "秘密の引継ぎ"], "handover", 1, OPERATOR),
    (["share-report", "1", "--month", "2025-06", "--date", "2025-06-15"], "share-report", 1, OPERATOR),
    (["end-client", "2", "--date", "2025-06-10", "--reason", "job-loss"], "end-client", 2, OPERATOR),
    (["add-staff", "高橋", "--role", "manager", "--hours", "40"], "add-staff", None, None),
]


@pytest.mark.parametrize("args, action, client_id, who", WRITES, ids=[w[0][0] + str(i) for i, w in enumerate(WRITES)])
def test_every_write_records_who_and_when(cli, db_path, args, action, client_id, who):
    _office(cli)
    count = len(_audit(db_path))
    started = datetime.now(timezone.utc).replace(microsecond=0)
    r = cli(*args, AS_OF)
    assert r.exit_code == 0, r
    new = _audit(db_path)[count:]
    assert new, "no audit row for a write"
    for row in new:
        assert row["action"] == action
        assert row["client_id"] == client_id
        assert row["who"], "who is empty"
        if who is not None:
            assert row["who"] == who
        at = datetime.fromisoformat(row["at"])
        assert at.tzinfo is not None and started - timedelta(seconds=1) <= at <= datetime.now(timezone.utc)


def test_audit_rows_name_records_without_personal_data_and_keep_old_and_new_values(cli, db_path):
    """SPEC §12: a correction keeps the old and new values (in `detail`, inside the database file, which is
    0600 and purged with the client); the action and the record reference never carry personal data."""
    _office(cli)
    for args, *_ in WRITES:
        assert cli(*args, AS_OF).exit_code == 0
    personal = SECRETS + ["新井 三郎", "新しい人のメモ", "アライ", "書き換えたメモ", "別の会社", "二回目", "どこかのセンター",
                          "秘密の引継ぎ"]
    rows = _audit(db_path)
    assert len(rows) >= len(WRITES) + 6
    for row in rows:
        for column in ("action", "record"):
            for secret in personal:
                assert secret not in str(row[column] or ""), (column, row)
        assert row["who"] not in ("山田 太郎", "佐藤 花子", "新井 三郎")
    [edit] = [json.loads(r["detail"]) for r in rows if r["action"] == "edit-client"]
    assert edit == {"old": {"employer": "株式会社ひみつ", "note": "通院の話をした"},
                    "new": {"employer": "別の会社", "note": "書き換えたメモ"}}


def test_show_client_history_shows_who_and_when(cli, db_path):
    _office(cli)
    assert cli("edit-client", "1", "--note", "書き換えたメモ", AS_OF).exit_code == 0
    data = json.loads(cli("show-client", "1", "--history", "--format", "json", AS_OF).stdout)
    assert [(h["who"], h["action"]) for h in data["history"]][1:] == [("佐藤", "log-visit"), (OPERATOR, "edit-client")]
    assert data["history"][0]["who"] in (OPERATOR, "佐藤")  # `--staff` given: the 担当 may count
    assert all(datetime.fromisoformat(h["at"]).tzinfo is not None for h in data["history"])
    # The table: Japan's local time, the action and record in words, the change as old → new.
    r = cli("show-client", "1", "--history", AS_OF)
    assert r.exit_code == 0, r
    history = r.stdout[r.stdout.index("History"):].splitlines()
    assert history[1].split()[:3] == ["At", "Who", "Action"]
    last = history[-1]
    local = datetime.fromisoformat(data["history"][-1]["at"]).astimezone(timezone(timedelta(hours=9)))
    assert last.startswith(local.strftime("%Y-%m-%d %H:%M"))
    assert "changed" in last and "client #1" in last and "Note: 通院の話をした → 書き換えたメモ" in last
    # without --history nothing of it is shown
    assert "history" not in json.loads(cli("show-client", "1", "--format", "json", AS_OF).stdout)
