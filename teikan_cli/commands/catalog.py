"""Every command: its name, the module that holds it and the function that runs it, in `teikan --help` order.

Plain data, importable without Typer: a run builds only the module of its command (SPEC §9 start-up). The
words of each command (summary, options, examples) are in the help catalogue, `helptext.py`; a test checks that
both list the same commands.
"""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("init", "office", "init"),
    ("add-client", "clients", "add_client"),
    ("clients", "clients", "list_clients"),
    ("show-client", "clients", "show_client"),
    ("edit-client", "clients", "edit_client"),
    ("end-client", "clients", "end_client"),
    ("delete-client", "clients", "delete_client"),
    ("log-visit", "visits", "log_visit"),
    ("visits", "visits", "list_visits"),
    ("edit-visit", "visits", "edit_visit"),
    ("delete-visit", "visits", "delete_visit"),
    ("add-staff", "staff", "add_staff"),
    ("staff", "staff", "list_staff"),
    ("end-staff", "staff", "end_staff"),
    ("delete-staff", "staff", "delete_staff"),
    ("plan", "plans", "plan"),
    ("monitor", "plans", "monitor"),
    ("handover", "plans", "handover"),
    ("share-report", "documents", "share_report"),
    ("support-report", "documents", "support_report"),
    ("service-record", "documents", "service_record"),
    ("report", "reports", "report"),
    ("check", "reports", "check"),
    ("handovers", "reports", "handovers"),
    ("due", "daily", "due"),
    ("watch", "daily", "watch"),
    ("rate", "rate", "rate"),
    ("import", "transfer", "import_csv"),
    ("export", "transfer", "export_csv"),
    ("backup", "safety", "backup"),
    ("restore", "safety", "restore"),
    ("doctor", "safety", "doctor"),
    ("purge", "safety", "purge"),
    ("demo", "demo", "demo"),
)

MODULE_OF: dict[str, str] = {name: module for name, module, _ in COMMANDS}
