"""Japanese UI: the catalogue is complete, the office's own terms are used, and no English reaches a
Japanese user's error line, whatever the command and whatever the bad input."""

from __future__ import annotations

import re
import string

import pytest

from conftest import run_cli, run_process
from teikan_cli import i18n, render
from teikan_cli.i18n import LABELS, MESSAGES, detect_language, label, set_language, t

JA_ENV = {"TEIKAN_LANG": None, "LANG": "ja_JP.UTF-8"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
ENGLISH_RUN = re.compile(r"(?<![-\w])[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row
# Words that may stand in a Japanese line: the program's name, SQLite pragmas, file modes.
TECHNICAL = {"teikan", "PRAGMA", "integrity_check", "foreign_key_check", "ok", "chmod", "cron", "CSV", "Excel", "BOM"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _english_fragments() -> set[str]:
    """Fixed parts (three words or more) of every English message: none may appear in a Japanese run."""
    fragments = set()
    for en, _ja in MESSAGES.values():
        for part in re.split(r"\{[^}]*\}", en):
            for run in ENGLISH_RUN.findall(part):
                fragments.add(run)
    return fragments


ENGLISH_FRAGMENTS = _english_fragments()


def assert_japanese_error(result, what) -> None:
    assert result.exit_code == 2, (what, result)
    lines = result.stderr.splitlines()
    assert lines, (what, result)
    for line in lines:
        assert JAPANESE.search(line), (what, line)
        assert not line.startswith(("Error", "Usage", "Try ")), (what, line)
        assert not ENGLISH_RUN.search(line), (what, line)
        assert not [f for f in ENGLISH_FRAGMENTS if f in line], (what, line)
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ the catalogue


def test_language_rule_of_spec_section_1():
    assert detect_language({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert detect_language({"LANG": "ja_JP.UTF-8", "TEIKAN_LANG": "en"}) == "en"
    assert detect_language({"LANG": "C.UTF-8", "TEIKAN_LANG": "ja"}) == "ja"
    assert detect_language({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}) == "en"
    assert detect_language({"LC_MESSAGES": "ja_JP.eucJP"}) == "ja"
    assert detect_language({}) == "en"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_fields(key):
    en, ja = MESSAGES[key]
    assert en.strip() and ja.strip(), key
    assert _fields(en) == _fields(ja), key
    plain_en = re.sub(r"\{[^}]*\}", "", en)
    words = [w for w in re.findall(r"[A-Za-z_]{3,}", plain_en) if w not in TECHNICAL]
    if words:
        assert JAPANESE.search(ja), f"{key}: no Japanese in {ja!r}"
    assert not ENGLISH_RUN.search(re.sub(r"\{[^}]*\}|teikan [a-z -]+|--[a-z-]+", "", ja)), f"{key}: {ja!r}"


def test_every_rule_code_has_a_finding_message():
    from teikan_cli.rules import RULE_CODES

    missing = [code for code in RULE_CODES if f"rule.{code}" not in MESSAGES]
    assert missing == []


def test_every_enumeration_code_has_a_japanese_label():
    from teikan_cli import models

    codes = [f"{c}:type" for c in models.CONTACT_TYPES]
    for group in (models.CONCERNS, models.CENTER_REASONS, models.DISABILITIES, models.PRIOR_SERVICES, models.PLACES,
                  models.END_REASONS, models.ROLES, models.STATUSES, models.HANDOVER_STATES, ("error", "warning")):
        codes += list(group)
    set_language("ja")
    missing = [c for c in codes if not JAPANESE.search(label(c))]
    assert missing == []


def test_every_code_of_the_vocabulary_has_both_labels():
    from teikan_cli import names

    for kind in names.KINDS:
        for code in names.codes(kind):
            assert JAPANESE.search(names.label(kind, code, "ja")), (kind, code)
            assert names.label(kind, code, "en"), (kind, code)
            assert label(f"{code}:{kind}") == names.label(kind, code), (kind, code)


@pytest.mark.parametrize("code", sorted(LABELS))
def test_every_label_is_japanese(code):
    en, ja = LABELS[code]
    assert en and ja
    if code not in ("id", "ok") and re.search(r"[A-Za-z]{3,}", en):
        assert JAPANESE.search(ja), code


def test_office_terms_are_the_ones_offices_use():
    set_language("ja")
    assert label("face:type") == "対面支援"
    assert label("employer:type") == "企業訪問"
    assert label("report_shared") == "支援レポート"
    assert label("fte") == "常勤換算"
    assert label("manager") == "サービス管理責任者"
    assert label("handover") == "引継ぎ"
    assert label("certificate") == "受給者証番号"
    catalogue = " ".join(ja for _, ja in MESSAGES.values())
    for term in ("対面支援", "企業訪問", "支援レポート", "常勤換算", "サービス管理責任者", "引継ぎ", "受給者証"):
        assert term in catalogue, term


@pytest.mark.parametrize("field,shown", [
    ("certificate", "受給者証番号"),  # ten_digits(..., "certificate"): add-client and the CSV column
    ("employment-start", "就職日"),  # input.required from add-client / the CSV
    ("end_reason", "終了理由"),
    ("disability", "障害種別"),
    ("types", "支援内容"),
    ("client", "利用者"),
    ("--type", "--type"),  # an option is named as typed
    ("KIND", "KIND"),  # an argument as the help shows it
    ("unheard-of", "unheard-of"),  # no label: as it is
])
def test_a_field_in_a_japanese_message_is_named_in_japanese(field, shown):
    set_language("ja")
    assert t("input.required", field=field) == f"{shown} を指定してください"
    set_language("en")
    assert t("input.required", field=field) == f"{field} is required"


def test_codes_in_a_message_are_shown_as_labels():
    set_language("ja")
    assert t("rule.center-cooperation-unplanned", reasons="advice, group-program") == \
        "支援センターの支援（助言、集団プログラム）が直近の個別支援計画に位置付けられていません"
    set_language("en")
    assert t("rule.center-cooperation-unplanned", reasons="group-program") == \
        "support-center help (group program) is not in the latest individual support plan"


def test_table_cells_use_labels_in_japanese_and_codes_stay_in_csv():
    set_language("ja")
    assert render.cell(["face", "employer"], "types") == "対面支援, 企業訪問"
    assert render.cell(["attendance", "medication"], "concerns") == "遅刻・欠勤, 服薬"
    assert render.cell(True, "billable") == "可" and render.cell(False, "billable") == "不可"
    assert render.cell(False, "report_shared") == "未共有"
    assert render.cell("not-started", "state") == "未着手" and render.cell("not-started", "status") == "開始前"
    assert render.header("employer", [{"employer": 2}]) == "企業訪問"
    assert render.header("employer", [{"employer": "架空食品株式会社"}]) == "就職先"
    assert render.csv_cell(["face", "employer"]) == "face+employer"
    set_language("en")
    assert render.cell(["face", "employer"], "types") == "face, employer"


def test_wareki_dates_in_tables():
    set_language("ja")
    assert render.cell("2026-09-30", "support_end", wareki_dates=True) == "2026-09-30 (令和8年9月30日)"
    assert render.cell("2019-04-30", "date", wareki_dates=True) == "2019-04-30 (平成31年4月30日)"
    assert render.cell("2026-09-30", "support_end") == "2026-09-30"


# ------------------------------------------------------------------ every command, in Japanese, with bad input


def _command_names() -> list[str]:
    out = run_cli("--help").stdout
    names = []
    listing = out.split("Commands:", 1)[1].split("\n\n", 1)[0]
    for line in listing.splitlines():
        m = re.match(r"^  ([a-z][a-z-]*)\s", line)
        if m:
            names.append(m[1])
    return names


COMMANDS = _command_names()


def _params(name: str):
    import typer

    from teikan_cli.cli import app

    return typer.main.get_command(app).commands[name].params


def _filled(name: str) -> list[str]:
    """Values for the required parameters: ids and words that name nothing in the database."""
    args, opts = [], []
    for p in _params(name):
        if not p.required:
            continue
        if p.param_type_name == "argument":
            args.append("999")
        else:
            opts += [p.opts[0], "x"]
    return args + opts


def _probed_options(name: str) -> list[str]:
    """Options whose bad value is caught while parsing (numbers) or by a choice (format, month)."""
    probed = []
    for p in _params(name):
        if p.param_type_name != "option" or getattr(p, "is_flag", False):
            continue
        if getattr(p.type, "name", "") in ("integer", "float") or p.opts[0] in ("--format", "--month", "--status", "--staff"):
            probed.append(p.opts[0])
    return probed


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    from teikan_cli.commands.demo import build_demo_database
    from teikan_cli.demo_data import demo_office, read_demo_json

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo_database(path, demo_office(read_demo_json()))
    return path.read_bytes()


@pytest.fixture
def demo_db(db_path, demo_template):
    """Every command runs against a populated office (the demo), so errors come from deep inside too."""
    db_path.write_bytes(demo_template)
    db_path.chmod(0o600)
    return db_path


def test_help_lists_commands():
    assert {"report", "check", "demo", "support-report", "log-visit"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_no_english_leaks_into_a_japanese_error(name, demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = demo_db.read_bytes()
    filled = _filled(name)
    runs = [
        [name, "--no-such-option"],
        [name, *filled, "--as-of", "2025-02-30"],
        [name, *filled, "--as-of"],
        [name, *filled, "extra-argument", "another", "--as-of", "2025-02-30"],
    ]
    for option in _probed_options(name):
        runs.append([name, *filled, option, "\u00ab?\u00bb", "--as-of", "2025-02-30"])
    for args in runs:
        assert_japanese_error(run_cli(*args, env=JA_ENV), args)
    assert demo_db.read_bytes() == before


def test_no_english_leaks_from_the_command_group_itself(demo_db):
    for args in (["no-such-command"], ["--db"], ["--no-such-option", "report"], ["--db", str(demo_db)]):
        assert_japanese_error(run_cli(*args, env=JA_ENV), args)


def test_japanese_error_from_a_real_process_with_lang_only(tmp_path):
    env = {"TEIKAN_LANG": "", "LANG": "ja_JP.UTF-8", "TEIKAN_DB": str(tmp_path / "none.db")}
    result = run_process("report", "--month", "2026-13", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("エラー: ") and result.stderr.count("\n") == 1
    assert JAPANESE.search(result.stderr) and not ENGLISH_RUN.search(result.stderr)


def test_japanese_report_has_japanese_headers_and_findings(demo_db):
    r = run_cli("report", "--month", "2026-09", "--as-of", "2026-10-15", env=JA_ENV)
    assert r.exit_code == 0, r
    for word in ("氏名", "担当", "対面支援", "企業訪問", "支援レポート", "請求可", "人員配置", "常勤換算", "サービス管理責任者", "指摘事項"):
        assert word in r.stdout, word
    for line in r.stdout.splitlines():
        if line.startswith(("error ", "warning ")):
            message = line.split(": ", 1)[1]
            assert JAPANESE.search(message) and not ENGLISH_RUN.search(message), line


def test_json_keys_and_rule_codes_stay_english_in_japanese(demo_db):
    import json

    r = run_cli("check", "--month", "2026-09", "--as-of", "2026-10-15", "--format", "json", env=JA_ENV)
    data = json.loads(r.stdout)
    assert set(data) >= {"as_of", "months", "findings", "counts", "staffing"}
    assert {f["severity"] for f in data["findings"]} == {"error", "warning"}
    assert all(re.fullmatch(r"[a-z-]+", f["rule"]) for f in data["findings"])
    assert all(JAPANESE.search(f["message"]) for f in data["findings"])


def test_language_is_reset_between_runs():
    run_cli("--help", env=JA_ENV)
    assert i18n.language() == "en"
