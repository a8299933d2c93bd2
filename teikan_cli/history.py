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


def detail_text(detail: str | None) -> str:
    """What changed: `field: old → new` for each changed field, the reason of a deletion; older rows (the
    changed fields' names, a count) are shown as they are."""
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
    old, new = data.get("old") or {}, data.get("new") or {}
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
             "record": record_text(h.get("record")), "detail": detail_text(h.get("detail"))} for h in history]


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
