"""The printed documents (teikan_cli/documents): content, escaping, no external reference, golden HTML.

A fictional demo-like office with three clients in 2026-09: 仮名 次郎 (face contacts, shareable and unshared
notes with warning signs, report shared), 見本 さくら (no face contact, no agreed plan, report not shared) and
架空 太一 (a busy month). Rewrite the golden files with TEIKAN_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from teikan_cli.dates import Month
from teikan_cli.documents.html import Markup, el, text
from teikan_cli.documents.inputs import (ClientInfo, OfficeInfo, PlanGoals, ReportContact, ServiceDay,
                                         ServiceRecordPage, ShareRecord, SupportReportPage)
from teikan_cli.documents.service_record import ROW_FIELDS, service_record_html, service_record_rows
from teikan_cli.documents.support_report import support_report_html

GOLDEN = Path(__file__).parent / "golden" / "documents"
MONTH = Month(2026, 9)
OFFICE = OfficeInfo(name="ひなた就労定着支援事業所（デモ）", number="0000000000",
                    address="東京都架空区見本町1-2-3 見本ビル2階", phone="03-0000-0000")

JIRO = ClientInfo(name="仮名 次郎", kana="カメイ ジロウ", employer="株式会社サンプル物産", certificate="0000000011",
                  support_start=date(2025, 8, 1), support_end=date(2028, 7, 31))
SAKURA = ClientInfo(name="見本 さくら", kana="ミホン サクラ", employer="有限会社テスト商会", certificate="0000000022",
                    support_start=date(2026, 1, 15), support_end=date(2029, 1, 14))
TAICHI = ClientInfo(name="架空 太一", kana="カクウ タイチ", employer="サンプル運輸株式会社", certificate="0000000033",
                    support_start=date(2024, 10, 1), support_end=date(2027, 9, 30))

# Shareable: the 09-04 workplace meeting and the 09-29 center contact. Unshared: the rest (health notes).
SHARED_NOTE = "今週2回の遅刻。寝つきが悪いと本人。上司と出勤時刻の配慮を相談"
UNSHARED_NOTES = ("本人から欠勤の連絡。体調不良とのこと", "主治医と情報共有（本人同意済み）。睡眠の状態を伝えた",
                  "自宅訪問。朝起きられない日が続いている。生活記録表を提案")
JIRO_CONTACTS = (
    ReportContact(date(2026, 9, 4), ("face", "employer"), place="workplace", minutes=60, staff="架空 陽介",
                  concerns=("attendance",), note=SHARED_NOTE, shareable=True),
    ReportContact(date(2026, 9, 14), ("remote",), minutes=10, staff="架空 陽介", concerns=("attendance",),
                  note=UNSHARED_NOTES[0]),
    ReportContact(date(2026, 9, 18), ("agency",), minutes=30, staff="架空 陽介", concerns=("medication",),
                  note=UNSHARED_NOTES[1]),
    ReportContact(date(2026, 9, 25), ("face",), place="home", minutes=60, staff="架空 陽介",
                  concerns=("attendance",), note=UNSHARED_NOTES[2]),
    ReportContact(date(2026, 9, 29), ("center",), minutes=30, staff="架空 陽介", center_reason="advice",
                  note="センターに生活リズムの支援について助言を依頼", shareable=True),
)
JIRO_GOALS = PlanGoals(made_on=date(2026, 7, 10), long_goal="働き続けながら生活リズムを整え、体調を安定させる",
                       short_goal="毎朝7時に起き、週5日の出勤を続ける",
                       items=("生活記録表で睡眠を振り返る（月2回、担当と面談）", "上司と出勤時刻の配慮を相談する（3か月）"))


def jiro_report(copy: str = "client") -> SupportReportPage:
    return SupportReportPage(copy=copy, month=MONTH, office=OFFICE, client=JIRO, made_on=date(2026, 10, 3),
                             author="架空 陽介", managers=("架空 花子",), goals=JIRO_GOALS, contacts=JIRO_CONTACTS,
                             shared=ShareRecord(date(2026, 10, 5), ("client", "employer"), "paper"))


def sakura_report(copy: str = "client") -> SupportReportPage:
    """No face contact, no agreed plan, not shared yet, office without address or phone."""
    return SupportReportPage(
        copy=copy, month=MONTH, office=replace(OFFICE, address=None, phone=None), client=SAKURA,
        made_on=date(2026, 10, 3), author=None, managers=("架空 花子", "見本 一郎"),
        contacts=(ReportContact(date(2026, 9, 10), ("remote",), minutes=15, staff="見本 一郎",
                                note="電話で近況確認。仕事は順調とのこと"),
                  ReportContact(date(2026, 9, 17), ("employer",), place="workplace", minutes=40, staff="見本 一郎",
                                note="上司から勤務状況の聞き取り", shareable=True)))


def record_pages() -> list[ServiceRecordPage]:
    """The month's record for `--all`: a counted face day for 次郎 and 太一, none for さくら (no face contact)."""
    jiro = ServiceRecordPage(
        client_id=3, month=MONTH, office=OFFICE, client=JIRO, report_shared_on=date(2026, 10, 5),
        days=(ServiceDay(date(2026, 9, 4), ("face", "employer"), counted=True),
              ServiceDay(date(2026, 9, 14), ("remote",)), ServiceDay(date(2026, 9, 18), ("agency",)),
              ServiceDay(date(2026, 9, 25), ("face",)),
              ServiceDay(date(2026, 9, 29), ("center",), note="支援センター連携（助言）")))
    sakura = ServiceRecordPage(
        client_id=5, month=MONTH, office=OFFICE, client=SAKURA,
        days=(ServiceDay(date(2026, 9, 10), ("remote",)), ServiceDay(date(2026, 9, 17), ("employer",))))
    taichi = ServiceRecordPage(
        client_id=7, month=MONTH, office=OFFICE, client=TAICHI, report_shared_on=date(2026, 9, 30),
        days=tuple(ServiceDay(date(2026, 9, d), types, counted=(d == 2))
                   for d, types in ((1, ("remote",)), (2, ("face",)), (7, ("remote",)), (9, ("face", "employer")),
                                    (15, ("agency",)), (16, ("remote",)), (24, ("face",)), (30, ("remote",)))))
    return [jiro, sakura, taichi]


