"""The README documents every command, and its quick start is the two commands of the brief."""

import re
from pathlib import Path

from teikan_cli.commands.catalog import COMMANDS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_in_help_has_an_example_in_the_readme():
    missing = [name for name, _, _ in COMMANDS if not re.search(rf"teikan (--db \S+ )?{re.escape(name)}\b", README)]
    assert missing == []


def test_quick_start_is_install_and_demo_then_install_and_test():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "pip install . && teikan demo" in quick
    assert "pip install -e '.[test]' && pytest" in quick


def test_ci_runs_the_readme_commands():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]'" in ci and "\npytest" in ci
