"""Every rule code is documented in docs/checks.md's "## Checks" section, with a table row of six filled cells (its
severity and how it runs as the registry has them, its source); the cron and systemd examples exist and docs/daily.md
documents them."""

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
        assert len(cells) == 6 and all(cells), rows[code]  # rule, severity, runs, what, source, how to clear


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


def _cells(code: str) -> list[str]:
    text = section(CHECKS.read_text(encoding="utf-8"), "Checks")
    row = re.search(rf"^\| `{re.escape(code)}` \|.*$", text, re.MULTILINE)
    assert row, code
    return [c.strip() for c in row.group(0).strip("|").split("|")]


@pytest.mark.parametrize("code", DOCUMENTED_CODES)
def test_every_rule_row_says_how_it_runs_as_the_registry_does(code):
    """`month` (once per month in scope), `dated` (once, on --as-of) or `report` (report only): grant-expired is a
    month rule (SPEC §4 rule 8), grant-expiring a dated one."""
    from teikan_cli.rules import RULES

    scope = {c: rule.scope for rule in RULES for c, _ in rule.codes}
    assert _cells(code)[2] == scope[code], code


# The names the sources go by (SPEC §4: each rule cites its source; DOMAIN.md lists them).
SOURCE_NAMES = ("基準省令", "解釈通知", "報酬告示", "留意事項通知", "障害者総合支援法", "「就労定着支援の実施について」",
                "「障害者就業・生活支援センターと就労定着支援事業所の関係について」", "Q&A")


@pytest.mark.parametrize("code", DOCUMENTED_CODES)
def test_every_rule_row_cites_its_source_and_the_spec(code):
    source = _cells(code)[4]
    assert any(name in source for name in SOURCE_NAMES), (code, source)
    assert re.search(r"第[0-9０-９]+|問[0-9]+|[(, ][0-9]{4}\)|障発第", source), (code, source)  # an article, item or notice
    assert re.search(r"SPEC §[0-9]+|not in SPEC", source), (code, source)


def test_grant_expired_is_documented_as_a_month_rule():
    what = _cells("grant-expired")[3]
    assert "month M" in what and "each such month" in what
