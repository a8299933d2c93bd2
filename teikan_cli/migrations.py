"""The schema, append-only. Each migration runs in the caller's transaction with the version bump.

`PRAGMA user_version` records the schema version; `PRAGMA application_id` marks a teikan file so that
another program's SQLite database is refused instead of being altered.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x7465696B  # "teik"


def _enum(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"CHECK ({column} IN ({quoted}))"


def m001_initial(conn: sqlite3.Connection) -> None:
    from .models import CENTER_REASONS, CONCERNS, CONTACT_TYPES, DISABILITIES, END_REASONS, PLACES, PRIOR_SERVICES, ROLES

    iso = "CHECK ({0} IS NULL OR ({0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'))"
    _run(
        conn,
        f"""
        CREATE TABLE office (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT,
            number TEXT CHECK (number IS NULL OR (length(number) = 10 AND number NOT GLOB '*[^0-9]*')),
            fulltime_hours REAL NOT NULL DEFAULT 40 CHECK (fulltime_hours > 0 AND fulltime_hours <= 168),
            opened TEXT {iso.format('opened')},
            rate_tier INTEGER CHECK (rate_tier IS NULL OR rate_tier BETWEEN 1 AND 7)
        );
        CREATE TABLE clients (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) > 0),
            kana TEXT,
            employer TEXT,
            certificate TEXT UNIQUE
                CHECK (certificate IS NULL OR (length(certificate) = 10 AND certificate NOT GLOB '*[^0-9]*')),
            grant_until TEXT {iso.format('grant_until')},
            staff TEXT,
            prior_service TEXT CHECK (prior_service IS NULL OR prior_service IN ({", ".join(f"'{v}'" for v in PRIOR_SERVICES)})),
            employment_start TEXT NOT NULL {iso.format('employment_start')},
            interim_support_end TEXT {iso.format('interim_support_end')},
            employment_end TEXT {iso.format('employment_end')},
            job_change TEXT {iso.format('job_change')},
            reemployed TEXT {iso.format('reemployed')},
            support_start TEXT NOT NULL {iso.format('support_start')},
            ended_on TEXT {iso.format('ended_on')},
            end_reason TEXT CHECK (end_reason IS NULL OR end_reason IN ({", ".join(f"'{v}'" for v in END_REASONS)})),
            note TEXT,
            CHECK ((ended_on IS NULL) = (end_reason IS NULL))
        );
        CREATE INDEX clients_name ON clients (name);
        CREATE INDEX clients_period ON clients (support_start, ended_on);
        CREATE TABLE client_disabilities (
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            kind TEXT NOT NULL {_enum('kind', DISABILITIES)},
            PRIMARY KEY (client_id, kind)
        ) WITHOUT ROWID;
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            date TEXT NOT NULL {iso.format('date')},
            staff TEXT,
            minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
            place TEXT CHECK (place IS NULL OR place IN ({", ".join(f"'{v}'" for v in PLACES)})),
            center_reason TEXT CHECK (center_reason IS NULL OR center_reason IN ({", ".join(f"'{v}'" for v in CENTER_REASONS)})),
            note TEXT
        );
        CREATE INDEX contacts_date ON contacts (date, client_id);
        CREATE INDEX contacts_client ON contacts (client_id, date);
        CREATE TABLE contact_types (
            contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
            type TEXT NOT NULL {_enum('type', CONTACT_TYPES)},
            PRIMARY KEY (contact_id, type)
        ) WITHOUT ROWID;
        CREATE TABLE contact_concerns (
            contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
            concern TEXT NOT NULL {_enum('concern', CONCERNS)},
            PRIMARY KEY (contact_id, concern)
        ) WITHOUT ROWID;
        CREATE TABLE staff_assignments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) > 0),
            role TEXT NOT NULL {_enum('role', ROLES)},
            hours REAL NOT NULL CHECK (hours > 0 AND hours <= 168),
            from_date TEXT {iso.format('from_date')},
            until_date TEXT {iso.format('until_date')},
            reduced_hours INTEGER NOT NULL DEFAULT 0 CHECK (reduced_hours IN (0, 1)),
            CHECK (from_date IS NULL OR until_date IS NULL OR from_date <= until_date)
        );
        CREATE INDEX staff_name ON staff_assignments (name);
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            date TEXT NOT NULL {iso.format('date')},
            UNIQUE (client_id, date)
        );
        CREATE TABLE plan_cooperation (
            plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            reason TEXT NOT NULL {_enum('reason', CENTER_REASONS)},
            PRIMARY KEY (plan_id, reason)
        ) WITHOUT ROWID;
        CREATE TABLE handovers (
            client_id INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
            center TEXT,
            consent_date TEXT {iso.format('consent_date')},
            shared_date TEXT {iso.format('shared_date')},
            not_needed INTEGER NOT NULL DEFAULT 0 CHECK (not_needed IN (0, 1)),
            note TEXT
        );
        CREATE TABLE shared_reports (
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
            date TEXT NOT NULL {iso.format('date')},
            PRIMARY KEY (client_id, month)
        ) WITHOUT ROWID;
        CREATE INDEX shared_reports_month ON shared_reports (month, client_id);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,
            client_id INTEGER,
            record TEXT,
            detail TEXT
        );
        CREATE INDEX audit_client ON audit (client_id, id);
        """
    )


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: `executescript` would COMMIT the caller's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def m002_secrets(conn: sqlite3.Connection) -> None:
    """A random per-database secret for `export --pseudonymize` (HMAC key; never exported)."""
    conn.execute("CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL CHECK (length(value) >= 32))")
    conn.execute("INSERT INTO secrets (name, value) VALUES ('pseudonym', randomblob(32))")


def m003_contact_kinds(conn: sqlite3.Connection) -> None:
    """`contacts.kinds`: the contact's types as bits (face 1, employer 2, remote 4, agency 8, center 16), kept
    beside `contact_types` (which stays the record) so that a month's counts are one covering-index range read
    instead of a join per contact (SPEC §9: `report`/`check` under 1 s at national scale). The store writes
    both in the same statement batch; `doctor` checks that they agree."""
    conn.execute("ALTER TABLE contacts ADD COLUMN kinds INTEGER NOT NULL DEFAULT 0 CHECK (kinds BETWEEN 0 AND 31)")
    conn.execute(
        "UPDATE contacts SET kinds = (SELECT COALESCE(SUM(CASE type WHEN 'face' THEN 1 WHEN 'employer' THEN 2 "
        "WHEN 'remote' THEN 4 WHEN 'agency' THEN 8 WHEN 'center' THEN 16 END), 0) "
        "FROM contact_types t WHERE t.contact_id = contacts.id)"
    )
    conn.execute("CREATE INDEX contacts_month ON contacts (date, client_id, kinds)")
    conn.execute("DROP INDEX contacts_date")  # a prefix of contacts_month: one index less to keep on import


def m004_shared_reports_by_month(conn: sqlite3.Connection) -> None:
    """`shared_reports_month` covers (month, client_id, date): the month's shared reports as known on a day are
    one index range read, without a lookup per report (SPEC §9)."""
    conn.execute("DROP INDEX shared_reports_month")
    conn.execute("CREATE INDEX shared_reports_month ON shared_reports (month, client_id, date)")


# ------------------------------------------------------------------ round 3 (issues 14–19)
#
# The migrations below rebuild tables (the SQLite 12-step way: create, copy, drop, rename), so they run with
# foreign keys off; `migrate` checks every reference before the transaction commits.

_ISO = "CHECK ({0} IS NULL OR ({0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'))"


def _iso(column: str) -> str:
    return _ISO.format(column)


def _register_name_key(conn: sqlite3.Connection) -> None:
    from .names import name_key

    conn.create_function("teikan_name_key", 1, name_key, deterministic=True)


def m005_staff_as_people(conn: sqlite3.Connection, notes: list) -> None:
    """Staff are people (SPEC §12): one `people` row per normalised name, assignments belong to a person and can
    be ended or deleted (kept, marked, counted nowhere). Names that normalise alike become one person: said in
    `notes` (the run prints them)."""
    _register_name_key(conn)
    spellings: dict[str, set[str]] = {}
    for (name,) in conn.execute("SELECT name FROM staff_assignments ORDER BY id"):
        spellings.setdefault(_key(name), set()).add(name)
    for key, names in spellings.items():
        if len(names) > 1:
            notes.append(("migration.staff_merged", {"names": " / ".join(sorted(names)), "name": key}))
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (length(name) > 0))")
    conn.executemany("INSERT INTO people (name) VALUES (?)", [(key,) for key in spellings])
    conn.execute(f"""
        CREATE TABLE staff_assignments_new (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            role TEXT NOT NULL CHECK (role IN ('supporter', 'manager')),
            hours REAL NOT NULL CHECK (hours > 0 AND hours <= 168),
            from_date TEXT {_iso('from_date')},
            until_date TEXT {_iso('until_date')},
            reduced_hours INTEGER NOT NULL DEFAULT 0 CHECK (reduced_hours IN (0, 1)),
            deleted_at TEXT,
            deleted_reason TEXT,
            CHECK (from_date IS NULL OR until_date IS NULL OR from_date <= until_date),
            CHECK ((deleted_at IS NULL) = (deleted_reason IS NULL))
        )""")
    conn.execute(
        "INSERT INTO staff_assignments_new (id, person_id, role, hours, from_date, until_date, reduced_hours) "
        "SELECT a.id, p.id, a.role, a.hours, a.from_date, a.until_date, a.reduced_hours FROM staff_assignments a "
        "JOIN people p ON p.name = teikan_name_key(a.name)")
    conn.execute("DROP TABLE staff_assignments")
    conn.execute("ALTER TABLE staff_assignments_new RENAME TO staff_assignments")
    conn.execute("CREATE INDEX staff_person ON staff_assignments (person_id)")


def _key(name: str) -> str:
    from .names import name_key

    return name_key(name) or name


def m006_contact_types_as_columns(conn: sqlite3.Connection, notes: list) -> None:
    """A contact's types are five 0/1 columns of `contacts`, the one record of them (`contact_types` and the
    `kinds` bits it was copied into are gone); `shareable` (SPEC §11: notes the employer may read) and the
    deletion mark of `delete-visit` (SPEC §12: kept, counted nowhere). Staff names normalised (SPEC §3).
    The month's counts are one range read of the partial covering index `contacts_month`."""
    _register_name_key(conn)
    conn.execute(f"""
        CREATE TABLE contacts_new (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            date TEXT NOT NULL {_iso('date')},
            face INTEGER NOT NULL DEFAULT 0 CHECK (face IN (0, 1)),
            employer INTEGER NOT NULL DEFAULT 0 CHECK (employer IN (0, 1)),
            remote INTEGER NOT NULL DEFAULT 0 CHECK (remote IN (0, 1)),
            agency INTEGER NOT NULL DEFAULT 0 CHECK (agency IN (0, 1)),
            center INTEGER NOT NULL DEFAULT 0 CHECK (center IN (0, 1)),
            staff TEXT,
            minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
            place TEXT CHECK (place IS NULL OR place IN ('home', 'workplace', 'office', 'other')),
            center_reason TEXT CHECK (center_reason IS NULL OR center_reason IN ('advice', 'team-support', 'group-program')),
            note TEXT,
            shareable INTEGER NOT NULL DEFAULT 0 CHECK (shareable IN (0, 1)),
            deleted_at TEXT,
            deleted_reason TEXT,
            CHECK (face + employer + remote + agency + center > 0),
            CHECK ((center = 1) = (center_reason IS NOT NULL)),
            CHECK ((deleted_at IS NULL) = (deleted_reason IS NULL))
        )""")
    has = "EXISTS (SELECT 1 FROM contact_types t WHERE t.contact_id = c.id AND t.type = '{}')".format
    conn.execute(
        "INSERT INTO contacts_new (id, client_id, date, face, employer, remote, agency, center, staff, minutes, "
        "place, center_reason, note) SELECT c.id, c.client_id, c.date, "
        f"{has('face')}, {has('employer')}, {has('remote')}, {has('agency')}, {has('center')}, "
        "teikan_name_key(c.staff), c.minutes, c.place, c.center_reason, c.note FROM contacts c")
    conn.execute("DROP TABLE contact_types")
    conn.execute("DROP TABLE contacts")
    conn.execute("ALTER TABLE contacts_new RENAME TO contacts")
    conn.execute("CREATE INDEX contacts_client ON contacts (client_id, date)")
    conn.execute("CREATE INDEX contacts_month ON contacts (date, client_id, face, employer, remote, agency, center) "
                 "WHERE deleted_at IS NULL")


