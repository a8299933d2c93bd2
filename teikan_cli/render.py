"""Output: one row list rendered as a rich table (terminal), plain text (pipes, NO_COLOR), JSON or CSV.

rich is imported only when a terminal table is actually drawn.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from datetime import date
from typing import Iterable, Sequence

from .dates import wareki
from .i18n import label

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


def cell(value, column: str = "", wareki_dates: bool = False) -> str:
    """A value as table text: lists joined, booleans as yes/no labels, dates optionally with 和暦."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return label("yes" if value else "no")
    if isinstance(value, (list, tuple)):
        return ", ".join(label(str(v)) if column in ("concerns", "disabilities") else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if column in ("status", "state", "role", "severity", "end_reason", "place", "center_reason", "prior_service"):
        return label(text)
    if wareki_dates and column in DATE_COLUMNS and text:
        try:
            return f"{text} ({wareki(date.fromisoformat(text))})"
        except ValueError:
            return text
    return text


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
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[str]], headers: Sequence[str]) -> str:
    """Aligned plain text, never cut to the terminal width."""
    rows = [list(r) for r in rows]
    sizes = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    numeric = [all(r[i].replace(".", "", 1).isdigit() or r[i] == "" for r in rows) and rows for i in range(len(columns))]
    lines = ["  ".join(_pad(h, sizes[i], bool(numeric[i])) for i, h in enumerate(headers)).rstrip()]
    for r in rows:
        lines.append("  ".join(_pad(v, sizes[i], bool(numeric[i])) for i, v in enumerate(r)).rstrip())
    return "\n".join(lines)


def print_table(columns: Sequence[str], rows: Sequence[dict], *, title: str | None = None,
                wareki_dates: bool = False, out=None) -> None:
    out = out or sys.stdout
    headers = [label(c) for c in columns]
    texts = [[_clean(cell(r.get(c), c, wareki_dates)) for c in columns] for r in rows]
    if is_rich_terminal(out):
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(title) if title else None, show_lines=False)
        for h in headers:
            table.add_column(Text(h), overflow="fold")
        for r in texts:
            table.add_row(*[Text(v) for v in r])
        Console(file=out).print(table)
    else:
        if title:
            out.write(title + "\n")
        out.write(plain_table(columns, texts, headers) + "\n")


def print_pairs(pairs: Sequence[tuple[str, str]], *, title: str | None = None, out=None) -> None:
    """Key: value lines (a record view)."""
    out = out or sys.stdout
    if title:
        out.write(title + "\n")
    size = max((width(k) for k, _ in pairs), default=0)
    for key, value in pairs:
        out.write(f"  {_pad(key, size, False)}  {_clean(value)}\n")


def print_json(data, out=None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def csv_text(columns: Sequence[str], rows: Iterable[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([csv_cell(r.get(c)) for c in columns])
    return buffer.getvalue()


def print_csv(columns: Sequence[str], rows: Iterable[dict], *, excel: bool = False, out=None) -> None:
    """CSV on stdout; `excel` adds the UTF-8 BOM that Excel needs to read Japanese correctly."""
    text = csv_text(columns, rows)
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


def _clean(text: str) -> str:
    """No control characters reach the terminal (a note cannot move the cursor or clear the screen)."""
    return "".join(ch if ch == "\n" or unicodedata.category(ch) != "Cc" else " " for ch in text).replace("\n", " ")
