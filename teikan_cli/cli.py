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
from .commands import load_modules, state
from .commands.catalog import COMMANDS, MODULE_OF


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def build_app(modules: tuple[str, ...] | None = None) -> typer.Typer:
    """The Typer app with the given command modules registered (all by default)."""
    app = typer.Typer(
        name="teikan",
        help="Caseload and compliance for 就労定着支援事業所: contacts, billing months, staffing ratios, handovers.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,
        # Help keeps one line per command: wide when the terminal is, and never wrapped at 80 in a pipe.
        context_settings={"help_option_names": ["--help", "-h"], "max_content_width": 160,
                          **({} if _stdout_is_tty() else {"terminal_width": 160})},
        rich_markup_mode=None,
    )
    app.callback()(main_options)
    for module in load_modules(modules):
        module.register(app)
    # `teikan --help` shows each command's whole summary (from the catalog), not one cut at 45 characters.
    summaries = {name: summary for name, _module, summary in COMMANDS}
    for info in app.registered_commands:
        if not info.short_help and info.name in summaries:
            info.short_help = summaries[info.name]
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"teikan {__version__}")
        raise typer.Exit(0)


def main_options(
    db: Optional[str] = typer.Option(None, "--db", help="Database file (else $TEIKAN_DB, else $XDG_DATA_HOME/teikan/teikan.db).",
                                     metavar="PATH"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Caseload and compliance for 就労定着支援事業所."""
    state.db_option = db


_FULL_APP: list[typer.Typer] = []


def __getattr__(name: str):
    """`cli.app`: the full app (every command), built on first use. Assigning `cli.app` replaces what
    `main` runs (tests do); merely reading it does not."""
    if name == "app":
        if not _FULL_APP:
            _FULL_APP.append(build_app())
        return _FULL_APP[0]
    raise AttributeError(name)


_BUILT: dict[str, object] = {}


def command_name(argv: list[str]) -> str | None:
    """The command word of a command line (after the global options), or None."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--db":
            index += 2
        elif word.startswith("--db="):
            index += 1
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


def _runner(argv: list[str]):
    """The Click command to run: only the module of the command given (built once per process)."""
    if "app" in globals():  # replaced (in tests): run that
        return globals()["app"]
    name = command_name(argv) or ""
    # `demo` runs the other commands (report, check) inside its own run: it needs them all.
    module = None if name == "demo" else MODULE_OF.get(name)
    key = module or "*"
    if key not in _BUILT:
        _BUILT[key] = typer.main.get_command(build_app((module,) if module else None))
    return _BUILT[key]


def _usage_key(exc) -> tuple[str, str]:
    name = type(exc).__name__
    if name == "NoSuchOption":
        return "input.unknown_option", getattr(exc, "option_name", "") or exc.format_message()
    if name == "MissingParameter":
        param = getattr(exc, "param", None)
        if getattr(param, "param_type_name", "") == "argument":
            return "input.missing_option", (getattr(param, "metavar", None) or param.name or "").upper()
        opts = getattr(param, "opts", None) or [getattr(param, "name", "") or ""]
        return "input.missing_option", "/".join(opts)
    if name == "BadParameter" and getattr(exc, "param", None) is not None:
        # Typer's own wording ("Input should be a valid integer...") is English: name the option instead.
        return "input.bad_param", "/".join(getattr(exc.param, "opts", None) or [exc.param.name or ""])
    if name == "BadOptionUsage" and getattr(exc, "option_name", None):
        needs_value = "requires" in exc.format_message()
        return ("input.option_needs_value" if needs_value else "input.bad_param"), exc.option_name
    if name in ("BadParameter", "BadOptionUsage", "BadArgumentUsage"):
        return "input.bad_value", exc.format_message()
    message = exc.format_message()
    if message.startswith("Missing command"):
        return "input.missing_command", ""
    if message.startswith("No such command"):
        return "input.no_command", message.split("'")[1] if "'" in message else message
    if message.startswith("Got unexpected extra argument"):
        return "input.extra_argument", message.split("(")[-1].rstrip(")")
    return "input.bad_usage", message


def _click_exceptions():
    """Typer's own exception classes, found through its public names (Typer ≥ 0.2x vendors Click as
    `typer._click`; older releases re-export Click's classes): no `import click` here."""
    mro = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    return mro["UsageError"], mro["ClickException"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turn every error into one line on stderr and an exit code."""
    from .errors import EXIT_INPUT, RowErrors, TeikanError
    from .i18n import set_language, t

    usage_error, click_exception = _click_exceptions()
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(None)
    prefix = "エラー" if _lang() == "ja" else "Error"
    code: object = 0
    try:
        code = _runner(argv)(args=argv, prog_name="teikan", standalone_mode=False)
    except RowErrors as exc:
        from .render import safe_text

        for line, column, problem in exc.rows:
            where = t("import.line", line=line)
            sys.stderr.write(f"{where}: {safe_text(column, ' ')}: {safe_text(_one_line(problem), ' ')}\n")
        sys.stderr.write(f"{prefix}: {exc.message()}\n")
        code = EXIT_INPUT
    except TeikanError as exc:
        sys.stderr.write(f"{prefix}: {_one_line(exc.message())}\n")
        code = exc.exit_code
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            # `teikan` alone: the help, as Typer prints it (stderr, exit 2).
            sys.stderr.write(exc.format_message().rstrip("\n") + "\n")
        else:
            key, detail = _usage_key(exc)
            sys.stderr.write(f"{prefix}: {_one_line(t(key, detail=detail))}\n")
        code = EXIT_INPUT
    except typer.Exit as exc:
        code = getattr(exc, "exit_code", 0)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write(f"{prefix}: {t('input.interrupted')}\n")
        code = 130
    except click_exception as exc:
        sys.stderr.write(f"{prefix}: {_one_line(exc.format_message())}\n")
        code = EXIT_INPUT
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        code = 1
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback with personal data
        if os.environ.get("TEIKAN_DEBUG"):
            raise
        sys.stderr.write(f"{prefix}: {t('input.internal', detail=type(exc).__name__)}\n")
        code = EXIT_INPUT
    finally:
        from .commands.common import close_stores

        close_stores()
    sys.exit(code if isinstance(code, int) else 0)


def _lang() -> str:
    from .i18n import language

    return language()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


if __name__ == "__main__":  # pragma: no cover
    main()
