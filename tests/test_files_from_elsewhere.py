"""Files from elsewhere (SPEC §13, issue 17 findings 1 and 4): a schema teikan did not make is refused when the
file is opened, restored or checked by doctor; restore and doctor check every row; restore works on a private
copy and never writes beside its source."""

from __future__ import annotations

import json
import re
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import database_dump, run_cli
from teikan_cli.migrations import FIRST_WITH_NOTES, MIGRATIONS, SCHEMA_VERSION

AS_OF = "--as-of=2025-06-15"

# Finding 1: after a restore of this file, one log-visit wiped the audit trail, overwrote every note and copied
# every name into the office name (printed on the 支援レポート handed to clients and employers).
TRIGGER = """CREATE TRIGGER after_visit AFTER INSERT ON contacts BEGIN
    DELETE FROM audit;
    UPDATE clients SET note = 'overwritten';
    UPDATE office SET name = (SELECT group_concat(name, ' ') FROM clients);
END"""


def _office(path: Path) -> Path:
    for args in (("init", "--office-name", "みどり事業所"),
                 ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                  "--certificate", "0123456789", "--note", "メモ"),
                 ("add-client", "佐藤 花子", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"),
                 ("add-staff", "鈴木", "--role", "supporter", "--hours", "40"),
                 ("log-visit", "1", "--date", "2025-06-02", "--type", "face", "--staff", "鈴木"),
                 ("handover", "1", "--center", "なかぽつ", "--consent-date", "2025-06-01")):
        r = run_cli("--db", str(path), *args, AS_OF)
        assert r.exit_code == 0, r
    return path


def _tamper(path: Path, *statements: str, check_constraints: bool = True) -> Path:
    """Change a file as another program would (foreign keys off, optionally CHECK constraints ignored)."""
    conn = sqlite3.connect(path)
    if not check_constraints:
        conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def source(tmp_path) -> Path:
    """A sound teikan file from elsewhere (a backup), in its own folder."""
    folder = tmp_path / "usb"
    folder.mkdir(mode=0o700)
    made = _office(tmp_path / "made.db")
    r = run_cli("--db", str(made), "backup", str(folder / "backup.db"), AS_OF)
    assert r.exit_code == 0, r
    return folder / "backup.db"


# ------------------------------------------------------------------ the schema fingerprint


SCHEMA_CHANGES = {
    "trigger": ([TRIGGER], "trigger after_visit on contacts is not teikan's"),
    "view": (["CREATE VIEW everyone AS SELECT name, note FROM clients"], "view everyone is not teikan's"),
    "dropped index": (["DROP INDEX contacts_month"], "index contacts_month on contacts is missing"),
    "extra index": (["CREATE INDEX spy ON clients (note)"], "index spy on clients (note) is not teikan's"),
    "extra table": (["CREATE TABLE copies (x)", "INSERT INTO copies SELECT note FROM clients"],
                    "table copies (2 row(s)) is not teikan's"),
    "added column": (["ALTER TABLE clients ADD COLUMN secret TEXT"], "table clients differs from teikan's (extra column secret)"),
    "dropped column": (["ALTER TABLE clients DROP COLUMN note"], "table clients differs from teikan's (no column note)"),
    "retyped column": (["CREATE TABLE office_new (id INTEGER PRIMARY KEY, name BLOB)", "DROP TABLE office",
                        "ALTER TABLE office_new RENAME TO office"],
                       "table office differs from teikan's (no column number, fulltime_hours"),
    "rebuilt without a CHECK": ([
        "CREATE TABLE people_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        "INSERT INTO people_new SELECT * FROM people", "DROP TABLE people",
        "ALTER TABLE people_new RENAME TO people"],
        "table people has teikan's columns but not its rules (CHECK, UNIQUE, references)"),
}


