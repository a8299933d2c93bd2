"""The TeikanError family. Core and store raise these; only the CLI turns them into exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


class TeikanError(Exception):
    """An error the user can fix. Carries a message key and parameters, localised at the edge."""

    exit_code = EXIT_INPUT

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self) -> str:
        from .i18n import t

        return t(self.key, **self.params)

    def __str__(self) -> str:  # pragma: no cover - debugging aid only
        return self.message()


class InputError(TeikanError):
    """Bad value on the command line or in a file."""


class DateInputError(InputError):
    """A date or month that cannot be parsed or does not exist."""


class NotFoundError(InputError):
    """An unknown client, staff member or record."""


class DatabaseError(TeikanError):
    """Missing, unreadable, foreign or newer database file."""


class RowErrors(InputError):
    """Several bad rows in an imported file: each item is (line, column, message)."""

    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        super().__init__("import.bad_rows", count=len({line for line, _column, _message in rows}))
        self.rows = rows
