"""The check registry (SPEC §4, §6): named, ordered, pure rules over one caseload snapshot.

A *month rule* looks at one month (`Context.month`) and runs once per month in scope; a *dated rule*
looks at `as_of` and runs once per run, over every client not ended before `as_of`. Each returns a
list of `Finding`s. No I/O here: the caseload, the staffing and "now" are all passed in.

Decisions where SPEC is silent (docs/checks.md documents them):
- dated-rule findings carry the month of `as_of`;
- `grant-expired` is a month rule: the client was in service on a day of the month after `grant_until`, counting
  the days up to `as_of` (so it fires for the month of `as_of` once `as_of` is past the grant, as before);
- `center-cooperation-unplanned` compares each center contact with the latest plan dated on or before it;
- `plan-missing` is due on the 30th day after `support_start` (start + 30 days);
- the office-wide staffing rules say nothing while the office has no user at all (利用者数 0, nobody active).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable

from .dates import Month, add_months, last_day_up_to, period_end, share_deadline, support_end
from .models import Caseload, Client, Finding, Handover, MonthActivity
from .staffing import Staffing

ERROR, WARNING = "error", "warning"
_ONE_DAY = timedelta(days=1)
_NO_ACTIVITY = MonthActivity()


@dataclass(frozen=True)
class Settings:
    within: int = 90  # handover-due look-ahead, days (SPEC §6 --within)
    remind_days: int = 7  # month-end reminder window, days (SPEC §6 --remind-days)
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
    # Per-run memo (clients active in a month, activity by month), shared by the contexts of one run.
    memo: dict = field(default_factory=dict, compare=False, repr=False)


    def activity(self, client: Client, month: Month) -> MonthActivity:
        return self.activity_in(month).get(client.id, _NO_ACTIVITY)

    def activity_in(self, month: Month) -> dict[int, MonthActivity]:
        """The month's activity by client id (indexed once per run)."""
        key = ("activity", month)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = {cid: act for (cid, m), act in self.caseload.activity.items() if m == month}
        return found

    def clients_active_in(self, month: Month) -> list[Client]:
        """SPEC §4.2: started by the month's last day and not ended before its first day (computed once a run)."""
        key = ("active", month)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [c for c in self.caseload.clients if c.active_in(month)]
        return found

    def current_clients(self) -> list[Client]:
        """Clients not ended before `as_of` (the scope of dated rules, SPEC §6)."""
        return [c for c in self.caseload.clients if c.ended_on is None or c.ended_on >= self.as_of]


def _finding(rule: str, severity: str, client: Client | None, when: Month | date | None, **params) -> Finding:
    label = None if when is None else (str(when) if isinstance(when, Month) else f"{when.year:04d}-{when.month:02d}")
    if client is not None:
        params.setdefault("name", client.name)
    return Finding(rule, severity, client.id if client else None, label, params, client.name if client else None)


def month_phase(month: Month, as_of: date, remind_days: int) -> str | None:
    """`over` after the month; `reminding` in its last `remind_days` days; otherwise None (nothing to say yet).

    With the default 7 days, reminding starts on the 24th of a 30-day month and the 25th of a 31-day month.
    """
    if as_of > month.last:
        return "over"
    if month.first <= as_of and as_of.day > month.days - remind_days:
        return "reminding"
    return None


def _monthly_duty(ctx: Context, pending: str, missing: str, missing_severity: str,
                  done: Callable[[Client, Month], bool]) -> list[Finding]:
    month = ctx.month
    phase = month_phase(month, ctx.as_of, ctx.settings.remind_days)
    if phase is None:
        return []
    rule, severity = (missing, missing_severity) if phase == "over" else (pending, WARNING)
    label, days_left = str(month), (month.last - ctx.as_of).days
    return [
        Finding(rule, severity, c.id, label, {"month": label, "days_left": days_left, "name": c.name}, c.name)
        for c in ctx.clients_active_in(month)
        if not done(c, month)
    ]


def _staffing_of(ctx: Context) -> Staffing | None:
    """The month's staffing, or None when there is nothing to staff (no user last year, nobody this month)."""
    staffing = ctx.staffing.get(ctx.month)
    if staffing is None or (staffing.users == 0 and staffing.active_in_month == 0):
        return None
    return staffing


# ---------------------------------------------------------------- month rules


