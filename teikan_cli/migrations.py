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


MIGRATIONS = (m001_initial, m002_secrets, m003_contact_kinds, m004_shared_reports_by_month)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Apply every migration after `current` inside the caller's open transaction."""
    for index in range(current, SCHEMA_VERSION):
        MIGRATIONS[index](conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
