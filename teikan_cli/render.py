"""Output: one row list rendered as a rich table (terminal), plain text (pipes, NO_COLOR), JSON or CSV.

rich is imported only when a terminal table is actually drawn.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import unicodedata
from itertools import repeat
from datetime import date
from typing import Iterable, Sequence

from .dates import wareki
from .i18n import LABELS, label
from .names import COLUMN_KINDS, is_code
from .names import label as code_label

DATE_COLUMNS = {
    "date", "support_start", "support_end", "share_deadline", "eligible_from", "employment_start", "employment_end",
    "ended_on", "grant_until", "consent_date", "shared_date", "from", "until",
}


def is_rich_terminal(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_LABELLED_COLUMNS = frozenset({"status", "state", "role", "severity", "end_reason", "place", "center_reason",
                               "prior_service"})


# 常勤換算 figures: at least one decimal in a table, so that a full-time 1.0 stands as such beside a 0.5 (a person's
# own share stays exact, 0.25: only the office's total is truncated to 0.1, SPEC §4 rule 6). JSON keeps numbers.
FTE_COLUMNS = frozenset({"fte", "supporter_fte", "supporter_fte_required"})


def fte_text(value: float) -> str:
    """`1` → `1.0`, `0.5` → `0.5`, `0.25` → `0.25` (exact to four decimals, at least one)."""
    text = f"{value:.4f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def cell(value, column: str = "", wareki_dates: bool = False) -> str:
    """A value as table text: lists joined, booleans as yes/no labels, dates optionally with 和暦, 常勤換算 with
    one decimal at least (`FTE_COLUMNS`)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is int:
        return fte_text(value) if column in FTE_COLUMNS else str(value)
    if kind is str and column not in _LABELLED_COLUMNS and not (wareki_dates and column in DATE_COLUMNS):
        return value
    if isinstance(value, bool):
        return _bool_label(value, column)
    if isinstance(value, (list, tuple)):
        return ", ".join(_item_label(str(v), column) for v in value)
    if isinstance(value, float):
        return fte_text(value) if column in FTE_COLUMNS else f"{value:g}"
    text = str(value)
    if column in _LABELLED_COLUMNS:
        kind = COLUMN_KINDS.get(column)
        return code_label(kind, text) if kind is not None and is_code(kind, text) else label(text)
    if wareki_dates and column in DATE_COLUMNS and text:
        try:
            return f"{text} ({wareki(date.fromisoformat(text))})"
        except ValueError:
            return text
    return text


# List columns whose items are codes shown by their label (`face` → 対面支援); other lists show their items.
LABELLED_LISTS = {"concerns": "concern", "disabilities": "disability", "center_cooperation": "center_reason",
                  "types": "type", "delivered_to": "delivered_to", "recipients": "recipient"}


def header(column: str, rows: Sequence[dict] = ()) -> str:
    """A column's localised header. A column of counts says what it counts where the same code names
    something else elsewhere (`employer`: 就職先 in a client list, 企業訪問 in the monthly report)."""
    return _column_header(column, [r.get(column) for r in rows])


def _header_key(column: str, values: Sequence) -> str:
    counted = f"{column}:count"
    if counted in LABELS and values and all(type(v) is int for v in values):
        return counted
    return column


def _column_header(column: str, values: Sequence) -> str:
    return label(_header_key(column, values))


def short_header(column: str, values: Sequence = ()) -> str | None:
    """The shorter header a narrow terminal may use (`report_shared`: 支援レポート → レポート), if the column has one
    in the current language (LABELS `KEY:short`)."""
    key = _header_key(column, values) + ":short"
    if key not in LABELS:
        return None
    return label(key)


def _item_label(code: str, column: str) -> str:
    """Codes in a list column shown by their localised label (`face` → 対面支援); other lists as they are."""
    kind = LABELLED_LISTS.get(column)
    return code if kind is None else code_label(kind, code)


def _bool_label(value: bool, column: str) -> str:
    """yes/no, in the column's own words where it has them (請求 可/不可)."""
    key = f"{'yes' if value else 'no'}:{column}"
    return label(key) if key in LABELS else label("yes" if value else "no")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "+".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def width(text: str) -> int:
    """Columns the text takes in a terminal: East Asian wide and full-width characters take two."""
    if text.isascii():
        return len(text)
    return _wide_width(text)


