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
