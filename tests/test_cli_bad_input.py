"""Bad input to every write command: exit 2, one line on stderr, nothing on stdout, the database unchanged.

"Unchanged" is checked twice: the bytes of the file (and whether -wal/-shm exist), and a dump of every
table (sqlite3 iterdump) before and after.
"""

import sqlite3

import pytest

AS_OF = "--as-of=2025-06-20"


def state(path):
    files = []
    for suffix in ("", "-wal", "-shm"):
        try:
            with open(str(path) + suffix, "rb") as handle:
                files.append(handle.read())
        except FileNotFoundError:
            files.append(None)
    conn = sqlite3.connect(path)
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    return tuple(files), dump


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One seeded database per module, copied for each test (fast)."""
    from conftest import build_database

    return build_database(tmp_path_factory.mktemp("template") / "teikan.db", (
        ("init", "--office-name", "ひまわり就労定着センター"),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40"),
        # 1: active, with a contact and a plan
        ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--certificate", "0123456789"),
        ("log-visit", "1", "--date", "2025-02-10", "--type", "face"),
        ("plan", "1", "--date", "2024-10-15"),
        # 2: ended 2025-03-31
        ("add-client", "鈴木 花子", "--employment-start", "2024-01-10", "--support-start", "2024-07-10"),
        ("end-client", "2", "--date", "2025-03-31", "--reason", "user-request"),
        # 3 and 4: the same name
        ("add-client", "佐藤 花子", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--certificate", "1234567890"),
        ("add-client", "佐藤 花子", "--employment-start", "2024-04-01", "--support-start", "2024-11-01"),
        # 5: not started yet
        ("add-client", "高橋 一郎", "--employment-start", "2025-01-06", "--support-start", "2025-07-06"),
    ), AS_OF)


@pytest.fixture
def seeded(template, db_path):
    db_path.write_bytes(template.read_bytes())
    return db_path


CASES = [
    # ---------------------------------------------------------------- init
    (["init", "--office-number", "12345"], "--office-number must be exactly 10 digits: '12345'"),
    (["init", "--office-number", "12345678901"], "--office-number must be exactly 10 digits: '12345678901'"),
    (["init", "--office-number", "131234567X"], "--office-number must be exactly 10 digits: '131234567X'"),
    (["init", "--fulltime-hours", "0"], "--fulltime-hours: weekly hours must be more than 0 and at most 168: '0'"),
    (["init", "--fulltime-hours", "200"], "--fulltime-hours: weekly hours must be more than 0 and at most 168: '200'"),
    (["init", "--fulltime-hours", "abc"], "--fulltime-hours: not a number: 'abc'"),
    (["init", "--opened", "2025-02-29"], "no such day: '2025-02-29'"),
    (["init", "--opened", "someday"],
     "not a date: 'someday' (use 2025-04-01, 2025/4/1, 20250401, 令和7年4月1日, R7.4.1 or 4月1日)"),
    (["init", "--office-name", "事業所\x07"], "--office-name: control character U+0007 at character 4: remove it"),
    (["init", "--rate-tier", "8"], "--rate-tier: unknown value '8' (choose from 1–7)"),
    # ---------------------------------------------------------------- add-client
    (["add-client", "伊藤 次郎", "--employment-start", "2025-02-29", "--support-start", "2025-10-01"],
     "no such day: '2025-02-29'"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "平成31年5月1日"],
     "'平成31年5月1日' is outside the 平成 era"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-09-30"],
     "support cannot start on 2024-09-30: six months of employment end first; earliest 2024-10-01"),
    (["add-client", "伊藤 次郎", "--employment-start", "2023-04-01", "--support-start", "2024-12-31",
      "--interim-support-end", "2024-06-30"],
     "support cannot start on 2024-12-31: six months of employment end first; earliest 2025-01-01"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--interim-support-end", "2024-03-31"], "--interim-support-end is before the employment start"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "12345"], "certificate must be exactly 10 digits: '12345'"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "01234567890"], "certificate must be exactly 10 digits: '01234567890'"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "0123456789"], "certificate number 0123456789 is already registered (client #1)"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "０１２３４５６７８９"], "certificate number 0123456789 is already registered (client #1)"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--disability", "blind"],
     "disability: unknown value 'blind' (choose from physical (身体障害), intellectual (知的障害), mental (精神障害), "
     "developmental (発達障害), higher-brain (高次脳機能障害), intractable-disease (難病))"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--prior-service", "school"],
     "prior-service: unknown value 'school' (choose from transition (就労移行支援), continuation-a (就労継続支援A型), "
     "continuation-b (就労継続支援B型), daily-life-care (生活介護), training (自立訓練))"),
    (["add-client", "", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"], "name is required"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01"], "missing --support-start (see --help)"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--grant-until", "R7.2.29"], "no such day: 'R7.2.29'"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01", "--bogus", "x"],
     "no such option: --bogus (see --help)"),
    # ---------------------------------------------------------------- edit-client
    (["edit-client", "99", "--kana", "イトウ"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["edit-client", "0000000001", "--kana", "イトウ"],
     "no client '0000000001' (give an id, a certificate number or the exact name)"),
    (["edit-client", "佐藤 花子", "--kana", "サトウ"], "'佐藤 花子' matches several clients (#3, #4); give the id or the certificate number ('teikan clients' tells them apart)"),
    (["edit-client", "1", "--employment-end", "2025-13-01"], "no such day: '2025-13-01'"),
    (["edit-client", "1", "--employment-end", "2025-06-21"], "2025-06-21 is after the reference date 2025-06-20"),
    (["edit-client", "1", "--employment-end", "2024-03-31"], "the employment end is before the employment start"),
    (["edit-client", "1", "--certificate", "1234567890"], "certificate number 1234567890 is already registered (client #3)"),
    (["edit-client", "1", "--certificate", "123-456"], "certificate must be exactly 10 digits: '123-456'"),
    (["edit-client", "1", "--support-start", "2024-09-01"],
     "support cannot start on 2024-09-01: six months of employment end first; earliest 2024-10-01"),
    (["edit-client", "1", "--support-start", "2024-11-01"],
     "contacts or plans from 2024-10-15 to 2025-02-10 would fall outside the service (2024-11-01 – 2027-10-31)"),
    (["edit-client", "1", "--disability", "tired"],
     "disability: unknown value 'tired' (choose from physical (身体障害), intellectual (知的障害), mental (精神障害), "
     "developmental (発達障害), higher-brain (高次脳機能障害), intractable-disease (難病))"),
    (["edit-client", "1", "--name", ""], "name is required"),
    (["edit-client", "1"], "nothing to change: give at least one option"),
    # ---------------------------------------------------------------- end-client
    (["end-client", "99", "--date", "2025-06-01", "--reason", "other"],
     "no client '99' (give an id, a certificate number or the exact name)"),
    (["end-client", "1", "--date", "2025-06-31", "--reason", "other"], "no such day: '2025-06-31'"),
    (["end-client", "1", "--date", "2025-06-21", "--reason", "other"],
     "2025-06-21 is after the reference date 2025-06-20"),
    (["end-client", "1", "--date", "2024-09-30", "--reason", "other"],
     "the end date 2024-09-30 is before the support start 2024-10-01"),
    (["end-client", "1", "--date", "2025-02-09", "--reason", "other"],
     "contacts or plans from 2024-10-15 to 2025-02-10 would fall outside the service (2024-10-01 – 2025-02-09)"),
    (["end-client", "1", "--date", "2025-06-01", "--reason", "moved"],
     "--reason: unknown value 'moved' (choose from period-end (期間満了), job-loss (離職), user-request (本人の申し出), "
     "handover (引継ぎ), other (その他))"),
    (["end-client", "1", "--date", "2025-06-01"], "missing --reason (see --help)"),
    (["end-client", "佐藤 花子", "--date", "2025-06-01", "--reason", "other"],
     "'佐藤 花子' matches several clients (#3, #4); give the id or the certificate number ('teikan clients' tells them apart)"),
    # ---------------------------------------------------------------- log-visit
    (["log-visit", "99", "--type", "face"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["log-visit", "佐藤 花子", "--type", "face"], "'佐藤 花子' matches several clients (#3, #4); give the id or the certificate number ('teikan clients' tells them apart)"),
    (["log-visit", "1", "--type", "face", "--date", "2025-04-31"], "no such day: '2025-04-31'"),
    (["log-visit", "1", "--type", "face", "--date", "2025-06-21"], "2025-06-21 is after the reference date 2025-06-20"),
    (["log-visit", "1", "--type", "face", "--date", "2024-09-30"],
     "2024-09-30 is outside the client's service (2024-10-01 – 2027-09-30)"),
    (["log-visit", "2", "--type", "face", "--date", "2025-04-01"],
     "2025-04-01 is outside the client's service (2024-07-10 – 2025-03-31)"),
    (["log-visit", "5", "--type", "face"], "2025-06-20 is outside the client's service (2025-07-06 – 2028-07-05)"),
    (["log-visit", "1", "--type", "visit"],
     "--type: unknown value 'visit' (choose from face (対面支援), employer (企業訪問), remote (電話・メール等), "
     "agency (関係機関との連絡調整), center (支援センターの支援))"),
    (["log-visit", "1"], "--type is required"),
    (["log-visit", "1", "--type", "face", "--staff", "田中"], "no staff member '田中' (add them with 'teikan add-staff')"),
    (["log-visit", "1", "--type", "center"],
     "a 'center' contact needs --center-reason (advice, team-support or group-program)"),
    (["log-visit", "1", "--type", "face", "--center-reason", "advice"],
     "--center-reason is only for a contact with --type center"),
    (["log-visit", "1", "--type", "center", "--center-reason", "help"],
     "--center-reason: unknown value 'help' (choose from advice (助言), team-support (チーム支援), "
     "group-program (集団プログラム))"),
    (["log-visit", "1", "--type", "face", "--place", "cafe"],
     "--place: unknown value 'cafe' (choose from home (自宅), workplace (職場), office (事業所), other (その他))"),
    (["log-visit", "1", "--type", "face", "--concern", "sleep"],
     "--concern: unknown value 'sleep' (choose from attendance (遅刻・欠勤), appearance (身だしなみ), medication (服薬), "
     "work-accuracy (作業の正確さ), communication (コミュニケーション), other (その他))"),
    (["log-visit", "1", "--type", "face", "--minutes", "-5"], "--minutes: not a length of time: '-5' (write 60, 60分, 1時間, 1時間30分 or 1時間半)"),
    (["log-visit", "1", "--type", "face", "--minutes", "1441"], "minutes must be between 0 and 1440: '1441'"),
    # ---------------------------------------------------------------- add-staff
    (["add-staff", "田中", "--role", "driver", "--hours", "40"],
     "--role: unknown value 'driver' (choose from supporter (就労定着支援員), manager (サービス管理責任者))"),
    (["add-staff", "田中", "--role", "supporter", "--hours", "0"],
     "--hours: weekly hours must be more than 0 and at most 168: '0'"),
    (["add-staff", "田中", "--role", "supporter", "--hours", "169"],
     "--hours: weekly hours must be more than 0 and at most 168: '169'"),
    (["add-staff", "田中", "--role", "supporter", "--hours", "abc"], "--hours: not a number: 'abc'"),
    (["add-staff", "田中", "--role", "supporter", "--hours", "40", "--from", "2025-02-30"], "no such day: '2025-02-30'"),
    (["add-staff", "田中", "--role", "supporter", "--hours", "40", "--from", "2025-04-01", "--until", "2025-03-31"],
     "--until is before --from"),
    (["add-staff", " ", "--role", "supporter", "--hours", "40"], "name is required"),
    (["add-staff", "田中", "--hours", "40"], "missing --role (see --help)"),
    # ---------------------------------------------------------------- plan
    (["plan", "99", "--date", "2025-06-01"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["plan", "1", "--date", "2025-02-29"], "no such day: '2025-02-29'"),
    (["plan", "1", "--date", "2025-06-21"], "2025-06-21 is after the reference date 2025-06-20"),
    (["plan", "1", "--date", "2024-09-30"], "2024-09-30 is outside the client's service (2024-10-01 – 2027-09-30)"),
    (["plan", "2", "--date", "2025-04-01"], "2025-04-01 is outside the client's service (2024-07-10 – 2025-03-31)"),
    (["plan", "1", "--date", "2025-06-01", "--center-cooperation", "money"],
     "--center-cooperation: unknown value 'money' (choose from advice (助言), team-support (チーム支援), "
     "group-program (集団プログラム))"),
    (["plan", "1"], "missing --date (see --help)"),
    # ---------------------------------------------------------------- handover
    (["handover", "99", "--center", "センター"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["handover", "1", "--consent-date", "令和元年4月30日"], "'令和元年4月30日' is outside the 令和 era"),
    (["handover", "1", "--shared-date", "2025-06-21"], "2025-06-21 is after the reference date 2025-06-20"),
    (["handover", "1", "--consent-date", "2025-06-10", "--shared-date", "2025-06-09"],
     "the shared date is before the consent date: information may be shared only with consent"),
    (["handover", "1", "--consent-date", "2024-09-30"], "2024-09-30 is before the support start 2024-10-01"),
    (["handover", "1", "--note", "\x1b[31m"], "note: control character U+001B at character 1: remove it"),
    # ---------------------------------------------------------------- share-report
    (["share-report", "99", "--month", "2025-05"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["share-report", "1", "--month", "2025-13"], "no such month: '2025-13'"),
    (["share-report", "1", "--month", "令和元年4月"], "'令和元年4月' is outside the 令和 era"),
    (["share-report", "1", "--month", "2024-09"], "client #1 is not active in 2024-09"),
    (["share-report", "2", "--month", "2025-04"], "client #2 is not active in 2025-04"),
    (["share-report", "1", "--month", "2025-06", "--date", "2025-05-31"], "2025-05-31 is before 2025-06 began"),
    (["share-report", "1", "--month", "2025-05", "--date", "2025-06-21"],
     "2025-06-21 is after the reference date 2025-06-20"),
    (["share-report", "1", "--month", "2025-07"], "2025-06-20 is before 2025-07 began"),
    (["share-report", "1"], "missing --month (see --help)"),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_input_is_refused_and_changes_nothing(cli, seeded, args, message):
    before = state(seeded)
    r = cli(*args, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")
    assert state(seeded) == before


def test_every_write_command_is_covered():
    covered = {args[0] for args, _ in CASES}
    assert covered == {"init", "add-client", "edit-client", "end-client", "log-visit", "add-staff", "plan", "handover",
                       "share-report"}


def test_messages_in_japanese(cli, seeded):
    before = state(seeded)
    r = cli("log-visit", "1", "--type", "center", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "エラー: 支援センターの支援には --center-reason（advice, team-support, group-program）が必要です\n"
    r = cli("log-visit", "1", "--type", "face", "--date", "2025-02-29", AS_OF, env={"TEIKAN_LANG": None,
                                                                                  "LANG": "ja_JP.UTF-8"})
    assert r.stderr == "エラー: 存在しない日付です: '2025-02-29'\n"
    assert state(seeded) == before


JAPANESE_CASES = [  # every word of a Japanese error is Japanese: a field is named by its Japanese column label
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "12345"], "受給者証番号 は10桁の数字で指定してください: '12345'"),
    (["add-client", "伊藤 次郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
      "--certificate", "0123456789"], "受給者証番号 0123456789 は登録済みです（利用者 #1）"),
    (["edit-client", "3", "--certificate", "01234567890"], "受給者証番号 は10桁の数字で指定してください: '01234567890'"),
    (["log-visit", "9999999999", "--type", "face"],
     "利用者 '9999999999' が見つかりません（ID、受給者証番号、または氏名を正確に）"),
    (["log-visit", "1", "--type", "どれでもない"],
     "--type: 'どれでもない' は指定できません（face（対面支援）、employer（企業訪問）、remote（電話・メール等）、"
     "agency（関係機関との連絡調整）、center（支援センターの支援） のいずれか）"),
]


@pytest.mark.parametrize("args,message", JAPANESE_CASES)
def test_japanese_errors_have_no_english_word(cli, seeded, args, message):
    before = state(seeded)
    r = cli(*args, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"エラー: {message}\n")
    assert state(seeded) == before


def test_bad_as_of(cli, seeded):
    before = state(seeded)
    r = cli("log-visit", "1", "--type", "face", "--as-of", "2025-02-29")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: no such day: '2025-02-29'\n")
    assert state(seeded) == before


def test_a_good_command_does_change_the_dump(cli, seeded):
    """The comparison above is not vacuous."""
    before = state(seeded)
    assert cli("log-visit", "1", "--type", "face", AS_OF).exit_code == 0
    assert state(seeded)[1] != before[1]


@pytest.mark.parametrize(("args", "message"), [
    (["clients", "--status", "gone"], "--status: unknown value 'gone' (choose from active (利用中), ended (終了), not-started (開始前), all (すべて))"),
    (["clients", "--format", "xml"], "--format: unknown value 'xml' (choose from table, json, csv)"),
    (["visits", "--month", "2025-13"], "no such month: '2025-13'"),
    (["visits", "--client", "佐藤 花子"], "'佐藤 花子' matches several clients (#3, #4); give the id or the certificate number ('teikan clients' tells them apart)"),
    (["visits", "--client", "99"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["show-client", "99"], "no client '99' (give an id, a certificate number or the exact name)"),
    (["show-client", "佐藤 花子"], "'佐藤 花子' matches several clients (#3, #4); give the id or the certificate number ('teikan clients' tells them apart)"),
    (["show-client"], "missing CLIENT (see --help)"),
    (["nosuch"], "no such command: nosuch (see teikan --help)"),
])
def test_bad_input_to_read_commands(cli, seeded, args, message):
    before = state(seeded)
    r = cli(*args, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")
    assert state(seeded) == before


def test_client_resolution_through_the_cli(cli, seeded):
    import json

    def shown(ref):
        r = cli("show-client", ref, "--format", "json", AS_OF)
        assert r.exit_code == 0, r
        return json.loads(r.stdout)["client"]["id"]

    assert [shown(ref) for ref in ("1", "#4", "0123456789", "1234567890", "山田 太郎", "高橋 一郎")] == [1, 4, 1, 3, 1, 5]


def test_no_arguments_prints_the_help(cli):
    r = cli()
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("Usage: teikan [OPTIONS] COMMAND [ARGS]...")
