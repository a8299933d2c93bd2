"""Help screens, generated from the help catalogue (`helptext.py`) in the language of the messages (SPEC §1).

Pure text layout, no Typer: `teikan --help` is answered from here without importing Typer (SPEC §9), and every
`teikan COMMAND --help` is the same layout filled with the command's parameters (read from its Click command by
`cli.py`). Nothing here is kept equal to anything by hand: the words are the catalogue's, the allowed values
of coded options the vocabulary's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from . import helptext

OPTION_COLUMN = 26  # an option name longer than this starts its description on the next line


@dataclass(frozen=True)
class ParamDoc:
    """One parameter of a command as a help screen shows it."""

    key: str  # the catalogue key: `CLIENT` for an argument, `--type` for an option
    label: str  # what is typed: `CLIENT`, `--type TYPE`, `--shareable`
    argument: bool = False
    required: bool = False
    multiple: bool = False
    default: object = None
    values: str | None = None  # the vocabulary kind of a coded option


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "ja" else pair[0]


def word(key: str, lang: str) -> str:
    return pick(helptext.WORDS[key], lang)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` display columns: breaks at spaces, and between any two wide characters (Japanese
    has no spaces), never inside an ASCII word."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if display_width(line + token) <= width or not line.strip():
                line += token
                continue
            lines.append(line.rstrip())
            line = token.lstrip()
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """ASCII words with their following space, and single wide characters (with any closing punctuation, so that
    `。` or `）` never begins a line, and after any opening one, so that `（` never ends one)."""
    tokens: list[str] = []
    for ch in text:
        wide = display_width(ch) == 2
        if tokens and (ch in "。、）」』，．・：" + ")]}.,:;" or tokens[-1][-1] in "（「『"):
            tokens[-1] += ch
        elif wide or not tokens or display_width(tokens[-1][-1:]) == 2 or tokens[-1].endswith(" "):
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def _rows(items: Sequence[tuple[str, str]], width: int, indent: int = 2) -> list[str]:
    """`name  description` rows, the descriptions in one column, wrapped."""
    column = min(max((display_width(name) for name, _ in items), default=0), OPTION_COLUMN) + indent + 2
    out = []
    for name, text in items:
        body = wrap(text, max(width - column, 20))
        head = " " * indent + name
        if display_width(head) + 2 > column:
            out.append(head)
            out += [" " * column + line for line in body]
        else:
            out.append(head + " " * (column - display_width(head)) + body[0])
            out += [" " * column + line for line in body[1:]]
    return out


def app_help(lang: str, width: int = 80) -> str:
    """`teikan --help`: what teikan is, the global options, every command with its one-line summary."""
    app = helptext.APP
    lines = [f"{word('usage', lang)}: teikan [{word('options_meta', lang)}] {word('command_meta', lang)}", ""]
    lines += ["  " + line for line in wrap(pick(app["summary"], lang), width - 2)]
    lines += [""] + ["  " + line for line in wrap(pick(app["description"], lang), width - 2)]
    lines += ["", f"{word('options', lang)}:"]
    labels = {"--db": "--db PATH", "--help": "-h, --help"}
    lines += _rows([(labels.get(k, k), pick(v, lang)) for k, v in helptext.GLOBAL_OPTIONS.items()], width)
    lines += ["", f"{word('commands', lang)}:"]
    lines += _rows([(name, pick(entry["summary"], lang)) for name, entry in helptext.COMMANDS.items()], width)
    lines += ["", f"{word('examples', lang)}:"] + [f"  {e}" for e in app["examples"]]
    lines += ["", word("more_help", lang)]
    return "\n".join(lines) + "\n"


def command_help(name: str, params: Sequence[ParamDoc], lang: str, width: int = 80,
                 allowed: Callable[[str], str] | None = None) -> str:
    """`teikan NAME --help`: usage, summary, description, arguments, options (with their allowed values and
    defaults), examples, all from the catalogue."""
    entry = helptext.COMMANDS[name]
    arguments = [p for p in params if p.argument]
    options = [p for p in params if not p.argument]
    usage = f"{word('usage', lang)}: teikan {name} [{word('options_meta', lang)}]"
    usage += "".join(f" {p.label}" if p.required else f" [{p.label}]" for p in arguments)
    lines = [usage, ""]
    lines += ["  " + line for line in wrap(pick(entry["summary"], lang), width - 2)]
    if entry.get("description"):
        lines += [""] + ["  " + line for line in wrap(pick(entry["description"], lang), width - 2)]
    if arguments:
        lines += ["", f"{word('arguments', lang)}:"]
        lines += _rows([(p.label, _describe(name, p, lang, allowed)) for p in arguments], width)
    lines += ["", f"{word('options', lang)}:"]
    rows = [(p.label, _describe(name, p, lang, allowed)) for p in options]
    rows.append(("-h, --help", word("show_help", lang)))
    lines += _rows(rows, width)
    lines += ["", f"{word('examples', lang)}:"] + [f"  {e}" for e in entry["examples"]]
    return "\n".join(lines) + "\n"


def param_text(name: str, key: str, lang: str) -> str:
    """The catalogue's description of one parameter of a command (its own, else the shared one)."""
    entry = helptext.COMMANDS[name]
    found = entry["params"].get(key) or helptext.COMMON_OPTIONS.get(key) or helptext.GLOBAL_OPTIONS.get(key)
    if found is None:
        raise KeyError(f"{name} {key}: not in the help catalogue")
    return pick(found, lang)


def _describe(name: str, param: ParamDoc, lang: str, allowed: Callable[[str], str] | None) -> str:
    text = param_text(name, param.key, lang)
    marks = []
    if param.required:
        marks.append(word("required", lang))
    if param.multiple:
        marks.append(word("repeatable", lang))
    if param.default not in (None, False, (), [], "") and not param.argument:
        marks.append(f"{word('default', lang)}: {param.default}")
    if marks:
        text += ("  ［" + "・".join(marks) + "］") if lang == "ja" else ("  [" + "; ".join(marks) + "]")
    if param.values and allowed is not None:
        text += "\n" + f"{word('values', lang)}: {allowed(param.values)}"
    return text


__all__ = ["ParamDoc", "app_help", "command_help", "param_text", "wrap", "display_width"]
