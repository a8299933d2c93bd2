"""Every rule code is documented in README.md's "## Checks" section, with a table row of five filled cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teikan_cli.rules import RULE_CODES

ROOT = Path(__file__).resolve().parent.parent
# The registry's codes, plus those other parts of teikan emit (the fee estimate's handover reduction).
DOCUMENTED_CODES = sorted(set(RULE_CODES) | {"dual-role", "handover-reduction-risk"})


def section(markdown: str, heading: str) -> str | None:
    """The text under `## heading` up to the next `## ` heading, or None when there is no such section."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else None


def documented(text: str) -> set[str]:
    return set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", text))


def test_checks_section_has_a_table_row_per_rule_code():
    text = section((ROOT / "README.md").read_text(encoding="utf-8"), "Checks")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \|.*$", text, re.MULTILINE)}
    for code in DOCUMENTED_CODES:
        assert code in rows, code
        cells = [c.strip() for c in rows[code].strip("|").split("|")]
        assert len(cells) == 5 and all(cells), rows[code]  # rule, severity, what, source, how to clear


def test_readme_checks_section_lists_every_rule_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = section(readme, "Checks")
    assert text is not None, "README.md has no '## Checks' section"
    missing = [code for code in DOCUMENTED_CODES if code not in documented(text)]
    assert missing == []


def test_cron_examples_exist():
    crontab = (ROOT / "examples" / "crontab").read_text(encoding="utf-8")
    lines = [line for line in crontab.splitlines() if line and not line.startswith("#")]
    assert any(line.startswith("MAILTO=") for line in lines)
    assert lines[-1].endswith(" teikan check")
    assert lines.index(next(line for line in lines if line.startswith("MAILTO="))) < len(lines) - 1
    service = (ROOT / "examples" / "teikan-check.service").read_text(encoding="utf-8")
    timer = (ROOT / "examples" / "teikan-check.timer").read_text(encoding="utf-8")
    assert "ExecStart=" in service and "teikan check" in service and "Type=oneshot" in service
    assert "OnCalendar=" in timer and "WantedBy=timers.target" in timer
    cron_doc = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MAILTO=" in cron_doc and "teikan-check.timer" in cron_doc
