"""The 支援レポート as a printable A4 HTML document (pure).

「就労定着支援の実施について」(2021): each month the office reports the month's support to the client and
the employer and shares it with them; the date it was shared is the 支援レポート共有日 the billing record carries
(J611:01 #153). Sections, in the order SPEC §3 names them: 対象月, 利用者氏名, 事業所名, 当月の支援目標,
就労・生活状況のまとめ, 支援実施内容および結果, 今後の支援計画, 作成者; then the share record and 確認欄
(signature boxes for the client and the employer). The summary and the outlook are ruled boxes to write by
hand: teikan records facts and never invents support content.

The employer's copy carries warning signs and notes only of contacts the office marked shareable: warning
signs are health information (DOMAIN: "The documents an office produces").
"""

from __future__ import annotations

from .html import SANS, Markup, document, el
from .inputs import ReportContact, SupportReportPage
from .words import date_html, day_text, heading, heading_text, label, labels, month_text, weekday, word

RULED_LINES = 3  # lines of each box written by hand

_CSS = """
.title-row { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1mm 4mm; border-bottom: 0.6mm solid #000;
             padding-bottom: 1mm; }
.title-row > * { white-space: nowrap; }
.title-row .copy { font-family: %(sans)s; border: 0.3mm solid #000; padding: 0 2mm; font-size: 9pt; }
.title-row .made { margin-left: auto; font-size: 9pt; }
.address-row { display: flex; justify-content: space-between; gap: 6mm; margin: 2.5mm 0 2mm 0; }
.addressee { font-size: 14pt; padding-top: 1mm; border-bottom: 0.3mm solid #000; align-self: flex-start;
             min-width: 70mm; }
.letterhead { font-size: 9pt; min-width: 72mm; }
.letterhead .office { font-size: 11pt; font-weight: bold; }
.label { font-size: 8pt; color: #333; margin-right: 1.5mm; }
.facts, .goals, .meta { break-inside: avoid; }
.facts th, .goals th { width: 24mm; }
.meta col.th { width: 17mm; } .meta col.th-wide { width: 33mm; }
.meta span.nowrap { margin-right: 2.5mm; }
.contacts col.date { width: 25mm; } .contacts col.kinds { width: 26mm; } .contacts col.place { width: 20mm; }
.contacts col.staff { width: 20mm; }
.contacts th { font-size: 8.5pt; padding: 0.8mm 1mm; }
.contacts td { font-size: 9pt; line-height: 1.35; }
.contacts .tag { font-family: %(sans)s; font-size: 8pt; white-space: nowrap; }
.wareki { font-size: 7.5pt; color: #333; }
.withheld { color: #444; font-size: 8.5pt; }
.goals ol { margin: 0; padding-left: 5mm; }
.caption { font-size: 8.5pt; font-weight: normal; color: #333; margin-left: 3mm; }
p.caption { margin: 0.5mm 0 0 0; }
.keep { break-inside: avoid; }
.copy-note { font-size: 8.5pt; margin: 0 0 1.5mm 0; padding-left: 2mm; border-left: 0.6mm solid #000; }
.signatures .box { padding: 1mm 2mm 1.5mm 2mm; }
.signatures .who { font-family: %(sans)s; font-weight: bold; font-size: 8.5pt; }
.signatures .sign-line { height: 8mm; }
.signatures .lines { display: flex; gap: 3mm; }
.signatures .sign-line { flex: 1; }
.signatures .sign-line.date { flex: 0 0 32mm; }
""".strip()


def support_report_html(page: SupportReportPage, lang: str = "ja", *, wareki: bool = False) -> str:
    """The report as a complete standalone HTML document (one section; it may run onto a second sheet)."""
    copy = word("copy." + page.copy, lang)
    title = f"{heading_text('support_report', lang)} {page.month} {page.client.name}" + (
        f"（{copy}）" if lang == "ja" else f" ({copy})")
    return document(title=title, lang=lang, body=[support_report_section(page, lang, wareki=wareki)],
                    css=_CSS % {"sans": SANS})


