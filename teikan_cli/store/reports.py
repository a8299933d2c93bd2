"""The month's 支援レポート as shared (SPEC §4 rule 4, §11)."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..dates import Month
from ..models import SharedReport

RECIPIENTS = ("client", "employer", "agency")


class ReportQueries:
    def save_shared_report(self, report: SharedReport) -> None:
        old = self.load_shared_report(report.client_id, report.month)
        self.conn.execute(
            "INSERT INTO shared_reports (client_id, month, date, method) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (client_id, month) DO UPDATE SET date = excluded.date, method = excluded.method",
            (report.client_id, report.month, report.date.isoformat(), report.method),
        )
        self.conn.execute("DELETE FROM shared_report_recipients WHERE client_id = ? AND month = ?",
                          (report.client_id, report.month))
        self.conn.executemany(
            "INSERT INTO shared_report_recipients (client_id, month, recipient) VALUES (?, ?, ?)",
            [(report.client_id, report.month, r) for r in report.recipients])
        new = _record(report)
        self.audit("share-report", report.client_id, f"report:{report.month}",
                   old=_record(old) if old else None, new=new)

    def load_shared_report(self, client_id: int, month: str) -> SharedReport | None:
        found = self.load_shared_reports(client_id).get(month)
        return found

    def load_shared_reports(self, client_id: int) -> dict[str, SharedReport]:
        recipients: dict[str, list[str]] = {}
        for month, recipient in self.conn.execute(
                "SELECT month, recipient FROM shared_report_recipients WHERE client_id = ?", (client_id,)):
            recipients.setdefault(month, []).append(recipient)
        return {
            month: SharedReport(client_id, month, date.fromisoformat(day),
                                tuple(r for r in RECIPIENTS if r in recipients.get(month, ())), method)
            for month, day, method in self.conn.execute(
                "SELECT month, date, method FROM shared_reports WHERE client_id = ? ORDER BY month", (client_id,))
        }

    def month_shared(self, month: Month, as_of: date) -> dict[int, str]:
        """Clients whose support report for `month` was shared on or before `as_of`, with the day it was (ISO
        text). Read once per `read()` snapshot: a report's rows and its findings both ask."""
        key = ("shared", month, as_of)
        if self.snapshot is not None and key in self.snapshot:
            return self.snapshot[key]
        found = dict(self.conn.execute("SELECT client_id, date FROM shared_reports WHERE month = ? AND date <= ?",
                                       (str(month), as_of.isoformat())))
        if self.snapshot is not None:
            self.snapshot[key] = found
        return found

    def load_reports_shared(self, months: Iterable[Month], as_of: date) -> frozenset[tuple[int, Month]]:
        """(client, month) pairs whose support report was shared on or before `as_of`."""
        return frozenset((cid, month) for month in set(months) for cid in self.month_shared(month, as_of))


def _record(report: SharedReport) -> dict:
    return {"date": report.date.isoformat(), "recipients": list(report.recipients), "method": report.method}
