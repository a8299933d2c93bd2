"""The monthly 支援レポート, drafted from the contact log (pure: no I/O).

「就労定着支援の実施について」(2021): each month the office writes a support report and shares it with the
client and the employer. The sections follow SPEC §3: 対象月, 利用者氏名, 事業所名, 当月の支援目標,
就労・生活状況のまとめ, 支援実施内容および結果, 今後の支援計画, 作成者. Facts (dates, contacts, counts,
warning signs, plan dates) are filled in; the goal, the narrative summary and the outlook are left as
marked lines for the staff member to write: teikan does not invent support content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from .dates import Month, wareki
from .i18n import label, language, t
from .models import CONCERNS, CONTACT_TYPES, Client, Contact, Handover, Office, Plan

# (code, Japanese heading, English gloss). The Japanese names are the document's own: kept in both languages.
SECTIONS = (
    ("month", "対象月", "Month"),
    ("client", "利用者氏名", "Client"),
    ("office", "事業所名", "Office"),
    ("goal", "当月の支援目標", "This month's goal"),
    ("summary", "就労・生活状況のまとめ", "Work and daily life this month"),
    ("contacts", "支援実施内容および結果", "Support given and its results"),
    ("outlook", "今後の支援計画", "Support planned from here"),
    ("author", "作成者", "Written by"),
)
FORMATS = ("md", "text", "html")
_WEEKDAYS = {"ja": "月火水木金土日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


@dataclass(frozen=True)
class Draft:
    """What the report says, before it is laid out: section code → lines (the contacts section: items)."""

    title: str
    note: str
    sections: tuple[tuple[str, tuple], ...]


def check_draft_request(fmt: str, copy: str, month: Month, as_of: date) -> tuple[str, str]:
    """The format (`md`, `text`, `html`) and copy (`client`, `employer`) asked for, for a month that has begun
    by `as_of`. The employer's copy is a printed page: only `html` leaves out what was not chosen to share."""
    from .errors import InputError
    from .validation import choice

    kind = fmt.strip().lower()
    if kind not in FORMATS:
        raise InputError("support_report.bad_format", value=fmt)
    which = choice(copy, ("client", "employer"), "--copy")
    if which == "employer" and kind != "html":
        raise InputError("support_report.employer_copy_html")
    if month.first > as_of:
        raise InputError("support_report.future_month", month=str(month), as_of=as_of.isoformat())
    return kind, which


def build_draft(office: Office, client: Client, month: Month, contacts: list[Contact], plans: tuple[Plan, ...],
                handover: Handover | None, shared_on: date | None, as_of: date, *, wareki_dates: bool = False,
                share_command: str = "") -> Draft:
    """The draft for one client and month. `contacts` are that month's; `plans` the client's, oldest first."""
    from .rules import handover_state

    day = _day_formatter(wareki_dates)
    fill = lambda hint: t("support_report.fill", hint=t(f"support_report.fill.{hint}"))  # noqa: E731
    in_month = [c for c in contacts if month.first <= c.date <= month.last and c.date <= as_of]

    client_lines = [t("support_report.client", name=client.name)]
    if client.kana:
        client_lines.append(t("support_report.kana", kana=client.kana))
    if client.employer:
        client_lines.append(t("support_report.employer", employer=client.employer))
    client_lines.append(t("support_report.period", start=day(client.support_start), end=day(client.support_end)))

    office_line = office.name or fill("office")
    if office.number:
        office_line += _paren(t("support_report.office_number", number=office.number))

    from .documents.sources import plan_in_force
    from .rules import review_due

    plan = plan_in_force([p for p in plans if p.date <= as_of], Month.of(min(month.last, as_of)))
    goal = [fill("goal")]
    if plan is not None:
        # SPEC §11: the month's goal comes from the plan in force (the latest agreed by the month's end).
        goal = [t("support_report.plan", date=day(plan.date), due=day(review_due(plan)))]
        goal += [t(f"support_report.{key}", text=_clean(value)) for key, value in
                 (("long_goal", plan.long_goal), ("short_goal", plan.short_goal)) if value]
        goal += [t("support_report.item", text=_clean(item)) for item in plan.items]
        if len(goal) == 1:
            goal.append(fill("goal"))

    summary = [_counts_line(in_month), _concerns_line(in_month), fill("summary")]

    outlook = []
    if plan is None:
        outlook.append(t("support_report.no_plan"))
    elif plan.center_cooperation:
        outlook.append(t("support_report.cooperation", reasons=_join([label(r) for r in plan.center_cooperation])))
    if _handover_matters(client, handover, as_of):
        outlook.append(t("support_report.handover",
                         center=(handover.center if handover and handover.center
                                 else t("support_report.handover_center_unknown")),
                         deadline=day(client.share_deadline), state=label(handover_state(handover, client))))
    outlook.append(fill("outlook"))

    author = t("support_report.author", staff=client.staff, date=day(as_of)) if client.staff else \
        t("support_report.author", staff=fill("author"), date=day(as_of))

    sections = (
        ("month", (_month_text(month, wareki_dates),)),
        ("client", tuple(client_lines)),
        ("office", (office_line,)),
        ("goal", tuple(goal)),
        ("summary", tuple(summary)),
        ("contacts", tuple(_contact_item(c, day) for c in in_month)),
        ("outlook", tuple(outlook)),
        ("author", (author,)),
    )
    note = t("support_report.draft_note") + (" " if language() == "en" else "") + (
        t("support_report.shared", date=day(shared_on)) if shared_on is not None
        else t("support_report.share_hint", command=share_command))
    if not any("face" in c.types for c in in_month):
        note = t("support_report.no_face") + (" " if language() == "en" else "") + note
    return Draft(t("support_report.title"), note, sections)


