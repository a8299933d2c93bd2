"""`teikan staff` and the staffing rules through the CLI (SPEC §4 rule 6, issue 4)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

AS_OF = "--as-of=2026-04-15"


def ok(result):
    assert result.exit_code == 0, result
    return result


def insert_clients(count: int, support_start: date) -> None:
    """Bulk clients straight through the store (setup only: the commands under test run through the CLI)."""
    from teikan_cli.models import Client
    from teikan_cli.store import open_store

    store = open_store(Path(os.environ["TEIKAN_DB"]), create=True)
    with store.write():
        for n in range(count):
            store.insert_client(Client(id=0, name=f"利用者 {n + 1}", employment_start=date(2024, 4, 1),
                                       support_start=support_start))
    store.close()


def forty_one_clients(cli) -> None:
    """41 clients active since last April: 利用者数(前年度平均) for April 2026 is 41.0."""
    ok(cli("init", "--office-name", "テスト事業所", AS_OF))
    insert_clients(41, date(2025, 4, 1))
    ok(cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2025-04-01", AS_OF))
    ok(cli("add-staff", "田中", "--role", "manager", "--hours", "40", "--from", "2025-04-01", AS_OF))


RATIO_LINE = ("error supporter-ratio 2026-04: support-worker FTE 1.0 is below users 41.0 ÷ 40 = 1.025; "
              "add 4.0 h/week of supporter time")


def test_41_clients_need_more_than_one_supporter(cli):
    forty_one_clients(cli)
    r = cli("check", "--month", "2026-04", AS_OF)
    assert (r.exit_code, r.stderr) == (1, "")
    assert r.stdout.splitlines()[0] == RATIO_LINE
    assert sum(1 for line in r.stdout.splitlines() if line.startswith("error")) == 1
    ok(cli("add-staff", "鈴木", "--role", "supporter", "--hours", "4", "--from", "2026-04-01", AS_OF))
    r = cli("check", "--month", "2026-04", AS_OF)
    assert r.exit_code == 0 and "supporter-ratio" not in r.stdout and "error" not in r.stdout
    data = json.loads(ok(cli("check", "--month", "2026-04", "--format", "json", AS_OF)).stdout)
    assert data["staffing"] == {"users": 41.0, "users_basis": "previous-fy-average", "active_in_month": 41,
                                "supporter_fte": 1.1, "supporter_fte_required": 1.025, "managers": 1,
                                "managers_required": 1, "ok": True}


def test_staff_shows_the_audit_figures_and_the_shortfall(cli):
    forty_one_clients(cli)
    r = ok(cli("staff", "--month", "2026-04", AS_OF))
    assert r.stdout.splitlines() == [
        "Staffing 2026-04 (as of 2026-04-15)",
        "IDs  Name  Role             h/week  From        Until  Reduced  Counted h/week  FTE",
        "  1  佐藤  support worker       40  2025-04-01         no                   40  1.0",
        "  2  田中  service manager      40  2025-04-01         no                   40  1.0",
        "",
        "  利用者数(前年度平均) users                  41.0 = 492 ÷ 12 month(s) of FY2025, rounded up to 0.1 "
        "(active this month: 41)",
        "  常勤の勤務時間 full-time hours (F)          40 h/week (32 when the office's hours are under 32)",
        "  就労定着支援員 常勤換算 support-worker FTE  1.0 = 40 h/week worked this month ÷ 40 h, truncated to 0.1; "
        "required: at least 利用者数 41.0 ÷ 40 (= 1.025): BELOW the standard",
        "  サービス管理責任者 service managers         1 (常勤 full time: 1); required 1, at least one full time: "
        "meets the standard",
        "add 4.0 h/week of supporter time to meet the ratio",
    ]


def test_staff_json(cli):
    forty_one_clients(cli)
    ok(cli("add-staff", "田中", "--role", "supporter", "--hours", "10", AS_OF))
    data = json.loads(ok(cli("staff", "--month", "2026-04", "--format", "json", AS_OF)).stdout)
    assert list(data) == ["month", "as_of", "staff", "staffing"]
    assert data["staff"] == [
        {"assignments": [1], "name": "佐藤", "role": "supporter", "hours": 40.0, "month_hours": 40.0,
         "from": "2025-04-01", "until": None, "reduced_hours": False, "fulltime": True, "fte": 1.0},
        {"assignments": [3], "name": "田中", "role": "supporter", "hours": 10.0, "month_hours": 10.0, "from": None,
         "until": None, "reduced_hours": False, "fulltime": True, "fte": 0.25},
        {"assignments": [2], "name": "田中", "role": "manager", "hours": 40.0, "month_hours": 40.0,
         "from": "2025-04-01", "until": None, "reduced_hours": False, "fulltime": True, "fte": 1.0},
    ]
    assert data["staffing"] == {
        "users": 41.0, "users_basis": "previous-fy-average", "active_in_month": 41, "supporter_fte": 1.2,
        "supporter_fte_required": 1.025, "managers": 1, "managers_required": 1, "ok": True,
        "users_fiscal_year": 2025, "users_months": 12, "users_total": 492, "fulltime_hours": 40.0,
        "supporter_hours": 50.0, "supporter_hours_required": 41.0, "supporter_shortfall_hours": 0.0,
        "supporter_ok": True, "managers_fulltime": 1, "managers_missing": 0, "manager_ok": True,
        "dual_role": ["田中"],
    }
    r = ok(cli("check", "--month", "2026-04", AS_OF))
    assert r.stdout.splitlines()[0] == ("warning dual-role 2026-04: 田中 is both support worker and service manager "
                                        "this month; sources differ on whether both may count")


def test_staff_csv(cli):
    forty_one_clients(cli)
    r = ok(cli("staff", "--month", "2026-04", "--format", "csv", AS_OF))
    assert r.stdout.split("\r\n") == [
        "assignments,name,role,hours,from,until,reduced_hours,month_hours,fte",
        "1,佐藤,supporter,40,2025-04-01,,false,40,1",
        "2,田中,manager,40,2025-04-01,,false,40,1",
        "",
    ]


def test_the_april_switch_through_the_cli(cli):
    ok(cli("init", "--opened", "2024-04-01", AS_OF))
    insert_clients(20, date(2024, 4, 1))  # FY2024: 20 a month
    insert_clients(21, date(2025, 4, 1))  # FY2025: 41 a month
    march = json.loads(ok(cli("staff", "--month", "2026-03", "--format", "json", AS_OF)).stdout)["staffing"]
    april = json.loads(ok(cli("staff", "--month", "2026-04", "--format", "json", AS_OF)).stdout)["staffing"]
    assert (march["users"], march["users_fiscal_year"]) == (20.0, 2024)
    assert (april["users"], april["users_fiscal_year"]) == (41.0, 2025)


def test_new_office_uses_the_month_and_says_so(cli):
    ok(cli("init", "--opened", "2026-04-01", AS_OF))
    insert_clients(3, date(2026, 4, 1))
    ok(cli("add-staff", "佐藤", "--role", "supporter", "--hours", "20", "--reduced-hours", AS_OF))
    r = ok(cli("staff", AS_OF))
    assert "利用者数 users (new office: this month) 3.0 (no month open last fiscal year: clients active this month)" \
        in [" ".join(line.split()) for line in r.stdout.splitlines()]
    assert r.stdout.splitlines()[-2:] == ["add 1 service manager(s)",
                                          "one service manager must be full time (40 h/week or more)"]
    r = cli("check", AS_OF)
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == ("error manager-ratio 2026-04: service managers: 0 (full time: 0), "
                                        "required 1 with at least one full time")


def test_staff_in_japanese(cli):
    forty_one_clients(cli)
    r = ok(cli("staff", "--month", "2026-04", AS_OF, env={"TEIKAN_LANG": "ja"}))
    assert "  利用者数(前年度平均)     41.0（2025年度 延べ492人 ÷ 12か月、小数点第2位以下切り上げ。当月利用者 41人）" \
        in r.stdout.splitlines()
    assert r.stdout.splitlines()[-1] == "基準を満たすには就労定着支援員の勤務時間を週4.0時間増やしてください"


def test_staff_with_nobody(cli):
    ok(cli("init", AS_OF))
    r = ok(cli("staff", AS_OF))
    assert r.stdout.splitlines()[:2] == ["Staffing 2026-04 (as of 2026-04-15)",
                                         "no staff assignment overlaps 2026-04 (add one with 'teikan add-staff')"]


def test_staff_bad_month_exits_2(cli):
    ok(cli("init", AS_OF))
    r = cli("staff", "--month", "2026-13", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1
