"""Screens as a real terminal shows them (issue 16): the demo office's `report`, `visits`, `clients --wareki` and
`doctor` drawn by rich on a terminal of 80 and 120 columns, kept as golden files in tests/golden/layout/
(`TEIKAN_UPDATE_GOLDEN=1` rewrites them; review the diff). Every line fits the width, no header is split inside
a word, every rule is whole, codes are left-aligned; pipes stay whole."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import run_cli
from teikan_cli import render
from teikan_cli.i18n import LABELS

GOLDEN = Path(__file__).parent / "golden" / "layout"
AS_OF = "2026-10-15"
MONTH = "2026-09"  # the demo's busiest month
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
RULE = re.compile(r"^─+$")


class Terminal(io.TextIOWrapper):
    """stdout as a terminal: isatty() is True (rich draws its tables); the bytes are kept."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def isatty(self) -> bool:
        return True

    def screen(self) -> str:
        self.flush()
        text = ANSI.sub("", self.buffer.getvalue().decode("utf-8"))
        return "".join(line.rstrip() + "\n" for line in text.splitlines())  # a terminal shows no trailing blanks


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "demo.db"
    result = run_cli("demo", "--path", str(path), "--as-of", AS_OF)
    assert result.exit_code == 0, result
    return path.read_bytes()


@pytest.fixture
def demo_db(db_path, demo_template):
    db_path.write_bytes(demo_template)
    os.chmod(db_path, 0o600)
    return db_path


