"""Command modules, one per noun. Each defines `register(app)`; keep their top-level imports light."""

from __future__ import annotations


class _State:
    """Global options of this run (set by the app callback)."""

    db_option: str | None = None


state = _State()

from . import (  # noqa: E402
    clients,
    daily,
    demo,
    plans,
    rate,
    reports,
    safety,
    staff,
    support_report,
    transfer,
    visits,
)

# Order of registration = order in `teikan --help`.
MODULES = (clients, visits, staff, plans, support_report, reports, daily, rate, transfer, safety, demo)
