"""The printed documents in a real browser: headless Chromium prints them to PDF, poppler reads them back.

Page counts come from `pdfinfo`, text from `pdftotext` (Japanese must survive: fonts present, no tofu).
Skipped when chromium or poppler is missing, unless TEIKAN_REQUIRE_BROWSER=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from test_documents import (JIRO, MONTH, OFFICE, SHARED_NOTE, UNSHARED_NOTES, jiro_report, record_pages,
                            sakura_report)
from teikan_cli.documents.inputs import ClientInfo, ReportContact, ServiceDay, ServiceRecordPage
from teikan_cli.documents.service_record import service_record_html
from teikan_cli.documents.support_report import support_report_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless as root in a closed network: no sandbox (root), no GPU, and nothing that phones home.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


@pytest.fixture(scope="module")
def browser() -> str:
    path = find_browser()
    missing = [] if path else ["chromium"]
    missing += [tool for tool in ("pdfinfo", "pdftotext") if not shutil.which(tool)]
    if missing:
        if os.environ.get("TEIKAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TEIKAN_REQUIRE_BROWSER=1 but {', '.join(missing)} is not installed")
        pytest.skip(f"{', '.join(missing)} not installed")
    return path


def run_browser(browser: str, html: str, folder: Path, *output: str) -> None:
    """Load `html` from a file in a fresh profile and write what `output` asks for (--print-to-pdf=…,
    --screenshot=…)."""
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="teikan-chromium-") as profile:
        done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *output, page.as_uri()],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def print_pdf(browser: str, html: str, folder: Path) -> tuple[int, str]:
    """(page count, text) of the document printed on A4."""
    pdf = folder / "page.pdf"
    run_browser(browser, html, folder, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842), "A4 portrait"
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text


def page_texts(text: str) -> list[str]:
    return text.rstrip("\f").split("\f")


def squeeze(text: str) -> str:
    """PDF text without spaces or line breaks, so a phrase is found wherever a cell wrapped it (`-raw` keeps
    each cell's text together but drops some spaces between Latin words)."""
    return re.sub(r"\s+", "", text)


def test_support_report_client_copy_prints_on_one_sheet_with_its_japanese(browser, tmp_path):
    pages, text = print_pdf(browser, support_report_html(jiro_report("client"), "ja"), tmp_path)
    assert pages == 1
    flat = squeeze(text)
    for expected in ("支援レポート", "本人用", "仮名次郎様", "ひなた就労定着支援事業所（デモ）", "対象月", "2026年9月",
                     "当月の支援目標", "就労・生活状況のまとめ", "支援実施内容および結果", "今後の支援計画", "作成者",
                     "架空陽介", "確認欄", "ご本人", "企業ご担当者", squeeze(SHARED_NOTE), squeeze(UNSHARED_NOTES[0])):
        assert expected in flat, expected


def test_support_report_employer_copy_prints_without_unshared_notes(browser, tmp_path):
    pages, text = print_pdf(browser, support_report_html(jiro_report("employer"), "ja"), tmp_path)
    assert pages == 1
    flat = squeeze(text)
    assert "株式会社サンプル物産御中" in flat and "企業用" in flat and "確認欄" in flat
    assert squeeze(SHARED_NOTE) in flat
    assert not any(squeeze(note) in flat for note in UNSHARED_NOTES) and "服薬" not in flat


def test_a_long_month_runs_onto_a_second_sheet_and_keeps_the_signature_boxes_whole(browser, tmp_path):
    """Twenty contacts: the table continues on the next sheet with its header; 確認欄 is not split."""
    contacts = tuple(ReportContact(date(2026, 9, d), ("face",) if d % 3 == 0 else ("remote",), minutes=30,
                                   staff="架空 陽介", note=f"{d}日の記録。" + "職場での様子を本人から聞き取り。" * 2)
                     for d in range(1, 21))
    pages, text = print_pdf(browser, support_report_html(replace(jiro_report(), contacts=contacts), "ja"), tmp_path)
    assert pages == 2
    first, second = map(squeeze, page_texts(text))
    assert "日付支援内容場所・時間担当内容・気になる兆候" in second  # the table's header repeats
    assert "確認欄" in second and "ご本人" in second


def test_no_face_month_prints_its_warning(browser, tmp_path):
    pages, text = print_pdf(browser, support_report_html(sakura_report(), "ja", wareki=True), tmp_path)
    assert pages == 1
    assert "対面支援がない月:請求できません" in squeeze(page_texts(text)[0])


def test_service_record_for_all_prints_one_sheet_per_client_month(browser, tmp_path):
    pages_in = record_pages()
    pages, text = print_pdf(browser, service_record_html(pages_in, "ja"), tmp_path)
    assert pages == len(pages_in) == 3
    for sheet, page in zip(map(squeeze, page_texts(text)), pages_in):
        assert "サービス提供実績記録票（就労定着支援）" in sheet
        assert squeeze(page.client.name) in sheet and page.client.certificate in sheet
        assert "利用開始日" in sheet and "支援レポート共有日" in sheet and "利用者確認欄" in sheet
        assert "算定日数" in sheet and "特別地域加算" in sheet and "地域連携会議実施加算" in sheet
    assert "2026-10-05" in page_texts(text)[0]


def busy_month(kinds_odd: tuple[str, ...], kinds_even: tuple[str, ...], note: str) -> ServiceRecordPage:
    """Support on every day of October, the first day counted."""
    return ServiceRecordPage(
        client_id=9, month=replace(MONTH, month=10), office=OFFICE,
        client=ClientInfo(name="見本 長名前太郎左衛門", certificate="0000000099", support_start=date(2025, 4, 1)),
        report_shared_on=date(2026, 11, 4),
        days=tuple(ServiceDay(date(2026, 10, d), kinds_odd if d % 2 else kinds_even, counted=d == 1, note=note)
                   for d in range(1, 32)))


def test_a_month_with_support_every_day_still_fits_one_sheet(browser, tmp_path):
    """31 rows of one line each stay on one A4 sheet, with the total and the client's confirmation."""
    busy = busy_month(("face", "employer"), ("remote",), "職場定着の状況確認")
    pages, text = print_pdf(browser, service_record_html([busy, record_pages()[0]], "ja"), tmp_path)
    assert pages == 2
    first = squeeze(page_texts(text)[0])
    assert "見本長名前太郎左衛門" in first and "31日" not in first
    assert "合計1" in first and "利用者確認欄" in first and "上記の内容に相違ないことを確認しました。" in first


def test_a_month_too_full_for_one_sheet_breaks_cleanly(browser, tmp_path):
    """Rows of two lines each run onto a second sheet: the header repeats there, the total is printed once,
    at the end, and the confirmation box is not split from it."""
    busy = busy_month(("face", "employer", "remote"), ("agency", "center"), "支援センター連携（助言）・職場定着の状況確認")
    pages, text = print_pdf(browser, service_record_html([busy], "ja"), tmp_path)
    assert pages == 2
    first, second = map(squeeze, page_texts(text))
    assert "日付曜日支援内容算定日数" in first and "日付曜日支援内容算定日数" in second
    assert "合計" not in first and "合計1" in second and "利用者確認欄" in second


def test_english_documents_print_too(browser, tmp_path):
    pages, text = print_pdf(browser, service_record_html([record_pages()[0]], "en", wareki=True), tmp_path)
    assert pages == 1
    assert "Servicerecord" in squeeze(text) and "サービス提供実績記録票" in squeeze(text)
    pages, text = print_pdf(browser, support_report_html(jiro_report(), "en"), tmp_path)
    assert pages in (1, 2) and "Monthlysupportreport" in squeeze(text) and "支援レポート" in squeeze(text)


def test_the_system_has_a_japanese_font_for_the_fallback_list(browser):
    """Chromium embeds the CJK glyphs as Type 3 fonts (no name to check in the PDF), so ask fontconfig that a
    font of the documents' list is there; the screenshots in the closing note are the visual check."""
    if not shutil.which("fc-list"):
        pytest.skip("fc-list not installed")
    families = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    assert any(name in families for name in ("Noto Serif CJK JP", "Noto Sans CJK JP")), families
