"""CSV import and export (SPEC §8), pure: decoding, headers, rows → checked records, what to add, export rows.

No sqlite, Typer or rich here: the command reads the file and the store, this module decides.

Import streams, a row at a time, so that memory stays bounded whatever the file's size (SPEC §8):
`iter_table` reads the lines, `iter_parsed` turns each into typed values with the checks of the commands
(`validation.py`: dates in every SPEC §2 form, enumerations, certificate format, eligibility, service dates;
no database needed), then the rows are compared with what the database holds (`Existing`): for clients and
staff (a few thousand rows) `plan_import` in memory; for contacts (a million) `check_contacts` resolves each
client and checks the row like log-visit, and the store decides the natural key below in SQL over a staging
table. Every problem of every row is collected (`Problems`: line, column, error); line numbers are those of the
file (the header is line 1).

Natural keys (what makes a row "already there", so that importing a file twice adds nothing):

- clients: the certificate number (受給者証番号); without one, (name, employment_start, support_start).
  Two rows of a file with the same key are an error.
- staff: (name, role, from, until). Two rows of a file with the same key are an error.
- contacts: every column. Contacts have no identity of their own: n identical rows in a file stand for n
  identical contacts (two phone calls on one day), so a row is added only while the file has more copies
  of it than the database.

Files for people (SPEC §8): headers may be the Japanese column names of an office's sheet (`HEADERS_JA`) and
cells the labels and aliases of `names.VOCABULARY`; `export --excel` writes them in Japanese, and prefixes with
`'` every cell Excel would take for a formula, a prefix import removes again (`render.excel_cell`/`excel_value`).
The file is read a chunk at a time, and refused with its line number past the limits of SPEC §8: a header over
MAX_COLUMNS columns, a line over MAX_LINE bytes, a file that ends inside a quoted value.

A row equal to the record with its key is skipped. A row whose key matches a record with other values is
a conflict, reported like any bad row: an import never overwrites a record (change it with `edit-client`).

Pseudonyms (`export --pseudonymize`): HMAC-SHA-256 of each value under a random secret kept in the database
(table `secrets`). The same value gets the same pseudonym in every export of one database, so files stay
consistent (a contact's client and staff still match); without the secret, which never leaves the file,
a pseudonym cannot be turned back into the value. Certificate numbers become other ten-digit numbers.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from .dates import parse_date, support_end
from .errors import InputError, TeikanError
from .names import COLUMN_KINDS, label, match_key, name_key
from .render import excel_row, excel_value, plain_row, safe_text
from .models import (
    CENTER_REASONS,
    CONCERNS,
    CONTACT_TYPES,
    DISABILITIES,
    END_REASONS,
    PLACES,
    PRIOR_SERVICES,
    ROLES,
    Assignment,
    Client,
    Contact,
)
from .validation import (
    MAX_TEXT,
    check_assignment,
    check_contact,
    choice,
    choices,
    clean_text,
    client_from_text,
    hours,
    minutes,
    ten_digits,
)

KINDS = ("clients", "contacts", "staff")

HEADERS: dict[str, tuple[str, ...]] = {
    "clients": ("name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities", "prior_service",
                "employment_start", "interim_support_end", "employment_end", "support_start", "ended_on",
                "end_reason", "note"),
    "contacts": ("client", "date", "types", "staff", "minutes", "place", "concerns", "center_reason", "note"),
    "staff": ("name", "role", "hours", "from", "until", "reduced_hours"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "clients": ("name", "employment_start", "support_start"),
    "contacts": ("client", "date", "types"),
    "staff": ("name", "role", "hours"),
}

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on", "はい", "○", "〇", "✓"})
FALSE_WORDS = frozenset({"", "false", "no", "n", "0", "off", "いいえ", "×", "-"})

Progress = Callable[[int], None]


class Problem(NamedTuple):
    """One problem of one row: the line in the file, the column, the error (localised at the edge)."""

    line: int
    column: str
    error: TeikanError


class Problems:
    """Every problem of a file, in little memory: SPEC §8 lists every bad line, and a file of a million bad lines
    (contacts imported into the wrong office) must not need a gigabyte to say so.

    Kept as a line number and the index of a distinct (column, error) per problem, 16 bytes, rather than a
    `Problem` and its exception, ~750 bytes (measured: a million lines naming 20,000 unknown clients take 32 MB
    rather than 747 MB, and the national file imported into the wrong office peaks at 171 MB, not 2.98 GB).
    Used like a list of `Problem`: `append`, `extend`, `len`, iteration (in line order).
    """

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self._lines = array("q")
        self._which = array("q")
        self._index: dict[tuple, int] = {}
        self._distinct: list[tuple[str, TeikanError]] = []
        self._ordered = True
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        line, column, error = problem
        key = (column, error.key, repr(sorted(error.params.items())))
        which = self._index.get(key)
        if which is None:
            which = self._index[key] = len(self._distinct)
            self._distinct.append((column, error.with_traceback(None)))  # not the frames it was raised in
        if self._lines and line < self._lines[-1]:
            self._ordered = False
        self._lines.append(line)
        self._which.append(which)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return len(self._lines)

    def _order(self) -> Sequence[int]:
        """Positions in line order; problems of one line in the order they were found."""
        positions = range(len(self._lines))
        return positions if self._ordered else sorted(positions, key=self._lines.__getitem__)

    def __iter__(self) -> Iterator[Problem]:
        for i in self._order():
            column, error = self._distinct[self._which[i]]
            yield Problem(self._lines[i], column, error)

    def listed(self, describe: Callable[[str, TeikanError], tuple[str, str]]) -> "_Listing":
        """(line, *describe(column, error)) for every problem in line order, made as they are read (a million
        such rows would take 100 MB); `describe` runs once per distinct problem."""
        return _Listing(self, [describe(column, error) for column, error in self._distinct])


class _Listing:
    """The rows of `Problems.listed`: iterable as often as needed, each row made when it is read."""

    def __init__(self, problems: Problems, texts: list[tuple[str, str]]) -> None:
        self.problems, self.texts, self.order = problems, texts, problems._order()

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[tuple[int, str, str]]:
        lines, which, texts = self.problems._lines, self.problems._which, self.texts
        for i in self.order:
            yield (lines[i], *texts[which[i]])


# ------------------------------------------------------------------ decoding and the table

# SPEC §8 limits, enforced while reading so that memory stays bounded whatever the file holds.
MAX_COLUMNS = 100
MAX_LINE = 64 * 1024  # bytes of one line (as UTF-8, line end excluded)
MAX_FIELD = MAX_LINE  # characters of one value, even one spread over several lines inside quotes
CHUNK = 1 << 20  # bytes read at a time

# An .xlsx file is a zip archive; an .xls one an OLE2 compound file.
_EXCEL_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> str:
    """The whole text of a file held in memory, decoded as `read_table` decodes a file (see `_chunks`)."""
    try:
        return "".join(_chunks(io.BytesIO(data), "utf-8"))
    except _NotUtf8:
        return "".join(_chunks(io.BytesIO(data), "cp932"))


class _NotUtf8(Exception):
    """The file is not UTF-8: read it again from the start as CP932."""


def _chunks(binary, encoding: str, progress: Progress | None = None) -> Iterator[str]:
    """The text of a binary file, CHUNK bytes at a time: UTF-8 (with or without BOM) or CP932, the Shift_JIS that
    Japanese Excel writes. UTF-8 is tried first (`_NotUtf8` asks for CP932): a CP932 file with Japanese text is
    practically never valid UTF-8, and a file of ASCII only reads the same either way. A workbook, UTF-16, NUL
    bytes or text that is neither are refused. `progress` is told the bytes of each chunk read."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    data = binary.read(CHUNK)
    if data.startswith(_EXCEL_WORKBOOK):
        raise InputError("import.excel_workbook")
    bom = data.startswith(_BOM)
    if bom:
        data = data[len(_BOM):]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("import.bad_encoding")  # UTF-16 ("Unicode text")
    while True:
        final = not data
        if b"\x00" in data:
            raise InputError("import.bad_encoding")  # UTF-16 without a BOM, or not text at all
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError:
            if encoding == "utf-8" and not bom:
                raise _NotUtf8() from None
            raise InputError("import.bad_encoding") from None
        if encoding == "cp932" and any(ch in text for ch in _NOT_EXCEL_CP932):
            raise InputError("import.bad_encoding")
        if progress is not None:
            progress(len(data))
        if text:
            yield text
        if final:
            return
        data = binary.read(CHUNK)


