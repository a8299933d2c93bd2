"""Replay the ```console transcripts of the documentation (docs/*.md, README.md, README.ja.md) against this teikan.

The convention (docs/README.md says the same to whoever writes a page):

- A fenced block opened with ```console is a transcript. A line starting with `$ ` is a command; a command line
  ending with ` \\` goes on with the next line. The lines after a command, up to the next `$ ` line or the end of
  the block, are what it prints.
- What it prints is stdout, then stderr (a command's result, then its warnings or its error). Trailing whitespace
  and blank lines at the end are ignored. A line that is exactly `…` matches any number of lines, none included.
  An output line that itself starts with `$ ` cannot be written (it would be a command): cut it with `…`.
- Exit codes are not compared (the transcript shows output); a command whose output holds a Python traceback fails.
  TEIKAN_DEBUG=1 is set, so an unexpected error shows its traceback instead of one line.
- A block whose fence is preceded, on the line just before it, by `<!-- not replayed: REASON -->` is not run (a
  command that installs something, needs a USB stick, or prints the reader's home folder). Keep them rare. A
  console block without any `$ ` line is an error.
- Each file is replayed in a fresh temporary folder holding a copy of `examples/` and `teikan-demo.db` (built once
  per session with `teikan demo --path teikan-demo.db`; reference date 2026-10-15, so pass `--as-of 2026-10-15`).
  The blocks of one file run in order in that folder: a visit logged in one block is there in the next.
- Each command runs as `bash -c COMMAND` in that folder, stdin empty, with `teikan` on PATH running the code of this
  checkout, in a hermetic environment: HOME and XDG_DATA_HOME inside the folder, TEIKAN_DB, TEIKAN_LANG and LC_*
  unset, LANG=C.UTF-8, NO_COLOR=1, COLUMNS=120. Shell state (`cd`, `export`, variables) does not carry over from
  one `$ ` line to the next: write `TEIKAN_LANG=ja teikan …` on the line itself.

By hand: `python tests/doc_transcripts.py docs/commands.md` replays a file and shows what differs;
`python tests/doc_transcripts.py --update docs/commands.md` writes what each differing command printed into the
file (check the diff before committing it). tests/test_doc_transcripts.py replays every page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANY_LINES = "…"
SKIP_MARK = re.compile(r"^\s*<!--\s*not replayed:\s*(\S.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(`{3,})\s*console\s*$")
TRACEBACK = "Traceback (most recent call last):"
DEMO_DB = "teikan-demo.db"
COMMAND_TIMEOUT = 120


class TranscriptError(Exception):
    """A console block that breaks the convention (no command in it, a fence never closed)."""


@dataclass
class Step:
    command: str
    expected: list[str]
    line: int  # 1-based line of the `$ ` line in the file
    output_start: int = 0  # 0-based index in the file of the first expected line
    output_end: int = 0  # 0-based index just past the last expected line


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    indent: str
    steps: list[Step] = field(default_factory=list)
    skipped: str | None = None  # the reason given in `<!-- not replayed: … -->`


@dataclass
class Failure:
    path: str
    step: Step
    actual: list[str]
    why: str  # "differs" | "traceback"

    def report(self) -> str:
        head = f"{self.path}:{self.step.line}: $ {self.step.command}"
        if self.why == "traceback":
            return head + "\n  crashed (Python traceback):\n" + _indent(self.actual)
        return (head + "\n  expected:\n" + _indent(self.step.expected or ["(nothing)"]) + "\n  got:\n"
                + _indent(self.actual or ["(nothing)"]))


def _indent(lines: list[str]) -> str:
    return "\n".join("    " + line for line in lines)


# ------------------------------------------------------------------ reading a page


def parse(text: str, name: str = "<text>") -> list[Block]:
    """The console blocks of a Markdown text, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, ticks = opening.group(1), opening.group(2)
        mark = SKIP_MARK.match(lines[index - 1]) if index else None
        block = Block(index + 1, indent, skipped=mark.group(1) if mark else None)
        end = index + 1
        while end < len(lines) and lines[end].strip() != ticks:
            end += 1
        if end == len(lines):
            raise TranscriptError(f"{name}:{index + 1}: console block never closed")
        body = [_dedent(line, indent) for line in lines[index + 1:end]]
        block.steps = _steps(body, index + 1)
        if not block.steps:
            raise TranscriptError(f"{name}:{index + 1}: console block without a '$ ' command line")
        blocks.append(block)
        index = end + 1
    return blocks


def _dedent(line: str, indent: str) -> str:
    return line[len(indent):] if line.startswith(indent) else line.lstrip()


