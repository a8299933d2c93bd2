"""The CSV core without the CLI or a database: decoding, headers, rows, natural keys, pseudonyms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from teikan_cli import csvio
from teikan_cli.errors import InputError
from teikan_cli.models import Assignment, Client, Contact

AS_OF = date(2025, 8, 1)
CLIENT_HEADER = ",".join(csvio.HEADERS["clients"])
CONTACT_HEADER = ",".join(csvio.HEADERS["contacts"])


def messages(problems) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.error.key) for p in problems]


def client(id=1, name="山田 太郎", certificate="0123456789", **kw) -> Client:
    values = dict(employment_start=date(2024, 4, 1), support_start=date(2024, 10, 1))
    values.update(kw)
    return Client(id=id, name=name, certificate=certificate, **values)


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize("raw", [
    "name,role,hours\n山田,supporter,40\n".encode("utf-8"),
    "\ufeffname,role,hours\n山田,supporter,40\n".encode("utf-8"),
    "name,role,hours\r\n山田,supporter,40\r\n".encode("cp932"),
])
def test_decode_utf8_bom_and_cp932(raw):
    assert csvio.decode(raw).replace("\r", "") == "name,role,hours\n山田,supporter,40\n"


def test_decode_cp932_only_characters():
    text = "髙橋,①,ﾊﾝｶｸ"  # 髙 and ① exist in CP932 (Excel), not in plain Shift_JIS
    assert csvio.decode(text.encode("cp932")) == text


def test_decode_refuses_other_encodings():
    with pytest.raises(InputError) as info:
        csvio.decode("山田".encode("utf-16"))
    assert info.value.key == "import.bad_encoding"
    with pytest.raises(InputError):
        csvio.decode(b"\xef\xbb\xbf\xff\xfe")


# ------------------------------------------------------------------ headers and the table


def test_header_order_free_spaces_and_missing_optional_columns():
    rows, problems = csvio.read_table(" hours , Name ,role\n 40 , 佐藤 ,supporter\n", "staff")
    assert problems == []
    assert rows == [(2, [" 佐藤 ", "supporter", " 40 ", "", "", ""])]  # SPEC order; the checks trim
    parsed, problems = csvio.parse_rows("staff", rows, AS_OF)
    assert (parsed, problems) == ([(2, Assignment(id=0, name="佐藤", role="supporter", hours=40))], [])


def test_header_problems_are_all_reported_on_line_1():
    _, problems = csvio.read_table("name,colour,name\n", "staff")
    assert messages(problems) == [(1, "colour", "import.unknown_column"), (1, "name", "import.duplicate_column"),
                                  (1, "role", "import.missing_column"), (1, "hours", "import.missing_column")]


def test_empty_file():
    _, problems = csvio.read_table("", "contacts")
    assert messages(problems) == [(1, "-", "import.empty")]


def test_line_numbers_follow_the_file_with_blank_rows_and_multiline_notes():
    text = CONTACT_HEADER + '\n\n1,2025-05-01,face,,,,,,"two\nlines"\n,,,,,,,,\n2,2025-05-02,face,,,,,,\n'
    rows, problems = csvio.read_table(text, "contacts")
    assert problems == []
    assert [(line, cells[0], cells[8]) for line, cells in rows] == [(3, "1", "two\nlines"), (6, "2", "")]


def test_too_many_values_and_blank_header_cells():
    rows, problems = csvio.read_table("name,role,hours,\n佐藤,supporter,40,\n鈴木,manager,40,x,y\n", "staff")
    assert [line for line, _ in rows] == [2]
    assert messages(problems) == [(3, "-", "import.too_many_values")]


# ------------------------------------------------------------------ rows


def parse(kind: str, text: str):
    rows, problems = csvio.read_table(text, kind)
    assert problems == []
    return csvio.parse_rows(kind, rows, AS_OF)


def test_client_row_in_every_date_form_with_full_width_digits():
    parsed, problems = parse("clients", CLIENT_HEADER + "\n"
                             " 山田 太郎 ,,,０１２３４５６７８９,R9.9.30,,mental＋physical,,令和6年4月1日,,,２０２４／１０／０１,,,\n")
    assert problems == []
    assert parsed == [(2, Client(id=0, name="山田 太郎", certificate="0123456789", grant_until=date(2027, 9, 30),
                                 disabilities=("physical", "mental"), employment_start=date(2024, 4, 1),
                                 support_start=date(2024, 10, 1)))]


def test_client_row_problems_name_their_column():
    parsed, problems = parse("clients", CLIENT_HEADER + "\n"
                             ",,,12345,,,flu,,2024-02-30,,,2024-10-01,,,\n"
                             "山田,,,,,,,,2024-04-01,,,2024-09-30,,,\n"
                             "田中,,,,,,,,2024-04-01,,,2024-10-01,2025-03-31,,\n"
                             "中村,,,,,,,,2024-04-01,,,2024-10-01,2025-09-01,other,\n")
    assert parsed == []
    assert messages(problems) == [
        (2, "name", "input.required"), (2, "certificate", "input.ten_digits"), (2, "disabilities", "input.bad_choice"),
        (2, "employment_start", "date.no_such_day"),
        (3, "support_start", "client.before_eligible"),
        (4, "end_reason", "input.required"),
        (5, "ended_on", "date.future"),
    ]


def test_contact_rows():
    parsed, problems = parse("contacts", CONTACT_HEADER + "\n"
                             "0123456789,R7.5.9,employer + face,佐藤,６０,workplace,attendance,,面談\n"
                             "1,2025-05-10,,,,,,,\n"
                             "1,2025-05-10,face,,-5,garden,,,\n")
    assert parsed == [csvio.ContactRow(2, "0123456789", date(2025, 5, 9), ("face", "employer"), "佐藤", 60,
                                       "workplace", ("attendance",), None, "面談")]
    assert messages(problems) == [(3, "types", "input.required"), (4, "minutes", "input.bad_minutes_format"),
                                  (4, "place", "input.bad_choice")]


def test_staff_rows():
    parsed, problems = parse("staff", "name,role,hours,from,until,reduced_hours\n"
                             "佐藤,Supporter,３７.５,2024-04-01,,はい\n"
                             "鈴木,boss,0,2025-04-01,2025-03-31,maybe\n"
                             "高橋,manager,40,2025-04-01,2025-03-31,\n")
    assert parsed == [(2, Assignment(id=0, name="佐藤", role="supporter", hours=37.5, from_date=date(2024, 4, 1),
                                     reduced_hours=True))]
    assert messages(problems) == [(3, "role", "input.bad_choice"), (3, "hours", "input.bad_hours"),
                                  (3, "reduced_hours", "import.bad_bool"), (4, "until", "staff.until_before_from")]


# ------------------------------------------------------------------ against the database (natural keys)


def test_clients_new_unchanged_conflicting_and_duplicated():
    existing = csvio.Existing(clients=[client(1), client(2, "小林", None, employer="あおば")])
    parsed = [
        (2, client(0)),                                            # same certificate, same values
        (3, client(0, employer="みどり製作所")),                     # same certificate again in the file
        (4, client(0, "小林", None, employer="あおば")),             # no certificate: name and dates
        (5, client(0, "小林", None, employer="さくら")),             # same key as line 4
        (6, client(0, "伊藤", "3456789012")),                       # new
        (7, client(0, "小林", "2345678901", employer="あおば")),     # #2 had no certificate: same person
    ]
    plan = csvio.plan_import("clients", parsed, existing, AS_OF)
    assert [c.name for c in plan.add] == ["伊藤"]
    assert plan.unchanged == 2
    assert messages(plan.problems) == [(3, "certificate", "import.duplicate_row"), (5, "name", "import.duplicate_row"),
                                       (7, "certificate", "import.conflict")]
    assert plan.problems[2].error.params == {"record": "#2", "columns": "certificate"}


def test_changed_client_is_a_conflict_naming_the_columns():
    existing = csvio.Existing(clients=[client(1)])
    plan = csvio.plan_import("clients", [(2, client(0, employer="新会社", note="x"))], existing, AS_OF)
    assert plan.add == [] and plan.unchanged == 0
    assert plan.problems[0].error.params == {"record": "#1", "columns": "employer, note"}


def contact_row(line, ref="0123456789", day=date(2025, 5, 9), types=("face",), staff="佐藤", note=None):
    return csvio.ContactRow(line, ref, day, types, staff, None, None, (), None, note)


def checked(rows, existing):
    problems = []
    return list(csvio.check_contacts(rows, existing, AS_OF, problems)), problems


def test_checked_contacts_are_the_values_the_database_compares():
    clients = [client(1)]
    staff = [Assignment(id=1, name="佐藤", role="supporter", hours=40)]
    rows = [contact_row(2), csvio.ContactRow(3, "#1", date(2025, 5, 10), ("face", "employer"), None, 30,
                                             "workplace", ("medication", "attendance"), None, "面談")]
    good, problems = checked(rows, csvio.Existing(clients=clients, assignments=staff))
    assert problems == []
    assert [dict(zip(csvio.CHECKED_COLUMNS, row)) for row in good] == [
        {"line": 2, "client_id": 1, "date": "2025-05-09", "face": 1, "employer": 0, "remote": 0, "agency": 0,
         "center": 0, "staff": "佐藤", "minutes": None, "place": None, "center_reason": None, "note": None,
         "concerns": None},
        {"line": 3, "client_id": 1, "date": "2025-05-10", "face": 1, "employer": 1, "remote": 0, "agency": 0,
         "center": 0, "staff": None, "minutes": 30, "place": "workplace", "center_reason": None, "note": "面談",
         "concerns": "attendance+medication"}]


def test_contact_problems():
    clients = [client(1), client(2, "同名", None), client(3, "同名", None)]
    staff = [Assignment(id=1, name="佐藤", role="supporter", hours=40)]
    rows = [contact_row(2, "99"), contact_row(3, "同名"), contact_row(4, staff="誰か"),
            contact_row(5, day=date(2024, 9, 30)), contact_row(6, day=date(2025, 8, 2)),
            contact_row(7, types=("center",)), contact_row(8, "#1"), contact_row(9, "山田 太郎")]
    good, problems = checked(rows, csvio.Existing(clients=clients, assignments=staff))
    assert messages(problems) == [(2, "client", "client.unknown"), (3, "client", "client.ambiguous"),
                                  (4, "staff", "staff.unknown"), (5, "date", "contact.outside_service"),
                                  (6, "date", "date.future"), (7, "center_reason", "contact.center_reason_required")]
    assert [(row[0], row[1]) for row in good] == [(8, 1), (9, 1)]


def test_problems_are_kept_compactly_and_listed_in_line_order():
    problems = csvio.Problems()
    for line in range(10, 0, -1):
        problems.append(csvio.Problem(line, "client", InputError("client.unknown", ref="x")))
    problems.append(csvio.Problem(3, "date", InputError("date.future", value="2026-01-01", as_of="2025-08-01")))
    assert len(problems) == 11 and len(problems._distinct) == 2
    assert messages(problems)[:4] == [(1, "client", "client.unknown"), (2, "client", "client.unknown"),
                                      (3, "client", "client.unknown"), (3, "date", "date.future")]
    described = []
    listed = problems.listed(lambda column, error: described.append(column) or (column.upper(), error.key))
    assert described == ["client", "date"]  # once per distinct problem
    assert len(listed) == 11 and list(listed) == list(listed)  # read as often as needed (RowErrors reads twice)
    assert list(listed)[2:4] == [(3, "CLIENT", "client.unknown"), (3, "DATE", "date.future")]


def test_staff_same_key_other_hours_is_a_conflict():
    existing = csvio.Existing(assignments=[Assignment(id=4, name="佐藤", role="supporter", hours=40)])
    parsed = [(2, Assignment(id=0, name="佐藤", role="supporter", hours=32)),
              (3, Assignment(id=0, name="佐藤", role="manager", hours=8)),
              (4, Assignment(id=0, name="佐藤", role="manager", hours=8))]
    plan = csvio.plan_import("staff", parsed, existing, AS_OF)
    assert messages(plan.problems) == [(2, "name", "import.conflict"), (4, "name", "import.duplicate_row")]
    assert plan.problems[0].error.params == {"record": "#4", "columns": "hours"}
    assert [a.role for a in plan.add] == ["manager"]


# ------------------------------------------------------------------ export


def test_client_refs_prefer_certificate_then_unique_name_then_id():
    clients = [client(1), client(2, "小林", None), client(3, "同名", None), client(4, "同名", None),
               client(5, "12345", None)]
    assert csvio.client_refs(clients) == {1: "0123456789", 2: "小林", 3: "3", 4: "4", 5: "5"}


def test_export_rows_in_spec_order():
    contact = Contact(id=1, client_id=1, date=date(2025, 5, 9), types=("face", "employer"), minutes=60,
                      concerns=("attendance", "medication"))
    rows = list(csvio.export_rows("contacts", [contact], {1: "0123456789"}))
    assert rows == [list(csvio.HEADERS["contacts"]),
                    ["0123456789", "2025-05-09", "face+employer", "", "60", "", "attendance+medication", "", ""]]
    assert "".join(csvio.csv_chunks(rows, size=1)) == (
        CONTACT_HEADER + "\r\n0123456789,2025-05-09,face+employer,,60,,attendance+medication,,\r\n")


@pytest.mark.parametrize("hours,text", [(40.0, "40"), (37.5, "37.5"), (0.1, "0.1"), (12.3456789, "12.3456789")])
def test_format_hours_reads_back_exactly(hours, text):
    assert csvio.format_hours(hours) == text
    assert float(text) == hours


def test_pseudonyms_are_stable_one_way_and_keep_files_consistent():
    one, same, other = csvio.Pseudonyms(b"k" * 32), csvio.Pseudonyms(b"k" * 32), csvio.Pseudonyms(b"x" * 32)
    original = client(1, note="電話あり", staff="佐藤", kana="ヤマダ", employer="みどり")
    hidden = one.client(original)
    assert hidden == same.client(original)
    assert hidden != other.client(original)
    assert hidden.name.startswith("P-") and len(hidden.name) == 14
    assert hidden.certificate.isdigit() and len(hidden.certificate) == 10 and hidden.certificate != "0123456789"
    for value in ("山田 太郎", "ヤマダ", "みどり", "佐藤", "電話あり", "0123456789"):
        assert value not in repr(hidden)
    assert hidden.staff == one.assignment(Assignment(id=1, name="佐藤", role="supporter", hours=40)).name
    assert (hidden.support_start, hidden.employment_start) == (original.support_start, original.employment_start)
    assert one.text("note", None) is None and one.certificate(None) is None


def test_pseudonym_certificates_never_collide():
    hide = csvio.Pseudonyms(b"s" * 32)
    numbers = {hide.certificate(f"{i:010d}") for i in range(3000)}
    assert len(numbers) == 3000


# ------------------------------------------------------------------ files for people: Japanese headers, labels, Excel


def test_japanese_headers_mixed_with_english_ones():
    text = "氏名, 役割 ,hours,開始日,ＵＮＴＩＬ,短時間勤務\n佐藤,サビ管,40,2024-04-01,,はい\n"
    rows, problems = csvio.read_table(text, "staff")
    assert problems == []
    parsed, problems = csvio.parse_rows("staff", rows, AS_OF)
    assert (parsed, problems) == ([(2, Assignment(id=0, name="佐藤", role="manager", hours=40,
                                                  from_date=date(2024, 4, 1), reduced_hours=True))], [])


def test_every_japanese_header_is_read():
    for kind in csvio.KINDS:
        rows, problems = csvio.read_table(",".join(csvio.HEADERS_JA[kind]) + "\n", kind)
        assert (rows, problems) == ([], []), kind
        assert len(csvio.HEADERS_JA[kind]) == len(csvio.HEADERS[kind])


def test_labels_in_cells():
    text = ("利用者,日付,支援内容,場所,気になる兆候,センター連携理由\n"
            "1,2025-05-09,対面支援＋企業訪問,職場,遅刻・欠勤+服薬,\n"
            "1,2025-05-10,支援センター,,,チーム支援\n")
    rows, problems = csvio.read_table(text, "contacts")
    parsed, problems = csvio.parse_rows("contacts", rows, AS_OF)
    assert problems == []
    assert [(r.types, r.place, r.concerns, r.center_reason) for r in parsed] == [
        (("face", "employer"), "workplace", ("attendance", "medication"), None),
        (("center",), None, (), "team-support")]


def test_the_excel_prefix_is_removed_on_import():
    text = "name,role,hours\n'=1+2,supporter,40\n'@x,manager,40\n''-1,supporter,40\n'plain,supporter,40\n"
    rows, problems = csvio.read_table(text, "staff")
    assert problems == []
    assert [cells[0] for _, cells in rows] == ["=1+2", "@x", "'-1", "'plain"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_excel_export_rows(lang):
    clients = [client(name="=1+2", disabilities=("mental", "developmental"), prior_service="transition",
                      note="'=x", ended_on=date(2025, 6, 1), end_reason="period-end")]
    header, row = list(csvio.export_rows("clients", clients, excel=True, lang=lang))
    values = dict(zip(csvio.HEADERS["clients"], row))
    assert values["name"] == "'=1+2" and values["note"] == "''=x"
    if lang == "ja":
        assert header[:3] == ["氏名", "フリガナ", "就職先"]
        assert (values["disabilities"], values["prior_service"], values["end_reason"]) == (
            "精神障害+発達障害", "就労移行支援", "期間満了")
    else:
        assert header == list(csvio.HEADERS["clients"])
        assert (values["disabilities"], values["prior_service"]) == ("mental+developmental", "transition")
    plain = list(csvio.export_rows("clients", clients))
    assert dict(zip(plain[0], plain[1]))["name"] == "=1+2"  # plain CSV: no prefix
    assert dict(zip(plain[0], plain[1]))["note"] == "''=x"  # ... but a value that would lose its ' keeps it
    staff = [Assignment(id=1, name="佐藤", role="supporter", hours=40, reduced_hours=True)]
    assert list(csvio.export_rows("staff", staff, excel=True, lang="ja"))[1][1:] == [
        "就労定着支援員", "40", "", "", "はい"]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("excel", [False, True])
def test_export_rows_read_back_as_the_same_records(lang, excel):
    clients = [client(id=1, name="@山田", note="-メモ\n二行目", disabilities=("physical", "intractable-disease"),
                      prior_service="continuation-a", employer="'=株式会社"),
               client(id=2, name="田中", certificate="1234567890", ended_on=date(2025, 6, 1), end_reason="job-loss",
                      kana="+タナカ")]
    text = "".join(csvio.csv_chunks(csvio.export_rows("clients", clients, excel=excel, lang=lang)))
    rows, problems = csvio.read_table(text, "clients")
    parsed, problems = csvio.parse_rows("clients", rows, AS_OF)
    assert problems == []
    assert [c for _, c in parsed] == [replace(c, id=0) for c in clients]
    contacts = [Contact(id=0, client_id=1, date=date(2025, 5, 9), types=("face", "remote", "center"), staff="=佐藤",
                        place="office", concerns=("work-accuracy", "communication", "other"),
                        center_reason="group-program", note="@note")]
    text = "".join(csvio.csv_chunks(csvio.export_rows("contacts", contacts, {1: "0123456789"}, excel=excel,
                                                      lang=lang)))
    rows, problems = csvio.read_table(text, "contacts")
    parsed, problems = csvio.parse_rows("contacts", rows, AS_OF)
    assert problems == []
    assert [(r.types, r.staff, r.place, r.concerns, r.center_reason, r.note) for r in parsed] == [
        (("face", "remote", "center"), "=佐藤", "office", ("work-accuracy", "communication", "other"),
         "group-program", "@note")]


# ------------------------------------------------------------------ limits (SPEC §8): refused with the line number


def _read_bytes(data: bytes, kind: str = "staff"):
    import io

    return csvio.read_table(io.BytesIO(data), kind)


def test_a_file_cut_inside_a_quoted_field():
    text = 'name,role,hours\n佐藤,supporter,40\n"鈴木\n一郎,manager,40\n'
    _, problems = csvio.read_table(text, "staff")
    assert messages(problems) == [(3, "-", "import.cut_in_quotes")]
    _, problems = _read_bytes(text.encode("utf-8"))
    assert messages(problems) == [(3, "-", "import.cut_in_quotes")]
    _, problems = _read_bytes(b'name,role,hours\n"x,supporter,40')  # no line end at all
    assert messages(problems) == [(2, "-", "import.cut_in_quotes")]


def test_quoted_fields_that_close_are_fine_even_at_the_very_end():
    for text in ('name,role,hours\n"佐藤\n花子",supporter,40', 'name,role,hours\n"佐藤",supporter,"40"\n',
                 'name,role,hours\n佐藤,supporter,40\n\n', "name,role,hours\r\n佐藤,supporter,40\r\n"):
        rows, problems = csvio.read_table(text, "staff")
        assert problems == [] and len(rows) == 1, text


def test_a_header_over_100_columns():
    header = ",".join(f"c{i}" for i in range(101))
    _, problems = csvio.read_table(header + "\n", "staff")
    assert messages(problems) == [(1, "-", "import.too_many_columns")]
    assert problems[0].error.params == {"count": 101, "limit": 100}
    header = "\n\n" + ",".join(["name", "role", "hours"] + [""] * 97) + "\n"  # 100 is fine
    assert csvio.read_table(header, "staff")[1] == []


def test_a_million_column_header_is_refused_at_once():
    import time

    data = (",".join(["x"] * 1_000_000) + "\n佐藤,supporter,40\n").encode()
    start = time.perf_counter()
    _, problems = _read_bytes(data)
    assert time.perf_counter() - start < 2
    assert len(problems) == 1 and problems[0].line == 1, messages(problems)


def test_a_line_over_64_kib():
    long_name = "x" * (65 * 1024)
    _, problems = _read_bytes(f"name,role,hours\n佐藤,supporter,40\n{long_name},supporter,40\n".encode())
    assert messages(problems) == [(3, "-", "import.line_too_long")]
    # Measured in bytes: 21,846 kanji are 65,538 bytes of UTF-8.
    _, problems = _read_bytes(f"name,role,hours\n{'山' * 21846},supporter,40\n".encode())
    assert messages(problems) == [(2, "-", "import.line_too_long")]
    rows, problems = _read_bytes(f"name,role,hours\n{'山' * 21000},supporter,40\n".encode())
    assert problems == [] and len(rows) == 1
    # A line longer than a read chunk, without any line end.
    _, problems = _read_bytes(b"name,role,hours\n" + b"y" * (3 * csvio.CHUNK))
    assert messages(problems) == [(2, "-", "import.line_too_long")]


def test_a_value_over_the_field_limit_spread_over_lines():
    value = "\n".join(["z" * 1000] * 70)  # 70 short lines inside one quoted value
    _, problems = csvio.read_table(f'name,role,hours\n"{value}",supporter,40\n', "staff")
    assert messages(problems) == [(2, "-", "import.field_too_long")]
    import csv as csv_module

    assert csv_module.field_size_limit() == 131072  # the module's limit is left as it was


def test_line_numbers_across_read_chunks(monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK", 7)  # every line is cut by the chunks, CR LF pairs too
    text = 'name,role,hours\r\n佐藤,supporter,40\r\n"鈴木\r\n一郎",manager,x\r\n高橋,boss,40\r\n'
    rows, problems = _read_bytes(text.encode("utf-8"))
    assert problems == []
    assert [(line, cells[0]) for line, cells in rows] == [(2, "佐藤"), (3, "鈴木\r\n一郎"), (5, "高橋")]
    rows, problems = _read_bytes(text.encode("cp932"))
    assert [(line, cells[0]) for line, cells in rows] == [(2, "佐藤"), (3, "鈴木\r\n一郎"), (5, "高橋")]


def test_workbooks_and_other_files_that_are_not_csv():
    for data in (b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"):
        with pytest.raises(InputError) as info:
            _read_bytes(data)
        assert info.value.key == "import.excel_workbook"
    with pytest.raises(InputError) as info:
        _read_bytes("name,role,hours\n".encode("utf-16"))
    assert info.value.key == "import.bad_encoding"
    with pytest.raises(InputError) as info:
        _read_bytes(b"name,role,hours\n\xe5\xb1\xb1\x00\n")
    assert info.value.key == "import.bad_encoding"
