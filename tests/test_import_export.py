"""`teikan import` and `teikan export` through the CLI (SPEC §8): all or nothing, idempotent, round trips."""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teikan_cli import csvio
from teikan_cli.dates import eligible_from, support_end

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = "--as-of=2025-08-01"


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def import_examples(cli, *kinds: str) -> None:
    for kind in kinds or ("staff", "clients", "contacts"):
        r = cli("import", kind, str(EXAMPLES / f"{kind}-utf8.csv"), AS_OF)
        assert r.exit_code == 0, r


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_examples_then_again_adds_nothing(cli, db_path):
    r = cli("import", "staff", str(EXAMPLES / "staff-utf8.csv"), AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "staff: 3 added, 0 already present\n", "")
    r = cli("import", "clients", str(EXAMPLES / "clients-utf8.csv"), AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "clients: 5 added, 0 already present\n", "")
    r = cli("import", "contacts", str(EXAMPLES / "contacts-utf8.csv"), AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "contacts: 12 added, 0 already present\n", "")
    before = {t: count(db_path, t) for t in ("clients", "contacts", "contact_concerns", "staff_assignments")}
    for kind, rows in (("staff", 3), ("clients", 5), ("contacts", 12)):
        r = cli("import", kind, str(EXAMPLES / f"{kind}-utf8.csv"), AS_OF)
        assert (r.exit_code, r.stdout) == (0, f"{kind}: 0 added, {rows} already present\n"), r
    assert {t: count(db_path, t) for t in before} == before == {
        "clients": 5, "contacts": 12, "contact_concerns": 5, "staff_assignments": 3}


def test_cp932_file_from_excel_matches_the_utf8_one(cli, db_path):
    """Same five clients as Excel saves them: other column order, 和暦, full-width digits, CP932."""
    r = cli("import", "clients", str(EXAMPLES / "clients-cp932.csv"), AS_OF)
    assert (r.exit_code, r.stdout) == (0, "clients: 5 added, 0 already present\n"), r
    r = cli("import", "clients", str(EXAMPLES / "clients-utf8.csv"), AS_OF)
    assert (r.exit_code, r.stdout) == (0, "clients: 0 added, 5 already present\n"), r
    r = cli("export", "clients")
    assert r.stdout.replace("\r\n", "\n") == (EXAMPLES / "clients-utf8.csv").read_text(encoding="utf-8")


def test_utf8_with_bom(cli, tmp_path):
    path = write(tmp_path, "staff.csv", "\ufeffname,role,hours\r\n佐藤,supporter,40\r\n")
    r = cli("import", "staff", path, AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "staff: 1 added, 0 already present\n", "")


def test_three_bad_rows_all_reported_and_the_database_byte_for_byte_unchanged(cli, db_path, tmp_path):
    import_examples(cli, "staff", "clients")
    before = db_path.read_bytes()
    path = write(tmp_path, "contacts.csv", "\n".join([
        ",".join(csvio.HEADERS["contacts"]),
        "0123456789,2025-05-09,face,佐藤 花子,60,workplace,,,",
        "0123456789,2025-02-30,face,佐藤 花子,60,,,,",
        "0123456789,2025-05-10,face,佐藤 花子,60,,,,",
        "nobody,2025-05-10,face,,,,,,",
        "1234567890,2025-05-11,visit,,,,,,",
        "1234567890,2025-05-12,remote,,,,,,",
    ]) + "\n")
    r = cli("import", "contacts", path, AS_OF)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == (
        "line 3: date: no such day: '2025-02-30'\n"
        "line 5: client: no client 'nobody' (give an id, a certificate number or the exact name)\n"
        "line 6: types: unknown value 'visit' (choose from face (対面支援), employer (企業訪問), remote (電話・メール等), "
        "agency (関係機関との連絡調整), center (支援センターの支援))\n"
        "Error: 3 bad row(s); nothing was imported\n"
    )
    assert db_path.read_bytes() == before
    assert count(db_path, "contacts") == 0


