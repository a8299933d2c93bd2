"""Happy paths through the CLI: init, clients, staff, plans, handovers and shared reports (SPEC §3)."""

import json

import pytest

AS_OF = "--as-of=2025-06-20"

CLIENT_KEYS = ["id", "name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities",
               "prior_service", "employment_start", "employment_end", "eligible_from", "support_start", "support_end",
               "share_deadline", "ended_on", "end_reason", "status"]

YAMADA = {
    "id": 1, "name": "山田 太郎", "kana": "ヤマダ タロウ", "employer": "テスト商事", "certificate": "0123456789",
    "grant_until": "2026-03-31", "staff": "佐藤", "disabilities": ["mental", "developmental"],
    "prior_service": "transition", "employment_start": "2024-04-01", "employment_end": None,
    "eligible_from": "2024-10-01", "support_start": "2024-10-01", "support_end": "2027-09-30",
    "share_deadline": "2027-06-30", "ended_on": None, "end_reason": None, "status": "active",
}


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
        ("init", "--office-name", "ひまわり就労定着センター", "--office-number", "1312345678"),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2024-04-01"),
        ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--kana", "ヤマダ タロウ", "--employer", "テスト商事", "--certificate", "0123456789",
         "--grant-until", "2026-03-31", "--staff", "佐藤", "--disability", "mental", "--disability", "developmental",
         "--prior-service", "transition", "--note", "通院は月1回"),
    ), AS_OF)


@pytest.fixture
def office(cli, template, db_path):
    db_path.write_bytes(template.read_bytes())
    return cli


# ------------------------------------------------------------------ init


def test_init_creates_then_updates_idempotently(cli, db_path):
    ok(cli("init", AS_OF), f"office saved: - (database {db_path})\n")
    ok(cli("init", "--office-name", "ひまわり就労定着センター", "--office-number", "1312345678", "--fulltime-hours", "38",
           "--opened", "令和6年4月1日", AS_OF), f"office saved: ひまわり就労定着センター (database {db_path})\n")
    before = db_path.read_bytes()
    ok(cli("init", AS_OF), f"office saved: ひまわり就労定着センター (database {db_path})\n")
    import sqlite3

    row = sqlite3.connect(db_path).execute("SELECT name, number, fulltime_hours, opened FROM office").fetchone()
    assert row == ("ひまわり就労定着センター", "1312345678", 38.0, "2024-04-01")
    assert len(before) == len(db_path.read_bytes())


def test_init_in_japanese(cli, db_path):
    r = cli("init", "--office-name", "ひまわり", AS_OF, env={"TEIKAN_LANG": "ja"})
    ok(r, f"事業所を保存しました: ひまわり（データベース {db_path}）\n")


# ------------------------------------------------------------------ add-client, clients


def test_add_client_prints_id_and_computed_dates(cli):
    ok(cli("add-client", "鈴木 花子", "--employment-start", "2024-08-31", "--support-start", "2025-03-01", AS_OF),
       "added client #1 鈴木 花子: eligible from 2025-03-01, support 2025-03-01 – 2028-02-29, "
       "share handover by 2027-11-30\n")


def test_add_client_with_interim_support(cli):
    ok(cli("add-client", "高橋 一郎", "--employment-start", "2023-04-01", "--interim-support-end", "2024-06-30",
           "--support-start", "R7.1.1", AS_OF),
       "added client #1 高橋 一郎: eligible from 2025-01-01, support 2025-01-01 – 2027-12-31, "
       "share handover by 2027-09-30\n")


def test_add_client_on_the_last_day_of_a_leap_february(cli):
    ok(cli("add-client", "伊藤 次郎", "--employment-start", "2023-08-29", "--support-start", "2024-02-29", AS_OF),
       "added client #1 伊藤 次郎: eligible from 2024-02-29, support 2024-02-29 – 2027-02-28, "
       "share handover by 2026-11-30\n")


def test_clients_json_is_exactly_the_client_object(office):
    r = ok(office("clients", "--format", "json", AS_OF))
    data = json.loads(r.stdout)
    assert list(data) == ["clients"]
    assert list(data["clients"][0]) == CLIENT_KEYS
    assert data == {"clients": [YAMADA]}


