"""`teikan check` through the CLI (SPEC §6, §7): silence, exit codes, scope, options, exact lines, JSON."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import from_template

SETUP = "--as-of=2025-06-01"
CHECK_KEYS = ["as_of", "months", "findings", "counts", "staffing"]
FINDING_KEYS = ["rule", "severity", "client_id", "month", "message"]
STAFFING_KEYS = ["users", "users_basis", "active_in_month", "supporter_fte", "supporter_fte_required", "managers",
                 "managers_required", "ok"]


def ok(result):
    assert result.exit_code == 0, result
    return result


def build_office(cli, *, may_report: bool = True, may_employer: bool = True) -> None:
    """One client (#1) fully served in May 2025, a full-time supporter and manager, a current plan."""
    types = ("--type", "face") + (("--type", "employer") if may_employer else ())
    from_template(f"{__name__}:office-{may_report}-{may_employer}", [
        ("init", "--office-name", "テスト事業所", SETUP),
        ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01", SETUP),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2024-10-01", SETUP),
        ("add-staff", "田中", "--role", "manager", "--hours", "40", "--from", "2024-10-01", SETUP),
        ("plan", "1", "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", SETUP),
        ("log-visit", "1", "--date", "2025-05-12", *types, SETUP),
    ] + ([("share-report", "1", "--month", "2025-05", "--date", "2025-05-30", SETUP)] if may_report else []))


def insert_clients(count: int, **fields) -> None:
    """Bulk clients straight through the store (fast setup; the commands under test still run via the CLI)."""
    from teikan_cli.models import Client
    from teikan_cli.store import open_store

    store = open_store(Path(os.environ["TEIKAN_DB"]), create=True)
    values = dict(employment_start=date(2024, 4, 1), support_start=date(2024, 10, 1)) | fields
    with store.write():
        for n in range(count):
            store.insert_client(Client(id=0, name=f"{values.pop('prefix', '利用者')} {n + 1}", **values))
    store.close()


def test_all_clear_office_is_silent(cli):
    build_office(cli)
    for as_of in ("2025-06-01", "2025-06-05", "2025-06-10", "2025-06-11", "2025-06-23"):
        r = cli("check", f"--as-of={as_of}")
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", ""), as_of
    r = cli("check", "--strict", "--as-of=2025-06-05")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_empty_office_is_silent(cli):
    ok(cli("init", SETUP))
    r = cli("check", SETUP)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_error_findings_exit_1(cli):
    build_office(cli, may_report=False)
    r = cli("check", "--as-of=2025-06-05")
    assert (r.exit_code, r.stderr) == (1, "")
    assert r.stdout == ("error support-report-missing 2025-05 #1 山田 太郎: support report for 2025-05 was not shared: "
                        "the month cannot be billed\n")


def test_warnings_exit_0_unless_strict(cli):
    build_office(cli, may_employer=False)
    line = "warning employer-visit-missing 2025-05 #1 山田 太郎: no employer visit in 2025-05 (effort duty)\n"
    r = cli("check", "--as-of=2025-06-05")
    assert (r.exit_code, r.stdout, r.stderr) == (0, line, "")
    r = cli("check", "--strict", "--as-of=2025-06-05")
    assert (r.exit_code, r.stdout, r.stderr) == (1, line, "")