def face_to_face_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 第14の2 注 / 留意事項通知: 月1回以上の対面支援 (billing condition).
    activity = ctx.activity_in(ctx.month)
    return _monthly_duty(ctx, "face-to-face-pending", "face-to-face-missing", ERROR,
                         lambda c, m: activity.get(c.id, _NO_ACTIVITY).face > 0)


def support_report_findings(ctx: Context) -> list[Finding]:
    # 「就労定着支援の実施について」(2021): 支援レポートを本人・企業と共有 (billing condition).
    shared = {cid for cid, m in ctx.caseload.reports_shared if m == ctx.month}
    return _monthly_duty(ctx, "support-report-pending", "support-report-missing", ERROR,
                         lambda c, m: c.id in shared)


def employer_visit_findings(ctx: Context) -> list[Finding]:
    # 解釈通知 (障発第1206001号) 就労定着支援: 月1回以上の企業訪問に努める (effort duty: warning only).
    activity = ctx.activity_in(ctx.month)
    return _monthly_duty(ctx, "employer-visit-pending", "employer-visit-missing", WARNING,
                         lambda c, m: activity.get(c.id, _NO_ACTIVITY).employer > 0)


def supporter_ratio_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3 (従業者の員数): 就労定着支援員 常勤換算 ≥ 利用者数 ÷ 40 (解釈通知 障発第1206001号).
    staffing = _staffing_of(ctx)
    if staffing is None or staffing.supporter_ok:
        return []
    return [_finding("supporter-ratio", ERROR, None, ctx.month, fte=fmt_number(staffing.supporter_fte, 1),
                     required=fmt_number(staffing.supporter_fte_required),
                     users=fmt_number(staffing.users, 1), hours=fmt_number(staffing.supporter_shortfall_hours, 1))]


def manager_ratio_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3 (従業者の員数): サービス管理責任者 1 up to 60 users, +1 per 40 or part; one full time.
    staffing = _staffing_of(ctx)
    if staffing is None or staffing.manager_ok:
        return []
    return [_finding("manager-ratio", ERROR, None, ctx.month, managers=staffing.managers,
                     required=staffing.managers_required, fulltime=staffing.managers_fulltime)]


def dual_role_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第206条の3 (専従) vs 解釈通知 (支障がない場合の兼務): sources differ on counting one person twice.
    staffing = _staffing_of(ctx)
    if staffing is None:
        return []
    return [_finding("dual-role", WARNING, None, ctx.month, staff=name) for name in staffing.dual_role]


def center_cooperation_findings(ctx: Context) -> list[Finding]:
    # 「障害者就業・生活支援センターと就労定着支援事業所の関係について」(2018) 2: the center may help only
    # once the cooperation is written into the individual plan. Compared with the latest plan on or before
    # each center contact.
    findings = []
    activity = ctx.activity_in(ctx.month)
    for c in ctx.clients_active_in(ctx.month):
        contacts = activity.get(c.id, _NO_ACTIVITY).center_contacts
        if not contacts:
            continue
        plans = ctx.caseload.plans.get(c.id, ())
        unplanned = set()
        for day, reason in contacts:
            latest = latest_plan(plans, day)
            if latest is None or reason not in latest.center_cooperation:
                unplanned.add(reason or "-")
        if unplanned:
            findings.append(_finding("center-cooperation-unplanned", WARNING, c, ctx.month,
                                     reasons=", ".join(sorted(unplanned))))
    return findings


# ---------------------------------------------------------------- dated rules


# The handover states with nothing left to do or to report: no finding, no line in the handover lists.
SETTLED = ("shared", "not-needed")


def handover_state(handover: Handover | None, client: Client) -> str:
    """The handover's state (SPEC §4 rule 7; 留意事項通知 2024改定 支援体制構築未実施減算): information shared only
    with the client's consent given first, by the share deadline, unless the office judged it not needed."""
    return handover_state_by(handover, share_deadline_of(client))


def handover_state_by(handover: Handover | None, deadline: date) -> str:
    """`handover_state` given the client's share deadline."""
    if handover is None:
        return "not-started"
    if handover.not_needed:
        return "not-needed"
    if handover.shared_date is not None:
        if handover.consent_date is None or handover.consent_date > handover.shared_date:
            return "shared-without-consent"
        return "shared" if handover.shared_date <= deadline else "shared-late"
    return "consented" if handover.consent_date is not None else "not-started"