def m007_clients_ids_never_reused(conn: sqlite3.Connection, notes: list) -> None:
    """Client ids are never given twice (AUTOINCREMENT): the history of a client deleted or purged never shows
    under a later one. Names, kana and the responsible staff's name normalised (SPEC §3)."""
    _register_name_key(conn)
    columns = ("id, name, kana, employer, certificate, grant_until, staff, prior_service, employment_start, "
               "interim_support_end, employment_end, job_change, reemployed, support_start, ended_on, end_reason, note")
    conn.execute(f"""
        CREATE TABLE clients_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL CHECK (length(name) > 0),
            kana TEXT,
            employer TEXT,
            certificate TEXT UNIQUE
                CHECK (certificate IS NULL OR (length(certificate) = 10 AND certificate NOT GLOB '*[^0-9]*')),
            grant_until TEXT {_iso('grant_until')},
            staff TEXT,
            prior_service TEXT CHECK (prior_service IS NULL OR prior_service IN
                ('transition', 'continuation-a', 'continuation-b', 'daily-life-care', 'training')),
            employment_start TEXT NOT NULL {_iso('employment_start')},
            interim_support_end TEXT {_iso('interim_support_end')},
            employment_end TEXT {_iso('employment_end')},
            job_change TEXT {_iso('job_change')},
            reemployed TEXT {_iso('reemployed')},
            support_start TEXT NOT NULL {_iso('support_start')},
            ended_on TEXT {_iso('ended_on')},
            end_reason TEXT CHECK (end_reason IS NULL OR end_reason IN
                ('period-end', 'job-loss', 'user-request', 'handover', 'other')),
            note TEXT,
            CHECK ((ended_on IS NULL) = (end_reason IS NULL))
        )""")
    conn.execute(
        f"INSERT INTO clients_new ({columns}) SELECT id, teikan_name_key(name), teikan_name_key(kana), employer, "
        "certificate, grant_until, teikan_name_key(staff), prior_service, employment_start, interim_support_end, "
        "employment_end, job_change, reemployed, support_start, ended_on, end_reason, note FROM clients")
    conn.execute("DROP TABLE clients")
    conn.execute("ALTER TABLE clients_new RENAME TO clients")
    conn.execute("CREATE INDEX clients_name ON clients (name)")
    conn.execute("CREATE INDEX clients_period ON clients (support_start, ended_on)")


