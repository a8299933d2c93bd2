"""Every rule code is documented in docs/checks.md's "## Checks" section, with a table row of five filled cells; the cron
and systemd examples exist and docs/daily.md documents them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teikan_cli.rules import RULE_CODES

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "docs" / "checks.md"
DAILY = ROOT / "docs" / "daily.md"
# The registry's codes, plus those other parts of teikan emit (the fee estimate's handover reduction).
DOCUMENTED_CODES = sorted(set(RULE_CODES) | {"dual-role", "handover-reduction-risk"})


def section(markdown: str, heading: str) -> str | None:
    """The text under `## heading` up to the next `## ` heading, or None when there is no such section."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else None


def documented(text: str) -> set[str]:
    return set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", text))


def test_checks_section_has_a_table_row_per_rule_code():
    text = section(CHECKS.read_text(encoding="utf-8"), "Checks")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \|.*$", text, re.MULTILINE)}
    for code in DOCUMENTED_CODES:
        assert code in rows, code
        cells = [c.strip() for c in rows[code].strip("|").split("|")]
        assert len(cells) == 5 and all(cells), rows[code]  # rule, severity, what, source, how to clear


def test_checks_section_lists_every_rule_code():
    text = section(CHECKS.read_text(encoding="utf-8"), "Checks")
    assert text is not None, "docs/checks.md has no '## Checks' section"
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
    cron_doc = DAILY.read_text(encoding="utf-8")
    assert "MAILTO=" in cron_doc and "teikan-check.timer" in cron_doc and "teikan-check.service" in cron_doc
    assert "examples/crontab" in cron_doc and "ifne" in cron_doc


def test_the_crontab_shown_in_daily_md_is_examples_crontab():
    """docs/daily.md quotes the job lines of examples/crontab as they are."""
    crontab = (ROOT / "examples" / "crontab").read_text(encoding="utf-8")
    jobs = [line for line in crontab.splitlines() if line and not line.startswith("#")]
    shown = DAILY.read_text(encoding="utf-8").split("```crontab", 1)[1].split("```", 1)[0]
    assert [line for line in shown.splitlines() if line and not line.startswith("#")] == jobs


def test_every_rule_row_names_its_severity_as_the_registry_does():
    from teikan_cli.rules import RULE_SEVERITY

    text = section(CHECKS.read_text(encoding="utf-8"), "Checks")
    for code, severity in RULE_SEVERITY.items():
        row = re.search(rf"^\| `{re.escape(code)}` \| ([a-z]+) \|", text, re.MULTILINE)
        assert row and row.group(1) == severity, code