@pytest.mark.parametrize("change", sorted(SCHEMA_CHANGES))
def test_a_schema_teikan_did_not_make_is_refused_untouched_byte_for_byte(db_path, change):
    statements, what = SCHEMA_CHANGES[change]
    _tamper(_office(db_path), *statements)
    before = _files(db_path.parent)
    for args in (["log-visit", "1", "--date", "2025-06-03", "--type", "face"], ["clients"], ["add-client", "x",
                 "--employment-start", "2024-04-01", "--support-start", "2024-10-01"], ["export", "clients"],
                 ["backup", str(db_path.parent.parent / f"{change}.db")]):
        r = run_cli(*args, AS_OF)
        assert (r.exit_code, r.stdout) == (2, ""), (args, r)
        assert r.stderr.startswith(f"Error: {db_path} has a schema teikan did not make ({what}") and \
            r.stderr.endswith("; left untouched\n"), (args, r)
        assert _files(db_path.parent) == before, args  # the file, and no -wal/-shm left beside it
    r = run_cli("doctor")
    assert r.exit_code == 1, r
    assert f"problem  schema          the schema is not teikan's: {what}" in r.stdout
    assert _files(db_path.parent) == before


def test_the_trigger_file_of_finding_1_is_refused_by_restore(db_path, source):
    _office(db_path)
    _tamper(source, TRIGGER)
    before = database_dump(db_path)
    r = run_cli("restore", str(source), "--force", AS_OF)
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr == (f"Error: {source} cannot be restored: the schema is not teikan's: trigger after_visit on contacts "
                        "is not teikan's (schema); nothing was restored\n")
    assert database_dump(db_path) == before
    # and the office the 支援レポート names is still the office
    r = run_cli("log-visit", "2", "--date", "2025-06-03", "--type", "face", AS_OF)
    assert r.exit_code == 0, r
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT name FROM office").fetchone() == ("みどり事業所",)
    assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] > 0
    conn.close()


def test_sqlites_own_statistics_are_not_a_foreign_schema(db_path):
    _tamper(_office(db_path), "ANALYZE")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (1,)
    conn.close()
    assert run_cli("log-visit", "1", "--date", "2025-06-03", "--type", "face", AS_OF).exit_code == 0
    assert run_cli("doctor").exit_code == 0


