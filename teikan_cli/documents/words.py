"""Every word the printed documents use, in both languages, and how they write dates (pure).

One table for now, `{key: (en, ja)}`, to be folded into the i18n catalogue. Headings are the documents' own
Japanese names (the words of the form and of the national billing interface); a Japanese document shows them
alone, an English one adds an English gloss. Nothing here reads the environment: the language is a parameter.
Labels of the enumeration codes (contact types, warning signs, places, center reasons) are the catalogue's
(`i18n.LABELS`), read here and nowhere else in documents/; recipients and methods of a share are new codes and
live in this table until the catalogue has them.
"""

from __future__ import annotations

from datetime import date

from ..dates import Month, wareki as _wareki
from .html import Markup, el

LANGS = ("ja", "en")

# Headings and field names: (English gloss, Japanese heading).
HEADINGS: dict[str, tuple[str, str]] = {
    # 支援レポート (SPEC §3 and §11: the sections of the report)
    "support_report": ("Monthly support report", "支援レポート"),
    "month": ("Month", "対象月"),
    "client_name": ("Client", "利用者氏名"),
    "office_name": ("Office", "事業所名"),
    "goals": ("This month's goals", "当月の支援目標"),
    "summary": ("Work and daily life this month", "就労・生活状況のまとめ"),
    "contacts": ("Support given and its results", "支援実施内容および結果"),
    "outlook": ("Support planned from here", "今後の支援計画"),
    "author": ("Written by", "作成者"),
    "confirmation": ("Confirmation", "確認欄"),
    "shared_on": ("Shared on", "共有日"),
    "recipients": ("Shared with", "共有先"),
    "method": ("How", "共有方法"),
    "kana": ("Kana", "フリガナ"),
    "employer": ("Employer", "就職先"),
    "certificate": ("Certificate no.", "受給者証番号"),
    "period": ("Service period", "利用期間"),
    "office_number": ("Office no.", "事業所番号"),
    "address": ("Address", "所在地"),
    "phone": ("Phone", "電話番号"),
    "managers": ("Service manager", "サービス管理責任者"),
    "made_on": ("Made on", "作成日"),
    "long_goal": ("Long-term goal", "長期目標"),
    "short_goal": ("Short-term goal", "短期目標"),
    "plan_items": ("Support items", "支援内容"),
    "date": ("Date", "日付"),
    "kinds": ("Support", "支援内容"),
    "place_time": ("Place / time", "場所・時間"),
    "staff": ("Staff", "担当"),
    "content": ("What happened, warning signs", "内容・気になる兆候"),
    "sign_client": ("Client", "ご本人"),
    "sign_employer": ("Employer", "企業ご担当者"),
    "sign_name": ("Name", "氏名"),
    "sign_date": ("Date", "日付"),
    # サービス提供実績記録票 (インタフェース仕様書 事業所編 R7.10, record J611: the item names it uses)
    "service_record": ("Service record (employment retention support)", "サービス提供実績記録票（就労定着支援）"),
    "service_month": ("Month of service", "対象年月"),
    "support_start": ("Support start", "利用開始日"),          # J611:01 #70 利用開始日（年月日）
    "report_shared_on": ("Support report shared on", "支援レポート共有日"),  # J611:01 #153 支援レポート共有日（年月日）
    "meetings": ("Regional liaison meetings (times)", "地域連携会議実施加算（回）"),  # J611:01 #146
    "weekday": ("Day", "曜日"),
    "support": ("Support given", "支援内容"),
    "counted": ("Base fee day", "算定日数"),                  # J611:02 #45 算定日数
    "remote_area": ("Special area addition", "特別地域加算"),   # J611:02 #81 特別地域加算
    "meeting": ("Regional liaison meeting", "地域連携会議実施加算"),  # J611:02 #90
    "remarks": ("Remarks", "備考"),
    "total": ("Total", "合計"),
    "client_confirmation": ("Client's confirmation", "利用者確認欄"),
}