def _encoding(binary) -> str:
    """"utf-8" or "cp932" for the whole file, decided before any row is read (rows are handed on as they are
    read, so the reading cannot start again): the file is decoded once as UTF-8, a chunk at a time, nothing kept."""
    try:
        for _text in _chunks(binary, "utf-8"):
            pass
        return "utf-8"
    except _NotUtf8:
        return "cp932"
    finally:
        binary.seek(0)


# Bytes Python's cp932 codec maps but Excel never writes (0x80, 0xA0, 0xFD–0xFF): a sign of another encoding.
_NOT_EXCEL_CP932 = ("\x80", "\uf8f0", "\uf8f1", "\uf8f2", "\uf8f3")

# Fed to the CSV reader after the last line. A file that ends inside a quoted value swallows it into that value;
# any other file gives it back as a row of its own. (The csv module silently accepts an unclosed quote at the end.)
_END = "\ufdd0"


class _Stop(Exception):
    """Reading stops at a problem that leaves the rest of the file unreadable."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.error.key)
        self.problem = problem


class _Lines:
    """The physical lines of the text (line ends kept, split as `io.StringIO(newline="")` splits them) for
    `csv.reader`, none longer than MAX_LINE bytes, then `_END`. `ended` tells that `_END` has been handed out."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self.chunks = chunks
        self.ended = False

    def __iter__(self) -> Iterator[str]:
        count = 0  # lines handed out so far
        carry = ""
        for chunk in self.chunks:
            lines = io.StringIO(carry + chunk if carry else chunk, newline="").readlines()
            # The last piece may go on in the next chunk (a CR of a CR LF included).
            carry = lines.pop() if lines and not lines[-1].endswith("\n") else ""
            _check_lengths(lines, count)
            if carry:
                _check_lengths([carry], count + len(lines))
            count += len(lines)
            yield from lines
        if carry:
            yield carry
        self.ended = True
        yield _END + "\n"


