"""The regulation's edges SPEC §4 was corrected on (issue 15): the grant and billing, the handover deadline at
month ends, 常勤換算 by hours, the one job change, the handover states, the numbers a person reads — and one
seeded office across a year on which every command agrees."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teikan_cli.dates import share_deadline, support_end, three_months_after

AS_OF = "--as-of=2026-12-10"


def ok(result):
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result
    return result


def data(cli, *args):
    return json.loads(ok(cli(*args, "--format", "json")).stdout)


# ------------------------------------------------------------------ rule 2: the handover deadline


@settings(max_examples=400)
@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)))
def test_a_share_on_the_deadline_leaves_three_months_and_the_day_after_does_not(start):
    end = support_end(start)
    deadline = share_deadline(end)
    assert three_months_after(deadline) <= end  # shared on the deadline: three whole months remain
    assert three_months_after(deadline + timedelta(days=1)) > end  # a day later: they do not
    assert share_deadline(support_end(start + timedelta(days=1))) >= deadline  # a later start, no earlier deadline


@pytest.mark.parametrize("start, deadline", [
    ("2022-07-01", "2025-03-31"),  # support_end 2025-06-30
    ("2024-03-01", "2026-11-30"),  # support_end 2027-02-28
    ("2024-05-01", "2027-01-31"),  # support_end 2027-04-30: the 1st of May, one of the starts SPEC had wrong
    ("2024-12-01", "2027-08-31"),  # support_end 2027-11-30
    ("2024-01-04", "2026-10-03"),  # support_end 2027-01-03
])
def test_the_deadline_through_add_client(cli, start, deadline):
    r = ok(cli("add-client", "見本 一", "--employment-start", "2020-01-06", "--support-start", start, AS_OF))
    assert r.stdout.endswith(f"share handover by {deadline}\n")


# ------------------------------------------------------------------ rule 4: billable needs the grant


@pytest.fixture
def november(cli):
    for args in (
        ("init", "--office-name", "テスト事業所"),
        ("add-client", "見本 一", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--certificate", "0000000002", "--grant-until", "2027-03-31"),
        ("log-visit", "1", "--date", "2026-11-05", "--type", "face"),
        ("log-visit", "1", "--date", "2026-11-25", "--type", "face"),
        ("share-report", "1", "--month", "2026-11", "--date", "2026-11-30"),
    ):
        ok(cli(*args, AS_OF))
    return cli


def test_billable_with_the_grant_carries_the_certificate_and_face_dates(november):
    [row] = data(november, "report", "--month", "2026-11", AS_OF)["clients"]
    assert (row["billable"], row["certificate"], row["face_dates"]) == (True, "0000000002",
                                                                         ["2026-11-05", "2026-11-25"])


@pytest.mark.parametrize("grant, billable", [
    ("2026-10-31", False),  # the case: the grant ended before the month
    ("2026-11-04", False),  # ended the day before the first face contact
    ("2026-11-05", True),  # covers the first face contact
    ("2026-11-24", True),
])
def test_billable_needs_a_face_contact_on_a_day_the_grant_covers(november, grant, billable):
    # SPEC: the grant may not end before the support start, so these are all after 2024-10-01.
    ok(november("edit-client", "1", "--grant-until", grant, AS_OF))
    report = data(november, "report", "--month", "2026-11", AS_OF)
    assert report["clients"][0]["billable"] is billable
    table = ok(november("report", "--month", "2026-11", AS_OF)).stdout
    assert ("billable client-months: 1 / 1" in table) is billable


@pytest.mark.parametrize("grant, said", [("2026-10-31", True), ("2026-11-04", True), ("2026-11-29", True),
                                         ("2026-11-30", False)])
def test_the_month_report_says_why_a_month_after_the_grant_cannot_be_billed(november, grant, said):
    """SPEC §4 rule 8: in service in M after grant_until is an error of M, in M's report and in the check of
    the next month's first ten days, not only on the day the check runs."""
    ok(november("edit-client", "1", "--grant-until", grant, AS_OF))
    report = data(november, "report", "--month", "2026-11", AS_OF)
    assert [f["month"] for f in report["findings"] if f["rule"] == "grant-expired"] == (["2026-11"] if said else [])
    check = data(november, "check", "--as-of=2026-12-05")
    assert ("2026-11" in [f["month"] for f in check["findings"] if f["rule"] == "grant-expired"]) is said


