"""Input checks shared by the commands and the CSV import (pure: no I/O).

Each check raises an `InputError` whose key names the problem; the CLI localises it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from fractions import Fraction

from .errors import InputError
from .names import name_key
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


_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:時間|h|hrs?|hours?)\s*(半)?)?\s*"
                       r"(?:(\d+)\s*(?:分間?|m|mins?|minutes?)?)?$", re.ASCII)


def minutes(value: int | str | None) -> int | None:
    """Minutes as an office writes them: `60`, `６０`, `60分`, `90分間`, `1時間`, `1時間30分`, `１時間３０分`, `1時間半`
    (90), `1.5時間` (90), `90min`, `1h30m` (0 to 1440).

    A decimal number of hours counts only when it makes whole minutes (`1.25時間` → 75; `1.01時間` is refused, not
    rounded); `半` (half) only follows whole hours (`1時間半`, never `1.5時間半` nor `1時間半30分`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    m = _DURATION.match(text)
    if not m or not (m[1] or m[3]) or (m[2] and ("." in m[1] or m[3])) or (m[1] and "." in m[1] and m[3]):
        raise InputError("input.bad_minutes_format", value=value)
    hours_part = Fraction(m[1] or 0) * 60 + (30 if m[2] else 0)
    if hours_part.denominator != 1:
        raise InputError("input.bad_minutes_format", value=value)
    number = int(hours_part) + int(m[3] or 0)
    if not 0 <= number <= 1440:
        raise InputError("input.bad_minutes", value=value)
    return number


def record_id(text: str, field: str) -> int:
    """A record id as typed: `12`, `#12`, `１２`."""
    value = unicodedata.normalize("NFKC", str(text)).strip().lstrip("#").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise InputError("input.bad_id", field=field, value=text)
    return int(value)


def contact_from_options(values: dict, as_of: date) -> Contact:
    """A contact from `log-visit`'s options (SPEC §3), its values checked one by one; its client is set by the
    caller, the checks against the client by `check_contact`. The day defaults to `as_of`."""
    from dataclasses import replace

    from .dates import parse_date

    if not values.get("types"):
        raise InputError("input.required", field="--type")
    base = Contact(id=0, client_id=0, date=parse_date(values["date"], as_of) if "date" in values else as_of,
                   types=())
    return replace(base, **contact_changes(values, as_of))


def edited_contact(before: Contact, values: dict, as_of: date) -> Contact:
    """`edit-visit`: the contact with the options given changed (lists replaced, an empty text cleared)."""
    from dataclasses import replace

    if not values:
        raise InputError("input.nothing_to_change")
    return replace(before, **contact_changes(values, as_of))


def contact_changes(values: dict, as_of: date) -> dict:
    from .dates import parse_date
    from .names import name_key

    checks = {
        "date": lambda v: parse_date(v, as_of),
        "types": lambda v: choices(v, CONTACT_TYPES, "--type"),
        "staff": lambda v: name_key(clean_text(v, "--staff", limit=200)),
        "minutes": minutes,
        "place": lambda v: choice(v, PLACES, "--place") if str(v).strip() else None,
        "concerns": lambda v: choices(v, CONCERNS, "--concern"),
        "center_reason": lambda v: choice(v, CENTER_REASONS, "--center-reason") if str(v).strip() else None,
        "note": lambda v: clean_text(v, "note"),
        "shareable": bool,
    }
    return {key: checks[key](value) for key, value in values.items()}


def check_client(client: Client, as_of: date) -> Client:
    """The rules a client record must meet (SPEC §3 add-client / edit-client; §4.1)."""
    if client.support_start < client.eligible_from:
        # 留意事項通知: 就労定着支援 starts only after six months of employment.
        raise InputError("client.before_eligible", support_start=client.support_start.isoformat(),
                         eligible_from=client.eligible_from.isoformat())
    if client.grant_until is not None and client.grant_until < client.support_start:
        # SPEC §4.8: a 受給者証 grant that ends before the service starts is a typo, not a record.
        raise InputError("client.grant_before_start", grant_until=client.grant_until.isoformat(),
                         support_start=client.support_start.isoformat())
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
AHEAD_DATE_FIELDS = ("grant_until",)  # a day without its year is read forward (dates.parse_date)
CLIENT_TEXT_FIELDS = ("name", "kana", "employer", "staff", "note")
NAME_FIELDS = ("name", "kana", "staff")  # stored after the name rule (SPEC §3), so that lookups compare alike


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
            changes[key] = parse_date(text, as_of, ahead=key in AHEAD_DATE_FIELDS) if text else None
        elif key in CLIENT_TEXT_FIELDS:
            text = clean_text(raw, key, required=key == "name", limit=MAX_TEXT if key == "note" else 200)
            changes[key] = name_key(text) if key in NAME_FIELDS else text
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


def office_values(as_of: date, **given: str | None) -> dict:
    """The office fields of `init` that were given, checked (SPEC §3 init)."""
    from .dates import parse_date

    checks = {
        "name": lambda v: clean_text(v, "--office-name", limit=200),
        "number": lambda v: ten_digits(v, "--office-number"),
        "fulltime_hours": lambda v: hours(v, "--fulltime-hours"),
        "opened": lambda v: parse_date(v, as_of).isoformat(),
        "rate_tier": rate_tier,
        "address": lambda v: clean_text(v, "--office-address", limit=200),
        "phone": lambda v: clean_text(v, "--office-phone", limit=40),
    }
    return {key: checks[key](value) for key, value in given.items() if value is not None}


def rate_tier(value: str) -> int:
    """A 就労定着率 tier notified by a new office: 1 (best) to 7 (報酬告示 第14の2)."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not (text.isdigit() and 1 <= int(text) <= 7):
        raise InputError("input.bad_choice", field="--rate-tier", value=value, allowed="1–7")
    return int(text)


def ended_client(client: Client, ended_on: date, reason: str, as_of: date) -> Client:
    """The client with its service ended (SPEC §3 end-client); `job-loss` also records the employment end."""
    from dataclasses import replace

    changes: dict = {"ended_on": ended_on, "end_reason": reason}
    if reason == "job-loss" and (client.employment_end is None or client.employment_end > ended_on):
        changes["employment_end"] = ended_on
    return check_client(replace(client, **changes), as_of)


def reason_text(value: str | None, field: str = "--reason") -> str:
    """The free-text reason of a deletion (SPEC §12): required, one line."""
    return clean_text(value, field, required=True, limit=500)


def given(**options) -> dict:
    """Only the options the user gave (None or an empty list = not given)."""
    return {k: v for k, v in options.items() if v is not None and v != []}


def edited_client(client: Client, values: dict, as_of: date, span: tuple[date, date] | None) -> Client:
    """`edit-client`: the changed client, with the checks of add-client; its contacts and plans must still lie
    inside the service; one job change only (留意事項通知: 離職後1月以内の再就職 is one change)."""
    if not values:
        raise InputError("input.nothing_to_change")
    if "job_change" in values and client.job_change is not None:
        raise InputError("client.job_change_twice")
    return check_records_inside(client_from_text(values, as_of, base=client), span)


def assignment_from_options(name: str, role: str, weekly_hours: str, from_date: date | None,
                            until_date: date | None, reduced_hours: bool) -> Assignment:
    """One role assignment from `add-staff` (SPEC §3), the person's name after the name rule."""
    from .names import name_key

    return check_assignment(Assignment(
        id=0, name=name_key(clean_text(name, "name", required=True, limit=200)), role=choice(role, ROLES, "--role"),
        hours=hours(weekly_hours, "--hours"), from_date=from_date, until_date=until_date,
        reduced_hours=reduced_hours))


def _not_after(day: date | None, as_of: date) -> date | None:
    if day is not None and day > as_of:
        raise InputError("date.future", value=day.isoformat(), as_of=as_of.isoformat())
    return day


def _inside_service(client: Client, day: date) -> date:
    end = client.ended_on or client.support_end
    if not client.support_start <= day <= end:
        raise InputError("contact.outside_service", date=day.isoformat(), start=client.support_start.isoformat(),
                         end=end.isoformat())
    return day


def plan_version(client: Client, before, day: date, values: dict, as_of: date):
    """`plan CLIENT --date DATE`: a new version made on `day`, or `before` (the version of that day) with the
    options given changed (SPEC §11). The plan is made within the service and not after `as_of`; consent
    (本人の同意) is not before the plan's date nor after `as_of`; the hand-over (交付) not before the consent."""
    from .dates import parse_date
    from .models import Plan

    _inside_service(client, _not_after(day, as_of))
    plan = before or Plan(id=0, client_id=client.id, date=day)
    date_of = lambda v: _not_after(parse_date(v, as_of), as_of) if str(v).strip() else None  # noqa: E731
    checks = {
        "consent_date": date_of, "delivered_date": date_of,
        "next_review": lambda v: parse_date(v, as_of, ahead=True) if str(v).strip() else None,
        "delivered_to": lambda v: choices(v, ("client", "consultation"), "--delivered-to"),
        "long_goal": lambda v: clean_text(v, "--long-goal", limit=2000),
        "short_goal": lambda v: clean_text(v, "--short-goal", limit=2000),
        "items": lambda v: tuple(text for text in (clean_text(i, "--item", limit=2000) for i in v) if text),
        "center_cooperation": lambda v: choices(v, CENTER_REASONS, "--center-cooperation"),
    }
    plan = plan._replace(**{key: checks[key](value) for key, value in values.items()})
    if plan.delivered_date is not None and not plan.delivered_to:
        # R6 Q&A VOL.1 問82: the plan is handed to the client and to the client's 相談支援事業所.
        plan = plan._replace(delivered_to=("client", "consultation"))
    if plan.consent_date is not None and plan.consent_date < plan.date:
        raise InputError("plan.consent_before_plan", consent=plan.consent_date.isoformat(), date=plan.date.isoformat())
    if plan.delivered_date is not None and (plan.consent_date is None or plan.delivered_date < plan.consent_date):
        raise InputError("plan.delivered_before_consent", delivered=plan.delivered_date.isoformat())
    if plan.next_review is not None and plan.next_review <= plan.date:
        raise InputError("plan.review_before_plan", review=plan.next_review.isoformat(), date=plan.date.isoformat())
    return plan


def monitoring_of(client: Client, plans, day: date, note: str | None, as_of: date):
    """`monitor`: a monitoring on `day` of the plan in force then (the latest agreed version on or before it,
    else the latest version), within the service and not after `as_of`."""
    from .models import Monitoring

    _inside_service(client, _not_after(day, as_of))
    versions = [p for p in plans if p.date <= day]
    agreed = [p for p in versions if p.consent_date is not None and p.consent_date <= day]
    if not versions:
        raise InputError("monitor.no_plan", date=day.isoformat())
    plan = (agreed or versions)[-1]
    return Monitoring(0, client.id, plan.id, day, clean_text(note, "note"))


def handover_version(client: Client, before, values: dict, as_of: date):
    """`handover`: the recorded handover with the options given changed (SPEC §4 rule 7). Dates are not after
    `as_of` nor before the support start; information is shared only with consent given first."""
    from dataclasses import replace

    from .dates import parse_date
    from .models import Handover

    def day(value):
        found = _not_after(parse_date(value, as_of), as_of) if str(value).strip() else None
        if found is not None and found < client.support_start:
            raise InputError("handover.before_start", date=found.isoformat(), start=client.support_start.isoformat())
        return found

    checks = {"center": lambda v: clean_text(v, "--center", limit=200), "consent_date": day, "shared_date": day,
              "not_needed": bool, "note": lambda v: clean_text(v, "note")}
    updated = replace(before or Handover(client_id=client.id),
                      **{key: checks[key](value) for key, value in values.items()})
    if updated.consent_date and updated.shared_date and updated.shared_date < updated.consent_date:
        # 留意事項通知 (2024): the information is shared with the client's consent, so after it.
        raise InputError("handover.shared_before_consent")
    return updated


def shared_report(client: Client, month, day: date, recipients, method: str | None, as_of: date):
    """`share-report` (SPEC §11): the month's 支援レポート shared on `day` — not before the month began, not after
    `as_of` — with the client in service that month; to the client and the employer unless told otherwise."""
    from .models import SharedReport

    _not_after(day, as_of)
    if not client.active_in(month):
        raise InputError("report.outside_service", client_id=client.id, month=str(month))
    if day < month.first:
        raise InputError("report.before_month", date=day.isoformat(), month=str(month))
    to = choices(recipients, ("client", "employer", "agency"), "--to") or ("client", "employer")
    how = choice(method, ("paper", "mail", "email", "in-person"), "--method") if method else None
    return SharedReport(client.id, str(month), day, to, how)