def _check_lengths(lines: list[str], before: int) -> None:
    """`_Stop` at the first line over MAX_LINE bytes (a character takes at most 4, so shorter lines are not
    measured)."""
    if max(map(len, lines), default=0) <= MAX_LINE // 4:
        return
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE // 4 and len(line.rstrip("\r\n").encode("utf-8", "surrogatepass")) > MAX_LINE:
            raise _Stop(Problem(before + index + 1, "-", InputError("import.line_too_long", limit=MAX_LINE)))


HEADERS_JA: dict[str, tuple[str, ...]] = {  # the column names of an office's own sheet (SPEC §8), in HEADERS order
    "clients": ("氏名", "フリガナ", "就職先", "受給者証番号", "支給決定期間", "担当", "障害種別", "利用前サービス", "就職日",
                "就労移行支援終了日", "離職日", "利用開始日", "終了日", "終了理由", "メモ"),
    "contacts": ("利用者", "日付", "支援内容", "職員", "分", "場所", "気になる兆候", "センター連携理由", "メモ"),
    "staff": ("氏名", "役割", "週時間", "開始日", "終了日", "短時間勤務"),
}


# Other Japanese names a sheet gives a column, accepted on import (export writes HEADERS_JA): 備考 is as common
# on an office's sheet as メモ for the free-text column.
HEADER_ALIASES_JA: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {"note": ("備考",)},
    "contacts": {"note": ("備考",)},
    "staff": {},
}


def _header_index(kind: str) -> dict[str, str]:
    """Each accepted column name (English, Japanese or a Japanese alias, after `names.match_key`) → the SPEC §8
    column."""
    index = {match_key(name): column for names_ in (HEADERS[kind], HEADERS_JA[kind])
             for name, column in zip(names_, HEADERS[kind])}
    for column, aliases in HEADER_ALIASES_JA[kind].items():
        index.update((match_key(alias), column) for alias in aliases)
    return index


def column_title(kind: str, column: str) -> str:
    """A column as a person of the current language knows it: `support_start`, or 利用開始日 in Japanese."""
    from .i18n import language

    if language() == "ja" and column in HEADERS[kind]:
        return HEADERS_JA[kind][HEADERS[kind].index(column)]
    return column


def _expected(kind: str) -> str:
    """The columns of `kind`, for an error: English; in Japanese the Japanese names, then the English ones."""
    from .i18n import language

    english = ",".join(HEADERS[kind])
    return f"{','.join(HEADERS_JA[kind])}（{english}）" if language() == "ja" else english