def handover_findings(ctx: Context) -> list[Finding]:
    # 留意事項通知 (2024改定) 支援体制構築未実施減算: with consent, share the client's information with the
    # receiving bodies no later than three months before the period ends, unless judged not needed.
    findings = []
    for c in ctx.current_clients():
        handover = ctx.caseload.handovers.get(c.id)
        state = handover_state(handover, c)
        if state in SETTLED:
            continue
        if handover is not None and handover.consent_date is None:
            findings.append(_finding("handover-consent-missing", WARNING, c, ctx.as_of))
        deadline = share_deadline_of(c)
        days = (deadline - ctx.as_of).days
        if days < 0:
            # A share after the deadline ends the error with the month of the share (the reduction stays: report).
            if state != "shared-late" or Month.of(ctx.as_of) <= Month.of(handover.shared_date):
                findings.append(_finding("handover-late", ERROR, c, ctx.as_of, deadline=deadline.isoformat(),
                                         days=-days))
        elif days <= ctx.settings.within and state != "shared-late":
            findings.append(_finding("handover-due", WARNING, c, ctx.as_of, deadline=deadline.isoformat(), days=days))
    return findings


def handover_reduction_findings(caseload: Caseload, month: Month, as_of: date) -> list[Finding]:
    """`handover-reduction-risk` (report only, SPEC §6): one per client in service in `month` whose share
    deadline passed by the month's end (or `as_of`) without a share on time: late, or shared late through the
    month of the share (留意事項通知 2024改定 支援体制構築未実施減算, −10%)."""
    cutoff = min(month.last, as_of)
    findings = []
    for client in caseload.clients:
        if not client.active_in(month):
            continue
        deadline = share_deadline_of(client)
        if deadline >= cutoff or (client.ended_on is not None and client.ended_on <= deadline):
            continue
        handover = caseload.handovers.get(client.id)
        state = handover_state(handover, client)
        if state in SETTLED or (state == "shared-late" and Month.of(handover.shared_date) < month):
            continue
        findings.append(_finding("handover-reduction-risk", WARNING, client, month, deadline=deadline.isoformat()))
    return findings


def period_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 第14の2 / 留意事項通知 (障発第1031001号): 利用期間は3年を上限 (民法 §143 for the last day).
    return [
        _finding("period-exceeded", ERROR, c, ctx.as_of, support_end=c.support_end.isoformat())
        for c in ctx.current_clients()
        if ctx.as_of > c.support_end
    ]


def grant_findings(ctx: Context) -> list[Finding]:
    # 障害者総合支援法 第22条・第23条: the 支給決定期間 on the 受給者証 is about to end: renew it in time.
    return [
        _finding("grant-expiring", WARNING, c, ctx.as_of, grant_until=c.grant_until.isoformat(),
                 days=(c.grant_until - ctx.as_of).days)
        for c in ctx.current_clients()
        if c.grant_until is not None and 0 <= (c.grant_until - ctx.as_of).days <= ctx.settings.grant_days
    ]


def grant_to_renew(client: Client, as_of: date, days: int) -> bool:
    """`due`'s grant need: the grant ends within `days` of `as_of`, or has ended for a client who has started."""
    if client.grant_until is None:
        return False
    left = (client.grant_until - as_of).days
    return left <= days and (left >= 0 or client.support_start <= as_of)


def last_service_day(client: Client, month: Month, as_of: date) -> date | None:
    """The client's last day in service in `month` known on `as_of`, or None (no such day)."""
    last = min(month.last, client.support_end, as_of, client.ended_on or month.last)
    return last if last >= max(month.first, client.support_start) else None


def grant_expired_findings(ctx: Context) -> list[Finding]:
    # 障害者総合支援法 第22条・第23条 (SPEC §4 rule 8): service after the 支給決定期間 cannot be billed.
    month, findings = ctx.month, []
    for c in ctx.clients_active_in(month):
        if c.grant_until is None or c.grant_until >= month.last:
            continue
        last = last_service_day(c, month, ctx.as_of)
        if last is not None and last > c.grant_until:
            findings.append(_finding("grant-expired", ERROR, c, month, grant_until=c.grant_until.isoformat()))
    return findings


@lru_cache(maxsize=8192)
def _share_deadline(end: date) -> date:
    return share_deadline(end)


