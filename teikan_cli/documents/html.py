"""The one HTML layer for printed pages: escaping, a tiny element builder, the A4 page and its CSS (pure).

Every text that comes from data reaches HTML through `text()`, and `el()` passes each of its string children
through it: text is escaped exactly once, here. The only raw HTML is this layer's own markup (`Markup`, made
by `el()` and `document()`), never a caller's string. On top of the usual `& < > " '`, `text()` shows control
and bidirectional characters as visible escapes (`\\x1b`, `\\u202e`): a restored file may hold them, and a
right-to-left override would otherwise reorder what a person reads on paper.

A document is standalone: no scripts, no links, no images, no web fonts, no `@import`; fonts come from the
system, with a Japanese fallback list. A Content-Security-Policy forbids any load even if something slipped in.
`el()` refuses `src`, `href` and `on…` attributes, so no page built here can reach out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = ["Markup", "text", "el", "document", "SERIF", "SANS"]


class Markup(str):
    """HTML this layer built itself. Only `el()`, `document()` and the layer's constants make one."""

    __slots__ = ()


# C0 and C1 controls (a newline stays: notes are multi-line), bidi marks, embeddings, overrides and isolates,
# the Unicode line and paragraph separators, the byte-order mark, and lone surrogates (not encodable).
_HIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ufeff\ud800-\udfff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return f'<span class="ctl">{escape}</span>'


def text(value: object) -> Markup:
    """Data as HTML text: escaped once, with control and bidi characters shown as visible escapes."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"text() takes a str or a number, not {type(value).__name__}")
    escaped = html.escape(str(value), quote=True)
    return Markup(_HIDDEN.sub(_visible, escaped))


_TAGS = frozenset("html head body title meta style main section header footer div p span h1 h2 h3 table thead "
                  "tbody tfoot tr th td col colgroup ul ol li dl dt dd br strong em small".split())
_VOID = frozenset({"meta", "br", "col"})
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9-]*$")
_REFUSED = ("src", "href", "srcset", "action", "formaction", "style", "xlink-href")


def el(tag: str, *children: object, **attributes: object) -> Markup:
    """`<tag attributes>children</tag>`. Strings and numbers among the children are escaped (`text()`);
    a `Markup` child is kept; None and False are skipped; lists, tuples and generators are flattened.
    Attribute names: `class_` → `class`, `_` → `-`; a value of True writes the bare attribute, None or False
    leaves it out."""
    if tag not in _TAGS:
        raise ValueError(f"el(): tag <{tag}> is not one this layer writes")
    parts = [f"<{tag}"]
    for name, value in attributes.items():
        name = name.rstrip("_").replace("_", "-")
        if not _ATTRIBUTE.match(name) or name in _REFUSED or name.startswith("on"):
            raise ValueError(f"el(): attribute {name!r} is not allowed")
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{text(value)}"')
    parts.append(">")
    if tag in _VOID:
        if children:
            raise ValueError(f"el(): <{tag}> has no children")
        return Markup("".join(parts))
    _append(parts, children)
    parts.append(f"</{tag}>")
    return Markup("".join(parts))


def _append(parts: list[str], children: Iterable) -> None:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, Markup):
            parts.append(child)
        elif isinstance(child, (str, int, float)) and not isinstance(child, bool):
            parts.append(text(child))
        elif isinstance(child, (list, tuple)) or hasattr(child, "__next__"):
            _append(parts, child)
        else:
            raise TypeError(f"el(): cannot place a {type(child).__name__} in HTML")


# ----------------------------------------------------------------------------------------------- the page

# System fonts only. Mincho (serif) for the body, as Japanese forms are printed; Gothic (sans) for headings
# and the small print of tables. Noto CJK first (Linux), then macOS, then Windows names.
SERIF = ('"Noto Serif CJK JP", "Noto Sans CJK JP", "Hiragino Mincho ProN", "Yu Mincho", "YuMincho", '
         '"MS Mincho", serif')
SANS = ('"Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic", "YuGothic", '
        'Meiryo, "MS Gothic", sans-serif')

_CSS = """
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
html { font-family: %(serif)s; font-size: 9.5pt; line-height: 1.4; color: #000; background: #fff;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
h1, h2, h3, th, .label, .sans { font-family: %(sans)s; }
h1 { font-size: 16pt; font-weight: bold; margin: 0 0 1mm 0; letter-spacing: 0.1em; }
h2 { font-size: 10pt; font-weight: bold; margin: 2.5mm 0 1mm 0; padding: 0 0 0 2mm;
     border-left: 1.2mm solid #000; break-after: avoid; }
.gloss { font-weight: normal; font-size: 0.8em; color: #333; margin-left: 0.6em; letter-spacing: 0; }
h1 .gloss { display: block; font-size: 9pt; margin: 0; }
.nowrap { white-space: nowrap; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
th, td { border: 0.3mm solid #000; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left;
         overflow-wrap: break-word; }
th { font-weight: bold; font-size: 9pt; background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.note { white-space: pre-line; }
.small { font-size: 8.5pt; }
.muted { color: #444; }
.center { text-align: center; }
.right { text-align: right; }
.num { text-align: center; font-family: %(sans)s; }
.ctl { font-family: monospace; font-size: 0.9em; border: 0.2mm solid #000; padding: 0 0.3mm; }
.blank { display: inline-block; min-width: 30mm; border-bottom: 0.3mm solid #000; }
.box { border: 0.3mm solid #000; padding: 1.5mm 2mm; break-inside: avoid; }
.alert { border: 0.8mm solid #000; padding: 2mm 3mm; margin: 2mm 0 3mm 0; font-family: %(sans)s;
         font-weight: bold; }
.ruled { border: 0.3mm solid #000; padding: 0 2mm; break-inside: avoid; }
.ruled div { height: 8mm; border-bottom: 0.2mm dotted #000; }
.ruled div:last-child { border-bottom: none; }
.signatures { display: flex; gap: 4mm; break-inside: avoid; }
.signatures .box { flex: 1; }
.sign-line { display: flex; align-items: flex-end; height: 9mm; border-bottom: 0.3mm solid #000; }
.sign-line .label { font-size: 8.5pt; white-space: nowrap; }
@media screen {
  body { background: #888; padding: 6mm 0; }
  .page { width: 210mm; min-height: 297mm; margin: 0 auto 6mm auto; padding: 12mm 14mm; background: #fff; }
}
""".strip()


def document(*, title: str, lang: str, body: Iterable[Markup], css: str = "") -> str:
    """A complete standalone HTML5 document: A4 pages (each a `<section class="page">` in `body`), print CSS
    plus the caller's `css` (the layer's own constant, never data), and nothing loaded from anywhere."""
    if lang not in ("ja", "en"):
        raise ValueError(f"document(): lang must be 'ja' or 'en', not {lang!r}")
    style = _CSS % {"serif": SERIF, "sans": SANS} + ("\n" + css.strip() if css else "")
    if re.search(r"(?i)url\(|@import|//|<", style):
        raise ValueError("document(): the page's CSS must not load anything")
    head = el("head",
              el("meta", charset="utf-8"),
              el("meta", http_equiv="Content-Security-Policy",
                 content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("title", title),
              Markup(f"<style>\n{style}\n</style>"))
    return "<!DOCTYPE html>\n" + el("html", head, el("body", *body), lang=lang) + "\n"
