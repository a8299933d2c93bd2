"""The month's reads go through an index (EXPLAIN QUERY PLAN), never a scan of every contact.

The key lines of each plan are pinned here, so that a schema or query change that loses the index fails a
test instead of a national-scale `report` (SPEC §9).
"""

from datetime import date

import pytest

from teikan_cli.dates import Month
from teikan_cli.store import open_store

AS_OF = "--as-of=2025-06-30"


@pytest.fixture
def store(cli, db_path):
    assert cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", AS_OF).exit_code == 0
    for n in range(3):
        assert cli("add-client", f"見本 {n}", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                   AS_OF).exit_code == 0
        assert cli("log-visit", str(n + 1), "--date", "2025-06-02", "--type", "face", "--type", "center",
                   "--center-reason", "advice", "--concern", "attendance", AS_OF).exit_code == 0
        assert cli("plan", str(n + 1), "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", AS_OF).exit_code == 0
    opened = open_store(db_path, create=False)
    yield opened
    opened.close()


def _plans_of(store, call) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT the call runs, as lists of detail lines."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "INSERT")):
            plans.append([row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)])
    return plans


def test_month_activity_reads_only_the_months_contacts_through_the_covering_index(store):
    plans = _plans_of(store, lambda: store.load_activity(date(2025, 6, 1), date(2025, 6, 30)))
    assert len(plans) == 3
    for lines in plans:
        assert any(line.startswith("SEARCH") and "INDEX contacts_month (date>? AND date<?)" in line
                   for line in lines), lines
        assert not any(line.startswith("SCAN") and "contacts" in line for line in lines), lines


def test_snapshot_reads_use_indexes_for_contacts_and_plans(store):
    plans = _plans_of(store, lambda: store.load_caseload([Month(2025, 6)], date(2025, 6, 30)))
    flat = [line for lines in plans for line in lines]
    assert not any(line.startswith("SCAN") and " contacts" in line for line in flat), flat
    assert any("plans USING COVERING INDEX sqlite_autoindex_plans_1" in line for line in flat), flat
    assert any("shared_reports" in line and "PRIMARY KEY" in line or "shared_reports_month" in line
               for line in flat), flat


def test_the_month_activity_is_right(store):
    activity = store.load_activity(date(2025, 6, 1), date(2025, 6, 30))
    row = activity[(1, Month(2025, 6))]
    assert (row.face, row.employer, row.center, row.concerns) == (1, 0, 1, ("attendance",))
    assert row.center_contacts == ((date(2025, 6, 2), "advice"),)


def test_a_months_shared_reports_are_one_covering_index_range(store):
    plans = _plans_of(store, lambda: store.month_shared(Month(2025, 6), date(2025, 6, 30)))
    assert plans == [["SEARCH shared_reports USING COVERING INDEX shared_reports_month (month=?)"]]
