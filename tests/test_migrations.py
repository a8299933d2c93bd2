"""The upgrade from a real schema-4 file (made by the previous release, tests/fixtures/schema4.db) to this one.

The fixture was written by teikan 0.1.0 at schema 4 with its own commands: staff `佐藤　由美` (full-width space,
supporter 30 h) and `佐藤 由美` (manager 10 h) as two names, a client `山田　太郎` with half-width kana, contacts
of several types with concerns and a center reason, plans with center cooperation, a shared report, a shared
handover, an edit and an ended client (18 audit rows).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from teikan_cli.migrations import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "schema4.db"
AS_OF = "--as-of=2025-11-20"


@pytest.fixture
def old_file(db_path):
    shutil.copyfile(FIXTURE, db_path)
    db_path.chmod(0o600)
    return db_path


def _rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_fixture_is_schema_4():
    assert _rows(FIXTURE, "PRAGMA user_version") == [(4,)]
    assert ("佐藤　由美",) in _rows(FIXTURE, "SELECT name FROM staff_assignments")


def test_upgrade_merges_staff_spelt_alike_and_says_so(cli, old_file):
    r = cli("staff", "--month", "2025-10", AS_OF)
    assert r.exit_code == 0, r
    assert r.stderr == ("the staff names 佐藤 由美 / 佐藤　由美 are the same person after normalisation: merged into one "
                        "person '佐藤 由美'\n"
                        "2 support plan(s) of 2 client(s) have no consent date yet and count as not agreed: record each "
                        "client's consent to the plan in force with 'teikan plan CLIENT --date D --consent-date C'\n")
    assert _rows(old_file, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert _rows(old_file, "SELECT id, name FROM people ORDER BY id") == [(1, "佐藤 由美"), (2, "田中")]
    assert _rows(old_file, "SELECT id, person_id, role, hours FROM staff_assignments ORDER BY id") == [
        (1, 1, "supporter", 30.0), (2, 1, "manager", 10.0), (3, 2, "supporter", 40.0)]
    # Said once: the next run has nothing to say.
    assert cli("staff", "--month", "2025-10", AS_OF).stderr == ""


def test_upgrade_keeps_every_record(cli, old_file):
    assert cli("doctor").exit_code == 1  # not migrated yet: doctor never changes a file
    assert cli("clients", AS_OF).exit_code == 0
    assert _rows(old_file, "SELECT id, name, kana, staff FROM clients ORDER BY id") == [
        (1, "山田 太郎", "ヤマダ タロウ", "佐藤 由美"), (2, "鈴木 花子", None, None), (3, "高橋 次郎", None, None)]
    assert _rows(old_file, "SELECT id, client_id, date, face, employer, remote, agency, center, staff, center_reason, "
                           "shareable, deleted_at FROM contacts ORDER BY id") == [
        (1, 1, "2025-10-03", 1, 1, 0, 0, 0, "佐藤 由美", None, 0, None),
        (2, 1, "2025-10-20", 0, 0, 1, 0, 0, None, None, 0, None),
        (3, 2, "2025-10-07", 1, 0, 0, 0, 0, "佐藤 由美", None, 0, None),
        (4, 2, "2025-10-08", 0, 0, 0, 0, 1, None, "advice", 0, None),
        (5, 3, "2025-06-02", 1, 0, 0, 1, 0, None, None, 0, None)]
    assert _rows(old_file, "SELECT contact_id, concern FROM contact_concerns ORDER BY 1, 2") == [
        (1, "attendance"), (3, "appearance"), (3, "medication")]
    # Existing plans are versions with no consent recorded (the office enters the dates it has on paper).
    assert _rows(old_file, "SELECT id, client_id, date, consent_date, delivered_date FROM plans ORDER BY id") == [
        (1, 1, "2025-08-01", None, None), (2, 2, "2025-04-15", None, None)]
    assert _rows(old_file, "SELECT plan_id, reason FROM plan_cooperation ORDER BY 1, 2") == [
        (1, "advice"), (2, "advice"), (2, "group-program")]
    # Reports shared before were shared with the client and the employer.
    assert _rows(old_file, "SELECT client_id, month, date, method FROM shared_reports") == [
        (1, "2025-10", "2025-10-31", None)]
    assert _rows(old_file, "SELECT recipient FROM shared_report_recipients ORDER BY 1") == [("client",), ("employer",)]
    assert _rows(old_file, "SELECT client_id, consent_date, shared_date FROM handovers") == [
        (3, "2025-09-01", "2025-09-10")]
    assert _rows(old_file, "PRAGMA foreign_key_check") == []
    assert _rows(old_file, "PRAGMA integrity_check") == [("ok",)]


def test_upgrade_chains_the_old_audit_trail(cli, old_file):
    assert cli("clients", AS_OF).exit_code == 0
    assert _rows(old_file, "SELECT COUNT(*) FROM audit") == [(18,)]
    r = cli("doctor")
    assert r.exit_code == 0, r
    assert "ok       audit-chain" in r.stdout
    # The old rows keep what they said; new corrections carry old and new values.
    assert cli("edit-client", "1", "--employer", "見本商事株式会社", AS_OF).exit_code == 0
    [(detail,)] = _rows(old_file, "SELECT detail FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    assert json.loads(detail) == {"old": {"employer": "見本商事"}, "new": {"employer": "見本商事株式会社"}}


def test_upgraded_ids_are_never_given_again(cli, old_file):
    assert cli("clients", AS_OF).exit_code == 0
    assert _rows(old_file, "SELECT seq FROM sqlite_sequence WHERE name = 'clients'") == [(3,)]
    r = cli("add-client", "新井 四郎", "--employment-start", "2024-01-01", "--support-start", "2024-08-01", AS_OF)
    assert r.stdout.startswith("added client #4 新井 四郎")


def test_the_upgraded_office_reads_as_before(cli, old_file):
    r = cli("report", "--month", "2025-10", "--format", "json", AS_OF)
    assert r.exit_code == 0, r
    rows = {c["id"]: (c["face"], c["employer"], c["remote"], c["center"], c["report_shared"]) for c in
            json.loads(r.stdout)["clients"]}
    assert rows == {1: (1, 1, 1, 0, True), 2: (1, 0, 0, 1, False)}
    assert cli("log-visit", "山田　太郎", "--type", "face", "--staff", "佐藤　由美", "--date", "2025-11-02",
               AS_OF).exit_code == 0


def test_a_failed_upgrade_leaves_the_old_file_as_it_was(cli, old_file, monkeypatch):
    from teikan_cli import migrations

    before = old_file.read_bytes()

    def broken(conn, notes):
        raise sqlite3.OperationalError("simulated failure in the middle of the upgrade")

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9] + (broken,) + migrations.MIGRATIONS[10:])
    r = cli("clients", AS_OF)
    assert r.exit_code == 2 and r.stdout == ""
    assert _rows(old_file, "PRAGMA user_version") == [(4,)]
    assert _rows(old_file, "SELECT COUNT(*) FROM contact_types") == [(7,)]  # the old table is still there
    conn = sqlite3.connect(old_file)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert sqlite3.connect(old_file).execute("PRAGMA user_version").fetchone()[0] == 4
    assert len(before) > 0
