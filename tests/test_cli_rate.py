"""`teikan rate` end to end, and the `edit-client --job-change/--reemployed` rules it relies on."""

from __future__ import annotations

import json
import sqlite3

import pytest

AS_OF = "--as-of=2025-06-01"


def build_office(cli) -> None:
    """Fiscal year 2025 counts users of 2022-04-01 .. 2025-03-31 still employed on 2025-03-31."""
    steps = [
        ("init", "--office-name", "ひまわり就労定着センター"),
        # 1: still in service and employed → retained
        ("add-client", "山田 太郎", "--employment-start", "2022-01-01", "--support-start", "2022-07-01"),
        # 2: finished the three years still employed → retained
        ("add-client", "佐藤 花子", "--employment-start", "2021-10-01", "--support-start", "2022-04-01"),
        ("end-client", "2", "--date", "2025-03-31", "--reason", "period-end"),
        # 3: lost the job on 3/31 → not retained
        ("add-client", "鈴木 一郎", "--employment-start", "2023-01-01", "--support-start", "2023-07-01"),
        ("end-client", "3", "--date", "2025-03-31", "--reason", "job-loss"),
        # 4: lost the job on 4/1 → retained (employed through 3/31)
        ("add-client", "高橋 次郎", "--employment-start", "2023-01-01", "--support-start", "2023-07-01"),
        ("end-client", "4", "--date", "2025-04-01", "--reason", "job-loss"),
        # 5: one job change, re-employed within a month → retained
        ("add-client", "田中 三郎", "--employment-start", "2023-04-01", "--support-start", "2023-10-01"),
        ("edit-client", "5", "--employment-end", "2024-09-30", "--job-change", "2024-09-30", "--reemployed", "2024-10-15"),
        # 6: started after the window → not counted
        ("add-client", "伊藤 四郎", "--employment-start", "2024-10-01", "--support-start", "2025-04-01"),
    ]
    for step in steps:
        r = cli(*step, AS_OF)
        assert r.exit_code == 0, (step, r)


def test_rate_json(cli):
    build_office(cli)
    r = cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    data = json.loads(r.stdout)
    assert list(data) == ["fiscal_year", "numerator", "denominator", "rate", "tier", "units", "basis", "people"]
    assert {k: v for k, v in data.items() if k != "people"} == {
        "fiscal_year": 2025, "numerator": 4, "denominator": 5, "rate": 0.8, "tier": 3, "units": 2768, "basis": "history"}
    assert data["people"] == [
        {"client_id": 1, "name": "山田 太郎", "retained": True, "employment_end": None},
        {"client_id": 2, "name": "佐藤 花子", "retained": True, "employment_end": None},
        {"client_id": 3, "name": "鈴木 一郎", "retained": False, "employment_end": "2025-03-31"},
        {"client_id": 4, "name": "高橋 次郎", "retained": True, "employment_end": "2025-04-01"},
        {"client_id": 5, "name": "田中 三郎", "retained": True, "employment_end": "2024-09-30"},
    ]


def test_rate_table(cli):
    build_office(cli)
    r = cli("rate", "--fiscal-year", "2025", "--what-if", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "就労定着率 (retention rate) for fiscal year 2025\n"
        "  users between      2022-04-01 – 2025-03-31\n"
        "  still employed on  2025-03-31\n"
        "  rate               4/5 = 80.00%\n"
        "  tier               3\n"
        "  units a month      2,768\n"
        "  basis              the record of the three fiscal years\n"
        "what if: with 1 more of these people retained, the office would reach tier 2 (3,348 units a month)\n"
        "\n"
        "People counted\n"
        "Client  Name       Job ended   Retained\n"
        "     1  山田 太郎              yes\n"
        "     2  佐藤 花子              yes\n"
        "     3  鈴木 一郎  2025-03-31  no\n"
        "     4  高橋 次郎  2025-04-01  yes\n"
        "     5  田中 三郎  2024-09-30  yes\n"
    )


