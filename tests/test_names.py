"""names.py: the one name rule and the one table of coded values (SPEC §3, issue 16).

Every spelling of every coded value in the table is accepted through `validation.choice` (what every option
uses) and through a CSV cell of a real import; the SPEC's own examples are listed here as well, so that the
table cannot silently drop one of them.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import run_cli
from teikan_cli import models, names
from teikan_cli.errors import InputError
from teikan_cli.validation import choice, choices

# ------------------------------------------------------------------ the name rule


@pytest.mark.parametrize(("text", "key"), [
    ("山田 太郎", "山田 太郎"),
    ("山田\u3000太郎", "山田 太郎"),  # the ideographic space of a Japanese keyboard
    ("山田\u3000\u3000 太郎", "山田 太郎"),  # a run of mixed spaces is one space
    ("山田\t太郎", "山田 太郎"),
    ("山田\n太郎", "山田 太郎"),
    ("山田\u00a0太郎", "山田 太郎"),  # no-break space
    ("山田\u2003太郎", "山田 太郎"),  # em space
    ("  山田 太郎  ", "山田 太郎"),
    ("\u3000山田太郎\u3000", "山田太郎"),
    ("ＹＡＭＡＤＡ　Ｔａｒｏ", "YAMADA Taro"),  # full-width letters (case is kept: names are not case-folded)
    ("田中１２３", "田中123"),  # full-width digits
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),  # 半角カナ, with a voiced mark
    ("ｶﾞｷﾞｸﾞ", "ガギグ"),
    ("髙橋", "髙橋"),  # a variant kanji stays itself (NFKC does not merge 髙 and 高)
    ("", ""),
    ("   ", ""),
])
def test_name_key(text, key):
    assert names.name_key(text) == key


def test_name_key_of_none_and_idempotence():
    assert names.name_key(None) is None
    for text in ("ﾔﾏﾀﾞ\u3000ﾀﾛｳ", " Ａ  Ｂ ", "山田\t\t太郎"):
        once = names.name_key(text)
        assert names.name_key(once) == once


# ------------------------------------------------------------------ the table itself

SPELLINGS = [(kind, term.code, spelling) for kind in names.KINDS for term in names.VOCABULARY[kind]
             for spelling in names.spellings(term)]

# SPEC §3 and issue 16, as written there: these must stay in the table whatever else changes.
SPEC_EXAMPLES = [
    ("type", "対面", "face"), ("type", "対面支援", "face"), ("type", "企業訪問", "employer"),
    ("type", "電話", "remote"), ("type", "メール", "remote"), ("type", "オンライン", "remote"),
    ("place", "職場", "workplace"), ("concern", "遅刻", "attendance"), ("concern", "欠勤", "attendance"),
    ("concern", "服薬", "medication"), ("role", "サビ管", "manager"), ("role", "サービス管理責任者", "manager"),
    ("role", "支援員", "supporter"), ("role", "就労定着支援員", "supporter"), ("disability", "精神", "mental"),
    ("disability", "精神障害", "mental"), ("prior_service", "就労移行", "transition"),
    ("prior_service", "就労移行支援", "transition"), ("end_reason", "期間満了", "period-end"),
    ("end_reason", "離職", "job-loss"), ("center_reason", "助言", "advice"),
    # the other obvious ones the brief names
    ("disability", "身体", "physical"), ("disability", "身体障害", "physical"), ("disability", "知的", "intellectual"),
    ("disability", "知的障害", "intellectual"), ("disability", "発達", "developmental"),
    ("disability", "発達障害", "developmental"), ("disability", "高次脳", "higher-brain"),
    ("disability", "高次脳機能障害", "higher-brain"), ("disability", "難病", "intractable-disease"),
    ("prior_service", "A型", "continuation-a"), ("prior_service", "就労継続支援A型", "continuation-a"),
    ("prior_service", "B型", "continuation-b"), ("prior_service", "就労継続支援B型", "continuation-b"),
    ("prior_service", "生活介護", "daily-life-care"), ("prior_service", "自立訓練", "training"),
    ("place", "自宅", "home"), ("place", "事業所", "office"), ("place", "その他", "other"),
    ("center_reason", "チーム支援", "team-support"), ("center_reason", "集団プログラム", "group-program"),
    ("delivered_to", "本人", "client"), ("delivered_to", "利用者", "client"), ("recipient", "本人", "client"),
    ("recipient", "企業", "employer"), ("recipient", "事業主", "employer"),
    ("delivered_to", "相談支援事業所", "consultation"), ("delivered_to", "相談支援", "consultation"),
    ("method", "紙", "paper"), ("method", "郵送", "mail"), ("method", "メール", "email"),
    ("method", "電子メール", "email"), ("method", "手渡し", "in-person"), ("method", "対面", "in-person"),
    ("concern", "身だしなみ", "appearance"), ("concern", "作業", "work-accuracy"), ("concern", "正確さ", "work-accuracy"),
    ("concern", "コミュニケーション", "communication"), ("type", "関係機関", "agency"), ("type", "連絡調整", "agency"),
    ("type", "支援センター", "center"), ("type", "センター", "center"), ("end_reason", "本人の申し出", "user-request"),
    ("copy", "本人", "client"), ("copy", "企業", "employer"),
    ("csv_kind", "利用者", "clients"), ("csv_kind", "支援記録", "contacts"), ("csv_kind", "記録", "contacts"),
    ("csv_kind", "職員", "staff"), ("csv_kind", "職員配置", "staff"),
]

# The Japanese label of each code is the office's own term (issue 16).
OFFICE_TERMS = [
    ("type", "face", "対面支援"), ("type", "employer", "企業訪問"), ("type", "remote", "電話・メール等"),
    ("type", "agency", "関係機関との連絡調整"), ("type", "center", "支援センターの支援"),
    ("concern", "attendance", "遅刻・欠勤"), ("role", "supporter", "就労定着支援員"), ("role", "manager", "サービス管理責任者"),
]


def test_the_kinds_and_their_codes():
    assert names.codes("type") == ("face", "employer", "remote", "agency", "center")
    assert names.codes("place") == ("home", "workplace", "office", "other")
    assert names.codes("concern") == ("attendance", "appearance", "medication", "work-accuracy", "communication",
                                      "other")
    assert names.codes("center_reason") == ("advice", "team-support", "group-program")
    assert names.codes("disability") == ("physical", "intellectual", "mental", "developmental", "higher-brain",
                                         "intractable-disease")
    assert names.codes("prior_service") == ("transition", "continuation-a", "continuation-b", "daily-life-care",
                                            "training")
    assert names.codes("role") == ("supporter", "manager")
    assert names.codes("end_reason") == ("period-end", "job-loss", "user-request", "handover", "other")
    assert names.codes("status") == ("active", "ended", "not-started")
    assert names.codes("handover_state") == ("shared", "shared-late", "shared-without-consent", "consented",
                                             "not-started", "not-needed")
    assert names.codes("delivered_to") == ("client", "consultation")
    assert names.codes("recipient") == ("client", "employer", "agency")
    assert names.codes("method") == ("paper", "mail", "email", "in-person")
    assert names.codes("copy") == ("client", "employer")
    assert names.codes("csv_kind") == ("clients", "contacts", "staff")


@pytest.mark.parametrize(("kind", "tuple_name"), [
    ("type", "CONTACT_TYPES"), ("concern", "CONCERNS"), ("center_reason", "CENTER_REASONS"),
    ("disability", "DISABILITIES"), ("prior_service", "PRIOR_SERVICES"), ("place", "PLACES"),
    ("end_reason", "END_REASONS"), ("role", "ROLES"), ("status", "STATUSES"),
])
def test_models_tuples_are_the_table(kind, tuple_name):
    """models keeps its tuples until it imports them from names: they must be the same codes in the same order
    (validation.choice recognises a vocabulary by them)."""
    assert getattr(models, tuple_name) == names.codes(kind)


def test_no_spelling_names_two_codes_of_one_kind():
    assert names.collisions() == []


def test_no_label_or_alias_holds_the_list_separator():
    """Lists in a CSV cell are joined with `+` (also `＋`): no spelling may contain it."""
    assert [s for _, _, s in SPELLINGS if "+" in names.match_key(s)] == []


@pytest.mark.parametrize(("kind", "code", "term"), OFFICE_TERMS)
def test_japanese_labels_are_the_office_terms(kind, code, term):
    assert names.label(kind, code, "ja") == term


def test_every_code_has_both_labels():
    for kind in names.KINDS:
        for term in names.VOCABULARY[kind]:
            assert term.en and term.ja and not term.ja.isascii(), (kind, term)


def test_labels_follow_the_language():
    from teikan_cli.i18n import set_language

    set_language("ja")
    assert names.label("role", "manager") == "サービス管理責任者"
    assert names.label("handover_state", "not-started") == "未着手"
    assert names.label("status", "not-started") == "開始前"
    set_language("en")
    assert names.label("role", "manager") == "service manager"
    assert names.label("type", "nonsense") == "nonsense"  # an unknown code is shown as itself


# ------------------------------------------------------------------ parsing: every spelling, every way


@pytest.mark.parametrize(("kind", "code", "spelling"), SPELLINGS, ids=[f"{k}-{c}-{s}" for k, c, s in SPELLINGS])
def test_every_spelling_through_choice(kind, code, spelling):
    allowed = names.codes(kind)
    assert choice(spelling, allowed, "--x") == code
    assert choice(f"\u3000{spelling.upper()} ", allowed, "--x") == code  # case, surrounding spaces
    assert names.parse_code(kind, spelling, "--x") == code


@pytest.mark.parametrize(("kind", "spelling", "code"), SPEC_EXAMPLES, ids=[f"{k}-{s}" for k, s, _ in SPEC_EXAMPLES])
def test_the_spec_examples(kind, spelling, code):
    assert choice(spelling, names.codes(kind), "--x") == code


@pytest.mark.parametrize(("kind", "typed", "code"), [
    ("type", "ＦＡＣＥ", "face"), ("type", "Face", "face"), ("type", "ﾒｰﾙ", "remote"), ("type", "対面\u3000", "face"),
    ("concern", "ｺﾐｭﾆｹｰｼｮﾝ", "communication"), ("concern", "work accuracy", "work-accuracy"),
    ("concern", "WORK_ACCURACY", "work-accuracy"), ("prior_service", "Ａ型", "continuation-a"),
    ("prior_service", "ａ型", "continuation-a"), ("prior_service", "continuation a", "continuation-a"),
    ("role", "ｻﾋﾞ管", "manager"), ("method", "in person", "in-person"), ("disability", "精神障がい", "mental"),
])
def test_typed_variants(kind, typed, code):
    assert names.parse_code(kind, typed, "--x") == code


def test_parse_codes_joins_dedupes_and_orders():
    assert names.parse_codes("type", ["企業訪問", "対面"], "--type") == ("face", "employer")
    assert names.parse_codes("type", "対面支援+電話", "types") == ("face", "remote")
    assert names.parse_codes("type", "employer＋face＋対面", "types") == ("face", "employer")
    assert names.parse_codes("concern", ["遅刻", "欠勤", "attendance"], "--concern") == ("attendance",)
    assert names.parse_codes("concern", " 服薬 + 遅刻・欠勤 ", "concerns") == ("attendance", "medication")
    assert names.parse_codes("concern", "", "concerns") == ()
    assert names.parse_codes("concern", None, "concerns") == ()
    assert choices(["face+center", "支援センター"], models.CONTACT_TYPES, "--type") == ("face", "center")


def test_choice_of_a_tuple_that_is_no_vocabulary_is_unchanged():
    assert choice("JSON", ("table", "json", "csv"), "--format") == "json"
    with pytest.raises(InputError) as info:
        choice("対面", ("table", "json", "csv"), "--format")
    assert info.value.params["allowed"] == "table, json, csv"


def test_a_bad_value_names_every_code_with_its_label():
    from teikan_cli.i18n import set_language

    with pytest.raises(InputError) as info:
        names.parse_code("type", "訪問", "--type")
    assert info.value.key == "input.bad_choice"
    set_language("ja")
    assert info.value.message() == (
        "--type: '訪問' は指定できません（face（対面支援）、employer（企業訪問）、remote（電話・メール等）、"
        "agency（関係機関との連絡調整）、center（支援センターの支援） のいずれか）")
    set_language("en")
    assert info.value.message() == (
        "--type: unknown value '訪問' (choose from face (対面支援), employer (企業訪問), remote (電話・メール等), "
        "agency (関係機関との連絡調整), center (支援センターの支援))")


def test_allowed_text():
    assert names.allowed_text("role", "ja") == "supporter（就労定着支援員）、manager（サービス管理責任者）"
    assert names.allowed_text("role", "en") == "supporter (就労定着支援員), manager (サービス管理責任者)"


def test_completion_offers_codes_then_japanese():
    complete = names.completion("type")
    assert [value for value, _ in complete("")] == list(names.codes("type"))
    assert complete("fa") == [("face", "対面支援")]
    assert complete("ＦＡ") == [("face", "対面支援")]
    assert [value for value, _ in complete("対")] == ["対面支援", "対面"]
    assert ("電話・メール等", "remote") in complete("電")
    assert complete("zz") == []
    assert [value for value, _ in names.completion("role")("サ")] == ["サービス管理責任者", "サビ管", "サビカン"]
    assert dict(names.completion("role")(""))["supporter"] == "就労定着支援員 / support worker"


def test_completion_is_usable_by_typer():
    """Typer calls an `autocompletion=` function with the incomplete word, chosen by the parameter's type."""
    import inspect

    complete = names.completion("place")
    assert list(inspect.signature(complete).parameters) == ["incomplete"]
    assert complete("wo") == [("workplace", "職場")]


