"""The 個別支援計画 as the regulation runs it, through the CLI (SPEC §11, issue 18): versions, consent,
hand-over, monitoring, and the rules that read them."""

from __future__ import annotations

import json

import pytest

from conftest import database_dump

AS_OF = "--as-of=2025-07-20"


def ok(result, stdout=None):
    assert (result.exit_code, result.stderr) == (0, ""), result
    if stdout is not None:
        assert result.stdout == stdout
    return result


@pytest.fixture
def office(cli):
    ok(cli("init", "--office-name", "テスト事業所", AS_OF))
    ok(cli("add-client", "山田 太郎", "--employment-start", "2024-10-01", "--support-start", "2025-04-01", AS_OF))
    return cli


def plans_of(cli) -> list[dict]:
    return json.loads(ok(cli("show-client", "1", "--format", "json", AS_OF)).stdout)["plans"]


def test_every_option_of_a_version(office):
    r = office("plan", "1", "--date", "2025-04-10", "--consent-date", "2025-04-12", "--delivered-date", "2025-04-15",
               "--delivered-to", "本人", "--long-goal", "働き続ける", "--short-goal", "遅刻をなくす",
               "--item", "生活リズム: 月1回確認", "--item", "相談先を決める", "--next-review", "2025-10-01",
               "--center-cooperation", "助言", AS_OF)
    ok(r, "recorded plan #1 for client #1 山田 太郎 on 2025-04-10\n")
    assert plans_of(office) == [{
        "id": 1, "date": "2025-04-10", "consent_date": "2025-04-12", "delivered_date": "2025-04-15",
        "delivered_to": ["client"], "long_goal": "働き続ける", "short_goal": "遅刻をなくす",
        "items": ["生活リズム: 月1回確認", "相談先を決める"], "next_review": "2025-10-01",
        "center_cooperation": ["advice"], "monitorings": []}]


def test_the_same_date_updates_the_version_and_keeps_what_is_not_given(office):
    ok(office("plan", "1", "--date", "2025-04-10", "--long-goal", "働き続ける", AS_OF))
    ok(office("plan", "1", "--date", "2025-04-10", "--consent-date", "2025-04-12", AS_OF))
    ok(office("plan", "1", "--date", "2025-04-10", "--delivered-date", "2025-04-14", AS_OF))
    [plan] = plans_of(office)
    assert (plan["long_goal"], plan["consent_date"], plan["delivered_date"], plan["delivered_to"]) == (
        "働き続ける", "2025-04-12", "2025-04-14", ["client", "consultation"])  # R6 Q&A 問82: both, by default
    # A review is a new version; the old one stays.
    ok(office("plan", "1", "--date", "2025-07-01", AS_OF))
    assert [p["date"] for p in plans_of(office)] == ["2025-04-10", "2025-07-01"]


@pytest.mark.parametrize("args, message", [
    (["--date", "2025-04-10", "--consent-date", "2025-04-09"],
     "the consent date 2025-04-09 is before the plan's date 2025-04-10: a plan is agreed after it is made"),
    (["--date", "2025-04-10", "--consent-date", "2025-07-21"], "2025-07-21 is after the reference date 2025-07-20"),
    (["--date", "2025-04-10", "--delivered-date", "2025-04-12"],
     "the plan was handed over on 2025-04-12, before (or without) the client's consent: record --consent-date first"),
    (["--date", "2025-04-10", "--consent-date", "2025-04-12", "--delivered-date", "2025-04-11"],
     "the plan was handed over on 2025-04-11, before (or without) the client's consent: record --consent-date first"),
    (["--date", "2025-04-10", "--delivered-to", "家族"], None),
    (["--date", "2025-03-31"], "2025-03-31 is outside the client's service (2025-04-01 – 2028-03-31)"),
    (["--date", "2025-04-10", "--next-review", "2025-04-10"], "the next review 2025-04-10 is not after the plan's date 2025-04-10"),
])
def test_refusals_change_nothing(office, db_path, args, message):
    before = database_dump(db_path)
    r = office("plan", "1", *args, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.count("\n") == 1
    if message:
        assert r.stderr == f"Error: {message}\n"
    else:
        assert "client（本人）" in r.stderr or "client (本人)" in r.stderr
    assert database_dump(db_path) == before


def test_monitoring_of_the_plan_in_force(office, db_path):
    r = office("monitor", "1", "--date", "2025-05-01", AS_OF)
    assert r.exit_code == 2 and "no individual support plan is in force on 2025-05-01" in r.stderr
    ok(office("plan", "1", "--date", "2025-04-10", "--consent-date", "2025-04-12", AS_OF))
    ok(office("plan", "1", "--date", "2025-06-01", AS_OF))  # a draft: the agreed plan stays in force
    ok(office("monitor", "1", "--date", "2025-06-15", "--note", "目標の進み具合を確認", AS_OF),
       "recorded monitoring #1 of plan #1 for client #1 山田 太郎 on 2025-06-15\n")
    assert plans_of(office)[0]["monitorings"] == [{"id": 1, "date": "2025-06-15", "note": "目標の進み具合を確認"}]
    before = database_dump(db_path)
    assert office("monitor", "1", "--date", "2025-07-21", AS_OF).exit_code == 2
    assert database_dump(db_path) == before


def test_a_plan_never_agreed(office):
    ok(office("plan", "1", "--date", "2025-04-10", AS_OF))
    r = office("check", "--month", "2025-06", AS_OF)
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert any(line.startswith("error plan-not-agreed 2025-06 #1 山田 太郎: no individual support plan agreed")
               for line in lines)
    assert "warning plan-missing 2025-07 #1 山田 太郎: no individual support plan agreed by the client yet (due by 2025-05-01)" in lines
    data = json.loads(office("due", "--format", "json", AS_OF).stdout)
    needs = data["staff"][0]["employers"][0]["clients"][0]["needs"]
    assert "plan-consent" in needs and "plan-review" in needs
    # April, the month of support_start, is exempt
    assert "plan-not-agreed" not in office("check", "--month", "2025-04", AS_OF).stdout


def test_an_agreed_plan_not_handed_over(office):
    ok(office("plan", "1", "--date", "2025-04-10", "--consent-date", "2025-07-05", AS_OF))
    assert "plan-not-delivered" not in office("check", "--as-of=2025-07-19").stdout  # the 14th day after
    r = office("check", "--as-of=2025-07-20")  # the 15th
    assert "warning plan-not-delivered 2025-07 #1 山田 太郎: the plan of 2025-04-10, agreed on 2025-07-05, was not " \
           "handed to the client and the 相談支援事業所 by 2025-07-19" in r.stdout.splitlines()
    ok(office("plan", "1", "--date", "2025-04-10", "--delivered-date", "2025-07-20", AS_OF))
    assert "plan-not-delivered" not in office("check", "--as-of=2025-07-20").stdout


def test_show_client_lists_every_version_with_its_dates(office):
    ok(office("plan", "1", "--date", "2025-04-10", "--consent-date", "2025-04-12", "--delivered-date", "2025-04-15",
              "--long-goal", "働き続ける", AS_OF))
    ok(office("plan", "1", "--date", "2025-07-01", AS_OF))
    r = ok(office("show-client", "1", AS_OF, env={"TEIKAN_LANG": "ja"}))
    assert "2025-04-10  2025-04-12  2025-04-15" in r.stdout
    assert "働き続ける" in r.stdout