def support_report_section(page: SupportReportPage, lang: str = "ja", *, wareki: bool = False) -> Markup:
    """The report as one `<section class="page">`, for a document that holds several."""
    day = lambda value: day_text(value, lang, wareki)  # noqa: E731
    employer_copy = page.copy == "employer"
    return el(
        "section",
        _title_row(page, lang, day),
        _address_row(page, lang),
        el("p", word("no_face", lang), class_="alert") if not page.face_to_face else None,
        el("p", word("employer_copy", lang), class_="copy-note") if employer_copy else None,
        _facts(page, lang, wareki),
        el("h2", heading("goals", lang), " ",
           el("span", word("plan_of", lang, date=day(page.goals.made_on)), class_="caption")
           if page.goals else None),
        _goals(page, lang),
        el("h2", heading("summary", lang)),
        _ruled(),
        el("h2", heading("contacts", lang)),
        _contacts(page, lang, wareki, employer_copy),
        el("h2", heading("outlook", lang)),
        _ruled(),
        el("h2", heading("author", lang)),
        _author(page, lang, day),
        _confirmation(page, lang),
        class_="page report",
    )


# ------------------------------------------------------------------------------------------------ pieces


def _spaced(parts) -> list:
    """Inline pieces with a space between them (a reader, a copy and pdftotext see them apart)."""
    out: list = []
    for part in parts:
        out += [" ", part] if out else [part]
    return out


def _blank() -> Markup:
    return el("span", "", class_="blank")


def _or_blank(value: str | None):
    """A value, or a line to write it on (outside tables: in a table the empty cell is the space)."""
    return value if value else _blank()


def _title_row(page: SupportReportPage, lang: str, day) -> Markup:
    return el("div",
              el("h1", heading("support_report", lang)),
              " ", el("span", word("copy." + page.copy, lang), class_="copy"),
              " ", el("span", el("span", heading("made_on", lang), class_="label"), " ", day(page.made_on),
                 class_="made"),
              class_="title-row")


def _address_row(page: SupportReportPage, lang: str) -> Markup:
    client, office = page.client, page.office
    if page.copy == "client":
        addressee = word("to.client", lang, name=client.name)
    elif client.employer:
        addressee = word("to.employer", lang, name=client.employer)
    else:
        addressee = word("to.employer_unknown", lang)

    def line(key: str, value: str | None) -> Markup:
        return el("span", el("span", heading(key, lang), class_="label"), " ", _or_blank(value))

    return el("div",
              el("div", addressee, class_="addressee"),
              el("div",
                 el("div", el("span", heading("office_name", lang), class_="label"), " ",
                    el("span", office.name, class_="office") if office.name else _blank()),
                 el("div", line("office_number", office.number), "　", line("phone", office.phone)),
                 el("div", line("address", office.address)),
                 class_="letterhead"),
              class_="address-row")


def _facts(page: SupportReportPage, lang: str, wareki: bool) -> Markup:
    """The month and the client. A fact teikan lacks is an empty cell, to fill in by hand."""
    client = page.client
    name = word("name_with_kana", lang, name=client.name, kana=client.kana) if client.kana else client.name
    start, end = date_html(client.support_start, lang, wareki), date_html(client.support_end, lang, wareki)
    period = [start, "〜" if lang == "ja" else " – ", end] if client.support_start and client.support_end else start
    return el("table",
              el("tr", el("th", heading("month", lang)), el("td", month_text(page.month, lang, wareki)),
                 el("th", heading("certificate", lang)), el("td", client.certificate or "")),
              el("tr", el("th", heading("client_name", lang)), el("td", name, colspan=3)),
              el("tr", el("th", heading("employer", lang)), el("td", client.employer or ""),
                 el("th", heading("period", lang)), el("td", period)),
              class_="facts")


def _goals(page: SupportReportPage, lang: str) -> Markup:
    goals = page.goals
    if goals is None:
        return el("p", word("no_plan", lang), class_="box")
    items = el("ol", [el("li", item, class_="note") for item in goals.items]) if goals.items else ""
    return el("table",
              el("tr", el("th", heading("long_goal", lang)), el("td", goals.long_goal or "", class_="note")),
              el("tr", el("th", heading("short_goal", lang)), el("td", goals.short_goal or "", class_="note")),
              el("tr", el("th", heading("plan_items", lang)), el("td", items)),
              class_="goals")


def _ruled() -> Markup:
    return el("div", [el("div", "") for _ in range(RULED_LINES)], class_="ruled")