def share_deadline_of(client: Client) -> date:
    """`client.share_deadline`, memoised by period end (thousands of clients share a few hundred dates)."""
    return _share_deadline(client.support_end)


@lru_cache(maxsize=8192)
def plan_review_due(plan_date: date, months: int = 6) -> date:
    """Last day a plan made on `plan_date` is current: six months, 初日不算入 (民法 §140, §143).

    >>> plan_review_due(date(2025, 1, 15))
    datetime.date(2025, 7, 15)
    >>> plan_review_due(date(2025, 2, 28))
    datetime.date(2025, 8, 31)
    """
    return period_end(plan_date + timedelta(days=1), months)


def plan_due(support_start: date, days: int = 30) -> date:
    """The day a first plan is overdue without one: `days` days after the support start."""
    return support_start + timedelta(days=days)


def latest_plan(plans, day: date):
    """The latest plan dated on or before `day` (plans are oldest first), or None."""
    found = None
    for plan in plans:
        if plan.date > day:
            break
        found = plan
    return found


def agreed_plans(plans, day: date) -> list:
    """The versions agreed by the client (本人の同意) on or before `day`, oldest first."""
    return [p for p in plans if p.consent_date is not None and p.consent_date <= day]


def latest_agreed_plan(plans, day: date):
    """The plan in force on `day`: the latest version agreed on or before it (a draft never agreed is not)."""
    agreed = agreed_plans(plans, day)
    return agreed[-1] if agreed else None


def review_due(plan, months: int = 6) -> date:
    """The day a plan must be reviewed by: six months on (民法 §140, §143), or its own `next_review` if earlier."""
    due = plan_review_due(plan.date, months)
    return min(due, plan.next_review) if plan.next_review is not None else due


def plan_findings(ctx: Context) -> list[Finding]:
    # 基準省令 第58条 (個別支援計画の作成等, 就労定着支援に準用): 作成し、少なくとも6月に1回以上見直す; the plan
    # counts once explained to and agreed by the client (同条第7項: 文書により利用者の同意を得る).
    findings = []
    for c in ctx.current_clients():
        if c.support_start > ctx.as_of:
            continue
        latest = latest_agreed_plan(ctx.caseload.plans.get(c.id, ()), ctx.as_of)
        if latest is None:
            due = plan_due(c.support_start, ctx.settings.plan_first_days)
            if ctx.as_of >= due:
                findings.append(_finding("plan-missing", WARNING, c, ctx.as_of, due=due.isoformat()))
            continue
        current_until = review_due(latest, ctx.settings.plan_review_months)
        if ctx.as_of > current_until:
            findings.append(_finding("plan-review-overdue", WARNING, c, ctx.as_of, plan=latest.date.isoformat(),
                                     due=current_until.isoformat()))
    return findings


DELIVERY_DAYS = 14  # SPEC §6 plan-not-delivered: the plan handed over within 14 days of the consent


def delivery_due(plan) -> date:
    return plan.consent_date + timedelta(days=DELIVERY_DAYS)


def plan_delivery_findings(ctx: Context) -> list[Finding]:
    # R6 Q&A VOL.1 問82 / 基準省令 第58条第8項 (準用): the agreed plan is handed (交付) to the client and to the
    # client's 相談支援事業所; a warning once 14 days have passed since the consent without it.
    findings = []
    for c in ctx.current_clients():
        latest = latest_agreed_plan(ctx.caseload.plans.get(c.id, ()), ctx.as_of)
        if latest is not None and latest.delivered_date is None and ctx.as_of > delivery_due(latest):
            findings.append(_finding("plan-not-delivered", WARNING, c, ctx.as_of, plan=latest.date.isoformat(),
                                     consent=latest.consent_date.isoformat(), due=delivery_due(latest).isoformat()))
    return findings


def plan_agreed_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 個別支援計画未作成減算 (就労定着支援に準用される基準省令 第58条): each month of service from the
    # second needs a plan agreed by the client by the month's end. Said once the month is over.
    month = ctx.month
    if ctx.as_of <= month.last:
        return []
    findings = []
    for c in ctx.clients_active_in(month):
        if Month.of(c.support_start) >= month:
            continue  # the month of support_start is exempt: the plan is made in it
        if not agreed_plans(ctx.caseload.plans.get(c.id, ()), month.last):
            findings.append(_finding("plan-not-agreed", ERROR, c, month, month=str(month)))
    return findings