def test_clients_table_and_csv(office):
    ok(office("clients", AS_OF),
       "ID  Name       Staff  Employer    Support start  Support end  Share by    Status\n"
       " 1  山田 太郎  佐藤   テスト商事  2024-10-01     2027-09-30   2027-06-30  active\n")
    ok(office("clients", "--format", "csv", AS_OF),
       ",".join(CLIENT_KEYS) + "\r\n"
       "1,山田 太郎,ヤマダ タロウ,テスト商事,0123456789,2026-03-31,佐藤,mental+developmental,transition,2024-04-01,,"
       "2024-10-01,2024-10-01,2027-09-30,2027-06-30,,,active\r\n")
    r = ok(office("clients", "--excel", AS_OF))
    assert r.stdout.startswith("\ufeffid,name,kana,")


def test_clients_wareki(office):
    ok(office("clients", "--wareki", AS_OF),
       "ID  Name       Staff  Employer    Support start                Support end                  Share by"
       "                     Status\n"
       " 1  山田 太郎  佐藤   テスト商事  2024-10-01 (令和6年10月1日)  2027-09-30 (令和9年9月30日)  "
       "2027-06-30 (令和9年6月30日)  active\n")


def test_clients_status_filter_follows_as_of(office):
    ok(office("add-client", "鈴木 花子", "--employment-start", "2025-01-06", "--support-start", "2025-07-06", AS_OF))
    ok(office("add-client", "佐々木 健", "--employment-start", "2024-01-10", "--support-start", "2024-07-10", AS_OF))
    ok(office("end-client", "3", "--date", "2025-06-20", "--reason", "user-request", AS_OF))

    def ids(*args):
        return [(c["id"], c["status"]) for c in json.loads(ok(office("clients", "--format", "json", *args)).stdout)["clients"]]

    assert ids(AS_OF) == [(1, "active")]
    assert ids("--status", "all", AS_OF) == [(1, "active"), (2, "not-started"), (3, "ended")]
    assert ids("--status", "ended", AS_OF) == [(3, "ended")]
    # replayed on an earlier day: client 3 was still active, client 2 not started
    assert ids("--status", "all", "--as-of", "2025-06-19") == [(1, "active"), (2, "not-started"), (3, "active")]
    assert ids("--status", "active", "--as-of", "2025-07-06") == [(1, "active"), (2, "active")]


def test_clients_empty_database(cli):
    ok(cli("init", AS_OF))
    ok(cli("clients", "--format", "json", AS_OF), '{\n  "clients": []\n}\n')
    ok(cli("clients", "--format", "csv", AS_OF), ",".join(CLIENT_KEYS) + "\r\n")


# ------------------------------------------------------------------ show-client


def test_show_client_json_shape(office):
    ok(office("log-visit", "1", "--date", "2025-06-03", "--type", "face", "--type", "employer", "--staff", "佐藤",
              "--minutes", "60", "--place", "workplace", "--concern", "attendance", "--note", "様子を確認", AS_OF))
    ok(office("plan", "1", "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", "--center-cooperation", "advice", AS_OF))
    ok(office("handover", "1", "--center", "○○障害者就業・生活支援センター", "--consent-date", "2025-06-01", AS_OF))
    data = json.loads(ok(office("show-client", "0123456789", "--format", "json", AS_OF)).stdout)
    assert list(data) == ["client", "contacts", "plans", "handover", "findings"]
    assert data["client"] == YAMADA
    assert data["contacts"] == [{
        "id": 1, "client_id": 1, "date": "2025-06-03", "types": ["face", "employer"], "staff": "佐藤", "minutes": 60,
        "place": "workplace", "concerns": ["attendance"], "center_reason": None, "note": "様子を確認",
    }]
    assert data["plans"] == [{"id": 1, "date": "2025-05-01", "consent_date": "2025-05-01",
                              "delivered_date": "2025-05-01", "delivered_to": ["client", "consultation"], "long_goal": None, "short_goal": None, "items": [],
                              "next_review": None, "center_cooperation": ["advice"], "monitorings": []}]
    assert data["handover"] == {"center": "○○障害者就業・生活支援センター", "consent_date": "2025-06-01", "shared_date": None,
                                "not_needed": False, "state": "consented", "note": None}
    # as of 2025-06-20: May has no face contact and no shared report (still inside the billing window)
    assert [(f["rule"], f["severity"], f["client_id"], f["month"]) for f in data["findings"]] == []
    data = json.loads(ok(office("show-client", "1", "--format", "json", "--as-of", "2025-06-05")).stdout)
    assert [(f["rule"], f["severity"], f["client_id"], f["month"]) for f in data["findings"]] == [
        ("face-to-face-missing", "error", 1, "2025-05"),
        ("support-report-missing", "error", 1, "2025-05"),
        ("employer-visit-missing", "warning", 1, "2025-05"),
    ]
    assert list(data["findings"][0]) == ["rule", "severity", "client_id", "month", "message"]