def test_i18n_label_reads_the_table():
    from teikan_cli.i18n import label, set_language

    set_language("ja")
    assert label("face:type") == "対面支援"
    assert label("not-started:state") == "未着手"
    assert label("not-started") == "開始前"
    assert label("attendance") == "遅刻・欠勤"
    assert label("supporter") == "就労定着支援員"
    assert label("employer") == "就職先"  # a column header first
    assert label("no-such-thing") == "no-such-thing"


# ------------------------------------------------------------------ through the command line


@pytest.mark.parametrize(("args", "stored"), [
    (["--type", "対面", "--type", "企業訪問", "--place", "職場", "--concern", "遅刻", "--concern", "服薬"],
     {"types": ["face", "employer"], "place": "workplace", "concerns": ["attendance", "medication"]}),
    (["--type", "電話", "--concern", "ｺﾐｭﾆｹｰｼｮﾝ"], {"types": ["remote"], "concerns": ["communication"]}),
    (["--type", "支援センター", "--center-reason", "助言"], {"types": ["center"], "center_reason": "advice"}),
    (["--type", "face+employer"], {"types": ["face", "employer"]}),
])
def test_log_visit_options_take_labels_and_aliases(db_path, args, stored):
    as_of = "--as-of=2025-06-20"
    assert run_cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                   "--disability", "精神", "--disability", "発達障害", "--prior-service", "就労移行", as_of).exit_code == 0
    r = run_cli("log-visit", "1", *args, as_of)
    assert (r.exit_code, r.stderr) == (0, ""), r
    contact = json.loads(run_cli("visits", "--format", "json", as_of).stdout)["contacts"][0]
    assert {key: contact[key] for key in stored} == stored
    client = json.loads(run_cli("show-client", "1", "--format", "json", as_of).stdout)["client"]
    assert (client["disabilities"], client["prior_service"]) == (["mental", "developmental"], "transition")