# ------------------------------------------------------------------------------------------ helpers


def visible_text(document: str) -> str:
    """The document's text as a reader sees it (tags dropped, entities decoded, whitespace collapsed)."""
    import html

    body = document.split("<body>", 1)[1]
    body = re.sub(r"</?(?:span|strong|em|small)\b[^>]*>", "", body)  # inline: no gap of its own
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


EXTERNAL = re.compile(r"(?i)https?:|//|@import|<script|\bsrc\s*=|\bhref\s*=|url\(|<link|<img|<iframe|<object")


def assert_standalone(document: str) -> None:
    assert document.startswith("<!DOCTYPE html>\n<html lang=")
    assert "@page { size: A4;" in document
    assert not EXTERNAL.search(document), EXTERNAL.search(document)


def check_golden(name: str, document: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TEIKAN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == document, f"{name} differs (TEIKAN_UPDATE_GOLDEN=1 rewrites it)"


# ------------------------------------------------------------------------------------------ the layer


def test_text_is_escaped_once_with_controls_and_bidi_made_visible():
    assert text("<b>&amp;\"'") == "&lt;b&gt;&amp;amp;&quot;&#x27;"
    assert text("a\x1bb") == 'a<span class="ctl">\\x1b</span>b'
    assert text("x\u202ey") == 'x<span class="ctl">\\u202e</span>y'
    assert text("行1\n行2\t") == '行1\n行2<span class="ctl">\\x09</span>'
    assert text(12) == "12"


def test_the_element_builder_escapes_every_string_and_keeps_its_own_markup():
    inner = el("span", "<i>")
    assert el("td", "a&b", inner, None, ["c", 1], class_="x y") == \
        '<td class="x y">a&amp;b<span>&lt;i&gt;</span>c1</td>'
    assert el("td", colspan=3, hidden=True, title=None) == "<td colspan=\"3\" hidden></td>"
    assert el("td", title='"><script>') == '<td title="&quot;&gt;&lt;script&gt;"></td>'
    assert isinstance(inner, Markup) and not isinstance(text("x") + "y", Markup)


@pytest.mark.parametrize("bad", [{"src": "x"}, {"href": "x"}, {"onclick": "x"}, {"style": "x"}, {"a b": "x"}])
def test_the_element_builder_refuses_attributes_that_load_or_run(bad):
    with pytest.raises(ValueError):
        el("div", **bad)


def test_the_element_builder_refuses_unknown_tags_and_values():
    with pytest.raises(ValueError):
        el("script")
    with pytest.raises(ValueError):
        el("img")
    with pytest.raises(TypeError):
        el("td", date(2026, 9, 1))


# ------------------------------------------------------------------------------------------ 支援レポート


def test_client_copy_has_the_reports_facts_and_sections():
    html = support_report_html(jiro_report(), "ja")
    assert_standalone(html)
    page = visible_text(html)
    for expected in ("支援レポート", "本人用", "仮名 次郎 様", "仮名 次郎（カメイ ジロウ）", "株式会社サンプル物産",
                     "0000000011", "2025-08-01〜2028-07-31", "ひなた就労定着支援事業所（デモ）", "0000000000",
                     "東京都架空区見本町1-2-3 見本ビル2階", "03-0000-0000", "サービス管理責任者 架空 花子",
                     "対象月 2026年9月", "当月の支援目標", "個別支援計画（2026-07-10 作成）",
                     "長期目標 働き続けながら生活リズムを整え、体調を安定させる", "生活記録表で睡眠を振り返る",
                     "就労・生活状況のまとめ", "支援実施内容および結果", "今後の支援計画", "作成者 架空 陽介",
                     "作成日 2026-10-03", "共有日 2026-10-05 共有先 本人、企業 共有方法 書面", "確認欄",
                     "ご本人 氏名 日付", "企業ご担当者（株式会社サンプル物産） 氏名 日付",
                     "2026-09-04（金） 対面支援・企業訪問 職場 60分 架空 陽介", "支援センター連携: 助言"):
        assert expected in page, expected
    for note in (SHARED_NOTE, *UNSHARED_NOTES):
        assert note in page
    assert page.count("気になる兆候: 遅刻・欠勤") == 3 and "気になる兆候: 服薬" in page
    assert "請求できません" not in page and "企業用" not in page
    assert page.index("就労・生活状況のまとめ") < page.index("支援実施内容および結果") < page.index("今後の支援計画")
    assert html.count('<div class="ruled">') == 2  # the summary and the outlook: written by hand
    assert not re.search("[A-Za-z]{3,}", page), "no English in a Japanese document"


def test_employer_copy_leaves_out_unshared_notes_and_warning_signs():
    html = support_report_html(jiro_report("employer"), "ja")
    assert_standalone(html)
    page = visible_text(html)
    assert "株式会社サンプル物産 御中" in page and "仮名 次郎 様" not in page and "企業用" in page
    assert "気になる兆候と、事業所が共有すると決めていない記録の内容は載せていません" in page
    for note in UNSHARED_NOTES:
        assert note not in page
    assert "服薬" not in page
    assert SHARED_NOTE in page and "センターに生活リズムの支援について助言を依頼" in page
    assert page.count("気になる兆候: 遅刻・欠勤") == 1  # the shareable 09-04 contact only
    assert page.count("（非共有）") == 3
    # The contacts themselves (date, kind, staff) are not health information: all five are listed.
    for day in ("2026-09-04（金）", "2026-09-14（月）", "2026-09-18（金）", "2026-09-25（金）", "2026-09-29（火）"):
        assert day in page
    assert "ご本人 氏名 日付" in page and "企業ご担当者" in page


def test_a_month_without_face_contact_says_so_at_the_top_and_no_plan_is_said():
    html = support_report_html(sakura_report(), "ja")
    page = visible_text(html)
    assert page.index("対面支援がない月: 請求できません") < page.index("対象月")
    assert "当月時点で合意済みの個別支援計画が記録されていません。" in page
    assert "未記録（共有したときに記入してください）" in page and "□本人 □企業 □関係機関" in page
    assert "サービス管理責任者 架空 花子、見本 一郎" in page
    assert '<span class="label"><span>所在地</span></span> <span class="blank"></span>' in html  # a line to fill


def test_english_mode_glosses_the_japanese_headings():
    page = visible_text(support_report_html(jiro_report(), "en"))
    for expected in ("支援レポート Monthly support report", "client's copy", "対象月 Month 2026-09",
                     "利用者氏名 Client", "事業所名 Office", "当月の支援目標 This month's goals",
                     "就労・生活状況のまとめ Work and daily life this month",
                     "支援実施内容および結果 Support given and its results", "今後の支援計画 Support planned from here",
                     "作成者 Written by", "確認欄 Confirmation", "2026-09-04 (Fri) face, employer", "60 min",
                     "共有日 Shared on 2026-10-05 共有先 Shared with client, employer 共有方法 How on paper"):
        assert expected in page, expected
    no_face = visible_text(support_report_html(sakura_report(), "en"))
    assert "対面支援がない月: 請求できません — no face-to-face contact" in no_face


def test_wareki_shows_the_era_next_to_dates_without_doubled_parentheses():
    html = support_report_html(jiro_report(), "ja", wareki=True)
    page = visible_text(html)
    assert "2026年9月（令和8年9月）" in page
    assert "2025-08-01（令和7年8月1日）〜2028-07-31（令和10年7月31日）" in page
    assert "作成日 2026-10-03（令和8年10月3日）" in page
    assert "2026-09-04（金） 令和8年9月4日" in page
    assert "）（" not in page and ")(" not in page and "（（" not in page
    en = visible_text(support_report_html(jiro_report(), "en", wareki=True))
    assert "2026-09 (令和8年9月)" in en and ") (" not in en


def test_hostile_text_is_escaped_and_made_visible():
    hostile = "<script>alert(1)</script> & 株式会社\x1b[2J\u202eevil"
    page = replace(jiro_report("client"),
                   client=replace(JIRO, name="仮名\u202e 次郎", employer="A&B <社>"),
                   contacts=(replace(JIRO_CONTACTS[0], note=hostile, staff="職員\x07"),))
    for copy in ("client", "employer"):
        html = support_report_html(replace(page, copy=copy), "ja")
        assert "<script" not in html
        assert "\x1b" not in html and "\u202e" not in html and "\x07" not in html
        assert "A&amp;B &lt;社&gt;" in html
        if copy == "client":
            assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 株式会社" in html
            assert '<span class="ctl">\\x1b</span>[2J<span class="ctl">\\u202e</span>evil' in html
        assert '仮名<span class="ctl">\\u202e</span> 次郎' in html
        assert_standalone(html)


def test_inputs_that_do_not_fit_together_are_refused():
    with pytest.raises(ValueError):
        replace(jiro_report(), copy="agency")
    with pytest.raises(ValueError):
        replace(jiro_report(), contacts=(replace(JIRO_CONTACTS[0], date=date(2026, 10, 1)),))
    with pytest.raises(ValueError):
        support_report_html(jiro_report(), "fr")


# ------------------------------------------------------------------------------------------ 実績記録票


def test_service_record_rows_have_the_spec_field_names_and_one_counted_day():
    pages = record_pages()
    rows = service_record_rows(pages[0])
    assert [tuple(row) for row in rows] == [ROW_FIELDS] * 5
    assert rows[0] == {"client_id": 3, "month": "2026-09", "date": "2026-09-04", "weekday": "Fri",
                       "types": ("face", "employer"), "counted": 1, "note": ""}
    assert [row["counted"] for row in rows] == [1, 0, 0, 0, 0]
    assert rows[-1]["note"] == "支援センター連携（助言）"
    assert all(row["counted"] == 0 for row in service_record_rows(pages[1]))
    assert service_record_rows(replace(pages[0], days=())) == []


def test_service_record_page_has_the_billing_items():
    html = service_record_html(record_pages()[:1], "ja")
    assert_standalone(html)
    page = visible_text(html)
    for expected in ("サービス提供実績記録票（就労定着支援）", "対象年月 2026年9月", "事業所番号 0000000000",
                     "受給者証番号 0000000011", "事業所名 ひなた就労定着支援事業所（デモ）", "利用者氏名 仮名 次郎",
                     "利用開始日 2025-08-01", "支援レポート共有日 2026-10-05", "地域連携会議実施加算（回）",
                     "日付 曜日 支援内容 算定日数 特別地域加算 地域連携会議実施加算 備考",
                     "4 金 対面支援・企業訪問 1", "14 月 電話・メール等", "29 火 支援センターの支援 支援センター連携（助言）",
                     "合計 1", "利用者確認欄", "上記の内容に相違ないことを確認しました。 氏名 日付"):
        assert expected in page, expected
    # 算定 1 on exactly one day; the columns teikan does not record stay empty.
    cells = re.findall(r"<tr><td class=\"num\">(\d+)</td><td class=\"num\">.</td><td>[^<]*</td>"
                       r"<td class=\"num\">(1?)</td><td></td><td></td>", html)
    assert cells == [("4", "1"), ("14", ""), ("18", ""), ("25", ""), ("29", "")]
    assert not re.search("[A-Za-z]{3,}", page)


def test_service_record_for_all_has_one_page_per_client_month():
    html = service_record_html(record_pages(), "ja")
    assert html.count('<section class="page record">') == 3
    page = visible_text(html)
    assert page.index("仮名 次郎") < page.index("見本 さくら") < page.index("架空 太一")
    sakura = page[page.index("見本 さくら"):page.index("架空 太一")]
    assert "合計 0" in sakura and "支援レポート共有日 利用開始日" not in sakura
    taichi = page[page.index("架空 太一"):]
    assert "2 水 対面支援 1" in taichi and "合計 1" in taichi


def test_service_record_in_english_and_with_wareki():
    page = visible_text(service_record_html(record_pages()[:1], "en", wareki=True))
    for expected in ("サービス提供実績記録票（就労定着支援） Service record (employment retention support)",
                     "対象年月 Month of service 2026-09 (令和8年9月)", "利用開始日 Support start 2025-08-01 (令和7年8月1日)",
                     "算定日数 Base fee day", "4 Fri face, employer 1", "利用者確認欄 Client's confirmation"):
        assert expected in page, expected


def test_service_record_refuses_pages_that_do_not_fit_together():
    page = record_pages()[0]
    with pytest.raises(ValueError):
        replace(page, days=tuple(replace(day, counted=True) for day in page.days))
    with pytest.raises(ValueError):
        replace(page, days=(page.days[1], page.days[0]))
    with pytest.raises(ValueError):
        replace(page, days=(ServiceDay(date(2026, 8, 31), ("face",)),))
    with pytest.raises(ValueError):
        service_record_html([], "ja")


def test_hostile_text_in_a_service_record_is_escaped():
    page = replace(record_pages()[0], client=replace(JIRO, name="<b>x</b>\u202e"),
                   days=(ServiceDay(date(2026, 9, 4), ("face",), True, note="a & b <script>\x1b"),))
    html = service_record_html([page], "ja")
    assert "<script" not in html and "<b>" not in html and "\u202e" not in html and "\x1b" not in html
    assert "a &amp; b &lt;script&gt;<span class=\"ctl\">\\x1b</span>" in html
    assert_standalone(html)


# ------------------------------------------------------------------------------------------ golden files


@pytest.mark.parametrize("name, build", [
    ("support-report-client.ja.html", lambda: support_report_html(jiro_report("client"), "ja")),
    ("support-report-employer.ja.html", lambda: support_report_html(jiro_report("employer"), "ja")),
    ("support-report-no-face.ja.html", lambda: support_report_html(sakura_report(), "ja", wareki=True)),
    ("support-report-client.en.html", lambda: support_report_html(jiro_report("client"), "en")),
    ("service-record-all.ja.html", lambda: service_record_html(record_pages(), "ja")),
    ("service-record-one.en.html", lambda: service_record_html(record_pages()[:1], "en", wareki=True)),
])
def test_golden_documents(name, build):
    check_golden(name, build())
