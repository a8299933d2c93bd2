"""The command catalog (fast `--help`, one-module builds) stays equal to what the modules register."""

import io
import sys
from contextlib import redirect_stdout

import pytest

from teikan_cli import cli, entry, helptext
from teikan_cli.commands.catalog import COMMANDS


def test_the_catalog_and_the_help_catalogue_list_the_same_commands_in_the_same_order():
    assert [name for name, _, _ in COMMANDS] == list(helptext.COMMANDS)


def test_every_command_is_a_top_level_function_of_its_module():
    import importlib

    for name, module, function in COMMANDS:
        found = getattr(importlib.import_module(f"teikan_cli.commands.{module}"), function)
        assert found.__qualname__ == function, name


def test_every_registered_parameter_is_in_the_help_catalogue():
    import typer

    from teikan_cli.helpscreen import param_text

    group = typer.main.get_command(cli.build_app())
    for name, _, _ in COMMANDS:
        for doc in cli.param_docs(group.commands[name]):
            assert param_text(name, doc.key, "en") and param_text(name, doc.key, "ja"), (name, doc.key)


def test_fast_help_is_the_same_text_typer_prints(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["teikan", "--help"])
    buffer = io.StringIO()
    with redirect_stdout(buffer), pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    assert entry.help_text() == buffer.getvalue()


@pytest.mark.parametrize("argv, expected", [
    (["log-visit", "1"], "log-visit"),
    (["--db", "x.db", "report", "--month", "last"], "report"),
    (["--db=x.db", "check"], "check"),
    (["--help"], None),
    ([], None),
])
def test_command_name_skips_global_options(argv, expected):
    assert cli.command_name(argv) == expected


def test_entry_point_answers_help_and_version_without_typer():
    import subprocess

    code = ("import sys; sys.argv=['teikan','--help']\n"
            "from teikan_cli import entry\n"
            "try:\n    entry.main()\nexcept SystemExit:\n    pass\n"
            "print('typer' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.strip() == "False"
    for name, _, _ in COMMANDS:
        assert f"  {name} " in done.stdout
