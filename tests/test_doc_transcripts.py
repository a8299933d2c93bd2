"""The documentation shows real runs: every ```console block of docs/*.md, README.md and README.ja.md is replayed
against this checkout and must print what the page shows (the convention is at the top of tests/doc_transcripts.py
and in docs/README.md). The pages are replayed side by side, one thread each, in one session; the unit tests below
pin the runner itself."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import doc_transcripts as dt

PAGES = dt.pages()

def _id(page: Path) -> str:
    return str(page.relative_to(dt.ROOT))


@pytest.fixture(scope="session")
def transcript_session():
    session = dt.Session()
    yield session
    session.close()


@pytest.fixture(scope="session")
def replays(request, transcript_session):
    """Every selected page replayed at once (the largest first, so that it does not finish last)."""
    selected = [item.callspec.params["page"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_page_replays"]
    wanted = sorted(set(selected), key=lambda p: -p.stat().st_size)
    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    futures = {page: pool.submit(dt.replay, page, transcript_session) for page in wanted}
    yield futures
    pool.shutdown(wait=True)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_replays(page, replays):
    failures = replays[page].result()
    assert not failures, "\n\n".join(f.report() for f in failures)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_console_blocks_follow_the_convention(page):
    """Every console block has a command; blocks left out say why, and stay the exception."""
    blocks = dt.parse(page.read_text(encoding="utf-8"), _id(page))
    skipped = [b for b in blocks if b.skipped]
    assert len(skipped) <= max(1, len(blocks) // 10), [f"{_id(page)}:{b.line}: {b.skipped}" for b in skipped]


def test_the_pages_of_docs_and_both_readmes_are_replayed():
    names = {p.name for p in PAGES if p.parent.name == "docs"}
    assert {"commands.md", "checks.md", "staffing.md", "daily.md", "rate.md", "csv.md", "README.md"} <= names
    assert {dt.ROOT / "README.md", dt.ROOT / "README.ja.md"} <= set(PAGES)



# ------------------------------------------------------------------ the runner


PAGE = """\
Some prose.

```console
$ teikan clients \\
    --as-of 2026-10-15
ID  Name
…
$ echo done
done
```

<!-- not replayed: needs a USB stick -->
```console
$ teikan backup /media/usb/
```

- a list item with a block:

  ```console
  $ echo indented
  indented
  ```
"""


def test_parse_reads_commands_outputs_and_skips():
    blocks = dt.parse(PAGE)
    assert [b.skipped for b in blocks] == [None, "needs a USB stick", None]
    first = blocks[0].steps
    assert [s.command for s in first] == ["teikan clients \\\n    --as-of 2026-10-15", "echo done"]
    assert [s.expected for s in first] == [["ID  Name", "…"], ["done"]]
    assert [s.line for s in first] == [4, 8]
    assert blocks[2].steps[0].command == "echo indented" and blocks[2].steps[0].expected == ["indented"]


def test_a_console_block_without_a_command_is_an_error():
    with pytest.raises(dt.TranscriptError, match="without a '\\$ ' command"):
        dt.parse("```console\njust output\n```\n", "page.md")
    with pytest.raises(dt.TranscriptError, match="never closed"):
        dt.parse("```console\n$ echo\n", "page.md")


@pytest.mark.parametrize(("expected", "actual", "ok"), [
    (["a", "b"], ["a", "b", ""], True),  # trailing blank lines
    (["a  ", "b"], ["a", "b   "], True),  # trailing whitespace
    (["a", "…"], ["a"], True),  # … matches nothing
    (["a", "…", "z"], ["a", "b", "c", "z"], True),
    (["…", "c", "…"], ["a", "b", "c", "d"], True),
    (["…"], [], True),
    (["a", "…", "z"], ["a", "b"], False),
    (["a"], ["a", "b"], False),
    (["b", "a"], ["a", "b"], False),
    ([], ["something"], False),
    (["a …"], ["a b"], False),  # only a line that is exactly … is a wildcard
])
def test_matches(expected, actual, ok):
    assert dt.matches(expected, actual) is ok


def test_a_crash_fails_and_update_writes_what_was_printed(tmp_path, transcript_session):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ echo one; echo two >&2\nold\n$ python3 -c 'raise ValueError(42)'\n```\n",
                    encoding="utf-8")
    failures = dt.replay(page, transcript_session)
    assert [f.why for f in failures] == ["differs", "traceback"]
    assert failures[0].actual == ["one", "two"]  # stdout, then stderr
    dt.update(page, failures)
    assert page.read_text(encoding="utf-8").startswith("```console\n$ echo one; echo two >&2\none\ntwo\n$ python3")


def test_teikan_is_this_checkout_in_a_hermetic_folder(tmp_path, transcript_session):
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n"
        "$ ls\nexamples\nhome\nteikan-demo.db\n"
        "$ echo \"${TEIKAN_DB-unset} ${TEIKAN_LANG-unset} $LANG $NO_COLOR $COLUMNS\"\nunset unset C.UTF-8 1 120\n"
        "$ test \"$HOME\" = \"$PWD/home\" && echo home inside\nhome inside\n"
        "$ teikan --db teikan-demo.db clients --status ended --as-of 2026-10-15 | wc -l\n3\n"
        "$ TEIKAN_LANG=ja teikan --db nowhere.db clients\n"
        "エラー: データベースがありません: nowhere.db（先に teikan init を実行してください）\n"
        "```\n", encoding="utf-8")
    assert dt.replay(page, transcript_session) == []
