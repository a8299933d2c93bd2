"""`teikan demo` and the example office: built, refused where it must be, rebuilt, and the report it shows
(golden files in tests/golden/; rewrite them with TEIKAN_UPDATE_GOLDEN=1 after a deliberate change)."""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from teikan_cli.dates import Month
from teikan_cli.demo_data import DEMO_NUMBER, busiest_month, demo_office, read_demo_json

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-10-15"
JA = {"TEIKAN_LANG": "ja"}


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TEIKAN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with TEIKAN_UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (TEIKAN_UPDATE_GOLDEN=1 rewrites it)"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    from teikan_cli.commands.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo_database(path, demo_office(read_demo_json()))
    return path.read_bytes()


@pytest.fixture
def demo_db(db_path, demo_template):
    db_path.write_bytes(demo_template)
    return db_path


# ------------------------------------------------------------------ the example office


def test_the_office_is_fictional_and_covers_every_state():
    data = read_demo_json()
    office = demo_office(data)
    assert office.as_of == office.reference == date(2026, 10, 15)
    assert office.office["number"] == DEMO_NUMBER and "デモ" in office.office["name"]
    clients = [c.client for c in office.clients]
    assert 10 <= len(clients) <= 14
    assert all(c.certificate.startswith("00000000") for c in clients)
    assert len(set(office.staff_names)) == 4 and {a.role for a in office.assignments} == {"supporter", "manager"}
    day = office.as_of
    assert any(c.support_start >= date(2026, 9, 1) for c in clients)  # new
    assert any(c.status(day) == "active" and (c.support_end - day).days > 365 for c in clients)  # mid-period
    assert any(c.end_reason == "job-loss" and c.employment_end == c.ended_on for c in clients)
    from teikan_cli.rules import handover_state

    handed_over = [i for i in office.clients if handover_state(i.handover, i.client) == "shared"]
    assert handed_over and handed_over[0].client.ended_on is not None
    assert any(handover_state(i.handover, i.client) == "consented" for i in office.clients)  # due for handover
    assert any(i.handover and i.handover.not_needed for i in office.clients)
    assert any("advice" in p.center_cooperation or "team-support" in p.center_cooperation
               for i in office.clients for p in i.plans)
    assert sum(len(i.reports_shared) for i in office.clients) > 100
    months = {Month.of(c.date) for i in office.clients for c in i.contacts}
    assert len(months) >= 12 and any(c.concerns for i in office.clients for c in i.contacts)


def test_one_employer_has_several_clients():
    office = demo_office(read_demo_json())
    employers = Counter(i.client.employer for i in office.clients if i.client.status(office.as_of) == "active")
    assert employers.most_common(1)[0][1] >= 3


def test_the_featured_client_has_rising_concerns():
    office = demo_office(read_demo_json())
    item = office.clients[office.featured_index("concerns_rising") - 1]
    by_month: dict[str, set] = {}
    for c in item.contacts:
        by_month.setdefault(str(Month.of(c.date)), set()).update(c.concerns)
    assert "attendance" in by_month["2026-09"] and "attendance" in by_month["2026-10"]
    assert len(by_month["2026-10"]) >= 2


def test_busiest_month_is_september_and_an_earlier_date_cuts_the_office():
    assert busiest_month(demo_office(read_demo_json())) == Month(2026, 9)
    earlier = demo_office(read_demo_json(), date(2026, 3, 31))
    assert all(c.date <= date(2026, 3, 31) for i in earlier.clients for c in i.contacts)
    assert all(i.client.support_start <= date(2026, 3, 31) for i in earlier.clients)
    assert all(i.client.ended_on is None for i in earlier.clients)
    assert busiest_month(earlier) <= Month(2026, 3)


# ------------------------------------------------------------------ the command


