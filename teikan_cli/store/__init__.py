"""The SQLite file, and every SQL statement teikan runs, one module per noun.

`Store` is an open database: the connection and its transactions (`connection.py`) with the statements of each
noun mixed in. Nothing outside this package writes SQL.
"""

from __future__ import annotations

from .audit import AuditQueries
from .bulk import BulkQueries
from .clients import ClientQueries
from .connection import StoreBase, check_header, is_disk_full, make_private_folders, open_store, resolve_path
from .contacts import ContactQueries
from .handovers import HandoverQueries
from .office import OfficeQueries
from .plans import PlanQueries
from .reports import ReportQueries
from .safety import SafetyQueries
from .snapshot import SnapshotQueries
from .staff import StaffQueries


class Store(StoreBase, AuditQueries, OfficeQueries, ClientQueries, ContactQueries, StaffQueries, PlanQueries,
            ReportQueries, HandoverQueries, SnapshotQueries, BulkQueries, SafetyQueries):
    """An open teikan database."""


__all__ = ["Store", "open_store", "resolve_path", "make_private_folders", "check_header", "is_disk_full"]