def _schema_file(path: Path, version: int) -> Path:
    """An empty teikan file at an older schema version, built by teikan's own migrations."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    notes: list = []
    for index in range(version):
        MIGRATIONS[index](conn) if index < FIRST_WITH_NOTES else MIGRATIONS[index](conn, notes)
    conn.execute("PRAGMA application_id = 0x7465696B")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.mark.parametrize("version", [1, 4, 8, SCHEMA_VERSION - 1])
def test_an_older_file_is_compared_with_its_own_version_then_migrated(db_path, version):
    _schema_file(db_path, version)
    assert run_cli("init", AS_OF).exit_code == 0  # teikan's own older schema: migrated
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()
    db_path.unlink()
    _tamper(_schema_file(db_path, version), "CREATE TRIGGER t AFTER INSERT ON clients BEGIN DELETE FROM audit; END")
    before = db_path.read_bytes()
    r = run_cli("init", AS_OF)
    assert r.exit_code == 2 and "trigger t on clients is not teikan's" in r.stderr, r
    assert db_path.read_bytes() == before


def test_the_fingerprint_is_cached_and_a_stale_cache_never_refuses_a_sound_file(db_path, tmp_path, monkeypatch):
    from teikan_cli.store import fingerprint

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fingerprint._MEMO.clear()
    _office(db_path)
    (cached,) = (tmp_path / "cache" / "teikan").glob("schema-*.json")
    assert cached.stat().st_mode & 0o777 == 0o600 and cached.parent.stat().st_mode & 0o777 == 0o700
    data = json.loads(cached.read_text())
    assert sorted(map(int, data["digests"])) == list(range(1, SCHEMA_VERSION + 1))
    data["digests"] = {v: "0" * 64 for v in data["digests"]}  # wrong for every version
    cached.write_text(json.dumps(data))
    fingerprint._MEMO.clear()
    assert run_cli("clients", AS_OF).exit_code == 0


def test_a_file_is_checked_in_one_snapshot_while_another_process_migrates_it(db_path):
    """Version and schema are read together: an open that races a migration sees the old or the new schema whole."""
    from conftest import run_process

    for _ in range(3):
        if db_path.exists():
            db_path.unlink()
        _schema_file(db_path, 4)
        procs = [subprocess.Popen([os.sys.executable, "-m", "teikan_cli", "clients", AS_OF], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
        r = run_process("init", AS_OF)
        assert r.returncode == 0, r
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0 and "schema teikan did not make" not in err, err


# ------------------------------------------------------------------ every row, on restore and in doctor


BAD_ROWS = {
    # finding 4: a date of the right shape that does not exist
    "malformed date": (["UPDATE contacts SET date = '2025-13-45'"], True,
                       "1 date(s) that do not exist, e.g. contacts.date '2025-13-45' (dates)", "dates"),
    "30 February": (["UPDATE clients SET grant_until = '2026-02-30' WHERE id = 2"], True,
                    "1 date(s) that do not exist, e.g. clients.grant_until '2026-02-30' (dates)", "dates"),
    "month 13": (["INSERT INTO shared_reports (client_id, month, date) VALUES (1, '2025-13', '2025-06-10')",
                  "INSERT INTO shared_report_recipients VALUES (1, '2025-13', 'client')"], True,
                 "1 date(s) that do not exist, e.g. shared_reports.month '2025-13' (dates)", "dates"),
    # finding 4: CHECK constraints a read-only integrity check does not see
    "a contact with no type": (["UPDATE contacts SET face = 0"], False,
                               "1 row(s) break the schema's rules (CHECK constraint failed in contacts) (integrity)",
                               "integrity"),
    "a certificate of letters": (["UPDATE clients SET certificate = 'ABCDEFGHIJ' WHERE id = 1"], False,
                                 "1 row(s) break the schema's rules (CHECK constraint failed in clients) (integrity)",
                                 "integrity"),
    # derived values that disagree
    "a name not normalised": (["UPDATE people SET name = '鈴木　 '"], True,
                              "1 name(s) not stored after the name rule, e.g. people.name of #1 (names)", "names"),
    "a client name not normalised": (["UPDATE clients SET name = '山田　太郎' WHERE id = 1"], True,
                                     "1 name(s) not stored after the name rule, e.g. clients.name of #1 (names)",
                                     "names"),
    "an audit row altered": (["UPDATE audit SET who = 'someone else' WHERE id = 2"], True,
                             "audit row #2 was altered after it was written (its content does not match its hash) "
                             "(audit-chain)", "audit-chain"),
    "an audit row removed": (["DELETE FROM audit WHERE id = 3"], True,
                             "the audit trail is broken at row #4: a row before it was removed or altered "
                             "(audit-chain)", "audit-chain"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_restore_refuses_bad_rows_and_doctor_reports_them(db_path, source, case):
    statements, checks_on, problem, code = BAD_ROWS[case]
    _office(db_path)
    _tamper(source, *statements, check_constraints=checks_on)
    before, source_bytes = database_dump(db_path), source.read_bytes()
    r = run_cli("restore", str(source), "--force", AS_OF)
    assert (r.exit_code, r.stdout) == (2, ""), r
    head = problem.rsplit(" (", 1)[0]
    assert r.stderr == f"Error: {source} cannot be restored: {problem}; nothing was restored\n", r
    assert database_dump(db_path) == before and source.read_bytes() == source_bytes
    assert not any(p.name.endswith(".restore") for p in db_path.parent.iterdir())  # the private copy is gone
    r = run_cli("--db", str(source), "doctor")
    assert r.exit_code == 1, r
    assert [line for line in r.stdout.splitlines() if line.startswith("problem")] == [
        f"problem  {code:<15} {head}"], r.stdout


def test_after_a_refused_malformed_date_every_command_still_works(db_path, source):
    """Finding 4: once `2025-13-45` was in, clients, handovers, due, watch and export failed with
    `internal error (ValueError)`. Refused at restore, the database stays usable."""
    _office(db_path)
    _tamper(source, "UPDATE contacts SET date = '2025-13-45'")
    assert run_cli("restore", str(source), "--force", AS_OF).exit_code == 2
    for args in (["clients"], ["handovers"], ["due"], ["watch"], ["export", "contacts"], ["visits"],
                 ["report", "--month", "2025-06"], ["show-client", "1"]):
        r = run_cli(*args, AS_OF)
        assert r.exit_code in (0, 1) and "internal error" not in r.stderr, (args, r)


def test_an_older_backup_whose_kind_bits_disagree_with_its_types_is_refused(db_path, tmp_path):
    """Finding 4: schema 3–5 kept a contact's types twice (rows and bits); a file where they disagree is refused."""
    _office(db_path)
    old = _schema_file(tmp_path / "old.db", 4)
    _tamper(old,
            "INSERT INTO clients (id, name, employment_start, support_start) VALUES (1, 'x', '2024-04-01', '2024-10-01')",
            "INSERT INTO contacts (id, client_id, date, kinds) VALUES (1, 1, '2025-06-01', 3)",
            "INSERT INTO contact_types VALUES (1, 'face')")
    before = database_dump(db_path)
    r = run_cli("restore", str(old), "--force", AS_OF)
    assert r.exit_code == 2 and r.stderr == (
        f"Error: {old} cannot be restored: 1 contact(s) without a type or whose type bits disagree with their "
        "types (contact-kinds); nothing was restored\n"), r
    assert database_dump(db_path) == before
    _tamper(old, "UPDATE contacts SET kinds = 1")
    r = run_cli("restore", str(old), "--force", AS_OF)
    assert r.exit_code == 0, r  # agreeing bits: restored, and migrated to this schema
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT face, employer FROM contacts").fetchall() == [(1, 0)]
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()