def test_show_client_without_records_has_null_handover(office):
    data = json.loads(ok(office("show-client", "山田 太郎", "--format", "json", "--as-of", "2025-06-20")).stdout)
    assert (data["contacts"], data["plans"], data["handover"]) == ([], [], None)


def test_show_client_table(office):
    r = ok(office("show-client", "1", AS_OF))
    assert r.stdout.startswith(
        "#1 山田 太郎\n"
        "  Name           山田 太郎\n"
        "  Kana           ヤマダ タロウ\n"
        "  Employer       テスト商事\n"
        "  Certificate    0123456789\n"
    )
    assert "  Support end    2027-09-30\n  Share by       2027-06-30\n" in r.stdout
    assert r.stdout.endswith("plan-missing  2025-06  no individual support plan agreed by the client yet (due by 2024-10-31)\n")


def test_show_client_csv_is_the_client_row(office):
    ok(office("show-client", "1", "--format", "csv", AS_OF),
       ",".join(CLIENT_KEYS) + "\r\n"
       "1,山田 太郎,ヤマダ タロウ,テスト商事,0123456789,2026-03-31,佐藤,mental+developmental,transition,2024-04-01,,"
       "2024-10-01,2024-10-01,2027-09-30,2027-06-30,,,active\r\n")


# ------------------------------------------------------------------ edit-client, end-client


def test_edit_client_changes_only_the_given_fields(office):
    ok(office("edit-client", "1", "--employer", "株式会社サンプル", "--kana", "", "--disability", "physical", AS_OF),
       "updated client #1 山田 太郎\n")
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert client == {**YAMADA, "employer": "株式会社サンプル", "kana": None, "disabilities": ["physical"]}


def test_edit_client_recomputes_the_period(office):
    ok(office("edit-client", "1", "--support-start", "2024-11-01", "--certificate", "", AS_OF), "updated client #1 山田 太郎\n")
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert (client["support_start"], client["support_end"], client["share_deadline"], client["certificate"]) == (
        "2024-11-01", "2027-10-31", "2027-07-31", None)


def test_edit_client_records_a_job_loss_after_the_service_ended(office):
    ok(office("end-client", "1", "--date", "2025-05-31", "--reason", "user-request", AS_OF))
    ok(office("edit-client", "1", "--employment-end", "2025-06-15", AS_OF), "updated client #1 山田 太郎\n")
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert (client["employment_end"], client["ended_on"], client["end_reason"], client["status"]) == (
        "2025-06-15", "2025-05-31", "user-request", "ended")


def test_edit_client_rename(office):
    ok(office("edit-client", "山田 太郎", "--name", "山田 太朗", AS_OF), "updated client #1 山田 太朗\n")
    ok(office("show-client", "山田 太朗", "--format", "csv", AS_OF))


def test_end_client(office):
    ok(office("end-client", "1", "--date", "2025-06-20", "--reason", "period-end", AS_OF),
       "ended the service for client #1 山田 太郎 on 2025-06-20 (period end)\n")
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert (client["ended_on"], client["end_reason"], client["status"], client["employment_end"]) == (
        "2025-06-20", "period-end", "ended", None)


