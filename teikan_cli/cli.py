"""The `teikan` command: global options, command registration, and errors → exit codes (in one place).

Command modules live in `teikan_cli/commands/`, one per noun; each has `register(app)`.
Heavy modules (rich, the store, the rules) are imported inside command bodies, so `--help` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from . import __version__
from .commands import MODULES, state

app = typer.Typer(
    name="teikan",
    help="Caseload and compliance for 就労定着支援事業所: contacts, billing months, staffing ratios, handovers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["--help", "-h"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"teikan {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    db: Optional[str] = typer.Option(None, "--db", help="Database file (else $TEIKAN_DB, else $XDG_DATA_HOME/teikan/teikan.db).",
                                     metavar="PATH"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Caseload and compliance for 就労定着支援事業所."""
    state.db_option = db


for _module in MODULES:
    _module.register(app)


def _usage_key(exc) -> tuple[str, str]:
    name = type(exc).__name__
    if name == "NoSuchOption":
        return "input.unknown_option", getattr(exc, "option_name", "") or exc.format_message()
    if name == "MissingParameter":
        param = getattr(exc, "param", None)
        opts = getattr(param, "opts", None) or [getattr(param, "name", "") or ""]
        return "input.missing_option", "/".join(opts)
    if name in ("BadParameter", "BadOptionUsage", "BadArgumentUsage"):
        return "input.bad_value", exc.format_message()
    message = exc.format_message()
    if message.startswith("No such command"):
        return "input.no_command", message.split("'")[1] if "'" in message else message
    if message.startswith("Got unexpected extra argument"):
        return "input.extra_argument", message.split("(")[-1].rstrip(")")
    return "input.bad_usage", message


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turn every error into one line on stderr and an exit code."""
    from typer._click import exceptions as click_exceptions

    from .errors import EXIT_INPUT, RowErrors, TeikanError
    from .i18n import set_language, t

    set_language(None)
    prefix = "エラー" if _lang() == "ja" else "Error"
    try:
        code = app(args=argv, prog_name="teikan", standalone_mode=False)
    except RowErrors as exc:
        for line, column, problem in exc.rows:
            sys.stderr.write(f"line {line}: {column}: {problem}\n")
        sys.stderr.write(f"{prefix}: {exc.message()}\n")
        sys.exit(EXIT_INPUT)
    except TeikanError as exc:
        sys.stderr.write(f"{prefix}: {_one_line(exc.message())}\n")
        sys.exit(exc.exit_code)
    except click_exceptions.UsageError as exc:
        key, detail = _usage_key(exc)
        sys.stderr.write(f"{prefix}: {_one_line(t(key, detail=detail))}\n")
        sys.exit(EXIT_INPUT)
    except (click_exceptions.Abort, KeyboardInterrupt):
        sys.stderr.write(f"{prefix}: {t('input.interrupted')}\n")
        sys.exit(130)
    except click_exceptions.ClickException as exc:
        sys.stderr.write(f"{prefix}: {_one_line(exc.format_message())}\n")
        sys.exit(EXIT_INPUT)
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback with personal data
        if os.environ.get("TEIKAN_DEBUG"):
            raise
        sys.stderr.write(f"{prefix}: internal error ({type(exc).__name__}); nothing was written\n")
        sys.exit(EXIT_INPUT)
    sys.exit(code if isinstance(code, int) else 0)


def _lang() -> str:
    from .i18n import language

    return language()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


if __name__ == "__main__":  # pragma: no cover
    main()