def test_a_sound_older_backup_is_migrated_on_the_copy_and_the_source_stays_as_it_was(db_path, tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "schema4.db"
    if not fixture.exists():
        pytest.skip("tests/fixtures/schema4.db is not in this checkout")
    source = tmp_path / "old.db"
    shutil.copyfile(fixture, source)
    before = source.read_bytes()
    r = run_cli("restore", str(source), AS_OF)
    assert r.exit_code == 0, r
    assert source.read_bytes() == before
    assert run_cli("doctor").exit_code == 0


# ------------------------------------------------------------------ never beside the source


def _read_only_folder(folder: Path):
    """Make `folder` a read-only file system holding its files (a write-protected USB stick): a tmpfs remounted
    read-only where this machine allows mounting, otherwise mode 0555 (which only binds non-root users)."""
    files = _files(folder)
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot mount a tmpfs here, and root ignores folder modes")
        for name, data in files.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        return lambda: subprocess.run(["umount", str(folder)], check=False, capture_output=True)
    folder.chmod(0o555)
    return lambda: folder.chmod(0o755)


@pytest.mark.parametrize("with_wal", [False, True])
def test_restore_never_writes_beside_its_source(db_path, source, with_wal):
    """Finding 4: restore wrote `-wal`/`-shm` beside the source (a USB stick). Now the source is read as plain
    bytes into a private copy: it works from a read-only stick, and nothing appears beside it."""
    _office(db_path)
    if with_wal:  # a copy taken with its WAL (made by copying a live database and its -wal)
        conn = sqlite3.connect(source)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE clients SET employer = 'WALにだけある' WHERE id = 1")
        conn.commit()
        shutil.copyfile(f"{source}-wal", source.parent / "keep-wal")
        conn.close()
        os.replace(source.parent / "keep-wal", f"{source}-wal")
    before = _files(source.parent)
    undo = _read_only_folder(source.parent)
    try:
        r = run_cli("restore", str(source), "--force", AS_OF)
        assert r.exit_code == 0, r
        assert _files(source.parent) == before
    finally:
        undo()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT employer FROM clients WHERE id = 1").fetchone() == (
        "WALにだけある" if with_wal else None,)
    conn.close()
    assert [p.name for p in db_path.parent.iterdir() if ".restore" in p.name] == []
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_restore_records_its_audit_row_on_the_copy_chained_to_the_copys_last_row(db_path, source):
    _office(db_path)
    r = run_cli("restore", str(source), "--force", AS_OF)
    assert r.exit_code == 0, r
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT action, prev_hash, hash FROM audit ORDER BY id").fetchall()
    conn.close()
    assert rows[-1][0] == "restore" and rows[-2][0] == "backup" or rows[-1][0] == "restore"
    assert rows[-1][1] == rows[-2][2]
    assert run_cli("doctor").exit_code == 0


