"""docs/commands.md documents every command with a replayed example, and its table of coded values is the one the
code holds (generated from teikan_cli/names.py by tests/doc_vocabulary.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import doc_transcripts
import doc_vocabulary
from teikan_cli.commands.catalog import COMMANDS
from teikan_cli.names import VOCABULARY

ROOT = Path(__file__).resolve().parent.parent
COMMANDS_PAGE = ROOT / "docs" / "commands.md"
TEXT = COMMANDS_PAGE.read_text(encoding="utf-8")
NAMES = [name for name, _, _ in COMMANDS]


def replayed_commands(text: str) -> list[str]:
    """The commands of the page's replayed console blocks."""
    return [step.command for block in doc_transcripts.parse(text) if block.skipped is None for step in block.steps]


def invoked(command_line: str) -> set[str]:
    """The teikan commands a shell line runs: the word after `teikan` and its global options (`--db PATH`)."""
    found = set()
    for match in re.finditer(r"(?:^|[\s|;&(=])teikan((?:\s+--db(?:=|\s+)\S+)*)\s+([a-z][a-z-]*)", command_line):
        found.add(match.group(2))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_a_replayed_example_and_a_heading_in_commands_md(name):
    run = set().union(*(invoked(line) for line in replayed_commands(TEXT)))
    assert name in run, f"no replayed example of 'teikan {name}' in docs/commands.md"
    assert re.search(rf"^#{{2,4}} .*`{re.escape(name)}`", TEXT, re.MULTILINE), f"no heading for `{name}`"


def test_invoked_reads_global_options_and_pipes():
    assert invoked("teikan --db x.db report --month 2026-09 | sed -n 1p") == {"report"}
    assert invoked("TEIKAN_LANG=ja teikan clients --db x.db") == {"clients"}
    assert invoked("teikan --db a.db export clients | cmp - <(teikan --db b.db export clients)") == {"export"}


def test_the_table_of_coded_values_is_generated_from_names_py():
    assert doc_vocabulary.current(TEXT) == doc_vocabulary.table(), \
        "docs/commands.md is out of date: run python tests/doc_vocabulary.py"


def test_the_generated_table_has_every_code_label_and_alias():
    table = doc_vocabulary.table()
    for kind, terms in VOCABULARY.items():
        for term in terms:
            row = f"| `{term.code}` | {term.en} | {term.ja} | {', '.join(term.aliases) or '—'} |"
            assert row in table, (kind, term.code)
