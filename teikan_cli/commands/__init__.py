"""Command modules, one per noun. Each defines `register(app)`; keep their top-level imports light.

`catalog.py` says which module registers which command, so a run builds only the module it needs.
"""

from __future__ import annotations

import importlib


class _State:
    """Global options of this run (set by the app callback)."""

    db_option: str | None = None


state = _State()

# Order of registration = order in `teikan --help`.
MODULE_NAMES = ("clients", "visits", "staff", "plans", "support_report", "reports", "daily", "rate", "transfer",
                "safety", "demo")


def load_modules(names: tuple[str, ...] | None = None) -> list:
    """The command modules to register (all of them by default), imported on demand."""
    return [importlib.import_module(f"{__name__}.{name}") for name in (names or MODULE_NAMES)]
