"""history.py: a record's fields in `show-client --history` follow the form that records them (SPEC §12)."""

from __future__ import annotations

import json

import pytest

from teikan_cli.history import detail_text, history_rows
from teikan_cli.i18n import set_language

PLAN = json.dumps({"new": {"center_cooperation": ["advice"], "consent_date": "2025-04-20", "date": "2025-04-15",
                           "delivered_date": "2025-04-23", "delivered_to": ["client"], "items": ["面談"],
                           "long_goal": "長く働く", "next_review": "2025-10-14", "short_goal": "週1回伝える"}},
                  ensure_ascii=False, sort_keys=True)  # as the audit row stores it


@pytest.mark.parametrize("kind, detail, text", [
    ("plan", PLAN, "日付: 2025-04-15 / 同意日: 2025-04-20 / 交付日: 2025-04-23 / 交付先: 本人 / 長期目標: 長く働く / "
                   "短期目標: 週1回伝える / 支援内容: 面談 / 次回見直し: 2025-10-14 / センター連携: 助言"),
    ("contact", json.dumps({"old": {"minutes": 30, "date": "2025-06-01", "types": ["face"]},
                            "new": {"minutes": 60, "date": "2025-06-02", "types": ["face", "employer"]}}, sort_keys=True),
     "日付: 2025-06-01 → 2025-06-02 / 支援内容: 対面支援 → 対面支援・企業訪問 / 分: 30 → 60"),
    ("report", json.dumps({"new": {"date": "2025-11-05", "method": "paper", "recipients": ["client"]}}, sort_keys=True),
     "日付: 2025-11-05 / 共有先: 本人 / 共有方法: 紙"),
    ("handover", json.dumps({"new": {"center": "かけはし", "consent_date": "2026-09-18", "note": "顔合わせ",
                                     "shared_date": "2026-09-20"}}, ensure_ascii=False, sort_keys=True),
     "支援センター: かけはし / 同意日: 2026-09-18 / 共有日: 2026-09-20 / メモ: 顔合わせ"),
    (None, json.dumps({"new": {"b": "2", "a": "1"}}), "b: 2 / a: 1"),  # no form: as stored
])
def test_fields_follow_the_form(kind, detail, text):
    set_language("ja")
    assert detail_text(detail, kind) == text


def test_history_rows_take_the_kind_from_the_record():
    set_language("en")
    row = history_rows([{"at": "2025-04-15T01:00:00+00:00", "who": "佐藤", "action": "plan", "record": "plan:1",
                         "detail": PLAN}])[0]
    assert row["detail"].startswith("Date: 2025-04-15 / Consent: 2025-04-20 / ")
    assert row["detail"].endswith("Next review: 2025-10-14 / Center cooperation: advice")