def render_draft(draft: Draft, fmt: str) -> str:
    """Markdown (`md`) or plain text with 【】 headings (`text`), ending with one newline."""
    lines: list[str] = []
    if fmt == "md":
        lines += [f"# {draft.title}", "", f"> {draft.note}", ""]
    else:
        lines += [draft.title, "=" * 40, draft.note, ""]
    for code, content in draft.sections:
        heading = _heading(code)
        if code == "contacts":
            lines += _render_contacts(heading, content, fmt)
            continue
        if fmt == "md":
            lines += [f"## {heading}", ""] + [f"- {line}" if len(content) > 1 else line for line in content] + [""]
        else:
            lines.append(f"【{heading}】")
            lines += [f"  {line}" for line in content] + [""]
    from .render import safe_text  # the one neutralisation of text from the data (SPEC §13)

    return "\n".join(map(safe_text, lines)).rstrip("\n") + "\n"


# ------------------------------------------------------------------ pieces


def _heading(code: str) -> str:
    for key, ja, en in SECTIONS:
        if key == code:
            return ja if language() == "ja" else f"{ja} ({en})"
    raise KeyError(code)  # pragma: no cover


def _render_contacts(heading: str, items: tuple, fmt: str) -> list[str]:
    lines = [f"## {heading}", ""] if fmt == "md" else [f"【{heading}】"]
    if not items:
        empty = t("support_report.no_contacts")
        return lines + ([empty, ""] if fmt == "md" else [f"  {empty}", ""])
    for number, (head, details) in enumerate(items, start=1):
        if fmt == "md":
            lines += [f"### {number}. {head}", ""] + [f"- {d}" for d in details] + [""]
        else:
            lines.append(f"  {number}. {head}")
            lines += [f"     {d}" for d in details]
    if fmt != "md":
        lines.append("")
    return lines


def _contact_item(contact: Contact, day) -> tuple[str, tuple[str, ...]]:
    kinds = "・" if language() == "ja" else ", "
    head = f"{day(contact.date, weekday=True)} {kinds.join(label(k + ':type') for k in contact.types)}"
    parts = []
    if contact.place:
        parts.append(t("support_report.place", place=label(contact.place)))
    if contact.minutes is not None:
        parts.append(t("support_report.minutes", minutes=contact.minutes))
    if contact.staff:
        parts.append(t("support_report.staff", staff=_clean(contact.staff)))
    details = [" / ".join(parts)] if parts else []
    if contact.center_reason:
        details.append(t("support_report.center_reason", reason=label(contact.center_reason)))
    if contact.concerns:
        details.append(t("support_report.concerns", detail=_join([label(c) for c in contact.concerns])))
    if contact.note:
        details.append(t("support_report.note", note=_clean(contact.note)))
    return head, tuple(details)


def _counts_line(contacts: list[Contact]) -> str:
    if not contacts:
        return t("support_report.no_contacts")
    counts = Counter(k for c in contacts for k in c.types)
    detail = _join([t("support_report.count_item", label=label(k + ":type"), count=counts[k])
                    for k in CONTACT_TYPES if counts[k]])
    several = sum(counts.values()) > len(contacts)
    return t("support_report.counts_several" if several else "support_report.counts", detail=detail,
             total=len(contacts))


def _concerns_line(contacts: list[Contact]) -> str:
    counts = Counter(k for c in contacts for k in c.concerns)
    if not counts:
        return t("support_report.no_concerns")
    detail = _join([t("support_report.concern_item", label=label(k), count=counts[k]) for k in CONCERNS if counts[k]])
    return t("support_report.concerns", detail=detail)


def _handover_matters(client: Client, handover: Handover | None, as_of: date) -> bool:
    """Say where the handover stands once its deadline is within six months, until it is done."""
    from .rules import SETTLED, handover_state

    if handover_state(handover, client) in SETTLED:
        return False
    return (client.share_deadline - as_of).days <= 183


def _month_text(month: Month, wareki_dates: bool) -> str:
    if language() != "ja":
        return str(month) + (_paren(_wareki_month(month)) if wareki_dates else "")
    text = f"{month.year}年{month.month}月"
    return text + _paren(_wareki_month(month)) if wareki_dates else text


def _day_formatter(wareki_dates: bool):
    lang = language()

    def day(value: date, weekday: bool = False) -> str:
        """`2026-09-04（令和8年9月4日・金）`: 和暦 and weekday in one pair of parentheses."""
        extra = ([wareki(value)] if wareki_dates else []) + ([_WEEKDAYS[lang][value.weekday()]] if weekday else [])
        return value.isoformat() + (_paren(("・" if lang == "ja" else ", ").join(extra)) if extra else "")

    return day


def _wareki_month(month: Month) -> str:
    """令和8年9月 (the 和暦 of the month's first day without the day)."""
    return wareki(month.first).rsplit("月", 1)[0] + "月"


def _paren(text: str) -> str:
    return f"（{text}）" if language() == "ja" else f" ({text})"


def _join(items: list[str]) -> str:
    return ("、" if language() == "ja" else ", ").join(items)


def _clean(text: str) -> str:
    """Control characters out; line breaks in a note become spaces (one item, one line)."""
    import unicodedata

    return " ".join("".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in text).split())