def employment_findings(ctx: Context) -> list[Finding]:
    # 報酬告示 第14の2 (通常の事業所に雇用された者への支援): the service presupposes employment (SPEC §4 rule 10).
    from .rate import effective_employment_end

    findings = []
    for c in ctx.current_clients():
        if not c.support_start <= ctx.as_of <= c.support_end:
            continue
        left = effective_employment_end(c)
        if left is not None and left < ctx.as_of:
            findings.append(_finding("employment-ended", WARNING, c, ctx.as_of, employment_end=left.isoformat()))
    return findings


# ---------------------------------------------------------------- the scope of a run


@dataclass(frozen=True)
class Scope:
    """Which clients a run could report on, as bounds the store turns into one set-based read.

    Kept for speed (SPEC §9): a national `check` reads some hundreds of its 20,000 clients instead of all of
    them (about 1.0 s → 0.4 s, measured; see docs/benchmark.md). It is a superset: a client outside it cannot
    have a finding, a handover row or a reduction risk, so the rules above still decide exactly on what is
    loaded. `tests/test_scope.py` compares scoped and full runs on seeded offices for many dates.
    """

    as_of: date
    since: date  # clients ended before this day are out of every rule
    duty_months: tuple[tuple[Month, date], ...]  # (month, last day counted) whose duties are due or over
    over_months: tuple[Month, ...]  # months over: plan-not-agreed
    span: tuple[date, date] | None  # center contacts in these days (center-cooperation)
    start_by: date  # handover rules and lists: support_start on or before this day
    dated: bool  # the dated rules run: the bounds below apply
    period_by: date  # period rule: support_start on or before this day (the period is over before `as_of`)
    grant_by: date  # grant-expiring: grant_until on or before this day
    grant_before: date | None  # grant-expired: grant_until before this day (the last day counted of the months)
    plan_from: date  # plan rules: an agreed plan from this day to `as_of` keeps a client out


def last_start_due_by(day: date) -> date:
    """The latest `support_start` whose handover share deadline falls on or before `day` (the deadline never
    decreases as the start moves later)."""
    return last_day_up_to(share_deadline_of_start, day)


def last_start_ending_before(day: date) -> date:
    """The latest `support_start` whose three years end before `day` (`support_end` never decreases)."""
    return last_day_up_to(support_end, day - _ONE_DAY)


def share_deadline_of_start(start: date) -> date:
    return _share_deadline(support_end(start))


def first_current_plan(as_of: date, months: int = 6) -> date:
    """The earliest plan date still current on `as_of` (`plan_review_due` never decreases with the plan date)."""
    return last_day_up_to(lambda day: plan_review_due(day, months), as_of - _ONE_DAY) + _ONE_DAY


def finding_scope(months: list[Month], as_of: date, settings: Settings = Settings(), dated: bool = True,
                  handover_days: int = 90) -> Scope:
    """The `Scope` of `run_rules(months, as_of, settings, dated)`, widened to what `report` lists besides
    (`handovers_due` within `handover_days`, the reduction risks)."""
    months = sorted(set(months))
    since = min([as_of] + [m.first for m in months])
    duties = tuple((m, min(m.last, as_of)) for m in months if month_phase(m, as_of, settings.remind_days))
    span = None
    if months and min(months[-1].last, as_of) >= months[0].first:
        span = (months[0].first, min(months[-1].last, as_of))
    start_by = last_start_due_by(as_of + timedelta(days=max(settings.within, handover_days)))
    counted = [min(m.last, as_of) for m in months if min(m.last, as_of) >= m.first]
    return Scope(as_of, since, duties, tuple(m for m in months if as_of > m.last), span, start_by, dated,
                 last_start_ending_before(as_of), as_of + timedelta(days=settings.grant_days),
                 max(counted) if counted else None, first_current_plan(as_of, settings.plan_review_months))


# ---------------------------------------------------------------- the registry

RuleFunction = Callable[[Context], list[Finding]]


@dataclass(frozen=True)
class Rule:
    """One entry of the registry: the codes it can emit (with their severity), its scope and its function."""

    name: str
    codes: tuple[tuple[str, str], ...]  # (rule code, severity)
    scope: str  # month | dated
    check: RuleFunction


