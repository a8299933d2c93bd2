"""The `teikan` entry point: answers `--help` and `--version` without importing Typer (SPEC §9: `teikan
--help` under 0.15 s); everything else goes to `cli.main`."""

from __future__ import annotations

import sys

USAGE = "Usage: teikan [OPTIONS] COMMAND [ARGS]..."
DESCRIPTION = "Caseload and compliance for 就労定着支援事業所: contacts, billing months, staffing ratios, handovers."
OPTIONS = (
    ("--db PATH", "Database file (else $TEIKAN_DB, else $XDG_DATA_HOME/teikan/teikan.db)."),
    ("--version", "Show the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the installation."),
    ("-h, --help", "Show this message and exit."),
)


def help_text() -> str:
    """The top-level help, the same text Typer prints for `teikan --help`."""
    from .commands.catalog import COMMANDS

    lines = [USAGE, "", f"  {DESCRIPTION}", "", "Options:"]
    size = max(len(name) for name, _ in OPTIONS)
    lines += [f"  {name.ljust(size)}  {text}" for name, text in OPTIONS]
    lines += ["", "Commands:"]
    size = max(len(name) for name, _, _ in COMMANDS)
    lines += [f"  {name.ljust(size)}  {summary}" for name, _, summary in COMMANDS]
    return "\n".join(lines) + "\n"


def main() -> None:
    argv = sys.argv[1:]
    if argv in (["--help"], ["-h"]):
        sys.stdout.write(help_text())
        sys.exit(0)
    if argv == ["--version"]:
        from . import __version__

        sys.stdout.write(f"teikan {__version__}\n")
        sys.exit(0)
    import gc

    # A run is short and allocates its data once (a national report builds ~200,000 objects, none in a cycle):
    # collect young objects every 10,000 allocations instead of 700, which spares the collector walking the
    # same long-lived objects over and over (about 70 ms of a national `report`).
    gc.set_threshold(10_000, 50, 100)
    from .cli import main as cli_main

    cli_main(argv)