def _steps(body: list[str], offset: int) -> list[Step]:
    """`offset`: the 0-based file index of body[0]."""
    steps: list[Step] = []
    index = 0
    while index < len(body):
        line = body[index]
        if not line.startswith("$ "):
            if steps:
                steps[-1].expected.append(line)
                steps[-1].output_end = offset + index + 1
            index += 1
            continue
        start = index
        command = line[2:]
        while command.endswith("\\") and index + 1 < len(body):
            index += 1
            command += "\n" + body[index]  # bash reads the backslash-newline as one line
        steps.append(Step(command.strip(), [], start + 1 + offset, offset + index + 1, offset + index + 1))
        index += 1
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, trailing whitespace and trailing blank lines ignored; a line `…` matches any run of lines."""
    want, got = _tidy(expected), _tidy(actual)
    # reach[j]: the first i lines of `want` can match the first j lines of `got`.
    reach = [True] + [False] * len(got)
    for line in want:
        if line == ANY_LINES:
            for j in range(1, len(got) + 1):
                reach[j] = reach[j] or reach[j - 1]
        else:
            reach = [False] + [reach[j] and got[j] == line for j in range(len(got))]
    return reach[len(got)]


def _tidy(lines: list[str]) -> list[str]:
    tidy = [line.rstrip() for line in lines]
    while tidy and not tidy[-1]:
        tidy.pop()
    return tidy


# ------------------------------------------------------------------ running


class Session:
    """What every replay shares: the `teikan` of the transcripts (tests/transcript_teikan.py) with its server, and
    the demo database, built once."""

    def __init__(self, fork_server: bool = True) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="teikan-transcripts-"))
        self.bin = self.base / "bin"
        self.bin.mkdir()
        wrapper = self.bin / "teikan"
        script = ROOT / "tests" / "transcript_teikan.py"
        wrapper.write_text(f'#!/bin/sh\nif [ -n "$TEIKAN_TRANSCRIPT_SERVER" ]; then\n'
                           f'  exec "{sys.executable}" -S -E "{script}" --client "$@"\nfi\n'
                           f'exec "{sys.executable}" "{script}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
        self.server = None
        self.socket = self.base / "teikan.sock"
        self.template = self.base / "template"
        self.template.mkdir()
        if fork_server and hasattr(socket_module(), "send_fds") and hasattr(os, "fork"):
            self.server = subprocess.Popen(
                [sys.executable, str(ROOT / "tests" / "transcript_teikan.py"), "--serve", str(self.socket)],
                cwd=self.template, env=self.environment(self.template, server=False), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if self.server.stdout.readline() != b"ready\n":
                raise RuntimeError("the transcripts' teikan server did not start")
        output = run_command(f"teikan demo --path {DEMO_DB}", self.template, self.environment(self.template))
        if not (self.template / DEMO_DB).exists() or TRACEBACK in output:
            raise RuntimeError("teikan demo failed:\n" + output)

    def environment(self, folder: Path, server: bool = True) -> dict[str, str]:
        env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(folder / "home"),
            "XDG_DATA_HOME": str(folder / "home" / ".local" / "share"),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "TEIKAN_DEBUG": "1",
            "USER": "office",  # who the audit trail names (show-client --history)
            "LOGNAME": "office",
            # Compiled modules kept for the session, for what runs without the server.
            "PYTHONPYCACHEPREFIX": str(self.base / "pycache"),
        }
        if server and self.server is not None:
            env["TEIKAN_TRANSCRIPT_SERVER"] = str(self.socket)
        return env

    def folder(self, name: str) -> Path:
        """A fresh folder for one page: examples/ and the demo database."""
        folder = Path(tempfile.mkdtemp(prefix=re.sub(r"\W", "-", name) + "-", dir=self.base))
        shutil.copytree(ROOT / "examples", folder / "examples",
                        ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
        shutil.copy2(self.template / DEMO_DB, folder / DEMO_DB)
        (folder / "home").mkdir()
        return folder

    def close(self) -> None:
        if self.server is not None:
            self.server.stdin.close()  # the server stops when its stdin closes
            self.server.wait(timeout=30)
            self.server.stdout.close()
        shutil.rmtree(self.base, ignore_errors=True)


def socket_module():
    import socket

    return socket


def run_command(command: str, folder: Path, env: dict[str, str]) -> str:
    """stdout then stderr of `bash -c command` in `folder`."""
    done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=COMMAND_TIMEOUT)
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    if out and not out.endswith("\n") and err:
        out += "\n"
    return out + err


def replay(path: Path, session: Session) -> list[Failure]:
    """Every failing command of one page (an empty list when the page replays)."""
    shown = _shown(path)
    blocks = [b for b in parse(path.read_text(encoding="utf-8"), shown) if b.skipped is None]
    if not blocks:
        return []
    folder = session.folder(path.stem)
    env = session.environment(folder)
    failures = []
    for block in blocks:
        for step in block.steps:
            actual = run_command(step.command, folder, env).split("\n")
            if TRACEBACK in "\n".join(actual):
                failures.append(Failure(shown, step, _tidy(actual), "traceback"))
            elif not matches(step.expected, actual):
                failures.append(Failure(shown, step, _tidy(actual), "differs"))
    return failures


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def update(path: Path, failures: list[Failure]) -> None:
    """Write each differing command's actual output into the page (indented as its block)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks = {step.line: block for block in parse("\n".join(lines)) for step in block.steps}
    for failure in sorted(failures, key=lambda f: -f.step.line):
        if failure.why != "differs":
            continue
        indent = blocks[failure.step.line].indent
        lines[failure.step.output_start:failure.step.output_end] = [indent + line if line else ""
                                                                     for line in failure.actual]
    path.write_text("\n".join(lines), encoding="utf-8")


def pages() -> list[Path]:
    """The pages whose transcripts are replayed: docs/*.md, then the READMEs that exist."""
    found = sorted((ROOT / "docs").glob("*.md")) if (ROOT / "docs").is_dir() else []
    return found + [p for p in (ROOT / "README.md", ROOT / "README.ja.md") if p.exists()]


def main(argv: list[str]) -> int:
    write = argv[:1] == ["--update"]
    paths = [Path(a) for a in (argv[1:] if write else argv)] or pages()
    session = Session(fork_server=not os.environ.get("TEIKAN_TRANSCRIPTS_NO_SERVER"))
    try:
        status = 0
        for path in paths:
            failures = replay(path, session)
            for failure in failures:
                print(failure.report(), end="\n\n")
            if failures and write:
                update(path, failures)
                print(f"{path}: {len(failures)} command(s) updated")
            status = status or bool(failures)
        return int(status)
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