# Order is the order findings are listed in within a severity (errors are sorted first).
RULES: tuple[Rule, ...] = (
    Rule("face-to-face", (("face-to-face-pending", WARNING), ("face-to-face-missing", ERROR)), "month",
         face_to_face_findings),
    Rule("support-report", (("support-report-pending", WARNING), ("support-report-missing", ERROR)), "month",
         support_report_findings),
    Rule("employer-visit", (("employer-visit-pending", WARNING), ("employer-visit-missing", WARNING)), "month",
         employer_visit_findings),
    Rule("supporter-ratio", (("supporter-ratio", ERROR),), "month", supporter_ratio_findings),
    Rule("manager-ratio", (("manager-ratio", ERROR),), "month", manager_ratio_findings),
    Rule("dual-role", (("dual-role", WARNING),), "month", dual_role_findings),
    Rule("center-cooperation", (("center-cooperation-unplanned", WARNING),), "month", center_cooperation_findings),
    Rule("handover", (("handover-due", WARNING), ("handover-consent-missing", WARNING), ("handover-late", ERROR)),
         "dated", handover_findings),
    Rule("period", (("period-exceeded", ERROR),), "dated", period_findings),
    Rule("grant", (("grant-expiring", WARNING),), "dated", grant_findings),
    Rule("grant-expired", (("grant-expired", ERROR),), "month", grant_expired_findings),
    Rule("plan", (("plan-missing", WARNING), ("plan-review-overdue", WARNING)), "dated", plan_findings),
    Rule("plan-agreed", (("plan-not-agreed", ERROR),), "month", plan_agreed_findings),
    Rule("plan-delivered", (("plan-not-delivered", WARNING),), "dated", plan_delivery_findings),
    Rule("employment", (("employment-ended", WARNING),), "dated", employment_findings),
    Rule("handover-reduction", (("handover-reduction-risk", WARNING),), "report",
         lambda ctx: handover_reduction_findings(ctx.caseload, ctx.month, ctx.as_of)),
)
RULE_CODES: tuple[str, ...] = tuple(code for rule in RULES for code, _ in rule.codes)
RULE_SEVERITY: dict[str, str] = {code: severity for rule in RULES for code, severity in rule.codes}
# The older tuple views of the registry, for callers that only need (codes, function).
MONTH_RULES = tuple((tuple(c for c, _ in r.codes), r.check) for r in RULES if r.scope == "month")
DATED_RULES = tuple((tuple(c for c, _ in r.codes), r.check) for r in RULES if r.scope == "dated")


def registration_findings(client: Client, as_of: date) -> list[Finding]:
    """What `add-client` says of a client at once: a period already over (`period-exceeded`, SPEC §12)."""
    from .models import Office

    return period_findings(Context(Caseload(office=Office(), clients=(client,)), as_of))


def report_findings(caseload: Caseload, month: Month, as_of: date) -> list[Finding]:
    """The findings only the monthly report lists (scope `report`: `handover-reduction-risk`)."""
    ctx = Context(caseload, as_of, Settings(), month)
    return [f for rule in RULES if rule.scope == "report" for f in rule.check(ctx)]


def run_rules(caseload: Caseload, months: list[Month], as_of: date, settings: Settings = Settings(),
              staffing: dict[Month, Staffing] | None = None, dated: bool = True) -> list[Finding]:
    """All findings for `months` plus (with `dated`) the dated rules at `as_of`, in `sort_findings` order."""
    staffing = staffing or {}
    memo: dict = {}
    findings: list[Finding] = []
    for month in months:
        ctx = Context(caseload, as_of, settings, month, staffing, memo)
        for rule in RULES:
            if rule.scope == "month":
                findings.extend(rule.check(ctx))
    if dated:
        ctx = Context(caseload, as_of, settings, None, staffing, memo)
        for rule in RULES:
            if rule.scope == "dated":
                findings.extend(rule.check(ctx))
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first; then by month, office-wide before clients, client id, registry order."""
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


def fmt_number(value, places: int | None = None) -> str:
    """A Fraction as text: `places` fixed decimals, or exact up to four decimals without trailing zeros."""
    if places is not None:
        return f"{float(value):.{places}f}"
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text or "0"


__all__ = ["RULES", "RULE_CODES", "RULE_SEVERITY", "Rule", "Settings", "Context", "run_rules", "check_months",
           "sort_findings", "month_phase", "plan_review_due", "plan_due", "latest_plan", "add_months", "fmt_number"]
