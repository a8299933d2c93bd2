"""The command catalog (fast `--help`, one-module builds) stays equal to what the modules register."""

import io
import sys
from contextlib import redirect_stdout

import pytest

from teikan_cli import cli, entry
from teikan_cli.commands import MODULE_NAMES, load_modules
from teikan_cli.commands.catalog import COMMANDS


def _registered():
    app = cli.build_app()
    return [
        (info.name, info.callback.__module__.rsplit(".", 1)[-1], (info.callback.__doc__ or "").strip().splitlines()[0])
        for info in app.registered_commands
    ]


def test_catalog_lists_every_registered_command_with_its_module_and_summary():
    assert list(COMMANDS) == _registered()


def test_every_module_is_in_the_catalog():
    assert {module for _, module, _ in COMMANDS} == set(MODULE_NAMES)
    assert len(load_modules()) == len(MODULE_NAMES)


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
