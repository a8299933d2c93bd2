"""Every test is hermetic: its own database file, English messages, no colour, a fixed width."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKAN_DB", str(tmp_path / "teikan.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TEIKAN_LANG", "en")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "TEIKAN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    from teikan_cli import i18n

    i18n.set_language(None)
    yield tmp_path
    i18n.set_language(None)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.exit_code = code
        self.stdout = out
        self.stderr = err

    def __repr__(self) -> str:  # shown by pytest on failure
        return f"Result(exit={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


def run_cli(*args: str, env: dict | None = None) -> Result:
    """Run `teikan` in-process (fast), capturing stdout/stderr and the exit code. Like a real run in a UTF-8
    locale, stderr escapes lone surrogates (what invalid UTF-8 in argv becomes); on stdout they are an error."""
    from contextlib import redirect_stderr, redirect_stdout

    from teikan_cli import i18n
    from teikan_cli.cli import main

    old = {}
    for key, value in (env or {}).items():
        old[key] = os.environ.get(key)
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    i18n.set_language(None)
    out, err = _Stream("strict"), _Stream("backslashreplace")
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        i18n.set_language(None)
    return Result(code, out.text(), err.text())


def database_dump(path: Path) -> str:
    """The database's content as SQL (sqlite3 iterdump): equal before and after means nothing was written."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


class _Stream:
    """A text stream with a binary `.buffer`, like sys.stdout (for --excel BOM output). `errors` as a real run's
    stream in a UTF-8 locale: strict for stdout, backslashreplace for stderr (test_hostile uses both)."""

    def __init__(self, errors: str = "strict") -> None:
        import io

        self.buffer = io.BytesIO()
        self._text = io.TextIOWrapper(self.buffer, encoding="utf-8", errors=errors, write_through=True)

    def write(self, s: str) -> int:
        return self._text.write(s)

    def flush(self) -> None:
        self._text.flush()

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        self._text.flush()
        return self.buffer.getvalue().decode("utf-8")


@pytest.fixture
def cli():
    return run_cli


def run_process(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run `teikan` as a real process (for exit codes, signals, concurrency)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "teikan_cli", *args], capture_output=True, text=True, env=full_env,
                          input=input, timeout=120)


@pytest.fixture
def db_path(isolated) -> Path:
    return Path(os.environ["TEIKAN_DB"])


def build_database(path: Path, commands, *suffix: str) -> Path:
    """Run CLI commands (each followed by `suffix`, e.g. an --as-of) into the database at `path`; each must
    succeed. Tests build such a seeded database once per module and copy it into their own file."""
    for args in commands:
        result = run_cli("--db", str(path), *args, *suffix)
        # Setup may register namesakes on purpose: their warning is the only thing allowed on stderr.
        assert result.exit_code == 0 and all(line.startswith("warning: ") for line in result.stderr.splitlines()), \
            result
    return path


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup (a WAL file is included)."""
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


_TEMPLATES: dict[str, Path] = {}
_TEMPLATE_ROOT: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _template_root(tmp_path_factory):
    _TEMPLATE_ROOT[:] = [tmp_path_factory.mktemp("templates")]
    yield
    _TEMPLATES.clear()


def from_template(key: str, commands) -> None:
    """Build `commands` into a template database once per session (under `key`, which names the module
    too), then copy the template into this test's own database."""
    if key not in _TEMPLATES:
        _TEMPLATES[key] = build_database(_TEMPLATE_ROOT[0] / f"{len(_TEMPLATES)}.db", commands)
    copy_database(_TEMPLATES[key], Path(os.environ["TEIKAN_DB"]))
