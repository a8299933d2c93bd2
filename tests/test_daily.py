"""The daily driver's pure core (teikan_cli/daily.py): needs, grouping, urgency, watch patterns."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from teikan_cli.daily import (
    NEEDS,
    build_due,
    build_watch,
    client_activity,
    client_needs,
    concern_timeline,
    due_json,
    due_rows,
    known_staff,
    match_patterns,
    monthly_concerns,
    new_attendance,
    next_plan_due,
    repeated_concern,
    several_concerns,
    watch_json,
    watch_months,
)
from teikan_cli.dates import Month
from teikan_cli.models import CONCERNS, Caseload, Client, Contact, Handover, MonthActivity, Office, Plan

JUNE = Month(2025, 6)
AS_OF = date(2025, 6, 20)
DONE = MonthActivity(face=1, employer=1)


def agreed(plan_id: int, client_id: int, day: date) -> Plan:
    """A plan agreed and handed over on the day it was made."""
    return Plan(plan_id, client_id, day, consent_date=day, delivered_date=day)


def client(cid: int, **kw) -> Client:
    base = dict(id=cid, name=f"利用者{cid}", employment_start=date(2024, 4, 1), support_start=date(2024, 10, 1))
    base.update(kw)
    return Client(**base)


def plans_for(*ids: int, day: date = date(2025, 5, 1)) -> dict:
    return {i: (Plan(i, i, day, consent_date=day, delivered_date=day),) for i in ids}


def caseload(clients, activity=None, shared=(), plans=None, handovers=None) -> Caseload:
    return Caseload(office=Office(), clients=tuple(clients), activity=activity or {},
                    reports_shared=frozenset((cid, JUNE) for cid in shared),
                    plans=plans if plans is not None else plans_for(*(c.id for c in clients)),
                    handovers=handovers or {}, months=(JUNE,))


def needs_of(load: Caseload, as_of: date = AS_OF, month: Month = JUNE) -> dict[int, list[str]]:
    return {d.client.id: [n.code for n in d.needs] for d in client_needs(load, month, as_of)}


# ---------------------------------------------------------------- needs


def test_everything_done_means_no_needs():
    load = caseload([client(1)], {(1, JUNE): DONE}, shared=[1])
    assert needs_of(load) == {}
    assert build_due(load, JUNE, AS_OF) == []
    assert due_json([], JUNE, AS_OF) == {"as_of": "2025-06-20", "month": "2025-06", "staff": []}


def test_face_seen_but_employer_not_visited_needs_only_the_employer_visit():
    load = caseload([client(1)], {(1, JUNE): MonthActivity(face=1)}, shared=[1])
    assert needs_of(load) == {1: ["employer"]}


def test_monthly_needs_ignore_the_remind_window_and_the_month_being_over_or_to_come():
    load = caseload([client(1)])
    expected = {1: ["face", "employer", "report"]}
    assert needs_of(load, date(2025, 6, 1)) == expected  # first day: check says nothing yet
    assert needs_of(load, date(2025, 7, 15)) == expected  # month over: still open
    assert needs_of(load, date(2025, 5, 20)) == expected  # month still to come


def test_monthly_needs_only_for_clients_active_in_the_month():
    later = client(2, support_start=date(2025, 7, 1))
    ended = client(3, ended_on=date(2025, 5, 31), end_reason="other")
    assert needs_of(caseload([later, ended])) == {}


def test_monthly_deadline_is_the_last_day_of_the_month():
    (due,) = client_needs(caseload([client(1)]), JUNE, AS_OF)
    assert {n.deadline for n in due.needs} == {date(2025, 6, 30)}


def test_next_plan_due():
    c = client(1)
    assert next_plan_due(c, (), AS_OF) == date(2024, 10, 31)
    assert next_plan_due(c, (agreed(1, 1, date(2025, 1, 15)),), AS_OF) == date(2025, 7, 15)
    assert next_plan_due(c, (agreed(1, 1, date(2025, 7, 1)),), AS_OF) == date(2024, 10, 31)  # a future plan counts not
    assert next_plan_due(client(2, support_start=date(2025, 7, 1)), (), AS_OF) is None


def test_plan_review_within_30_days_or_overdue():
    done = {(i, JUNE): DONE for i in (1, 2, 3, 4)}
    plans = {1: (agreed(1, 1, date(2025, 1, 20)),),  # current until 2025-07-20: 30 days → due
             2: (agreed(2, 2, date(2025, 1, 21)),),  # until 2025-07-21: 31 days → not yet
             3: (agreed(3, 3, date(2024, 11, 1)),)}  # overdue
    load = caseload([client(i) for i in (1, 2, 3, 4)], done, shared=[1, 2, 3, 4], plans=plans)
    assert needs_of(load) == {1: ["plan-review"], 3: ["plan-review"], 4: ["plan-review"]}  # 4: no plan at all


def test_handover_need_follows_the_handover_rule():
    # support_start 2022-10-01 → support_end 2025-09-30 → share deadline 2025-06-30 (10 days after AS_OF).
    ids = (1, 2, 3, 4, 5)
    clients = [client(i, employment_start=date(2022, 4, 1), support_start=date(2022, 10, 1)) for i in ids]
    handovers = {2: Handover(2, consent_date=date(2025, 5, 1), shared_date=date(2025, 6, 1)),
                 3: Handover(3, not_needed=True),
                 4: Handover(4, consent_date=date(2025, 5, 1))}
    load = caseload(clients, {(i, JUNE): DONE for i in ids}, shared=ids, handovers=handovers)
    assert needs_of(load) == {1: ["handover"], 4: ["handover"], 5: ["handover"]}
    (first, *_rest) = client_needs(load, JUNE, AS_OF)
    assert first.needs[0].deadline == date(2025, 6, 30)


def test_handover_due_exactly_90_days_before():
    c = client(1, employment_start=date(2022, 4, 1), support_start=date(2022, 10, 1))
    april = Month(2025, 4)
    load = Caseload(office=Office(), clients=(c,), activity={(1, april): DONE},
                    reports_shared=frozenset({(1, april)}), plans=plans_for(1, day=date(2025, 3, 1)))
    assert needs_of(load, date(2025, 4, 1), april) == {1: ["handover"]}  # 2025-06-30 − 90 days
    march = Month(2025, 3)
    load = Caseload(office=Office(), clients=(c,), activity={(1, march): DONE},
                    reports_shared=frozenset({(1, march)}), plans=plans_for(1, day=date(2025, 3, 1)))
    assert needs_of(load, date(2025, 3, 31), march) == {}


def test_grant_need_within_30_days_or_expired():
    clients = [client(1, grant_until=date(2025, 7, 20)), client(2, grant_until=date(2025, 7, 21)),
               client(3, grant_until=date(2025, 6, 1)), client(4)]
    load = caseload(clients, {(i, JUNE): DONE for i in (1, 2, 3, 4)}, shared=[1, 2, 3, 4])
    assert needs_of(load) == {1: ["grant"], 3: ["grant"]}


def test_needs_keep_the_documented_order():
    c = client(1, employment_start=date(2022, 4, 1), support_start=date(2022, 10, 1), grant_until=date(2025, 6, 25))
    # an agreed plan never handed over and due for review, then a new version still a draft
    load = caseload([c], plans={1: (Plan(1, 1, date(2024, 10, 1), consent_date=date(2024, 10, 5)),
                                    Plan(2, 1, date(2025, 6, 1)))})
    assert needs_of(load) == {1: list(NEEDS)}


# ---------------------------------------------------------------- grouping and urgency


def test_one_employer_group_holds_every_client_employed_there():
    clients = [client(i, employer="丸山製作所", staff="佐藤") for i in (1, 2, 3)]
    load = caseload(clients, {(1, JUNE): MonthActivity(face=1)})
    (group,) = build_due(load, JUNE, AS_OF)
    assert group.staff == "佐藤"
    (employer,) = group.employers
    assert employer.employer == "丸山製作所"
    assert [d.client.id for d in employer.clients] == [1, 2, 3]


def test_staff_groups_by_name_unassigned_last_and_staff_filter():
    clients = [client(1, staff="田中"), client(2), client(3, staff="佐藤"), client(4, staff="田中", employer="B社")]
    load = caseload(clients)
    groups = build_due(load, JUNE, AS_OF)
    assert [g.staff for g in groups] == sorted(["田中", "佐藤"]) + [None]
    only = build_due(load, JUNE, AS_OF, "田中")
    assert [g.staff for g in only] == ["田中"]
    assert [[d.client.id for d in e.clients] for e in only[0].employers] == [[4], [1]]  # same deadline: named first
    assert build_due(load, JUNE, AS_OF, "鈴木") == []


def test_most_urgent_first():
    clients = [client(1, employer="A社", staff="佐藤"),
               client(2, employer="B社", staff="佐藤", grant_until=date(2025, 6, 22)),
               client(3, employer="A社", staff="佐藤", grant_until=date(2025, 6, 25))]
    load = caseload(clients)
    (group,) = build_due(load, JUNE, AS_OF)
    assert [(e.employer, [d.client.id for d in e.clients]) for e in group.employers] == [
        ("B社", [2]), ("A社", [3, 1])]
    rows = due_rows([group], AS_OF)
    assert [(r["client_id"], r["deadline"], r["days_left"]) for r in rows] == [
        (2, "2025-06-22", 2), (3, "2025-06-25", 5), (1, "2025-06-30", 10)]


def test_due_json_keys():
    load = caseload([client(1, employer="A社")], {(1, JUNE): MonthActivity(face=1)}, shared=[1])
    data = due_json(build_due(load, JUNE, AS_OF), JUNE, AS_OF)
    assert data == {"as_of": "2025-06-20", "month": "2025-06", "staff": [
        {"staff": None, "employers": [{"employer": "A社", "clients": [
            {"client_id": 1, "name": "利用者1", "needs": ["employer"]}]}]}]}


def test_known_staff():
    load = caseload([client(1, staff="佐藤"), client(2)])
    assert known_staff(load, ["田中"]) == {"佐藤", "田中"}


@given(st.lists(st.tuples(st.sampled_from([None, "佐藤", "田中"]), st.sampled_from([None, "A社", "B社"]),
                          st.booleans(), st.booleans(), st.booleans()), max_size=12))
def test_every_client_with_needs_appears_once_in_its_groups(spec):
    clients, activity, shared = [], {}, []
    for i, (staff, employer, face, visit, report) in enumerate(spec, start=1):
        clients.append(client(i, staff=staff, employer=employer))
        activity[(i, JUNE)] = MonthActivity(face=int(face), employer=int(visit))
        if report:
            shared.append(i)
    load = caseload(clients, activity, shared)
    groups = build_due(load, JUNE, AS_OF)
    seen = [(g.staff, e.employer, d.client.id) for g in groups for e in g.employers for d in e.clients]
    assert sorted(cid for _s, _e, cid in seen) == sorted(needs_of(load))
    for staff, employer, cid in seen:
        assert (clients[cid - 1].staff, clients[cid - 1].employer) == (staff, employer)
    for d in client_needs(load, JUNE, AS_OF):
        codes = [n.code for n in d.needs]
        assert codes == [n for n in NEEDS if n in codes]


# ---------------------------------------------------------------- watch patterns


M = {k: JUNE.shift(-k) for k in range(6)}


def test_repeated():
    assert repeated_concern({M[0]: ("medication",), M[1]: ("medication", "other")}, JUNE)
    assert not repeated_concern({M[0]: ("medication",), M[1]: ("other",)}, JUNE)
    assert not repeated_concern({M[0]: ("medication",), M[2]: ("medication",)}, JUNE)


def test_several():
    assert several_concerns({M[0]: ("appearance", "communication")}, JUNE)
    assert not several_concerns({M[0]: ("appearance",), M[1]: ("communication",)}, JUNE)


def test_new_attendance():
    assert new_attendance({M[0]: ("attendance",)}, JUNE)
    assert new_attendance({M[0]: ("attendance",), M[4]: ("attendance",)}, JUNE)  # four months back: not counted
    for k in (1, 2, 3):
        assert not new_attendance({M[0]: ("attendance",), M[k]: ("attendance",)}, JUNE)
    assert not new_attendance({M[1]: ("attendance",)}, JUNE)


def test_a_single_isolated_concern_is_not_flagged():
    assert match_patterns({M[0]: ("medication",)}, JUNE) == []
    assert match_patterns({M[1]: ("attendance",)}, JUNE) == []
    assert match_patterns({M[2]: ("work-accuracy",), M[0]: ("communication",)}, JUNE) == []


@given(st.integers(0, 5), st.sampled_from([c for c in CONCERNS if c != "attendance"]))
def test_one_non_attendance_concern_in_any_month_is_never_flagged(back, concern):
    assert match_patterns({M[back]: (concern,)}, JUNE) == []


def test_patterns_in_documented_order():
    assert match_patterns({M[0]: ("attendance", "medication"), M[1]: ("medication",)}, JUNE) == [
        "repeated", "several", "new-attendance"]


def test_watch_months():
    shown, loaded = watch_months(JUNE, 3)
    assert [str(m) for m in shown] == ["2025-04", "2025-05", "2025-06"]
    assert [str(m) for m in loaded] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    shown, loaded = watch_months(JUNE, 6)
    assert shown == loaded and len(shown) == 6


def test_concern_timeline():
    activity = {M[0]: MonthActivity(face=1, concerns=("attendance",)), M[1]: MonthActivity(face=1),
                M[3]: MonthActivity(concerns=("appearance", "other"))}
    assert concern_timeline(activity) == {"2025-03": ["appearance", "other"], "2025-06": ["attendance"]}
    assert concern_timeline(activity, [M[0], M[1], M[2]]) == {"2025-04": [], "2025-05": [], "2025-06": ["attendance"]}
    assert concern_timeline({}) == {}


def test_concern_timeline_from_loaded_contacts():
    contacts = [Contact(1, 1, date(2025, 5, 2), ("face",), concerns=("medication",)),
                Contact(2, 1, date(2025, 5, 20), ("remote",), concerns=("other", "attendance")),
                Contact(3, 1, date(2025, 6, 1), ("face",))]
    assert concern_timeline(monthly_concerns(contacts)) == {"2025-05": ["attendance", "medication", "other"]}


def test_client_activity():
    act = MonthActivity(face=1)
    assert client_activity({(1, M[0]): act, (2, M[0]): DONE}, 1) == {M[0]: act}


def test_build_watch_only_active_clients_most_patterns_first():
    clients = [client(1), client(2), client(3, ended_on=date(2025, 5, 31), end_reason="other"), client(4)]
    activity = {(1, M[0]): MonthActivity(concerns=("medication",)), (1, M[1]): MonthActivity(concerns=("medication",)),
                (2, M[0]): MonthActivity(concerns=("attendance", "medication")),
                (3, M[1]): MonthActivity(concerns=("attendance", "medication")),
                (4, M[2]): MonthActivity(concerns=("other",))}
    watched = build_watch(caseload(clients, activity), AS_OF)
    assert watch_json(watched, AS_OF) == {"as_of": "2025-06-20", "clients": [
        {"client_id": 2, "name": "利用者2", "patterns": ["several", "new-attendance"],
         "concerns": {"2025-04": [], "2025-05": [], "2025-06": ["attendance", "medication"]}},
        {"client_id": 1, "name": "利用者1", "patterns": ["repeated"],
         "concerns": {"2025-04": [], "2025-05": ["medication"], "2025-06": ["medication"]}},
    ]}
    assert [w.client.id for w in build_watch(caseload(clients, activity), AS_OF, 1)] == [2, 1]
    assert build_watch(caseload(clients, activity), AS_OF, 1)[0].concerns == {"2025-06": ["attendance", "medication"]}