# ------------------------------------------------------------------ rule 2: in service, and 利用者数


def test_a_client_past_support_end_and_never_ended_is_not_in_service(cli):
    ok(cli("init", "--opened", "2022-04-01", AS_OF))
    ok(cli("add-client", "古田 一", "--employment-start", "2021-01-04", "--support-start", "2022-10-01", AS_OF))
    ok(cli("add-client", "新井 二", "--employment-start", "2024-01-04", "--support-start", "2025-09-01", AS_OF))
    # 古田's three years end 2025-09-30: October is outside the service
    assert [c["id"] for c in data(cli, "report", "--month", "2025-09", AS_OF)["clients"]] == [1, 2]
    october = data(cli, "report", "--month", "2025-10", AS_OF)
    assert [c["id"] for c in october["clients"]] == [2]
    assert october["staffing"]["active_in_month"] == 1
    assert "period-exceeded" in ok(cli("check", "--as-of=2025-10-15")).stdout


# ------------------------------------------------------------------ one office, a year of dates


def seeded_office(cli) -> None:
    """Twelve clients with starts spread over three years, contacts most months, some reports shared, each
    handover state, a grant that runs out, a plan in every state: made with the commands themselves."""
    ok(cli("init", "--office-name", "見本事業所", "--opened", "2023-04-01", "--as-of=2023-04-01"))
    ok(cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2023-04-01", "--as-of=2023-04-01"))
    ok(cli("add-staff", "田中", "--role", "manager", "--hours", "40", "--from", "2023-04-01", "--as-of=2023-04-01"))
    starts = ["2023-06-01", "2023-07-15", "2023-10-01", "2023-12-01", "2024-02-29", "2024-05-01", "2024-08-31",
              "2024-11-01", "2025-01-01", "2025-03-01", "2025-06-16", "2025-09-01"]
    for n, start in enumerate(starts, 1):
        grant = ["--grant-until", "2026-08-31"] if n == 4 else []
        ok(cli("add-client", f"利用者 {n}", "--employment-start", "2020-01-06", "--support-start", start,
               "--staff", "佐藤", "--employer", f"会社{n % 3}", *grant, "--as-of=2025-12-31"))
    month = date(2025, 1, 1)
    while month <= date(2026, 12, 1):
        for n in range(1, 13):
            if (n + month.month) % 4:  # most months, not all
                day = month + timedelta(days=(n * 3) % 25)
                kinds = ["--type", "face"] + (["--type", "employer"] if n % 2 else [])
                cli("log-visit", str(n), "--date", day.isoformat(), *kinds, "--as-of=2026-12-31")
            if (n + month.month) % 3:
                cli("share-report", str(n), "--month", month.strftime("%Y-%m"), "--date",
                    (month + timedelta(days=27)).isoformat(), "--as-of=2026-12-31")
        month = (month + timedelta(days=32)).replace(day=1)
    for n, args in ((1, ["--not-needed"]), (2, ["--consent-date", "2026-01-10", "--shared-date", "2026-02-01"]),
                    (3, ["--consent-date", "2026-05-01", "--shared-date", "2026-07-20"]),
                    (4, ["--shared-date", "2026-05-01"]), (5, ["--consent-date", "2026-08-01"])):
        ok(cli("handover", str(n), "--center", "見本センター", *args, "--as-of=2026-12-31"))
    for n in range(1, 13):
        start = starts[n - 1]
        if n % 4 == 0:
            continue  # no plan
        consent = ["--consent-date", start] if n % 4 != 1 else []  # n ≡ 1: a draft never agreed
        delivered = ["--delivered-date", start] if n % 4 == 2 else []
        cli("plan", str(n), "--date", start, *consent, *delivered, "--as-of=2026-12-31")


@pytest.fixture(scope="module")
def year_office(tmp_path_factory):
    import os

    from conftest import run_cli

    path = tmp_path_factory.mktemp("year") / "teikan.db"
    old = os.environ.get("TEIKAN_DB")
    os.environ["TEIKAN_DB"] = str(path)
    try:
        seeded_office(run_cli)
    finally:
        if old is not None:
            os.environ["TEIKAN_DB"] = old
    return path


DAYS = [date(2025, 12, 31) + timedelta(days=15 * k) for k in range(25)]  # a year, every fifteen days


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_every_command_agrees_with_the_others(cli, db_path, year_office, day):
    from conftest import copy_database

    copy_database(year_office, db_path)
    as_of = f"--as-of={day.isoformat()}"
    month = day.strftime("%Y-%m")
    report = data(cli, "report", "--month", month, as_of)
    check = data(cli, "check", "--month", month, as_of)
    handovers = data(cli, "handovers", "--within", "3650", as_of)["handovers"]
    due = data(cli, "due", as_of)
    rows = {c["id"]: c for c in report["clients"]}

    # report and check: the same findings of the month (the report's own reduction risk apart), and of the
    # month before, which is over (its missing duties and plan-not-agreed)
    previous = (date.fromisoformat(month + "-01") - timedelta(days=1)).strftime("%Y-%m")
    for m, r, c in ((month, report, check), (previous, data(cli, "report", "--month", previous, as_of),
                                             data(cli, "check", "--month", previous, as_of))):
        assert sorted((f["rule"], f["client_id"]) for f in r["findings"] if f["rule"] != "handover-reduction-risk") \
            == sorted((f["rule"], f["client_id"]) for f in c["findings"] if f["month"] == m), m
        # a month over is billable exactly when neither billing duty is missing and the grant covered a face day
        if m == previous:
            missing = {f["client_id"] for f in c["findings"]
                       if f["rule"] in ("face-to-face-missing", "support-report-missing")}
            for row in r["clients"]:
                assert row["billable"] == (row["id"] not in missing and bool(row["face_dates"]) and (
                    row["id"] != 4 or min(row["face_dates"]) <= "2026-08-31")), (m, row)
    # the fee estimate counts the billable rows
    table = ok(cli("report", "--month", month, as_of)).stdout
    assert f"billable client-months: {sum(r['billable'] for r in rows.values())} / {len(rows)}" in table
    # handovers: the report's late handovers and the check's handover-late clients are in `handovers`, late
    listed = {h["client_id"]: h for h in handovers}
    for f in check["findings"]:
        if f["rule"] == "handover-late":
            assert listed[f["client_id"]]["days_left"] < 0
            assert listed[f["client_id"]]["state"] not in ("shared", "not-needed")
    for h in report["handovers"]:
        assert listed[h["client_id"]]["state"] == h["state"]
    # every reduction risk of the report is a client whose deadline passed without an on-time share
    for f in report["findings"]:
        if f["rule"] == "handover-reduction-risk":
            assert listed.get(f["client_id"], {"state": "late"})["state"] not in ("shared", "not-needed")
    # due: a client with face-to-face pending or missing needs "face"; with an overdue plan, "plan-review"
    needs = {c["client_id"]: c["needs"] for group in due["staff"] for e in group["employers"] for c in e["clients"]}
    for f in check["findings"]:
        if f["rule"] in ("face-to-face-pending", "face-to-face-missing") and f["month"] == month:
            assert "face" in needs.get(f["client_id"], []), f
        if f["rule"] == "plan-review-overdue":
            assert "plan-review" in needs[f["client_id"]], f
    # show-client: the same findings for its client as check on the same day
    for cid in list(rows)[:3]:
        shown = data(cli, "show-client", str(cid), as_of)
        dated = sorted(f["rule"] for f in shown["findings"] if f["month"] == month)
        checked = sorted(f["rule"] for f in data(cli, "check", as_of)["findings"]
                         if f["client_id"] == cid and f["month"] == month)
        assert dated == checked
        assert shown["client"]["share_deadline"] == next(
            (h["share_deadline"] for h in handovers if h["client_id"] == cid), shown["client"]["share_deadline"])