def test_restore_replaces_a_tampered_database_from_a_sound_backup(db_path, source):
    """A database refused for a trigger is not a dead end: `restore --force` of a sound backup replaces it."""
    _tamper(_office(db_path), TRIGGER)
    assert run_cli("clients", AS_OF).exit_code == 2
    r = run_cli("restore", str(source), "--force", AS_OF)
    assert r.exit_code == 0, r
    assert run_cli("clients", AS_OF).exit_code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (0,)
    conn.close()


# ------------------------------------------------------------------ doctor in Japanese, on a narrow terminal


_TECHNICAL = re.compile(r"PRAGMA (integrity|foreign_key)_check|0x[0-9a-f]{8}|teikan|-wal/-shm|chmod \d+|ID|CHECK|NULL|"
                        r"'?/[^\s'）]+'?|[a-z_]+\.[a-z_]+|[\w.-]+\.db|[a-z_]+")


def test_doctor_in_japanese_says_every_word_in_japanese_and_keeps_the_codes_in_json(db_path):
    _office(db_path)
    r = run_cli("doctor", env={"TEIKAN_LANG": "ja"})
    assert r.exit_code in (0, 1), r  # the test's folder may be open to others
    lines = r.stdout.splitlines()
    assert {line.split()[0] for line in lines} <= {"正常", "問題"}
    assert [line.split()[1] for line in lines] == [
        "ファイルの権限", "フォルダの権限", "ログファイル", "ファイルの種類", "スキーマの版", "スキーマ", "整合性", "参照",
        "日付", "氏名", "変更履歴"]
    for line in lines:
        finding = line.split(None, 2)[2]
        # what is left of the finding once file names, SQLite's and the shell's commands are taken out: Japanese
        assert not re.search(r"[A-Za-z]", re.sub(r"[a-z_]+\.[a-z_]+|" + _TECHNICAL.pattern, "", finding)), line
    assert "正常  整合性          整合性検査（PRAGMA integrity_check）で異常はありません" in lines
    data = json.loads(run_cli("doctor", "--format", "json", env={"TEIKAN_LANG": "ja"}).stdout)
    assert [c["check"] for c in data["checks"]] == [
        "file-mode", "folder-mode", "journal-files", "application-id", "schema-version", "schema", "integrity",
        "foreign-keys", "dates", "names", "audit-chain"]
    assert data["checks"][6]["message"] == "整合性検査（PRAGMA integrity_check）で異常はありません"


