"""The scoped run (issue 7): `check` and `report` load only the clients `rules.finding_scope` leaves in.

The scope is a bound, not a rule: whatever it leaves out must be a client with nothing to report. These tests
build varied offices (every handover state, grants, plans with and without center cooperation, contacts of
every type, records dated after `--as-of`) and compare a scoped run with a run over every client, for many
reference dates: the findings, the handover lists and the report rows must be identical.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from teikan_cli.dates import Month, share_deadline, support_end
from teikan_cli.engine import evaluate
from teikan_cli.models import Assignment, Client, Contact, Handover, Plan
from teikan_cli.commands.reports import REPORT_COLUMNS
from teikan_cli.reports import handover_late_clients, handovers_due, month_columns, month_row, month_rows
from teikan_cli.rules import (
    Settings,
    check_months,
    finding_scope,
    first_current_plan,
    last_start_due_by,
    last_start_ending_before,
    plan_review_due,
    share_deadline_of_start,
)
from teikan_cli.store import open_store

FIRST = date(2023, 1, 1)
LAST = date(2026, 12, 31)
TYPES = ("face", "employer", "remote", "agency", "center")
# Reference dates whose bounds some clients sit exactly on (see `_edge_clients`).
EDGE_DAYS = (date(2025, 6, 12), date(2026, 2, 28))


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


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
            ended = None
            if rng.random() < 0.25:
                ended = _day(rng, start, min(support_end(start) + timedelta(days=40), LAST))
            grant = rng.choice([None, None, _day(rng, start, LAST)])
            client_id = store.insert_client(Client(
                id=0, name=f"利用者 {n + 1}", employment_start=start - timedelta(days=200), support_start=start,
                grant_until=grant, staff=rng.choice([None, "職員 乙"]), ended_on=ended,
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
                store.insert_plan(Plan(id=0, client_id=client_id, date=day,
                                       center_cooperation=tuple(rng.sample(("advice", "team-support"),
                                                                           rng.randrange(0, 2)))))
                day += timedelta(days=rng.randrange(90, 240))
            month = Month.of(start)
            while month.first <= last_day:
                if rng.random() < 0.8:
                    store.save_shared_report(client_id, month, _day(rng, month.first, month.last + timedelta(days=20)))
                month = month.shift(1)
            if rng.random() < 0.5:
                deadline = share_deadline(support_end(start))
                store.save_handover(Handover(
                    client_id, center="センター",
                    consent_date=rng.choice([None, deadline - timedelta(days=rng.randrange(-30, 90))]),
                    shared_date=rng.choice([None, deadline + timedelta(days=rng.randrange(-60, 30))]),
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
            store.insert_plan(Plan(id=0, client_id=client_id, date=plan))


def _days(rng: random.Random, count: int) -> list[date]:
    """Reference dates: random ones plus month edges (1st, 10th, 11th, the reminder window, month ends)."""
    days = [_day(rng, FIRST, LAST) for _ in range(count)] + list(EDGE_DAYS)
    for month in (Month(2024, 2), Month(2025, 6), Month(2026, 3)):
        days += [month.first, month.first + timedelta(days=9), month.first + timedelta(days=10),
                 month.last - timedelta(days=6), month.last]
    return days


def _full_and_scoped(store, months, day, options, dated=True):
    full = evaluate(store, months, day, options, dated=dated)
    scoped = evaluate(store, months, day, options, dated=dated, scoped=True)
    return full, scoped


@pytest.mark.parametrize("seed", range(6))
def test_scoped_check_finds_what_the_full_run_finds(tmp_path, seed):
    store = build_office(tmp_path / "office.db", seed)
    rng = random.Random(seed)
    for day in _days(rng, 20):
        options = Settings(within=rng.choice([0, 30, 90, 400]), remind_days=rng.choice([0, 7, 15]))
        for month in (None, Month.of(day).shift(-rng.randrange(0, 4))):
            months = check_months(day, month)
            full, scoped = _full_and_scoped(store, months, day, options)
            assert scoped.findings == full.findings, (day, months, options)
            assert scoped.staffing == full.staffing
            assert len(scoped.caseload.clients) <= len(full.caseload.clients)


@pytest.mark.parametrize("seed", range(6, 10))
def test_scoped_report_has_the_full_report(tmp_path, seed):
    """The parts of `report --month` that come from the scoped caseload, and the rows read apart."""
    store = build_office(tmp_path / "office.db", seed)
    rng = random.Random(seed)
    for day in _days(rng, 12):
        for month in (Month.of(day), Month.of(day).shift(-1), Month.of(day).shift(-rng.randrange(2, 12))):
            full, scoped = _full_and_scoped(store, [month], day, Settings(), dated=month == Month.of(day))
            assert scoped.findings == full.findings, (day, month)
            assert handovers_due(scoped.caseload, day) == handovers_due(full.caseload, day)
            assert handover_late_clients(scoped.caseload, month, day) == \
                handover_late_clients(full.caseload, month, day)
            whole = store.load_caseload([month], day)
            records = store.load_month_rows(month, day)
            rows = [month_row(*r) for r in records]
            assert rows == month_rows(whole, month), (day, month)
            # The table's columns are the same rows, a column at a time.
            assert month_columns(records) == {c: [r[c] for r in rows] for c in REPORT_COLUMNS}


def test_a_scoped_caseload_is_not_a_client_list(tmp_path):
    store = build_office(tmp_path / "office.db", 3, clients=10)
    scoped = evaluate(store, [Month(2025, 6)], date(2025, 6, 12), scoped=True).caseload
    assert scoped.scoped and not evaluate(store, [Month(2025, 6)], date(2025, 6, 12)).caseload.scoped
    with pytest.raises(ValueError):
        month_rows(scoped, Month(2025, 6))


def test_scope_leaves_out_most_clients_of_a_quiet_month(tmp_path):
    """Mid-month with nothing due, a scoped run reads only the clients near a deadline or without a plan."""
    store = build_office(tmp_path / "office.db", 99, clients=120)
    day = date(2025, 6, 12)
    full, scoped = _full_and_scoped(store, [Month.of(day)], day, Settings())
    assert scoped.findings == full.findings
    assert len(scoped.caseload.clients) < len(full.caseload.clients)


# ---------------------------------------------------------------- the bounds themselves

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))  # dates.FIRST_YEAR–LAST_YEAR


@settings(max_examples=300)
@given(DAYS)
def test_last_start_due_by_is_the_exact_bound(day):
    start = last_start_due_by(day)
    assert share_deadline_of_start(start) <= day < share_deadline_of_start(start + timedelta(days=1))


@settings(max_examples=300)
@given(DAYS, DAYS)
def test_deadline_never_decreases_with_the_start(a, b):
    a, b = min(a, b), max(a, b)
    assert share_deadline_of_start(a) <= share_deadline_of_start(b)
    assert plan_review_due(a) <= plan_review_due(b)


@settings(max_examples=300)
@given(DAYS)
def test_last_start_ending_before_is_the_exact_bound(day):
    start = last_start_ending_before(day)
    assert support_end(start) < day <= support_end(start + timedelta(days=1))


@settings(max_examples=300)
@given(DAYS)
def test_first_current_plan_is_the_exact_bound(day):
    first = first_current_plan(day)
    assert plan_review_due(first) >= day > plan_review_due(first - timedelta(days=1))


@pytest.mark.parametrize("day, start_by, plan_from", [
    # share deadline = support_end − 3 months; support_end = start + 3 years − 1 day (民法 §143).
    (date(2026, 10, 15), date(2024, 1, 16), date(2026, 4, 15)),
    (date(2026, 2, 28), date(2023, 6, 1), date(2025, 8, 28)),  # deadlines of 5/29–6/1 starts clamp to 2/28
    (date(2024, 2, 29), date(2021, 6, 1), date(2023, 8, 29)),
    (date(2025, 5, 31), date(2022, 9, 1), date(2024, 11, 30)),
])
def test_bounds_at_month_ends(day, start_by, plan_from):
    assert last_start_due_by(day) == start_by
    assert first_current_plan(day) == plan_from


def test_scope_widens_with_the_options():
    day = date(2026, 10, 15)
    narrow = finding_scope([Month(2026, 10)], day, Settings(within=0), handover_days=0)
    wide = finding_scope([Month(2026, 10)], day, Settings(within=400))
    assert narrow.start_by < wide.start_by
    assert finding_scope([Month(2026, 10)], day).duty_months == ()  # the 15th: nothing due yet
    assert [m for m, _ in finding_scope([Month(2026, 9)], day).duty_months] == [Month(2026, 9)]
    # The last accepted date (dates.LAST_YEAR) with the widest --within still has a scope.
    assert finding_scope([Month(2199, 12)], date(2199, 12, 31), Settings(within=3650)).start_by > date(2199, 12, 31)


# ---------------------------------------------------------------- each bound of the store, alone


def _marked(store, scope) -> set[int]:
    with store.read():
        store.mark_scope(scope)
        return {row[0] for row in store.conn.execute("SELECT id FROM temp.scope")}


def _scope(as_of: date, **bounds):
    """A scope with every bound closed except those given."""
    from teikan_cli.rules import Scope

    values = dict(as_of=as_of, since=as_of, duty_months=(), span=None, start_by=date(1900, 1, 1), dated=False,
                  grant_by=date(1900, 1, 1), plan_from=date(1900, 1, 1), period_by=date(1900, 1, 1))
    values.update(bounds)
    return Scope(**values)


def test_each_bound_marks_exactly_its_clients(tmp_path):
    day = date(2025, 6, 12)
    store = open_store(tmp_path / "bounds.db", create=True)
    ids = {}
    with store.write():
        def client(key, start=date(2024, 8, 1), plan=day, **fields):
            ids[key] = store.insert_client(Client(id=0, name=key, employment_start=date(2024, 1, 1),
                                                  support_start=start, **fields))
            if plan is not None:
                store.insert_plan(Plan(id=0, client_id=ids[key], date=plan))
            return ids[key]

        client("start-on", start=date(2023, 3, 1))
        client("start-after", start=date(2023, 3, 2))
        # Early starts whose handover says nothing more (not needed, or shared by the deadline and --as-of),
        # and those that still do (shared late, or shared after --as-of). Deadline of a 2023-01-10 start:
        # support_end 2026-01-09, share deadline 2025-10-09.
        early = date(2023, 1, 10)
        for key, shared, not_needed in (("handed-over", date(2025, 6, 1), False), ("not-needed-early", None, True),
                                        ("not-shared", None, False), ("shared-later", date(2025, 6, 13), False)):
            store.save_handover(Handover(client(key, start=early), consent_date=date(2025, 5, 1), shared_date=shared,
                                         not_needed=not_needed))
        # Start 2022-06-01: support_end 2025-05-31, share deadline 2025-02-28, shared two weeks late.
        store.save_handover(Handover(client("shared-after-deadline", start=date(2022, 6, 1)),
                                     consent_date=date(2025, 2, 1), shared_date=date(2025, 3, 15)))
        client("grant-on", grant_until=date(2025, 7, 12))
        client("grant-after", grant_until=date(2025, 7, 13))
        client("plan-on", plan=date(2024, 12, 12))
        client("plan-before", plan=date(2024, 12, 11))
        client("no-plan", plan=None)
        client("not-started", start=date(2025, 6, 13), plan=None)
        client("ended-before", plan=None, ended_on=date(2025, 6, 11), end_reason="other")
        client("ended-on-day", start=date(2023, 3, 1), ended_on=day, end_reason="other")
        for key, consent, not_needed in (("consent-none", None, False), ("consent-later", date(2025, 6, 13), False),
                                         ("consent-known", day, False), ("not-needed", None, True)):
            store.save_handover(Handover(client(key), consent_date=consent, not_needed=not_needed))
        store.insert_contact(Contact(id=0, client_id=ids["start-after"], date=date(2025, 6, 3), types=("center",),
                                     center_reason="advice"))
        store.insert_contact(Contact(id=0, client_id=ids["grant-after"], date=date(2025, 6, 13), types=("center",),
                                     center_reason="advice"))
    names = {v: k for k, v in ids.items()}

    def marked(**bounds):
        return {names[i] for i in _marked(store, _scope(day, **bounds))}

    assert marked() == set()
    assert marked(start_by=date(2023, 3, 1)) == {"start-on", "ended-on-day", "not-shared", "shared-later",
                                                 "shared-after-deadline"}
    # The period rule keeps every start whose three years are over, whatever the handover.
    assert marked(period_by=date(2023, 1, 10), dated=True) == {
        "handed-over", "not-needed-early", "not-shared", "shared-later", "shared-after-deadline", "no-plan",
        "consent-none", "consent-later"}
    assert marked(dated=True, grant_by=date(2025, 7, 12), plan_from=date(1900, 1, 1)) >= {"grant-on"}
    assert "grant-after" not in marked(dated=True, grant_by=date(2025, 7, 12))
    assert marked(dated=True, plan_from=date(2024, 12, 12)) == {"plan-before", "no-plan", "consent-none",
                                                                "consent-later"}
    assert marked(dated=True, plan_from=date(1900, 1, 1)) == {"no-plan", "consent-none", "consent-later"}
    assert marked(span=(date(2025, 6, 1), date(2025, 6, 12))) == {"start-after"}
    # Duties of May 2025, over on June 12: everyone active in May has done none of them; a client who ended
    # on June 11 is in (the scope's `since` is May 1), one who starts on June 13 is not.
    may = dict(duty_months=((Month(2025, 5), date(2025, 5, 31)),), since=date(2025, 5, 1))
    assert marked(**may) == set(ids) - {"not-started"}
    assert marked(**dict(may, since=day)) == set(ids) - {"not-started", "ended-before"}
    assert marked(**dict(may, since=day + timedelta(days=1))) == set(ids) - {"not-started", "ended-before",
                                                                             "ended-on-day"}
