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


def cell(value, column: str = "", wareki_dates: bool = False) -> str:
    """A value as table text: lists joined, booleans as yes/no labels, dates optionally with 和暦."""
    if value is None:
        return ""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str and column not in _LABELLED_COLUMNS and not (wareki_dates and column in DATE_COLUMNS):
        return value
    if isinstance(value, bool):
        return _bool_label(value, column)
    if isinstance(value, (list, tuple)):
        return ", ".join(_item_label(str(v), column) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
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


def _column_header(column: str, values: Sequence) -> str:
    counted = f"{column}:count"
    if counted in LABELS and values and all(type(v) is int for v in values):
        return label(counted)
    return label(column)


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
    """Aligned plain text, never cut to the terminal width. Numbers are right-aligned."""
    rows = [list(r) for r in rows]
    return _plain_columns([[r[i] for r in rows] for i in range(len(headers))], headers)


def _plain_columns(texts: Sequence[list[str]], headers: Sequence[str]) -> str:
    """`plain_table` from the cells a column at a time (a national report has 20,000 rows): each column's
    size and alignment once, then one `%` format a line; columns with wide characters are padded first."""
    fields, columns, head_cells = [], [], []
    for head, values in zip(headers, texts):
        joined = "".join(values)
        right = bool(values) and (not joined or joined.isdigit() or (
            "." in joined and all(v.replace(".", "", 1).isdigit() or v == "" for v in values)))
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
                wareki_dates: bool = False, out=None) -> None:
    print_columns(columns, [list(map(dict.get, rows, repeat(c))) for c in columns], title=title,
                  wareki_dates=wareki_dates, out=out)


def print_columns(columns: Sequence[str], values: Sequence[list], *, title: str | None = None,
                  wareki_dates: bool = False, out=None) -> None:
    """`print_table` given a column at a time: `values[i]` holds column i's value of every row."""
    out = out or sys.stdout
    title = None if title is None else safe_text(title)
    headers = [safe_text(_column_header(c, v)) for c, v in zip(columns, values)]
    by_column = [_column_texts(c, v, wareki_dates) for c, v in zip(columns, values)]
    if is_rich_terminal(out):
        _print_rich_table(columns, headers, [list(r) for r in zip(*by_column)], title, out)
    else:
        if title:
            out.write(title + "\n")
        out.write(_plain_columns(by_column, headers) + "\n")


FREE_TEXT_MIN = 10  # cells a folding text column gets at least on a narrow terminal


def _print_rich_table(columns: Sequence[str], headers: Sequence[str], texts: list[list[str]], title: str | None,
                      out) -> None:
    """A rich table that fits the terminal without breaking a number, a date or a short code: headers wrap
    first, free text folds; only a table that still cannot fit is drawn wider (the terminal wraps it)."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console(file=out)
    keep = []
    for i, column in enumerate(columns):
        values = [r[i] for r in texts]
        numeric = bool(values) and all(_is_number(v) for v in values)
        whole = numeric or column in DATE_COLUMNS or all(width(v) <= 12 for v in values)
        keep.append((numeric, max([width(v) for v in values] + [2]) if whole else None))
    lines = [1] * len(columns)  # header lines per column
    # Free text folds, so it only needs a few cells; measure a stand-in whose free text is cut to that.
    proxy = [[v if keep[i][1] is not None else _cut(v, FREE_TEXT_MIN) for i, v in enumerate(r)] for r in texts]
    while True:
        needed = Measurement.get(console, console.options.update(max_width=10_000),
                                 _rich_table(headers, proxy, title, keep, lines)).minimum
        if needed <= console.width:
            break
        # Give one more line to the widest header still wider than its column's values, and measure again.
        widest = [(width(h) / lines[i], i) for i, h in enumerate(headers)
                  if width(h) / lines[i] > max(keep[i][1] or FREE_TEXT_MIN, 2) and width(h) / (lines[i] + 1) >= 4]
        if not widest:
            console = Console(file=out, width=needed)  # cannot fit: draw it whole, the terminal wraps it
            break
        lines[max(widest)[1]] += 1
    console.print(_rich_table(headers, texts, title, keep, lines))


def _cut(text: str, size: int) -> str:
    out = ""
    for ch in text:
        if width(out + ch) > size:
            break
        out += ch
    return out


def _rich_table(headers, texts, title, keep, lines: list[int]):
    import math

    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    for h, (numeric, least), count in zip(headers, keep, lines):
        if count > 1:
            h = _wrap(h, max(least or FREE_TEXT_MIN, math.ceil(width(h) / count)))
        table.add_column(Text(h), justify="right" if numeric else "left", min_width=least, no_wrap=least is not None,
                         overflow="fold")
    for r in texts:
        table.add_row(*[Text(v) for v in r])
    return table


def _wrap(text: str, size: int) -> str:
    """Break a header into lines of at most `size` cells: at spaces when it can, else between characters."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width(candidate) <= size:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if width(line + ch) > size and line:
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return "\n".join(lines)


def print_pairs(pairs: Sequence[tuple[str, str]], *, title: str | None = None, out=None) -> None:
    """Key: value lines (a record view)."""
    out = out or sys.stdout
    if title:
        out.write(safe_text(title) + "\n")
    pairs = [(safe_text(key), safe_text(value)) for key, value in pairs]
    size = max((width(k) for k, _ in pairs), default=0)
    for key, value in pairs:
        out.write(f"  {_pad(key, size, False)}  {value}\n")


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

