"""The help catalogue (teikan_cli/helptext.py): complete, in both languages, and fit for a help screen.

Every (en, ja) pair has both texts; the Japanese is Japanese and the English is English, line by line;
summaries fit 70 columns (a wide character counts 2); examples are real command lines of their own command;
every command of SPEC §3/§10/§11/§12 is there with exactly its arguments and options; coded options do not
list their values (the help appends them from the vocabulary table).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from teikan_cli import helptext
from teikan_cli.helptext import APP, COMMANDS, COMMON_OPTIONS, GLOBAL_OPTIONS, METAVARS, WORDS

# The order of `teikan --help`.
ORDER = [
    "init", "add-client", "clients", "show-client", "edit-client", "end-client", "delete-client",
    "log-visit", "visits", "edit-visit", "delete-visit", "add-staff", "staff", "end-staff", "delete-staff",
    "plan", "monitor", "handover", "share-report", "support-report", "service-record", "report", "check",
    "handovers", "due", "watch", "rate", "import", "export", "backup", "restore", "doctor", "purge", "demo",
]

_CLIENT_OPTIONS = ["--employment-start", "--support-start", "--kana", "--employer", "--certificate", "--grant-until",
                   "--staff", "--disability", "--prior-service", "--interim-support-end", "--note"]
_CONTACT_OPTIONS = ["--date", "--type", "--staff", "--minutes", "--place", "--concern", "--center-reason", "--note",
                    "--shareable"]
_WRITE = ["--as-of", "--db"]
_LISTING = ["--as-of", "--format", "--excel", "--wareki", "--db"]

# Every argument and option each command takes (the brief's list, SPEC §3, §10, §11, §12), shared ones included.
EXPECTED = {
    "init": ["--office-name", "--office-number", "--fulltime-hours", "--opened", "--rate-tier", "--office-address",
             "--office-phone", *_WRITE],
    "add-client": ["NAME", *_CLIENT_OPTIONS, *_WRITE],
    "clients": ["--status", *_LISTING],
    "show-client": ["CLIENT", "--history", *_LISTING],
    "edit-client": ["CLIENT", *_CLIENT_OPTIONS, "--name", "--employment-end", "--job-change", "--reemployed", *_WRITE],
    "end-client": ["CLIENT", "--date", "--reason", *_WRITE],
    "delete-client": ["CLIENT", "--reason", *_WRITE],
    "log-visit": ["CLIENT", *_CONTACT_OPTIONS, *_WRITE],
    "visits": ["--client", "--month", *_LISTING],
    "edit-visit": ["ID", *_CONTACT_OPTIONS, "--not-shareable", *_WRITE],
    "delete-visit": ["ID", "--reason", *_WRITE],
    "add-staff": ["NAME", "--role", "--hours", "--from", "--until", "--reduced-hours", *_WRITE],
    "staff": ["--month", *_LISTING],
    "end-staff": ["NAME", "--until", "--role", *_WRITE],
    "delete-staff": ["ASSIGNMENT_ID", "--reason", *_WRITE],
    "plan": ["CLIENT", "--date", "--consent-date", "--delivered-date", "--delivered-to", "--long-goal", "--short-goal",
             "--item", "--next-review", "--center-cooperation", *_WRITE],
    "monitor": ["CLIENT", "--date", "--note", *_WRITE],
    "handover": ["CLIENT", "--center", "--consent-date", "--shared-date", "--not-needed", "--note", *_WRITE],
    "share-report": ["CLIENT", "--month", "--date", "--to", "--method", *_WRITE],
    "support-report": ["CLIENT", "--month", "--format", "--copy", "--output", "--force", "--wareki", *_WRITE],
    "service-record": ["CLIENT", "--month", "--all", "--format", "--output", "--force", *_WRITE],
    "report": ["--month", *_LISTING],
    "check": ["--month", "--within", "--remind-days", "--strict", "--format", *_WRITE],
    "handovers": ["--within", *_LISTING],
    "due": ["--staff", "--month", "--as-of", "--format", "--excel", "--db"],
    "watch": ["--months", "--as-of", "--format", "--excel", "--db"],
    "rate": ["--fiscal-year", "--what-if", *_LISTING],
    "import": ["KIND", "FILE", "--dry-run", *_WRITE],
    "export": ["KIND", "--output", "--force", "--excel", "--pseudonymize", *_WRITE],
    "backup": ["DEST", "--force", *_WRITE],
    "restore": ["SRC", "--force", *_WRITE],
    "doctor": ["--format", *_WRITE],
    "purge": ["--before", "--dry-run", "--as-of", "--format", "--excel", "--db"],
    "demo": ["--path", "--as-of"],
}

# Coded options: their values come from the vocabulary table, so the text must not list them.
CODES = {
    "--type": ("face", "employer", "remote", "agency", "center"),
    "--place": ("home", "workplace", "office", "other"),
    "--concern": ("attendance", "appearance", "medication", "work-accuracy", "communication", "other"),
    "--center-reason": ("advice", "team-support", "group-program"),
    "--center-cooperation": ("advice", "team-support", "group-program"),
    "--disability": ("physical", "intellectual", "mental", "developmental", "higher-brain", "intractable-disease"),
    "--prior-service": ("transition", "continuation-a", "continuation-b", "daily-life-care", "training"),
    "--role": ("supporter", "manager"),
    "--reason": ("period-end", "job-loss", "user-request", "handover", "other"),
    "--status": ("active", "ended", "all"),
    "--delivered-to": ("client", "consultation"),
    "--to": ("client", "employer", "agency"),
    "--method": ("paper", "mail", "email", "in-person"),
    "--copy": ("client", "employer"),
    "KIND": ("clients", "contacts", "staff"),
}

SUMMARY_COLUMNS = 70


# ---------------------------------------------------------------- helpers


def _is_japanese(char: str) -> bool:
    code = ord(char)
    return (0x3040 <= code <= 0x30FF          # hiragana, katakana (ー included)
            or 0x3400 <= code <= 0x4DBF       # CJK extension A
            or 0x4E00 <= code <= 0x9FFF       # CJK unified ideographs
            or 0xF900 <= code <= 0xFAFF       # CJK compatibility ideographs
            or 0xFF66 <= code <= 0xFF9F       # half-width katakana
            or char in "々〆")


def _width(text: str) -> int:
    """Display columns: East Asian wide, full-width and ambiguous characters count 2 (as a Japanese terminal
    shows them)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _pairs():
    """Every (en, ja) pair of the catalogue, with where it is."""
    for key, pair in WORDS.items():
        yield f"WORDS[{key}]", pair
    for key, pair in METAVARS.items():
        yield f"METAVARS[{key}]", pair
    for key in ("summary", "description"):
        yield f"APP[{key}]", APP[key]
    for key, pair in GLOBAL_OPTIONS.items():
        yield f"GLOBAL_OPTIONS[{key}]", pair
    for key, pair in COMMON_OPTIONS.items():
        yield f"COMMON_OPTIONS[{key}]", pair
    for name, entry in COMMANDS.items():
        for key in ("summary", "description"):
            if key in entry:
                yield f"{name} {key}", entry[key]
        for param, pair in entry["params"].items():
            yield f"{name} {param}", pair