def test_rate_csv(cli):
    build_office(cli)
    r = cli("rate", "--fiscal-year", "令和7年度", "--format", "csv", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "client_id,name,retained,employment_end\r\n"
        "1,山田 太郎,true,\r\n"
        "2,佐藤 花子,true,\r\n"
        "3,鈴木 一郎,false,2025-03-31\r\n"
        "4,高橋 次郎,true,2025-04-01\r\n"
        "5,田中 三郎,true,2024-09-30\r\n"
    )


def test_rate_defaults_to_the_fiscal_year_of_as_of(cli):
    build_office(cli)
    r = cli("rate", "--format", "json", "--as-of", "2026-03-31")
    assert json.loads(r.stdout)["fiscal_year"] == 2025


def test_what_if_json(cli):
    build_office(cli)
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--what-if", "--format", "json", AS_OF).stdout)
    assert data["what_if"] == {"next_tier": 2, "next_units": 3348, "needed": 1, "status": "possible"}


def test_next_fiscal_year_is_a_projection(cli):
    build_office(cli)
    r = cli("rate", "--fiscal-year", "2026", AS_OF)
    assert r.exit_code == 0
    assert "fiscal year 2025 is not over on 2025-06-01: a projection from the records so far\n" in r.stdout
    data = json.loads(cli("rate", "--fiscal-year", "2026", "--format", "json", AS_OF).stdout)
    # window 2023-04-01 .. 2026-03-31: 6 now counts, 3 and 4 lost their jobs before 2026-03-31
    assert (data["numerator"], data["denominator"]) == (4, 6)


def test_no_history_and_notified_tier(cli):
    assert cli("init", AS_OF).exit_code == 0
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert data == {"fiscal_year": 2025, "numerator": 0, "denominator": 0, "rate": None, "tier": None, "units": None,
                    "basis": "no-history", "people": []}
    r = cli("rate", "--fiscal-year", "2025", "--what-if", AS_OF)
    assert "no users in these three fiscal years and no notified tier (record it with 'teikan init --rate-tier N')" in r.stdout
    assert "what if: no users in these three fiscal years, nothing to count\n" in r.stdout
    assert cli("init", "--rate-tier", "3", AS_OF).exit_code == 0
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert (data["rate"], data["tier"], data["units"], data["basis"]) == (None, 3, 2768, "notified-tier")
    r = cli("rate", "--fiscal-year", "2025", AS_OF)
    assert r.stdout.splitlines()[3:7] == [
        "  rate               none (no users in these three fiscal years)",
        "  tier               3",
        "  units a month      2,768",
        "  basis              no users in these three fiscal years: using the tier the office notified "
        "(teikan init --rate-tier 3)",
    ]


def test_top_tier_what_if(cli):
    cli("add-client", "山田 太郎", "--employment-start", "2022-01-01", "--support-start", "2022-07-01", AS_OF)
    r = cli("rate", "--fiscal-year", "2025", "--what-if", AS_OF)
    assert "  rate               1/1 = 100.00%\n" in r.stdout
    assert "what if: already in the top tier\n" in r.stdout


@pytest.mark.parametrize("fy", ["2023", "令和5年度", "2018"])
def test_fiscal_year_before_2024_is_refused(cli, fy, db_path):
    r = cli("rate", "--fiscal-year", fy, AS_OF)
    year = 2018 if fy == "2018" else 2023
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"Error: the fee table of fiscal year {year} is not built in "
                        "(teikan knows the tables from fiscal year 2024 on, the 2024 revision)\n")
    assert not db_path.exists()