@pytest.fixture
def terminal(monkeypatch):
    """Run a command (or a function) on a terminal of `columns` columns in language `lang`; its screen."""
    from teikan_cli import i18n
    from teikan_cli.cli import main

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")

    def run(columns: int, lang: str, *args: str, call=None) -> str:
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setenv("TEIKAN_LANG", lang)
        i18n.set_language(None)
        out, err = Terminal(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            if call is not None:
                call()
            else:
                try:
                    main(list(args))
                except SystemExit as exc:
                    assert exc.code in (0, None, 1), err.getvalue()
        assert err.getvalue() == ""
        i18n.set_language(None)
        return out.screen()

    return run


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TEIKAN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with TEIKAN_UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (TEIKAN_UPDATE_GOLDEN=1 rewrites it)"


# Every word a header may show: the labels of both languages and their short forms, and (a header broken at its
# spaces) each of their words. A header cell that is none of these was split inside a word (`支援レ` / `ポート`).
HEADER_WORDS = {text for pair in LABELS.values() for text in pair} | {
    word for pair in LABELS.values() for text in pair for word in text.split(" ")}


def tables(screen: str) -> list[tuple[list[str], str, list[str]]]:
    """(header lines, rule, body lines) of every table on the screen: a rule line with the header above it (up
    to the blank or title line) and the rows below it (up to a line that starts a new block)."""
    lines = screen.splitlines()
    found = []
    for index, line in enumerate(lines):
        if not RULE.match(line):
            continue
        head = []
        for above in reversed(lines[:index]):  # a header line has cells apart, or starts blank (a 2nd line)
            if not above.strip() or not (above.startswith(" ") or re.search(r"\S {2,}\S", above)):
                break
            head.insert(0, above)
        body = []
        for below in lines[index + 1:]:
            if not below.strip() or not (below.startswith(" ") or re.match(r"^\S+ {2,}", below)):
                break
            body.append(below)
        found.append((head, line, body))
    return found


def assert_fits(screen: str, columns: int) -> None:
    for line in screen.splitlines():
        assert render.width(line) <= columns, f"wider than {columns}: {line!r}"
    drawn = tables(screen)
    assert drawn, "no rich table on the screen"
    for head, rule, body in drawn:
        assert head, f"a rule without a header: {rule!r}"
        for line in head:
            for cell in re.split(r" {2,}", line.strip()):
                assert cell in HEADER_WORDS, f"header split inside a word: {cell!r} in {line!r}"
        width = render.width(rule)
        assert all(render.width(line) <= width for line in head + body), "a line sticks out of its table's rule"


SCREENS = {
    "report": ["report", "--month", MONTH, "--as-of", AS_OF],
    "visits": ["visits", "--month", MONTH, "--as-of", AS_OF],
    "clients-wareki": ["clients", "--wareki", "--as-of", AS_OF],
}
CASES = [(name, lang, columns) for name in SCREENS for lang in ("ja", "en") if lang == "ja" or name == "report"
         for columns in (80, 120)]


@pytest.mark.parametrize("name,lang,columns", CASES)
def test_screen_on_a_terminal(terminal, demo_db, name, lang, columns):
    screen = terminal(columns, lang, *SCREENS[name])
    assert_fits(screen, columns)
    assert_golden(f"{name}.{lang}.{columns}.txt", screen)


def _doctor_checks(path: Path):
    """`doctor`'s checks of the demo file, its path written as an office's would be (the golden file must not
    depend on where pytest puts its temporary files)."""
    from teikan_cli.store.files import doctor_checks

    shown = {str(path): "/home/hinata/teikan/teikan.db", str(path.resolve().parent): "/home/hinata/teikan"}
    return [dataclasses.replace(c, params={k: shown.get(v, v) if isinstance(v, str) else v
                                           for k, v in c.params.items()})
            for c in doctor_checks(path)]


@pytest.mark.parametrize("columns", [80, 120])
def test_doctor_on_a_terminal(terminal, demo_db, columns):
    from teikan_cli.commands.screens import print_doctor

    os.chmod(demo_db, 0o644)  # one problem: the Japanese status 問題 beside 正常
    checks = _doctor_checks(demo_db)
    screen = terminal(columns, "ja", call=lambda: print_doctor(checks))
    assert "問題  ファイルの権限" in screen and "正常  整合性" in screen
    detail = [render.width(line[:line.index("/home")]) for line in screen.splitlines() if "ファイルの権限" in line][0]
    for line in screen.splitlines():  # every line, and every folded line, starts its text in the same column
        assert render.width(line) <= columns
        head = line[:len(line) - len(line.lstrip(" "))] if line.startswith(" ") else None
        assert head is None or render.width(head) == detail, line
    assert_golden(f"doctor.ja.{columns}.txt", screen)


def test_the_certificate_is_a_code_left_aligned(terminal, demo_db, cli):
    piped = cli("report", "--month", MONTH, "--as-of", AS_OF, env={"TEIKAN_LANG": "ja"}).stdout
    for screen in (terminal(120, "ja", *SCREENS["report"]), piped):
        header = next(line for line in screen.splitlines() if "受給者証番号" in line)
        row = next(line for line in screen.splitlines() if "0000000001" in line)
        assert render.width(row[:row.index("0000000001")]) == render.width(header[:header.index("受給者証番号")])


def test_a_narrow_terminal_names_what_it_left_out_and_a_pipe_keeps_everything(terminal, demo_db, cli):
    screen = terminal(80, "ja", *SCREENS["visits"])
    assert "画面幅のため省略: センター連携理由" in screen and "…" in screen
    piped = cli("visits", "--month", MONTH, "--as-of", AS_OF, env={"TEIKAN_LANG": "ja"}).stdout
    assert "…" not in piped and "省略" not in piped and "センター連携理由" in piped
    notes = [c["note"] for c in __import__("json").loads(
        cli("visits", "--month", MONTH, "--as-of", AS_OF, "--format", "json").stdout)["contacts"] if c["note"]]
    assert notes and all(note in piped for note in notes)


# ------------------------------------------------------------------ the layout rules, one at a time


def test_shorten_counts_wide_characters_twice():
    assert render.shorten("株式会社サンプル物産", 10) == "株式会社…"
    assert render.width(render.shorten("株式会社サンプル物産", 10)) == 9
    assert render.shorten("abc", 3) == "abc" and render.shorten("abcd", 3) == "ab…"
    assert render.shorten("a株式", 4) == "a株…"


def _layout(columns, rows, limit, omit=render.NARROW_OMIT):
    headers = [render.header(c, rows) for c in columns]
    shorts = [render.short_header(c, [r.get(c) for r in rows]) for c in columns]
    texts = [[render.cell(r.get(c), c) for c in columns] for r in rows]
    return render.terminal_layout(columns, headers, shorts, texts, limit, omit)


def test_headers_shorten_before_anything_is_cut(monkeypatch):
    monkeypatch.setenv("TEIKAN_LANG", "ja")
    from teikan_cli import i18n

    i18n.set_language(None)
    rows = [{"id": 1, "report_shared": True, "support_end": "2028-03-31", "note": "x" * 30}]
    shown, cols, plan, left_out = _layout(["id", "report_shared", "support_end", "note"], rows, 64)
    assert left_out == [] and [c.header for c in cols][1] == "支援レポート"
    assert [compact for compact, _fold, _size in plan] == [False, False, False, False]
    shown, cols, plan, left_out = _layout(["id", "report_shared", "support_end", "note"], rows, 40)
    heads = [c.compact if compact else c.header for c, (compact, _f, _s) in zip(cols, plan)]
    assert heads[1:3] == ["レポート", "満了日"] and left_out == []
    assert plan[3][2] >= render.FREE_TEXT_MIN
    i18n.set_language(None)


def test_an_english_header_breaks_only_at_its_spaces():
    assert render._header_lines("Support end") == "Support\nend"
    assert render._header_lines("Certificate") == "Certificate"
    assert render._header_lines("支援レポート") == "支援レポート"


def test_lists_and_wareki_dates_fold_at_their_natural_breaks():
    assert render._breaks("対面支援, 企業訪問") == ["対面支援,", "企業訪問"]
    assert render._breaks("2025-04-01 (令和7年4月1日)") == ["2025-04-01", "(令和7年4月1日)"]
    assert render._pack(["face,", "employer,", "remote"], 15) == "face, employer,\nremote"


def test_columns_are_left_out_in_order_and_only_when_nothing_else_fits():
    rows = [{"id": 1, "name": "山田 太郎", "place": "workplace", "minutes": 60, "staff": "架空 陽介"}]
    columns = ["id", "name", "place", "minutes", "staff"]
    assert _layout(columns, rows, 80)[3] == []
    shown, _cols, _plan, left_out = _layout(columns, rows, 30)
    assert [columns[i] for i in left_out] == ["place"]
    shown, _cols, _plan, left_out = _layout(columns, rows, 26)
    assert [columns[i] for i in left_out] == ["place", "minutes"]
    assert sum(size for _c, _f, size in _plan) + render.GAP * (len(shown) - 1) <= 26


def test_a_table_that_cannot_fit_is_drawn_whole(terminal):
    rows = [{"id": 1, "name": "山田 太郎" * 3}]  # a name is never cut
    screen = terminal(20, "ja", call=lambda: render.print_table(["id", "name"], rows))
    assert "山田 太郎" * 3 in screen  # drawn whole: the terminal wraps it


def test_pairs_and_lines_fold_on_a_terminal_and_not_in_a_pipe(terminal):
    value = "とても長い説明の文章です。" * 8
    screen = terminal(60, "ja", call=lambda: render.print_pairs([("鍵", value)]))
    assert all(render.width(line) <= 60 for line in screen.splitlines()) and len(screen.splitlines()) > 2
    assert all(line.startswith(" " * 6) for line in screen.splitlines()[1:])  # under the value, not the key
    pipe = io.StringIO()
    render.print_pairs([("鍵", value)], out=pipe)
    assert pipe.getvalue() == f"  鍵  {value}\n"
    screen = terminal(60, "ja", call=lambda: render.print_lines(["error x-y: " + value]))
    assert all(line.startswith("  ") for line in screen.splitlines()[1:])
    pipe = io.StringIO()
    render.print_lines(["error x-y: " + value], out=pipe)
    assert pipe.getvalue() == "error x-y: " + value + "\n"


def test_the_checks_catch_a_split_header_and_a_broken_rule():
    split = ("ID  支援レ\n"
             "    ポート\n"
             "──────────\n"
             " 1  共有済\n")
    with pytest.raises(AssertionError, match="split inside a word"):
        assert_fits(split, 80)
    broken = ("ID  支援レポート  利用期間満了日\n"
              "──────────────────────\n"
              " 1  共有済        2028-03-31\n")
    with pytest.raises(AssertionError, match="sticks out"):
        assert_fits(broken, 80)
    with pytest.raises(AssertionError, match="wider than 20"):
        assert_fits(broken, 20)
