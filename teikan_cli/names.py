"""The one name rule and the one table of coded values (SPEC §3).

`name_key` is how two spellings of a name are compared: NFKC (full-width letters and digits, 半角カナ), every
run of whitespace (U+3000 included) made one ASCII space, ends trimmed.

`VOCABULARY` holds, for each kind of coded value, its codes in their canonical order, each with its English
label, its Japanese label (the office's own term) and the short forms an office types. Codes are the contract
(JSON, plain CSV, the database); labels are what a person reads; any of code, label or alias is accepted
wherever a code is typed (options, CSV cells), case-insensitively and after `name_key`. Within one kind a
spelling names one code only (tests/test_names.py proves it).

Pure: no I/O. `i18n` (for the language) and `errors` are imported only when needed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterable, NamedTuple

_SPACES = re.compile(r"\s+")


def name_key(text: str | None) -> str | None:
    """`name_key("山田\u3000 太郎 ")` → `"山田 太郎"`: NFKC, whitespace runs → one space, ends trimmed."""
    if text is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip(" ")


class Term(NamedTuple):
    code: str
    en: str
    ja: str
    aliases: tuple[str, ...] = ()


# Labels keep the words the tables and messages showed before this table existed (English) and the terms of the
# notices (Japanese: 「就労定着支援の実施について」, 報酬告示, the 実績記録票).
VOCABULARY: dict[str, tuple[Term, ...]] = {
    "type": (
        Term("face", "face", "対面支援", ("対面", "面談", "face-to-face", "face to face", "in person")),
        Term("employer", "employer", "企業訪問", ("企業", "職場訪問", "事業主", "employer visit")),
        Term("remote", "remote", "電話・メール等", ("電話", "メール", "オンライン", "ビデオ通話", "電話等", "phone", "mail",
                                                  "email", "video", "online")),
        Term("agency", "agency", "関係機関との連絡調整", ("関係機関", "連絡調整", "関係機関との連絡")),
        Term("center", "center", "支援センターの支援", ("支援センター", "センター", "センター支援", "センター連携",
                                                    "障害者就業・生活支援センター", "就業・生活支援センター",
                                                    "なかぽつ", "centre")),
    ),
    "place": (
        Term("home", "home", "自宅", ("家", "自宅訪問")),
        Term("workplace", "workplace", "職場", ("勤務先", "会社")),
        Term("office", "office", "事業所", ("当事業所", "来所")),
        Term("other", "other", "その他", ("他", "ほか")),
    ),
    "concern": (
        Term("attendance", "attendance", "遅刻・欠勤", ("遅刻", "欠勤", "遅刻や欠勤の増加", "勤怠")),
        Term("appearance", "appearance", "身だしなみ", ("身だしなみの乱れ", "服装")),
        Term("medication", "medication", "服薬", ("薬の飲み忘れ", "飲み忘れ", "薬")),
        Term("work-accuracy", "work accuracy", "作業の正確さ", ("作業", "正確さ", "正確な作業遂行", "作業ミス", "ミス")),
        Term("communication", "communication", "コミュニケーション", ("職場でのコミュニケーション", "人間関係")),
        Term("other", "other", "その他", ("他", "ほか")),
    ),
    "center_reason": (  # 「障害者就業・生活支援センターと就労定着支援事業所の関係について」(2018) 2: the three cases
        Term("advice", "advice", "助言", ("アドバイス", "助言・相談")),
        Term("team-support", "team support", "チーム支援", ("ハローワークのチーム支援", "ハローワーク")),
        Term("group-program", "group program", "集団プログラム", ("グループプログラム", "プログラム", "集団")),
    ),
    "disability": (
        Term("physical", "physical", "身体障害", ("身体", "身体障がい")),
        Term("intellectual", "intellectual", "知的障害", ("知的", "知的障がい")),
        Term("mental", "mental", "精神障害", ("精神", "精神障がい")),
        Term("developmental", "developmental", "発達障害", ("発達", "発達障がい")),
        Term("higher-brain", "higher brain dysfunction", "高次脳機能障害", ("高次脳", "高次脳機能")),
        Term("intractable-disease", "intractable disease", "難病", ("難病等",)),
    ),
    "prior_service": (
        Term("transition", "就労移行支援 (transition)", "就労移行支援", ("就労移行", "移行支援")),
        Term("continuation-a", "就労継続支援A (continuation A)", "就労継続支援A型", ("A型", "就労継続A型", "継続A型", "就労A")),
        Term("continuation-b", "就労継続支援B (continuation B)", "就労継続支援B型", ("B型", "就労継続B型", "継続B型", "就労B")),
        Term("daily-life-care", "生活介護 (daily-life care)", "生活介護", ("daily life care",)),
        Term("training", "自立訓練 (training)", "自立訓練", ("機能訓練", "生活訓練")),
    ),
    "role": (
        Term("supporter", "support worker", "就労定着支援員", ("支援員", "定着支援員")),
        Term("manager", "service manager", "サービス管理責任者", ("サビ管", "サビカン")),
    ),
    "end_reason": (
        Term("period-end", "period end", "期間満了", ("満了", "利用期間満了")),
        Term("job-loss", "job loss", "離職", ("退職", "失職")),
        Term("user-request", "user request", "本人の申し出", ("本人希望", "本人の希望", "申し出")),
        Term("handover", "handover", "引継ぎ", ("引き継ぎ", "引継")),
        Term("other", "other", "その他", ("他", "ほか")),
    ),
    "status": (
        Term("active", "active", "利用中"),
        Term("ended", "ended", "終了"),
        Term("not-started", "not started", "開始前"),
    ),
    "status_filter": (  # clients --status: a status, or every client
        Term("active", "active", "利用中"),
        Term("ended", "ended", "終了"),
        Term("not-started", "not started", "開始前"),
        Term("all", "all", "すべて", ("全員", "全て", "全部")),
    ),
    "handover_state": (
        Term("shared", "shared", "共有済み"),
        Term("shared-late", "shared late", "期限後に共有"),
        Term("shared-without-consent", "shared without consent", "同意前に共有"),
        Term("consented", "consented", "同意済み"),
        Term("not-started", "not started", "未着手"),
        Term("not-needed", "not needed", "不要"),
    ),
    "delivered_to": (
        Term("client", "client", "本人", ("利用者",)),
        Term("consultation", "consultation support office", "相談支援事業所", ("相談支援", "計画相談")),
    ),
    "recipient": (
        Term("client", "client", "本人", ("利用者",)),
        Term("employer", "employer", "企業", ("事業主", "就職先", "会社")),
        Term("agency", "agency", "関係機関", ("支援機関",)),
    ),
    "method": (
        Term("paper", "paper", "紙", ("紙面", "書面", "印刷")),
        Term("mail", "mail", "郵送", ("郵便",)),
        Term("email", "email", "電子メール", ("メール", "Eメール", "e-mail")),
        Term("in-person", "in person", "手渡し", ("対面", "直接")),
    ),
    "copy": (
        Term("client", "client's copy", "本人用", ("本人", "利用者")),
        Term("employer", "employer's copy", "企業用", ("企業", "事業主")),
    ),
    "csv_kind": (  # import/export KIND: what a CSV file holds (the words of the import messages and help)
        Term("clients", "clients", "利用者", ("利用者一覧", "client")),
        Term("contacts", "contacts", "支援記録", ("記録", "支援記録一覧", "contact")),
        Term("staff", "staff", "職員配置", ("職員", "職員一覧", "スタッフ")),
    ),
}

KINDS = tuple(VOCABULARY)

# The kind of the coded values a column holds (table columns, JSON keys, CSV headers).
COLUMN_KINDS = {
    "types": "type", "type": "type", "place": "place", "concerns": "concern", "concern": "concern",
    "center_reason": "center_reason", "center_cooperation": "center_reason", "disabilities": "disability",
    "disability": "disability", "prior_service": "prior_service", "role": "role", "end_reason": "end_reason",
    "status": "status", "state": "handover_state", "delivered_to": "delivered_to", "recipients": "recipient",
    "recipient": "recipient", "method": "method", "copy": "copy",
}


def codes(kind: str) -> tuple[str, ...]:
    """The codes of `kind` in canonical order: `codes("role")` → `("supporter", "manager")`."""
    return tuple(term.code for term in VOCABULARY[kind])


def is_code(kind: str, code: str) -> bool:
    return code in _terms(kind)


def kind_of(allowed: tuple[str, ...]) -> str | None:
    """The kind whose codes are exactly `allowed` (in order), if any: how `validation.choice` knows a tuple of
    codes from models is a vocabulary."""
    return _KIND_OF.get(tuple(allowed))


_KIND_OF = {codes(kind): kind for kind in KINDS}


def _language(lang: str | None) -> str:
    if lang is not None:
        return lang
    from .i18n import language

    return language()


def label(kind: str, code: str, lang: str | None = None) -> str:
    """The label of `code` in the current language (or `lang`); an unknown code is shown as itself."""
    term = _terms(kind).get(code)
    if term is None:
        return code
    return term.ja if _language(lang) == "ja" else term.en


def describe(key: str, lang: str | None = None) -> str | None:
    """`i18n.label`'s fallback for enumeration codes: `face:type`, `not-started:state` (a kind or a column after
    the colon) or a bare code (the first kind, in table order, that has it); None when no kind has it."""
    code, _, where = key.partition(":")
    if where:
        kind = COLUMN_KINDS.get(where, where)
        if kind in VOCABULARY and code in _terms(kind):
            return label(kind, code, lang)
        return None
    for kind in KINDS:
        if code in _terms(kind):
            return label(kind, code, lang)
    return None


def _terms(kind: str) -> dict[str, Term]:
    found = _TERMS.get(kind)
    if found is None:
        found = _TERMS[kind] = {term.code: term for term in VOCABULARY[kind]}
    return found


_TERMS: dict[str, dict[str, Term]] = {}


# ------------------------------------------------------------------ parsing


def match_key(text: str) -> str:
    """How a typed value is compared with the table: `name_key`, case-folded (`ＦＡＣＥ` → `face`)."""
    return (name_key(text) or "").casefold()


def _dashed(key: str) -> str:
    """`work accuracy`, `work_accuracy` → `work-accuracy` (a code typed with spaces or underscores)."""
    return key.replace("_", "-").replace(" ", "-")


def spellings(term: Term) -> tuple[str, ...]:
    """Everything that names `term`: its code, both labels, its aliases."""
    return (term.code, term.en, term.ja, *term.aliases)


def _index(kind: str) -> dict[str, str]:
    found = _INDEXES.get(kind)
    if found is None:
        found = {}
        for term in VOCABULARY[kind]:
            for spelling in spellings(term):
                key = match_key(spelling)
                for variant in (key, _dashed(key)):
                    found.setdefault(variant, term.code)
        _INDEXES[kind] = found
    return found


_INDEXES: dict[str, dict[str, str]] = {}


def collisions() -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, spelling, codes) for every spelling that would name two codes of one kind: none, ever."""
    found = []
    for kind in KINDS:
        seen: dict[str, set[str]] = {}
        for term in VOCABULARY[kind]:
            for spelling in spellings(term):
                key = match_key(spelling)
                for variant in {key, _dashed(key)}:
                    seen.setdefault(variant, set()).add(term.code)
        found += [(kind, key, tuple(sorted(names))) for key, names in seen.items() if len(names) > 1]
    return found