def test_fiscal_year_before_2024_in_japanese(cli):
    r = cli("rate", "--fiscal-year", "2023", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "エラー: 2023年度の報酬単位表は組み込まれていません（2024年度の報酬改定以降のみ対応）\n"


@pytest.mark.parametrize("fy", ["next", "25", "2025-04"])
def test_bad_fiscal_year(cli, fy):
    r = cli("rate", "--fiscal-year", fy, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: --fiscal-year: not a fiscal year: '{fy}' (use 2025, 2025年度 or 令和7年度)\n"


def test_bad_format(cli):
    build_office(cli)
    r = cli("rate", "--format", "xml", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: --format: unknown value 'xml'")


def test_missing_database(cli, db_path):
    r = cli("rate", "--fiscal-year", "2025", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {db_path} (run 'teikan init' first)\n"
    assert not db_path.exists()


# ---------------------------------------------------------------- edit-client --job-change / --reemployed


def _job_columns(db_path, client_id: int) -> tuple:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT job_change, reemployed, employment_end FROM clients WHERE id = ?",
                            (client_id,)).fetchone()


@pytest.fixture
def one_client(cli):
    r = cli("add-client", "山田 太郎", "--employment-start", "2023-01-01", "--support-start", "2023-07-01", AS_OF)
    assert r.exit_code == 0
    return "1"


def test_job_change_is_refused_a_second_time(cli, one_client, db_path):
    r = cli("edit-client", one_client, "--job-change", "2024-09-30", "--reemployed", "2024-10-15", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "updated client #1 山田 太郎\n", "")
    r = cli("edit-client", one_client, "--job-change", "2025-01-31", "--reemployed", "2025-02-01", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: a job change is already recorded; only one counts as continuous employment\n"
    assert _job_columns(db_path, 1) == ("2024-09-30", "2024-10-15", None)


@pytest.mark.parametrize("last_day, reemployed", [
    ("2024-04-30", "2024-05-31"), ("2024-07-31", "2024-08-31"), ("2024-09-30", "2024-10-31"),
    ("2024-01-31", "2024-02-29"),  # one month from 02-01 of a leap year
])
def test_job_change_to_the_end_of_one_month_from_the_next_day_is_continuous(cli, one_client, db_path, last_day,
                                                                            reemployed):
    # SPEC §4 rule 1 (H30.12.17 Q&A 離職後1月以内に再就職), counted as 民法 does: from the day after the last day.
    r = cli("edit-client", one_client, "--job-change", last_day, "--reemployed", reemployed, AS_OF)
    assert (r.exit_code, r.stderr) == (0, ""), r


def test_job_change_gap_over_a_month_is_refused(cli, one_client, db_path):
    # last day 09-30 → re-employment up to 10-31 (one month from 10-01); 11-01 is too late.
    r = cli("edit-client", one_client, "--job-change", "2024-09-30", "--reemployed", "2024-11-01", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: re-employment more than a month after the job change is not continuous employment\n"
    assert _job_columns(db_path, 1) == (None, None, None)


def test_reemployed_can_follow_the_job_change_later(cli, one_client, db_path):
    assert cli("edit-client", one_client, "--job-change", "2025-01-31", AS_OF).exit_code == 0
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert data["people"][0]["retained"] is False  # not re-employed (yet): employment ended on the job change
    r = cli("edit-client", one_client, "--reemployed", "2025-03-03", AS_OF)  # one month after 01-31 is 02-28
    assert (r.exit_code, r.stderr) == (2, "Error: re-employment more than a month after the job change is not "
                                          "continuous employment\n")
    assert cli("edit-client", one_client, "--reemployed", "2025-02-28", AS_OF).exit_code == 0
    assert _job_columns(db_path, 1) == ("2025-01-31", "2025-02-28", None)
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert data["people"][0]["retained"] is True


def test_reemployed_without_a_job_change_is_refused(cli, one_client):
    r = cli("edit-client", one_client, "--reemployed", "2024-10-15", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: --reemployed needs --job-change and must not be before it\n"


def test_employment_end_after_service_ended_changes_the_rate(cli, one_client):
    assert cli("end-client", one_client, "--date", "2024-12-31", "--reason", "user-request", AS_OF).exit_code == 0
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert (data["numerator"], data["denominator"]) == (1, 1)
    assert cli("edit-client", one_client, "--employment-end", "2025-02-15", AS_OF).exit_code == 0
    data = json.loads(cli("rate", "--fiscal-year", "2025", "--format", "json", AS_OF).stdout)
    assert (data["numerator"], data["denominator"], data["tier"]) == (0, 1, 7)


def test_a_job_change_in_the_future_is_refused(cli):
    assert cli("add-client", "見本 一郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
               "--as-of", "2025-06-01").exit_code == 0
    r = cli("edit-client", "1", "--job-change", "2026-01-01", "--as-of", "2025-06-01")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: 2026-01-01 is after the reference date 2025-06-01\n"
