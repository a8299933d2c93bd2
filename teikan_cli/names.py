"""Names as a person reads them (SPEC §3): the one normalisation every lookup, import and uniqueness check uses.

>>> name_key("　山田\u3000 太郎 ")
'山田 太郎'
>>> name_key("ﾔﾏﾀﾞ　ﾀﾛｳ")
'ヤマダ タロウ'
"""

from __future__ import annotations

import unicodedata


def name_key(text: str | None) -> str | None:
    """NFKC (full-width letters and digits to ASCII, 半角カナ to full width), every run of whitespace (U+3000
    included) one ASCII space, ends trimmed. None stays None."""
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFKC", text).split())


# ---------------------------------------------------------------- coded values (placeholder until the vocabulary
# table lands: codes with their labels from the i18n catalogue)


def allowed_text(kind: str) -> str:
    from .i18n import label, language

    codes = _CODES[kind]
    suffix = ":type" if kind == "type" else ""
    sep = "、" if language() == "ja" else ", "
    return sep.join(f"{c}（{label(c + suffix)}）" if language() == "ja" else f"{c} ({label(c + suffix)})"
                    for c in codes)


def completions(kind: str, incomplete: str) -> list[str]:
    return [c for c in _CODES[kind] if c.startswith(incomplete)]


_CODES = {
    "type": ("face", "employer", "remote", "agency", "center"),
    "place": ("home", "workplace", "office", "other"),
    "concern": ("attendance", "appearance", "medication", "work-accuracy", "communication", "other"),
    "center_reason": ("advice", "team-support", "group-program"),
    "disability": ("physical", "intellectual", "mental", "developmental", "higher-brain", "intractable-disease"),
    "prior_service": ("transition", "continuation-a", "continuation-b", "daily-life-care", "training"),
    "role": ("supporter", "manager"),
    "end_reason": ("period-end", "job-loss", "user-request", "handover", "other"),
    "status": ("active", "ended", "not-started", "all"),
    "delivered_to": ("client", "consultation"),
    "recipient": ("client", "employer", "agency"),
    "method": ("paper", "mail", "email", "in-person"),
    "copy": ("client", "employer"),
}
