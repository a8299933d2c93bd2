"""The rule registry, pure: every rule code at its boundaries (SPEC §4 rules 2–9, §6). No database, no CLI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teikan_cli.dates import Month
from teikan_cli.models import Assignment, Caseload, Client, Handover, MonthActivity, Office, Plan
from teikan_cli.rules import (
    RULE_CODES,
    RULE_SEVERITY,
    RULES,
    Context,
    Settings,
    center_cooperation_findings,
    check_months,
    face_to_face_findings,
    grant_expired_findings,
    grant_findings,
    handover_findings,
    month_phase,
    period_findings,
    plan_findings,
    plan_review_due,
    run_rules,
    sort_findings,
)
from teikan_cli.staffing import compute_staffing

JUNE = Month(2025, 6)  # 30 days
JULY = Month(2025, 7)  # 31 days
COVERED: set[str] = set()  # rule codes some table row below expects


def client(id: int = 1, start: date = date(2025, 4, 1), ended: date | None = None, grant: date | None = None,
           name: str = "山田 太郎") -> Client:
    return Client(id=id, name=name, employment_start=date(2020, 1, 6), support_start=start, ended_on=ended,
                  end_reason="other" if ended else None, grant_until=grant)


def caseload(clients, activity=None, reports=(), plans=None, handovers=None, assignments=()) -> Caseload:
    """A snapshot; without `plans`, each client has a plan agreed and handed over on its first day (so that the
    plan rules stay quiet where a test is about something else)."""
    clients = tuple(clients)
    if plans is None:
        plans = {c.id: (Plan(100 + c.id, c.id, c.support_start, consent_date=c.support_start,
                             delivered_date=c.support_start),) for c in clients}
    return Caseload(office=Office(opened=date(2024, 4, 1)), clients=clients, assignments=tuple(assignments),
                    activity=activity or {}, reports_shared=frozenset(reports), plans=plans,
                    handovers=handovers or {})


def codes(findings) -> list[tuple[str, int | None, str | None]]:
    for f in findings:
        assert f.severity == RULE_SEVERITY[f.rule], f  # severities are those of SPEC §6
    return [(f.rule, f.client_id, f.month) for f in findings]


def expect(*rows):
    COVERED.update(r[0] for r in rows)
    return list(rows)


# ---------------------------------------------------------------- the registry


def test_registry_has_the_codes_and_severities_of_spec_section_6():
    assert RULE_CODES == (
        "face-to-face-pending", "face-to-face-missing", "support-report-pending", "support-report-missing",
        "employer-visit-pending", "employer-visit-missing", "supporter-ratio", "manager-ratio", "dual-role",
        "center-cooperation-unplanned", "handover-due", "handover-consent-missing", "handover-late",
        "period-exceeded", "grant-expiring", "grant-expired", "plan-missing", "plan-review-overdue",
        "plan-not-agreed", "plan-not-delivered", "employment-ended", "handover-reduction-risk",
    )
    errors = {c for c, s in RULE_SEVERITY.items() if s == "error"}
    assert errors == {"face-to-face-missing", "support-report-missing", "supporter-ratio", "manager-ratio",
                      "handover-late", "period-exceeded", "grant-expired", "plan-not-agreed"}
    assert len({r.name for r in RULES}) == len(RULES)
    assert {r.scope for r in RULES} == {"month", "dated", "report"}


# ---------------------------------------------------------------- month phase and --remind-days


@pytest.mark.parametrize("month, as_of, remind, phase", [
    (JUNE, date(2025, 5, 31), 7, None),  # before the month
    (JUNE, date(2025, 6, 1), 7, None),
    (JUNE, date(2025, 6, 23), 7, None),
    (JUNE, date(2025, 6, 24), 7, "reminding"),  # 30-day month: from the 24th
    (JUNE, date(2025, 6, 30), 7, "reminding"),
    (JUNE, date(2025, 7, 1), 7, "over"),
    (JULY, date(2025, 7, 24), 7, None),
    (JULY, date(2025, 7, 25), 7, "reminding"),  # 31-day month: from the 25th
    (Month(2025, 2), date(2025, 2, 21), 7, None),
    (Month(2025, 2), date(2025, 2, 22), 7, "reminding"),  # 28-day month: from the 22nd
    (JUNE, date(2025, 6, 20), 10, None),
    (JUNE, date(2025, 6, 21), 10, "reminding"),
    (JUNE, date(2025, 6, 30), 0, None),  # --remind-days 0: no reminder at all
    (JUNE, date(2025, 6, 1), 30, "reminding"),
    (JUNE, date(2026, 1, 1), 7, "over"),
])
def test_month_phase(month, as_of, remind, phase):
    assert month_phase(month, as_of, remind) == phase


# ---------------------------------------------------------------- face, report, employer (month rules)

FACE = {(1, JUNE): MonthActivity(face=1)}
EMPLOYER = {(1, JUNE): MonthActivity(employer=1)}
REMOTE_ONLY = {(1, JUNE): MonthActivity(remote=2, agency=1)}
ALL_DONE = {(1, JUNE): MonthActivity(face=1, employer=1)}


@pytest.mark.parametrize("as_of, remind, activity, reports, expected", [
    # in progress, before the reminder window: nothing yet
    (date(2025, 6, 23), 7, {}, (), expect()),
    # reminder window (default 7 days: from the 24th of a 30-day month)
    (date(2025, 6, 24), 7, {}, (), expect(("face-to-face-pending", 1, "2025-06"), ("support-report-pending", 1, "2025-06"),
                                          ("employer-visit-pending", 1, "2025-06"))),
    (date(2025, 6, 21), 10, {}, (), [("face-to-face-pending", 1, "2025-06"), ("support-report-pending", 1, "2025-06"),
                                      ("employer-visit-pending", 1, "2025-06")]),
    (date(2025, 6, 28), 7, FACE, (), [("support-report-pending", 1, "2025-06"), ("employer-visit-pending", 1, "2025-06")]),
    (date(2025, 6, 28), 7, ALL_DONE, {(1, JUNE)}, []),
    # the month is over: missing (errors for the billing conditions, a warning for the employer visit)
    (date(2025, 7, 1), 7, {}, (), expect(("face-to-face-missing", 1, "2025-06"), ("support-report-missing", 1, "2025-06"),
                                         ("employer-visit-missing", 1, "2025-06"))),
    (date(2025, 7, 1), 7, REMOTE_ONLY, {(1, JUNE)}, [("face-to-face-missing", 1, "2025-06"),
                                                     ("employer-visit-missing", 1, "2025-06")]),
    (date(2025, 7, 1), 7, EMPLOYER, (), [("face-to-face-missing", 1, "2025-06"), ("support-report-missing", 1, "2025-06")]),
    (date(2025, 7, 1), 7, ALL_DONE, {(1, JUNE)}, []),
    (date(2025, 7, 1), 7, FACE, {(1, Month(2025, 5))}, [("support-report-missing", 1, "2025-06"),
                                                        ("employer-visit-missing", 1, "2025-06")]),
])
def test_monthly_duties(as_of, remind, activity, reports, expected):
    data = caseload([client()], activity=activity, reports=reports)
    findings = run_rules(data, [JUNE], as_of, Settings(remind_days=remind), dated=False)
    # errors first, then the registry order
    assert codes(findings) == sorted(expected, key=lambda r: RULE_SEVERITY[r[0]] != "error")


@pytest.mark.parametrize("start, ended, month, as_of, face_on, expected", [
    # a client starting on the last day of a month is active that month: a face contact is due that very day
    (date(2025, 6, 30), None, JUNE, date(2025, 7, 1), None, [("face-to-face-missing", 1, "2025-06")]),
    (date(2025, 6, 30), None, JUNE, date(2025, 7, 1), date(2025, 6, 30), []),
    (date(2025, 6, 30), None, Month(2025, 5), date(2025, 7, 1), None, []),
    # a client ended on the first day of a month is still active that month (SPEC §4.2)
    (date(2025, 4, 1), date(2025, 6, 1), JUNE, date(2025, 7, 1), None, [("face-to-face-missing", 1, "2025-06")]),
    (date(2025, 4, 1), date(2025, 6, 1), JUNE, date(2025, 7, 1), date(2025, 6, 1), []),
    (date(2025, 4, 1), date(2025, 6, 1), JULY, date(2025, 8, 1), None, []),
    # ended on the last day of the previous month: not active
    (date(2025, 4, 1), date(2025, 5, 31), JUNE, date(2025, 7, 1), None, []),
])
def test_active_in_month_boundaries(start, ended, month, as_of, face_on, expected):
    activity = {(1, Month.of(face_on)): MonthActivity(face=1)} if face_on else {}
    data = caseload([client(start=start, ended=ended)], activity=activity)
    assert codes(face_to_face_findings(Context(data, as_of, Settings(), month))) == expected


def test_pending_message_counts_days_left():
    data = caseload([client()])
    [finding] = face_to_face_findings(Context(data, date(2025, 6, 27), Settings(), JUNE))
    assert finding.message == "no face-to-face contact yet this month (3 days left)"


# ---------------------------------------------------------------- staffing rules


def staffing_case(active: int, assignments: list[Assignment]):
    office = Office(fulltime_hours=40, opened=date(2025, 6, 1))  # a new office: users = this month's count
    data = Caseload(office=office, clients=(), assignments=tuple(assignments))
    staffing = {JUNE: compute_staffing(JUNE, office, assignments, {JUNE: active}, active)}
    return run_rules(data, [JUNE], date(2025, 6, 15), Settings(), staffing, dated=False)


def person(name: str, role: str, hours: float, n: int = 1) -> Assignment:
    return Assignment(id=n, name=name, role=role, hours=hours)


@pytest.mark.parametrize("active, assignments, expected", [
    (40, [person("佐藤", "supporter", 40), person("田中", "manager", 40)], expect()),
    (41, [person("佐藤", "supporter", 40), person("田中", "manager", 40)], expect(("supporter-ratio", None, "2025-06"))),
    (41, [person("佐藤", "supporter", 40), person("鈴木", "supporter", 4), person("田中", "manager", 40)], []),
    (10, [person("佐藤", "supporter", 40)], expect(("manager-ratio", None, "2025-06"))),
    (10, [person("佐藤", "supporter", 40), person("田中", "manager", 20), person("伊藤", "manager", 20)],
     [("manager-ratio", None, "2025-06")]),
    (61, [person("佐藤", "supporter", 40), person("高橋", "supporter", 40), person("田中", "manager", 40)],
     [("manager-ratio", None, "2025-06")]),
    (10, [person("佐藤", "supporter", 40), person("佐藤", "manager", 40, 2)], expect(("dual-role", None, "2025-06"))),
    (0, [], []),  # no user at all: nothing to staff yet
])
def test_staffing_rules(active, assignments, expected):
    assert codes(staffing_case(active, assignments)) == expected


def test_supporter_ratio_message_gives_the_shortfall_in_hours():
    [finding] = staffing_case(41, [person("佐藤", "supporter", 40), person("田中", "manager", 40)])
    assert finding.message == ("support-worker FTE 1.0 is below users 41.0 ÷ 40 = 1.025; "
                               "add 4.0 h/week of supporter time")


# ---------------------------------------------------------------- center cooperation


def center_case(plans, reason="advice", day=date(2025, 6, 10)):
    activity = {(1, JUNE): MonthActivity(center=1, center_contacts=((day, reason),))}
    data = caseload([client()], activity=activity, plans={1: tuple(plans)})
    return codes(center_cooperation_findings(Context(data, date(2025, 6, 15), Settings(), JUNE)))


def plan(day: date, *reasons: str, n: int = 1) -> Plan:
    return Plan(id=n, client_id=1, date=day, center_cooperation=reasons, consent_date=day, delivered_date=day)


@pytest.mark.parametrize("plans, reason, expected", [
    ([plan(date(2025, 5, 1), "advice")], "advice", []),
    ([plan(date(2025, 6, 10), "advice")], "advice", []),  # a plan made the same day counts
    ([plan(date(2025, 5, 1), "advice", "team-support")], "team-support", []),
    ([plan(date(2025, 5, 1), "advice")], "team-support", expect(("center-cooperation-unplanned", 1, "2025-06"))),
    ([], "advice", [("center-cooperation-unplanned", 1, "2025-06")]),
    ([plan(date(2025, 6, 11), "advice")], "advice", [("center-cooperation-unplanned", 1, "2025-06")]),  # plan after
    # the latest plan on or before the contact decides, not an older one
    ([plan(date(2025, 4, 1), "advice"), plan(date(2025, 6, 1), "group-program", n=2)], "advice",
     [("center-cooperation-unplanned", 1, "2025-06")]),
    ([plan(date(2025, 4, 1), "group-program"), plan(date(2025, 6, 1), "advice", n=2)], "advice", []),
])
def test_center_cooperation(plans, reason, expected):
    assert center_case(plans, reason) == expected


def test_center_cooperation_message_lists_the_reasons():
    activity = {(1, JUNE): MonthActivity(center=2, center_contacts=((date(2025, 6, 3), "team-support"),
                                                                   (date(2025, 6, 9), "advice")))}
    data = caseload([client()], activity=activity)
    [finding] = center_cooperation_findings(Context(data, date(2025, 6, 15), Settings(), JUNE))
    assert finding.message == "support-center help (advice, team support) is not in the latest individual support plan"


# ---------------------------------------------------------------- handover (dated)

# support 2022-10-01 → 2025-09-30; share deadline 2025-06-30
HSTART = date(2022, 10, 1)
DEADLINE = date(2025, 6, 30)


def handover_case(as_of, handover=None, within=90, ended=None):
    data = caseload([client(start=HSTART, ended=ended)], handovers={1: handover} if handover else {})
    return codes(handover_findings(Context(data, as_of, Settings(within=within))))


def test_share_deadline_of_the_fixture():
    assert client(start=HSTART).share_deadline == DEADLINE


@pytest.mark.parametrize("as_of, handover, within, expected", [
    (DEADLINE, None, 90, expect(("handover-due", 1, "2025-06"))),  # deadline today
    (DEADLINE + timedelta(days=1), None, 90, expect(("handover-late", 1, "2025-07"))),  # deadline yesterday
    (DEADLINE - timedelta(days=1), None, 90, [("handover-due", 1, "2025-06")]),  # deadline tomorrow
    # --within boundaries
    (DEADLINE - timedelta(days=90), None, 90, [("handover-due", 1, "2025-04")]),
    (DEADLINE - timedelta(days=91), None, 90, []),
    (DEADLINE - timedelta(days=30), None, 30, [("handover-due", 1, "2025-05")]),
    (DEADLINE - timedelta(days=31), None, 30, []),
    (DEADLINE - timedelta(days=1), None, 0, []),
    (DEADLINE, None, 0, [("handover-due", 1, "2025-06")]),
    # --not-needed: nothing at all, even late
    (DEADLINE + timedelta(days=1), Handover(1, not_needed=True), 90, []),
    (DEADLINE, Handover(1, not_needed=True), 90, []),
    # shared in time: nothing
    (DEADLINE + timedelta(days=1), Handover(1, consent_date=date(2025, 5, 1), shared_date=date(2025, 6, 1)), 90, []),
    # consent without sharing is still late
    (DEADLINE + timedelta(days=1), Handover(1, consent_date=date(2025, 5, 1)), 90, [("handover-late", 1, "2025-07")]),
    # a handover recorded without the consent date
    (date(2025, 1, 10), Handover(1, center="○○センター"), 90, expect(("handover-consent-missing", 1, "2025-01"))),
    (DEADLINE, Handover(1, center="○○センター"), 90, [("handover-consent-missing", 1, "2025-06"),
                                                      ("handover-due", 1, "2025-06")]),
    # SPEC §4 rule 7: a share counts only with the consent on or before it
    (DEADLINE, Handover(1, shared_date=date(2025, 6, 1)), 90, [("handover-consent-missing", 1, "2025-06"),
                                                             ("handover-due", 1, "2025-06")]),
    (DEADLINE, Handover(1, consent_date=date(2025, 6, 10), shared_date=date(2025, 6, 1)), 90,
     [("handover-due", 1, "2025-06")]),
    (DEADLINE + timedelta(days=1), Handover(1, shared_date=date(2025, 6, 1)), 90,
     [("handover-consent-missing", 1, "2025-07"), ("handover-late", 1, "2025-07")]),
    # shared late: the error stays through the month of the share, then the report's reduction risk carries it
    (date(2025, 7, 10), Handover(1, consent_date=date(2025, 6, 20), shared_date=date(2025, 7, 5)), 90,
     [("handover-late", 1, "2025-07")]),
    (date(2025, 7, 31), Handover(1, consent_date=date(2025, 6, 20), shared_date=date(2025, 7, 5)), 90,
     [("handover-late", 1, "2025-07")]),
    (date(2025, 8, 1), Handover(1, consent_date=date(2025, 6, 20), shared_date=date(2025, 7, 5)), 90, []),
    # shared on the deadline itself is on time
    (DEADLINE + timedelta(days=1), Handover(1, consent_date=DEADLINE, shared_date=DEADLINE), 90, []),
])
def test_handover(as_of, handover, within, expected):
    assert handover_case(as_of, handover, within) == expected


def test_handover_skips_clients_ended_before_as_of():
    assert handover_case(DEADLINE + timedelta(days=1), ended=DEADLINE) == []
    assert handover_case(DEADLINE + timedelta(days=1), ended=DEADLINE + timedelta(days=1)) == [
        ("handover-late", 1, "2025-07")]


def test_handover_messages():
    data = caseload([client(start=HSTART)])
    [due] = handover_findings(Context(data, DEADLINE - timedelta(days=5)))
    assert due.message == "handover information must be shared by 2025-06-30 (5 days left)"
    [late] = handover_findings(Context(data, DEADLINE + timedelta(days=2)))
    assert late.message == "handover information was due by 2025-06-30 (2 days ago): 支援体制構築未実施減算 risk"


# ---------------------------------------------------------------- period (dated)


@pytest.mark.parametrize("as_of, ended, expected", [
    (date(2025, 3, 31), None, []),  # support 2022-04-01 → 2025-03-31: the last day is still in the period
    (date(2025, 4, 1), None, expect(("period-exceeded", 1, "2025-04"))),
    (date(2025, 4, 1), date(2025, 3, 31), []),  # ended on time
    (date(2025, 4, 2), date(2025, 4, 1), []),  # ended (late) before as_of: history, not a current finding
    (date(2025, 4, 1), date(2025, 4, 1), [("period-exceeded", 1, "2025-04")]),
])
def test_period_exceeded(as_of, ended, expected):
    data = caseload([client(start=date(2022, 4, 1), ended=ended)])
    assert codes(period_findings(Context(data, as_of))) == expected


# ---------------------------------------------------------------- grant


@pytest.mark.parametrize("start, grant, as_of, ended, expected", [
    (date(2025, 4, 1), date(2025, 7, 30), date(2025, 6, 29), None, []),  # 31 days left
    (date(2025, 4, 1), date(2025, 7, 30), date(2025, 6, 30), None, expect(("grant-expiring", 1, "2025-06"))),  # 30
    (date(2025, 4, 1), date(2025, 7, 30), date(2025, 7, 30), None, [("grant-expiring", 1, "2025-07")]),  # last day
    (date(2025, 4, 1), date(2025, 7, 30), date(2025, 7, 31), None, []),  # over: grant-expired says it, by month
    (date(2025, 9, 1), date(2025, 8, 30), date(2025, 7, 31), None, [("grant-expiring", 1, "2025-07")]),  # not started
    (date(2025, 4, 1), date(2025, 8, 30), date(2025, 8, 1), date(2025, 7, 31), []),  # ended before as_of
    (date(2025, 4, 1), None, date(2025, 7, 31), None, []),
])
def test_grant_expiring(start, grant, as_of, ended, expected):
    data = caseload([client(start=start, grant=grant, ended=ended)])
    assert codes(grant_findings(Context(data, as_of))) == expected


@pytest.mark.parametrize("start, grant, month, as_of, ended, expected", [
    # in service after the grant on a day of the month known on as_of (SPEC §4 rule 8)
    (date(2025, 4, 1), date(2025, 7, 30), "2025-07", date(2025, 7, 31), None, expect(("grant-expired", 1, "2025-07"))),
    (date(2025, 4, 1), date(2025, 7, 30), "2025-07", date(2025, 7, 30), None, []),  # the grant's last day
    (date(2025, 4, 1), date(2025, 7, 31), "2025-07", date(2025, 8, 5), None, []),  # ends with the month
    (date(2025, 4, 1), date(2025, 7, 10), "2025-07", date(2025, 8, 5), None, [("grant-expired", 1, "2025-07")]),
    (date(2025, 4, 1), date(2025, 7, 10), "2025-08", date(2025, 8, 1), None, [("grant-expired", 1, "2025-08")]),
    (date(2025, 4, 1), date(2025, 7, 10), "2025-07", date(2025, 8, 5), date(2025, 7, 10), []),  # ended on it
    (date(2025, 4, 1), date(2025, 7, 10), "2025-07", date(2025, 8, 5), date(2025, 7, 11), [
        ("grant-expired", 1, "2025-07")]),  # one day of service after the grant
    (date(2025, 9, 1), date(2025, 9, 30), "2025-08", date(2025, 10, 5), None, []),  # not in service that month
    (date(2025, 4, 1), None, "2025-07", date(2025, 8, 5), None, []),
])
def test_grant_expired_by_month(start, grant, month, as_of, ended, expected):
    data = caseload([client(start=start, grant=grant, ended=ended)])
    assert codes(grant_expired_findings(Context(data, as_of, month=Month.parse_iso(month)))) == expected



def test_grant_expiring_message():
    data = caseload([client(grant=date(2025, 7, 30))])
    [finding] = grant_findings(Context(data, date(2025, 7, 10)))
    assert finding.message == "benefit certificate grant ends 2025-07-30 (20 days left)"


# ---------------------------------------------------------------- plans (dated)


@pytest.mark.parametrize("plan_day, current_until", [
    (date(2025, 1, 15), date(2025, 7, 15)),
    (date(2025, 2, 28), date(2025, 8, 31)),  # the period starts 03-01
    (date(2025, 8, 31), date(2026, 2, 28)),  # starts 09-01 → ends 02-28
    (date(2024, 8, 31), date(2025, 2, 28)),
    (date(2025, 3, 31), date(2025, 9, 30)),
    (date(2023, 8, 31), date(2024, 2, 29)),  # leap year
])
def test_plan_review_due(plan_day, current_until):
    assert plan_review_due(plan_day) == current_until


@pytest.mark.parametrize("start, plans, as_of, expected", [
    # no plan: due 30 days after the support start
    (date(2025, 4, 1), [], date(2025, 4, 30), []),
    (date(2025, 4, 1), [], date(2025, 5, 1), expect(("plan-missing", 1, "2025-05"))),
    (date(2025, 4, 1), [plan(date(2025, 5, 2))], date(2025, 5, 1), [("plan-missing", 1, "2025-05")]),  # not yet made
    (date(2025, 9, 1), [], date(2025, 8, 31), []),  # not started
    # review: exactly six months later (民法)
    (date(2024, 12, 1), [plan(date(2025, 1, 15))], date(2025, 7, 15), []),
    (date(2024, 12, 1), [plan(date(2025, 1, 15))], date(2025, 7, 16), expect(("plan-review-overdue", 1, "2025-07"))),
    (date(2024, 12, 1), [plan(date(2025, 2, 28))], date(2025, 8, 31), []),
    (date(2024, 12, 1), [plan(date(2025, 2, 28))], date(2025, 9, 1), [("plan-review-overdue", 1, "2025-09")]),
    # the latest plan counts
    (date(2024, 12, 1), [plan(date(2025, 1, 15)), plan(date(2025, 7, 1), n=2)], date(2025, 7, 16), []),
])
def test_plans(start, plans, as_of, expected):
    data = caseload([client(start=start)], plans={1: tuple(plans)})
    assert codes(plan_findings(Context(data, as_of))) == expected


def test_plan_messages():
    data = caseload([client(start=date(2024, 12, 1))], plans={1: (plan(date(2025, 1, 15)),)})
    [finding] = plan_findings(Context(data, date(2025, 7, 16)))
    assert finding.message == "individual support plan of 2025-01-15 was due for review by 2025-07-15"
    data = caseload([client(start=date(2025, 4, 1))], plans={})
    [finding] = plan_findings(Context(data, date(2025, 5, 1)))
    assert finding.message == "no individual support plan agreed by the client yet (due by 2025-05-01)"


# ---------------------------------------------------------------- scope and order


@pytest.mark.parametrize("as_of, month, expected", [
    (date(2025, 6, 10), None, [Month(2025, 5), JUNE]),  # up to the 10th: the previous month too
    (date(2025, 6, 11), None, [JUNE]),
    (date(2025, 6, 1), None, [Month(2025, 5), JUNE]),
    (date(2026, 1, 10), None, [Month(2025, 12), Month(2026, 1)]),
    (date(2025, 6, 10), JUNE, [JUNE]),  # --month: only that month
    (date(2025, 6, 10), Month(2025, 3), [Month(2025, 3)]),
])
def test_check_months(as_of, month, expected):
    assert check_months(as_of, month) == expected


def test_previous_month_findings_on_the_10th_not_the_11th():
    data = caseload([client()], activity={(1, JUNE): MonthActivity(face=1, employer=1)})
    on_10th = run_rules(data, check_months(date(2025, 6, 10), None), date(2025, 6, 10), dated=False)
    assert codes(on_10th) == [("face-to-face-missing", 1, "2025-05"), ("support-report-missing", 1, "2025-05"),
                              ("employer-visit-missing", 1, "2025-05")]
    on_11th = run_rules(data, check_months(date(2025, 6, 11), None), date(2025, 6, 11), dated=False)
    assert codes(on_11th) == []


def test_findings_are_sorted_errors_first():
    data = caseload([client(1, grant=date(2025, 7, 20)), client(2, name="佐藤 花子")],
                    activity={(2, JUNE): MonthActivity(face=1)})
    findings = run_rules(data, [JUNE], date(2025, 7, 1))
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert codes(findings)[:3] == [("face-to-face-missing", 1, "2025-06"), ("support-report-missing", 1, "2025-06"),
                                   ("support-report-missing", 2, "2025-06")]
    assert sort_findings(list(reversed(findings))) == findings


def test_dated_findings_carry_the_month_of_as_of():
    data = caseload([client(grant=date(2025, 7, 20))])
    findings = run_rules(data, [Month(2025, 3)], date(2025, 7, 1))
    assert ("grant-expiring", 1, "2025-07") in codes(findings)


# ---------------------------------------------------------------- the plan's consent and hand-over (SPEC §11)


def draft(day: date, n: int = 1) -> Plan:
    return Plan(id=n, client_id=1, date=day)


def agreed(day: date, consent: date, delivered: date | None = None, n: int = 1) -> Plan:
    return Plan(id=n, client_id=1, date=day, consent_date=consent, delivered_date=delivered)


@pytest.mark.parametrize("month, as_of, plans, expected", [
    # the month of support_start (April) is exempt
    (Month(2025, 4), date(2025, 5, 1), [], []),
    # May: said once the month is over, when no plan was agreed by its last day
    (Month(2025, 5), date(2025, 5, 31), [], []),
    (Month(2025, 5), date(2025, 6, 1), [], expect(("plan-not-agreed", 1, "2025-05"))),
    (Month(2025, 5), date(2025, 6, 1), [agreed(date(2025, 5, 20), date(2025, 5, 31))], []),  # the last day
    (Month(2025, 5), date(2025, 6, 1), [agreed(date(2025, 5, 20), date(2025, 6, 1))], [("plan-not-agreed", 1, "2025-05")]),
    (Month(2025, 5), date(2025, 6, 1), [draft(date(2025, 4, 20))], [("plan-not-agreed", 1, "2025-05")]),  # a draft
    # an agreed plan from before keeps later months agreed
    (Month(2025, 9), date(2025, 10, 1), [agreed(date(2025, 4, 20), date(2025, 4, 25))], []),
])
def test_plan_not_agreed(month, as_of, plans, expected):
    data = caseload([client(start=date(2025, 4, 1))], plans={1: tuple(plans)})
    found = [f for f in codes(run_rules(data, [month], as_of, dated=False)) if f[0] == "plan-not-agreed"]
    assert found == expected


@pytest.mark.parametrize("as_of, plans, expected", [
    # consent on 06-01: the 14th day after (06-15) is still in time, the 15th (06-16) warns
    (date(2025, 6, 15), [agreed(date(2025, 5, 25), date(2025, 6, 1))], []),
    (date(2025, 6, 16), [agreed(date(2025, 5, 25), date(2025, 6, 1))], expect(("plan-not-delivered", 1, "2025-06"))),
    (date(2025, 6, 16), [agreed(date(2025, 5, 25), date(2025, 6, 1), date(2025, 6, 16))], []),
    # a consent recorded after --as-of was not known then
    (date(2025, 6, 16), [agreed(date(2025, 5, 25), date(2025, 6, 20))], []),
    # a later draft does not replace the agreed plan in force
    (date(2025, 6, 16), [agreed(date(2025, 5, 25), date(2025, 6, 1)), draft(date(2025, 6, 10), n=2)],
     [("plan-not-delivered", 1, "2025-06")]),
])
def test_plan_not_delivered(as_of, plans, expected):
    from teikan_cli.rules import plan_delivery_findings

    known = [p._replace(consent_date=None) if p.consent_date and p.consent_date > as_of else p for p in plans]
    data = caseload([client(start=date(2025, 4, 1))], plans={1: tuple(known)})
    assert codes(plan_delivery_findings(Context(data, as_of))) == expected


@pytest.mark.parametrize("plans, as_of, expected", [
    # a review drafted but never agreed does not reset the six months
    ([agreed(date(2025, 1, 15), date(2025, 1, 20), date(2025, 1, 25)), draft(date(2025, 7, 10), n=2)],
     date(2025, 7, 16), [("plan-review-overdue", 1, "2025-07")]),
    ([agreed(date(2025, 1, 15), date(2025, 1, 20), date(2025, 1, 25)),
      agreed(date(2025, 7, 10), date(2025, 7, 12), date(2025, 7, 12), n=2)], date(2025, 7, 16), []),
    # only drafts: as if no plan
    ([draft(date(2025, 4, 10))], date(2025, 5, 1), [("plan-missing", 1, "2025-05")]),
    # the plan's own next review, when earlier than six months
    ([Plan(1, 1, date(2025, 4, 10), consent_date=date(2025, 4, 10), delivered_date=date(2025, 4, 10),
           next_review=date(2025, 7, 1))], date(2025, 7, 2), [("plan-review-overdue", 1, "2025-07")]),
])
def test_plan_rules_read_the_agreed_versions(plans, as_of, expected):
    data = caseload([client(start=date(2025, 4, 1))], plans={1: tuple(plans)})
    assert codes(plan_findings(Context(data, as_of))) == expected


# ---------------------------------------------------------------- employment (SPEC §4 rule 10)


def employment_case(as_of, **job):
    from dataclasses import replace

    from teikan_cli.rules import employment_findings

    data = caseload([replace(client(start=date(2024, 10, 1)), **job)])
    return codes(employment_findings(Context(data, as_of)))


@pytest.mark.parametrize("as_of, job, expected", [
    (date(2025, 6, 30), {"employment_end": date(2025, 6, 30)}, []),  # the last day at work has not passed yet
    (date(2025, 7, 1), {"employment_end": date(2025, 6, 30)}, expect(("employment-ended", 1, "2025-07"))),
    (date(2025, 7, 1), {}, []),
    # one job change, re-employed within a month counted as 民法 does: continuous
    (date(2025, 7, 1), {"employment_end": date(2025, 4, 30), "job_change": date(2025, 4, 30),
                        "reemployed": date(2025, 5, 31)}, []),
    # a job change without re-employment ends employment on its last day
    (date(2025, 7, 1), {"job_change": date(2025, 4, 30)}, [("employment-ended", 1, "2025-07")]),
    # past support_end the service is over: period-exceeded speaks, not this rule
    (date(2027, 10, 1), {"employment_end": date(2025, 6, 30)}, []),
])
def test_employment_ended(as_of, job, expected):
    assert employment_case(as_of, **job) == expected


# ---------------------------------------------------------------- handover reduction risk (report only)


def reduction_case(month, as_of, handover=None):
    from teikan_cli.rules import handover_reduction_findings

    data = caseload([client(start=HSTART)], handovers={1: handover} if handover else {})
    return codes(handover_reduction_findings(data, month, as_of))


@pytest.mark.parametrize("month, as_of, handover, expected", [
    # the deadline (06-30) has not passed by the month's end: nothing yet
    (Month(2025, 6), date(2025, 7, 15), None, []),
    (Month(2025, 7), date(2025, 7, 1), None, expect(("handover-reduction-risk", 1, "2025-07"))),
    (Month(2025, 7), date(2025, 7, 15), Handover(1, consent_date=date(2025, 5, 1), shared_date=date(2025, 6, 1)), []),
    (Month(2025, 7), date(2025, 7, 15), Handover(1, not_needed=True), []),
    # shared late in August: July and August carry the risk, September no longer
    (Month(2025, 7), date(2025, 9, 15), Handover(1, consent_date=date(2025, 7, 1), shared_date=date(2025, 8, 10)),
     [("handover-reduction-risk", 1, "2025-07")]),
    (Month(2025, 8), date(2025, 9, 15), Handover(1, consent_date=date(2025, 7, 1), shared_date=date(2025, 8, 10)),
     [("handover-reduction-risk", 1, "2025-08")]),
    (Month(2025, 9), date(2025, 9, 15), Handover(1, consent_date=date(2025, 7, 1), shared_date=date(2025, 8, 10)), []),
])
def test_handover_reduction_risk(month, as_of, handover, expected):
    assert reduction_case(month, as_of, handover) == expected


def test_every_rule_code_has_a_boundary_case():
    # pytest collects (and so evaluates the tables of) this module before running any test
    assert COVERED == set(RULE_CODES)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_plan_review_is_six_months_after_the_day_after(day):
    until = plan_review_due(day)
    assert day < until <= day + timedelta(days=184)
    assert plan_review_due(day) >= plan_review_due(day - timedelta(days=1))
