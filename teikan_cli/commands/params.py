"""How a command declares its parameters: Typer arguments and options without help text (the help screens come
from the catalogue, `helptext.py`, in the user's language), and which options take coded values (SPEC §3)."""

from __future__ import annotations

from typing import Any

import typer

# Options whose values are codes of the vocabulary (names.py): parsed with their labels and aliases, listed
# with their labels in --help, offered by shell completion. By option name; a command's own meaning first.
CODED: dict[str, str] = {
    "--type": "type", "--place": "place", "--concern": "concern", "--center-reason": "center_reason",
    "--center-cooperation": "center_reason", "--disability": "disability", "--prior-service": "prior_service",
    "--role": "role", "--status": "status_filter", "--delivered-to": "delivered_to", "--to": "recipient",
    "--method": "method", "--copy": "copy",
}
CODED_IN: dict[tuple[str, str], str | None] = {("end-client", "--reason"): "end_reason", ("import", "KIND"): "csv_kind",
                                              ("export", "KIND"): "csv_kind"}


def coded_kind(command: str, option: str) -> str | None:
    """The vocabulary kind of a command's option, or None for free text."""
    if (command, option) in CODED_IN:
        return CODED_IN[(command, option)]
    return CODED.get(option)


def argument(metavar: str, default: Any = ..., *, values: str | None = None) -> Any:
    """An argument; `values` names its vocabulary kind (for completion)."""
    from ..names import completion

    extra = {"autocompletion": completion(values)} if values else {}
    return typer.Argument(default, metavar=metavar, show_default=False, **extra)


def option(name: str, default: Any = None, metavar: str | None = None, *, values: str | None = None,
           flag: str | None = None) -> Any:
    """An option; `values` names its vocabulary kind (for completion), `flag` a `--x/--no-x` pair."""
    names = (f"{name}/{flag}",) if flag else (name,)
    from ..names import completion

    extra = {"autocompletion": completion(values)} if values else {}
    return typer.Option(default, *names, metavar=metavar, show_default=False, **extra)


def as_of_opt() -> Any:
    return option("--as-of", None, "DATE")


def format_opt(default: str = "table") -> Any:
    return option("--format", default, "FORMAT")


def excel_opt() -> Any:
    return option("--excel", False)


def wareki_opt() -> Any:
    return option("--wareki", False)
