"""Every help screen in the reader's language (issue 16): `teikan --help` and `teikan COMMAND --help` for every
command of the catalogue (commands/catalog.py), in Japanese and in English, in a pipe (80 columns) and on
terminals of 80 and 120 columns (help_width). Japanese help has no line of English prose and none of Typer's
own words; English help has no line of Japanese alone; no line is wider than the screen."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest

from conftest import run_cli
from teikan_cli.commands.catalog import COMMANDS
from teikan_cli.helpscreen import display_width, example_lines, wrap
from teikan_cli.names import VOCABULARY

SCREENS = [["--help"]] + [[name, "--help"] for name, _module, _function in COMMANDS]
IDS = ["teikan"] + [name for name, _module, _function in COMMANDS]

TYPER_WORDS = ("Usage", "Options", "Arguments", "Commands:", "[required]", "default:", "Show this message",
               "[default", "Examples:")
JAPANESE_WORDS = ("使い方", "オプション:", "引数:", "コマンド:", "［必須］", "既定:", "例:", "このヘルプ")
EXAMPLE_HEADS = ("例:", "Examples:")

# What a Japanese line may hold in ASCII: option names, metavars, codes (`face`, `group-program`), paths, dates,
# numbers, the command's own name. What is left must not be English words.
_ASCII_ALLOWED = re.compile(r"--?[a-z][a-z-]*|\b[A-Z][A-Z_]+\b|\S*/\S*|\b[a-z]+(?:-[a-z]+)+\b|[0-9][0-9.:/x-]*")
# Dates written as examples (`2025-04-01`, `令和7年4月1日`, `R7.4.1`) are values, not words.
_DATES = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|(?:令和|平成|昭和)[0-9元]+年[0-9]+月(?:[0-9]+日)?|R[0-9]+\.[0-9]+(?:\.[0-9]+)?")


def screen(args: list[str], lang: str, columns: int | None = None, monkeypatch=None) -> str:
    """The help as printed in a pipe (columns None) or on a terminal of `columns` columns."""
    if columns is None:
        result = run_cli(*args, env={"TEIKAN_LANG": lang})
        assert (result.exit_code, result.stderr) == (0, ""), result
        return result.stdout
    from teikan_cli import i18n
    from teikan_cli.cli import main

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TEIKAN_LANG", lang)
    monkeypatch.delenv("NO_COLOR", raising=False)
    i18n.set_language(None)
    out, err = Terminal(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        with pytest.raises(SystemExit) as stop:
            main(list(args))
    i18n.set_language(None)
    assert (stop.value.code in (0, None), err.getvalue()) == (True, "")
    return out.getvalue()


COMMAND_NAMES = {name for name, _module, _function in COMMANDS}


def _is_name(label: str) -> bool:
    """The left column of a help row: an option (`--type TYPE`, `-h, --help`), an argument (`CLIENT`) or, in
    `teikan --help`, a command (`log-visit`)."""
    return label.startswith("-") or label.replace("_", "").isupper() or label in COMMAND_NAMES


def description_lines(text: str) -> list[str]:
    """The lines a person reads as description: every line but the usage line and the examples, with the
    option, argument or command name at the start of a row taken off (a name alone on its line is dropped)."""
    lines, examples = [], False
    for index, line in enumerate(text.splitlines()):
        if index == 0:
            continue
        if not line.strip():
            examples = False
            continue
        if line in EXAMPLE_HEADS:
            examples = True
            continue
        if examples:
            continue
        row = re.match(r"^  (\S+(?: \S+)*?)(?: {2,}(.*))?$", line)
        if row and _is_name(row.group(1)):
            if row.group(2) is None:
                continue
            line = row.group(2)
        lines.append(line.strip())
    return lines


CODES = {term.code for terms in VOCABULARY.values() for term in terms} | {"table", "json", "csv", "md", "text",
                                                                          "html", "teikan"} | COMMAND_NAMES


def english_prose(line: str) -> bool:
    """Words of English in a line, once option names, metavars, codes, paths, dates and numbers are set aside."""
    rest = _ASCII_ALLOWED.sub(" ", _DATES.sub(" ", line))
    return any(word not in CODES for word in re.findall(r"[A-Za-z]{2,}", rest))


def japanese_alone(line: str) -> bool:
    """Japanese text and no English word (dates and codes set aside): an untranslated line."""
    rest = _DATES.sub(" ", line)
    return any(display_width(ch) == 2 for ch in rest) and not re.search(r"[A-Za-z]{2,}", rest)


@pytest.mark.parametrize("args", SCREENS, ids=IDS)
def test_japanese_help_is_japanese(args):
    text = screen(args, "ja")
    for word in TYPER_WORDS:
        assert word not in text, f"{' '.join(args)}: Typer's English {word!r}"
    for line in description_lines(text):
        assert not (line.isascii() and english_prose(line)), f"{' '.join(args)}: ASCII-only line {line!r}"
    assert text.startswith("使い方: teikan")


@pytest.mark.parametrize("args", SCREENS, ids=IDS)
def test_english_help_is_english(args):
    text = screen(args, "en")
    for word in JAPANESE_WORDS:
        assert word not in text, f"{' '.join(args)}: Japanese {word!r} in the English help"
    for line in description_lines(text):
        assert not japanese_alone(line), f"{' '.join(args)}: Japanese-only line {line!r}"
    assert text.startswith("Usage: teikan")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help_fits_a_pipe_and_a_terminal(monkeypatch, lang):
    widest = 0
    for args in SCREENS:
        for columns in (None, 80, 120):
            text = screen(args, lang, columns, monkeypatch)
            limit = columns or 80
            for line in text.splitlines():
                assert display_width(line) <= limit, f"{' '.join(args)} at {limit}: {line!r}"
            if columns == 120:
                widest = max(widest, max(display_width(line) for line in text.splitlines()))
    assert widest > 80  # on a wide terminal help uses the width


def test_the_checks_catch_english_in_japanese_help_and_the_reverse():
    typer_like = "使い方: teikan x\n\nOptions:\n  --date DATE  The day of the contact.\n"
    assert [line for line in description_lines(typer_like) if line.isascii() and english_prose(line)] == [
        "Options:", "The day of the contact."]
    coded = "使い方: teikan x\n\nオプション:\n  --type TYPE  種類\n               face, group-program, --place PLACE\n"
    assert not [line for line in description_lines(coded) if line.isascii() and english_prose(line)]
    assert japanese_alone("支援記録の一覧") and not japanese_alone("Contacts (支援記録)")
    assert not japanese_alone("e.g. 令和7年4月1日).")


def test_examples_are_continued_as_a_shell_reads_them():
    example = 'teikan log-visit "山田 太郎" --date 昨日 --type 電話 --concern 遅刻 --note "朝の遅刻が続いている"'
    lines = example_lines(example, 60)
    assert all(display_width(line) <= 60 for line in lines)
    assert all(line.endswith(" \\") for line in lines[:-1]) and len(lines) > 1
    joined = " ".join(line.strip().removesuffix(" \\") for line in lines)
    assert joined == example
    assert example_lines("teikan clients", 60) == ["  teikan clients"]


def test_wrapping_keeps_japanese_rules():
    assert wrap("支援センターの支援", 10) == ["支援セン", "ターの支援"]  # never `ー` first on a line
    assert all(not line.startswith(("ー", "。", "）")) for line in wrap("支援センターの支援（助言）は登録しない。", 10))
    assert all(not line.endswith("（") for line in wrap("あいうえおかきく（助言）", 9))
    english = wrap("the Japanese column names of an office sheet (氏名, フリガナ, 就職先 …).", 40, spaced=True)
    assert english[-1].startswith("sheet") and all(display_width(line) <= 40 for line in english)
    assert wrap("/a/very/long/path/that/does/not/fit", 10) == ["/a/very/lo", "ng/path/th", "at/does/no", "t/fit"]


_OPEN_TAG = re.compile(r"［[^］]*$|\[[^\]]*$")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_tag_is_never_broken_across_lines(monkeypatch, lang):
    """［既定値: …］, ［複数指定可］, [default: …]: each stays whole, on the next line when it does not fit."""
    for args in SCREENS:
        for columns in (None, 80, 120):
            for line in screen(args, lang, columns, monkeypatch).splitlines():
                assert not _OPEN_TAG.search(line), f"{' '.join(args)} at {columns}: {line!r}"


@pytest.mark.parametrize("text, width, spaced, lines", [
    ("障害種別（複数ある場合は繰り返し指定）  ［複数指定可］", 44, False,
     ["障害種別（複数ある場合は繰り返し指定）", "［複数指定可］"]),
    ("表示する利用者の状態  ［既定値: 利用中］", 40, False, ["表示する利用者の状態  ［既定値: 利用中］"]),
    ("Output format: table (default), json or csv.  [default: table]", 50, True,
     ["Output format: table (default), json or csv.", "[default: table]"]),
])
def test_wrap_keeps_a_tag_whole(text, width, spaced, lines):
    assert wrap(text, width, spaced) == lines


@pytest.mark.parametrize("args, lang, shown, hidden", [
    (["clients", "--help"], "ja", "［既定値: 利用中］", "既定値: active"),
    (["support-report", "--help"], "ja", "［既定値: 本人用］", "既定値: client"),
    (["clients", "--help"], "en", "[default: active]", None),
    (["clients", "--help"], "ja", "［既定値: table］", None),  # --format is no vocabulary: typed as shown
])
def test_a_coded_default_is_shown_by_its_label(args, lang, shown, hidden):
    text = screen(args, lang)
    assert shown in text
    if hidden:
        assert hidden not in text
