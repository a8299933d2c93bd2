"""The papers that leave the office, through the CLI on the demo office (SPEC §11, issue 19): share-report with
recipients and method, contacts marked shareable, the printable 支援レポート in two copies, the サービス提供実績
記録票 in every format, files written private; and the month's records printed in a real browser."""

from __future__ import annotations

import json
import os
import re
import stat

import pytest

from conftest import database_dump

AS_OF = "--as-of=2026-10-15"
JA = {"TEIKAN_LANG": "ja"}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from teikan_cli.commands.demo import build_demo_database
    from teikan_cli.demo_data import demo_office, read_demo_json, reference_date

    data = read_demo_json()
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo_database(path, demo_office(data, reference_date(data)))
    return path.read_bytes()


@pytest.fixture
def demo(db_path, demo_file, cli):
    db_path.write_bytes(demo_file)
    db_path.chmod(0o600)
    return cli


def ok(result):
    assert (result.exit_code, result.stderr) == (0, ""), result
    return result


# ------------------------------------------------------------------ share-report and --shareable


def test_share_report_records_recipients_and_method(demo, db_path):
    ok(demo("share-report", "3", "--month", "2026-10", "--date", "2026-10-15", "--to", "本人", "--to", "関係機関",
            "--method", "手渡し", AS_OF))
    conn = __import__("sqlite3").connect(db_path)
    assert conn.execute("SELECT date, method FROM shared_reports WHERE client_id = 3 AND month = '2026-10'"
                        ).fetchone() == ("2026-10-15", "in-person")
    assert conn.execute("SELECT recipient FROM shared_report_recipients WHERE client_id = 3 AND month = '2026-10' "
                        "ORDER BY 1").fetchall() == [("agency",), ("client",)]
    ok(demo("share-report", "3", "--month", "2026-10", AS_OF))  # again: the default, client and employer
    assert conn.execute("SELECT recipient FROM shared_report_recipients WHERE client_id = 3 AND month = '2026-10' "
                        "ORDER BY 1").fetchall() == [("client",), ("employer",)]


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-10", "--date", "2026-09-30"], "2026-09-30 is before 2026-10 began"),
    (["--month", "2026-10", "--to", "家族"], None),
    (["--month", "2026-10", "--method", "fax"], None),
    (["--month", "2026-10", "--date", "2026-10-16"], "2026-10-16 is after the reference date 2026-10-15"),
])
def test_share_report_refusals(demo, db_path, args, message):
    before = database_dump(db_path)
    r = demo("share-report", "3", *args, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "") and r.stderr.count("\n") == 1
    if message:
        assert r.stderr == f"Error: {message}\n"
    assert database_dump(db_path) == before


def test_shareable_contacts_go_to_the_employer_copy_only(demo):
    ok(demo("log-visit", "3", "--date", "2026-10-14", "--type", "対面", "--type", "企業訪問", "--note",
            "作業手順を一緒に確認した", "--shareable", AS_OF))
    ok(demo("log-visit", "3", "--date", "2026-10-15", "--type", "電話", "--concern", "服薬", "--note",
            "薬を飲み忘れたと本人", AS_OF))
    employer = ok(demo("support-report", "3", "--month", "2026-10", "--format", "html", "--copy", "employer",
                       AS_OF, env=JA)).stdout
    client = ok(demo("support-report", "3", "--month", "2026-10", "--format", "html", AS_OF, env=JA)).stdout
    assert "作業手順を一緒に確認した" in employer and "作業手順を一緒に確認した" in client
    assert "薬を飲み忘れたと本人" not in employer and "薬を飲み忘れたと本人" in client
    assert "服薬" not in employer.split("支援実施内容")[1].split("今後の支援計画")[0]
    contact_id = json.loads(demo("visits", "--client", "3", "--month", "2026-10", "--format", "json",
                                 AS_OF).stdout)["contacts"][-2]["id"]
    ok(demo("edit-visit", str(contact_id), "--not-shareable", AS_OF))
    employer = ok(demo("support-report", "3", "--month", "2026-10", "--format", "html", "--copy", "employer",
                       AS_OF, env=JA)).stdout
    assert "作業手順を一緒に確認した" not in employer


# ------------------------------------------------------------------ the 支援レポート page


def test_the_client_copy_has_what_a_page_handed_over_needs(demo):
    html = ok(demo("support-report", "3", "--month", "2026-09", "--format", "html", AS_OF, env=JA)).stdout
    text = re.sub(r"<[^>]+>", " ", html)
    for expected in ("仮名 次郎 様", "ひなた就労定着支援事業所（デモ）", "2026年9月", "確認欄", "今の職場で働き続け、一人暮らしを始める",
                     "遅刻なく出勤し", "サービス管理責任者", "2026-10-05"):
        assert expected in text, expected
    assert not re.search(r"https?:|@import|<script|src=", html)
    employer = ok(demo("support-report", "3", "--month", "2026-09", "--format", "html", "--copy", "employer",
                       AS_OF, env=JA)).stdout
    assert "株式会社サンプル物産 御中" in re.sub(r"<[^>]+>", " ", employer)


def test_a_month_without_face_to_face_says_so_at_the_top(demo):
    html = ok(demo("support-report", "9", "--month", "2026-09", "--format", "html", AS_OF, env=JA)).stdout
    assert "対面支援" in html and "請求できません" in html
    draft = ok(demo("support-report", "9", "--month", "2026-09", "--format", "text", AS_OF, env=JA)).stdout
    assert "この月の対面支援の記録がありません" in draft.splitlines()[2]