def _contacts(page: SupportReportPage, lang: str, wareki: bool, employer_copy: bool) -> Markup:
    if not page.contacts:
        return el("p", word("no_contacts", lang), class_="box")
    head = el("thead", el("tr", *(el("th", heading(key, lang))
                                   for key in ("date", "kinds", "place_time", "staff", "content"))))
    rows = [_contact_row(contact, lang, wareki, employer_copy) for contact in page.contacts]
    return el("table",
              el("colgroup", el("col", class_="date"), el("col", class_="kinds"), el("col", class_="place"),
                 el("col", class_="staff"), el("col")),
              head, el("tbody", rows), class_="contacts")


def _contact_row(contact: ReportContact, lang: str, wareki: bool, employer_copy: bool) -> Markup:
    when = [f"{contact.date.isoformat()}（{weekday(contact.date, lang)}）" if lang == "ja"
            else f"{contact.date.isoformat()} ({weekday(contact.date, lang)})"]
    if wareki:
        from ..dates import wareki as era

        when += [el("br"), el("span", era(contact.date), class_="wareki")]
    where = [label(contact.place, lang) if contact.place else None,
             el("br") if contact.place and contact.minutes is not None else None,
             word("minutes", lang, minutes=contact.minutes) if contact.minutes is not None else None]
    parts = []  # one paragraph: center reason, note, warning signs (each its own span, so it reads apart)
    if contact.center_reason:
        parts.append(el("span", word("center_reason", lang, reason=label(contact.center_reason, lang)),
                        class_="tag"))
    if employer_copy and not contact.shareable:
        if contact.note or contact.concerns:
            parts.append(el("span", word("withheld", lang), class_="withheld"))
    else:
        if contact.note:
            parts.append(el("span", contact.note, class_="note"))
        if contact.concerns:
            parts.append(el("span", word("concerns", lang, list=labels(contact.concerns, lang)), class_="tag"))
    return el("tr",
              el("td", when),
              el("td", labels(contact.types, lang, "type")),
              el("td", where),
              el("td", contact.staff or ""),
              el("td", _spaced(parts)))


def _author(page: SupportReportPage, lang: str, day) -> Markup:
    """Who wrote the report and when, the service managers, and how it was shared (check boxes to tick by
    hand while no share is recorded)."""
    from .words import METHODS, RECIPIENTS

    managers = ("、" if lang == "ja" else ", ").join(page.managers)
    shared = page.shared
    if shared is None:
        boxes = lambda codes, kind: _spaced(el("span", f"□{label(c, lang, kind)}", class_="nowrap")  # noqa: E731
                                            for c in codes)
        when, recipients, method = None, boxes(RECIPIENTS, "recipient"), boxes(METHODS, "method")
    else:
        when = day(shared.date)
        recipients = labels(shared.recipients, lang, "recipient")
        method = label(shared.method, lang, "method") if shared.method else None
    table = el("table",
               el("colgroup", el("col", class_="th"), el("col"), el("col", class_="th-wide"), el("col"),
                  el("col", class_="th"), el("col")),
               el("tr", el("th", heading("author", lang)), el("td", page.author or ""),
                  el("th", heading("managers", lang)), el("td", managers, colspan=3)),
               el("tr", el("th", heading("shared_on", lang)), el("td", when or ""),
                  el("th", heading("recipients", lang)), el("td", recipients),
                  el("th", heading("method", lang)), el("td", method or "")),
               class_="meta")
    return table if shared else Markup(table + el("p", word("not_shared", lang), class_="caption"))


def _confirmation(page: SupportReportPage, lang: str) -> Markup:
    employer = page.client.employer

    def box(who: Markup | str) -> Markup:
        return el("div",
                  el("div", who, class_="who"),
                  el("div",
                     el("div", el("span", heading("sign_name", lang), class_="label"), class_="sign-line"),
                     el("div", el("span", heading("sign_date", lang), class_="label"), class_="sign-line date"),
                     class_="lines"),
                  class_="box")

    employer_who = el("span", heading("sign_employer", lang), f"（{employer}）" if employer else None)
    return el("div",
              el("h2", heading("confirmation", lang), " ", el("span", word("confirm_report", lang), class_="caption")),
              el("div", box(heading("sign_client", lang)), box(employer_who), class_="signatures"),
              class_="keep")