def test_end_client_job_loss_sets_employment_end(office):
    ok(office("end-client", "1", "--date", "2025-06-10", "--reason", "job-loss", AS_OF),
       "ended the service for client #1 山田 太郎 on 2025-06-10 (job loss)\n")
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert (client["ended_on"], client["end_reason"], client["employment_end"]) == ("2025-06-10", "job-loss", "2025-06-10")


def test_end_client_keeps_an_earlier_employment_end(office):
    ok(office("edit-client", "1", "--employment-end", "2025-05-31", AS_OF))
    ok(office("end-client", "1", "--date", "2025-06-10", "--reason", "job-loss", AS_OF))
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert client["employment_end"] == "2025-05-31"


def test_end_client_can_correct_the_end_date(office):
    ok(office("end-client", "1", "--date", "2025-06-10", "--reason", "user-request", AS_OF))
    ok(office("end-client", "1", "--date", "2025-06-12", "--reason", "user-request", AS_OF))
    client = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"]
    assert client["ended_on"] == "2025-06-12"


def test_end_on_the_last_day_of_the_period(office):
    ok(office("end-client", "1", "--date", "2027-09-30", "--reason", "period-end", "--as-of", "2027-10-01"),
       "ended the service for client #1 山田 太郎 on 2027-09-30 (period end)\n")


def test_client_ended_the_same_day_is_still_active_in_that_month(office):
    ok(office("end-client", "1", "--date", "2025-06-01", "--reason", "user-request", "--as-of", "2025-06-01"))
    ok(office("log-visit", "1", "--type", "face", "--date", "2025-06-01", "--as-of", "2025-06-01"))
    report = json.loads(ok(office("report", "--month", "2025-06", "--format", "json", AS_OF)).stdout)
    assert [(c["id"], c["face"]) for c in report["clients"]] == [(1, 1)]


# ------------------------------------------------------------------ staff


def test_add_staff_and_list(cli):
    ok(cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2025-04-01", AS_OF),
       "added assignment #1: 佐藤, support worker, 40 h/week\n")
    ok(cli("add-staff", "田中", "--role", "manager", "--hours", "20", "--until", "2026-03-31", AS_OF),
       "added assignment #2: 田中, service manager, 20 h/week\n")
    ok(cli("add-staff", "田中", "--role", "supporter", "--hours", "20", "--reduced-hours", AS_OF),
       "added assignment #3: 田中, support worker, 20 h/week\n")
    data = json.loads(ok(cli("staff", "--format", "json", AS_OF)).stdout)
    assert sorted((s["name"], s["role"], s["hours"], s["from"], s["until"], s["reduced_hours"]) for s in data["staff"]) == [
        ("佐藤", "supporter", 40.0, "2025-04-01", None, False),
        ("田中", "manager", 20.0, None, "2026-03-31", False),
        ("田中", "supporter", 20.0, None, None, True),
    ]
    r = ok(cli("staff", "--format", "csv", AS_OF))
    assert r.stdout.splitlines()[0] == "assignments,name,role,hours,from,until,reduced_hours,month_hours,fte"


# ------------------------------------------------------------------ plan, handover, share-report


def test_plan(office):
    ok(office("plan", "1", "--date", "2024-10-01", "--consent-date", "2024-10-01", "--delivered-date", "2024-10-01", AS_OF), "recorded plan #1 for client #1 山田 太郎 on 2024-10-01\n")
    ok(office("plan", "1", "--date", "2025-04-01", "--consent-date", "2025-04-01", "--delivered-date", "2025-04-01", "--center-cooperation", "advice", "--center-cooperation",
              "team-support", AS_OF), "recorded plan #2 for client #1 山田 太郎 on 2025-04-01\n")
    # the same date again updates that plan
    ok(office("plan", "1", "--date", "2025-04-01", "--consent-date", "2025-04-01", "--delivered-date", "2025-04-01", "--center-cooperation", "group-program", AS_OF),
       "recorded plan #2 for client #1 山田 太郎 on 2025-04-01\n")
    plans = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["plans"]
    assert [(p["id"], p["date"], p["consent_date"], p["center_cooperation"]) for p in plans] == [
        (1, "2024-10-01", "2024-10-01", []), (2, "2025-04-01", "2025-04-01", ["group-program"])]


