"""The demo office of `examples/demo-office.json`: read, checked, cut to a reference date, saved into a Store.

The JSON is written for its own reference date (`as_of`). Built for another date, the office is shown as it
stood that day: records dated after it (contacts, plans, shared reports, consents, ends of service, clients
not started yet) are left out, so the same checks as for typed-in data hold. `demo_office` is pure;
`save_demo_office` writes through the Store's insert methods inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from .dates import Month
from .errors import InputError
from .models import CENTER_REASONS, CONCERNS, CONTACT_TYPES, PLACES, Assignment, Client, Contact, Handover, Plan, SharedReport
from .validation import check_assignment, check_contact, choice, choices, clean_text, client_from_text, minutes

DEMO_FILE = "demo-office.json"
DEMO_NUMBER = "0000000000"  # no real 事業所番号 starts with 00 (the first two digits are the prefecture code)
DEMO_FORMAT = "teikan-demo-office"

_CLIENT_FIELDS = ("name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities", "prior_service",
                  "employment_start", "interim_support_end", "employment_end", "support_start", "ended_on",
                  "end_reason", "note")


@dataclass(frozen=True)
class DemoClient:
    client: Client
    contacts: tuple[Contact, ...] = ()
    plans: tuple[Plan, ...] = ()
    handover: Handover | None = None
    reports_shared: tuple[tuple[Month, date], ...] = ()


@dataclass(frozen=True)
class DemoOffice:
    reference: date  # the date the JSON was written for
    as_of: date  # the date this copy is cut to
    office: dict  # columns of the office row
    assignments: tuple[Assignment, ...]
    clients: tuple[DemoClient, ...]
    featured: dict  # role -> certificate number

    @property
    def contact_count(self) -> int:
        return sum(len(c.contacts) for c in self.clients)

    @property
    def plan_count(self) -> int:
        return sum(len(c.plans) for c in self.clients)

    @property
    def staff_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.name for a in self.assignments))

    def featured_index(self, role: str) -> int | None:
        """1-based position (= the id it gets in a fresh database) of a featured client."""
        certificate = self.featured.get(role)
        for index, item in enumerate(self.clients, start=1):
            if item.client.certificate == certificate:
                return index
        return None


def read_demo_json() -> dict:
    """The packaged `examples/demo-office.json` (installed as `teikan_cli.examples`)."""
    from importlib import resources

    text = resources.files("teikan_cli.examples").joinpath(DEMO_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def reference_date(data: dict) -> date:
    return date.fromisoformat(data["as_of"])


def demo_office(data: dict, as_of: date | None = None) -> DemoOffice:
    """The office of `data`, checked like typed-in records and cut to `as_of` (default: its reference date)."""
    if data.get("format") != DEMO_FORMAT:
        raise InputError("demo.bad_file")
    reference = reference_date(data)
    day = as_of or reference
    assignments = tuple(_assignment(item, i) for i, item in enumerate(data["staff"], start=1))
    staff = {a.name for a in assignments}
    clients = []
    for item in data["clients"]:
        if date.fromisoformat(item["support_start"]) > day:
            continue  # not started yet on that day
        clients.append(_demo_client(item, len(clients) + 1, day, staff))
    return DemoOffice(reference, day, dict(data["office"]), assignments, tuple(clients), dict(data.get("featured", {})))


def busiest_month(office: DemoOffice) -> Month:
    """The month with the most contacts (the latest on a tie); the month of `as_of` when there are none."""
    counts = Counter(Month.of(c.date) for item in office.clients for c in item.contacts)
    if not counts:
        return Month.of(office.as_of)
    return max(counts, key=lambda m: (counts[m], m))


def is_demo_office(row: dict | None) -> bool:
    """A database built by `teikan demo` carries the reserved office number."""
    return bool(row) and row.get("number") == DEMO_NUMBER


def save_demo_office(store, office: DemoOffice, advance: Callable[[int], None] = lambda n: None) -> None:
    """Insert the whole office through the Store (call inside `with store.write():`)."""
    store.save_office({k: office.office.get(k) for k in ("name", "number", "fulltime_hours", "opened", "address", "phone")})
    for assignment in office.assignments:
        store.insert_assignment(assignment)
    advance(len(office.assignments))
    for item in office.clients:
        client_id = store.insert_client(item.client)
        for plan in item.plans:
            store.save_plan(plan._replace(client_id=client_id))
        for contact in item.contacts:
            store.insert_contact(replace(contact, client_id=client_id))
        for month, shared_on in item.reports_shared:
            store.save_shared_report(SharedReport(client_id, str(month), shared_on))
        if item.handover is not None:
            store.save_handover(replace(item.handover, client_id=client_id))
        advance(1 + len(item.contacts))


# ------------------------------------------------------------------ one record at a time


def _on_or_before(text: str | None, day: date) -> bool:
    return text is not None and date.fromisoformat(text) <= day


def _demo_client(item: dict, client_id: int, day: date, staff: set[str]) -> DemoClient:
    values = {k: item.get(k) for k in _CLIENT_FIELDS}
    values["disabilities"] = list(values["disabilities"] or [])
    if not _on_or_before(values["ended_on"], day):
        values["ended_on"] = values["end_reason"] = None
    if not _on_or_before(values["employment_end"], day):
        values["employment_end"] = None
    client = client_from_text(values, day, client_id=client_id)
    contacts = tuple(
        _contact(c, client, day, staff) for c in item.get("contacts", ()) if _on_or_before(c["date"], day)
    )
    plans = tuple(_plan(p, client_id, day) for p in item.get("plans", ()) if _on_or_before(p["date"], day))
    reports = tuple(
        (Month.parse_iso(month), date.fromisoformat(shared))
        for month, shared in sorted(item.get("reports_shared", {}).items()) if _on_or_before(shared, day)
    )
    return DemoClient(client, contacts, plans, _handover(item.get("handover"), client_id, day), reports)


def _plan(item: dict, client_id: int, day: date) -> Plan:
    """A plan version of the demo. Unless the file says otherwise (`"consent_date": null` is a draft never agreed,
    `"delivered_date": null` an agreed plan not handed over), a plan is agreed five days after it is made and
    handed to the client and the 相談支援事業所 three days later; what happened after `day` is not known yet."""
    from datetime import timedelta

    made = date.fromisoformat(item["date"])

    def when(key: str, default: date | None) -> date | None:
        value = date.fromisoformat(item[key]) if item.get(key) else (None if key in item else default)
        return value if value is not None and value <= day else None

    consent = when("consent_date", made + timedelta(days=5))
    delivered = when("delivered_date", consent + timedelta(days=3) if consent else None) if consent else None
    return Plan(id=0, client_id=client_id, date=made,
                center_cooperation=choices(item.get("center_cooperation"), CENTER_REASONS, "center_cooperation"),
                consent_date=consent, delivered_date=delivered,
                delivered_to=("client", "consultation") if delivered else (),
                long_goal=item.get("long_goal"), short_goal=item.get("short_goal"), items=tuple(item.get("items", ())))


def _contact(item: dict, client: Client, day: date, staff: set[str]) -> Contact:
    contact = Contact(
        id=0, client_id=client.id, date=date.fromisoformat(item["date"]),
        types=choices(item.get("types"), CONTACT_TYPES, "types"), staff=clean_text(item.get("staff"), "staff"),
        minutes=minutes(item.get("minutes")), place=choice(item["place"], PLACES, "place") if item.get("place") else None,
        concerns=choices(item.get("concerns"), CONCERNS, "concerns"),
        center_reason=item.get("center_reason"), note=clean_text(item.get("note"), "note"),
    )
    return check_contact(contact, client, day, staff)


def _handover(item: dict | None, client_id: int, day: date) -> Handover | None:
    """A handover is recorded when consent is given (or the office judged it not needed)."""
    if item is None:
        return None
    consent = date.fromisoformat(item["consent_date"]) if item.get("consent_date") else None
    if consent is not None and consent > day:
        return None
    shared = date.fromisoformat(item["shared_date"]) if item.get("shared_date") else None
    return Handover(client_id=client_id, center=item.get("center"), consent_date=consent,
                    shared_date=shared if shared is not None and shared <= day else None,
                    not_needed=bool(item.get("not_needed")), note=item.get("note"))


def _assignment(item: dict, assignment_id: int) -> Assignment:
    return check_assignment(Assignment(
        id=assignment_id, name=item["name"], role=item["role"], hours=float(item["hours"]),
        from_date=date.fromisoformat(item["from"]) if item.get("from") else None,
        until_date=date.fromisoformat(item["until"]) if item.get("until") else None,
        reduced_hours=bool(item.get("reduced_hours")),
    ))
