"""Input checks shared by the commands and the CSV import (pure: no I/O).

Each check raises an `InputError` whose key names the problem; the CLI localises it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .errors import InputError
from .models import (
    CENTER_REASONS,
    CONCERNS,
    CONTACT_TYPES,
    DISABILITIES,
    END_REASONS,
    PLACES,
    PRIOR_SERVICES,
    ROLES,
    Assignment,
    Client,
    Contact,
    job_change_continuous,
)

MAX_TEXT = 20000
_TEN_DIGITS = re.compile(r"^\d{10}$")


# Refused at input (SPEC §13). Bidirectional controls reorder what a terminal or a document shows (U+202E turns
# `exe.txt` into `txt.exe`) and are refused everywhere; zero-width characters make two names look the same and are
# refused everywhere but notes (where emoji sequences use U+200D).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def clean_text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_TEXT,
               multiline: bool | None = None) -> str | None:
    """Trimmed text without control, bidirectional or zero-width characters.

    A multi-line field (a note: `multiline` defaults to `field == "note"`) keeps its line breaks (CR LF and CR
    become LF), tabs and zero-width characters. The error names the character by its code point (U+001B) and
    its position, never the character itself.
    """
    if value is None:
        if required:
            raise InputError("input.required", field=field)
        return None
    text = value.strip()
    if not text:
        if required:
            raise InputError("input.required", field=field)
        return None
    if multiline is None:
        multiline = field == "note"
    if not text.isprintable():
        if multiline and "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        _refuse_hidden(text, field, multiline, len(value) - len(value.lstrip()))
    if "\ufffd" in text:
        raise InputError("input.control_chars", field=field)
    if len(text) > limit:
        raise InputError("input.too_long", field=field, limit=limit)
    return text


def _refuse_hidden(text: str, field: str, multiline: bool, offset: int) -> None:
    for index, ch in enumerate(text):
        if ch.isprintable() or ch in " \u3000":
            continue
        where = {"field": field, "code": f"U+{ord(ch):04X}", "position": offset + index + 1}
        if unicodedata.category(ch) == "Cc":
            if multiline and ch in "\n\t":
                continue
            raise InputError("input.control_char", **where)
        if ch in _BIDI:
            raise InputError("input.bidi_char", **where)
        if ch in _ZERO_WIDTH:
            if multiline:
                continue
            raise InputError("input.zero_width_char", **where)
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise InputError("input.control_chars", field=field)


def ten_digits(value: str | None, field: str) -> str | None:
    """受給者証番号 / 事業所番号: exactly ten digits, kept as text (leading zeros matter)."""
    if value is None or not value.strip():
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace("-", "").replace(" ", "")
    if not _TEN_DIGITS.match(text) or not text.isascii():
        raise InputError("input.ten_digits", field=field, value=value)
    return text


def choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    """One of `allowed`. When `allowed` is a kind of coded value (`models.CONTACT_TYPES`...), its labels and
    aliases are accepted too (`対面` → `face`), through `names.parse_code`."""
    from .names import kind_of, parse_code

    kind = kind_of(allowed)
    if kind is not None:
        return parse_code(kind, value, field)
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if text not in allowed:
        raise InputError("input.bad_choice", field=field, value=value, allowed=", ".join(allowed))
    return text


def choices(values: list[str] | tuple[str, ...] | None, allowed: tuple[str, ...], field: str) -> tuple[str, ...]:
    """Several enumeration values (repeated, or joined with `+`/`＋`), de-duplicated, in the order of `allowed`."""
    from .names import kind_of, parse_codes

    kind = kind_of(allowed)
    if kind is not None:
        return parse_codes(kind, values, field)
    picked = set()
    for value in values or ():
        for part in unicodedata.normalize("NFKC", str(value)).split("+"):
            if part.strip():
                picked.add(choice(part, allowed, field))
    return tuple(v for v in allowed if v in picked)


def hours(value: float | str, field: str = "hours") -> float:
    try:
        number = float(unicodedata.normalize("NFKC", str(value)).strip())
    except ValueError:
        raise InputError("input.bad_number", field=field, value=value) from None
    if not (0 < number <= 168) or number != number:
        raise InputError("input.bad_hours", field=field, value=value)
    return number


def minutes(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(unicodedata.normalize("NFKC", str(value)).strip())
    except ValueError:
        raise InputError("input.bad_number", field="minutes", value=value) from None
    if not 0 <= number <= 1440:
        raise InputError("input.bad_minutes", value=value)
    return number


def check_client(client: Client, as_of: date) -> Client:
    """The rules a client record must meet (SPEC §3 add-client / edit-client; §4.1)."""
    if client.support_start < client.eligible_from:
        # 留意事項通知: 就労定着支援 starts only after six months of employment.
        raise InputError("client.before_eligible", support_start=client.support_start.isoformat(),
                         eligible_from=client.eligible_from.isoformat())
    if client.interim_support_end is not None and client.interim_support_end < client.employment_start:
        raise InputError("client.interim_before_employment")
    if client.employment_end is not None and client.employment_end < client.employment_start:
        raise InputError("client.employment_end_before_start")
    if client.ended_on is not None and client.ended_on < client.support_start:
        raise InputError("client.end_before_start", ended_on=client.ended_on.isoformat(),
                         support_start=client.support_start.isoformat())
    if client.ended_on is not None and client.ended_on > client.support_end:
        # 報酬告示 第14の2: the service lasts at most three years; it cannot end after support_end.
        raise InputError("client.end_after_period", ended_on=client.ended_on.isoformat(),
                         support_end=client.support_end.isoformat())
    if client.ended_on is not None and client.ended_on > as_of:
        raise InputError("date.future", value=client.ended_on.isoformat(), as_of=as_of.isoformat())
    for recorded in (client.employment_end, client.job_change, client.reemployed):
        if recorded is not None and recorded > as_of:  # what happened to the job is recorded after the fact
            raise InputError("date.future", value=recorded.isoformat(), as_of=as_of.isoformat())
    if client.reemployed is not None:
        if client.job_change is None or client.reemployed < client.job_change:
            raise InputError("client.reemployed_before_change")
        if not job_change_continuous(client.job_change, client.reemployed):
            raise InputError("client.job_change_gap")
    return client


def check_contact(contact: Contact, client: Client, as_of: date, staff_names: set[str]) -> Contact:
    """SPEC §3 log-visit: inside the service, not in the future, known staff, a reason for `center`."""
    if not contact.types:
        raise InputError("input.required", field="--type")
    if contact.date > as_of:
        raise InputError("date.future", value=contact.date.isoformat(), as_of=as_of.isoformat())
    end = client.ended_on or client.support_end
    if not client.support_start <= contact.date <= end:
        raise InputError("contact.outside_service", date=contact.date.isoformat(),
                         start=client.support_start.isoformat(), end=end.isoformat())
    if contact.staff is not None and contact.staff not in staff_names:
        raise InputError("staff.unknown", name=contact.staff)
    if "center" in contact.types and not contact.center_reason:
        # 「障害者就業・生活支援センターと就労定着支援事業所の関係について」(2018) 2: only three cases.
        raise InputError("contact.center_reason_required")
    if contact.center_reason and "center" not in contact.types:
        raise InputError("contact.reason_without_center")
    return contact


def check_records_inside(client: Client, span: tuple[date, date] | None) -> Client:
    """After a change of the service dates, every contact and plan must still lie inside the service."""
    if span is None:
        return client
    end = client.ended_on or client.support_end
    if span[0] < client.support_start or span[1] > end:
        raise InputError("client.records_outside", first=span[0].isoformat(), last=span[1].isoformat(),
                         start=client.support_start.isoformat(), end=end.isoformat())
    return client


def check_assignment(assignment: Assignment) -> Assignment:
    if assignment.from_date and assignment.until_date and assignment.from_date > assignment.until_date:
        raise InputError("staff.until_before_from")
    return assignment


__all__ = [
    "CENTER_REASONS", "CONCERNS", "CONTACT_TYPES", "DISABILITIES", "END_REASONS", "PLACES", "PRIOR_SERVICES",
    "ROLES", "check_assignment", "check_client", "check_contact", "check_records_inside", "choice", "choices", "clean_text", "hours",
    "minutes", "ten_digits",
]


CLIENT_DATE_FIELDS = ("employment_start", "support_start", "grant_until", "interim_support_end", "employment_end",
                      "ended_on", "job_change", "reemployed")
CLIENT_TEXT_FIELDS = ("name", "kana", "employer", "staff", "note")


def client_from_text(values: dict, as_of: date, base: Client | None = None, client_id: int = 0) -> Client:
    """A checked `Client` from text values (CLI options or a CSV row). Keys absent from `values` keep `base`.

    An empty string clears an optional field. Dates accept every SPEC §2 form.
    """
    from dataclasses import replace

    from .dates import parse_date

    changes: dict = {}
    for key, raw in values.items():
        if key in CLIENT_DATE_FIELDS:
            text = None if raw is None else str(raw).strip()
            changes[key] = parse_date(text, as_of) if text else None
        elif key in CLIENT_TEXT_FIELDS:
            changes[key] = clean_text(raw, key, required=key == "name", limit=MAX_TEXT if key == "note" else 200)
        elif key == "certificate":
            changes[key] = ten_digits(raw, "certificate")
        elif key == "disabilities":
            changes[key] = choices(raw if isinstance(raw, (list, tuple)) else [raw or ""], DISABILITIES, "disability")
        elif key == "prior_service":
            changes[key] = choice(raw, PRIOR_SERVICES, "prior-service") if raw and str(raw).strip() else None
        elif key == "end_reason":
            changes[key] = choice(raw, END_REASONS, "end-reason") if raw and str(raw).strip() else None
        else:  # pragma: no cover - programming error, not user input
            raise KeyError(key)
    if base is None:
        for required in ("name", "employment_start", "support_start"):
            if changes.get(required) is None:
                raise InputError("input.required", field=required.replace("_", "-"))
        client = Client(id=client_id, **changes)
    else:
        for required in ("name", "employment_start", "support_start"):
            if required in changes and changes[required] is None:
                raise InputError("input.required", field=required.replace("_", "-"))
        client = replace(base, **changes)
    if (client.ended_on is None) != (client.end_reason is None):
        raise InputError("input.required", field="end_reason" if client.end_reason is None else "ended_on")
    return check_client(client, as_of)