def test_every_problem_of_a_client_file_in_japanese(cli, tmp_path):
    path = write(tmp_path, "clients.csv", "\n".join([
        ",".join(csvio.HEADERS["clients"]),
        "山田,,,0123456789,,,,,2024-04-01,,,2024-09-30,,,",
        "田中,,,0123456789,,,,,2024-04-01,,,2024-10-01,,,",
        "中村,,,0123456789,,,,,2024-04-01,,,2024-10-01,,,",
    ]) + "\n")
    r = cli("import", "clients", path, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 2
    assert r.stderr == (
        "2行目: 利用開始日 2024-09-30 は就労6か月経過前です。2024-10-01 以降にしてください\n"
        "4行目: 受給者証番号: 0123456789 は 3 行目と重複しています\n"
        "エラー: 2 行に誤りがあります。何も取り込んでいません\n"
    )


def test_a_japanese_row_error_names_the_column_once_and_in_japanese(cli, tmp_path, db_path):
    path = write(tmp_path, "clients.csv", "\n".join([
        ",".join(csvio.HEADERS["clients"]),
        "山田,,,12345,,,,,2024-04-01,,,2024-10-01,,,",
        "田中,,,,,,どれでもない,,2024-04-01,,,2024-10-01,,,",
    ]) + "\n")
    r = cli("import", "clients", path, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, "")
    lines = r.stderr.splitlines()
    assert lines[0] == "2行目: 受給者証番号 は10桁の数字で指定してください: '12345'"
    assert lines[1].startswith("3行目: 障害種別: 'どれでもない' は指定できません（physical（身体障害）")
    assert lines[2] == "エラー: 2 行に誤りがあります。何も取り込んでいません"
    assert not db_path.exists()
    r = cli("import", "clients", path, AS_OF)
    assert r.stderr.splitlines()[0] == "line 2: certificate must be exactly 10 digits: '12345'"  # named once


def test_header_errors_and_unknown_kind(cli, tmp_path, db_path):
    path = write(tmp_path, "staff.csv", "name,role,weekly\n佐藤,supporter,40\n")
    r = cli("import", "staff", path, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (
        "line 1: weekly: unknown column 'weekly' (columns of staff: name,role,hours,from,until,reduced_hours)\n"
        "line 1: hours: required column 'hours' (週時間) is missing\n"
        "Error: 1 bad row(s); nothing was imported\n"
    )
    r = cli("import", "plans", path, AS_OF)
    assert r.exit_code == 2 and r.stderr.startswith("Error: KIND: unknown value 'plans'"), r
    r = cli("import", "staff", str(tmp_path / "missing.csv"), AS_OF)
    assert (r.exit_code, r.stderr) == (
        2, f"Error: no file {tmp_path / 'missing.csv'} (check the name and the folder)\n")
    r = cli("import", "staff", write(tmp_path, "u16.csv", "name,role,hours\n", "utf-16"), AS_OF)
    assert r.exit_code == 2 and r.stderr.startswith("Error: the file is neither UTF-8 nor CP932"), r
    assert not db_path.exists()


@pytest.mark.parametrize("typed,kind", [
    ("利用者", "clients"), ("利用者一覧", "clients"), ("支援記録", "contacts"), ("記録", "contacts"),
    ("職員", "staff"), ("職員配置", "staff"), ("ＣＬＩＥＮＴＳ", "clients"),
])
def test_kind_may_be_given_in_japanese(cli, db_path, typed, kind):
    """import and export take KIND as the Japanese word of their own messages (kind of file) too."""
    for before in {"clients": ("staff",), "contacts": ("staff", "clients"), "staff": ()}[kind]:
        import_examples(cli, before)
    rows = {"staff": 3, "clients": 5, "contacts": 12}[kind]
    r = cli("import", typed, str(EXAMPLES / f"{kind}-utf8.csv"), AS_OF, env={"TEIKAN_LANG": "ja"})
    word = {"clients": "利用者", "contacts": "支援記録", "staff": "職員配置"}[kind]
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"{word}: {rows} 件を追加、0 件は登録済み\n", "")
    exported = cli("export", typed, AS_OF)
    assert exported.exit_code == 0 and exported.stdout.startswith(",".join(csvio.HEADERS[kind]) + "\r\n")


def test_unknown_column_names_the_kind_in_japanese(cli, tmp_path, db_path):
    path = write(tmp_path, "clients.csv", "氏名,就職日,利用開始日,生年月日\n山田,2024-04-01,2024-10-01,1990-01-01\n")
    r = cli("import", "clients", path, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("1行目: 生年月日: 不明な列 '生年月日' です（利用者 の列: 氏名,フリガナ,"), r.stderr
    assert "clients" not in r.stderr.split("（", 2)[1]
    assert not db_path.exists()


@pytest.mark.parametrize("kind,header,row", [
    ("clients", "氏名,就職日,利用開始日,備考", "山田 一,2024-04-01,2024-10-01,週3日勤務"),
    ("clients", "name,employment_start,support_start,備考", "山田 一,2024-04-01,2024-10-01,週3日勤務"),
    ("contacts", "利用者,日付,支援内容,備考", "山田 一,2025-07-01,対面,週3日勤務"),
])
def test_biko_is_read_as_the_note_column(cli, tmp_path, db_path, kind, header, row):
    """備考 is as common on an office's sheet as メモ: both name the note column (SPEC §8 lists メモ, export writes it)."""
    if kind == "contacts":
        cli("add-client", "山田 一", "--employment-start", "2024-04-01", "--support-start", "2024-10-01", AS_OF)
    r = cli("import", kind, write(tmp_path, "f.csv", f"{header}\n{row}\n"), AS_OF)
    assert r.exit_code == 0, r
    table = {"clients": "clients", "contacts": "contacts"}[kind]
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute(f"SELECT note FROM {table}").fetchall() == [("週3日勤務",)]
    finally:
        conn.close()


def test_dry_run_writes_nothing(cli, db_path):
    r = cli("import", "clients", str(EXAMPLES / "clients-utf8.csv"), "--dry-run", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (
        0, "dry run, nothing written: clients: 5 would be added, 0 already present\n", "")
    assert not db_path.exists()
    r = cli("import", "contacts", str(EXAMPLES / "contacts-utf8.csv"), "--dry-run", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: no database at {db_path} (run 'teikan init' first)\n")
    assert not db_path.exists()
    import_examples(cli, "staff", "clients")
    before = db_path.read_bytes()
    r = cli("import", "contacts", str(EXAMPLES / "contacts-utf8.csv"), "--dry-run", AS_OF)
    assert (r.exit_code, r.stdout) == (0, "dry run, nothing written: contacts: 12 would be added, 0 already present\n")
    assert db_path.read_bytes() == before


def test_changed_row_is_a_conflict_not_an_update(cli, db_path, tmp_path):
    import_examples(cli, "staff", "clients")
    text = (EXAMPLES / "clients-utf8.csv").read_text(encoding="utf-8").replace("株式会社そらテック", "そらテック合同会社")
    r = cli("import", "clients", write(tmp_path, "c.csv", text), AS_OF)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "line 6: certificate: already recorded as #5 with other values (employer); an import never overwrites: "
        "change the record with edit-client or fix the row",
        "Error: 1 bad row(s); nothing was imported",
    ]
    staff = "name,role,hours,from,until,reduced_hours\n佐藤 花子,supporter,32,2024-04-01,,false\n"
    r = cli("import", "staff", write(tmp_path, "s.csv", staff), AS_OF)
    assert r.exit_code == 2 and "already recorded as #" in r.stderr and "(hours)" in r.stderr, r


def test_identical_contacts_in_a_file_are_all_kept(cli, db_path, tmp_path):
    import_examples(cli, "staff", "clients")
    row = "0123456789,2025-06-02,remote,佐藤 花子,10,,,,\n"
    path = write(tmp_path, "c.csv", ",".join(csvio.HEADERS["contacts"]) + "\n" + row * 2)
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 2 added, 0 already present\n"
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 0 added, 2 already present\n"
    path = write(tmp_path, "c3.csv", ",".join(csvio.HEADERS["contacts"]) + "\n" + row * 3)
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 1 added, 2 already present\n"


def test_contacts_refer_to_clients_by_id_certificate_or_name(cli, tmp_path):
    import_examples(cli, "staff", "clients")
    path = write(tmp_path, "c.csv", ",".join(csvio.HEADERS["contacts"]) + "\n"
                 "１,2025-06-02,face,,,,,,\n#2,2025-06-02,face,,,,,,\n0123456789,2025-06-03,face,,,,,,\n"
                 " 中村 さくら ,2025-06-02,face,,,,,,\n")
    r = cli("import", "contacts", path, AS_OF)
    assert r.exit_code == 0, r
    r = cli("export", "contacts")
    assert r.stdout.splitlines()[1:] == ["0123456789,2025-06-02,face,,,,,,", "1234567890,2025-06-02,face,,,,,,",
                                         "0123456789,2025-06-03,face,,,,,,", "2345678901,2025-06-02,face,,,,,,"]


def test_export_to_a_file_is_private_and_excel_gets_a_bom(cli, tmp_path):
    import_examples(cli)
    out = tmp_path / "clients.csv"
    out.write_text("old")
    os.chmod(out, 0o644)
    r = cli("export", "clients", "--excel", "--output", str(out))
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {out} exists; use --force to overwrite\n")
    assert out.read_text() == "old"
    r = cli("export", "clients", "--excel", "--output", str(out), "--force")
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"wrote 5 clients rows to {out}\n", "")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfname,kana,employer,certificate,")
    assert b"0123456789" in data
    r = cli("export", "staff", "--excel")
    assert r.stdout.startswith("\ufeffname,role,hours,from,until,reduced_hours\r\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_errors(cli, tmp_path, db_path):
    r = cli("export", "clients")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: no database at {db_path} (run 'teikan init' first)\n")
    import_examples(cli, "staff")
    r = cli("export", "staff", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert (r.exit_code, r.stderr) == (2, f"Error: cannot write {tmp_path / 'no' / 'such' / 'dir.csv'}\n")


def test_pseudonymized_export_is_stable_hides_people_and_still_imports(cli, tmp_path):
    import_examples(cli)
    files = {}
    for kind in ("staff", "clients", "contacts"):
        first = cli("export", kind, "--pseudonymize")
        assert first.exit_code == 0, first
        assert cli("export", kind, "--pseudonymize").stdout == first.stdout
        for secret in ("山田", "ヤマダ", "みどり製作所", "佐藤 花子", "0123456789", "面談", "週3日"):
            assert secret not in first.stdout
        files[kind] = write(tmp_path, f"{kind}.csv", first.stdout)
    assert ",2024-04-01,,,2024-10-01,," in Path(files["clients"]).read_text()  # dates are kept
    other = tmp_path / "vendor.db"
    for kind in ("staff", "clients", "contacts"):
        r = cli("--db", str(other), "import", kind, files[kind], AS_OF)
        assert r.exit_code == 0, r
    assert count(other, "contacts") == 12


def test_leading_zero_certificate_survives_the_round_trip(cli, tmp_path):
    import_examples(cli, "staff", "clients")
    exported = write(tmp_path, "clients.csv", cli("export", "clients").stdout)
    other = tmp_path / "other.db"
    assert cli("--db", str(other), "import", "clients", exported, AS_OF).exit_code == 0
    conn = sqlite3.connect(other)
    assert conn.execute("SELECT certificate FROM clients WHERE name = '山田 太郎'").fetchone() == ("0123456789",)
    conn.close()
    r = cli("--db", str(other), "show-client", "0123456789", "--format", "json", AS_OF)
    assert r.exit_code == 0 and '"certificate": "0123456789"' in r.stdout


def test_import_is_audited(cli, db_path):
    import_examples(cli)
    conn = sqlite3.connect(db_path)
    actions = dict(conn.execute("SELECT action, COUNT(*) FROM audit GROUP BY action").fetchall())
    conn.close()
    assert actions == {"import-clients": 5, "import-contacts": 5, "import-staff": 3}


def test_real_process_exit_codes_and_no_progress_bar_when_piped(tmp_path):
    from conftest import run_process

    env = {"TEIKAN_DB": str(tmp_path / "p.db")}
    done = run_process("import", "staff", str(EXAMPLES / "staff-utf8.csv"), AS_OF, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "staff: 3 added, 0 already present\n", "")
    bad = run_process("import", "staff", write(tmp_path, "s.csv", "name,role,hours\n,boss,x\n"), AS_OF, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[-1] == "Error: 1 bad row(s); nothing was imported"


def test_import_from_stdin(tmp_path):
    from conftest import run_process

    env = {"TEIKAN_DB": str(tmp_path / "p.db")}
    done = run_process("import", "staff", "-", AS_OF, env=env,
                       input=(EXAMPLES / "staff-utf8.csv").read_text(encoding="utf-8"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "staff: 3 added, 0 already present\n", "")


def test_progress_bar_only_on_a_terminal(monkeypatch):
    import io

    from teikan_cli.commands import transfer

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", io.StringIO())
    with transfer._progress() as bar:
        assert bar("check", 10) is None  # no callback: csvio and the store skip the bookkeeping
    assert __import__("sys").stderr.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with transfer._progress() as bar:
        advance = bar("check", 10)
        advance(4)
        advance(6)
    assert "check" in terminal.getvalue()


# ------------------------------------------------------------------ export → import round trip (hypothesis)

NAMES = st.text(alphabet="山田太郎花子佐藤鈴木高橋アイウエオ abc", min_size=1, max_size=8).map(str.strip).filter(bool)
NOTE_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffd")
NOTES = st.one_of(st.none(), st.text(alphabet=NOTE_CHARACTERS | st.sampled_from(
    ["\n", ",", '"', " ", "　"]), max_size=12).map(str.strip).filter(bool))
DAY0 = date(2022, 1, 1)
TODAY = date(2025, 8, 1)


@st.composite
def caseloads(draw):
    staff = draw(st.lists(st.tuples(NAMES, st.sampled_from(["supporter", "manager"]),
                                    st.sampled_from([40.0, 37.5, 30.0, 8.25]), st.booleans()),
                          min_size=1, max_size=4, unique_by=lambda s: (s[0], s[1])))
    staff_names = sorted({s[0] for s in staff})
    clients = []
    used_names = set()
    for index in range(draw(st.integers(1, 5))):
        name = draw(NAMES.filter(lambda n: n not in used_names and not n.isdigit()))
        used_names.add(name)
        hired = DAY0 + timedelta(days=draw(st.integers(0, 800)))
        start = eligible_from(hired) + timedelta(days=draw(st.integers(0, 60)))
        if start > TODAY:
            start = eligible_from(hired)
        certificate = draw(st.one_of(st.none(), st.just(f"{index:02d}{draw(st.integers(0, 10**8 - 1)):08d}")))
        ended = draw(st.one_of(st.none(), st.integers(0, 300)))
        ended_on = None if ended is None else min(start + timedelta(days=ended), TODAY, support_end(start))
        clients.append(dict(name=name, certificate=certificate, hired=hired, start=start, ended_on=ended_on,
                            disabilities=draw(st.lists(st.sampled_from(["mental", "physical", "developmental"]),
                                                       unique=True, max_size=2)),
                            note=draw(NOTES), kana=draw(st.one_of(st.none(), NAMES)),
                            staff=draw(st.one_of(st.none(), st.sampled_from(staff_names)))))
    contacts = []
    for index, c in enumerate(clients):
        # Contacts lie inside the service, as log-visit and import require (never after support_end).
        last = min(c["ended_on"] or TODAY, TODAY, support_end(c["start"]))
        if last < c["start"]:
            continue
        span = (last - c["start"]).days
        for _ in range(draw(st.integers(0, 4))):
            types = draw(st.lists(st.sampled_from(["face", "employer", "remote", "agency"]), min_size=1, unique=True))
            contacts.append(dict(client=index, day=c["start"] + timedelta(days=draw(st.integers(0, span))),
                                 types=types, staff=draw(st.one_of(st.none(), st.sampled_from(staff_names))),
                                 minutes=draw(st.one_of(st.none(), st.integers(0, 240))),
                                 concerns=draw(st.lists(st.sampled_from(["attendance", "other"]), unique=True)),
                                 note=draw(NOTES)))
    return staff, clients, contacts


def build_directly(db: str, staff, clients, contacts) -> None:
    """The first database is written by the store's one-record inserts (what the commands use), not by import."""
    from teikan_cli.models import Assignment, Client, Contact
    from teikan_cli.store import open_store
    from teikan_cli.validation import check_client

    store = open_store(Path(db), create=True)
    with store.write():
        for name, role, hours, reduced in staff:
            store.insert_assignment(Assignment(id=0, name=name, role=role, hours=hours, from_date=DAY0,
                                               reduced_hours=reduced))
        for c in clients:
            client = Client(id=0, name=c["name"], certificate=c["certificate"], employment_start=c["hired"],
                            support_start=c["start"], ended_on=c["ended_on"],
                            end_reason=None if c["ended_on"] is None else "other", note=c["note"], kana=c["kana"],
                            staff=c["staff"], disabilities=tuple(sorted(c["disabilities"])))
            store.insert_client(check_client(client, TODAY))
        for contact in contacts:
            store.insert_contact(Contact(id=0, client_id=contact["client"] + 1, date=contact["day"],
                                         types=tuple(contact["types"]), staff=contact["staff"],
                                         minutes=contact["minutes"], concerns=tuple(contact["concerns"]),
                                         note=contact["note"]))
    store.close()


def load_all(db: str):
    from dataclasses import replace

    from teikan_cli.store import open_store

    store = open_store(Path(db), create=False)
    try:
        staff = sorted((replace(a, id=0, person_id=0) for a in store.load_assignments()), key=repr)  # ids follow the file
        return store.load_clients(), list(store.iter_contacts()), staff
    finally:
        store.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(caseloads())
def test_export_import_round_trip(cli, caseload):
    staff, clients, contacts = caseload
    with tempfile.TemporaryDirectory() as folder:
        first, second = str(Path(folder) / "a.db"), str(Path(folder) / "b.db")
        build_directly(first, staff, clients, contacts)
        exported = {}
        for kind in ("staff", "clients", "contacts"):
            r = cli("--db", first, "export", kind)
            assert r.exit_code == 0, r
            exported[kind] = r.stdout
            path = Path(folder) / f"{kind}.csv"
            path.write_text(r.stdout, encoding="utf-8", newline="")
            r = cli("--db", second, "import", kind, str(path), AS_OF)
            assert r.exit_code == 0, r
        for kind in ("staff", "clients", "contacts"):
            assert cli("--db", second, "export", kind).stdout == exported[kind]
        assert load_all(second) == load_all(first)


# ------------------------------------------------------------------ files for people (SPEC §8, issues 16 and 17)

FORMULA_STARTS = st.sampled_from(["", "", "=", "+", "-", "@", "'", "'=", "''+", "=HYPERLINK(\"x\")&"])


@st.composite
def hostile_caseloads(draw):
    """A caseload whose names and notes start like formulas (and with the `'` that protects them)."""
    staff, clients, contacts = draw(caseloads())
    renamed = {}
    for s in staff:
        renamed.setdefault(s[0], draw(FORMULA_STARTS) + s[0])
    staff = [(renamed[s[0]], *s[1:]) for s in staff]
    for c in clients:
        c["name"] = draw(FORMULA_STARTS) + c["name"]
        c["staff"] = renamed.get(c["staff"]) if c["staff"] else None
        if c["note"]:
            c["note"] = draw(FORMULA_STARTS) + c["note"]
    for c in contacts:
        c["staff"] = renamed.get(c["staff"]) if c["staff"] else None
        if c["note"]:
            c["note"] = draw(FORMULA_STARTS) + c["note"]
    return staff, clients, contacts


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(hostile_caseloads(), st.sampled_from([("plain", "en"), ("plain", "ja"), ("excel", "en"), ("excel", "ja")]))
def test_every_export_imports_back_unchanged(cli, caseload, mode):
    """Plain and --excel, in English and in Japanese: export → import into a new file gives the same records,
    and importing the export again into the first file adds nothing."""
    staff, clients, contacts = caseload
    flags = ["--excel"] if mode[0] == "excel" else []
    env = {"TEIKAN_LANG": mode[1]}
    with tempfile.TemporaryDirectory() as folder:
        first, second = str(Path(folder) / "a.db"), str(Path(folder) / "b.db")
        build_directly(first, staff, clients, contacts)
        for kind in ("staff", "clients", "contacts"):
            r = cli("--db", first, "export", kind, *flags, env=env)
            assert r.exit_code == 0, r
            path = Path(folder) / f"{kind}.csv"
            path.write_bytes(r.stdout.encode("utf-8"))
            r = cli("--db", second, "import", kind, str(path), AS_OF, env=env)
            assert r.exit_code == 0, r
            r = cli("--db", first, "import", kind, str(path), AS_OF)
            assert r.exit_code == 0 and r.stdout.split(": ", 1)[1].startswith("0 added"), r
        assert load_all(second) == load_all(first)


def test_an_excel_sheet_with_japanese_headers_and_labels(cli, db_path, tmp_path):
    staff = write(tmp_path, "s.csv", "氏名,役割,週時間,開始日,終了日,短時間勤務\n佐藤 花子,就労定着支援員,40,令和6年4月1日,,いいえ\n"
                                     "鈴木 一郎,サビ管,40,2024/4/1,,はい\n")
    assert cli("import", "staff", staff, AS_OF).stdout == "staff: 2 added, 0 already present\n"
    clients = write(tmp_path, "c.csv", "氏名,フリガナ,就職先,受給者証番号,支給決定期間,担当,障害種別,利用前サービス,就職日,"
                                       "就労移行支援終了日,離職日,利用開始日,終了日,終了理由,メモ\n"
                                       "山田 太郎,ヤマダ,みどり製作所,0123456789,,佐藤 花子,精神＋発達,就労移行,2024/4/1,,,"
                                       "R6.10.1,,,\n", "cp932")
    r = cli("import", "clients", clients, AS_OF)
    assert (r.exit_code, r.stdout) == (0, "clients: 1 added, 0 already present\n"), r
    contacts = write(tmp_path, "k.csv", "利用者,日付,支援内容,職員,分,場所,気になる兆候,センター連携理由,メモ\n"
                                        "山田 太郎,2025-05-09,対面+企業訪問,佐藤 花子,60,職場,遅刻,,面談\n"
                                        "0123456789,2025-05-10,支援センター,,,,,集団プログラム,\n")
    assert cli("import", "contacts", contacts, AS_OF).stdout == "contacts: 2 added, 0 already present\n"
    assert cli("export", "clients").stdout.splitlines()[1] == \
        "山田 太郎,ヤマダ,みどり製作所,0123456789,,佐藤 花子,mental+developmental,transition,2024-04-01,,,2024-10-01,,,"
    assert cli("export", "contacts").stdout.splitlines()[1:] == [
        "0123456789,2025-05-09,face+employer,佐藤 花子,60,workplace,attendance,,面談",
        "0123456789,2025-05-10,center,,,,,group-program,"]
    r = cli("export", "contacts", "--excel", env={"TEIKAN_LANG": "ja"})
    assert r.stdout.splitlines() == [
        "\ufeff利用者,日付,支援内容,職員,分,場所,気になる兆候,センター連携理由,メモ",
        "0123456789,2025-05-09,対面支援+企業訪問,佐藤 花子,60,職場,遅刻・欠勤,,面談",
        "0123456789,2025-05-10,支援センターの支援,,,,,集団プログラム,"]
    assert cli("export", "staff", "--excel", env={"TEIKAN_LANG": "ja"}).stdout.splitlines()[1:] == [
        "佐藤 花子,就労定着支援員,40,2024-04-01,,いいえ", "鈴木 一郎,サービス管理責任者,40,2024-04-01,,はい"]
    assert cli("export", "staff", "--excel").stdout.splitlines()[1] == "佐藤 花子,supporter,40,2024-04-01,,false"


def test_import_errors_in_japanese_name_the_line_and_the_column(cli, tmp_path):
    path = write(tmp_path, "s.csv", "氏名,役割,週時間\n佐藤,運転手,40\n鈴木,サビ管,たくさん\n")
    r = cli("import", "staff", path, AS_OF, env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "2行目: 役割: '運転手' は指定できません（supporter（就労定着支援員）、manager（サービス管理責任者） のいずれか）",
        "3行目: 週時間: 数値ではありません: 'たくさん'",
        "エラー: 2 行に誤りがあります。何も取り込んでいません",
    ]


@pytest.mark.parametrize(("name", "content", "line", "message"), [
    ("cut.csv", 'name,role,hours\n佐藤,supporter,40\n"鈴木,manager,40\n', 3,
     'the file ends inside a quoted value begun on this line (a closing " is missing: was the file cut short?)'),
    ("wide.csv", ",".join(f"c{i}" for i in range(101)) + "\n", 1, "the header has 101 columns; at most 100 are read"),
    ("long.csv", "name,role,hours\n佐藤,supporter,40\n" + "x" * (65 * 1024) + ",supporter,40\n", 3,
     "the line is longer than 65536 bytes; nothing after it was read"),
])
def test_csv_limits_through_the_cli(cli, db_path, tmp_path, name, content, line, message):
    r = cli("import", "staff", write(tmp_path, name, content), AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"line {line}: -: {message}\nError: 1 bad row(s); nothing was imported\n"
    assert not db_path.exists()


def test_a_million_column_header_takes_no_time_and_one_line(cli, tmp_path):
    import time

    path = tmp_path / "million.csv"
    path.write_bytes(b",".join([b"c"] * 1_000_000) + b"\n")
    start = time.perf_counter()
    r = cli("import", "staff", str(path), AS_OF)
    assert time.perf_counter() - start < 2
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 2, r
    assert r.stderr.startswith("line 1: -: the line is longer than 65536 bytes"), r


def test_missing_folder_workbook_and_unreadable_files(cli, tmp_path):
    r = cli("import", "clients", str(tmp_path / "nofile.csv"), AS_OF)
    assert r.stderr == f"Error: no file {tmp_path / 'nofile.csv'} (check the name and the folder)\n"
    r = cli("import", "clients", str(tmp_path / "nofile.csv"), AS_OF, env={"TEIKAN_LANG": "ja"})
    assert r.stderr == f"エラー: ファイル {tmp_path / 'nofile.csv'} がありません（名前とフォルダを確認してください）\n"
    r = cli("import", "clients", str(tmp_path), AS_OF)
    assert r.stderr == f"Error: {tmp_path} is a folder, not a CSV file\n"
    book = tmp_path / "clients.xlsx"
    book.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"\x00" * 100)
    r = cli("import", "clients", str(book), AS_OF)
    assert (r.exit_code, r.stderr) == (2, "Error: this is an Excel workbook, not a CSV file: save it as CSV (UTF-8) "
                                          "first (in Excel: Save As, CSV UTF-8)\n")
    r = cli("import", "clients", str(book), AS_OF, env={"TEIKAN_LANG": "ja"})
    assert r.exit_code == 2 and "Excel のブック" in r.stderr and "CSV UTF-8" in r.stderr, r
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.csv"
        locked.write_text("name,role,hours\n")
        locked.chmod(0)
        r = cli("import", "staff", str(locked), AS_OF)
        assert r.stderr == f"Error: cannot read {locked}\n"


def test_export_output_needs_force_to_replace(cli, tmp_path):
    import_examples(cli, "staff")
    out = tmp_path / "staff.csv"
    assert cli("export", "staff", "--output", str(out)).exit_code == 0
    first = out.read_bytes()
    r = cli("export", "staff", "--output", str(out), "--excel")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {out} exists; use --force to overwrite\n")
    assert out.read_bytes() == first
    r = cli("export", "staff", "--output", str(out), env={"TEIKAN_LANG": "ja"})
    assert r.stderr == f"エラー: {out} は既にあります。上書きするには --force を指定してください\n"
    assert cli("export", "staff", "--output", str(out), "--excel", "--force").exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


# ------------------------------------------------------------------ contacts checked in a staging table (issue 20)

CONTACTS_HEADER = ",".join(csvio.HEADERS["contacts"]) + "\n"


def test_a_contact_logged_by_hand_is_already_present_whatever_the_order_of_its_concerns(cli, tmp_path):
    import_examples(cli, "staff", "clients")
    r = cli("log-visit", "0123456789", "--date", "2025-06-02", "--type", "remote", "--staff", "佐藤 花子",
            "--concern", "medication", "--concern", "attendance", "--note", "電話", AS_OF)
    assert r.exit_code == 0, r
    same = "0123456789,2025-06-02,remote,佐藤 花子,,,medication+attendance,,電話\n"
    other = "0123456789,2025-06-02,remote,佐藤 花子,,,attendance,,電話\n"
    path = write(tmp_path, "c.csv", CONTACTS_HEADER + same + other)
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 1 added, 1 already present\n"
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 0 added, 2 already present\n"


def test_a_deleted_contact_is_not_there_any_more(cli, db_path, tmp_path):
    import_examples(cli, "staff", "clients")
    path = write(tmp_path, "c.csv", CONTACTS_HEADER + "0123456789,2025-06-02,face,,,,,,\n")
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 1 added, 0 already present\n"
    assert cli("delete-visit", "1", "--reason", "誤入力", AS_OF).exit_code == 0
    assert cli("import", "contacts", path, AS_OF).stdout == "contacts: 1 added, 0 already present\n"
    assert count(db_path, "contacts") == 2


def test_new_contacts_get_ids_in_file_order_with_their_concerns(cli, db_path, tmp_path):
    import_examples(cli, "staff", "clients")
    rows = ["1234567890,2025-06-03,face,,,,other+attendance,,b\n", "0123456789,2025-06-02,face,,,,,,a\n",
            "1234567890,2025-06-01,center,,,,,advice,c\n"]
    assert cli("import", "contacts", write(tmp_path, "c.csv", CONTACTS_HEADER + "".join(rows)), AS_OF).exit_code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT id, note FROM contacts ORDER BY id").fetchall() == [(1, "b"), (2, "a"), (3, "c")]
    assert conn.execute("SELECT contact_id, concern FROM contact_concerns ORDER BY 1, 2").fetchall() == [
        (1, "attendance"), (1, "other")]
    assert conn.execute("SELECT client_id, detail FROM audit WHERE action = 'import-contacts' ORDER BY id").fetchall() \
        == [(1, "1 contacts"), (2, "2 contacts")]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'import%'").fetchall() == []
    conn.close()


def test_someone_writing_meanwhile_makes_the_import_check_again_under_the_lock(cli, db_path, tmp_path, monkeypatch):
    """Between the check (no lock) and the write, another process logs the same visit: checked again under the
    lock, the file adds one contact, not two."""
    from teikan_cli.commands import transfer
    from teikan_cli.models import Contact
    from teikan_cli.store import open_store

    import_examples(cli, "staff", "clients")
    row = "0123456789,2025-06-02,remote,佐藤 花子,10,,,,\n"
    path = write(tmp_path, "c.csv", CONTACTS_HEADER + row)
    checked = transfer._Import.check

    def check_then_someone_writes(job):
        plan = checked(job)
        assert (plan.added, plan.unchanged) == (1, 0)
        other = open_store(db_path, create=False)
        with other.write():
            other.insert_contact(Contact(id=0, client_id=1, date=date(2025, 6, 2), types=("remote",),
                                         staff="佐藤 花子", minutes=10))
        other.close()
        return plan

    monkeypatch.setattr(transfer._Import, "check", check_then_someone_writes)
    r = cli("import", "contacts", path, AS_OF)
    assert (r.exit_code, r.stdout) == (0, "contacts: 0 added, 1 already present\n"), r
    assert count(db_path, "contacts") == 1


def test_a_client_ended_meanwhile_stops_the_import_under_the_lock(cli, db_path, tmp_path, monkeypatch):
    from teikan_cli.commands import transfer

    import_examples(cli, "staff", "clients")
    path = write(tmp_path, "c.csv", CONTACTS_HEADER + "0123456789,2025-06-02,face,,,,,,\n")
    checked = transfer._Import.check

    def check_then_someone_writes(job):
        plan = checked(job)
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("UPDATE clients SET ended_on = '2025-05-31', end_reason = 'other' WHERE id = 1")
        conn.close()
        return plan

    monkeypatch.setattr(transfer._Import, "check", check_then_someone_writes)
    r = cli("import", "contacts", path, AS_OF)
    assert r.exit_code == 2 and r.stderr.startswith("line 2: date: "), r
    assert count(db_path, "contacts") == 0


def test_a_cp932_byte_far_into_the_file_reads_the_whole_file_as_cp932(cli, db_path, tmp_path, monkeypatch):
    """Rows are handed on as they are read: the encoding is decided before the first one."""
    monkeypatch.setattr(csvio, "CHUNK", 64)
    import_examples(cli, "staff", "clients")
    ascii_rows = "".join(f"0123456789,2025-06-{day:02d},face,,,,,,\n" for day in range(1, 20))
    path = write(tmp_path, "c.csv", CONTACTS_HEADER + ascii_rows + "0123456789,2025-06-20,face,,,,,,面談\n", "cp932")
    r = cli("import", "contacts", path, AS_OF)
    assert (r.exit_code, r.stdout) == (0, "contacts: 20 added, 0 already present\n"), r
    assert cli("export", "contacts").stdout.splitlines()[-1] == "0123456789,2025-06-20,face,,,,,,面談"


def test_every_bad_line_of_a_file_for_another_office_is_listed(cli, tmp_path):
    import_examples(cli, "staff", "clients")
    rows = "".join(f"99{n:08d},2025-06-02,face,,,,,,\n" for n in range(3000))
    r = cli("import", "contacts", write(tmp_path, "c.csv", CONTACTS_HEADER + rows + "0123456789,2025-06-02,face,,,,,,\n"),
            AS_OF)
    lines = r.stderr.splitlines()
    assert r.exit_code == 2 and len(lines) == 3001
    assert lines[0] == "line 2: client: no client '9900000000' (give an id, a certificate number or the exact name)"
    assert lines[-2].startswith("line 3001: client: no client '9900002999'")
    assert lines[-1] == "Error: 3000 bad row(s); nothing was imported"


def test_the_new_rows_are_found_through_indexes_without_a_sort(cli, db_path):
    """The natural key of a million staged rows is decided by index searches, one per row, and no sort (issue 20:
    a million-row sort held in memory would cost what the staging table saves)."""
    from teikan_cli.store import open_store

    import_examples(cli, "staff", "clients")
    store = open_store(db_path, create=False)
    statements: list[str] = []
    with store.contact_staging():
        store.stage_contacts([(2, 1, "2025-06-02", 1, 0, 0, 0, 0, None, None, None, None, None, None)])
        store.conn.set_trace_callback(statements.append)
        assert store.decide_staged_contacts() == 1
        store.conn.set_trace_callback(None)
        decision = next(sql for sql in statements if "INSERT INTO temp.import_new" in sql)
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + decision)]
    store.close()
    assert plan[0] == "SCAN s"  # the staged rows once, in line order
    assert any(line.startswith("SEARCH e USING COVERING INDEX import_contacts_key") for line in plan), plan
    assert any(line.startswith("SEARCH c USING INDEX contacts_month") for line in plan), plan
    assert any(line.startswith("SEARCH k USING PRIMARY KEY") for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