def test_line_format_of_spec_section_6(cli):
    ok(cli("init", SETUP))
    insert_clients(11, ended_on=date(2024, 10, 31), end_reason="other")  # #1..#11 ended long ago: out of scope
    ok(cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01", SETUP))
    ok(cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", SETUP))
    ok(cli("add-staff", "田中", "--role", "manager", "--hours", "40", SETUP))
    ok(cli("plan", "12", "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", SETUP))
    ok(cli("log-visit", "12", "--date", "2025-06-03", "--type", "employer", "--as-of=2025-06-03"))
    ok(cli("share-report", "12", "--month", "2025-06", "--date", "2025-06-30", "--as-of=2025-06-30"))
    r = cli("check", "--month", "2025-06", "--as-of=2025-07-01")
    assert (r.exit_code, r.stderr) == (1, "")
    assert r.stdout == ("error face-to-face-missing 2025-06 #12 山田 太郎: no face-to-face contact in 2025-06: "
                        "the month cannot be billed\n")


def test_errors_come_first(cli):
    build_office(cli, may_report=False, may_employer=False)
    ok(cli("edit-client", "1", "--grant-until", "2025-06-20", SETUP))
    r = cli("check", "--as-of=2025-06-05")
    assert r.exit_code == 1
    assert [line.split(" ")[:3] for line in r.stdout.splitlines()] == [
        ["error", "support-report-missing", "2025-05"],
        ["warning", "employer-visit-missing", "2025-05"],
        ["warning", "grant-expiring", "2025-06"],
    ]


@pytest.mark.parametrize("as_of, months, rules", [
    ("2025-06-10", ["2025-05", "2025-06"], ["support-report-missing"]),  # the previous month up to the 10th
    ("2025-06-11", ["2025-06"], []),  # not on the 11th
])
def test_previous_month_scope(cli, as_of, months, rules):
    build_office(cli, may_report=False)
    r = cli("check", "--format", "json", f"--as-of={as_of}")
    data = json.loads(r.stdout)
    assert data["months"] == months
    assert [f["rule"] for f in data["findings"]] == rules
    assert r.exit_code == (1 if rules else 0)


def test_month_option_checks_only_that_month(cli):
    build_office(cli, may_report=False)
    r = cli("check", "--month", "2025-06", "--format", "json", "--as-of=2025-06-05")
    data = json.loads(r.stdout)
    assert (r.exit_code, data["months"], data["findings"]) == (0, ["2025-06"], [])
    r = cli("check", "--month", "R7.5", "--as-of=2025-06-20")
    assert r.exit_code == 1 and r.stdout.startswith("error support-report-missing 2025-05 #1")


def test_remind_days(cli):
    build_office(cli)
    assert ok(cli("check", "--as-of=2025-06-23")).stdout == ""
    r = cli("check", "--as-of=2025-06-24")
    assert (r.exit_code, [line.split(":")[0] for line in r.stdout.splitlines()]) == (0, [
        "warning face-to-face-pending 2025-06 #1 山田 太郎",
        "warning support-report-pending 2025-06 #1 山田 太郎",
        "warning employer-visit-pending 2025-06 #1 山田 太郎",
    ])
    assert ok(cli("check", "--remind-days", "6", "--as-of=2025-06-24")).stdout == ""
    assert ok(cli("check", "--remind-days", "10", "--as-of=2025-06-21")).stdout != ""
    assert ok(cli("check", "--remind-days", "10", "--as-of=2025-06-20")).stdout == ""


def handover_office(cli) -> None:
    """Client #1: support 2022-10-01 → 2025-09-30, share deadline 2025-06-30; staff and a current plan."""
    from_template(f"{__name__}:handover", [
        ("init", SETUP),
        ("add-client", "鈴木 一郎", "--employment-start", "2022-04-01", "--support-start", "2022-10-01", SETUP),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40", SETUP),
        ("add-staff", "田中", "--role", "manager", "--hours", "40", SETUP),
        ("plan", "1", "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", SETUP),
    ])


@pytest.mark.parametrize("as_of, within, expected, code", [
    ("2025-06-15", None, "warning handover-due 2025-06 #1 鈴木 一郎: handover information must be shared by "
                         "2025-06-30 (15 days left)\n", 0),
    ("2025-06-15", "15", "warning handover-due", 0),
    ("2025-06-15", "14", "", 0),
    ("2025-06-30", "0", "warning handover-due", 0),  # the deadline is today (no month reminders: see below)
    ("2025-07-01", None, "error handover-late 2025-07 #1 鈴木 一郎: handover information was due by 2025-06-30 "
                         "(1 days ago): 支援体制構築未実施減算 risk\n", 1),
])
def test_handover_within(cli, as_of, within, expected, code):
    handover_office(cli)
    args = ["--within", within] if within else []
    r = cli("check", "--month", as_of[:7], "--remind-days", "0", *args, f"--as-of={as_of}")
    assert r.exit_code == code
    assert r.stdout.startswith(expected) and (expected or r.stdout == "")


def test_not_needed_and_consent(cli):
    handover_office(cli)
    ok(cli("handover", "1", "--center", "○○障害者就業・生活支援センター", "--as-of=2025-06-10"))
    r = cli("check", "--month", "2025-06", "--as-of=2025-06-15")
    assert r.stdout.splitlines() == [
        "warning handover-due 2025-06 #1 鈴木 一郎: handover information must be shared by 2025-06-30 (15 days left)",
        "warning handover-consent-missing 2025-06 #1 鈴木 一郎: handover recorded without the client's consent date",
    ]
    ok(cli("handover", "1", "--not-needed", "--as-of=2025-06-10"))
    r = cli("check", "--month", "2025-07", "--as-of=2025-07-02")
    assert (r.exit_code, r.stdout) == (0, "")


def test_json_always_has_the_keys_of_spec_section_6(cli):
    build_office(cli)
    r = cli("check", "--format", "json", "--as-of=2025-06-15")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {
        "as_of": "2025-06-15",
        "months": ["2025-06"],
        "findings": [],
        "counts": {"error": 0, "warning": 0},
        "staffing": {"users": 1.0, "users_basis": "previous-fy-average", "active_in_month": 1, "supporter_fte": 1.0,
                     "supporter_fte_required": 0.025, "managers": 1, "managers_required": 1, "ok": True},
    }


def test_json_findings(cli):
    build_office(cli, may_report=False, may_employer=False)
    r = cli("check", "--format", "json", "--as-of=2025-06-05")
    data = json.loads(r.stdout)
    assert r.exit_code == 1
    assert list(data) == CHECK_KEYS and list(data["staffing"]) == STAFFING_KEYS
    assert all(list(f) == FINDING_KEYS for f in data["findings"])
    assert data["counts"] == {"error": 1, "warning": 1}
    assert data["findings"][0] == {"rule": "support-report-missing", "severity": "error", "client_id": 1,
                                   "month": "2025-05", "message": "support report for 2025-05 was not shared: "
                                   "the month cannot be billed"}


@pytest.mark.parametrize("args, message", [
    (["--month", "2025-13"], "'2025-13'"),  # the date module words the message; check only passes it on
    (["--month", "next"], "'next'"),
    (["--as-of", "2025-02-29"], "no such day: '2025-02-29'"),
    (["--within", "-1"], "--within must be a whole number of days from 0 to 3650: '-1'"),
    (["--remind-days", "-1"], "--remind-days must be a whole number of days from 0 to 3650: '-1'"),
    (["--format", "csv"], "--format: unknown value 'csv' (choose from text, json, table)"),
])
def test_bad_invocation_exits_2(cli, args, message):
    build_office(cli)
    r = cli("check", *args, "--as-of=2025-06-15") if "--as-of" not in args else cli("check", *args)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and message in r.stderr and r.stderr.count("\n") == 1, r


def test_missing_database_exits_2_and_creates_nothing(cli, db_path):
    r = cli("check", "--as-of=2025-06-15")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {db_path} (run 'teikan init' first)\n"
    assert not os.path.exists(db_path)


def test_check_in_japanese(cli):
    build_office(cli, may_report=False)
    r = cli("check", "--as-of=2025-06-05", env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (1, "error support-report-missing 2025-05 #1 山田 太郎: "
                                          "2025-05 の支援レポートが共有されていません（請求できません）\n")


def test_replay_ignores_records_after_as_of(cli):
    build_office(cli)
    ok(cli("log-visit", "1", "--date", "2025-06-25", "--type", "face", "--type", "employer", "--as-of=2025-06-25"))
    ok(cli("share-report", "1", "--month", "2025-06", "--date", "2025-06-26", "--as-of=2025-06-26"))
    r = cli("check", "--as-of=2025-06-24")
    assert len(r.stdout.splitlines()) == 3  # what was pending on the 24th
    assert ok(cli("check", "--as-of=2025-06-26")).stdout == ""