def read_table(source, kind: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """`iter_table` for a small file: every row and every problem, as lists."""
    problems: list[Problem] = []
    rows = list(iter_table(source, kind, problems))
    return rows, problems


def iter_table(source, kind: str, problems, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """Rows of the file as (line, cells in the SPEC §8 column order), one at a time; problems go to `problems`
    (a list or `Problems`), and header problems stop the reading.

    `source` is the file's text, or a binary file (seekable) read CHUNK bytes at a time (`progress` is told the
    bytes read). Columns may come in any order, named in English or in Japanese (`HEADERS_JA`); unknown or
    repeated columns and missing required ones are errors; missing optional columns read as empty. Rows whose
    cells are all blank are skipped. Cells keep their surrounding spaces: the checks trim them (one string
    operation per distinct value, not per cell); a cell that `--excel` prefixed with `'` loses that prefix
    (`render.excel_value`). Over the SPEC §8 limits (MAX_COLUMNS, MAX_LINE, a quoted value cut by the end of
    the file) the reading stops with the line number.
    """
    if isinstance(source, str):
        return _rows(_Lines((source,)), kind, problems)
    return _rows(_Lines(_chunks(source, _encoding(source), progress)), kind, problems)


def _rows(lines: _Lines, kind: str, problems) -> Iterator[tuple[int, list[str]]]:
    expected = HEADERS[kind]
    header: list[str] | None = None
    found = len(problems)
    previous = 0
    field_limit = csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(lines)
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if lines.ended:  # the row holding _END: alone when the file ended cleanly
                if cells != [_END]:
                    problems.append(Problem(line, "-", InputError("import.cut_in_quotes")))
                break
            joined = "".join(cells)
            if header is None:
                if not joined.strip():
                    continue
                if len(cells) > MAX_COLUMNS:
                    problems.append(Problem(line, "-", InputError("import.too_many_columns", count=len(cells),
                                                                  limit=MAX_COLUMNS)))
                    return
                index = _header_index(kind)
                header = [index.get(match_key(c), match_key(c)) for c in cells]
                wrong = _header_problems(header, cells, kind, line)
                if wrong:
                    problems.extend(wrong)
                    return
                width = len(header)
                same = header == list(expected)
                positions = [header.index(column) if column in header else None for column in expected]
                unnamed = [index for index, name in enumerate(header) if not name]
                named = width - len(unnamed)
                continue
            if not joined.strip():
                continue
            if "'" in joined:
                cells = [excel_value(c) for c in cells]
            if (len(cells) > width and "".join(cells[width:]).strip()) or (
                    unnamed and "".join(cells[i] for i in unnamed if i < len(cells)).strip()):
                problems.append(Problem(line, "-", InputError("import.too_many_values", count=len(cells),
                                                              columns=named)))
                continue
            if same and len(cells) == width:
                yield line, cells
            else:
                yield line, [cells[i] if i is not None and i < len(cells) else "" for i in positions]
    except _Stop as stop:
        problems.append(stop.problem)
    except csv.Error as exc:
        error = InputError("import.field_too_long", limit=MAX_FIELD) if "field limit" in str(exc) else \
            InputError("import.bad_csv")
        problems.append(Problem(previous + 1, "-", error))
    finally:
        csv.field_size_limit(field_limit)
    if header is None and len(problems) == found:
        problems.append(Problem(1, "-", InputError("import.empty", expected=",".join(expected))))


def _header_problems(header: list[str], given: list[str], kind: str, line: int) -> list[Problem]:
    expected = HEADERS[kind]
    problems = []
    seen: set[str] = set()
    for name, cell in zip(header, given):
        if not name:
            continue
        shown = safe_text(name_key(cell) or "")
        if name not in expected:
            problems.append(Problem(line, shown, InputError("import.unknown_column", column=shown,
                                                            kind=label("csv_kind", kind), expected=_expected(kind))))
        elif name in seen:
            problems.append(Problem(line, shown, InputError("import.duplicate_column", column=shown)))
        seen.add(name)
    for name in REQUIRED[kind]:
        if name not in seen:
            problems.append(Problem(line, column_title(kind, name), InputError(
                "import.missing_column", column=name, title=HEADERS_JA[kind][expected.index(name)])))
    return problems


# ------------------------------------------------------------------ rows → typed values


class ContactRow(NamedTuple):
    """A contact line whose values are checked on their own; its client is resolved by `plan_import`."""

    line: int
    client: str
    date: date
    types: tuple[str, ...]
    staff: str | None
    minutes: int | None
    place: str | None
    concerns: tuple[str, ...]
    center_reason: str | None
    note: str | None


def parse_rows(kind: str, rows: Iterable[tuple[int, list[str]]], as_of: date) -> tuple[list, list[Problem]]:
    """`iter_parsed` for a small file: the good rows and every problem, as lists."""
    problems: list[Problem] = []
    parsed = list(iter_parsed(kind, rows, as_of, problems))
    return parsed, problems


def iter_parsed(kind: str, rows: Iterable[tuple[int, list[str]]], as_of: date, problems) -> Iterator:
    """Each row checked on its own (no database), one at a time: `(line, Client)`, `ContactRow` or
    `(line, Assignment)` for a good row; the problems of a bad one go to `problems`."""
    parse = {"clients": _ClientParser, "contacts": _ContactParser, "staff": _StaffParser}[kind](as_of).parse
    for line, cells in rows:
        record, row_problems = parse(line, cells)
        if row_problems:
            problems.extend(row_problems)
        else:
            yield record


class _Fields:
    """Runs one checker per column and keeps every column's problem, not only the first."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.problems: list[Problem] = []

    def get(self, column: str, check: Callable, value: str):
        try:
            return check(value)
        except TeikanError as exc:
            self.problems.append(Problem(self.line, column, exc))
            return None


def _required(column: str, check: Callable) -> Callable:
    def checked(value: str):
        if not value:
            raise InputError("input.required", field=column)
        return check(value)

    return checked


def _optional(check: Callable) -> Callable:
    return lambda value: check(value) if value else None


def _list_text(value: str) -> str:
    """`face＋employer` and `face + employer` read as `face+employer`."""
    return unicodedata.normalize("NFKC", value)


def _bool(column: str) -> Callable:
    def checked(value: str) -> bool:
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise InputError("import.bad_bool", field=column, value=value)

    return checked


# Distinct values a memo keeps per column: a real caseload has a few thousand (dates, clients, staff); a file of
# a million distinct values is checked as well, the values past this many without being kept.
MEMO_LIMIT = 100_000


class _Memo(dict):
    """Dates, types and staff names repeat on most lines of a large file: each value is worked out once.

    `memo[key]` is `make(key)` (a C-level dict hit after the first time); failures are not kept.
    """

    def __init__(self, make: Callable) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key):
        result = self.make(key)
        if len(self) < MEMO_LIMIT:
            self[key] = result
        return result

    def __call__(self, key):
        return self[key]


def _cached(check: Callable) -> _Memo:
    """`check` of each distinct text, trimmed."""
    return _Memo(lambda value: check(value.strip()))


def _short_text(column: str) -> Callable:
    return lambda value: clean_text(value, column, limit=200)


def _note(value: str) -> str | None:
    value = value.strip()
    if value.isprintable() and "\ufffd" not in value and len(value) <= MAX_TEXT:
        return value or None  # the fast path of clean_text: nothing to refuse in printable text
    return clean_text(value, "note")


class _ClientParser:
    """Each column with the checks of add-client, then the record with `client_from_text` (cross-field)."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        day = _optional(lambda v: parse_date(v, as_of))
        self.checks: dict[str, Callable] = {
            "name": lambda v: clean_text(v, "name", required=True, limit=200),
            "kana": _short_text("kana"), "employer": _short_text("employer"), "staff": _short_text("staff"),
            "note": _note,
            "certificate": lambda v: ten_digits(v, "certificate"),
            "disabilities": lambda v: choices([_list_text(v)], DISABILITIES, "disabilities"),
            "prior_service": _optional(lambda v: choice(v, PRIOR_SERVICES, "prior_service")),
            "end_reason": _optional(lambda v: choice(v, END_REASONS, "end_reason")),
            "employment_start": _required("employment_start", day), "support_start": _required("support_start", day),
            "grant_until": _optional(lambda v: parse_date(v, as_of, ahead=True)), "interim_support_end": day, "employment_end": day, "ended_on": day,
        }

    def parse(self, line: int, cells: list[str]):
        values = {column: cell.strip() for column, cell in zip(HEADERS["clients"], cells)}
        fields = _Fields(line)
        for column, check in self.checks.items():
            fields.get(column, check, values[column])
        if fields.problems:
            return None, fields.problems
        raw = {column: values[column] for column in HEADERS["clients"]}
        raw["disabilities"] = [_list_text(raw["disabilities"])]
        try:
            return (line, client_from_text(raw, self.as_of)), []
        except TeikanError as exc:
            return None, [Problem(line, self._column(exc, values), exc)]

    def _column(self, exc: TeikanError, values: dict[str, str]) -> str:
        if exc.key == "date.future":
            ended = values["ended_on"]
            if ended and parse_date(ended, self.as_of).isoformat() == exc.params.get("value"):
                return "ended_on"
            return "employment_end"
        return _client_column(exc)


def _client_column(exc: TeikanError) -> str:
    """The column a cross-field client check is about."""
    columns = {
        "client.before_eligible": "support_start", "client.interim_before_employment": "interim_support_end",
        "client.employment_end_before_start": "employment_end", "client.end_before_start": "ended_on",
        "client.end_after_period": "ended_on",
    }
    if exc.key in columns:
        return columns[exc.key]
    if exc.key == "input.required":
        return str(exc.params.get("field", "-")).replace("-", "_")
    return "-"


class _ContactParser:
    """A million lines: each column's checker is a `_Memo` (trimmed, checked once per distinct text)."""

    def __init__(self, as_of: date) -> None:
        self.checks: dict[str, Callable] = {
            "client": _cached(_required("client", lambda v: clean_text(v, "client", limit=200))),
            "date": _cached(_required("date", lambda v: parse_date(v, as_of))),
            "types": _cached(_required("types", lambda v: choices([_list_text(v)], CONTACT_TYPES, "types"))),
            "staff": _cached(_short_text("staff")),
            "minutes": _cached(minutes),
            "place": _cached(_optional(lambda v: choice(v, PLACES, "place"))),
            "concerns": _cached(lambda v: choices([_list_text(v)], CONCERNS, "concerns")),
            "center_reason": _cached(_optional(lambda v: choice(v, CENTER_REASONS, "center_reason"))),
            "note": _note,
        }
        self.fast = tuple(self.checks.values())

    def parse(self, line: int, cells: list[str]):
        client, day, types, staff, minutes_, place, concerns, reason, note = self.fast
        try:  # the common case, a good row: dictionary hits, no bookkeeping per column
            row = ContactRow(line, client[cells[0]], day[cells[1]], types[cells[2]], staff[cells[3]],
                             minutes_[cells[4]], place[cells[5]], concerns[cells[6]], reason[cells[7]], note(cells[8]))
        except TeikanError:
            row = None
        if row is not None and row.types:
            return row, []
        fields = _Fields(line)
        got = [fields.get(column, check, cell) for (column, check), cell in zip(self.checks.items(), cells)]
        if fields.problems:
            return None, fields.problems
        if not got[2]:
            return None, [Problem(line, "types", InputError("input.required", field="types"))]
        return ContactRow(line, *got), []


class _StaffParser:
    def __init__(self, as_of: date) -> None:
        day = _optional(lambda v: parse_date(v, as_of))
        self.checks: dict[str, Callable] = {
            "name": lambda v: clean_text(v, "name", required=True, limit=200),
            "role": _required("role", lambda v: choice(v, ROLES, "role")),
            "hours": _required("hours", lambda v: hours(v, "hours")),
            "from": day, "until": day, "reduced_hours": _bool("reduced_hours"),
        }

    def parse(self, line: int, cells: list[str]):
        values = {column: cell.strip() for column, cell in zip(HEADERS["staff"], cells)}
        fields = _Fields(line)
        got = {column: fields.get(column, check, values[column]) for column, check in self.checks.items()}
        if fields.problems:
            return None, fields.problems
        try:
            assignment = check_assignment(Assignment(
                id=0, name=got["name"], role=got["role"], hours=got["hours"], from_date=got["from"],
                until_date=got["until"], reduced_hours=got["reduced_hours"]))
        except TeikanError as exc:
            return None, [Problem(line, "until", exc)]
        return (line, assignment), []


# ------------------------------------------------------------------ rows against the database


@dataclass
class Existing:
    """What the database holds, loaded once (no per-row queries): its clients and staff assignments."""

    clients: list[Client] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def staff_names(self) -> set[str]:
        return {a.name for a in self.assignments}


@dataclass
class ImportPlan:
    kind: str
    add: list = field(default_factory=list)  # Client / Assignment records to insert (ids 0)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    staged: int = 0  # contacts: how many new rows wait in the store's staging table (rather than in `add`)

    @property
    def added(self) -> int:
        return self.staged if self.kind == "contacts" else len(self.add)


def plan_import(kind: str, parsed: list, existing: Existing, as_of: date) -> ImportPlan:
    """What a clients or staff file adds to the database, or the rows that stop it (contacts:
    `check_contacts`, then the store's staging table)."""
    return {"clients": _plan_clients, "staff": _plan_staff}[kind](parsed, existing)


def client_cells(client: Client) -> dict[str, str]:
    """A client as the cells of its CSV row (also what "equal" means for an import)."""
    return {
        "name": client.name, "kana": _text(client.kana), "employer": _text(client.employer),
        "certificate": _text(client.certificate), "grant_until": _iso(client.grant_until),
        "staff": _text(client.staff), "disabilities": "+".join(client.disabilities),
        "prior_service": _text(client.prior_service), "employment_start": client.employment_start.isoformat(),
        "interim_support_end": _iso(client.interim_support_end), "employment_end": _iso(client.employment_end),
        "support_start": client.support_start.isoformat(), "ended_on": _iso(client.ended_on),
        "end_reason": _text(client.end_reason), "note": _text(client.note),
    }


def staff_cells(assignment: Assignment) -> dict[str, str]:
    return {
        "name": assignment.name, "role": assignment.role, "hours": format_hours(assignment.hours),
        "from": _iso(assignment.from_date), "until": _iso(assignment.until_date),
        "reduced_hours": "true" if assignment.reduced_hours else "false",
    }


def _differences(new: dict[str, str], old: dict[str, str]) -> str:
    return ", ".join(column for column in new if new[column] != old[column])


def _client_key(client: Client) -> tuple:
    return (client.name, client.employment_start, client.support_start)


def _plan_clients(parsed: list[tuple[int, Client]], existing: Existing) -> ImportPlan:
    plan = ImportPlan("clients")
    by_certificate = {c.certificate: c for c in existing.clients if c.certificate}
    by_key: dict[tuple, list[Client]] = defaultdict(list)
    for c in existing.clients:
        by_key[_client_key(c)].append(c)
    seen_certificate: dict[str, int] = {}
    seen_key: dict[tuple, int] = {}
    for line, client in parsed:
        cells = client_cells(client)
        if client.certificate:
            if client.certificate in seen_certificate:
                plan.problems.append(Problem(line, "certificate", InputError(
                    "import.duplicate_row", value=client.certificate, other=seen_certificate[client.certificate])))
                continue
            seen_certificate[client.certificate] = line
            old = by_certificate.get(client.certificate)
            if old is None:
                # Recorded earlier without a certificate: the same person, not a new one.
                old = next((c for c in by_key.get(_client_key(client), ()) if not c.certificate), None)
            column = "certificate"
            candidates = [old] if old is not None else []
        else:
            key = _client_key(client)
            if key in seen_key:
                plan.problems.append(Problem(line, "name", InputError(
                    "import.duplicate_row", value=f"{client.name} {client.support_start.isoformat()}",
                    other=seen_key[key])))
                continue
            seen_key[key] = line
            column = "name"
            candidates = by_key.get(key, [])
        if not candidates:
            plan.add.append(client)
        elif any(client_cells(c) == cells for c in candidates):
            plan.unchanged += 1
        else:
            old = candidates[0]
            plan.problems.append(Problem(line, column, InputError(
                "import.conflict", record=f"#{old.id}", columns=_differences(cells, client_cells(old)))))
    return plan


def _plan_staff(parsed: list[tuple[int, Assignment]], existing: Existing) -> ImportPlan:
    plan = ImportPlan("staff")
    by_key: dict[tuple, list[Assignment]] = defaultdict(list)
    for a in existing.assignments:
        by_key[_staff_key(a)].append(a)
    seen: dict[tuple, int] = {}
    for line, assignment in parsed:
        key = _staff_key(assignment)
        if key in seen:
            plan.problems.append(Problem(line, "name", InputError(
                "import.duplicate_row", value=f"{assignment.name} {assignment.role}", other=seen[key])))
            continue
        seen[key] = line
        cells = staff_cells(assignment)
        candidates = by_key.get(key, [])
        if not candidates:
            plan.add.append(assignment)
        elif any(staff_cells(a) == cells for a in candidates):
            plan.unchanged += 1
        else:
            plan.problems.append(Problem(line, "name", InputError(
                "import.conflict", record=f"#{candidates[0].id}",
                columns=_differences(cells, staff_cells(candidates[0])))))
    return plan


def _staff_key(a: Assignment) -> tuple:
    return (a.name, a.role, a.from_date, a.until_date)


_CONTACT_COLUMNS = {
    "input.required": "types", "date.future": "date", "contact.outside_service": "date", "staff.unknown": "staff",
    "contact.center_reason_required": "center_reason", "contact.reason_without_center": "center_reason",
}


# The values of a checked contact row, as the store's staging table holds them and `contacts` compares them:
# the date in ISO, the types as five 0/1 values (the columns of `contacts`), the concerns as their codes
# sorted and joined with `+` (None for none). Every column but `line` is the natural key of contacts.
CHECKED_COLUMNS = ("line", "client_id", "date", *CONTACT_TYPES, "staff", "minutes", "place", "center_reason", "note",
                   "concerns")


def check_contacts(parsed: Iterable[ContactRow], existing: Existing, as_of: date, problems) -> Iterator[tuple]:
    """Each contact row against the database, one at a time: its client (id, certificate number or exact name)
    and the checks of log-visit (inside the service, not in the future, known staff, a reason for `center`).
    Yields each good row as a tuple of CHECKED_COLUMNS; the problems of a bad one go to `problems`."""
    resolve = ClientResolver(existing.clients)
    staff_names = existing.staff_names
    iso = _Memo(date.isoformat)
    flags = _Memo(lambda types: tuple(int(t in types) for t in CONTACT_TYPES))
    concerns = _Memo(lambda codes: "+".join(sorted(codes)) or None)
    for row in parsed:
        try:
            client = resolve(row.client)
        except TeikanError as exc:
            problems.append(Problem(row.line, "client", exc))
            continue
        try:
            check_contact(row, client, as_of, staff_names)  # a ContactRow has every field check_contact reads
        except TeikanError as exc:
            problems.append(Problem(row.line, _CONTACT_COLUMNS.get(exc.key, "-"), exc))
            continue
        yield (row.line, client.id, iso[row.date], *flags[row.types], row.staff, row.minutes, row.place,
               row.center_reason, row.note, concerns[row.concerns])


class ClientResolver:
    """CLIENT = id, certificate number or exact name, as `Store.find_client`, from maps built once.

    Ten digits are a certificate number only; `12` and `#12` are ids; otherwise the exact name.
    """

    def __init__(self, clients: Iterable[Client]) -> None:
        self.by_id: dict[int, Client] = {}
        self.by_certificate: dict[str, Client] = {}
        self.by_name: dict[str, list[Client]] = defaultdict(list)
        for c in clients:
            self.by_id[c.id] = c
            if c.certificate:
                self.by_certificate[c.certificate] = c
            self.by_name[c.name].append(c)
        self.cache: dict[str, Client] = {}

    def __call__(self, ref: str) -> Client:
        found = self.cache.get(ref)
        if found is None:
            found = self.cache[ref] = self._find(ref)
        return found

    def _find(self, ref: str) -> Client:
        from .errors import NotFoundError

        text = unicodedata.normalize("NFKC", ref).strip()
        number = text[1:].strip() if text.startswith("#") else text
        if number.isascii() and number.isdigit():
            if len(number) == 10 and not text.startswith("#"):
                found = self.by_certificate.get(number)
            else:
                found = self.by_id.get(int(number)) if len(number) <= 18 else None
            if found is not None:
                return found
        named = {c.id: c for c in self.by_name.get(ref.strip(), []) + self.by_name.get(text, [])}
        if len(named) == 1:
            return next(iter(named.values()))
        if len(named) > 1:
            raise InputError("client.ambiguous", ref=ref, ids=", ".join(f"#{i}" for i in sorted(named)))
        raise NotFoundError("client.unknown", ref=ref)


# ------------------------------------------------------------------ export


def client_refs(clients: Iterable[Client]) -> dict[int, str]:
    """How a contacts file names each client: the certificate number; else the name when it is unique and
    cannot be read as an id or a certificate number; else the id."""
    clients = list(clients)
    names = Counter(c.name for c in clients)
    refs = {}
    for c in clients:
        plain = unicodedata.normalize("NFKC", c.name).strip().lstrip("#").strip()
        if c.certificate:
            refs[c.id] = c.certificate
        elif names[c.name] == 1 and not (plain.isascii() and plain.isdigit()) and c.name == c.name.strip():
            refs[c.id] = c.name
        else:
            refs[c.id] = str(c.id)
    return refs


def export_rows(kind: str, records: Iterable, refs: dict[int, str] | None = None, *, excel: bool = False,
                lang: str | None = None) -> Iterator[list[str]]:
    """The header, then one row per record, as lists of cells in SPEC §8 order.

    Plain: English column names and codes, the format of the import. `excel` (for people, SPEC §8): every cell
    Excel would read as a formula gets the `'` prefix, and in Japanese (`lang`, default the current language) the
    headers are `HEADERS_JA`, coded cells their Japanese labels (lists joined with `+`, which no label contains,
    rather than `・`, which 遅刻・欠勤 and 電話・メール等 do) and booleans はい/いいえ. Import reads all of it back
    as the same records."""
    rows = _plain_rows(kind, records, refs)
    # Only free text can start with `=`, `+`, `-`, `@`, TAB, CR or `'`: dates, numbers, codes and labels never do.
    texts = [i for i, column in enumerate(HEADERS[kind]) if column in _TEXT_COLUMNS]
    if not excel:
        yield list(HEADERS[kind])
        yield from _guarded(rows, texts, plain_row)
        return
    if lang is None:
        from .i18n import language

        lang = language()
    if lang != "ja":
        yield excel_row(list(HEADERS[kind]))
        yield from _guarded(rows, texts, excel_row)
        return
    yield excel_row(list(HEADERS_JA[kind]))
    yield from _guarded(_in_japanese(kind, rows), texts, excel_row)


_TEXT_COLUMNS = frozenset({"name", "kana", "employer", "staff", "note", "client"})
_BOOLEAN_COLUMNS = frozenset({"reduced_hours"})
_FIRST = frozenset("=+-@\t\r'")


def _guarded(rows: Iterable[list[str]], texts: list[int], guard: Callable) -> Iterator[list[str]]:
    """Rows with `guard` (`render.excel_row` or `render.plain_row`) applied to those whose text cells need it."""
    first = _FIRST
    for row in rows:
        for i in texts:
            if row[i][:1] in first:
                yield guard(row)
                break
        else:
            yield row


def _in_japanese(kind: str, rows: Iterable[list[str]]) -> Iterator[list[str]]:
    coded = [(i, _JapaneseLabels(COLUMN_KINDS[column])) for i, column in enumerate(HEADERS[kind])
             if column in COLUMN_KINDS]
    flags = [i for i, column in enumerate(HEADERS[kind]) if column in _BOOLEAN_COLUMNS]
    for row in rows:
        for i, labels in coded:
            row[i] = labels[row[i]]
        for i in flags:
            row[i] = "はい" if row[i] == "true" else "いいえ"
        yield row


class _JapaneseLabels(dict):
    """`labels[cell]`: a `+`-joined cell of codes as the Japanese labels, worked out once per distinct cell."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def __missing__(self, cell: str) -> str:
        from .names import label

        found = self[cell] = "+".join(label(self.kind, code, "ja") for code in cell.split("+")) if cell else ""
        return found


def _plain_rows(kind: str, records: Iterable, refs: dict[int, str] | None) -> Iterator[list[str]]:
    header = HEADERS[kind]
    if kind == "clients":
        for client in records:
            cells = client_cells(client)
            yield [cells[c] for c in header]
    elif kind == "staff":
        for assignment in records:
            cells = staff_cells(assignment)
            yield [cells[c] for c in header]
    else:
        refs = refs or {}
        for c in records:
            yield [refs.get(c.client_id, str(c.client_id)), c.date.isoformat(), "+".join(c.types), _text(c.staff),
                   "" if c.minutes is None else str(c.minutes), _text(c.place), "+".join(c.concerns),
                   _text(c.center_reason), _text(c.note)]


def csv_chunks(rows: Iterable[list[str]], size: int = 5000) -> Iterator[str]:
    """CSV text in pieces (CRLF line ends, as Excel writes them), for files of any size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % size == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class Pseudonyms:
    """`export --pseudonymize` (SPEC §13): what identifies a person replaced, coarsened or dropped, so that the file
    still imports and the month's rules still run on it (a vendor's bug report, a researcher).

    - replaced by stable, one-way pseudonyms (HMAC-SHA-256 under the database's secret, see the module
      docstring): client names `P-…`, employers `E-…`, staff names `S-…`; certificate numbers by other ten-digit
      numbers, distinct for distinct numbers;
    - coarsened: every date to the first day of its month. `YYYY-MM-01`, not `YYYY-MM`: a date column reads
      a date (a month is refused there), so the file imports as it is. A service that started after the 1st
      may end (and have contacts) in a 37th calendar month; there the date becomes the first day of the coarse
      service's last month, which a service of 36 months from the 1st still covers;
    - dropped: free text (notes; kana, a name's reading), disability kinds (with the months of employment and
      support they would single out a person's 障害種別 in an office of a few dozen clients, and no rule reads
      them), the interim-support end (it only places the eligibility day, which the coarse dates keep valid).

    Left as they are: codes (contact types, place, concerns, center reason, prior service, end reason, role,
    reduced hours) and numbers (minutes, hours). The README lists them ("Keeping the data safe").
    """

    PREFIX = {"name": "P-", "employer": "E-", "staff": "S-"}

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.certificates: dict[str, str] = {}
        self._taken: set[str] = set()

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self.secret, f"{kind}\x00{value}".encode("utf-8"), hashlib.sha256).hexdigest()

    def text(self, kind: str, value: str | None) -> str | None:
        if value is None:
            return None
        return self.PREFIX[kind] + self._digest(kind, value)[:12]

    def certificate(self, value: str | None) -> str | None:
        """Ten digits again (so the file imports), distinct for distinct numbers."""
        if value is None:
            return None
        if value not in self.certificates:
            attempt = 0
            while True:
                digest = self._digest("certificate", value if attempt == 0 else f"{value}\x00{attempt}")
                candidate = f"{int(digest, 16) % 10**10:010d}"
                if candidate not in self._taken:
                    break
                attempt += 1
            self._taken.add(candidate)
            self.certificates[value] = candidate
        return self.certificates[value]

    def client(self, c: Client) -> Client:
        start = month_of(c.support_start)
        last = month_of(support_end(start))  # the first day of the coarse service's last month
        return replace(c, name=self.text("name", c.name), kana=None, employer=self.text("employer", c.employer),
                       certificate=self.certificate(c.certificate), staff=self.text("staff", c.staff), note=None,
                       disabilities=(), interim_support_end=None, grant_until=month_of(c.grant_until),
                       employment_start=month_of(c.employment_start), employment_end=month_of(c.employment_end),
                       support_start=start, ended_on=_at_most(month_of(c.ended_on), last),
                       job_change=month_of(c.job_change), reemployed=month_of(c.reemployed))

    def contact(self, c: Contact, client: Client) -> Contact:
        """`client` is the contact's client as `client()` made it: the date stays inside its coarse service."""
        last = client.ended_on or month_of(client.support_end)
        return replace(c, date=_at_most(month_of(c.date), last), staff=self.text("staff", c.staff), note=None)

    def assignment(self, a: Assignment) -> Assignment:
        return replace(a, name=self.text("staff", a.name), from_date=month_of(a.from_date),
                       until_date=month_of(a.until_date))


def month_of(day: date | None) -> date | None:
    """The first day of the month of `day` (a date coarsened to its month)."""
    return None if day is None else day.replace(day=1)


def _at_most(day: date | None, limit: date) -> date | None:
    return None if day is None else min(day, limit)


def format_hours(value: float) -> str:
    """40.0 → `40`, 37.5 → `37.5`; the shortest text that reads back as the same number."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _text(value) -> str:
    return "" if value is None else str(value)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
