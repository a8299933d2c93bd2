"""Command modules, one per noun; each command is a top-level function, listed in `catalog.py` (which module,
which function) and described in the help catalogue (`helptext.py`). Keep their top-level imports light."""

from __future__ import annotations


class _State:
    """Global options of this run (set by the app callback)."""

    db_option: str | None = None


state = _State()