def m008_audit_chain(conn: sqlite3.Connection, notes: list) -> None:
    """The audit trail is tamper-evident (SPEC §12, 基準 §224): each row holds the SHA-256 of its content and of
    the previous row; `redacted` marks a row whose personal content `purge` removed (its hashes stay)."""
    from .audit_chain import GENESIS, chain_hash, content_hash

    conn.execute("""
        CREATE TABLE audit_new (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,
            client_id INTEGER,
            record TEXT,
            detail TEXT,
            prev_hash TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            redacted INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1))
        )""")
    previous = GENESIS
    rows = []
    for row in conn.execute("SELECT id, at, who, action, client_id, record, detail FROM audit ORDER BY id"):
        content = content_hash(*row[1:])
        digest = chain_hash(previous, content)
        rows.append((*row, previous, content, digest))
        previous = digest
    conn.executemany("INSERT INTO audit_new (id, at, who, action, client_id, record, detail, prev_hash, "
                     "content_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("DROP TABLE audit")
    conn.execute("ALTER TABLE audit_new RENAME TO audit")
    conn.execute("CREATE INDEX audit_client ON audit (client_id, id)")


def m009_plan_versions(conn: sqlite3.Connection, notes: list) -> None:
    """The 個別支援計画 as the regulation runs it (SPEC §11, R6 Q&A VOL.1 問82): each plan is a version with the
    client's consent (同意), its hand-over (交付) to the client and the 相談支援事業所, goals and support items;
    monitorings of the plan in force. Existing plans become versions with no consent recorded."""
    day = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    # Consent is not before the plan's date; a hand-over comes after the consent (SPEC §11).
    conn.execute("ALTER TABLE plans ADD COLUMN consent_date TEXT CHECK (consent_date IS NULL OR "
                 f"(consent_date GLOB '{day}' AND consent_date >= date))")
    conn.execute("ALTER TABLE plans ADD COLUMN delivered_date TEXT CHECK (delivered_date IS NULL OR "
                 f"(delivered_date GLOB '{day}' AND consent_date IS NOT NULL AND delivered_date >= consent_date))")
    conn.execute("ALTER TABLE plans ADD COLUMN long_goal TEXT")
    conn.execute("ALTER TABLE plans ADD COLUMN short_goal TEXT")
    conn.execute(f"ALTER TABLE plans ADD COLUMN next_review TEXT {_iso('next_review')}")
    conn.execute("""
        CREATE TABLE plan_deliveries (
            plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            recipient TEXT NOT NULL CHECK (recipient IN ('client', 'consultation')),
            PRIMARY KEY (plan_id, recipient)
        ) WITHOUT ROWID""")
    conn.execute("""
        CREATE TABLE plan_items (
            plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 1),
            text TEXT NOT NULL CHECK (length(text) > 0),
            PRIMARY KEY (plan_id, position)
        ) WITHOUT ROWID""")
    conn.execute(f"""
        CREATE TABLE monitorings (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            date TEXT NOT NULL {_iso('date')},
            note TEXT
        )""")
    conn.execute("CREATE INDEX monitorings_client ON monitorings (client_id, date)")
    plans, clients = conn.execute("SELECT count(*), count(DISTINCT client_id) FROM plans").fetchone()
    if plans:  # until their consent is recorded they do not count (plan-missing, plan-not-agreed)
        notes.append(("migration.plans_without_consent", {"plans": plans, "clients": clients}))


def m010_report_recipients(conn: sqlite3.Connection, notes: list) -> None:
    """To whom and how the 支援レポート was shared (SPEC §11). Reports recorded before were shared with the client
    and the employer (what `share-report` said), by a method not recorded."""
    conn.execute("ALTER TABLE shared_reports ADD COLUMN method TEXT "
                 "CHECK (method IS NULL OR method IN ('paper', 'mail', 'email', 'in-person'))")
    conn.execute("""
        CREATE TABLE shared_report_recipients (
            client_id INTEGER NOT NULL,
            month TEXT NOT NULL,
            recipient TEXT NOT NULL CHECK (recipient IN ('client', 'employer', 'agency')),
            PRIMARY KEY (client_id, month, recipient),
            FOREIGN KEY (client_id, month) REFERENCES shared_reports (client_id, month) ON DELETE CASCADE
        ) WITHOUT ROWID""")
    conn.execute("INSERT INTO shared_report_recipients SELECT client_id, month, r.value FROM shared_reports, "
                 "(SELECT 'client' AS value UNION ALL SELECT 'employer') r")


def m011_office_contact(conn: sqlite3.Connection, notes: list) -> None:
    """The office's address and telephone, printed on the documents handed to clients and employers (SPEC §11)."""
    conn.execute("ALTER TABLE office ADD COLUMN address TEXT")
    conn.execute("ALTER TABLE office ADD COLUMN phone TEXT")


MIGRATIONS = (m001_initial, m002_secrets, m003_contact_kinds, m004_shared_reports_by_month, m005_staff_as_people,
              m006_contact_types_as_columns, m007_clients_ids_never_reused, m008_audit_chain, m009_plan_versions,
              m010_report_recipients, m011_office_contact)
SCHEMA_VERSION = len(MIGRATIONS)
FIRST_WITH_NOTES = 4  # m001–m004 take the connection only


def migrate(conn: sqlite3.Connection, current: int) -> list[tuple[str, dict]]:
    """Apply every migration after `current` inside the caller's open transaction (foreign keys off: tables are
    rebuilt); every reference is checked before the caller commits. Returns what the run should tell the user
    (message key, params), e.g. staff names merged into one person."""
    notes: list[tuple[str, dict]] = []
    for index in range(current, SCHEMA_VERSION):
        if index < FIRST_WITH_NOTES:
            MIGRATIONS[index](conn)
        else:
            MIGRATIONS[index](conn, notes)
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return notes
