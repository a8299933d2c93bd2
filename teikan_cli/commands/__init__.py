"""Command modules, one per noun. Each defines `register(app)`; keep their top-level imports light."""

from __future__ import annotations


class _State:
    """Global options of this run (set by the app callback)."""

    db_option: str | None = None


state = _State()

from . import clients, visits, staff, plans, reports, data, demo, rate, daily  # noqa: E402

MODULES = (clients, visits, staff, plans, reports, data, demo, rate, daily)
