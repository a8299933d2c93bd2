"""The `teikan` command: global options, command registration, help from the catalogue, errors → exit codes.

Command modules live in `teikan_cli/commands/`, one per noun, each command a top-level function listed in
`commands/catalog.py`. Heavy modules (rich, the store, the rules) are imported inside command bodies, so a
run loads only what its command needs.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Optional

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__
from .commands import state
from .commands.catalog import COMMANDS, MODULE_OF


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def help_width() -> int:
    """Help is wrapped to the terminal (at most 120 columns), and to 80 in a pipe."""
    if not _stdout_is_tty():
        return 80
    import shutil

    return max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))


def _language() -> str:
    from .i18n import language

    return language()


class CatalogueCommand(TyperCommand):
    """A command whose `--help` is generated from the help catalogue in the user's language."""

    def format_help(self, ctx, formatter) -> None:
        from .helpscreen import command_help
        from .names import allowed_text

        formatter.write(command_help(self.name, param_docs(self), _language(), help_width(), allowed_text))


class CatalogueGroup(TyperGroup):
    """The `teikan` group: its `--help` is the catalogue's, like the fast path of `entry.py`."""

    def format_help(self, ctx, formatter) -> None:
        from .helpscreen import app_help

        formatter.write(app_help(_language(), help_width()))


def param_docs(command) -> list:
    """The parameters of a Click command as the help screen shows them (see `helpscreen.ParamDoc`)."""
    from .commands.params import coded_kind
    from .helpscreen import ParamDoc
    from .helptext import COMMANDS as CATALOGUE

    docs = []
    for param in command.params:
        if getattr(param, "hidden", False) or param.name == "help":
            continue
        if param.param_type_name == "argument":
            docs.append(ParamDoc(param.metavar, param.metavar, argument=True, required=param.required,
                                 values=coded_kind(command.name, param.metavar)))
            continue
        long = next(o for o in param.opts if o.startswith("--"))
        label = long if param.is_flag else f"{long} {param.metavar or 'TEXT'}"
        default = param.default if not param.multiple and not param.is_flag else None
        docs.append(ParamDoc(long, label, required=param.required, multiple=param.multiple, default=default,
                             values=coded_kind(command.name, long)))
    if "--db" in CATALOGUE[command.name].get("common", ()):
        docs.append(ParamDoc("--db", "--db PATH"))
    return docs


def build_app(modules: tuple[str, ...] | None = None) -> typer.Typer:
    """The Typer app with the commands of the given modules registered (all by default)."""
    app = typer.Typer(
        name="teikan",
        cls=CatalogueGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,
        context_settings={"help_option_names": ["--help", "-h"]},
        rich_markup_mode=None,
    )
    app.callback()(main_options)
    loaded: dict[str, object] = {}
    for name, module, function in COMMANDS:
        if modules is not None and module not in modules:
            continue
        if module not in loaded:
            loaded[module] = importlib.import_module(f"{__package__}.commands.{module}")
        app.command(name, cls=CatalogueCommand)(getattr(loaded[module], function))
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"teikan {__version__}")
        raise typer.Exit(0)


def main_options(
    db: Optional[str] = typer.Option(None, "--db", metavar="PATH", show_default=False),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True),
) -> None:
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
    return _command_index(argv)[1]


def _command_index(argv: list[str]) -> tuple[int, str | None]:
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--db":
            index += 2
        elif word.startswith("--db="):
            index += 1
        elif word.startswith("-"):
            return index, None
        else:
            return index, word
    return index, None


def global_options_first(argv: list[str]) -> list[str]:
    """SPEC §3: `--db PATH` is also accepted after the command name; it is moved before it (up to a `--`)."""
    start, name = _command_index(argv)
    if name is None:
        return argv
    head, rest, moved = argv[:start], [], []
    tail = argv[start:]
    index = 0
    while index < len(tail):
        word = tail[index]
        if word == "--":
            rest += tail[index:]
            break
        if word == "--db" and index + 1 < len(tail):
            moved += tail[index:index + 2]
            index += 2
            continue
        if word.startswith("--db="):
            moved.append(word)
        else:
            rest.append(word)
        index += 1
    return head + moved + rest


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
    argv = global_options_first(list(sys.argv[1:] if argv is None else argv))
    set_language(None)
    prefix = t("error.prefix")
    guard_stdout()
    code: object = 0
    try:
        code = _runner(argv)(args=argv, prog_name="teikan", standalone_mode=False)
    except RowErrors as exc:
        for line, column, problem in exc.rows:
            start = (t("import.row_prefix", line=line, column=_one_line(column)) if column
                     else t("import.row_line", line=line))  # the message names its column itself
            sys.stderr.write(start + _one_line(problem) + "\n")
        sys.stderr.write(f"{prefix}: {exc.message()}\n")
        code = EXIT_INPUT
    except TeikanError as exc:
        sys.stderr.write(f"{prefix}: {_one_line(_full_disk_message(exc) or exc.message())}\n")
        code = exc.exit_code
    except (StdoutError, BrokenPipeError) as exc:
        code = _output_failed(exc, prefix)
    except OSError as exc:
        # A file the command was given that the system refuses (a name too long, no permission...): said as
        # such, or as a full disk. Not an internal error.
        message = _full_disk_message(exc) or t("input.os_error", detail=exc.strerror or type(exc).__name__,
                                               path=exc.filename if exc.filename is not None else "")
        sys.stderr.write(f"{prefix}: {_one_line(message)}\n")
        code = EXIT_INPUT
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            # `teikan` alone: the help (stderr, exit 2).
            from .helpscreen import app_help

            sys.stderr.write(app_help(_language(), help_width()))
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
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback with personal data
        if os.environ.get("TEIKAN_DEBUG"):
            raise
        message = (_full_disk_message(exc) or _bad_path_message(exc)
                   or t("input.internal", detail=type(exc).__name__))
        sys.stderr.write(f"{prefix}: {_one_line(message)}\n")
        code = EXIT_INPUT
    finally:
        from .commands.common import close_stores

        close_stores()
    try:
        sys.stdout.flush()  # inside the run, so that a failure is said like any other
    except (StdoutError, BrokenPipeError) as exc:
        code = _output_failed(exc, prefix)
    sys.exit(code if isinstance(code, int) else 0)


