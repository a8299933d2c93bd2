"""Every command: its name, the module that registers it, and its one-line summary.

Plain data, importable without Typer: `teikan --help` and `--version` are answered from here (SPEC §9:
under 0.15 s), and a run of one command builds only that command's module. `tests/test_catalog.py`
keeps this list equal to what the modules register.
"""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ('init', 'clients', 'Create or update the office record (idempotent).'),
    ('add-client', 'clients', 'Register a client; prints the id and the computed dates.'),
    ('clients', 'clients', 'List clients (default: active as of --as-of).'),
    ('show-client', 'clients', 'One client: computed dates, contacts, plans, handover, current findings.'),
    ('edit-client', 'clients', "Change a client's fields, with the same checks as add-client."),
    ('end-client', 'clients', 'End the service (job-loss also records the employment end).'),
    ('log-visit', 'visits', 'Record one contact with a client; prints its id.'),
    ('visits', 'visits', 'List contacts, oldest first.'),
    ('add-staff', 'staff', 'Add one role assignment (two roles = two assignments).'),
    ('staff', 'staff', 'Staff with 常勤換算 per role for a month, against the required numbers and the shortfall.'),
    ('plan', 'plans', 'Record an individual support plan (個別支援計画) made or reviewed on a date.'),
    ('handover', 'plans', 'Record or update the handover to the support center (引継ぎ).'),
    ('share-report', 'plans', "Record that the month's 支援レポート was shared with the client and employer."),
    ('support-report', 'support_report', "Draft a month's 支援レポート from the contact log; the goal and outlook lines are for you to write."),
    ('report', 'reports', 'The monthly compliance report: contacts, billable months, staffing, handovers, findings.'),
    ('check', 'reports', 'The cron check: silent when all is well, one line per finding otherwise (errors first).'),
    ('handovers', 'reports', 'Clients whose service ends soon, with the handover share deadline and state, soonest first.'),
    ('due', 'daily', 'What remains to do this month, per staff member and employer, most urgent first (silent when done).'),
    ('watch', 'daily', 'Clients whose recorded concerns are rising (repeated, several, new-attendance), with the contacts.'),
    ('rate', 'rate', '就労定着率 for a fiscal year: users of the three years before, those still employed, tier and units.'),
    ('import', 'transfer', 'Import clients, contacts or staff from CSV: every row or none; a second import adds nothing.'),
    ('export', 'transfer', 'Export clients, contacts or staff as CSV in the import format (export → import round-trips).'),
    ('backup', 'safety', "Copy the database with SQLite's online backup (consistent while others write); the file is 0600."),
    ('restore', 'safety', 'Replace the database with a checked backup (teikan file, schema not newer, integrity ok).'),
    ('doctor', 'safety', 'Check the database: integrity, foreign keys, schema version, application id, file permissions.'),
    ('purge', 'safety', 'Remove ended clients whose records are past the five-year retention, with all their rows.'),
    ('demo', 'demo', 'Build a fictional office into teikan-demo.db and print report and check for its busiest month.'),
)

MODULE_OF: dict[str, str] = {name: module for name, module, _ in COMMANDS}
