"""The README documents every command (its quick start: tests/test_quickstart.py)."""

import re
from pathlib import Path

from teikan_cli.commands.catalog import COMMANDS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_in_help_has_an_example_in_the_readme():
    missing = [name for name, _, _ in COMMANDS if not re.search(rf"teikan (--db \S+ )?{re.escape(name)}\b", README)]
    assert missing == []