def test_handover_record_and_update(office):
    ok(office("handover", "1", "--center", "○○センター", AS_OF),
       "recorded the handover for client #1 山田 太郎 (not started)\n")
    ok(office("handover", "1", "--consent-date", "2025-06-01", AS_OF), "recorded the handover for client #1 山田 太郎 (consented)\n")
    ok(office("handover", "1", "--shared-date", "2025-06-20", "--note", "支援会議で共有", AS_OF),
       "recorded the handover for client #1 山田 太郎 (shared)\n")
    handover = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["handover"]
    assert handover == {"center": "○○センター", "consent_date": "2025-06-01", "shared_date": "2025-06-20",
                        "not_needed": False, "state": "shared", "note": "支援会議で共有"}


def test_handover_not_needed(office):
    ok(office("handover", "1", "--not-needed", AS_OF), "recorded the handover for client #1 山田 太郎 (not needed)\n")
    handover = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["handover"]
    assert (handover["not_needed"], handover["state"]) == (True, "not-needed")


def test_share_report(office):
    ok(office("share-report", "1", "--month", "2025-05", "--date", "2025-05-31", AS_OF),
       "recorded the 2025-05 support report of client #1 山田 太郎 as shared on 2025-05-31\n")
    ok(office("share-report", "0123456789", "--month", "this", AS_OF),
       "recorded the 2025-06 support report of client #1 山田 太郎 as shared on 2025-06-20\n")
    ok(office("share-report", "1", "--month", "R7.5", "--date", "2025-06-02", AS_OF),
       "recorded the 2025-05 support report of client #1 山田 太郎 as shared on 2025-06-02\n")
    report = json.loads(ok(office("report", "--month", "2025-05", "--format", "json", AS_OF)).stdout)
    assert report["clients"][0]["report_shared"] is True


# ------------------------------------------------------------------ help


COMMANDS = ["init", "add-client", "clients", "show-client", "edit-client", "end-client", "log-visit", "visits",
            "add-staff", "staff", "plan", "handover", "share-report"]


def test_help_lists_every_command_with_a_one_line_summary(cli):
    r = ok(cli("--help"))
    lines = r.stdout.splitlines()
    start = lines.index("Commands:")
    listed = {}
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        name, _, summary = line.strip().partition(" ")
        listed[name] = summary.strip()
    for command in COMMANDS:
        assert listed.get(command), f"{command} missing from --help"
        assert not listed[command].endswith("..."), listed[command]
    assert listed["log-visit"].startswith("Record one contact")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_as_of(cli, command):
    r = ok(cli(command, "--help"))
    assert "Examples:\n  teikan " + command in r.stdout
    assert "--as-of" in r.stdout


def test_version(cli):
    from teikan_cli import __version__

    ok(cli("--version"), f"teikan {__version__}\n")


@pytest.mark.parametrize("option, value, key, expected", [
    # a day without its year: the grant's end and the plan's next review look ahead, the rest back (dates.py)
    ("--grant-until", "3月31日", "grant_until", "2026-03-31"),
    ("--employment-end", "6月1日", "employment_end", "2025-06-01"),
    ("--employment-end", "12/28", "employment_end", "2024-12-28"),
])
def test_a_client_date_without_its_year(office, option, value, key, expected):
    ok(office("edit-client", "1", option, value, AS_OF))
    assert json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["client"][key] == expected


def test_a_next_review_without_its_year_looks_ahead(office):
    ok(office("plan", "1", "--date", "6月1日", "--next-review", "5月31日", AS_OF))
    plans = json.loads(ok(office("show-client", "1", "--format", "json", AS_OF)).stdout)["plans"]
    assert [(p["date"], p["next_review"]) for p in plans if p["date"] == "2025-06-01"] == [("2025-06-01", "2026-05-31")]
