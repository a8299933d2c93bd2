"""support-report: the draft 支援レポート (golden files, Japanese and English), its output file, its refusals."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from teikan_cli.dates import Month
from teikan_cli.i18n import set_language
from teikan_cli.models import Client, Contact, Handover, Office, Plan
from teikan_cli.support_report import SECTIONS, build_draft, render_draft
from test_demo import assert_golden, demo_db, demo_template  # noqa: F401 - fixtures shared with the demo tests

AS_OF = "2026-10-15"


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["md", "text"])
def test_support_report_golden(cli, demo_db, lang, fmt):
    r = cli("support-report", "3", "--month", "2026-09", "--format", fmt, "--as-of", AS_OF, env={"TEIKAN_LANG": lang})
    assert (r.exit_code, r.stderr) == (0, "")
    assert_golden(f"support-report-3-2026-09.{lang}.{fmt}", r.stdout)


def test_every_section_of_spec_section_3_in_order(cli, demo_db):
    r = cli("support-report", "仮名 次郎", "--month", "R8.9", "--as-of", AS_OF, env={"TEIKAN_LANG": "ja"})
    headings = [line[3:] for line in r.stdout.splitlines() if line.startswith("## ")]
    assert headings == ["対象月", "利用者氏名", "事業所名", "当月の支援目標", "就労・生活状況のまとめ",
                        "支援実施内容および結果", "今後の支援計画", "作成者"]
    en = cli("support-report", "0000000003", "--month", "2026-09", "--as-of", AS_OF)
    assert [line[3:].split(" (")[0] for line in en.stdout.splitlines() if line.startswith("## ")] == headings
    assert "(to fill in: " in en.stdout and "（記入: " in r.stdout


def test_the_draft_lists_each_contact_of_the_month(cli, demo_db):
    r = cli("support-report", "3", "--month", "2026-09", "--as-of", AS_OF, env={"TEIKAN_LANG": "ja"})
    items = [line for line in r.stdout.splitlines() if line.startswith("### ")]
    assert items == ["### 1. 2026-09-04（金） 対面支援・企業訪問", "### 2. 2026-09-14（月） 電話・メール等",
                     "### 3. 2026-09-18（金） 関係機関との連絡調整", "### 4. 2026-09-25（金） 対面支援",
                     "### 5. 2026-09-29（火） 支援センターの支援"]
    assert "- 場所: 職場 / 60 分 / 担当: 架空 陽介" in r.stdout
    assert "- 気になる兆候: 遅刻・欠勤（3 回）" in r.stdout


def test_wareki_dates(cli, demo_db):
    r = cli("support-report", "3", "--month", "2026-09", "--wareki", "--as-of", AS_OF, env={"TEIKAN_LANG": "ja"})
    assert "2026年9月（令和8年9月）" in r.stdout
    assert "### 1. 2026-09-04（令和8年9月4日・金） 対面支援・企業訪問" in r.stdout


def test_output_file_is_private_and_not_overwritten_without_force(cli, demo_db, tmp_path):
    out = tmp_path / "支援レポート.md"
    r = cli("support-report", "3", "--month", "2026-09", "--as-of", AS_OF, "--output", str(out))
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == f"wrote {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    printed = cli("support-report", "3", "--month", "2026-09", "--as-of", AS_OF).stdout
    assert out.read_text(encoding="utf-8") == printed
    out.write_text("edited by hand\n", encoding="utf-8")
    again = cli("support-report", "3", "--month", "2026-09", "--as-of", AS_OF, "--output", str(out))
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr == f"Error: {out} exists; use --force to overwrite\n"
    assert out.read_text(encoding="utf-8") == "edited by hand\n"
    out.chmod(0o644)
    forced = cli("support-report", "3", "--month", "2026-09", "--as-of", AS_OF, "--output", str(out), "--force")
    assert forced.exit_code == 0 and out.read_text(encoding="utf-8") == printed
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["支援レポート.md", "teikan.db"] +
                                                                 [p.name for p in tmp_path.glob("teikan.db-*")])


@pytest.mark.parametrize("args, message", [
    (["6", "--month", "2026-10"], "Error: client #6 is not active in 2026-10\n"),
    (["3", "--month", "2026-11"], "Error: 2026-11 has not begun on the reference date 2026-10-15\n"),
    (["3", "--month", "2026-09", "--format", "pdf"], "Error: --format: unknown value 'pdf' (choose from md, text, html)\n"),
    (["存在 しない", "--month", "2026-09"],
     "Error: no client '存在 しない' (give an id, a certificate number or the exact name)\n"),
    (["3", "--month", "2026-13"],
     "Error: no such month: '2026-13'\n"),
])
def test_refusals(cli, demo_db, args, message):
    r = cli("support-report", *args, "--as-of", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", message)


def test_a_missing_database_is_named(cli, tmp_path):
    r = cli("--db", str(tmp_path / "none.db"), "support-report", "1", "--month", "2026-09", "--as-of", AS_OF)
    assert r.exit_code == 2 and str(tmp_path / "none.db") in r.stderr
    assert not (tmp_path / "none.db").exists()


# ------------------------------------------------------------------ the pure draft


def _client(**changes) -> Client:
    values = dict(id=7, name="試作 花子", employment_start=date(2024, 1, 4), support_start=date(2024, 7, 4),
                  staff="架空 陽介")
    values.update(changes)
    return Client(**values)


def test_a_month_without_contacts_or_plan_says_so():
    set_language("ja")
    draft = build_draft(Office(), _client(staff=None), Month(2026, 9), [], (), None, None, date(2026, 10, 1),
                        share_command="teikan share-report 7 --month 2026-09")
    text = render_draft(draft, "text")
    assert "【支援実施内容および結果】\n  当月の支援記録はありません\n" in text
    assert "支援の回数: 当月の支援記録はありません" not in text
    assert "この月に本人の同意を得た個別支援計画が記録されていません（作成し、同意日を記録してください）" in text
    assert text.splitlines()[2].startswith("この月の対面支援の記録がありません（この月は請求できません）。")
    assert "（記入: 事業所名（teikan init --office-name で登録できます））" in text
    assert "（記入: 作成した職員の氏名）（作成日 2026-10-01）" in text
    assert [line for line in text.splitlines() if line.startswith("【")] == [f"【{ja}】" for _, ja, _ in SECTIONS]


def test_handover_and_cooperation_appear_in_the_outlook():
    set_language("ja")
    client = _client()  # support ends 2027-07-03, share by 2027-04-03
    plans = (Plan(1, 7, date(2026, 8, 1), ("advice", "group-program"), consent_date=date(2026, 8, 3)),)
    handover = Handover(7, center="架空センター", consent_date=date(2026, 9, 1))
    draft = build_draft(Office(name="見本事業所"), client, Month(2026, 11), [], plans, handover, None, date(2026, 11, 20))
    outlook = dict(draft.sections)["outlook"]
    assert outlook == ("計画に位置付けた支援センターとの連携: 助言、集団プログラム",
                       "引継ぎ: 架空センター（情報共有期限 2027-04-03、同意済み）",
                       "（記入: 来月の支援の内容・頻度・役割分担）")
    assert dict(draft.sections)["goal"][0] == "個別支援計画: 2026-08-01 作成、次回見直し期限 2027-02-01"


def test_notes_cannot_break_the_layout():
    set_language("en")
    contact = Contact(1, 7, date(2026, 9, 3), ("face",), note="line one\nline two\x1b[2J\ttabbed")
    draft = build_draft(Office(name="O"), _client(), Month(2026, 9), [contact], (), None, None, date(2026, 9, 30))
    text = render_draft(draft, "md")
    assert "- what happened: line one line two [2J tabbed" in text
    assert "\x1b" not in text


def test_contacts_after_the_reference_date_are_left_out():
    set_language("en")
    contacts = [Contact(1, 7, date(2026, 9, 3), ("face",)), Contact(2, 7, date(2026, 9, 20), ("remote",))]
    draft = build_draft(Office(name="O"), _client(), Month(2026, 9), contacts, (), None, None, date(2026, 9, 10))
    assert len(dict(draft.sections)["contacts"]) == 1
