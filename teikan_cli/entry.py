"""The `teikan` entry point: answers `--help` and `--version` without importing Typer (SPEC §9: `teikan
--help` under 0.15 s); everything else goes to `cli.main`. The help is the catalogue's, as `cli` prints it."""

from __future__ import annotations

import sys


def help_text() -> str:
    """`teikan --help` in the language of the messages, wrapped like the Typer app's own."""
    from .helpscreen import app_help
    from .i18n import language

    try:
        wide = sys.stdout.isatty()
    except (AttributeError, ValueError):
        wide = False
    width = 80
    if wide:
        import shutil

        width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))
    return app_help(language(), width)


def main() -> None:
    argv = sys.argv[1:]
    if argv in (["--help"], ["-h"]):
        sys.stdout.write(help_text())
        sys.exit(0)
    if argv == ["--version"]:
        from . import __version__

        sys.stdout.write(f"teikan {__version__}\n")
        sys.exit(0)
    from .cli import main as cli_main

    cli_main(argv)