PAIRS = list(_pairs())
PAIR_IDS = [where for where, _ in PAIRS]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


# ---------------------------------------------------------------- the module


def test_helptext_is_data_only():
    """No imports but `__future__` (cheap to import from the fast `teikan --help` path)."""
    tree = ast.parse(Path(helptext.__file__).read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [(node.module if isinstance(node, ast.ImportFrom) else None) for node in imports] == ["__future__"]
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert calls == [], "plain data: no function calls"


def test_words_has_the_words_of_a_help_screen():
    for key in ("usage", "options", "arguments", "commands", "required", "default", "values", "example",
                "repeatable", "show_help", "date_forms", "month_forms", "exit_codes"):
        assert key in WORDS, key
    assert WORDS["usage"] == ("Usage", "使い方")
    assert WORDS["required"] == ("required", "必須")


def test_date_and_month_forms_are_documented():
    for form in ("2025-04-01", "2025/4/1", "20250401", "令和7年4月1日", "R7.4.1", "today"):
        for text in WORDS["date_forms"] + COMMON_OPTIONS["--as-of"]:
            assert form in text or (form == "today" and "今日" in text), (form, text)
    for form in ("2025-04", "令和7年4月", "R7.4", "今月", "先月", "this", "last"):
        for text in WORDS["month_forms"]:
            assert form in text, (form, text)


def test_global_and_common_options():
    assert list(GLOBAL_OPTIONS) == ["--db", "--version", "--install-completion", "--show-completion", "--help"]
    assert list(COMMON_OPTIONS) == ["--as-of", "--format", "--excel", "--wareki", "--db"]


# ---------------------------------------------------------------- every pair


@pytest.mark.parametrize("where, pair", PAIRS, ids=PAIR_IDS)
def test_every_pair_has_an_english_and_a_japanese_text(where, pair):
    assert isinstance(pair, tuple) and len(pair) == 2, where
    en, ja = pair
    assert isinstance(en, str) and en.strip(), f"{where}: no English"
    assert isinstance(ja, str) and ja.strip(), f"{where}: no Japanese"
    assert en != ja, f"{where}: the same text twice"


@pytest.mark.parametrize("where, pair", PAIRS, ids=PAIR_IDS)
def test_japanese_text_is_japanese_on_every_line(where, pair):
    for line in pair[1].splitlines():
        assert any(_is_japanese(c) for c in line), f"{where}: ASCII-only Japanese line {line!r}"
        # Untranslated English (three plain words in a row) has no place in the Japanese text.
        assert not re.search(r"\b[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}\b", line), f"{where}: English in {line!r}"


@pytest.mark.parametrize("where, pair", PAIRS, ids=PAIR_IDS)
def test_english_text_is_english_on_every_line(where, pair):
    for line in pair[0].splitlines():
        assert re.search(r"[A-Za-z]{2,}", line), f"{where}: no English word in {line!r}"
        letters = [c for c in line if c.isalpha()]
        assert not all(_is_japanese(c) for c in letters), f"{where}: Japanese-only line {line!r}"


@pytest.mark.parametrize("where, pair", PAIRS, ids=PAIR_IDS)
def test_placeholders_are_the_same_in_both_languages(where, pair):
    assert _placeholders(pair[0]) == _placeholders(pair[1]), where


@pytest.mark.parametrize("where, pair", PAIRS, ids=PAIR_IDS)
def test_no_stray_whitespace(where, pair):
    for text in pair:
        assert text == text.strip(), where
        assert "  " not in text and "\t" not in text, where
        assert not any(line != line.strip() for line in text.splitlines()), where


# ---------------------------------------------------------------- commands


def test_every_command_in_the_order_of_teikan_help():
    assert list(COMMANDS) == ORDER


@pytest.mark.parametrize("name", ORDER)
def test_command_has_summary_params_and_examples(name):
    entry = COMMANDS[name]
    assert set(entry) <= {"summary", "description", "examples", "params", "common"}, name
    assert entry["summary"] and entry["examples"] and entry["params"], name
    assert "common" in entry, name
    for text in entry["summary"]:
        assert "\n" not in text, name
    if "description" in entry:
        for text in entry["description"]:
            assert 1 <= len(text.splitlines()) <= 4, name


@pytest.mark.parametrize("name", ORDER)
def test_summary_fits_70_columns_in_each_language(name):
    for text in COMMANDS[name]["summary"]:
        assert _width(text) <= SUMMARY_COLUMNS, f"{name}: {_width(text)} columns: {text}"


def test_app_summary_fits_too():
    for text in APP["summary"]:
        assert _width(text) <= SUMMARY_COLUMNS


@pytest.mark.parametrize("name", ORDER)
def test_examples_are_command_lines_of_their_own_command(name):
    examples = COMMANDS[name]["examples"]
    assert isinstance(examples, tuple) and 1 <= len(examples) <= 3, name
    for line in examples:
        assert isinstance(line, str) and "\n" not in line, line
        assert line.startswith("teikan "), line
        assert line.split()[1] == name, f"{name}: example of another command: {line}"
        assert line.count('"') % 2 == 0, f"unbalanced quotes: {line}"


def test_app_examples_are_command_lines():
    for line in APP["examples"]:
        assert line.startswith("teikan ")


@pytest.mark.parametrize("name", ORDER)
def test_command_takes_exactly_its_arguments_and_options(name):
    entry = COMMANDS[name]
    params, common = list(entry["params"]), list(entry["common"])
    assert not set(params) & set(common), f"{name}: in params and in common: {set(params) & set(common)}"
    assert set(common) <= set(COMMON_OPTIONS), name
    assert len(common) == len(set(common)), name
    assert sorted(params + common) == sorted(EXPECTED[name]), name


@pytest.mark.parametrize("name", ORDER)
def test_param_keys_are_metavars_or_long_options(name):
    for key in COMMANDS[name]["params"]:
        assert re.fullmatch(r"[A-Z][A-Z_]*|--[a-z][a-z-]*[a-z]", key), f"{name}: {key}"
    arguments = [k for k in COMMANDS[name]["params"] if not k.startswith("--")]
    options = [k for k in COMMANDS[name]["params"] if k.startswith("--")]
    assert list(COMMANDS[name]["params"]) == arguments + options, f"{name}: arguments come first"


def test_as_of_everywhere():
    for name, entry in COMMANDS.items():
        assert "--as-of" in entry["params"] or "--as-of" in entry["common"], name


@pytest.mark.parametrize("name", ORDER)
def test_coded_options_do_not_list_their_values(name):
    """The help appends each coded option's values and labels from the vocabulary table."""
    for key, (en, ja) in COMMANDS[name]["params"].items():
        if key not in CODES:
            continue
        assert "|" not in en + ja, f"{name} {key}"
        found = [code for code in CODES[key] if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", en.lower())]
        assert len(found) < 3, f"{name} {key} lists its values {found}: {en}"
        assert not any(re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", ja) for code in CODES[key]), \
            f"{name} {key}: a code in the Japanese text: {ja}"


def test_exit_codes_in_check_and_doctor():
    for name in ("check", "doctor"):
        en, ja = COMMANDS[name]["description"]
        assert "Exit codes" in en and "終了コード" in ja, name
        for code in ("0", "1", "2"):
            assert re.search(rf"\b{code} ", en) and re.search(rf"{code} ", ja), (name, code)


def test_defaults_and_units_are_said_where_they_matter():
    def both(name, key):
        entry = COMMANDS[name]["params"][key]
        return entry[0] + "\n" + entry[1]

    assert "40" in both("init", "--fulltime-hours") and "週時間" in both("init", "--fulltime-hours")
    assert "分" in COMMANDS["log-visit"]["params"]["--minutes"][1]
    assert "minutes" in COMMANDS["log-visit"]["params"]["--minutes"][0]
    assert "90" in both("check", "--within") and "日数" in COMMANDS["check"]["params"]["--within"][1]
    assert "7" in both("check", "--remind-days")
    assert "180" in both("handovers", "--within")
    assert "3" in both("watch", "--months")
    assert "週" in COMMANDS["add-staff"]["params"]["--hours"][1]
    assert "30" in both("add-staff", "--reduced-hours")


def test_office_terms_in_the_japanese_texts():
    """The office's own words, not translations of the English ones."""
    japanese = "\n".join(pair[1] for _, pair in PAIRS)
    for term in ("対面支援", "企業訪問", "支援レポート", "個別支援計画", "受給者証", "支給決定期間", "常勤換算", "引継ぎ",
                 "障害者就業・生活支援センター", "相談支援事業所", "サービス提供実績記録票", "利用開始日", "基準日"):
        assert term in japanese, term


# ---------------------------------------------------------------- against the code


def _registered_params():
    """What the Typer app registers today: {command: [argument metavars and long option names]}."""
    import typer.main

    from teikan_cli import cli

    group = typer.main.get_command(cli.build_app())
    found = {}
    for name, command in group.commands.items():
        keys = []
        for param in command.params:
            if param.param_type_name == "argument":
                keys.append((param.metavar or param.name).upper())
            else:
                keys.append(next(opt for opt in param.opts if opt.startswith("--")))
        found[name] = keys
    return found


def test_every_registered_command_and_option_is_in_the_catalogue():
    """The commands and options the code has today are all documented (the catalogue may run ahead of it)."""
    for name, keys in _registered_params().items():
        assert name in COMMANDS, name
        documented = set(COMMANDS[name]["params"]) | set(COMMANDS[name]["common"])
        missing = [key for key in keys if key not in documented and key != "--help"]
        assert not missing, f"{name}: {missing}"
