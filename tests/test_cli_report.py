"""`teikan report --month` (SPEC §5) and `teikan handovers` (SPEC §3) through the CLI."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import from_template

SETUP = "--as-of=2025-07-01"
REPORT_KEYS = ["month", "as_of", "office", "clients", "staffing", "handovers", "findings"]
CLIENT_KEYS = ["id", "name", "certificate", "staff", "face", "face_dates", "employer", "remote", "agency", "center", "report_shared", "billable",
               "concerns", "support_end"]
STAFFING_KEYS = ["users", "users_basis", "active_in_month", "supporter_fte", "supporter_fte_required", "managers",
                 "managers_required", "ok"]
FINDING_KEYS = ["rule", "severity", "client_id", "month", "message"]
HANDOVER_KEYS = ["client_id", "name", "support_end", "share_deadline", "days_left", "days_to_end", "center",
                 "consent_date", "shared_date", "state"]

def ok(result):
    assert result.exit_code == 0, result
    return result


def june_office(cli) -> None:
    """Five clients in June 2025, each with a different mix of contacts and shared reports."""
    start = ("--employment-start", "2024-04-01", "--support-start", "2024-10-01")
    from_template(f"{__name__}:june", [
        ("init", "--office-name", "テスト事業所", "--office-number", "1312345678", "--opened", "2024-10-01", SETUP),
        ("add-client", "山田 太郎", *start, "--staff", "佐藤", SETUP),
        ("add-client", "佐藤 花子", *start, SETUP),
        ("add-client", "鈴木 一郎", *start, SETUP),
        ("add-client", "高橋 次郎", *start, SETUP),
        ("add-client", "伊藤 三郎", "--employment-start", "2024-12-01", "--support-start", "2025-06-30", SETUP),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40", SETUP),
        ("add-staff", "田中", "--role", "manager", "--hours", "40", SETUP),
        *[("plan", str(n), "--date", "2024-10-01", "--consent-date", "2024-10-01", "--delivered-date", "2024-10-01",
           SETUP) for n in range(1, 5)],
        # 1: face + employer, report shared → billable
        ("log-visit", "1", "--date", "2025-06-10", "--type", "face", "--type", "employer", SETUP),
        ("share-report", "1", "--month", "2025-06", "--date", "2025-06-30", SETUP),
        # 2: face with concerns, no report → not billable
        ("log-visit", "2", "--date", "2025-06-11", "--type", "face", "--concern", "medication",
         "--concern", "attendance", SETUP),
        ("log-visit", "2", "--date", "2025-06-20", "--type", "face", "--concern", "attendance", SETUP),
        # 3: report shared, remote and agency only → not billable
        ("log-visit", "3", "--date", "2025-06-12", "--type", "remote", "--type", "agency", SETUP),
        ("share-report", "3", "--month", "2025-06", "--date", "2025-06-30", SETUP),
        # 4: the support center helped without a plan
        ("log-visit", "4", "--date", "2025-06-13", "--type", "center", "--center-reason", "advice", SETUP),
        # 5: started on the last day of June, nothing logged; a contact in May for 1 must not count
        ("log-visit", "1", "--date", "2025-05-10", "--type", "face", SETUP),
    ])


def row(id, name, staff=None, face=0, employer=0, remote=0, agency=0, center=0, shared=False, concerns=(),
        support_end="2027-09-30", face_dates=()):
    return {"id": id, "name": name, "certificate": None, "staff": staff, "face": face,
            "face_dates": list(face_dates), "employer": employer, "remote": remote,
            "agency": agency, "center": center, "report_shared": shared, "billable": face > 0 and shared,
            "concerns": list(concerns), "support_end": support_end}


JUNE_ROWS = [
    row(1, "山田 太郎", "佐藤", face=1, employer=1, shared=True, face_dates=["2025-06-10"]),
    row(2, "佐藤 花子", face=2, concerns=["attendance", "medication"], face_dates=["2025-06-11", "2025-06-20"]),
    row(3, "鈴木 一郎", remote=1, agency=1, shared=True),
    row(4, "高橋 次郎", center=1),
    row(5, "伊藤 三郎", support_end="2028-06-29"),
]


def test_report_json_has_the_keys_of_spec_section_5(cli):
    june_office(cli)
    r = ok(cli("report", "--month", "2025-06", "--format", "json", SETUP))
    data = json.loads(r.stdout)
    assert list(data) == REPORT_KEYS
    assert (data["month"], data["as_of"]) == ("2025-06", "2025-07-01")
    assert data["office"]["name"] == "テスト事業所"
    assert all(list(c) == CLIENT_KEYS for c in data["clients"])
    assert data["clients"] == JUNE_ROWS
    assert data["staffing"] == {"users": 4.0, "users_basis": "previous-fy-average", "active_in_month": 5,
                                "supporter_fte": 1.0, "supporter_fte_required": 0.1, "managers": 1,
                                "managers_required": 1, "ok": True}
    assert data["handovers"] == []
    assert all(list(f) == FINDING_KEYS for f in data["findings"])
    assert {f["month"] for f in data["findings"]} == {"2025-06"}  # only findings of M (no dated ones of July)


def test_report_findings_are_those_of_the_month(cli):
    june_office(cli)
    data = json.loads(ok(cli("report", "--month", "2025-06", "--format", "json", SETUP)).stdout)
    assert [(f["severity"], f["rule"], f["client_id"]) for f in data["findings"]] == [
        ("error", "support-report-missing", 2),
        ("error", "face-to-face-missing", 3),
        ("error", "face-to-face-missing", 4), ("error", "support-report-missing", 4),
        ("error", "face-to-face-missing", 5), ("error", "support-report-missing", 5),
        ("warning", "employer-visit-missing", 2),
        ("warning", "employer-visit-missing", 3),
        ("warning", "employer-visit-missing", 4), ("warning", "center-cooperation-unplanned", 4),
        ("warning", "employer-visit-missing", 5),
    ]
    # the report of the month of --as-of also lists the dated rules (plan-review-overdue here: the plans of 2024-10-01 are past six months)
    data = json.loads(ok(cli("report", "--month", "2025-07", "--format", "json", SETUP)).stdout)
    assert {f["rule"] for f in data["findings"]} == {"plan-review-overdue"}


def test_report_csv_is_the_client_rows(cli):
    june_office(cli)
    r = ok(cli("report", "--month", "2025-06", "--format", "csv", SETUP))
    assert r.stdout.split("\r\n") == [
        ",".join(CLIENT_KEYS),
        "1,山田 太郎,,佐藤,1,2025-06-10,1,0,0,0,true,true,,2027-09-30",
        "2,佐藤 花子,,,2,2025-06-11+2025-06-20,0,0,0,0,false,false,attendance+medication,2027-09-30",
        "3,鈴木 一郎,,,0,,0,1,1,0,true,false,,2027-09-30",
        "4,高橋 次郎,,,0,,0,0,0,1,false,false,,2027-09-30",
        "5,伊藤 三郎,,,0,,0,0,0,0,false,false,,2028-06-29",
        "",
    ]
    r = ok(cli("report", "--month", "2025-06", "--excel", SETUP))
    assert r.stdout.startswith("\ufeffid,name,certificate,staff,")


def test_report_table_speaks_in_the_terms_of_an_audit(cli):
    june_office(cli)
    r = ok(cli("report", "--month", "2025-06", SETUP))
    lines = r.stdout.splitlines()
    assert lines[0] == "Monthly report 2025-06 (as of 2025-07-01) — テスト事業所"
    assert "billable client-months: 1 / 5" in lines
    assert ("  利用者数(前年度平均) users                  4.0 = 24 ÷ 6 month(s) of FY2024, rounded up to 0.1 "
            "(active this month: 5)") in lines
    assert any(line.startswith("  就労定着支援員 常勤換算 support-worker FTE  1.0 = 40 h/week worked this month ÷ 40 h") for line in lines)
    assert lines[-1] == "warning employer-visit-missing 2025-06 #5 伊藤 三郎: no employer visit in 2025-06 (effort duty)"


def test_report_of_a_month_with_nobody(cli):
    ok(cli("init", SETUP))
    data = json.loads(ok(cli("report", "--month", "2025-06", "--format", "json", SETUP)).stdout)
    assert (data["clients"], data["findings"], data["handovers"]) == ([], [], [])
    assert data["staffing"]["users_basis"] == "current-month"
    r = ok(cli("report", "--month", "2025-06", "--format", "csv", SETUP))
    assert r.stdout == ",".join(CLIENT_KEYS) + "\r\n"


@pytest.mark.parametrize("args", [["--month", "2025-13"], ["--month", "someday"], [], ["--month", "2025-06",
                                                                                        "--format", "xml"]])
def test_report_bad_invocation_exits_2(cli, args):
    ok(cli("init", SETUP))
    r = cli("report", *args, SETUP)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


def test_build_report_has_exactly_the_keys_of_spec_section_5():
    from teikan_cli.dates import Month
    from teikan_cli.models import Caseload, Office
    from teikan_cli.reports import build_report
    from teikan_cli.staffing import compute_staffing

    month = Month(2025, 6)
    staffing = compute_staffing(month, Office(), [], {}, 0)
    assert list(build_report(Caseload(Office(), ()), month, date(2025, 7, 1), staffing, [])) == REPORT_KEYS


# ---------------------------------------------------------------- the store reads set-based


def populate(count: int) -> None:
    """`count` clients with a face contact and a shared report in June 2025, straight through the store."""
    from teikan_cli.dates import Month
    from teikan_cli.models import Client, Contact, Plan, SharedReport
    from teikan_cli.store import open_store

    store = open_store(Path(os.environ["TEIKAN_DB"]), create=True)
    with store.write():
        store.save_office({"name": "テスト事業所"})
        for n in range(count):
            client_id = store.insert_client(Client(id=0, name=f"利用者 {n + 1}", employment_start=date(2024, 4, 1),
                                                   support_start=date(2024, 10, 1)))
            store.insert_contact(Contact(id=0, client_id=client_id, date=date(2025, 6, 10), types=("face", "center"),
                                         concerns=("attendance",), center_reason="advice"))
            store.save_shared_report(SharedReport(client_id, "2025-06", date(2025, 6, 30)))
            store.save_plan(Plan(id=0, client_id=client_id, date=date(2025, 5, 1), center_cooperation=("advice",),
                                 consent_date=date(2025, 5, 1), delivered_date=date(2025, 5, 1)))
    store.close()


def statements_of(cli, monkeypatch, *args) -> list[str]:
    """The SQL statements one CLI run executes on its store connection."""
    import teikan_cli.store as store_module

    seen: list[str] = []
    real_open = store_module.open_store

    def traced_open(*a, **k):
        store = real_open(*a, **k)
        store.conn.set_trace_callback(seen.append)
        return store

    monkeypatch.setattr(store_module, "open_store", traced_open)
    result = cli(*args)
    assert result.exit_code in (0, 1) and result.stderr == "", result
    monkeypatch.setattr(store_module, "open_store", real_open)
    return seen


@pytest.mark.parametrize("command", [
    ("report", "--month", "2025-06", "--format", "json", SETUP),
    ("check", "--format", "json", "--as-of=2025-06-05"),
    ("handovers", "--format", "json", SETUP),
])
def test_sql_statements_do_not_grow_with_the_number_of_clients(cli, monkeypatch, tmp_path, command):
    counts = []
    for n in (5, 50):
        os.environ["TEIKAN_DB"] = str(tmp_path / f"n{n}.db")
        populate(n)
        statements = statements_of(cli, monkeypatch, *command)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 32  # a fixed handful: the snapshot, the scope marks, one read per kind of record


# ---------------------------------------------------------------- handovers


def handover_office(cli) -> None:
    """Six clients ending between 2025-07-31 and 2026-05-31, created out of order, one of each handover state."""
    def client(name, start):
        return ("add-client", name, "--employment-start", "2022-01-04", "--support-start", start, SETUP)

    from_template(f"{__name__}:handovers", [
        ("init", SETUP),
        client("伊藤 五郎", "2022-12-01"),  # 1: ends 2025-11-30, not needed
        client("山田 太郎", "2022-08-01"),  # 2: ends 2025-07-31, nothing recorded
        client("鈴木 一郎", "2022-10-01"),  # 3: ends 2025-09-30, consented
        client("佐藤 花子", "2022-09-01"),  # 4: ends 2025-08-31, recorded without consent
        client("高橋 次郎", "2022-11-01"),  # 5: ends 2025-10-31, shared
        client("渡辺 六郎", "2023-06-01"),  # 6: ends 2026-05-31
        ("handover", "1", "--not-needed", SETUP),
        ("handover", "3", "--center", "○○センター", "--consent-date", "2025-06-01", SETUP),
        ("handover", "4", "--center", "○○センター", SETUP),
        ("handover", "5", "--center", "△△センター", "--consent-date", "2025-05-01", "--shared-date", "2025-06-15",
         SETUP),
    ])


def test_handovers_json_soonest_first_with_states(cli):
    handover_office(cli)
    data = json.loads(ok(cli("handovers", "--format", "json", SETUP)).stdout)
    assert list(data) == ["handovers"]
    assert all(list(h) == HANDOVER_KEYS for h in data["handovers"])
    # SPEC §3: days_left counts to the share deadline (negative once past), days_to_end to the end of the service.
    assert data["handovers"] == [
        {"client_id": 2, "name": "山田 太郎", "support_end": "2025-07-31", "share_deadline": "2025-04-30",
         "days_left": -62, "days_to_end": 30, "center": None, "consent_date": None, "shared_date": None,
         "state": "not-started"},
        {"client_id": 4, "name": "佐藤 花子", "support_end": "2025-08-31", "share_deadline": "2025-05-31",
         "days_left": -31, "days_to_end": 61, "center": "○○センター", "consent_date": None, "shared_date": None,
         "state": "not-started"},
        {"client_id": 3, "name": "鈴木 一郎", "support_end": "2025-09-30", "share_deadline": "2025-06-30",
         "days_left": -1, "days_to_end": 91, "center": "○○センター", "consent_date": "2025-06-01",
         "shared_date": None, "state": "consented"},
        {"client_id": 5, "name": "高橋 次郎", "support_end": "2025-10-31", "share_deadline": "2025-07-31",
         "days_left": 30, "days_to_end": 122, "center": "△△センター", "consent_date": "2025-05-01",
         "shared_date": "2025-06-15", "state": "shared"},
        {"client_id": 1, "name": "伊藤 五郎", "support_end": "2025-11-30", "share_deadline": "2025-08-31",
         "days_left": 61, "days_to_end": 152, "center": None, "consent_date": None, "shared_date": None,
         "state": "not-needed"},
    ]


@pytest.mark.parametrize("within, ids", [
    # Past deadlines not shared on time are always listed; the others within DAYS of their share deadline.
    ("0", [2, 4, 3]), ("29", [2, 4, 3]), ("30", [2, 4, 3, 5]), ("61", [2, 4, 3, 5, 1]), ("241", [2, 4, 3, 5, 1]),
    ("242", [2, 4, 3, 5, 1, 6]),
])
def test_handovers_within(cli, within, ids):
    handover_office(cli)
    data = json.loads(ok(cli("handovers", "--within", within, "--format", "json", SETUP)).stdout)
    assert [h["client_id"] for h in data["handovers"]] == ids


def test_handovers_table_and_csv(cli):
    handover_office(cli)
    r = ok(cli("handovers", "--within", "0", SETUP))
    assert r.stdout.splitlines() == [
        "Client  Name       Support end  Share by    Share in         Ends in       Center      Consent     Shared  State",
        "     2  山田 太郎  2025-07-31   2025-04-30  62 days overdue  30 days left                                  not started",
        "     4  佐藤 花子  2025-08-31   2025-05-31  31 days overdue  61 days left  ○○センター                      not started",
        "     3  鈴木 一郎  2025-09-30   2025-06-30  1 day overdue    91 days left  ○○センター  2025-06-01          consented",
    ]
    r = ok(cli("handovers", "--within", "30", "--format", "csv", SETUP))
    assert r.stdout.split("\r\n") == [
        ",".join(HANDOVER_KEYS),
        "2,山田 太郎,2025-07-31,2025-04-30,-62,30,,,,not-started",
        "4,佐藤 花子,2025-08-31,2025-05-31,-31,61,○○センター,,,not-started",
        "3,鈴木 一郎,2025-09-30,2025-06-30,-1,91,○○センター,2025-06-01,,consented",
        "5,高橋 次郎,2025-10-31,2025-07-31,30,122,△△センター,2025-05-01,2025-06-15,shared",
        "",
    ]


def test_report_lists_handovers_due(cli):
    handover_office(cli)
    data = json.loads(ok(cli("report", "--month", "2025-07", "--format", "json", SETUP)).stdout)
    assert [(h["client_id"], h["state"]) for h in data["handovers"]] == [
        (2, "not-started"), (4, "not-started"), (3, "consented")]
    assert [(f["rule"], f["client_id"]) for f in data["findings"] if f["rule"].startswith("handover")] == [
        ("handover-late", 2), ("handover-late", 3), ("handover-late", 4), ("handover-reduction-risk", 2),
        ("handover-reduction-risk", 3), ("handover-consent-missing", 4), ("handover-reduction-risk", 4)]
