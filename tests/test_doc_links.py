"""Every relative link of the documentation (README.md, README.ja.md, docs/*.md) points at a file of the repository,
and a `#fragment` at a heading of the page it names (GitHub's heading ids). External links (`https:`, `mailto:`)
are not fetched; nothing else is left out, and nothing is skipped: a page linked before it is written fails here
until it is."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md", ROOT / "README.ja.md"]

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"``[^`]+``|`[^`]+`")
INLINE_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
HTML_LINK = re.compile(r"<(?:a|img)\s[^>]*?(?:href|src)=\"([^\"]+)\"", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def outside_fences(text: str) -> str:
    """The page without its fenced blocks (their lines left empty, so that line numbers stay)."""
    kept, fence = [], None
    for line in text.split("\n"):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = None
        else:
            kept.append("" if fence is not None else line)
            continue
        kept.append("")
    return "\n".join(kept)


def prose(text: str) -> str:
    """The page without its code: fenced blocks and inline code hold text that only looks like a link."""
    return INLINE_CODE.sub("", outside_fences(text))


def links(text: str) -> list[str]:
    body = prose(text)
    return [m.group(1) for pattern in (INLINE_LINK, REFERENCE, HTML_LINK) for m in pattern.finditer(body)]


def relative_links(page: Path) -> list[str]:
    return [link for link in links(page.read_text(encoding="utf-8")) if not SCHEME.match(link)]


def slug(heading: str) -> str:
    """GitHub's id of a heading: markup dropped, lower case, punctuation dropped, each space a hyphen."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The ids of a page's headings (a repeated heading gets -1, -2 …, as on GitHub)."""
    seen: dict[str, int] = {}
    ids = set()
    for match in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t]*$", outside_fences(page.read_text(encoding="utf-8")),
                             re.MULTILINE):
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        ids.add(base if count == 0 else f"{base}-{count}")
    ids.update(re.findall(r"<a\s[^>]*?(?:id|name)=\"([^\"]+)\"", page.read_text(encoding="utf-8")))  # <a id="x">
    return ids


def broken(page: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with each relative link of `page` (a file of the repository `root`)."""
    problems = []
    for link in relative_links(page):
        path, _, fragment = link.partition("#")
        target = (page.parent / unquote(path)).resolve() if path else page
        if path and not target.exists():
            problems.append(f"{link}: no such file")
        elif fragment and target.suffix == ".md" and target.is_file() and unquote(fragment) not in anchors(target):
            problems.append(f"{link}: no heading #{fragment} in {target.relative_to(root.resolve())}")
        elif path and root.resolve() not in target.parents and target != root.resolve():
            problems.append(f"{link}: outside the repository")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_an_existing_file(page):
    assert broken(page) == []


def test_the_pages_are_all_there():
    assert {p.name for p in PAGES} >= {"README.md", "README.ja.md", "commands.md", "checks.md"}
    assert all(p.exists() for p in PAGES)


# ------------------------------------------------------------------ the link reader itself


def test_links_reads_inline_reference_and_html_links_but_not_code(tmp_path):
    text = ("See [the checks](checks.md#scope), [home](https://example.jp/) and ![logo](img/logo.png).\n"
            "[ref]: docs/design.md\n<a href=\"safety.md\">safety</a>\n"
            "`[not](a-link.md)`\n```console\n$ echo '[nor](this.md)'\n```\n")
    assert links(text) == ["checks.md#scope", "https://example.jp/", "img/logo.png", "docs/design.md", "safety.md"]


@pytest.mark.parametrize(("heading", "expected"), [
    ("Scope", "scope"),
    ("DATE and MONTH", "date-and-month"),
    ("`service-record` — the サービス提供実績記録票", "service-record--the-サービス提供実績記録票"),
    ("Plans, monitoring and the handover", "plans-monitoring-and-the-handover"),
])
def test_slug_is_githubs_heading_id(heading, expected):
    assert slug(heading) == expected


def test_a_missing_file_and_a_missing_heading_are_broken(tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\n## Here\n\n[ok](#here) [b](b.md) [no](#gone) [c](c.md#here)\n",
                                   encoding="utf-8")
    (tmp_path / "c.md").write_text("## Elsewhere\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.md").write_text("[up](../a.md#here) [out](../../elsewhere.md)\n", encoding="utf-8")
    assert broken(tmp_path / "a.md", tmp_path) == ["b.md: no such file", "#gone: no heading #gone in a.md",
                                                   "c.md#here: no heading #here in c.md"]
    assert broken(tmp_path / "sub" / "d.md", tmp_path) == ["../../elsewhere.md: no such file"]
