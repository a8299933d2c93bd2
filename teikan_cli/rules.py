"""The check registry (SPEC §4, §6): named, ordered, pure rules over one caseload snapshot.

A month rule looks at one month (`Context.month`); a dated rule looks at `as_of` and runs once.
Each returns a list of `Finding`s. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from .dates import Month, add_months, period_end
from .models import Caseload, Client, Finding, MonthActivity
from .staffing import Staffing

ERROR, WARNING = "error", "warning"
_NO_ACTIVITY = MonthActivity()


@dataclass(frozen=True)
class Settings:
    within: int = 90  # handover-due look-ahead, days
    remind_days: int = 7  # month-end reminder window, days
    grant_days: int = 30  # grant-expiring look-ahead, days (SPEC §4.8)
    plan_first_days: int = 30  # plan-missing after support start, days (SPEC §4.9)
    plan_review_months: int = 6  # plan-review-overdue, months (SPEC §4.9)


@dataclass(frozen=True)
class Context:
    caseload: Caseload
    as_of: date
    settings: Settings = Settings()
    month: Month | None = None
    staffing: dict[Month, Staffing] = field(default_factory=dict)

    def activity(self, client: Client, month: Month) -> MonthActivity:
        return self.caseload.activity.get((client.id, month), _NO_ACTIVITY)

    def clients_active_in(self, month: Month) -> list[Client]:
        return [c for c in self.caseload.clients if c.active_in(month)]

    def current_clients(self) -> list[Client]:
        """Clients not ended before `as_of` (the scope of dated rules, SPEC §6)."""
        return [c for c in self.caseload.clients if c.ended_on is None or c.ended_on >= self.as_of]


def _finding(rule: str, severity: str, client: Client | None, month: Month | date | None, **params) -> Finding:
    label = None if month is None else (str(month) if isinstance(month, Month) else str(Month.of(month)))
    if client is not None:
        params.setdefault("name", client.name)
    return Finding(rule, severity, client.id if client else None, label, params, client.name if client else None)


def _month_phase(month: Month, as_of: date, remind_days: int) -> str | None:
    """`over` after the month; `reminding` in its last `remind_days` days; otherwise nothing to say yet."""
    if as_of > month.last:
        return "over"
    if month.first <= as_of and as_of.day > month.days - remind_days:
        return "reminding"
    return None


def _monthly_duty(ctx: Context, pending: str, missing: str, missing_severity: str, done: Callable) -> list[Finding]:
    month = ctx.month
    phase = _month_phase(month, ctx.as_of, ctx.settings.remind_days)
    if phase is None:
        return []
    rule, severity = (missing, missing_severity) if phase == "over" else (pending, WARNING)
    return [
        _finding(rule, severity, c, month, month=str(month), days_left=(month.last - ctx.as_of).days)
        for c in ctx.clients_active_in(month)
        if not done(c, month)
    ]


# ---------------------------------------------------------------- month rules


def face_to_face_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 第14の2 注1 / 留意事項通知: 月1回以上の対面支援 (billing condition).
    return _monthly_duty(ctx, "face-to-face-pending", "face-to-face-missing", ERROR,
                         lambda c, m: ctx.activity(c, m).face > 0)


def support_report_findings(ctx: Context) -> list[Finding]:
    # 「就労定着支援の実施について」(2021): 支援レポートを本人・企業と共有 (billing condition).
    return _monthly_duty(ctx, "support-report-pending", "support-report-missing", ERROR,
                         lambda c, m: (c.id, m) in ctx.caseload.reports_shared)


def employer_visit_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の8 / 解釈通知: 月1回以上の企業訪問に努める (effort duty: warning only).
    return _monthly_duty(ctx, "employer-visit-pending", "employer-visit-missing", WARNING,
                         lambda c, m: ctx.activity(c, m).employer > 0)


def supporter_ratio_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3①二: 就労定着支援員 常勤換算 ≥ 利用者数 ÷ 40.
    staffing = ctx.staffing.get(ctx.month)
    if staffing is None or staffing.supporter_ok:
        return []
    return [_finding("supporter-ratio", ERROR, None, ctx.month, fte=f"{float(staffing.supporter_fte):.1f}",
                     required=_num(staffing.supporter_fte_required), users=f"{float(staffing.users):.1f}",
                     hours=_num(staffing.supporter_shortfall_hours))]


def manager_ratio_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3①三・⑤: サービス管理責任者 per 60/40 users, at least one full time.
    staffing = ctx.staffing.get(ctx.month)
    if staffing is None or staffing.manager_ok:
        return []
    return [_finding("manager-ratio", ERROR, None, ctx.month, managers=staffing.managers,
                     required=staffing.managers_required, fulltime=staffing.managers_fulltime)]


def dual_role_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3 vs 解釈通知: whether one person may count in both roles is read differently.
    staffing = ctx.staffing.get(ctx.month)
    if staffing is None:
        return []
    return [_finding("dual-role", WARNING, None, ctx.month, staff=name) for name in staffing.dual_role]


def center_cooperation_findings(ctx: Context) -> list[Finding]:
    # 「障害者就業・生活支援センターと就労定着支援事業所の関係について」(2018) 2: the cooperation must be in
    # the individual plan before the center helps.
    findings = []
    for c in ctx.clients_active_in(ctx.month):
        unplanned = set()
        for day, reason in ctx.activity(c, ctx.month).center_contacts:
            plans = [p for p in ctx.caseload.plans.get(c.id, ()) if p.date <= day]
            if not plans or reason not in plans[-1].center_cooperation:
                unplanned.add(reason or "-")
        if unplanned:
            findings.append(_finding("center-cooperation-unplanned", WARNING, c, ctx.month,
                                     reasons=", ".join(sorted(unplanned))))
    return findings


# ---------------------------------------------------------------- dated rules


def handover_findings(ctx: Context) -> list[Finding]:
    # 留意事項通知 (2024改定) 支援体制構築未実施減算: share with consent by three months before the end.
    findings = []
    for c in ctx.current_clients():
        handover = ctx.caseload.handovers.get(c.id)
        if handover is not None and handover.not_needed:
            continue
        if handover is not None and handover.consent_date is None:
            findings.append(_finding("handover-consent-missing", WARNING, c, ctx.as_of))
        if handover is not None and handover.shared_date is not None:
            continue
        deadline = c.share_deadline
        days = (deadline - ctx.as_of).days
        if days < 0:
            findings.append(_finding("handover-late", ERROR, c, ctx.as_of, deadline=deadline.isoformat(), days=-days))
        elif days <= ctx.settings.within:
            findings.append(_finding("handover-due", WARNING, c, ctx.as_of, deadline=deadline.isoformat(), days=days))
    return findings


def period_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 第14の2: 利用期間は3年を上限 (民法 §143 for the last day).
    return [
        _finding("period-exceeded", ERROR, c, ctx.as_of, support_end=c.support_end.isoformat())
        for c in ctx.current_clients()
        if ctx.as_of > c.support_end
    ]


def grant_findings(ctx: Context) -> list[Finding]:
    # 障害者総合支援法 第22条・第23条: service only within the 支給決定期間 on the 受給者証.
    findings = []
    for c in ctx.current_clients():
        if c.grant_until is None:
            continue
        days = (c.grant_until - ctx.as_of).days
        if days < 0 and c.support_start <= ctx.as_of:
            findings.append(_finding("grant-expired", ERROR, c, ctx.as_of, grant_until=c.grant_until.isoformat()))
        elif 0 <= days <= ctx.settings.grant_days:
            findings.append(_finding("grant-expiring", WARNING, c, ctx.as_of, grant_until=c.grant_until.isoformat(),
                                     days=days))
    return findings


def plan_review_due(plan_date: date, months: int = 6) -> date:
    """Last day a plan made on `plan_date` is current: six months, 初日不算入 (民法 §140, §143)."""
    return period_end(plan_date + timedelta(days=1), months)


def plan_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の12 (準用 第58条): 個別支援計画を作成し、少なくとも6月に1回以上見直す.
    findings = []
    for c in ctx.current_clients():
        if c.support_start > ctx.as_of:
            continue
        plans = [p for p in ctx.caseload.plans.get(c.id, ()) if p.date <= ctx.as_of]
        if not plans:
            due = c.support_start + timedelta(days=ctx.settings.plan_first_days)
            if ctx.as_of > due:
                findings.append(_finding("plan-missing", WARNING, c, ctx.as_of, due=due.isoformat()))
            continue
        due = plan_review_due(plans[-1].date, ctx.settings.plan_review_months)
        if ctx.as_of > due:
            findings.append(_finding("plan-review-overdue", WARNING, c, ctx.as_of, plan=plans[-1].date.isoformat(),
                                     due=due.isoformat()))
    return findings


def _num(value) -> str:
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"


Rule = Callable[[Context], list[Finding]]

# (codes, function, kind). Order is the order findings are listed in (errors are sorted first later).
MONTH_RULES: tuple[tuple[tuple[str, ...], Rule], ...] = (
    (("face-to-face-pending", "face-to-face-missing"), face_to_face_findings),
    (("support-report-pending", "support-report-missing"), support_report_findings),
    (("employer-visit-pending", "employer-visit-missing"), employer_visit_findings),
    (("supporter-ratio",), supporter_ratio_findings),
    (("manager-ratio",), manager_ratio_findings),
    (("dual-role",), dual_role_findings),
    (("center-cooperation-unplanned",), center_cooperation_findings),
)
DATED_RULES: tuple[tuple[tuple[str, ...], Rule], ...] = (
    (("handover-due", "handover-consent-missing", "handover-late"), handover_findings),
    (("period-exceeded",), period_findings),
    (("grant-expiring", "grant-expired"), grant_findings),
    (("plan-missing", "plan-review-overdue"), plan_findings),
)
RULE_CODES: tuple[str, ...] = tuple(code for codes, _ in MONTH_RULES + DATED_RULES for code in codes)


def run_rules(caseload: Caseload, months: list[Month], as_of: date, settings: Settings = Settings(),
              staffing: dict[Month, Staffing] | None = None, dated: bool = True) -> list[Finding]:
    """All findings for `months` plus the dated rules at `as_of`: errors first, then by month, client, rule."""
    base = Context(caseload, as_of, settings, None, staffing or {})
    findings: list[Finding] = []
    for month in months:
        ctx = Context(caseload, as_of, settings, month, base.staffing)
        for _codes, rule in MONTH_RULES:
            findings.extend(rule(ctx))
    if dated:
        for _codes, rule in DATED_RULES:
            findings.extend(rule(base))
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    order = {code: i for i, code in enumerate(RULE_CODES)}
    return sorted(
        findings,
        key=lambda f: (f.severity != ERROR, f.month or "", f.client_id is not None, f.client_id or 0,
                       order.get(f.rule, len(order))),
    )


def check_months(as_of: date, month: Month | None) -> list[Month]:
    """SPEC §6: the given month; else the month of `as_of`, plus the previous one up to the 10th (請求期限)."""
    if month is not None:
        return [month]
    current = Month.of(as_of)
    if as_of.day <= 10:
        return [current.shift(-1), current]
    return [current]


__all__ = ["RULE_CODES", "Settings", "Context", "run_rules", "check_months", "add_months", "plan_review_due"]