def test_demo_builds_and_shows_both_severities(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("demo")
    assert r.exit_code == 0 and r.stderr == "", r
    db = tmp_path / "teikan-demo.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".teikan-demo.db.building-*"))
    lines = r.stdout.splitlines()
    assert lines[0] == "Built the demo office ひなた就労定着支援事業所（デモ） in teikan-demo.db."
    assert lines[1].startswith("12 clients, 4 staff, 189 contacts, ")
    assert "Monthly report 2026-09 (as of 2026-10-15)" in r.stdout
    assert any(line.startswith("error face-to-face-missing 2026-09 #9 ") for line in lines)
    assert any(line.startswith("error handover-late ") for line in lines)
    assert any(line.startswith("warning employer-visit-missing 2026-09 ") for line in lines)
    assert "  teikan --db teikan-demo.db support-report 3 --month 2026-09 --as-of 2026-10-15" in lines
    check = json.loads(cli("--db", str(db), "check", "--month", "2026-09", "--as-of", AS_OF, "--format", "json").stdout)
    assert check["counts"]["error"] >= 1 and check["counts"]["warning"] >= 1
    assert {f["rule"] for f in check["findings"]} >= {
        "face-to-face-missing", "support-report-missing", "handover-late", "employer-visit-missing",
        "center-cooperation-unplanned", "handover-due", "plan-missing", "plan-review-overdue", "grant-expiring"}


def test_demo_rebuilds_on_every_run(cli, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("demo", "--path", str(db)).exit_code == 0
    assert cli("--db", str(db), "add-client", "追加 太郎", "--employment-start", "2025-01-06", "--support-start",
               "2025-07-07", "--as-of", AS_OF).exit_code == 0
    assert len(json.loads(cli("--db", str(db), "clients", "--status", "all", "--format", "json").stdout)["clients"]) == 13
    r = cli("demo", "--path", str(db))
    assert r.exit_code == 0, r
    assert len(json.loads(cli("--db", str(db), "clients", "--status", "all", "--format", "json").stdout)["clients"]) == 12


@pytest.mark.parametrize("kind", ["text", "empty", "teikan", "sqlite", "directory"])
def test_demo_refuses_a_file_that_is_not_a_demo_database(cli, tmp_path, kind):
    import sqlite3

    target = tmp_path / "mine.db"
    if kind == "text":
        target.write_text("大事なメモ\n", encoding="utf-8")
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "teikan":
        assert cli("--db", str(target), "init", "--office-name", "本物の事業所", "--office-number", "1312345678").exit_code == 0
    elif kind == "sqlite":
        with sqlite3.connect(target) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        conn.close()
    else:
        target.mkdir()
    before = None if kind == "directory" else target.read_bytes()
    r = cli("demo", "--path", str(target))
    assert r.exit_code == 2 and r.stdout == "", r
    assert r.stderr == f"Error: {target} exists and is not a teikan demo database; left untouched (choose another file with --path)\n"
    if before is not None:
        assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.db"]
    ja = cli("demo", "--path", str(target), env=JA)
    assert ja.stderr == f"エラー: {target} は teikan のデモ用データベースではないため上書きしません（--path で別のファイルを指定してください）\n"


def test_demo_with_an_earlier_reference_date(cli, tmp_path):
    db = tmp_path / "demo.db"
    r = cli("demo", "--path", str(db), "--as-of", "2026-03-31")
    assert r.exit_code == 0, r
    assert "reference date 2026-03-31" in r.stdout and "--as-of 2026-03-31" in r.stdout
    visits = json.loads(cli("--db", str(db), "visits", "--format", "json", "--as-of", "2026-03-31").stdout)["contacts"]
    assert visits and max(v["date"] for v in visits) <= "2026-03-31"


def test_demo_bad_date_is_an_input_error(cli, tmp_path):
    r = cli("demo", "--path", str(tmp_path / "d.db"), "--as-of", "2026-02-30")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: no such day: '2026-02-30'\n")
    assert not (tmp_path / "d.db").exists()


def test_demo_in_japanese_speaks_japanese(cli, tmp_path):
    r = cli("demo", "--path", str(tmp_path / "d.db"), env={"TEIKAN_LANG": None, "LANG": "ja_JP.UTF-8"})
    assert r.exit_code == 0, r
    assert r.stdout.startswith("デモ事業所「ひなた就労定着支援事業所（デモ）」を ") and "利用者 12 人" in r.stdout
    for word in ("月次報告", "対面支援", "企業訪問", "支援レポート", "常勤換算", "サービス管理責任者", "引継ぎ", "次に試すこと"):
        assert word in r.stdout, word


# ------------------------------------------------------------------ the report on the demo office (golden)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_table_golden(cli, demo_db, lang):
    r = cli("report", "--month", "2026-09", "--as-of", AS_OF, env={"TEIKAN_LANG": lang})
    assert (r.exit_code, r.stderr) == (0, "")
    assert_golden(f"report-2026-09.{lang}.txt", r.stdout)


def test_report_wareki_and_wide_tables_are_not_cut(cli, demo_db):
    r = cli("report", "--month", "2026-09", "--as-of", AS_OF, "--wareki", env={"TEIKAN_LANG": "ja", "COLUMNS": "80"})
    assert "2028-07-31 (令和10年7月31日)" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) > 80  # piped: never cut to the terminal width
    assert "…" not in r.stdout


def test_report_csv_for_excel_has_a_bom(cli, demo_db):
    r = cli("report", "--month", "2026-09", "--as-of", AS_OF, "--format", "csv", "--excel")
    assert r.exit_code == 0
    assert r.stdout.startswith("\ufeffid,name,certificate,staff,face,face_dates,employer,remote,agency,center,"
                               "report_shared,billable,concerns,support_end\r\n")
    assert ("\r\n3,仮名 次郎,0000000003,架空 陽介,2,2026-09-04+2026-09-25,1,1,1,1,true,true,attendance,2028-07-31\r\n"
            in r.stdout)
    plain = cli("report", "--month", "2026-09", "--as-of", AS_OF, "--format", "csv")
    assert plain.stdout == r.stdout[1:]


def test_progress_is_silent_off_a_terminal_and_shown_on_one(monkeypatch):
    import io

    from teikan_cli.render import progress

    quiet = io.StringIO()
    with progress(10, "x", delay=0, stream=quiet) as advance:
        advance(5)
    assert quiet.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR")
    shown = Tty()
    with progress(10, "building", delay=0, stream=shown) as advance:
        advance(5)
    assert "building" in shown.getvalue()
    late = Tty()
    with progress(10, "building", delay=60, stream=late) as advance:  # a fast job shows nothing
        advance(10)
    assert late.getvalue() == ""


def test_shell_completion_works(cli):
    def complete(words: str, index: int) -> list[str]:
        env = {"_TEIKAN_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
        r = cli(env=env)
        assert r.exit_code == 0, r
        return r.stdout.split()

    assert complete("teikan support-r", 1) == ["support-report"]
    assert {"--path", "--as-of"} <= set(complete("teikan demo --", 2))
    script = cli(env={"_TEIKAN_COMPLETE": "source_bash"})
    assert "complete -o default -F _teikan_completion teikan" in script.stdout


@pytest.mark.parametrize("columns", [60, 100, 120])
def test_rich_table_on_a_terminal_fits_without_breaking_dates(monkeypatch, demo_db, columns):
    import io
    import re

    from teikan_cli import render
    from teikan_cli.i18n import set_language

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("COLUMNS", str(columns))
    rows = json.loads(run_json("report"))["clients"]
    set_language("ja")
    out = Tty()
    render.print_table(["id", "name", "staff", "face", "employer", "remote", "agency", "center", "report_shared",
                        "billable", "concerns", "support_end"], rows, title="2026-09", out=out)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    if columns >= 100:  # the Japanese report fits from 100 columns; narrower, it is drawn whole and wraps
        assert max(render.width(line.rstrip()) for line in text.splitlines()) <= columns
    for row in rows:
        assert row["support_end"] in text and row["name"] in text
    assert "遅刻・欠勤" in text


def run_json(command: str) -> str:
    from conftest import run_cli

    return run_cli(command, "--month", "2026-09", "--as-of", AS_OF, "--format", "json").stdout