class _CharWidths(dict):
    """Columns per character, looked up once per distinct character."""

    def __missing__(self, ch: str) -> int:
        self[ch] = found = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return found


_CHAR_WIDTHS = _CharWidths()


def _wide_width(text: str) -> int:
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def _is_number(text: str) -> bool:
    return text == "" or text.replace(".", "", 1).lstrip("-").isdigit()


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[str]], headers: Sequence[str]) -> str:
    """Aligned plain text, never cut to the terminal width. Numbers are right-aligned, codes made of digits
    (`certificate`, or digits with a leading zero) left-aligned like text."""
    rows = [list(r) for r in rows]
    texts = [[r[i] for r in rows] for i in range(len(headers))]
    return _plain_columns(texts, headers, [str(c) for c in columns])


def _plain_columns(texts: Sequence[list[str]], headers: Sequence[str], keys: Sequence[str] = ()) -> str:
    """`plain_table` from the cells a column at a time (a national report has 20,000 rows): each column's
    size and alignment once, then one `%` format a line; columns with wide characters are padded first.
    `keys[i]`: column i's name (a code column is left-aligned even when all digits, see `_is_code`)."""
    fields, columns, head_cells = [], [], []
    keys = list(keys) + [""] * (len(headers) - len(keys))
    for head, values, key in zip(headers, texts, keys):
        joined = "".join(values)
        right = bool(values) and (not joined or joined.isdigit() or (
            "." in joined and all(v.replace(".", "", 1).isdigit() or v == "" for v in values)))
        right = right and not _is_code(key, values)
        if joined.isascii():
            size = max(width(head), max(map(len, values), default=0))
            fields.append(f"%{size}s" if right else f"%-{size}s")
            columns.append(values)
        else:
            widths = _widths(values, set(joined))
            size = max(width(head), max(widths, default=0))
            fields.append("%s")
            columns.append([" " * (size - w) + v for v, w in zip(values, widths)] if right else
                           [v + " " * (size - w) for v, w in zip(values, widths)])
        head_cells.append(_pad(head, size, right))
    line = "  ".join(fields).__mod__
    body = map(str.rstrip, map(line, zip(*columns))) if columns else iter(())
    return "\n".join(["  ".join(head_cells).rstrip(), *body])


