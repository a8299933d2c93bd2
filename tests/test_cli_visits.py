"""log-visit and visits through the CLI (SPEC §3)."""

import json

import pytest

AS_OF = "--as-of=2025-06-20"
CONTACT_KEYS = ["id", "client_id", "date", "types", "staff", "minutes", "place", "concerns", "center_reason", "note"]


def ok(result, stdout=None):
    assert (result.exit_code, result.stderr) == (0, ""), result
    if stdout is not None:
        assert result.stdout == stdout
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The seeded database, built once per module and copied for each test (keeps the suite fast)."""
    from conftest import build_database

    return build_database(tmp_path_factory.mktemp("template") / "teikan.db", (
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40"),
        ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--certificate", "0123456789"),
        ("add-client", "鈴木 花子", "--employment-start", "2024-07-01", "--support-start", "2025-01-06"),
    ), AS_OF)


@pytest.fixture
def office(cli, template, db_path):
    db_path.write_bytes(template.read_bytes())
    return cli


def contacts(cli, *args):
    return json.loads(ok(cli("visits", "--format", "json", *args, AS_OF)).stdout)["contacts"]


def test_log_visit_full(office):
    ok(office("log-visit", "0123456789", "--date", "2025-06-03", "--type", "face", "--type", "employer",
              "--staff", "佐藤", "--minutes", "60", "--place", "workplace", "--concern", "medication",
              "--concern", "attendance", "--note", "職場で本人・上司と面談", AS_OF),
       "logged contact #1 for client #1 山田 太郎 on 2025-06-03\n")
    assert contacts(office) == [{
        "id": 1, "client_id": 1, "date": "2025-06-03", "types": ["face", "employer"], "staff": "佐藤", "minutes": 60,
        "place": "workplace", "concerns": ["attendance", "medication"], "center_reason": None,
        "note": "職場で本人・上司と面談",
    }]
    assert list(contacts(office)[0]) == CONTACT_KEYS


def test_log_visit_defaults_to_as_of(office):
    ok(office("log-visit", "山田 太郎", "--type", "remote", AS_OF), "logged contact #1 for client #1 山田 太郎 on 2025-06-20\n")
    assert contacts(office) == [{
        "id": 1, "client_id": 1, "date": "2025-06-20", "types": ["remote"], "staff": None, "minutes": None,
        "place": None, "concerns": [], "center_reason": None, "note": None,
    }]


def test_log_visit_center_with_reason_and_japanese_date(office):
    ok(office("log-visit", "1", "--date", "令和7年6月10日", "--type", "center", "--center-reason", "team-support", AS_OF),
       "logged contact #1 for client #1 山田 太郎 on 2025-06-10\n")
    assert contacts(office)[0]["types"] == ["center"]
    assert contacts(office)[0]["center_reason"] == "team-support"


def test_types_are_deduplicated_in_canonical_order(office):
    ok(office("log-visit", "1", "--type", "employer", "--type", "face", "--type", "face", "--type", "agency", AS_OF))
    assert contacts(office)[0]["types"] == ["face", "employer", "agency"]


def test_contact_on_the_support_start_day_and_on_the_end_day(office):
    ok(office("log-visit", "2", "--date", "2025-01-06", "--type", "face", AS_OF))
    ok(office("end-client", "2", "--date", "2025-06-19", "--reason", "user-request", AS_OF))
    ok(office("log-visit", "2", "--date", "2025-06-19", "--type", "face", AS_OF))
    ok(office("log-visit", "1", "--date", "2027-09-30", "--type", "face", "--as-of", "2027-09-30"),
       "logged contact #3 for client #1 山田 太郎 on 2027-09-30\n")


def test_visits_filters(office):
    ok(office("log-visit", "1", "--date", "2025-05-31", "--type", "face", AS_OF))
    ok(office("log-visit", "2", "--date", "2025-06-01", "--type", "face", AS_OF))
    ok(office("log-visit", "1", "--date", "2025-06-02", "--type", "employer", AS_OF))
    assert [(c["id"], c["date"]) for c in contacts(office)] == [(1, "2025-05-31"), (2, "2025-06-01"), (3, "2025-06-02")]
    assert [c["id"] for c in contacts(office, "--month", "2025-06")] == [2, 3]
    assert [c["id"] for c in contacts(office, "--month", "last")] == [1]
    assert [c["id"] for c in contacts(office, "--month", "R7.6", "--client", "1")] == [3]
    assert [c["id"] for c in contacts(office, "--client", "鈴木 花子")] == [2]
    assert contacts(office, "--month", "2025-04") == []


def test_visits_table_and_csv(office):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "face", "--type", "employer", "--staff", "佐藤",
              "--minutes", "45", "--place", "home", "--concern", "appearance", "--note", "元気そう", AS_OF))
    ok(office("visits", AS_OF),
       "ID  Client  Date        Types           Staff  Min  Place  Concerns    Center reason  Note\n"
       " 1       1  2025-06-03  face, employer  佐藤    45  home   appearance                 元気そう\n")
    ok(office("visits", "--format", "csv", AS_OF),
       "id,client_id,date,types,staff,minutes,place,concerns,center_reason,note\r\n"
       "1,1,2025-06-03,face+employer,佐藤,45,home,appearance,,元気そう\r\n")
    assert ok(office("visits", "--excel", AS_OF)).stdout.startswith("\ufeffid,client_id,")


def test_visits_empty(office):
    ok(office("visits", "--format", "json", AS_OF), '{\n  "contacts": []\n}\n')


def test_a_note_cannot_inject_terminal_control(office):
    ok(office("log-visit", "1", "--type", "face", "--note", "一行目\n二行目\tタブ", AS_OF))
    assert contacts(office)[0]["note"] == "一行目\n二行目\tタブ"
    table = ok(office("visits", AS_OF)).stdout
    assert "一行目 ↵ 二行目 タブ" in table and "\t" not in table and "一行目\n" not in table
    r = office("log-visit", "1", "--type", "face", "--note", "bad\x1b[2J", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: note: control character U+001B at character 4: remove it\n")


@pytest.mark.parametrize("args, field, value", [
    (["--type", "センター", "--center-reason", "助言"], "types", ["center"]),
    (["--type", "支援センター", "--center-reason", "助言"], "types", ["center"]),
    (["--type", "企業"], "types", ["employer"]),
    (["--type", "電話"], "types", ["remote"]),
    (["--type", "face", "--minutes", "1時間半"], "minutes", 90),
    (["--type", "face", "--minutes", "90分"], "minutes", 90),
    (["--type", "face", "--minutes", "１時間３０分"], "minutes", 90),
    (["--type", "face", "--minutes", "1.5時間"], "minutes", 90),
    (["--type", "face", "--date", "6月3日"], "date", "2025-06-03"),
    (["--type", "face", "--date", "12月28日"], "date", "2024-12-28"),  # the latest 28 December: last year's
    (["--type", "face", "--date", "6/3"], "date", "2025-06-03"),
])
def test_japanese_values_an_office_types(office, args, field, value):
    ok(office("log-visit", "1", *args, AS_OF, env={"TEIKAN_LANG": "ja"}))
    assert contacts(office)[-1][field] == value


@pytest.mark.parametrize("args, message", [
    (["--minutes", "1.01時間"], "--minutes: 時間の長さとして読めません: '1.01時間'（60、60分、1時間、1時間30分、1時間半 の形で）"),
    (["--minutes", "1時間半30分"], "--minutes: 時間の長さとして読めません: '1時間半30分'（60、60分、1時間、1時間30分、1時間半 の形で）"),
    (["--date", "2月30日"], "存在しない日付です: '2月30日'"),
])
def test_japanese_values_that_are_refused(office, db_path, args, message):
    before = db_path.read_bytes()
    r = office("log-visit", "1", "--type", "face", *args, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"エラー: {message}\n")
    assert db_path.read_bytes() == before