def test_the_employer_copy_is_a_printed_page_only(demo):
    r = demo("support-report", "3", "--month", "2026-09", "--copy", "employer", AS_OF)
    assert r.exit_code == 2 and "--format html" in r.stderr


# ------------------------------------------------------------------ the サービス提供実績記録票


def test_service_record_rows_in_every_format(demo):
    data = json.loads(ok(demo("service-record", "3", "--month", "2026-09", "--format", "json", AS_OF)).stdout)
    rows = data["service_record"]
    assert set(rows[0]) == {"client_id", "month", "date", "weekday", "types", "counted", "note"}
    assert sum(r["counted"] for r in rows) == 1
    assert [r for r in rows if r["counted"]][0]["date"] == "2026-09-04"  # the month's first face contact
    csv = ok(demo("service-record", "3", "--month", "2026-09", "--format", "csv", AS_OF)).stdout
    assert csv.splitlines()[0] == "client_id,month,date,weekday,types,counted,note"
    screen = ok(demo("service-record", "3", "--month", "2026-09", AS_OF)).stdout.splitlines()
    assert screen[0] == "Service record 2026-09 — #3 仮名 次郎" and len(screen) == len(rows) + 2
    japanese = ok(demo("service-record", "3", "--month", "2026-09", AS_OF, env=JA)).stdout.splitlines()
    assert japanese[0] == "サービス提供実績記録票 2026年9月 — #3 仮名 次郎"
    assert japanese[2].split()[:2] == ["2026-09-04", "金"]  # the weekday in the reader's words; CSV keeps Fri
    html = ok(demo("service-record", "3", "--month", "2026-09", "--format", "html", AS_OF, env=JA)).stdout
    for expected in ("サービス提供実績記録票", "0000000003", "利用開始日", "2025-08-01", "支援レポート共有日", "2026-10-05",
                     "利用者確認欄", "特別地域加算"):
        assert expected in html, expected


def test_a_counted_day_needs_the_grant(demo):
    ok(demo("edit-client", "3", "--grant-until", "2026-09-10", AS_OF))
    rows = json.loads(ok(demo("service-record", "3", "--month", "2026-09", "--format", "json", AS_OF)).stdout)[
        "service_record"]
    assert [r["date"] for r in rows if r["counted"]] == ["2026-09-04"]
    ok(demo("edit-client", "3", "--grant-until", "2026-09-03", AS_OF))
    rows = json.loads(ok(demo("service-record", "3", "--month", "2026-09", "--format", "json", AS_OF)).stdout)[
        "service_record"]
    assert [r["date"] for r in rows if r["counted"]] == []


def test_all_clients_of_a_month_in_one_private_file(demo, tmp_path):
    out = tmp_path / "実績記録票-2026-09.html"
    ok(demo("service-record", "--month", "2026-09", "--all", "--format", "html", "--output", str(out), AS_OF))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    in_service = len(json.loads(demo("report", "--month", "2026-09", "--format", "json", AS_OF).stdout)["clients"])
    assert out.read_text(encoding="utf-8").count('class="page') == in_service
    r = demo("service-record", "--month", "2026-09", "--all", "--format", "html", "--output", str(out), AS_OF)
    assert r.exit_code == 2 and "--force" in r.stderr
    ok(demo("service-record", "--month", "2026-09", "--all", "--format", "html", "--output", str(out), "--force",
            AS_OF))


@pytest.mark.parametrize("args", [
    ["--month", "2026-09"],  # neither a client nor --all
    ["3", "--month", "2026-09", "--all", "--format", "html"],  # both
    ["--month", "2026-09", "--all"],  # --all is a printable file
    ["3", "--month", "2026-09", "--format", "table", "--output", "x.txt"],
    ["3", "--month", "2026-09", "--format", "pdf"],
    ["8", "--month", "2026-08", "--format", "json"],  # not in service in August
])
def test_service_record_refusals(demo, db_path, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = database_dump(db_path)
    r = demo("service-record", *args, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "") and r.stderr.count("\n") == 1, r
    assert database_dump(db_path) == before and not (tmp_path / "x.txt").exists()


# ------------------------------------------------------------------ in a real browser


def test_a_month_of_records_prints_one_page_per_client(demo, tmp_path):
    from test_documents_browser import find_browser, print_pdf, squeeze

    path = find_browser()
    if path is None or not __import__("shutil").which("pdfinfo"):
        if os.environ.get("TEIKAN_REQUIRE_BROWSER") == "1":
            pytest.fail("TEIKAN_REQUIRE_BROWSER=1 but chromium or poppler is missing")
        pytest.skip("chromium or poppler not installed")
    html = ok(demo("service-record", "--month", "2026-09", "--all", "--format", "html", AS_OF, env=JA)).stdout
    pages, text = print_pdf(path, html, tmp_path)
    in_service = len(json.loads(demo("report", "--month", "2026-09", "--format", "json", AS_OF).stdout)["clients"])
    assert pages == in_service
    assert "サービス提供実績記録票" in squeeze(text) and "仮名次郎" in squeeze(text)
    report = ok(demo("support-report", "3", "--month", "2026-09", "--format", "html", AS_OF, env=JA)).stdout
    pages, text = print_pdf(path, report, tmp_path)
    assert pages == 1 and "確認欄" in squeeze(text) and "支援レポート" in squeeze(text)
