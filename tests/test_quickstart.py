"""The quick start is two commands on a fresh Debian/Ubuntu Python, the same in both languages, and CI runs
exactly those lines (issue 16: `pip install .` alone fails there with externally-managed-environment)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def quick_start(readme: str, heading: str) -> list[str]:
    """The lines of the first ```sh block under `## heading`, as .ci/run extracts them."""
    section = (ROOT / readme).read_text(encoding="utf-8").split(f"\n## {heading}", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()


@pytest.mark.parametrize(("readme", "heading"), [("README.md", "Quick start"), ("README.ja.md", "クイックスタート")])
def test_quick_start_is_install_and_demo_then_install_and_test_in_a_virtual_environment(readme, heading):
    demo, tests = quick_start(readme, heading)
    assert demo == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/teikan demo"
    assert tests == "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"


def test_both_readmes_give_the_same_quick_start():
    assert quick_start("README.md", "Quick start") == quick_start("README.ja.md", "クイックスタート")


def test_ci_runs_the_quick_start_as_written():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'quick_start README.md "Quick start"' in ci and 'quick_start README.ja.md "クイックスタート"' in ci
    assert "bash -euxo pipefail .ci-quick-start.sh" in ci
    assert "pip install" not in ci.replace("python3-venv", "")  # nothing installed beside what the README says


def test_the_virtual_environment_stays_out_of_the_repository_and_the_tests():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv/" in ignored
    assert 'testpaths = ["tests"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
