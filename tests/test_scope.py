"""The scoped run: `check` and `report` load only the clients `rules.finding_scope` leaves in (SPEC §9).

The scope is a bound, not a rule: whatever it leaves out must be a client with nothing to report. These tests
build varied offices (every handover state, grants, plans agreed, drafted, delivered or not, center contacts,
job ends, records dated after `--as-of`) and compare a scoped run with a run over every client, for many
reference dates: the findings, the handover lists and the reduction risks must be identical.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from teikan_cli.dates import Month, share_deadline, support_end
from teikan_cli.engine import evaluate
from teikan_cli.models import Assignment, Client, Contact, Handover, Plan, SharedReport
from teikan_cli.reports import handovers_due
from teikan_cli.rules import (
    Settings,
    check_months,
    finding_scope,
    first_current_plan,
    last_start_due_by,
    report_findings,
)
from teikan_cli.store import open_store

FIRST = date(2023, 1, 1)
LAST = date(2026, 12, 31)
TYPES = ("face", "employer", "remote", "agency", "center")
EDGE_DAYS = (date(2025, 6, 12), date(2026, 2, 28))


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max(0, (last - first).days) + 1))


def build_office(path, seed: int, clients: int = 70):
    """A seeded office written straight through the store: every kind of record, edges included."""
    rng = random.Random(seed)
    store = open_store(path, create=True)
    with store.write():
        store.save_office({"name": "範囲テスト事業所"})
        store.insert_assignment(Assignment(id=0, name="職員 甲", role="manager", hours=40, from_date=FIRST))
        store.insert_assignment(Assignment(id=0, name="職員 乙", role="supporter", hours=rng.choice([8, 40]),
                                           from_date=FIRST))
        for n in range(clients):
            start = _day(rng, FIRST, LAST - timedelta(days=60))
            ended = _day(rng, start, min(support_end(start) + timedelta(days=40), LAST)) if rng.random() < 0.25 else None
            if ended is not None and ended > support_end(start):
                ended = support_end(start)
            grant = rng.choice([None, None, _day(rng, start, LAST)])
            left = rng.choice([None] * 4 + [_day(rng, start, LAST)])
            client_id = store.insert_client(Client(
                id=0, name=f"利用者 {n + 1}", employment_start=start - timedelta(days=200), support_start=start,
                grant_until=grant, staff=rng.choice([None, "職員 乙"]), ended_on=ended, employment_end=left,
                end_reason=None if ended is None else "other"))
            last_day = min(ended or LAST, support_end(start), LAST)
            for _ in range(rng.randrange(0, 30)):
                types = tuple(sorted(rng.sample(TYPES, rng.randrange(1, 3))))
                store.insert_contact(Contact(
                    id=0, client_id=client_id, date=_day(rng, start, last_day), types=types,
                    concerns=tuple(rng.sample(("attendance", "medication"), rng.randrange(0, 2))),
                    center_reason=rng.choice(("advice", "team-support")) if "center" in types else None))
            day = start + timedelta(days=rng.randrange(0, 60))
            while day <= last_day and rng.random() < 0.9:
                consent = rng.choice([None, day, day + timedelta(days=rng.randrange(0, 40))])
                delivered = rng.choice([None, consent + timedelta(days=rng.randrange(0, 30))]) if consent else None
                store.save_plan(Plan(id=0, client_id=client_id, date=day, consent_date=consent,
                                     delivered_date=delivered,
                                     next_review=rng.choice([None, None, day + timedelta(days=rng.randrange(30, 200))]),
                                     center_cooperation=tuple(rng.sample(("advice", "team-support"),
                                                                         rng.randrange(0, 2)))))
                day += timedelta(days=rng.randrange(90, 240))
            month = Month.of(start)
            while month.first <= last_day:
                if rng.random() < 0.8:
                    store.save_shared_report(SharedReport(client_id, str(month), _day(
                        rng, month.first, month.last + timedelta(days=20))))
                month = month.shift(1)
            if rng.random() < 0.5:
                deadline = share_deadline(support_end(start))
                store.save_handover(Handover(
                    client_id, center="センター",
                    consent_date=rng.choice([None, deadline - timedelta(days=rng.randrange(-30, 90))]),
                    shared_date=rng.choice([None, deadline + timedelta(days=rng.randrange(-60, 60))]),
                    not_needed=rng.random() < 0.15))
        _edge_clients(store)
    return store


def _edge_clients(store) -> None:
    """Clients on each bound of `finding_scope` for `EDGE_DAYS`, and one day past it."""
    for day in EDGE_DAYS:
        for within in (0, 90):
            start_by = last_start_due_by(day + timedelta(days=within))
            for start in (start_by, start_by + timedelta(days=1)):
                store.insert_client(Client(id=0, name="期限の境", employment_start=start - timedelta(days=200),
                                           support_start=start))
        for grant in (day + timedelta(days=30), day + timedelta(days=31)):
            store.insert_client(Client(id=0, name="受給者証の境", employment_start=date(2024, 1, 1),
                                       support_start=date(2024, 8, 1), grant_until=grant))
        plan_from = first_current_plan(day)
        for plan in (plan_from, plan_from - timedelta(days=1)):
            client_id = store.insert_client(Client(id=0, name="計画の境", employment_start=date(2024, 1, 1),
                                                   support_start=date(2024, 8, 1)))
            store.save_plan(Plan(id=0, client_id=client_id, date=plan, consent_date=plan, delivered_date=plan))


def _days(rng: random.Random, count: int) -> list[date]:
    """Reference dates: random ones plus month edges (1st, 10th, 11th, the reminder window, month ends)."""
    days = [_day(rng, FIRST, LAST) for _ in range(count)] + list(EDGE_DAYS)
    for month in (Month(2024, 2), Month(2025, 6), Month(2026, 3)):
        days += [month.first, month.first + timedelta(days=9), month.first + timedelta(days=10),
                 month.last - timedelta(days=6), month.last]
    return days


def _compare(store, months, day, settings=Settings(), dated=True):
    full = evaluate(store, months, day, settings, dated=dated)
    scoped = evaluate(store, months, day, settings, dated=dated, scoped=True)
    key = lambda f: (f.rule, f.client_id, f.month, sorted(f.params.items()))  # noqa: E731
    assert [key(f) for f in scoped.findings] == [key(f) for f in full.findings], (months, day)
    assert handovers_due(scoped.caseload, day) == handovers_due(full.caseload, day), day
    for month in months:
        assert [key(f) for f in report_findings(scoped.caseload, month, day)] == \
            [key(f) for f in report_findings(full.caseload, month, day)], (month, day)
    return len(scoped.caseload.clients), len(full.caseload.clients)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_scoped_run_finds_exactly_what_a_full_run_finds(tmp_path, seed):
    store = build_office(tmp_path / "office.db", seed)
    rng = random.Random(seed)
    sizes = []
    try:
        for day in _days(rng, 25):
            sizes.append(_compare(store, check_months(day, None), day))
            sizes.append(_compare(store, [Month.of(day).shift(-1)], day, dated=False))
            sizes.append(_compare(store, [Month.of(day)], day, Settings(within=0, remind_days=0)))
    finally:
        store.close()
    assert sum(s for s, _ in sizes) < sum(f for _, f in sizes)  # the scope leaves someone out


def test_the_scope_bounds_are_pure_and_ordered():
    scope = finding_scope([Month(2025, 6)], date(2025, 6, 12), Settings())
    assert scope.since == date(2025, 6, 1) and scope.over_months == ()
    assert scope.duty_months == ()  # neither reminding nor over on the 12th
    assert finding_scope([Month(2025, 5)], date(2025, 6, 1)).over_months == (Month(2025, 5),)
    assert scope.period_by < scope.start_by


def test_a_handover_settled_on_time_leaves_its_client_out_of_the_scope(tmp_path):
    # Near their end most clients have shared on time: nothing about the handover can be said of them, so the
    # scope leaves them out (in the national file, 4,609 → 1,362 clients for a report).
    store = open_store(tmp_path / "office.db", create=True)
    start = date(2023, 8, 1)
    deadline = share_deadline(support_end(start))
    day = deadline + timedelta(days=10)
    cases = {
        "on time": Handover(0, "センター", consent_date=deadline - timedelta(days=20), shared_date=deadline),
        "not needed": Handover(0, None, not_needed=True),
        "late": Handover(0, "センター", consent_date=deadline, shared_date=deadline + timedelta(days=1)),
        "without consent": Handover(0, "センター", shared_date=deadline - timedelta(days=5)),
        "consent after the share": Handover(0, "センター", consent_date=deadline, shared_date=deadline - timedelta(days=1)),
        "shared after as_of": Handover(0, "センター", consent_date=deadline - timedelta(days=20),
                                       shared_date=day + timedelta(days=1)),
        "none": None,
    }
    ids = {}
    with store.write():
        for label, handover in cases.items():
            ids[label] = store.insert_client(Client(id=0, name=label, employment_start=start - timedelta(days=200),
                                                    support_start=start))
            if handover is not None:
                store.save_handover(Handover(ids[label], handover.center, handover.consent_date,
                                             handover.shared_date, handover.not_needed))
    with store.read():
        scoped = set(store.scope_ids(finding_scope([Month.of(day)], day, Settings(), dated=False)))
    assert {label for label, cid in ids.items() if cid in scoped} == {
        "late", "without consent", "consent after the share", "shared after as_of", "none"}
    _compare(store, [Month.of(day)], day, dated=False)
    _compare(store, check_months(day, None), day)
    store.close()