def _widths(values: list[str], chars: set[str]) -> list[int]:
    """`width` of each value, measured in C: when every non-ASCII character of the column is wide and takes
    three bytes in UTF-8 (kanji, kana, full-width forms), a value's width is its length plus half its extra
    bytes; otherwise wide characters are translated to two cells and the result's length taken."""
    wide = {ch for ch in chars if _CHAR_WIDTHS[ch] == 2}
    if all(ch in wide and 0x800 <= ord(ch) <= 0xFFFF for ch in chars if ord(ch) > 0x7F):
        return [(len(v.encode()) + len(v)) // 2 if not v.isascii() else len(v) for v in values]
    doubled = {ord(ch): "  " for ch in wide}
    return [len(v.translate(doubled)) for v in values]


_NONE = type(None)


def _column_texts(column: str, values: list, wareki_dates: bool) -> list[str]:
    """`safe_text(cell(v))` for one column's values, with fast paths for columns of plain text, counts, yes/no
    and lists."""
    kinds = set(map(type, values))
    if kinds <= {str, _NONE} and column not in _LABELLED_COLUMNS and not (wareki_dates and column in DATE_COLUMNS):
        return ["" if v is None else v if v.isprintable() else safe_text(v) for v in values]
    if kinds == {int}:
        return list(map(str, values))
    if kinds <= {int, _NONE}:
        return ["" if v is None else str(v) for v in values]
    if kinds == {bool}:
        yes, no = _bool_label(True, column), _bool_label(False, column)
        return [yes if v else no for v in values]
    if kinds <= {list, tuple}:
        texts = [", ".join([_item_label(str(x), column) for x in v]) if v else "" for v in values]
        return [t if t.isprintable() else safe_text(t) for t in texts]
    return [safe_text(cell(v, column, wareki_dates)) for v in values]


def print_table(columns: Sequence[str], rows: Sequence[dict], *, title: str | None = None,
                wareki_dates: bool = False, out=None, omit: Sequence[str] | None = None) -> None:
    """The rows as a table: rich on a terminal, fitted to its width (see `_print_rich_table`; `omit`: the columns
    it may leave out when narrow, first to go first); aligned plain text otherwise, never cut."""
    print_columns(columns, [list(map(dict.get, rows, repeat(c))) for c in columns], title=title,
                  wareki_dates=wareki_dates, out=out, omit=omit)


def print_columns(columns: Sequence[str], values: Sequence[list], *, title: str | None = None,
                  wareki_dates: bool = False, out=None, omit: Sequence[str] | None = None) -> None:
    """`print_table` given a column at a time: `values[i]` holds column i's value of every row."""
    out = out or sys.stdout
    title = None if title is None else safe_text(title)
    headers = [safe_text(_column_header(c, v)) for c, v in zip(columns, values)]
    by_column = [_column_texts(c, v, wareki_dates) for c, v in zip(columns, values)]
    if is_rich_terminal(out):
        shorts = [short_header(c, v) for c, v in zip(columns, values)]
        _print_rich_table(columns, headers, shorts, [list(r) for r in zip(*by_column)], title, out,
                          NARROW_OMIT if omit is None else omit)
    else:
        if title:
            out.write(title + "\n")
        out.write(_plain_columns(by_column, headers, columns) + "\n")


# ------------------------------------------------------------------ the table on a terminal (issue 16)

GAP = 2  # cells between two columns on a terminal (rich: one of padding, one of the SIMPLE_HEAD separator)
FREE_TEXT_MIN = 10  # a free-text column is never shortened below this on a terminal (nor below its header)
FREE_TEXT_COMFORT = 20  # ... nor below this before list and date cells are folded onto more lines
# Free text: shortened with … on a terminal when the table would not fit (whole in pipes, CSV and JSON).
FREE_TEXT_COLUMNS = frozenset({"note", "employer", "center", "detail", "message", "record", "long_goal",
                               "short_goal", "items"})
# ... except sentences a person must read whole (a finding, a change in the history): folded onto more lines.
FOLDED_TEXT_COLUMNS = frozenset({"message", "detail"})
# Codes made of digits: left-aligned like text, not right-aligned like a number (受給者証番号, 事業所番号).
CODE_COLUMNS = frozenset({"certificate", "office_number", "number"})
# The columns a narrow terminal leaves out first, first to go first, when a table cannot fit otherwise
# (print_table's `omit` names others for a screen); a line under the table names what was left out.
NARROW_OMIT = ("kana", "center_reason", "place", "minutes", "disabilities", "prior_service", "grant_until",
               "eligible_from", "employment_start", "employment_end", "ended_on", "end_reason", "certificate",
               "consent_date", "delivered_to", "days_to_end", "employer", "staff", "who")


def _is_code(key: str, values: Sequence[str]) -> bool:
    """A column of digit codes: a known code column, or digits with a leading zero (`0000000003`)."""
    return key in CODE_COLUMNS or any(len(v) > 1 and v[0] == "0" and v[1] != "." for v in values)


def _breaks(text: str) -> list[str]:
    """A cell's pieces at its natural breaks: after a list's `, ` and before a parenthesis (`2025-04-01
    (令和7年4月1日)`, `個別支援計画の作成・見直し（期限 2026-10-20）`)."""
    pieces = [part + "," for part in text.split(", ")]
    pieces[-1] = pieces[-1][:-1]
    out = []
    for piece in pieces:
        parts = re.split(r" (?=\()|(?<=[^ (（])(?=（)", piece)
        out += [p for p in parts if p] or [piece]
    return out


def _pack(pieces: list[str], size: int) -> str:
    """Pieces joined by spaces into lines of at most `size` cells (a piece wider than that on its own line)."""
    lines: list[str] = []
    for piece in pieces:
        if lines and width(lines[-1]) + 1 + width(piece) <= size:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def shorten(text: str, size: int) -> str:
    """`text` cut to `size` terminal cells, ending with `…` when cut (East Asian wide characters take two)."""
    if width(text) <= size:
        return text
    out, used = [], 0
    for ch in text:
        cells = width(ch)
        if used + cells > size - 1:
            break
        out.append(ch)
        used += cells
    return "".join(out) + "…"


def _header_lines(text: str, most: int = 3) -> str:
    """A header broken at its spaces (a natural break, in either language) into the fewest lines of the least
    width, at most `most` lines; a header without spaces is never broken (no `支援レ/ポート`)."""
    words = text.split(" ")
    best = text
    for count in range(2, min(most, len(words)) + 1):
        target = max(width(w) for w in words)
        while True:
            packed = _pack(words, target)
            if packed.count("\n") < count:
                break
            target += 1
        if _lines_width(packed) < _lines_width(best):
            best = packed
    return best


def _lines_width(text: str) -> int:
    return max(map(width, text.split("\n")))


class _TermColumn:
    """One column of a terminal table with the narrower forms it can take: a shorter or broken header, cells
    folded at their natural breaks, or (free text) cells shortened with …. Each distinct value is measured once
    (a national report repeats the same few in 20,000 rows)."""

    def __init__(self, key: str, header: str, short: str | None, cells: list[str]) -> None:
        self.key, self.cells = key, cells
        distinct = set(cells)
        numeric = bool(cells) and all(map(_is_number, distinct))
        self.right = numeric and not _is_code(key, distinct)
        self.natural = max(map(width, distinct), default=0)
        pieces = {} if numeric else {v: _breaks(v) for v in distinct}
        # Free text: the known columns, and any other long text that has no natural break (a list has).
        self.free = not numeric and (key in FREE_TEXT_COLUMNS or (
            key not in DATE_COLUMNS and self.natural > 40 and all(len(p) == 1 for p in pieces.values())))
        forms = [header] + ([short] if short and short != header else [])
        forms += [_header_lines(f) for f in list(forms)]
        self.header = header
        self.pieces = {} if self.free else pieces
        folded = max((width(p) for ps in self.pieces.values() for p in ps), default=0) if self.pieces else 0
        self.folded = folded if self.pieces and folded < self.natural else None
        # The compact header: the one that makes the column narrowest (its folded cells, or free text at its
        # least), then the one on fewer lines, then the first of full, short, broken.
        least = min(self.natural, FREE_TEXT_MIN) if self.free else self.folded or self.natural
        self.compact = min(forms, key=lambda f: (max(_lines_width(f), least), f.count("\n"), forms.index(f)))

    def head_width(self, compact: bool) -> int:
        return _lines_width(self.compact if compact else self.header)

    def fixed_width(self, compact: bool, fold: bool) -> int:
        return max(self.head_width(compact), self.folded if fold and self.folded else self.natural, 1)

    def packed_width(self, size: int) -> int:
        """The widest line of the folded cells packed into lines of at most `size` cells."""
        return max((_lines_width(_pack(p, size)) for p in self.pieces.values()), default=0)

    def text(self, row: int, size: int, folded: bool) -> str:
        value = self.cells[row]
        if self.free and self.key in FOLDED_TEXT_COLUMNS:
            return "\n".join(fold(value, size)) if width(value) > size else value
        if self.free:
            return shorten(value, size)
        if folded and self.folded:
            return _pack(self.pieces[value], size)
        return value


def _share(room: int, wants: list[tuple[int, int]]) -> list[int] | None:
    """`room` cells shared among free-text columns wanting (natural, least) each: every one at least its least,
    then one cell at a time to the narrowest still short of its natural width; None when the least do not fit."""
    sizes = [least for _natural, least in wants]
    if sum(sizes) > room:
        return None
    spare = room - sum(sizes)
    while spare > 0:
        short = [i for i, (natural, _least) in enumerate(wants) if sizes[i] < natural]
        if not short:
            break
        i = min(short, key=lambda i: sizes[i])
        sizes[i] += 1
        spare -= 1
    return sizes


def _fit(cols: list[_TermColumn], limit: int, force: bool = False):
    """(compact header, folded cells, width) per column so that the table takes at most `limit` cells, trying in
    turn: shorter headers (the one saving most first), free text down to FREE_TEXT_COMFORT, list and date cells
    folded (the one saving most first), free text down to FREE_TEXT_MIN. None when even that does not fit; with
    `force`, that narrowest plan whatever its width."""
    n = len(cols)
    head, fold = [False] * n, [False] * n

    def attempt(floor: int, room: int = limit):
        fixed = sum(c.fixed_width(head[i], fold[i]) for i, c in enumerate(cols) if not c.free) + GAP * (n - 1)
        free = [i for i, c in enumerate(cols) if c.free]
        # A sentence folded into a strip narrower than FREE_TEXT_COMFORT is unreadable: it keeps that much.
        floors = [max(floor, FREE_TEXT_COMFORT) if cols[i].key in FOLDED_TEXT_COLUMNS else floor for i in free]
        wants = [(max(cols[i].natural, cols[i].head_width(head[i])),
                  max(cols[i].head_width(head[i]), min(cols[i].natural, least), 1)) for i, least in zip(free, floors)]
        sizes = _share(room - fixed, wants)
        if sizes is None:
            return None
        given = dict(zip(free, sizes))
        plan = [[head[i], fold[i], given[i] if c.free else c.fixed_width(head[i], fold[i])]
                for i, c in enumerate(cols)]
        spare = room - fixed - sum(sizes)
        for i, c in enumerate(cols):  # room left over widens folded cells back toward one line
            if fold[i] and spare > 0:
                grown = max(c.packed_width(plan[i][2] + spare), plan[i][2])
                spare -= grown - plan[i][2]
                plan[i][2] = grown
        return [tuple(p) for p in plan]

    def width_with(i: int, compact: bool, folded: bool) -> int:
        c = cols[i]
        if c.free:
            return max(c.head_width(compact), min(c.natural, FREE_TEXT_COMFORT))
        return c.fixed_width(compact, folded)

    steps = [(10_000, head, i, width_with(i, False, False) - width_with(i, True, False)) for i in range(n)]
    steps += [(FREE_TEXT_COMFORT, fold, i, width_with(i, True, False) - width_with(i, True, True)) for i in range(n)]
    plan = attempt(10_000)
    for floor, forms, i, saving in sorted(steps, key=lambda s: (s[0] != 10_000, -s[3])):
        if plan is not None:
            return plan
        if floor == FREE_TEXT_COMFORT and not any(fold):
            plan = attempt(FREE_TEXT_COMFORT)
            if plan is not None:
                return plan
        if saving > 0 or (forms is head and cols[i].free and cols[i].head_width(True) < cols[i].head_width(False)):
            forms[i] = True
            plan = attempt(floor)
    plan = plan or attempt(FREE_TEXT_COMFORT) or attempt(FREE_TEXT_MIN)
    if plan is None and force:
        room = sum(c.fixed_width(head[i], fold[i]) + GAP for i, c in enumerate(cols) if not c.free) - GAP
        room += sum(max(c.head_width(head[i]), min(c.natural, FREE_TEXT_MIN), 1) + GAP for i, c in enumerate(cols)
                    if c.free)
        plan = attempt(FREE_TEXT_MIN, room)
    return plan


def terminal_layout(columns: Sequence[str], headers: Sequence[str], shorts: Sequence[str | None],
                    texts: list[list[str]], limit: int, omit: Sequence[str] = NARROW_OMIT):
    """The columns a terminal of `limit` cells shows and how: (shown column indexes, their `_TermColumn`s, the
    plan of `_fit`, the indexes left out). Columns are left out, in `omit` order (empty ones first), only when
    nothing else fits."""
    cols = [_TermColumn(key, head, short, [r[i] for r in texts])
            for i, (key, head, short) in enumerate(zip(columns, headers, shorts))]
    order = [columns.index(key) for key in omit if key in columns]
    empty = [i for i in range(len(columns)) if not any(r[i] for r in texts)]
    order = empty + [i for i in order if i not in empty]  # an empty column goes first: it shows nothing
    left_out: list[int] = []
    while True:
        shown = [i for i in range(len(cols)) if i not in left_out]
        plan = _fit([cols[i] for i in shown], limit, force=not order or len(shown) <= 2)
        if plan is not None:
            return shown, [cols[i] for i in shown], plan, left_out
        left_out.append(order.pop(0))


def console_for(out):
    """The rich console on `out` (its width: COLUMNS, else the terminal's)."""
    from rich.console import Console

    return Console(file=out)


def _print_rich_table(columns: Sequence[str], headers: Sequence[str], shorts: Sequence[str | None],
                      texts: list[list[str]], title: str | None, out, omit: Sequence[str] = NARROW_OMIT) -> None:
    """A rich table that fits the terminal: shorter headers first, then free text shortened with … and list
    and date cells folded at their natural breaks, then the columns of `omit` left out (and named below the
    table); no header is ever broken inside a word, no number, date or code cut. Only a table that still cannot
    fit is drawn wider (the terminal wraps it)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = console_for(out)
    shown, cols, plan, left_out = terminal_layout(columns, headers, shorts, texts, console.width, omit)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    heads = [c.compact if compact else c.header for c, (compact, _fold, _size) in zip(cols, plan)]
    depth = max([h.count("\n") for h in heads] + [0])
    for c, head, (_compact, _fold, size) in zip(cols, heads, plan):
        table.add_column(Text("\n" * (depth - head.count("\n")) + head), justify="right" if c.right else "left",
                         width=size, no_wrap=True, overflow="ellipsis")
    for row in range(len(texts)):
        table.add_row(*[Text(c.text(row, size, fold)) for c, (_compact, fold, size) in zip(cols, plan)])
    needed = sum(size for _c, _f, size in plan) + GAP * (len(plan) - 1)
    if needed > console.width:
        console = console.__class__(file=out, width=needed)  # cannot fit: drawn whole, the terminal wraps it
    if title:
        for line in fold(title, console.width):
            console.print(Text(line, style="table.title"))
    console.print(table)
    if left_out:
        names = ("、" if _japanese() else ", ").join(headers[i] for i in left_out)
        for line in fold(label("table.left_out").format(columns=names), console.width):
            console.print(Text(line, style="dim"))


def _japanese() -> bool:
    from .i18n import language

    return language() == "ja"


def fold(text: str, size: int, hang: int = 0) -> list[str]:
    """`text` in lines of at most `size` cells for a terminal, continuation lines indented by `hang`: broken at
    spaces and between wide characters (never before `。` or `）`, never after `（`), inside an ASCII word only
    when it is longer than a line (a path)."""
    from .helpscreen import wrap

    spaced = not _japanese()
    lines: list[str] = []
    for paragraph in text.split("\n"):
        first = wrap(paragraph, max(size, 10), spaced)[0]
        rest = paragraph[len(first):].lstrip(" ")
        lines.append(first)
        lines += [" " * hang + line for line in wrap(rest, max(size - hang, 10), spaced)] if rest else []
    return lines


def print_lines(lines: Iterable[str], *, hang: int = 2, out=None) -> None:
    """Lines for a person (findings, totals, advice): on a terminal folded to its width, continuation lines
    indented by `hang`; in a pipe as they are (never cut, one finding a line for grep)."""
    out = out or sys.stdout
    lines = [safe_text(line, newline="\n") for line in lines]
    if not is_rich_terminal(out):
        out.write("".join(line + "\n" for line in lines))
        return
    size = console_for(out).width
    for line in lines:
        lead = len(line) - len(line.lstrip(" "))
        out.write("".join(" " * lead + part + "\n" for part in fold(line[lead:], size - lead, hang)))



def print_pairs(pairs: Sequence[tuple[str, str]], *, title: str | None = None, out=None) -> None:
    """Key: value lines (a record view). On a terminal a long value is folded under itself (or, when the keys
    take more than half the width, under its key); in a pipe each pair is one line."""
    out = out or sys.stdout
    if title:
        out.write(safe_text(title) + "\n")
    pairs = [(safe_text(key), safe_text(value)) for key, value in pairs]
    size = max((width(k) for k, _ in pairs), default=0)
    limit = console_for(out).width if is_rich_terminal(out) else None
    for key, value in pairs:
        head = f"  {_pad(key, size, False)}  "
        if limit is None or width(head + value) <= limit:
            out.write((head + value).rstrip() + "\n")
            continue
        if width(head) > limit // 2:
            out.write(f"  {key}\n")
            head = " " * 6
        lines = fold(value, limit - width(head))
        out.write(head + lines[0] + "\n")
        out.write("".join(" " * width(head) + line + "\n" for line in lines[1:]))


def print_json(data, out=None) -> None:
    out = out or sys.stdout
    out.write(json_text(data) + "\n")


def json_text(data) -> str:
    """JSON indented by two spaces, where each flat record of a list (an object holding no object) takes one
    line: as easy to read and to grep, and written by the C encoder (`indent=` uses the pure-Python one,
    half a second for a national report's 20,000 records)."""
    parts: list[str] = []
    _json_parts(data, 0, parts.append)
    return "".join(parts)


def _record_encoder():
    from json import encoder

    plain = encoder.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    try:  # CPython's accelerator, as JSONEncoder.iterencode calls it for a one-shot encode
        fast = encoder.c_make_encoder(None, plain.default, encoder.encode_basestring, None, ": ", ", ", False,
                                      False, True)
    except TypeError:  # no accelerator (None), or another signature
        return plain.encode
    return lambda value: "".join(fast(value, 0))


_RECORD: list = []


_CONTAINERS = (dict, list, tuple)


class Records(list):
    """A list whose items are all flat records (objects holding no object, as `_is_record` tests), built so by
    their maker: `json_text` writes them one a line without testing each (the 18,699 rows of a national
    report). Everywhere else it is a plain list."""


def _is_record(value) -> bool:
    """An object holding no object, and no list holding a list or an object."""
    if type(value) is not dict:
        return False
    for item in value.values():
        kind = type(item)
        if kind is dict:
            return False
        if (kind is list or kind is tuple) and item:
            for element in item:
                if type(element) in _CONTAINERS:
                    return False
    return True


def _json_key(key) -> str:
    """An object key as `json.dumps` writes it: text as is; true, false, null and numbers as their JSON text."""
    if not isinstance(key, str):
        if key is not None and not isinstance(key, (bool, int, float)):
            raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
        key = json.dumps(key)
    return json.dumps(key, ensure_ascii=False)


def _json_parts(value, level: int, put) -> None:
    kind = type(value)
    if kind is dict and value:
        pad = "\n" + "  " * (level + 1)
        separator = "{"
        for key, item in value.items():
            put(separator + pad + _json_key(key) + ": ")
            _json_parts(item, level + 1, put)
            separator = ","
        put("\n" + "  " * level + "}")
    elif (kind is list or kind is tuple or kind is Records) and value:
        if not _RECORD:
            _RECORD.append(_record_encoder())
        record = _RECORD[0]
        pad = "\n" + "  " * (level + 1)
        separator = "["
        trusted = kind is Records
        for item in value:
            put(separator + pad)
            if trusted or _is_record(item):
                put(record(item))
            else:
                _json_parts(item, level + 1, put)
            separator = ","
        put("\n" + "  " * level + "]")
    else:
        put(json.dumps(value, ensure_ascii=False))


def csv_text(columns: Sequence[str], rows: Iterable[dict], *, excel: bool = False) -> str:
    """The rows as CSV. Plain: English column names and codes, `true`/`false`, lists joined with `+`.
    `excel` (SPEC §8, for people): in Japanese the headers and coded cells are labels and booleans はい/いいえ;
    in either language every cell that Excel would read as a formula gets the `'` prefix (`excel_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if not excel:
        writer.writerow(columns)
        for r in rows:
            writer.writerow([csv_cell(r.get(c)) for c in columns])
        return buffer.getvalue()
    from .i18n import language

    japanese = language() == "ja"
    if japanese:
        rows = list(rows)
        writer.writerow([excel_cell(header(c, rows)) for c in columns])
    else:
        writer.writerow([excel_cell(c) for c in columns])
    for r in rows:
        writer.writerow([excel_cell(_japanese_cell(r.get(c), c) if japanese else csv_cell(r.get(c)))
                         for c in columns])
    return buffer.getvalue()


def _japanese_cell(value, column: str) -> str:
    """A CSV cell for a Japanese Excel user: codes as their labels (lists joined with `+`, which no label
    contains, so the cell reads back as the same codes), booleans はい/いいえ (import reads both)."""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    kind = COLUMN_KINDS.get(column)
    if kind is None or value is None:
        return csv_cell(value)
    if isinstance(value, (list, tuple)):
        return "+".join(code_label(kind, str(v), "ja") for v in value)
    return code_label(kind, str(value), "ja")


def print_csv(columns: Sequence[str], rows: Iterable[dict], *, excel: bool = False, out=None) -> None:
    """CSV on stdout; `excel` adds the UTF-8 BOM that Excel needs to read Japanese correctly (see `csv_text`)."""
    text = csv_text(columns, rows, excel=excel)
    if excel:
        stream = out or sys.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(("\ufeff" + text).encode("utf-8"))
            buffer.flush()
            return
        stream.write("\ufeff" + text)
        return
    (out or sys.stdout).write(text)


# ------------------------------------------------------------------ neutralisation (SPEC §13, issue 17)

# Shown escaped on a terminal or in a document: C0 and C1 controls (ESC starts cursor moves, screen clears, title
# changes and OSC 8 links), bidirectional controls (U+202E shows `exe.txt` as `txt.exe`), zero-width and other
# invisible format characters, line and paragraph separators, invisible tag characters, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                     "\ud800-\udfff\U000e0000-\U000e007f]")
NEWLINE_MARK = " \u21b5 "  # " ↵ ": a line break inside a one-line cell


def safe_text(text: str, newline: str = NEWLINE_MARK) -> str:
    """`text` made harmless for a terminal or a document line: a line break becomes `newline` (` ↵ `; pass " "
    for an error line), a tab a space, and every other control, bidirectional or invisible character its escape
    (`\\x1b`, `\\u202e`), so that nothing in the data can move the cursor, clear the screen, rename the window,
    hide a link or reorder what is shown. Printable text is returned as it is."""
    if text.isprintable():
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n")

    def escape(match: re.Match) -> str:
        ch = match.group()
        if ch in "\n\r\u2028\u2029":
            return newline
        if ch == "\t":
            return " "
        code = ord(ch)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _UNSAFE.sub(escape, text)


def _clean(text: str) -> str:
    """Kept for the callers that still use the old name (commands/reports.py, commands/safety.py)."""
    return safe_text(text)


# Excel reads a cell starting with one of these as a formula (OWASP "CSV injection"); a leading `'` makes it text.
# A value that itself starts with `'`s before such a character gets one more, so that removing one `'` on
# import (`excel_value`) always gives back the value written.
_FORMULA = re.compile("'*[=+\\-@\t\r]")
_PREFIXED = re.compile("'+[=+\\-@\t\r]")
_FORMULA_IN_ROW = re.compile("(?:^|\x00)'*[=+\\-@\t\r]")
_PREFIXED_IN_ROW = re.compile("(?:^|\x00)'+[=+\\-@\t\r]")


def excel_cell(text: str) -> str:
    """`=1+2` → `'=1+2` (likewise `+`, `-`, `@`, TAB, CR); any other text as it is."""
    return "'" + text if _FORMULA.match(text) else text


def excel_value(cell: str) -> str:
    """The inverse of `excel_cell`, for import: `'=1+2` → `=1+2`; only a `'` before a formula character goes."""
    return cell[1:] if _PREFIXED.match(cell) else cell


def excel_row(cells: list[str]) -> list[str]:
    """`excel_cell` of every cell, with one regular-expression search for the common row that needs none."""
    if _FORMULA_IN_ROW.search("\x00".join(cells)) is None:
        return cells
    return [excel_cell(c) for c in cells]


def plain_row(cells: list[str]) -> list[str]:
    """For a plain (importable) CSV: only a value that already starts with `'` and a formula character gets the
    `'` that import removes again, so that plain files round-trip too; every other cell as it is."""
    if _PREFIXED_IN_ROW.search("\x00".join(cells)) is None:
        return cells
    return ["'" + c if _PREFIXED.match(c) else c for c in cells]


class _Progress:
    """`advance(n)` for a long job; a rich bar appears on stderr only on a terminal, once the job has taken
    `delay` seconds (short jobs and pipes show nothing)."""

    def __init__(self, total: int, description: str, delay: float, stream) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._total, self._description, self._delay, self._stream = total, description, delay, stream
        self._done = 0
        self._bar = None
        self._task = None
        self._enabled = is_rich_terminal(stream)

    def __call__(self, n: int = 1) -> None:
        self._done += n
        if self._bar is None:
            if not self._enabled or self._clock() - self._start < self._delay:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(file=self._stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._description, total=self._total)
        self._bar.update(self._task, completed=min(self._done, self._total))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def progress(total: int, description: str, *, delay: float = 1.0, stream=None):
    """A context manager yielding `advance(n=1)`: see `_Progress`."""
    from contextlib import contextmanager

    @contextmanager
    def _run():
        bar = _Progress(total, description, delay, stream or sys.stderr)
        try:
            yield bar
        finally:
            bar.close()

    return _run()

