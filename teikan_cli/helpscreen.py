"""Help screens, generated from the help catalogue (`helptext.py`) in the language of the messages (SPEC §1).

Pure text layout, no Typer: `teikan --help` is answered from here without importing Typer (SPEC §9), and every
`teikan COMMAND --help` is the same layout filled with the command's parameters (read from its Click command by
`cli.py`). Nothing here is kept equal to anything by hand: the words are the catalogue's, the allowed values
of coded options the vocabulary's.
"""

from __future__ import annotations

import re
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


def wrap(text: str, width: int, spaced: bool = False) -> list[str]:
    """Lines of at most `width` display columns. Japanese (the default) breaks at spaces and between any two wide
    characters, as Japanese text does (never before `。`, `）` or `ー`, never after `（`); `spaced` text (English)
    breaks only at spaces, so that a Japanese term in it (`(就労継続支援B型)`) stays whole. A word alone wider
    than a line (a long path) is broken where it must."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _pieces(paragraph, spaced):
            if display_width(line + token) <= width or not line.strip():
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
            while display_width(line.rstrip()) > width:
                head = _cut(line, width)
                lines.append(head)
                line = line[len(head):]
        lines.append(line.rstrip())
    return lines


# A tag a help row ends with (`［既定値: 利用中］`, `[default: table]`, `［複数指定可］`) is read as one word: it moves to
# the next line whole rather than break inside.
_TAG = re.compile(r"( *(?:［[^］\n]*］|\[[^\]\n]*\]))")


def _pieces(paragraph: str, spaced: bool) -> list[str]:
    """The tokens of a paragraph for `wrap`, each tag of `_TAG` one token (with the spaces before it)."""
    pieces: list[str] = []
    for index, part in enumerate(_TAG.split(paragraph)):
        if index % 2:
            pieces.append(part)
        elif part:
            pieces += _words(part) if spaced else _tokens(part)
    return pieces


def _cut(text: str, width: int) -> str:
    """The longest start of `text` at most `width` display columns wide (at least one character)."""
    used = 0
    for index, ch in enumerate(text):
        used += display_width(ch)
        if used > width:
            return text[:max(index, 1)]
    return text


# 行頭禁則: what never begins a line (closing brackets and punctuation, the long vowel mark, small kana);
# 行末禁則: what never ends one (opening brackets).
_NO_LINE_START = "。、）」』】〕，．・：；！？ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ" + ")]}.,:;!?"
_NO_LINE_END = "（「『【〔(["


def _tokens(text: str) -> list[str]:
    """ASCII words with their following space, and single wide characters (kept with what may not begin or end a
    line, see `_NO_LINE_START`)."""
    tokens: list[str] = []
    for ch in text:
        wide = display_width(ch) == 2
        if tokens and (ch in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += ch
        elif wide or not tokens or display_width(tokens[-1][-1:]) == 2 or tokens[-1].endswith(" "):
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def _words(text: str) -> list[str]:
    """Words with their following spaces; a Japanese term kept with the word before it (`face (対面支援),`,
    `risks 個別支援計画未作成減算.`), so that no line of English text holds Japanese alone."""
    words: list[str] = []
    for word in re.findall(r"\S+ *| +", text):
        if words and not word.isascii():
            words[-1] += word
        else:
            words.append(word)
    return words


def _rows(items: Sequence[tuple[str, str]], width: int, indent: int = 2, spaced: bool = False) -> list[str]:
    """`name  description` rows, the descriptions in one column, wrapped."""
    column = min(max((display_width(name) for name, _ in items), default=0), OPTION_COLUMN) + indent + 2
    out = []
    for name, text in items:
        body = wrap(text, max(width - column, 20), spaced)
        head = " " * indent + name
        if display_width(head) + 2 > column:
            out.append(head)
            out += [" " * column + line for line in body]
        else:
            out.append(head + " " * (column - display_width(head)) + body[0])
            out += [" " * column + line for line in body[1:]]
    return out


def example_lines(example: str, width: int, indent: int = 2) -> list[str]:
    """An example command line, as typed: when wider than the screen, continued over lines ending in ` \\` (as
    a shell reads it), broken before an option, never inside a quoted value."""
    units: list[str] = []
    for part in re.findall(r'(?:"[^"]*"|\'[^\']*\'|\S)+', example):
        if units and not part.startswith("-") and units[-1].startswith("-") and " " not in units[-1]:
            units[-1] += " " + part  # an option with its value
        else:
            units.append(part)
    lines = [" " * indent]
    for unit in units:
        if lines[-1].strip() and display_width(lines[-1] + " " + unit) + 2 > width:
            lines[-1] += " \\"
            lines.append(" " * (indent + 4))
        lines[-1] += (" " if lines[-1].strip() else "") + unit
    return lines


def app_help(lang: str, width: int = 80) -> str:
    """`teikan --help`: what teikan is, the global options, every command with its one-line summary."""
    app = helptext.APP
    lines = [f"{word('usage', lang)}: teikan [{word('options_meta', lang)}] {word('command_meta', lang)}", ""]
    spaced = lang != "ja"
    lines += ["  " + line for line in wrap(pick(app["summary"], lang), width - 2, spaced)]
    lines += [""] + ["  " + line for line in wrap(pick(app["description"], lang), width - 2, spaced)]
    lines += ["", f"{word('options', lang)}:"]
    labels = {"--db": "--db PATH", "--help": "-h, --help"}
    lines += _rows([(labels.get(k, k), pick(v, lang)) for k, v in helptext.GLOBAL_OPTIONS.items()], width,
                   spaced=spaced)
    lines += ["", f"{word('commands', lang)}:"]
    lines += _rows([(name, pick(entry["summary"], lang)) for name, entry in helptext.COMMANDS.items()], width,
                   spaced=spaced)
    lines += ["", f"{word('examples', lang)}:"] + [line for e in app["examples"] for line in example_lines(e, width)]
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
    spaced = lang != "ja"
    lines = [usage, ""]
    lines += ["  " + line for line in wrap(pick(entry["summary"], lang), width - 2, spaced)]
    if entry.get("description"):
        lines += [""] + ["  " + line for line in wrap(pick(entry["description"], lang), width - 2, spaced)]
    if arguments:
        lines += ["", f"{word('arguments', lang)}:"]
        lines += _rows([(p.label, _describe(name, p, lang, allowed)) for p in arguments], width, spaced=spaced)
    lines += ["", f"{word('options', lang)}:"]
    rows = [(p.label, _describe(name, p, lang, allowed)) for p in options]
    rows.append(("-h, --help", word("show_help", lang)))
    lines += _rows(rows, width, spaced=spaced)
    lines += ["", f"{word('examples', lang)}:"] + [line for e in entry["examples"] for line in example_lines(e, width)]
    return "\n".join(lines) + "\n"


def param_text(name: str, key: str, lang: str) -> str:
    """The catalogue's description of one parameter of a command (its own, else the shared one)."""
    entry = helptext.COMMANDS[name]
    found = entry["params"].get(key) or helptext.COMMON_OPTIONS.get(key) or helptext.GLOBAL_OPTIONS.get(key)
    if found is None:
        raise KeyError(f"{name} {key}: not in the help catalogue")
    return pick(found, lang)


def _default_text(param: ParamDoc, lang: str) -> str:
    """A default as the reader knows it: a coded option's by its label (`active` → 利用中 in Japanese, `client` →
    本人用), which is also accepted as input; any other as it is typed (`table`, `90`)."""
    if param.values is None:
        return str(param.default)
    from .names import label

    return label(param.values, str(param.default), lang)


def _describe(name: str, param: ParamDoc, lang: str, allowed: Callable[[str], str] | None) -> str:
    text = param_text(name, param.key, lang)
    marks = []
    if param.required:
        marks.append(word("required", lang))
    if param.multiple:
        marks.append(word("repeatable", lang))
    if param.default not in (None, False, (), [], "") and not param.argument:
        marks.append(f"{word('default', lang)}: {_default_text(param, lang)}")
    if marks:
        text += ("  ［" + "・".join(marks) + "］") if lang == "ja" else ("  [" + "; ".join(marks) + "]")
    if param.values and allowed is not None:
        text += "\n" + f"{word('values', lang)}: {allowed(param.values)}"
    return text


__all__ = ["ParamDoc", "app_help", "command_help", "param_text", "wrap", "display_width"]