class StdoutError(Exception):
    """Writing the command's output to stdout failed: a pipe closed by its reader (EPIPE), a full disk behind a
    redirection (ENOSPC). Not an OSError, so that nothing on the way (Typer exits 1 on EPIPE, silently) takes
    it for another failure; `cli.main` says it in one line (SPEC §13), exit 2."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.errno)
        self.errno = error.errno
        self.strerror = error.strerror


def guard_stdout() -> None:
    """Make a failed write to the real stdout a `StdoutError` (tests that capture stdout are left as they are)."""
    import io

    stream = sys.stdout
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    if isinstance(getattr(getattr(stream, "buffer", None), "raw", None), _StdoutFile):
        return
    stream.flush()
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_StdoutFile(fd, stream)), encoding=stream.encoding,
                                  errors=stream.errors, line_buffering=stream.line_buffering)


class _StdoutFile(__import__("io").RawIOBase):
    def __init__(self, fd: int, owner) -> None:
        super().__init__()
        self.fd = fd
        # The stream that owns `fd` is kept alive: collected, it would close `fd`, the next file opened (the
        # database) could get the same number, and the command's output would be written into it.
        self.owner = owner

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data) -> int:
        try:
            return os.write(self.fd, data)
        except OSError as exc:
            raise StdoutError(exc) from None


def _output_failed(exc: BaseException, prefix: str) -> int:
    """One line on stderr for a failed write to stdout, exit 2; what is still buffered goes nowhere."""
    import errno

    from .errors import EXIT_INPUT
    from .i18n import t

    number = getattr(exc, "errno", None)
    if number == errno.EPIPE:
        message = t("output.closed")
    elif number in (errno.ENOSPC, errno.EDQUOT):
        message = t("output.disk_full")
    else:
        message = t("output.failed", detail=os.strerror(number) if number else type(exc).__name__)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        sys.stdout = open(os.devnull, "w")
    try:
        sys.stderr.write(f"{prefix}: {_one_line(message)}\n")
    except OSError:
        pass
    return EXIT_INPUT


def _bad_path_message(exc: BaseException) -> str | None:
    """A file name the system cannot take, met where a command opens it: a NUL character (ValueError
    "embedded null byte"), or `~name` of a user this machine does not have (`Path.expanduser` raises
    RuntimeError; `store.connection.expand_user` leaves such a path as typed). Bad input, not an internal error."""
    from .i18n import t

    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return t("input.nul_in_path")
    if isinstance(exc, RuntimeError) and "home directory" in str(exc):
        return t("input.no_home")
    return None


def _full_disk_message(exc: BaseException) -> str | None:
    """The disk-full message when a full disk caused `exc` (SQLITE_FULL, ENOSPC anywhere on the way), whatever
    the error that reached here said ("cannot write", "backup failed", "not a teikan database"...)."""
    from pathlib import Path

    from .i18n import t
    from .store.connection import disk_full_in, resolve_path

    params = getattr(exc, "params", None) or {}
    if getattr(exc, "key", None) == "db.disk_full":
        return None
    path = Path(str(params["path"])) if params.get("path") else resolve_path(state.db_option)
    if not disk_full_in(exc, path.parent):
        return None
    return t("db.disk_full", path=str(path))


def _one_line(text: str) -> str:
    """One line, terminal control and bidi characters shown escaped (SPEC §13): an error never moves the cursor."""
    from .render import safe_text

    return " ".join(safe_text(str(text)).split())


if __name__ == "__main__":  # pragma: no cover
    main()