def test_doctor_in_japanese_names_a_foreign_object_and_a_broken_rule_in_japanese(db_path):
    _tamper(_office(db_path), "CREATE VIEW everyone AS SELECT name FROM clients")
    r = run_cli("doctor", env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 1
    assert "問題  スキーマ        スキーマが teikan のものと異なります: ビュー everyone は teikan のものではありません" \
        in r.stdout.splitlines(), r.stdout
    _tamper(db_path, "DROP VIEW everyone")
    _tamper(db_path, "UPDATE clients SET certificate = 'ABCDEFGHIJ' WHERE id = 1", check_constraints=False)
    r = run_cli("doctor", env={"TEIKAN_LANG": "ja"})
    assert "問題  整合性          スキーマの制約に反する行が 1 件あります（clients の CHECK 制約に反します）" \
        in r.stdout.splitlines(), r.stdout


def test_a_refused_restore_names_the_check_in_japanese(db_path, source):
    _office(db_path)
    _tamper(source, TRIGGER)
    r = run_cli("restore", str(source), "--force", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr == (f"エラー: {source} は復元できません: スキーマが teikan のものと異なります: contacts のトリガー "
                        "after_visit は teikan のものではありません（スキーマ）。何も復元していません\n")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_doctor_on_an_80_column_terminal_folds_each_finding_under_its_column(db_path, monkeypatch, lang):
    from teikan_cli import render
    from teikan_cli.render import width

    _tamper(_office(db_path), "CREATE VIEW everyone AS SELECT name FROM clients")
    db_path.parent.chmod(0o755)
    monkeypatch.setattr(render, "is_rich_terminal", lambda out=None: True)  # an 80-column terminal
    r = run_cli("doctor", env={"TEIKAN_LANG": lang, "COLUMNS": "80"})
    assert r.exit_code == 1, r
    lines = r.stdout.splitlines()
    indent = 22 if lang == "ja" else 25
    unbreakable = re.compile(r"\S{40,}")  # a long file name may pass the edge; nothing else does
    assert all(width(line) <= 80 or unbreakable.search(line) for line in lines), lines
    assert len(lines) > 11  # some findings took two lines
    for line in lines:  # a check, or a continuation under the findings' column
        assert line[0] != " " or line[:indent] == " " * indent and line[indent] != " ", line
        assert not line.endswith(("（", "(")), line  # an opening bracket goes with what it opens
    assert lines[0].startswith("正常  ファイルの権限  " if lang == "ja" else "ok       file-mode       ")
    # a pipe gets one line a check, whatever the width
    monkeypatch.setattr(render, "is_rich_terminal", lambda out=None: False)
    assert len(run_cli("doctor", env={"TEIKAN_LANG": lang}).stdout.splitlines()) == 11


def test_a_foreign_trigger_is_named_with_the_table_it_fires_on_in_both_languages(db_path):
    """The story to prevent: a restored file whose trigger rewrote the data on every new contact. The message
    says which table's writes would have set it off (read through sqlite-utils's `Database.triggers`)."""
    _tamper(_office(db_path), TRIGGER, "CREATE TRIGGER quiet AFTER UPDATE ON people BEGIN SELECT 1; END")
    r = run_cli("doctor")
    assert ("problem  schema          the schema is not teikan's: trigger after_visit on contacts is not teikan's; "
            "trigger quiet on people is not teikan's") in r.stdout.splitlines(), r.stdout
    r = run_cli("doctor", env={"TEIKAN_LANG": "ja"})
    assert ("問題  スキーマ        スキーマが teikan のものと異なります: contacts のトリガー after_visit は teikan のもの"
            "ではありません; people のトリガー quiet は teikan のものではありません") in r.stdout.splitlines(), r.stdout


def test_a_changed_table_says_which_columns_differ_in_japanese(db_path):
    _tamper(_office(db_path), "ALTER TABLE clients ADD COLUMN secret TEXT", "ALTER TABLE clients DROP COLUMN note")
    r = run_cli("clients", env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 2
    assert "テーブル clients が teikan のものと異なります（列 note がありません; 余分な列 secret）" in r.stderr, r


def test_describing_a_file_leaves_it_and_its_connection_as_they_were(db_path):
    from teikan_cli.store import fingerprint

    _tamper(_office(db_path), TRIGGER)
    conn = sqlite3.connect(db_path)
    found = fingerprint.differences(SCHEMA_VERSION, fingerprint.read_schema(conn))
    assert [d.table for d in fingerprint.explain(conn, SCHEMA_VERSION, found)] == ["contacts"]
    assert conn.execute("PRAGMA recursive_triggers").fetchone() == (0,)
    assert fingerprint.explain(conn, SCHEMA_VERSION, []) == []
    conn.close()


def test_a_sound_file_never_loads_sqlite_utils(db_path):
    """sqlite-utils takes ~150 ms to import: only a file that differs pays it (SPEC §9, log-visit under 0.2 s)."""
    import sys

    _office(db_path)
    code = ("import sys; from teikan_cli.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print('sqlite_utils' in sys.modules)")
    for args in (["log-visit", "1", "--date", "2025-06-04", "--type", "face"], ["clients"]):
        proc = subprocess.run([sys.executable, "-c", code, *args, AS_OF], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, TEIKAN_DB=str(db_path)))
        assert proc.stdout.splitlines()[-1] == "False", (args, proc)
    _tamper(db_path, TRIGGER)
    proc = subprocess.run([sys.executable, "-c", code.replace("assert exc.code == 0, exc.code", "pass"), "clients",
                           AS_OF], capture_output=True, text=True, timeout=60, env=dict(os.environ, TEIKAN_DB=str(db_path)))
    assert proc.stdout.splitlines()[-1] == "True" and "on contacts" in proc.stderr, proc