def test_other_options_take_labels(db_path):
    as_of = "--as-of=2025-06-20"
    assert run_cli("add-staff", "佐藤", "--role", "サビ管", "--hours", "40", as_of).exit_code == 0
    assert run_cli("add-staff", "鈴木", "--role", "就労定着支援員", "--hours", "40", as_of).exit_code == 0
    staff = json.loads(run_cli("staff", "--format", "json", as_of).stdout)
    assert sorted(a["role"] for a in staff["staff"]) == ["manager", "supporter"]
    assert run_cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                   as_of).exit_code == 0
    r = run_cli("end-client", "1", "--date", "2025-06-01", "--reason", "期間満了", as_of)
    assert (r.exit_code, r.stderr) == (0, ""), r
    assert json.loads(run_cli("show-client", "1", "--format", "json", as_of).stdout)["client"]["end_reason"] == \
        "period-end"


def test_a_bad_option_value_in_japanese_shows_code_and_label(db_path):
    as_of = "--as-of=2025-06-20"
    assert run_cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                   as_of).exit_code == 0
    r = run_cli("log-visit", "1", "--type", "訪問", as_of, env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 2 and r.stdout == ""
    assert "face（対面支援）" in r.stderr and "employer（企業訪問）" in r.stderr, r
    r = run_cli("log-visit", "1", "--type", "face", "--concern", "眠気", as_of, env={"TEIKAN_LANG": "ja"})
    assert "attendance（遅刻・欠勤）" in r.stderr, r
    r = run_cli("log-visit", "1", "--type", "訪問", as_of)
    assert "face (対面支援)" in r.stderr, r


# Every spelling of every kind a CSV column holds, one row each, through a real import.
CSV_KINDS = {"type": ("contacts", "types"), "place": ("contacts", "place"), "concern": ("contacts", "concerns"),
             "center_reason": ("contacts", "center_reason"), "disability": ("clients", "disabilities"),
             "prior_service": ("clients", "prior_service"), "end_reason": ("clients", "end_reason"),
             "role": ("staff", "role")}


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", sorted(CSV_KINDS))
def test_every_spelling_through_a_csv_cell_of_an_import(kind, db_path, tmp_path):
    as_of = "--as-of=2025-06-20"
    what, column = CSV_KINDS[kind]
    spellings = [(code, spelling) for k, code, spelling in SPELLINGS if k == kind]
    if what == "contacts":
        assert run_cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
                       as_of).exit_code == 0
        rows = [["client", "date", "types", "place", "concerns", "center_reason"]]
        for code, spelling in spellings:
            cells = {"types": "支援センター" if column == "center_reason" else "対面", "place": "", "concerns": "",
                     "center_reason": "助言" if (column, code) == ("types", "center") else ""}
            cells[column] = spelling
            rows.append(["1", "2025-06-01", cells["types"], cells["place"], cells["concerns"], cells["center_reason"]])
    elif what == "clients":
        rows = [["氏名", "就職日", "利用開始日", column] + (["終了日"] if column == "end_reason" else [])]
        for index, (code, spelling) in enumerate(spellings):
            rows.append([f"試験 {index}", "2024-04-01", "2024-10-01", spelling]
                        + (["2025-06-01"] if column == "end_reason" else []))
    else:
        rows = [["name", "役割", "hours"]] + [[f"職員 {i}", spelling, "40"] for i, (_, spelling) in enumerate(spellings)]
    path = tmp_path / "cells.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    r = run_cli("import", what, str(path), as_of)
    assert (r.exit_code, r.stderr) == (0, ""), r
    exported = list(csv.DictReader(io.StringIO(run_cli("export", what).stdout)))
    if what == "staff":
        exported.sort(key=lambda row: int(row["name"].split()[1]))
    assert [row[column] for row in exported] == [code for code, _ in spellings]
