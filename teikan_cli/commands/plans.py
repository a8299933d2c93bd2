"""plan, monitor, handover: the 個別支援計画 and the 引継ぎ."""

from __future__ import annotations

from typing import List, Optional

from .common import argument, as_of_opt, echo, open_write, option, parse_date_opt, resolve_as_of, t


def plan(
    client: str = argument("CLIENT"),
    date_text: str = option("--date", ..., "DATE"),
    consent_date: Optional[str] = option("--consent-date", None, "DATE"),
    delivered_date: Optional[str] = option("--delivered-date", None, "DATE"),
    delivered_to: List[str] = option("--delivered-to", [], "WHOM", values="delivered_to"),
    long_goal: Optional[str] = option("--long-goal", None, "TEXT"),
    short_goal: Optional[str] = option("--short-goal", None, "TEXT"),
    item: List[str] = option("--item", [], "TEXT"),
    next_review: Optional[str] = option("--next-review", None, "DATE"),
    cooperation: List[str] = option("--center-cooperation", [], "R", values="center_reason"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import given, plan_version

    day = resolve_as_of(as_of)
    when = parse_date_opt(date_text, day)
    values = given(consent_date=consent_date, delivered_date=delivered_date, delivered_to=delivered_to,
                   long_goal=long_goal, short_goal=short_goal, items=item, next_review=next_review,
                   center_cooperation=cooperation)
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        before = store.find_plan(found.id, when)
        plan_id = store.save_plan(plan_version(found, before, when, values, day), before)
    echo(t("plan.saved", id=plan_id, client_id=found.id, name=found.name, date=when.isoformat()))


def monitor(
    client: str = argument("CLIENT"),
    date_text: str = option("--date", ..., "DATE"),
    note: Optional[str] = option("--note", None, "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..validation import monitoring_of

    day = resolve_as_of(as_of)
    when = parse_date_opt(date_text, day)
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        monitoring = monitoring_of(found, store.load_plans(found.id).get(found.id, ()), when, note, day)
        monitoring_id = store.insert_monitoring(monitoring)
    echo(t("monitor.saved", id=monitoring_id, client_id=found.id, name=found.name, date=when.isoformat(),
           plan=monitoring.plan_id))


def handover(
    client: str = argument("CLIENT"),
    center: Optional[str] = option("--center", None, "TEXT"),
    consent_date: Optional[str] = option("--consent-date", None, "DATE"),
    shared_date: Optional[str] = option("--shared-date", None, "DATE"),
    not_needed: Optional[bool] = option("--not-needed", None, flag="--needed"),
    note: Optional[str] = option("--note", None, "TEXT"),
    as_of: Optional[str] = as_of_opt(),
) -> None:
    from ..i18n import label
    from ..rules import handover_state
    from ..validation import given, handover_version

    day = resolve_as_of(as_of)
    values = given(center=center, consent_date=consent_date, shared_date=shared_date, not_needed=not_needed,
                   note=note)
    store = open_write(existing=True)
    with store.write():
        found = store.find_client(client)
        before = store.load_handovers(found.id).get(found.id)
        updated = handover_version(found, before, values, day)
        store.save_handover(updated, before)
    echo(t("handover.saved", client_id=found.id, name=found.name, state=label(handover_state(updated, found))))