# Sentences and short words: (English, Japanese).
WORDS: dict[str, tuple[str, str]] = {
    "record_screen_title": ("Service record {month} — #{id} {name}", "サービス提供実績記録票 {month} — #{id} {name}"),
    "copy.client": ("client's copy", "本人用"),
    "copy.employer": ("employer's copy", "企業用"),
    "to.client": ("{name} 様", "{name} 様"),
    "to.employer": ("{name} 御中", "{name} 御中"),
    "to.employer_unknown": ("(employer not recorded) 御中", "（就職先未登録） 御中"),
    "name_with_kana": ("{name} ({kana})", "{name}（{kana}）"),
    "no_face": ("対面支援がない月: 請求できません — no face-to-face contact with the client is recorded this "
                "month, so the month cannot be billed.",
                "対面支援がない月: 請求できません（当月、本人との対面支援の記録がありません）"),
    "employer_copy": ("Employer's copy: warning signs and the notes of contacts the office did not choose to share "
                      "are left out (health information).",
                      "企業用の控え: 気になる兆候と、事業所が共有すると決めていない記録の内容は載せていません（健康に関わる情報のため）。"),
    "withheld": ("(not shared)", "（非共有）"),
    "no_plan": ("No agreed individual support plan is recorded for this month.",
                "当月時点で合意済みの個別支援計画が記録されていません。"),
    "plan_of": ("Individual support plan of {date}", "個別支援計画（{date} 作成）"),
    "no_contacts": ("No contact is recorded this month.", "当月の支援記録はありません。"),
    "minutes": ("{minutes} min", "{minutes}分"),
    "concerns": ("Warning signs: {list}", "気になる兆候: {list}"),
    "center_reason": ("Support center: {reason}", "支援センター連携: {reason}"),
    "fill_by_hand": ("To be written by the staff member.", "担当者が記入してください。"),
    "not_shared": ("Not recorded yet: fill in when the report is shared.", "未記録（共有したときに記入してください）"),
    "confirm_report": ("I have received and read this report.", "本レポートの内容を確認しました。"),
    "confirm_record": ("I confirm the support given on the days above.", "上記の内容に相違ないことを確認しました。"),
    "count_days": ("{count} day(s)", "{count}日"),
    "no_support_days": ("No support is recorded this month.", "当月の支援の記録はありません。"),
    "page_of": ("{client} — {month}", "{client} — {month}"),
    "recipient.client": ("client", "本人"),
    "recipient.employer": ("employer", "企業"),
    "recipient.agency": ("agency", "関係機関"),
    "method.paper": ("on paper", "書面"),
    "method.mail": ("by post", "郵送"),
    "method.email": ("by e-mail", "電子メール"),
    "method.in-person": ("in person", "対面で説明"),
}

RECIPIENTS = ("client", "employer", "agency")
METHODS = ("paper", "mail", "email", "in-person")
_WEEKDAYS = {"ja": ("月", "火", "水", "木", "金", "土", "日"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'ja' or 'en', not {lang!r}")
    return 1 if lang == "ja" else 0


def word(key: str, lang: str, **params: object) -> str:
    """The sentence `key` in `lang`, with `params` filled in (they are data: escaped later, by the layer)."""
    template = WORDS[key][_index(lang)]
    return template.format(**params) if params else template


def heading(key: str, lang: str) -> Markup:
    """The document's Japanese heading; in English, followed by its gloss."""
    gloss, ja = HEADINGS[key]
    if _index(lang):
        return el("span", ja)
    return el("span", el("span", ja, lang="ja"), " ", el("span", gloss, class_="gloss"))


def heading_text(key: str, lang: str) -> str:
    """The heading as plain text (for a `<title>`)."""
    gloss, ja = HEADINGS[key]
    return ja if _index(lang) else f"{ja} ({gloss})"


def label(code: str, lang: str, kind: str = "") -> str:
    """A code's label: `kind` is `type` for contact types, `recipient` or `method` for shares, empty for the
    other enumerations (warning signs, places, center reasons). An unknown code is shown as itself."""
    if kind in ("recipient", "method"):
        entry = WORDS.get(f"{kind}.{code}")
    else:
        from ..names import describe

        return describe(f"{code}:{kind}" if kind else code, "ja" if _index(lang) else "en") or code
    return entry[_index(lang)] if entry else code


def labels(codes, lang: str, kind: str = "") -> str:
    """Several labels joined as the language joins a list (contact types with 「・」)."""
    separator = ("・" if kind == "type" else "、") if _index(lang) else ", "
    return separator.join(label(code, lang, kind) for code in codes)


def weekday(day: date, lang: str) -> str:
    return _WEEKDAYS["ja" if _index(lang) else "en"][day.weekday()]


def day_text(day: date | None, lang: str, wareki: bool = False) -> str:
    """ISO date, with its 和暦 in one pair of parentheses when asked: 2026-09-04（令和8年9月4日）."""
    if day is None:
        return ""
    if not wareki:
        return day.isoformat()
    return f"{day.isoformat()}（{_wareki(day)}）" if _index(lang) else f"{day.isoformat()} ({_wareki(day)})"


def date_html(day: date | None, lang: str, wareki: bool = False) -> Markup | str:
    """`day_text` for a narrow cell: the ISO date never breaks inside (a browser may break after a hyphen)."""
    if day is None:
        return ""
    text = day_text(day, lang, wareki)
    iso = day.isoformat()
    return Markup(el("span", iso, class_="nowrap") + el("span", text[len(iso):])) if wareki else \
        el("span", iso, class_="nowrap")


def month_text(month: Month, lang: str, wareki: bool = False) -> str:
    """2026年9月 (Japanese) or 2026-09 (English); with 和暦 in one pair of parentheses when asked."""
    plain = f"{month.year}年{month.month}月" if _index(lang) else str(month)
    if not wareki:
        return plain
    era = _wareki(month.first).rsplit("月", 1)[0] + "月"  # 令和8年9月1日 → 令和8年9月
    return f"{plain}（{era}）" if _index(lang) else f"{plain} ({era})"