def find_code(kind: str, text: str) -> str | None:
    """The code `text` names in `kind`, or None."""
    index = _index(kind)
    key = match_key(text)
    return index.get(key) or index.get(_dashed(key))


def parse_code(kind: str, text: str, field: str) -> str:
    """One coded value from what a person typed: `parse_code("type", "対面", "--type")` → `"face"`."""
    found = find_code(kind, text)
    if found is None:
        from .errors import InputError

        raise InputError("input.bad_choice", field=field, value=text, allowed=_Allowed(kind))
    return found


class _Allowed:
    """`allowed_text(kind)` in the language of the moment the message is shown, not of when it was raised."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __str__(self) -> str:
        return allowed_text(self.kind)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def parse_codes(kind: str, values: str | Iterable[str] | None, field: str) -> tuple[str, ...]:
    """Several coded values (a repeated option, `+`- or `＋`-joined cells), de-duplicated, in table order."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    picked = set()
    for value in values:
        for part in unicodedata.normalize("NFKC", str(value)).split("+"):
            if part.strip():
                picked.add(parse_code(kind, part, field))
    return tuple(code for code in codes(kind) if code in picked)


def allowed_text(kind: str, lang: str | None = None) -> str:
    """Every code with its Japanese label, for errors and help: `face（対面支援）、employer（企業訪問）…` in
    Japanese, `face (対面支援), employer (企業訪問), …` in English (the label is the office's own term)."""
    if _language(lang) == "ja":
        return "、".join(f"{term.code}（{term.ja}）" for term in VOCABULARY[kind])
    return ", ".join(f"{term.code} ({term.ja})" for term in VOCABULARY[kind])


def completion(kind: str) -> Callable[[str], list[tuple[str, str]]]:
    """A Typer `autocompletion=` function for an option taking `kind`: the codes starting with what was typed
    (each with its label as the help), and once the user has started typing Japanese, the labels and aliases
    that start with it."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        typed = match_key(incomplete or "")
        offered = []
        for term in VOCABULARY[kind]:
            help_text = f"{term.ja} / {term.en}" if term.en != term.code else term.ja
            if term.code.startswith(typed):
                offered.append((term.code, help_text))
            elif typed and not typed.isascii():
                for spelling in (term.ja, *term.aliases):
                    if not spelling.isascii() and match_key(spelling).startswith(typed):
                        offered.append((spelling, term.code))
        return offered

    return complete


__all__ = [
    "COLUMN_KINDS", "KINDS", "Term", "VOCABULARY", "allowed_text", "codes", "collisions", "completion", "describe",
    "find_code", "is_code", "kind_of", "label", "match_key", "name_key", "parse_code", "parse_codes", "spellings",
]
