"""The サービス提供実績記録票 (service record) of 就労定着支援: rows as data, and printable A4 HTML (pure).

One page per client-month: the month's items and one row per day with support. Names follow the national
billing interface (インタフェース仕様書 事業所編 令和7年10月版, record J611 サービス提供実績記録票, as extracted
item by item in SilentMalachite/Tsumugi `provider-r7-10-item-tables.json`):

- J611:01 (the month): #3 サービス提供年月 (対象年月), #5 事業所番号, #6 受給者証番号, #70 利用開始日（年月日）,
  #153 支援レポート共有日（年月日） ("支援レポートを作成し、関係者間で共有した日"), #146 定着支援連携促進加算（回）.
- J611:02 (each day): #9 日付, #45 算定日数 (就労定着支援: 1 on the day of support the base fee is for),
  #81 特別地域加算 (1 when the support qualifies), #90 定着支援連携促進加算 (就労定着支援: 1 or 2 for
  地域連携会議実施加算 (Ⅰ) or (Ⅱ)), #35 備考.

#146 and #90 keep the addition's old name in the interface; the form and the 2024 fee table call it
地域連携会議実施加算, and so do our headings. teikan records neither that addition nor 特別地域加算: their
columns are printed empty, to be filled in by hand, never invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .html import SANS, Markup, document, el
from .inputs import ServiceRecordPage
from .words import date_html, heading, heading_text, labels, month_text, weekday, word

ROW_FIELDS = ("client_id", "month", "date", "weekday", "types", "counted", "note")  # SPEC §11 JSON/CSV names

_CSS = """
.record h1 { text-align: center; font-size: 14pt; margin-bottom: 3mm; }
.record .head col.th { width: 26mm; } .record .head col.th-wide { width: 36mm; }
.record .head col.td { width: 42mm; }
.record .days { margin-top: 3mm; }
.record .days th { text-align: center; font-size: 8pt; line-height: 1.25; padding: 0.6mm 0.8mm; }
.record .days td { font-size: 8.5pt; line-height: 1.25; padding: 0.5mm 1.2mm; height: 5.6mm; }
.record .days td.small { font-size: 8pt; }
.record .days col.day { width: 9mm; } .record .days col.weekday { width: 9mm; }
.record .days col.kinds { width: 46mm; } .record .days col.counted { width: 14mm; }
.record .days col.area { width: 20mm; } .record .days col.meeting { width: 24mm; }
.record .days tr.total td { font-weight: bold; font-family: %(sans)s; border-top: 0.6mm solid #000; }
.record .confirm { margin-top: 4mm; break-inside: avoid; }
.record .confirm .statement { font-size: 9pt; margin-bottom: 1mm; }
.record .confirm .lines { display: flex; gap: 6mm; }
.record .confirm .sign-line { flex: 1; }
.record .confirm .sign-line.date { flex: 0 0 50mm; }
""".strip()


def service_record_rows(page: ServiceRecordPage) -> list[dict]:
    """One dict per day with support, with SPEC §11's field names: types as codes, counted 1 or 0, weekday as
    its English three-letter code, dates ISO. The table, CSV and JSON formats render these same rows."""
    month = str(page.month)
    return [{"client_id": page.client_id, "month": month, "date": day.date.isoformat(),
             "weekday": weekday(day.date, "en"), "types": tuple(day.types), "counted": 1 if day.counted else 0,
             "note": day.note}
            for day in page.days]


def service_record_screen(page: ServiceRecordPage, lang: str) -> tuple[str, list[dict]]:
    """The title and rows of the table on the screen: whose record it is, the weekday in the reader's words."""
    title = word("record_screen_title", lang, month=month_text(page.month, lang), id=page.client_id,
                 name=page.client.name)
    rows = [dict(row, weekday=weekday(date.fromisoformat(row["date"]), lang)) for row in service_record_rows(page)]
    return title, rows


def service_record_html(pages: Sequence[ServiceRecordPage], lang: str = "ja", *, wareki: bool = False) -> str:
    """Every page as one standalone HTML document: one A4 sheet per client-month, in the order given."""
    if not pages:
        raise ValueError("service_record_html needs at least one page")
    months = sorted({str(page.month) for page in pages})
    title = f"{heading_text('service_record', lang)} {' '.join(months)}"
    if len(pages) == 1:
        title += f" {pages[0].client.name}"
    return document(title=title, lang=lang, body=[_page(page, lang, wareki) for page in pages],
                    css=_CSS % {"sans": SANS})


def _page(page: ServiceRecordPage, lang: str, wareki: bool) -> Markup:
    office, client = page.office, page.client

    def cells(key: str, value, **attributes) -> list[Markup]:
        """An item of the month; one teikan has no value for is an empty cell, to fill in by hand."""
        return [el("th", heading(key, lang)), el("td", value or "", **attributes)]

    head = el("table",
              el("colgroup", el("col", class_="th"), el("col"), el("col", class_="th-wide"), el("col", class_="td")),
              el("tr", cells("service_month", month_text(page.month, lang, wareki)),
                 cells("office_number", office.number)),
              el("tr", cells("office_name", office.name, colspan=3)),
              el("tr", cells("client_name", client.name), cells("certificate", client.certificate)),
              el("tr", cells("support_start", date_html(client.support_start, lang, wareki)),
                 cells("report_shared_on", date_html(page.report_shared_on, lang, wareki))),
              el("tr", el("th", heading("meetings", lang), colspan=3, class_="right"), el("td", "")),
              class_="head")
    return el("section",
              el("h1", heading("service_record", lang)),
              head,
              _days(page, lang),
              _confirmation(lang),
              class_="page record")


def _days(page: ServiceRecordPage, lang: str) -> Markup:
    keys = ("date", "weekday", "support", "counted", "remote_area", "meeting", "remarks")
    columns = el("colgroup", *(el("col", class_=name)
                               for name in ("day", "weekday", "kinds", "counted", "area", "meeting", "remarks")))
    head = el("thead", el("tr", *(el("th", heading(key, lang)) for key in keys)))
    if page.days:
        rows = [el("tr",
                   el("td", day.date.day, class_="num"),
                   el("td", weekday(day.date, lang), class_="num"),
                   el("td", labels(day.types, lang, "type")),
                   el("td", 1 if day.counted else "", class_="num"),
                   el("td", ""),  # 特別地域加算 (J611:02 #81): not recorded by teikan
                   el("td", ""),  # 地域連携会議実施加算 (J611:02 #90): not recorded by teikan
                   el("td", day.note, class_="note small"))
                for day in page.days]
    else:
        rows = [el("tr", el("td", word("no_support_days", lang), colspan=7, class_="center"))]
    counted = sum(day.counted for day in page.days)
    # The total is the body's last row, not a <tfoot>: a browser repeats a footer on every sheet.
    rows.append(el("tr", el("td", heading("total", lang), colspan=3, class_="right"),
                   el("td", counted, class_="num"), el("td", ""), el("td", ""), el("td", ""), class_="total"))
    return el("table", columns, head, el("tbody", rows), class_="days")


def _confirmation(lang: str) -> Markup:
    return el("div",
              el("div",
                 el("div", el("strong", heading("client_confirmation", lang), class_="sans")),
                 el("div", word("confirm_record", lang), class_="statement"),
                 el("div",
                    el("div", el("span", heading("sign_name", lang), class_="label"), class_="sign-line"),
                    el("div", el("span", heading("sign_date", lang), class_="label"), class_="sign-line date"),
                    class_="lines"),
                 class_="box"),
              class_="confirm")
