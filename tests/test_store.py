"""The database file: path resolution, creation modes, refusal of foreign/newer/garbage files, transactions."""

import os
import sqlite3
import stat
from datetime import date

import pytest

from teikan_cli.errors import DatabaseError, InputError, NotFoundError
from teikan_cli.migrations import APPLICATION_ID, SCHEMA_VERSION
from teikan_cli.models import Client, Contact
from teikan_cli.store import open_store, resolve_path

AS_OF = "--as-of=2025-06-01"


def snapshot(path):
    """Bytes of the file and of its -wal/-shm companions (None when absent)."""
    return tuple(_read(str(path) + suffix) for suffix in ("", "-wal", "-shm"))


def _read(name):
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def make_client(name="山田 太郎", certificate=None, start=date(2024, 10, 1)):
    return Client(id=0, name=name, employment_start=date(2024, 4, 1), support_start=start, certificate=certificate)


# ------------------------------------------------------------------ path


def test_resolve_path_order(monkeypatch, tmp_path):
    monkeypatch.setenv("TEIKAN_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_path(str(tmp_path / "opt.db")) == tmp_path / "opt.db"
    assert resolve_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("TEIKAN_DB")
    assert resolve_path(None) == tmp_path / "xdg" / "teikan" / "teikan.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_path(None) == tmp_path / "home" / ".local" / "share" / "teikan" / "teikan.db"


def test_global_db_option_wins_over_the_environment(cli, tmp_path, db_path):
    other = tmp_path / "other.db"
    r = cli("--db", str(other), "init", "--office-name", "別の事業所", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    assert other.exists() and not db_path.exists()


# ------------------------------------------------------------------ missing, new


@pytest.mark.parametrize("command", [["clients"], ["visits"], ["show-client", "1"], ["staff"]])
def test_read_command_on_a_missing_database_creates_nothing(cli, tmp_path, command):
    target = tmp_path / "new" / "deeper" / "teikan.db"
    r = cli("--db", str(target), *command, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {target} (run 'teikan init' first)\n"
    assert not (tmp_path / "new").exists()


def test_default_location_is_not_created_by_a_read(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("TEIKAN_DB")
    r = cli("clients", AS_OF)
    assert r.exit_code == 2
    assert r.stderr == f"Error: no database at {tmp_path / 'xdg' / 'teikan' / 'teikan.db'} (run 'teikan init' first)\n"
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize("command", [["log-visit", "1", "--type", "face"], ["end-client", "1", "--date", "2025-05-01",
                                                                          "--reason", "other"],
                                     ["edit-client", "1", "--kana", "ヤマダ"], ["plan", "1", "--date", "2025-05-01"],
                                     ["handover", "1", "--center", "センター"],
                                     ["share-report", "1", "--month", "2025-05"]])
def test_write_command_about_a_client_does_not_create_a_database(cli, tmp_path, command):
    target = tmp_path / "new" / "teikan.db"
    r = cli("--db", str(target), *command, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: no database at {target} (run 'teikan init' first)\n"
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("command", [
    ["init", "--office-number", "123"],
    ["add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-09-30"],
    ["add-staff", "佐藤", "--role", "driver", "--hours", "40"],
])
def test_bad_write_on_a_missing_database_creates_nothing(cli, tmp_path, command):
    target = tmp_path / "new" / "teikan.db"
    r = cli("--db", str(target), *command, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1
    assert not (tmp_path / "new").exists()


def test_new_file_is_0600_in_a_new_0700_folder(cli, tmp_path):
    target = tmp_path / "office" / "data" / "teikan.db"
    r = cli("--db", str(target), "init", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"office saved: - (database {target})\n", "")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target.parent.parent).st_mode) == 0o700


def test_existing_folder_keeps_its_mode(cli, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    assert cli("--db", str(folder / "t.db"), "init", AS_OF).exit_code == 0
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(folder / "t.db").st_mode) == 0o600


def test_new_database_has_schema_pragmas_and_marks(db_path):
    store = open_store(db_path, create=True)
    conn = store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"office", "clients", "client_disabilities", "contacts", "contact_concerns", "people",
                      "staff_assignments", "plans", "plan_cooperation", "plan_deliveries", "plan_items", "monitorings",
                      "handovers", "shared_reports", "shared_report_recipients", "audit", "secrets",
                      "sqlite_sequence"}
    store.close()


def test_certificate_is_text_with_its_leading_zero(db_path):
    store = open_store(db_path, create=True)
    with store.write():
        store.insert_client(make_client(certificate="0012345678"))
    assert store.conn.execute("SELECT typeof(certificate), certificate FROM clients").fetchone() == ("text", "0012345678")
    store.close()


def test_check_constraints_refuse_unknown_codes(db_path):
    store = open_store(db_path, create=True)
    with store.write():
        client_id = store.insert_client(make_client())
    with pytest.raises(InputError) as info:
        with store.write():
            store.insert_contact(Contact(id=0, client_id=client_id, date=date(2025, 5, 1), types=("visit",)))
    assert info.value.key == "db.constraint"
    assert store.conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == 0  # no half-written contact
    with pytest.raises(InputError):
        with store.write():
            store.insert_contact(Contact(id=0, client_id=999, date=date(2025, 5, 1), types=("face",)))
    store.close()


def test_a_failed_transaction_leaves_no_partial_rows(db_path):
    store = open_store(db_path, create=True)
    before = list(store.conn.iterdump())
    with pytest.raises(RuntimeError):
        with store.write():
            store.insert_client(make_client())
            raise RuntimeError("stop half way")
    assert list(store.conn.iterdump()) == before
    assert not store.conn.in_transaction
    store.close()


def test_an_empty_file_is_not_read_but_a_write_initialises_it(cli, db_path):
    db_path.write_bytes(b"")
    r = cli("clients", AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: {db_path} is empty, not a teikan database yet (run 'teikan init')\n"
    assert db_path.read_bytes() == b""
    assert cli("init", AS_OF).exit_code == 0
    assert cli("clients", AS_OF).exit_code == 0


# ------------------------------------------------------------------ refusal, byte for byte


def _garbage(path):
    path.write_bytes(b"this is my shopping list, not a database\n" * 50)


def _foreign(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('カレー')")
    conn.commit()
    conn.close()


def _foreign_with_app_id(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _newer(path):
    store = open_store(path, create=True)
    with store.write():
        store.insert_client(make_client())
    store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()


def _corrupt_sqlite(path):
    _newer(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_garbage, "{path} is not a teikan database; left untouched"),
        (_foreign, "{path} is not a teikan database; left untouched"),
        (_foreign_with_app_id, "{path} is not a teikan database; left untouched"),
        (_newer, "{path} was written by a newer teikan (schema %d, this one knows %d); left untouched"
         % (SCHEMA_VERSION + 1, SCHEMA_VERSION)),
        (_corrupt_sqlite, "{path} is not a teikan database; left untouched"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["clients"],
        ["show-client", "1"],
        ["init", "--office-name", "X"],
        ["add-client", "鈴木 花子", "--employment-start", "2024-04-01", "--support-start", "2024-10-01"],
        ["log-visit", "1", "--type", "face", "--date", "2025-05-01"],
    ],
)
def test_foreign_newer_or_garbage_files_are_refused_untouched(cli, db_path, make, message, command):
    make(db_path)
    before = snapshot(db_path)
    r = cli(*command, AS_OF)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: " + message.format(path=db_path) + "\n"
    assert snapshot(db_path) == before


def test_a_directory_is_not_a_database(cli, db_path):
    db_path.mkdir()
    r = cli("init", AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: {db_path} is not a teikan database; left untouched\n")


def test_an_older_schema_is_migrated(db_path):
    # version 0 with the teikan mark and no tables: the state right after the file is created.
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()
    store = open_store(db_path, create=False)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


# ------------------------------------------------------------------ CLIENT resolution


@pytest.fixture
def three(db_path):
    store = open_store(db_path, create=True)
    with store.write():
        store.insert_client(make_client("山田 太郎", "0123456789"))
        store.insert_client(make_client("佐藤 花子", "1234567890"))
        store.insert_client(make_client("佐藤 花子", None))
    yield store
    store.close()


@pytest.mark.parametrize(
    ("ref", "client_id"),
    [
        ("1", 1), ("2", 2), ("#3", 3), ("＃３", 3), ("３", 3), (" 2 ", 2),
        ("0123456789", 1), ("０１２３４５６７８９", 1), ("1234567890", 2),
        ("山田 太郎", 1), ("山田　太郎", 1),
    ],
)
def test_find_client(three, ref, client_id):
    assert three.find_client(ref).id == client_id


@pytest.mark.parametrize("ref", ["4", "0000000001", "#0123456789", "山田", "山田太郎", "", "9" * 30])
def test_find_client_unknown(three, ref):
    with pytest.raises(NotFoundError) as info:
        three.find_client(ref)
    assert info.value.key == "client.unknown"


def test_find_client_ambiguous_name(three):
    with pytest.raises(InputError) as info:
        three.find_client("佐藤 花子")
    assert info.value.message() == "'佐藤 花子' matches several clients (#2, #3); give the id or the certificate number ('teikan clients' tells them apart)"


def test_find_client_by_name_ignores_width_and_space_variants(db_path):
    store = open_store(db_path, create=True)
    with store.write():
        store.insert_client(make_client("山田　太郎"))  # full-width space, as often typed
        store.insert_client(make_client("ﾔﾏﾀﾞ ｼﾞﾛｳ"))  # half-width katakana
    assert store.find_client("山田 太郎").id == 1
    assert store.find_client("山田  太郎").id == 1
    assert store.find_client("ヤマダ ジロウ").id == 2
    with pytest.raises(NotFoundError):
        store.find_client("山田太郎")  # a different name, not a spacing variant
    store.close()


def test_record_span(three):
    assert three.record_span(1) is None
    with three.write():
        three.insert_contact(Contact(id=0, client_id=1, date=date(2025, 2, 3), types=("face",)))
        three.insert_contact(Contact(id=0, client_id=1, date=date(2024, 11, 5), types=("remote",)))
    assert three.record_span(1) == (date(2024, 11, 5), date(2025, 2, 3))
    assert three.record_span(2) is None


def test_missing_database_error_names_the_path(tmp_path):
    with pytest.raises(DatabaseError) as info:
        open_store(tmp_path / "none.db", create=False)
    assert info.value.key == "db.missing"
    assert not (tmp_path / "none.db").exists()


def test_month_counts_are_exact_for_a_busy_client(db_path):
    """Thousands of contacts of one client in a month are counted exactly, type by type."""
    from teikan_cli.models import Contact

    store = open_store(db_path, create=True)
    with store.write():
        busy = store.insert_client(Client(id=0, name="多忙", employment_start=date(2024, 1, 1),
                                          support_start=date(2024, 8, 1)))
        quiet = store.insert_client(Client(id=0, name="通常", employment_start=date(2024, 1, 1),
                                           support_start=date(2024, 8, 1)))
        day = date(2025, 6, 10)
        store.insert_contacts_bulk(
            [Contact(id=0, client_id=busy, date=day, types=("face", "remote")) for _ in range(4099)]
            + [Contact(id=0, client_id=busy, date=day, types=("employer", "center"), center_reason="advice")] * 2
            + [Contact(id=0, client_id=quiet, date=day, types=("face", "employer", "remote", "agency"))] * 7)
    activity = store.month_activity(date(2025, 6, 1), date(2025, 6, 30))
    assert activity[busy][:5] == (4099, 2, 4099, 0, 2)
    assert activity[quiet][:5] == (7, 7, 7, 7, 0)
    assert len(activity[busy].center_contacts) == 2 and type(activity[quiet]).__name__ == "MonthActivity"
