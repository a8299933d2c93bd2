"""Identity and corrections (SPEC §3 names, §12, issue 14): one person per name however it is spelt, every mistake
correctable, every change on a tamper-evident record."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from conftest import database_dump

AS_OF = "--as-of=2025-06-20"
START = ("--employment-start", "2024-04-01", "--support-start", "2024-10-01")


def ok(result, stdout=None):
    assert result.exit_code == 0, result
    if stdout is not None:
        assert result.stdout == stdout
    return result


def refused(cli, db_path, *args, message=None):
    before = database_dump(db_path)
    r = cli(*args, AS_OF)
    assert (r.exit_code, r.stdout) == (2, ""), r
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    if message is not None:
        assert r.stderr == f"Error: {message}\n"
    assert database_dump(db_path) == before
    return r


@pytest.fixture
def office(cli):
    ok(cli("init", "--office-name", "テスト事業所", AS_OF))
    ok(cli("add-staff", "佐藤 由美", "--role", "supporter", "--hours", "30", "--from", "2025-04-01", AS_OF))
    ok(cli("add-staff", "田中", "--role", "manager", "--hours", "40", "--from", "2025-04-01", AS_OF))
    ok(cli("add-client", "山田 太郎", *START, "--certificate", "0000000001", AS_OF))
    return cli


# ------------------------------------------------------------------ the name rule


@pytest.mark.parametrize("spelling", ["山田 太郎", "山田　太郎", " 山田  太郎 ", "山田\t太郎"])
def test_two_clients_of_one_name_are_never_confused(office, db_path, spelling):
    r = ok(office("add-client", "山田　太郎", *START, AS_OF))
    assert r.stdout.startswith("added client #2 山田 太郎")
    assert r.stderr == ("warning: client #1 has the same name (山田 太郎): from now on give the id or the certificate "
                        "number\n")
    for args in (["log-visit", spelling, "--type", "face"], ["show-client", spelling], ["visits", "--client", spelling],
                 ["edit-client", spelling, "--note", "x"], ["plan", spelling, "--date", "2025-06-01"]):
        shown = re.sub(r"\s+", " ", spelling)  # an error is one line: runs of spaces are one
        refused(office, db_path, *args, message=f"'{shown}' matches several clients (#1, #2); give the id or the certificate number ('teikan clients' tells them apart)")
    ok(office("log-visit", "2", "--type", "face", AS_OF), "logged contact #1 for client #2 山田 太郎 on 2025-06-20\n")
    ok(office("log-visit", "0000000001", "--type", "face", AS_OF),
       "logged contact #2 for client #1 山田 太郎 on 2025-06-20\n")


def test_a_csv_row_naming_two_clients_is_refused_by_line(office, db_path, tmp_path):
    ok(office("add-client", "山田　太郎", *START, AS_OF))
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("client,date,types\n山田 太郎,2025-06-02,face\n0000000001,2025-06-03,face\n", encoding="utf-8")
    before = database_dump(db_path)
    r = office("import", "contacts", str(sheet), AS_OF)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == "line 2: client: '山田 太郎' matches several clients (#1, #2); give the id or the certificate number ('teikan clients' tells them apart)"
    assert database_dump(db_path) == before


def test_one_name_finds_the_one_client_however_it_is_spelt(office):
    for spelling in ("山田　太郎", "山田  太郎", "　山田 太郎　"):
        assert json.loads(ok(office("show-client", spelling, "--format", "json", AS_OF)).stdout)["client"]["id"] == 1


def test_staff_are_one_person_however_the_name_is_spelt(office, db_path):
    ok(office("log-visit", "1", "--type", "face", "--staff", "佐藤　由美", AS_OF))
    visits = json.loads(ok(office("visits", "--format", "json", AS_OF)).stdout)["contacts"]
    assert visits[0]["staff"] == "佐藤 由美"
    before = json.loads(office("staff", "--format", "json", AS_OF).stdout)["staffing"]["supporter_fte"]
    ok(office("add-staff", "佐藤　由美", "--role", "supporter", "--hours", "10", "--from", "2025-06-01", AS_OF))
    people = sqlite3.connect(db_path).execute("SELECT name FROM people ORDER BY id").fetchall()
    assert people == [("佐藤 由美",), ("田中",)]  # one person, two assignments
    after = json.loads(office("staff", "--format", "json", AS_OF).stdout)["staffing"]["supporter_fte"]
    assert (before, after) == (0.7, 1.0)  # 30 h + 10 h of one person: 1.0, never a second person
    ok(office("add-staff", "佐藤 由美", "--role", "supporter", "--hours", "20", "--from", "2025-06-01", AS_OF))
    assert json.loads(office("staff", "--format", "json", AS_OF).stdout)["staffing"]["supporter_fte"] == 1.0
    refused(office, db_path, "log-visit", "1", "--type", "face", "--staff", "佐藤",
            message="no staff member '佐藤' (add them with 'teikan add-staff')")


# ------------------------------------------------------------------ corrections of contacts


def test_edit_visit_corrects_and_keeps_the_old_values(office, db_path):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "remote", "--note", "電話", AS_OF))
    month = json.loads(office("report", "--month", "2025-06", "--format", "json", AS_OF).stdout)["clients"][0]
    assert (month["face"], month["remote"]) == (0, 1)
    ok(office("edit-visit", "1", "--type", "対面", "--place", "職場", "--note", "職場で面談", AS_OF),
       "corrected contact #1 of client #1 山田 太郎\n")
    month = json.loads(office("report", "--month", "2025-06", "--format", "json", AS_OF).stdout)["clients"][0]
    assert (month["face"], month["remote"], month["face_dates"]) == (1, 0, ["2025-06-03"])
    [(detail,)] = sqlite3.connect(db_path).execute("SELECT detail FROM audit WHERE action = 'edit-visit'").fetchall()
    assert json.loads(detail) == {"old": {"types": ["remote"], "place": None, "note": "電話"},
                                  "new": {"types": ["face"], "place": "workplace", "note": "職場で面談"}}


@pytest.mark.parametrize("args, message", [
    (["edit-visit", "9", "--note", "x"], "no contact #9 (see 'teikan visits')"),
    (["edit-visit", "abc", "--note", "x"], "ID: not a record id: 'abc' (a number such as 12)"),
    (["edit-visit", "1"], "nothing to change: give at least one option"),
    (["edit-visit", "1", "--date", "2025-06-21"], "2025-06-21 is after the reference date 2025-06-20"),
    (["edit-visit", "1", "--date", "2024-09-30"], "2024-09-30 is outside the client's service (2024-10-01 – 2027-09-30)"),
    (["edit-visit", "1", "--type", "center"],
     "a 'center' contact needs --center-reason (advice, team-support or group-program)"),
    (["edit-visit", "1", "--staff", "誰か"], "no staff member '誰か' (add them with 'teikan add-staff')"),
    (["delete-visit", "1"], "missing --reason (see --help)"),
    (["delete-visit", "1", "--reason", "  "], "--reason is required"),
    (["delete-visit", "9", "--reason", "誤り"], "no contact #9 (see 'teikan visits')"),
])
def test_contact_corrections_refuse_and_change_nothing(office, db_path, args, message):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "face", AS_OF))
    refused(office, db_path, *args, message=message)


def test_a_deleted_visit_counts_nowhere_but_stays_in_the_history(office, db_path):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "face", "--type", "employer", AS_OF))
    ok(office("share-report", "1", "--month", "2025-06", "--date", "2025-06-20", AS_OF))
    row = json.loads(office("report", "--month", "2025-06", "--format", "json", AS_OF).stdout)["clients"][0]
    assert row["billable"] is True
    ok(office("delete-visit", "1", "--reason", "別の利用者の記録でした", AS_OF),
       "deleted contact #1 of client #1 山田 太郎 (kept in the history, counted nowhere)\n")
    row = json.loads(office("report", "--month", "2025-06", "--format", "json", AS_OF).stdout)["clients"][0]
    assert (row["face"], row["employer"], row["billable"]) == (0, 0, False)
    assert json.loads(office("visits", "--format", "json", AS_OF).stdout)["contacts"] == []
    assert "face-to-face-missing" in office("check", "--month", "2025-06", "--as-of=2025-07-01").stdout
    refused(office, db_path, "delete-visit", "1", "--reason", "again",
            message="contact #1 was deleted on " + sqlite3.connect(db_path).execute(
                "SELECT strftime('%Y-%m-%d %H:%M', deleted_at, '+9 hours') FROM contacts").fetchone()[0])
    history = json.loads(office("show-client", "1", "--history", "--format", "json", AS_OF).stdout)["history"]
    assert [h["action"] for h in history] == ["add-client", "log-visit", "share-report", "delete-visit"]
    r = ok(office("show-client", "1", "--history", AS_OF, env={"TEIKAN_LANG": "ja"}))
    assert "支援記録の削除" in r.stdout and "理由: 別の利用者の記録でした" in r.stdout


# ------------------------------------------------------------------ corrections of staff


def test_end_staff_stops_counting_the_next_day(office, db_path):
    assert json.loads(office("staff", "--month", "2025-06", "--format", "json", AS_OF).stdout)["staffing"][
        "supporter_fte"] == 0.7
    ok(office("end-staff", "佐藤　由美", "--until", "2025-06-15", AS_OF),
       "ended assignment #1 of 佐藤 由美 (support worker) on 2025-06-15\n")
    staffing = json.loads(office("staff", "--month", "2025-06", "--format", "json", AS_OF).stdout)
    assert staffing["staff"][0]["until"] == "2025-06-15"
    assert staffing["staffing"]["supporter_fte"] == 0.3  # 30 h × 15/30 days = 15 h → 0.375 → 0.3
    july = json.loads(office("staff", "--month", "2025-07", "--format", "json", AS_OF).stdout)
    assert [s["name"] for s in july["staff"]] == ["田中"]
    refused(office, db_path, "end-staff", "佐藤 由美", "--until", "2025-06-30",
            message="佐藤 由美 has no open assignment to end (see 'teikan staff')")


def test_end_staff_of_one_role_and_refusals(office, db_path):
    ok(office("add-staff", "田中", "--role", "supporter", "--hours", "10", AS_OF))
    ok(office("end-staff", "田中", "--until", "2025-06-30", "--role", "サビ管", AS_OF),
       "ended assignment #2 of 田中 (service manager) on 2025-06-30\n")
    refused(office, db_path, "end-staff", "鈴木", "--until", "2025-06-30",
            message="no staff member '鈴木' (add them with 'teikan add-staff')")
    refused(office, db_path, "end-staff", "田中", "--until", "2025-06-30", "--role", "manager",
            message="田中 has no open assignment as service manager to end (see 'teikan staff')")
    refused(office, db_path, "end-staff", "佐藤 由美", "--until", "2025-03-31",
            message="assignment #1 of 佐藤 由美 starts on 2025-04-01, after 2025-03-31: delete it with "
                    "'teikan delete-staff 1 --reason …'")


def test_delete_staff_removes_an_assignment_from_every_count(office, db_path):
    ok(office("add-staff", "佐藤 由美", "--role", "supporter", "--hours", "30", "--from", "2025-04-01", AS_OF))
    assert json.loads(office("staff", "--format", "json", AS_OF).stdout)["staffing"]["supporter_fte"] == 1.0
    ok(office("delete-staff", "3", "--reason", "二重登録", AS_OF),
       "deleted assignment #3 of 佐藤 由美 (support worker); kept in the history, counted nowhere\n")
    data = json.loads(office("staff", "--format", "json", AS_OF).stdout)
    assert data["staffing"]["supporter_fte"] == 0.7 and data["staff"][0]["assignments"] == [1]
    refused(office, db_path, "delete-staff", "3", "--reason", "again", message="no assignment #3 (see 'teikan staff')")
    refused(office, db_path, "delete-staff", "1", message="missing --reason (see --help)")


# ------------------------------------------------------------------ delete-client


def test_delete_client_only_with_nothing_but_the_registration(office, db_path):
    ok(office("add-client", "誤登録 一郎", *START, AS_OF))
    ok(office("delete-client", "2", "--reason", "別の事業所の利用者", AS_OF),
       "deleted the registration of client #2 誤登録 一郎 (reason: 別の事業所の利用者)\n")
    assert [c["id"] for c in json.loads(office("clients", "--status", "all", "--format", "json", AS_OF).stdout)[
        "clients"]] == [1]
    # Ids are never given again: the next client is #3, and #2's history stays its own.
    assert office("add-client", "新井 三郎", *START, AS_OF).stdout.startswith("added client #3 新井 三郎")
    ok(office("log-visit", "1", "--type", "face", AS_OF))
    refused(office, db_path, "delete-client", "1", "--reason", "誤り",
            message="client #1 has records (contacts 1): a registration with records is not deleted; end the "
                    "service with 'teikan end-client 1 --date … --reason …'")
    assert sqlite3.connect(db_path).execute(
        "SELECT action FROM audit WHERE client_id = 2 ORDER BY id").fetchall() == [("add-client",), ("delete-client",)]


# ------------------------------------------------------------------ the audit trail


def test_doctor_names_the_first_audit_row_edited_by_hand(office, db_path):
    ok(office("edit-client", "1", "--note", "初回面談", AS_OF))
    assert "ok       audit-chain" in office("doctor").stdout
    conn = sqlite3.connect(db_path)
    [(row,)] = conn.execute("SELECT id FROM audit WHERE action = 'edit-client'").fetchall()
    with conn:
        conn.execute("UPDATE audit SET who = 'someone else' WHERE id = ?", (row,))
    r = office("doctor")
    assert r.exit_code == 1
    assert (f"problem  audit-chain     audit row #{row} was altered after it was written (its content does not "
            f"match its hash)") in r.stdout
    with conn:
        conn.execute("UPDATE audit SET who = (SELECT who FROM audit WHERE id = 1) WHERE id = ?", (row,))
        conn.execute("DELETE FROM audit WHERE id = 2")
    assert "problem  audit-chain     the audit trail is broken at row #3" in office("doctor").stdout


def test_history_in_japanese_after_an_edit_and_a_delete(office):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "remote", "--staff", "佐藤 由美", AS_OF))
    ok(office("edit-visit", "1", "--type", "face", "--place", "workplace", AS_OF))
    ok(office("delete-visit", "1", "--reason", "日付の誤り", AS_OF))
    r = ok(office("show-client", "1", "--history", AS_OF, env={"TEIKAN_LANG": "ja"}))
    history = r.stdout[r.stdout.index("変更履歴"):]
    assert "支援記録の修正  支援記録 #1  支援内容: 電話・メール等 → 対面支援 / 場所: （なし） → 職場" in history
    assert "支援記録の削除  支援記録 #1  削除前:" in history and "理由: 日付の誤り" in history
    assert "UTC" not in history and "log-visit" not in history and "contact:1" not in history


def test_history_in_japanese_names_every_field_in_japanese(office):
    """Every record a client can have, changed once: no field's code name reaches a Japanese reader."""
    ok(office("edit-client", "1", "--kana", "ヤマダ タロウ", "--employer", "テスト商事", "--grant-until", "2027-09-30", AS_OF))
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "face", "--staff", "佐藤 由美", "--shareable", AS_OF))
    ok(office("edit-visit", "1", "--minutes", "30", "--concern", "attendance", "--not-shareable", AS_OF))
    ok(office("plan", "1", "--date", "2025-05-01", "--consent-date", "2025-05-02", "--delivered-date", "2025-05-03",
              "--long-goal", "働き続ける", "--item", "面談", AS_OF))
    ok(office("monitor", "1", "--date", "2025-06-10", "--note", "順調", AS_OF))
    ok(office("share-report", "1", "--month", "2025-05", "--date", "2025-06-05", "--to", "client", "--method", "paper",
              AS_OF))
    ok(office("handover", "1", "--center", "センター", "--consent-date", "2025-06-01", "--not-needed", AS_OF))
    ok(office("edit-client", "1", "--job-change", "2025-05-31", "--reemployed", "2025-06-02", AS_OF))
    r = ok(office("show-client", "1", "--history", AS_OF, env={"TEIKAN_LANG": "ja"}))
    history = r.stdout[r.stdout.index("変更履歴"):]
    codes = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]{4,}\b(?=:)", history))
    assert not codes, codes
    assert "共有先: 本人" in history and "共有方法: 紙" in history and "企業と共有可: はい → いいえ" in history
    assert "引継ぎ不要: はい" in history and "転職（前職の最終日）: （なし） → 2025-05-31" in history


# ------------------------------------------------------------------ plausibility


def test_grant_before_the_support_start_is_refused(office, db_path):
    refused(office, db_path, "add-client", "鈴木 花子", *START, "--grant-until", "2024-09-30",
            message="the grant (受給者証) ends 2024-09-30, before the support start 2024-10-01")


def test_a_registration_whose_period_is_over_says_so_at_once(office):
    r = ok(office("add-client", "古田 一", "--employment-start", "2020-01-06", "--support-start", "2021-01-01", AS_OF))
    assert r.stderr == ("error period-exceeded 2025-06 #2 古田 一: service period ended on 2023-12-31; record the end "
                        "with 'teikan end-client'\n")


def test_employment_ended_without_a_new_job(office):
    ok(office("edit-client", "1", "--employment-end", "2025-05-31", AS_OF))
    assert ("warning employment-ended 2025-06 #1 山田 太郎: the job ended on 2025-05-31 and no new job is recorded: "
            "end the service ('teikan end-client') or record the re-employment") in office("check", AS_OF).stdout
