"""`teikan due` and `teikan watch` through the CLI (SPEC §10): exact output, JSON keys, exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import run_cli

AS_OF = "--as-of=2025-06-20"


def ok(cli, *args):
    r = cli(*args, AS_OF)
    assert r.exit_code == 0, r
    return r


def add_client(cli, name, employer=None, staff=None, start="2024-10-01", plan="2025-05-01", **extra):
    args = ["add-client", name, "--employment-start", "2024-04-01", "--support-start", start]
    if employer:
        args += ["--employer", employer]
    if staff:
        args += ["--staff", staff]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    ok(cli, *args)
    if plan:
        ok(cli, "plan", name, "--date", plan, "--consent-date", plan, "--delivered-date", plan)


def finish_month(cli, name, month="2025-06", day="2025-06-10"):
    """Face contact with an employer visit, and the support report shared: nothing left for the month."""
    ok(cli, "log-visit", name, "--date", day, "--type", "face", "--type", "employer")
    ok(cli, "share-report", name, "--month", month, "--date", "2025-06-20" if month == "2025-06" else day)


@pytest.fixture
def office(cli):
    ok(cli, "init", "--office-name", "テスト事業所")
    ok(cli, "add-staff", "佐藤", "--role", "supporter", "--hours", "40")
    ok(cli, "add-staff", "田中", "--role", "manager", "--hours", "40")
    return cli


def due_json(cli, *args):
    r = cli("due", "--format", "json", *args, AS_OF)
    assert (r.exit_code, r.stderr) == (0, ""), r
    return json.loads(r.stdout)


# ---------------------------------------------------------------- due


def test_due_silent_when_everything_is_done(office):
    cli = office
    add_client(cli, "青木 一", employer="丸山製作所", staff="佐藤")
    finish_month(cli, "青木 一")
    for fmt in ("table", "csv"):
        r = cli("due", "--format", fmt, AS_OF)
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    r = cli("due", "--staff", "佐藤", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert due_json(cli) == {"as_of": "2025-06-20", "month": "2025-06", "staff": []}


def test_one_employer_with_three_clients_shows_once_with_all_three(office):
    cli = office
    for name in ("青木 一", "井上 二", "上田 三"):
        add_client(cli, name, employer="丸山製作所", staff="佐藤")
    ok(cli, "log-visit", "井上 二", "--date", "2025-06-05", "--type", "face")
    data = due_json(cli)
    assert data == {"as_of": "2025-06-20", "month": "2025-06", "staff": [
        {"staff": "佐藤", "employers": [{"employer": "丸山製作所", "clients": [
            {"client_id": 1, "name": "青木 一", "needs": ["face", "employer", "report"]},
            {"client_id": 2, "name": "井上 二", "needs": ["employer", "report"]},
            {"client_id": 3, "name": "上田 三", "needs": ["face", "employer", "report"]},
        ]}]}]}
    r = cli("due", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "佐藤 — to do for 2025-06 (as of 2025-06-20)\n"
        "Employer    ID  Name     Needs                                         Due\n"
        "丸山製作所   1  青木 一  face-to-face, employer visit, support report  10 days left\n"
        "             2  井上 二  employer visit, support report                10 days left\n"
        "             3  上田 三  face-to-face, employer visit, support report  10 days left\n"
    )
    assert r.stdout.count("丸山製作所") == 1


def test_face_seen_but_employer_not_visited_shows_only_the_employer_item(office):
    cli = office
    add_client(cli, "青木 一", employer="丸山製作所", staff="佐藤")
    ok(cli, "log-visit", "青木 一", "--date", "2025-06-05", "--type", "face", "--place", "home")
    ok(cli, "share-report", "青木 一", "--month", "2025-06")
    data = due_json(cli)
    assert data["staff"] == [{"staff": "佐藤", "employers": [{"employer": "丸山製作所", "clients": [
        {"client_id": 1, "name": "青木 一", "needs": ["employer"]}]}]}]
    r = cli("due", "--format", "csv", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == ("staff,employer,client_id,name,needs,deadline,days_left\r\n"
                        "佐藤,丸山製作所,1,青木 一,employer,2025-06-30,10\r\n")


def test_unassigned_and_unknown_employer_groups(office):
    cli = office
    add_client(cli, "青木 一", employer="丸山製作所", staff="佐藤")
    add_client(cli, "井上 二")
    finish_month(cli, "青木 一")
    ok(cli, "log-visit", "井上 二", "--date", "2025-06-05", "--type", "face")
    data = due_json(cli)
    assert data["staff"] == [{"staff": None, "employers": [{"employer": None, "clients": [
        {"client_id": 2, "name": "井上 二", "needs": ["employer", "report"]}]}]}]
    r = cli("due", AS_OF)
    assert r.stdout == (
        "unassigned — to do for 2025-06 (as of 2025-06-20)\n"
        "Employer            ID  Name     Needs                           Due\n"
        "(employer unknown)   2  井上 二  employer visit, support report  10 days left\n"
    )
    r = cli("due", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert r.stdout.splitlines()[0] == "担当未設定 — 2025-06 のやること（基準日 2025-06-20）"
    assert "（就職先未登録）" in r.stdout and "企業訪問, 支援レポート共有" in r.stdout


def test_staff_filter_and_group_order(office):
    cli = office
    add_client(cli, "青木 一", employer="丸山製作所", staff="田中")
    add_client(cli, "井上 二", employer="丸山製作所", staff="佐藤")
    add_client(cli, "上田 三")
    data = due_json(cli)
    assert [g["staff"] for g in data["staff"]] == sorted(["田中", "佐藤"]) + [None]
    only = due_json(cli, "--staff", "田中")
    assert only["staff"] == [{"staff": "田中", "employers": [{"employer": "丸山製作所", "clients": [
        {"client_id": 1, "name": "青木 一", "needs": ["face", "employer", "report"]}]}]}]
    r = cli("due", "--staff", "佐藤", AS_OF)
    assert "井上 二" in r.stdout and "青木 一" not in r.stdout and "上田 三" not in r.stdout


def test_staff_of_a_client_only_is_known(office):
    cli = office
    add_client(cli, "青木 一", staff="山本")  # 山本 has no add-staff assignment
    assert [g["staff"] for g in due_json(cli, "--staff", "山本")["staff"]] == ["山本"]


def test_dated_needs_and_urgency(office):
    cli = office
    # support 2022-10-01 → end 2025-09-30 → share deadline 2025-06-30; grant ends in 5 days; no plan.
    ok(cli, "add-client", "青木 一", "--employment-start", "2022-04-01", "--support-start", "2022-10-01",
       "--employer", "A社", "--staff", "佐藤", "--grant-until", "2025-06-25")
    add_client(cli, "井上 二", employer="B社", staff="佐藤", plan="2025-01-10")  # review due 2025-07-10
    finish_month(cli, "青木 一")
    finish_month(cli, "井上 二")
    data = due_json(cli)
    assert data["staff"] == [{"staff": "佐藤", "employers": [
        {"employer": "A社", "clients": [{"client_id": 1, "name": "青木 一",
                                         "needs": ["plan-review", "handover", "grant"]}]},
        {"employer": "B社", "clients": [{"client_id": 2, "name": "井上 二", "needs": ["plan-review"]}]},
    ]}]
    r = cli("due", "--format", "csv", AS_OF)
    assert r.stdout.splitlines()[1:] == [
        "佐藤,A社,1,青木 一,plan-review+handover+grant,2022-10-31,-963",
        "佐藤,B社,2,井上 二,plan-review,2025-07-10,20",
    ]
    r = cli("due", AS_OF)
    assert "support plan (first or review) by 2022-10-31, handover by 2025-06-30, grant renewal by 2025-06-25" in r.stdout


def test_handover_shared_or_not_needed_is_no_need(office):
    cli = office
    for name in ("青木 一", "井上 二"):
        ok(cli, "add-client", name, "--employment-start", "2022-04-01", "--support-start", "2022-10-01")
        ok(cli, "plan", name, "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01")
        finish_month(cli, name)
    assert [c["needs"] for g in due_json(cli)["staff"] for e in g["employers"] for c in e["clients"]] == [
        ["handover"], ["handover"]]
    ok(cli, "handover", "青木 一", "--consent-date", "2025-06-01", "--shared-date", "2025-06-02")
    ok(cli, "handover", "井上 二", "--not-needed")
    r = cli("due", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_month_option(office):
    cli = office
    add_client(cli, "青木 一", staff="佐藤")
    finish_month(cli, "青木 一")
    data = due_json(cli, "--month", "2025-05")
    assert data["month"] == "2025-05"
    assert data["staff"][0]["employers"][0]["clients"][0]["needs"] == ["face", "employer", "report"]
    assert due_json(cli, "--month", "令和7年6月")["staff"] == []


@pytest.mark.parametrize("args, message", [
    (["--staff", "鈴木"], "no staff member '鈴木' (add them with 'teikan add-staff')"),
    (["--staff", " "], "--staff is required"),
    (["--format", "xml"], "--format: unknown value 'xml' (choose from table, json, csv)"),
])
def test_due_bad_input(office, args, message):
    r = office("due", *args, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")


@pytest.mark.parametrize("month", ["2025-13", "abc", "令和7年13月"])
def test_due_bad_month(office, month):
    r = office("due", "--month", month, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and month in r.stderr and r.stderr.count("\n") == 1


def test_due_missing_database(cli, db_path):
    r = cli("due", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {db_path} (run 'teikan init' first)\n"
    assert not db_path.exists()


# ---------------------------------------------------------------- watch


def watch_json(cli, *args):
    r = cli("watch", "--format", "json", *args, AS_OF)
    assert (r.exit_code, r.stderr) == (0, ""), r
    return json.loads(r.stdout)


def visit(cli, name, day, *concerns):
    args = ["log-visit", name, "--date", day, "--type", "face", "--staff", "佐藤"]
    for concern in concerns:
        args += ["--concern", concern]
    ok(cli, *args)


@pytest.fixture(scope="module")
def watched_template(tmp_path_factory):
    """The watch office, built once per module (each CLI call costs ~0.1 s) and copied into every test."""
    folder = tmp_path_factory.mktemp("watch")
    path = folder / "teikan.db"
    env = {"TEIKAN_DB": str(path), "TEIKAN_LANG": "en", "NO_COLOR": "1"}
    build_watched(lambda *args: run_cli(*args, env=env))
    return folder


@pytest.fixture
def watched(watched_template, db_path, cli):
    for source in watched_template.iterdir():
        shutil.copyfile(source, db_path.parent / source.name)
    return cli


def build_watched(cli):
    ok(cli, "init", "--office-name", "テスト事業所")
    ok(cli, "add-staff", "佐藤", "--role", "supporter", "--hours", "40")
    for name in ("青木 一", "井上 二", "上田 三", "江口 四", "小野 五"):
        add_client(cli, name, staff="佐藤")
    visit(cli, "青木 一", "2025-05-12", "medication")  # repeated
    visit(cli, "青木 一", "2025-06-09", "medication")
    visit(cli, "井上 二", "2025-06-03", "appearance", "communication")  # several
    visit(cli, "上田 三", "2025-06-11", "attendance")  # new-attendance
    visit(cli, "江口 四", "2025-03-04", "attendance")  # attendance three months before: not new
    visit(cli, "江口 四", "2025-06-04", "attendance")
    visit(cli, "小野 五", "2025-06-04", "work-accuracy")  # a single isolated concern


def test_watch_flags_each_pattern_and_not_an_isolated_concern(watched):
    data = watch_json(watched)
    assert data == {"as_of": "2025-06-20", "clients": [
        {"client_id": 1, "name": "青木 一", "patterns": ["repeated"],
         "concerns": {"2025-04": [], "2025-05": ["medication"], "2025-06": ["medication"]}},
        {"client_id": 2, "name": "井上 二", "patterns": ["several"],
         "concerns": {"2025-04": [], "2025-05": [], "2025-06": ["appearance", "communication"]}},
        {"client_id": 3, "name": "上田 三", "patterns": ["new-attendance"],
         "concerns": {"2025-04": [], "2025-05": [], "2025-06": ["attendance"]}},
    ]}


def test_watch_months_option_and_four_months_always_loaded(watched):
    data = watch_json(watched, "--months", "1")
    assert [(c["client_id"], c["patterns"], c["concerns"]) for c in data["clients"]] == [
        (1, ["repeated"], {"2025-06": ["medication"]}),
        (2, ["several"], {"2025-06": ["appearance", "communication"]}),
        (3, ["new-attendance"], {"2025-06": ["attendance"]}),
    ]
    data = watch_json(watched, "--months", "6")
    assert list(data["clients"][0]["concerns"]) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def test_watch_table_and_csv(watched):
    r = watched("watch", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "Rising concerns, 2025-04 – 2025-06 (as of 2025-06-20)\n"
        "ID  Name     Patterns        2025-04  2025-05     2025-06\n"
        " 1  青木 一  repeated                 medication  medication\n"
        " 2  井上 二  several kinds                        appearance, communication\n"
        " 3  上田 三  new attendance                       attendance\n"
        "\n"
        "Contacts that show it\n"
        "Date        ID  Name     Types  Staff  Concerns\n"
        "2025-05-12   1  青木 一  face   佐藤   medication\n"
        "2025-06-09   1  青木 一  face   佐藤   medication\n"
        "2025-06-03   2  井上 二  face   佐藤   appearance, communication\n"
        "2025-06-11   3  上田 三  face   佐藤   attendance\n"
    )
    r = watched("watch", "--format", "csv", AS_OF)
    assert r.stdout == ("client_id,name,patterns,2025-04,2025-05,2025-06\r\n"
                        "1,青木 一,repeated,,medication,medication\r\n"
                        "2,井上 二,several,,,appearance+communication\r\n"
                        "3,上田 三,new-attendance,,,attendance\r\n")


def test_watch_silent_when_nothing_rises(office):
    cli = office
    add_client(cli, "青木 一", staff="佐藤")
    visit(cli, "青木 一", "2025-06-04", "medication")
    for fmt in ("table", "csv"):
        r = cli("watch", "--format", fmt, AS_OF)
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert watch_json(cli) == {"as_of": "2025-06-20", "clients": []}


def test_watch_only_clients_active_in_the_last_month(office):
    cli = office
    add_client(cli, "青木 一", staff="佐藤")
    visit(cli, "青木 一", "2025-05-12", "appearance", "medication")
    ok(cli, "end-client", "青木 一", "--date", "2025-05-31", "--reason", "user-request")
    assert watch_json(cli)["clients"] == []
    assert [c["patterns"] for c in json.loads(cli("watch", "--format", "json", "--as-of", "2025-05-31").stdout)[
        "clients"]] == [["several"]]


@pytest.mark.parametrize("args, message", [
    (["--months", "0"], "--months must be a whole number from 1 to 120: '0'"),
    (["--months", "121"], "--months must be a whole number from 1 to 120: '121'"),
])
def test_watch_bad_months(office, args, message):
    r = office("watch", *args, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")


def test_watch_months_not_a_number(office):
    r = office("watch", "--months", "three", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1
