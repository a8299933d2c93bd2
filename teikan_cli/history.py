"""A client's history as an inspector reads it (SPEC §12; 基準 §224): when (Asia/Tokyo), who, what was done to
which record, and for a correction the old and the new values. Pure: the audit rows come from the store."""

from __future__ import annotations

import json
from datetime import datetime

from .dates import JST

# The record a reference names: `contact:12` → 支援記録 #12.
RECORD_KINDS = ("client", "contact", "plan", "monitoring", "handover", "report", "staff", "office")


def local_time(at: str) -> str:
    """An audit time (UTC, ISO) as Japan's local time: `2026-11-02 10:15`."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def record_text(record: str | None) -> str:
    """`contact:12` → 支援記録 #12, `report:2026-10` → 支援レポート 2026-10 (in the language of the messages)."""
    from .i18n import t

    if not record:
        return ""
    kind, _, ref = record.partition(":")
    if kind not in RECORD_KINDS:
        return record
    if kind == "report":
        ref = ref.rsplit(":", 1)[-1]  # older rows: report:CLIENT:MONTH
        return t("history.record.report", month=ref)
    if kind in ("handover", "office"):
        return t(f"history.record.{kind}")
    return t(f"history.record.{kind}", id=ref)


def action_text(action: str) -> str:
    from .i18n import MESSAGES, t

    key = f"history.action.{action}"
    return t(key) if key in MESSAGES else action


# The command whose form records each kind of record: its fields are shown in the order that form asks for them
# (the help catalogue's order of its options), not in the order the audit row stores them (sorted keys).
FORM_COMMANDS = {"plan": "plan", "contact": "log-visit", "client": "edit-client", "handover": "handover",
                 "report": "share-report", "monitoring": "monitor", "office": "init", "staff": "add-staff"}
# Options named otherwise than the field they set.
_OPTION_FIELDS = {"item": "items", "disability": "disabilities", "type": "types", "concern": "concerns",
                  "to": "recipients", "office_name": "name", "office_number": "number", "office_address": "address",
                  "office_phone": "phone", "NAME": "name"}
_FIELD_ORDERS: dict[str, dict[str, int]] = {}


def field_order(kind: str) -> dict[str, int]:
    """Field → position in the form of `kind` (`plan`: date, consent_date, delivered_date, delivered_to, long_goal,
    short_goal, items, next_review, center_cooperation); empty for a kind without a form."""
    found = _FIELD_ORDERS.get(kind)
    if found is None:
        from .helptext import COMMANDS

        command = FORM_COMMANDS.get(kind)
        options = COMMANDS[command]["params"] if command else ()
        fields = [option.removeprefix("--").replace("-", "_") for option in options]
        found = _FIELD_ORDERS[kind] = {_OPTION_FIELDS.get(name, name): index for index, name in enumerate(fields)}
    return found


def _in_form_order(values: dict, kind: str | None) -> list:
    """The items of `values` in the order of `kind`'s form; fields the form does not name after, as stored."""
    order = field_order(kind) if kind else {}
    return sorted(values.items(), key=lambda item: order.get(item[0], len(order)))


def detail_text(detail: str | None, kind: str | None = None) -> str:
    """What changed: `field: old → new` for each changed field, in the order of the record's form (`kind`, see
    `FORM_COMMANDS`), the reason of a deletion; older rows (the changed fields' names, a count) are shown as
    they are."""
    from .i18n import t

    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return ", ".join(_field(name.strip()) for name in detail.split(",")) if "," in detail or detail.isidentifier() \
            else detail
    if not isinstance(data, dict):
        return detail
    parts = []
    old, new = dict(_in_form_order(data.get("old") or {}, kind)), dict(_in_form_order(data.get("new") or {}, kind))
    if old and new:
        parts += [f"{_field(k)}: {_value(k, old.get(k))} → {_value(k, new.get(k))}" for k in new]
    elif new:
        parts += [f"{_field(k)}: {_value(k, v)}" for k, v in new.items() if v not in (None, [], "", False)]
    elif old:
        parts.append(t("history.removed", values="; ".join(
            f"{_field(k)}: {_value(k, v)}" for k, v in old.items() if v not in (None, [], "", False))))
    if data.get("reason"):
        parts.append(t("history.reason", reason=data["reason"]))
    return " / ".join(parts)


def history_rows(history: list[dict]) -> list[dict]:
    """The rows `show-client --history` prints: at (local), who, action, record, detail."""
    return [{"at": local_time(h["at"]), "who": h["who"], "action": action_text(h["action"]),
             "record": record_text(h.get("record")),
             "detail": detail_text(h.get("detail"), (h.get("record") or "").partition(":")[0] or None)}
            for h in history]


def _field(name: str) -> str:
    from .i18n import label

    return label(name)


def _value(field: str, value) -> str:
    from .i18n import language, t

    if value is None or value == "" or value == []:
        return t("history.empty")
    if isinstance(value, bool):
        return t("history.true" if value else "history.false")
    if isinstance(value, list):
        return ("・" if language() == "ja" else "+").join(_code(field, v) for v in value) or t("history.empty")
    return _code(field, str(value))


def _code(field: str, value: str) -> str:
    """A coded value in its label (`workplace` → 職場), other values as they are."""
    from .names import COLUMN_KINDS, describe

    kind = COLUMN_KINDS.get(field)
    return (describe(f"{value}:{kind}") or value) if kind else value
