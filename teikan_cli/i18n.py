"""Message catalogue (English, Japanese) and the language rule of SPEC §1.

`TEIKAN_LANG=ja` → Japanese; any other value → English; unset → the first of LC_ALL, LC_MESSAGES, LANG
that is set decides (starts with `ja` → Japanese).
"""

from __future__ import annotations

import os

_LANG: str | None = None


def language() -> str:
    global _LANG
    if _LANG is None:
        _LANG = detect_language(os.environ)
    return _LANG


def set_language(lang: str | None) -> None:
    """Reset (None) or force the language; the CLI calls this once per run."""
    global _LANG
    _LANG = lang


def detect_language(env) -> str:
    chosen = env.get("TEIKAN_LANG")
    if chosen:
        return "ja" if chosen.lower().startswith("ja") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def t(key: str, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[1] if language() == "ja" else entry[0]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def label(code: str) -> str:
    """A localised label for an enumeration code or column name (falls back to the code)."""
    entry = LABELS.get(code)
    if entry is None:
        return code
    return entry[1] if language() == "ja" else entry[0]


MESSAGES: dict[str, tuple[str, str]] = {
    # dates
    "date.bad_format": ("not a date: '{value}' (use 2025-04-01, 2025/4/1, 20250401, 令和7年4月1日 or R7.4.1)",
                        "日付として読めません: '{value}'（2025-04-01、2025/4/1、20250401、令和7年4月1日、R7.4.1 の形で）"),
    "date.no_such_day": ("no such day: '{value}'", "存在しない日付です: '{value}'"),
    "date.outside_era": ("'{value}' is outside the {era} era", "'{value}' は{era}の期間外です"),
    "month.bad_format": ("not a month: '{value}' (use 2025-04, 2025/4, 202504, 令和7年4月 or R7.4)",
                         "年月として読めません: '{value}'（2025-04、2025/4、202504、令和7年4月、R7.4 の形で）"),
    "date.future": ("{value} is after the reference date {as_of}", "{value} は基準日 {as_of} より後の日付です"),
    # database
    "db.missing": ("no database at {path} (run 'teikan init' first)", "データベースがありません: {path}（先に teikan init を実行してください）"),
    "db.empty": ("{path} is empty, not a teikan database yet (run 'teikan init')",
                 "{path} は空のファイルです（teikan init を実行してください）"),
    "db.unreadable": ("cannot read the database {path}", "データベースを読み込めません: {path}"),
    "db.not_teikan": ("{path} is not a teikan database; left untouched", "{path} は teikan のデータベースではありません（変更していません）"),
    "db.newer": ("{path} was written by a newer teikan (schema {version}, this one knows {supported}); left untouched",
                 "{path} は新しい版の teikan で作成されています（スキーマ {version}、この版は {supported} まで）。変更していません"),
    "db.cannot_create": ("cannot create the database {path}", "データベースを作成できません: {path}"),
    "db.locked": ("the database {path} is busy (another teikan is writing); nothing was written, try again",
                  "データベース {path} は他の処理が書き込み中です。何も書き込んでいません。もう一度実行してください"),
    # generic input
    "input.required": ("{field} is required", "{field} を指定してください"),
    "input.control_chars": ("{field} contains control characters or invalid text", "{field} に制御文字または不正な文字が含まれています"),
    "input.too_long": ("{field} is longer than {limit} characters", "{field} が {limit} 文字を超えています"),
    "input.ten_digits": ("{field} must be exactly 10 digits: '{value}'", "{field} は10桁の数字で指定してください: '{value}'"),
    "input.bad_choice": ("{field}: unknown value '{value}' (choose from {allowed})",
                         "{field}: '{value}' は指定できません（{allowed} のいずれか）"),
    "input.bad_number": ("{field}: not a number: '{value}'", "{field}: 数値ではありません: '{value}'"),
    "input.bad_hours": ("{field}: weekly hours must be more than 0 and at most 168: '{value}'",
                        "{field}: 週の時間数は0より大きく168以下で指定してください: '{value}'"),
    "input.bad_minutes": ("minutes must be between 0 and 1440: '{value}'", "分数は0〜1440で指定してください: '{value}'"),
    "input.bad_days": ("{field} must be a whole number of days from 0 to 3650: '{value}'",
                       "{field} は0〜3650の日数で指定してください: '{value}'"),
    "input.nothing_to_change": ("nothing to change: give at least one option", "変更する項目を指定してください"),
    "input.bad_usage": ("{detail}", "{detail}"),
    "input.unknown_option": ("no such option: {detail} (see --help)", "そのオプションはありません: {detail}（--help を参照）"),
    "input.missing_option": ("missing {detail} (see --help)", "{detail} が指定されていません（--help を参照）"),
    "input.bad_value": ("invalid value {detail} (see --help)", "値が正しくありません: {detail}（--help を参照）"),
    "input.no_command": ("no such command: {detail} (see teikan --help)", "そのコマンドはありません: {detail}（teikan --help を参照）"),
    "input.extra_argument": ("unexpected argument: {detail} (see --help)", "余分な引数があります: {detail}（--help を参照）"),
    "input.interrupted": ("interrupted; nothing was written", "中断しました。何も書き込んでいません"),
    "output.cannot_write": ("cannot write {path}", "{path} に書き込めません"),
    "output.exists": ("{path} exists; use --force to overwrite", "{path} は既にあります。上書きするには --force を指定してください"),
    # clients
    "client.unknown": ("no client '{ref}' (give an id, a certificate number or the exact name)",
                       "利用者 '{ref}' が見つかりません（ID、受給者証番号、または氏名を正確に）"),
    "client.ambiguous": ("'{ref}' matches several clients ({ids}); give the id", "'{ref}' に該当する利用者が複数います（{ids}）。ID で指定してください"),
    "client.duplicate_certificate": ("certificate number {certificate} is already registered (client #{owner})",
                                     "受給者証番号 {certificate} は登録済みです（利用者 #{owner}）"),
    "client.before_eligible": ("support cannot start on {support_start}: six months of employment end first; earliest {eligible_from}",
                               "利用開始日 {support_start} は就労6か月経過前です。{eligible_from} 以降にしてください"),
    "client.interim_before_employment": ("--interim-support-end is before the employment start", "--interim-support-end が就職日より前です"),
    "client.employment_end_before_start": ("the employment end is before the employment start", "離職日が就職日より前です"),
    "client.end_before_start": ("the end date {ended_on} is before the support start {support_start}",
                                "終了日 {ended_on} が利用開始日 {support_start} より前です"),
    "client.reemployed_before_change": ("--reemployed needs --job-change and must not be before it",
                                        "--reemployed には --job-change が必要で、それより後の日付にしてください"),
    "client.job_change_twice": ("a job change is already recorded; only one counts as continuous employment",
                                "転職は既に記録されています（継続雇用とみなせるのは1回までです）"),
    "client.job_change_gap": ("re-employment more than a month after the job change is not continuous employment",
                              "転職後1か月を超えて再就職した場合は継続雇用とみなされません"),
    "client.already_ended": ("the service already ended on {ended_on}", "サービスは {ended_on} に終了済みです"),
    "client.added": ("added client #{id} {name}: eligible from {eligible_from}, support {support_start} – {support_end}, share handover by {share_deadline}",
                     "利用者 #{id} {name} を登録しました: 利用可能日 {eligible_from}、利用期間 {support_start}〜{support_end}、引継ぎ情報共有期限 {share_deadline}"),
    "client.updated": ("updated client #{id}", "利用者 #{id} を更新しました"),
    "client.ended": ("ended the service for client #{id} on {date} ({reason})", "利用者 #{id} のサービスを {date} に終了しました（{reason}）"),
    # contacts, staff, plans
    "contact.outside_service": ("{date} is outside the client's service ({start} – {end})",
                                "{date} は利用期間外です（{start}〜{end}）"),
    "contact.center_reason_required": ("a 'center' contact needs --center-reason (advice, team-support or group-program)",
                                       "支援センターの支援には --center-reason（advice, team-support, group-program）が必要です"),
    "contact.reason_without_center": ("--center-reason is only for a contact with --type center",
                                      "--center-reason は --type center の記録にだけ指定できます"),
    "contact.logged": ("logged contact #{id} for client #{client_id} on {date}", "利用者 #{client_id} の支援記録 #{id} を登録しました（{date}）"),
    "staff.unknown": ("no staff member '{name}' (add them with 'teikan add-staff')", "職員 '{name}' が登録されていません（teikan add-staff で登録）"),
    "staff.until_before_from": ("--until is before --from", "--until が --from より前です"),
    "staff.added": ("added assignment #{id}: {name}, {role}, {hours} h/week", "職員配置 #{id} を登録しました: {name}、{role}、週{hours}時間"),
    "staff.shortfall": ("add {hours} h/week of supporter time to meet the ratio",
                        "基準を満たすには就労定着支援員の勤務時間を週{hours}時間増やしてください"),
    "plan.saved": ("recorded plan #{id} for client #{client_id} on {date}", "利用者 #{client_id} の個別支援計画 #{id} を記録しました（{date}）"),
    "handover.saved": ("recorded the handover for client #{client_id} ({state})", "利用者 #{client_id} の引継ぎを記録しました（{state}）"),
    "report.shared": ("recorded the {month} support report of client #{client_id} as shared on {date}",
                      "利用者 #{client_id} の {month} 支援レポートを {date} に共有済みとして記録しました"),
    "report.outside_service": ("client #{client_id} is not active in {month}", "利用者 #{client_id} は {month} に利用していません"),
    "handover.shared_before_consent": ("the shared date is before the consent date: information may be shared only with consent",
                                       "共有日が同意日より前です（情報共有は本人の同意後に限られます）"),
    "report.before_month": ("{date} is before {month} began", "{date} は {month} より前の日付です"),
    "report.title": ("Monthly report {month} (as of {as_of})", "{month} 月次報告（基準日 {as_of}）"),
    "report.none": ("no findings", "指摘事項はありません"),
    "report.billable_total": ("billable client-months: {count}", "請求可能な利用者: {count} 人"),
    "office.saved": ("office saved: {name}", "事業所を保存しました: {name}"),
    "import.bad_rows": ("{count} bad row(s); nothing was imported", "{count} 行に誤りがあります。何も取り込んでいません"),
    # rule messages (finding text)
    "rule.face-to-face-pending": ("no face-to-face contact yet this month ({days_left} days left)",
                                  "今月の対面支援がまだありません（残り{days_left}日）"),
    "rule.face-to-face-missing": ("no face-to-face contact in {month}: the month cannot be billed",
                                  "{month} の対面支援がありません（請求できません）"),
    "rule.support-report-pending": ("support report for {month} not shared yet ({days_left} days left)",
                                    "{month} の支援レポートが未共有です（残り{days_left}日）"),
    "rule.support-report-missing": ("support report for {month} was not shared: the month cannot be billed",
                                    "{month} の支援レポートが共有されていません（請求できません）"),
    "rule.employer-visit-pending": ("no employer visit yet this month ({days_left} days left)",
                                    "今月の企業訪問がまだありません（残り{days_left}日）"),
    "rule.employer-visit-missing": ("no employer visit in {month} (effort duty)", "{month} の企業訪問がありません（努力義務）"),
    "rule.supporter-ratio": ("support-worker FTE {fte} is below users {users} ÷ 40 = {required}; add {hours} h/week of supporter time",
                             "就労定着支援員の常勤換算 {fte} が利用者数 {users} ÷ 40 = {required} に不足しています（週{hours}時間の追加が必要）"),
    "rule.manager-ratio": ("service managers: {managers} (full time: {fulltime}), required {required} with at least one full time",
                           "サービス管理責任者 {managers} 人（常勤 {fulltime} 人）: {required} 人以上、うち1人以上常勤が必要です"),
    "rule.dual-role": ("{staff} is both support worker and service manager this month; sources differ on whether both may count",
                       "{staff} が就労定着支援員とサービス管理責任者を兼務しています（兼務の可否は資料により解釈が分かれます）"),
    "rule.center-cooperation-unplanned": ("support-center help ({reasons}) is not in the latest individual support plan",
                                          "支援センターの支援（{reasons}）が直近の個別支援計画に位置付けられていません"),
    "rule.handover-due": ("handover information must be shared by {deadline} ({days} days left)",
                          "引継ぎ情報の共有期限は {deadline} です（残り{days}日）"),
    "rule.handover-consent-missing": ("handover recorded without the client's consent date",
                                      "引継ぎに本人の同意日が記録されていません"),
    "rule.handover-late": ("handover information was due by {deadline} ({days} days ago): 支援体制構築未実施減算 risk",
                           "引継ぎ情報の共有期限 {deadline} を{days}日過ぎています（支援体制構築未実施減算のおそれ）"),
    "rule.period-exceeded": ("service period ended on {support_end}; record the end with 'teikan end-client'",
                             "利用期間は {support_end} で満了しています（teikan end-client で終了を記録してください）"),
    "rule.grant-expiring": ("benefit certificate grant ends {grant_until} ({days} days left)",
                            "受給者証の支給決定期間が {grant_until} に終わります（残り{days}日）"),
    "rule.grant-expired": ("benefit certificate grant ended {grant_until}; service after it cannot be billed",
                           "受給者証の支給決定期間が {grant_until} に終了しています（以降は請求できません）"),
    "rule.plan-missing": ("no individual support plan yet (due by {due})", "個別支援計画がまだ作成されていません（期限 {due}）"),
    "rule.plan-review-overdue": ("individual support plan of {plan} was due for review by {due}",
                                 "{plan} の個別支援計画の見直し期限 {due} を過ぎています"),
    "rule.handover-reduction-risk": ("a handover is late this month: the −10% 支援体制構築未実施減算 may apply",
                                     "引継ぎ期限を過ぎた利用者がいます（支援体制構築未実施減算 −10% のおそれ）"),
}

LABELS: dict[str, tuple[str, str]] = {
    # column headers
    "id": ("ID", "ID"), "name": ("Name", "氏名"), "kana": ("Kana", "フリガナ"), "employer": ("Employer", "就職先"),
    "certificate": ("Certificate", "受給者証番号"), "grant_until": ("Grant until", "支給決定期間"),
    "staff": ("Staff", "担当"), "status": ("Status", "状態"), "support_start": ("Support start", "利用開始日"),
    "support_end": ("Support end", "利用期間満了日"), "share_deadline": ("Share by", "引継ぎ期限"),
    "eligible_from": ("Eligible from", "利用可能日"), "employment_start": ("Employed", "就職日"),
    "employment_end": ("Job ended", "離職日"), "ended_on": ("Ended", "終了日"), "end_reason": ("End reason", "終了理由"),
    "disabilities": ("Disabilities", "障害種別"), "prior_service": ("Prior service", "利用前サービス"),
    "date": ("Date", "日付"), "types": ("Types", "支援内容"), "minutes": ("Min", "分"), "place": ("Place", "場所"),
    "concerns": ("Concerns", "気になる兆候"), "center_reason": ("Center reason", "センター連携理由"), "note": ("Note", "メモ"),
    "client_id": ("Client", "利用者"), "face": ("Face", "対面支援"), "remote": ("Remote", "遠隔"),
    "agency": ("Agency", "関係機関"), "center": ("Center", "支援センター"), "report_shared": ("Report", "支援レポート"),
    "billable": ("Billable", "請求可"), "role": ("Role", "職種"), "hours": ("h/week", "週時間"), "from": ("From", "開始"),
    "until": ("Until", "終了"), "fte": ("FTE", "常勤換算"), "reduced_hours": ("Reduced", "短時間措置"),
    "days_left": ("Days left", "残日数"), "consent_date": ("Consent", "同意日"), "shared_date": ("Shared", "共有日"),
    "state": ("State", "状況"), "rule": ("Rule", "ルール"), "severity": ("Severity", "重要度"), "month": ("Month", "月"),
    "message": ("Message", "内容"), "plans": ("Plans", "個別支援計画"), "cooperation": ("Center cooperation", "センター連携"),
    "needs": ("Needs", "やること"),
    # enumeration codes
    "supporter": ("support worker", "就労定着支援員"), "manager": ("service manager", "サービス管理責任者"),
    "active": ("active", "利用中"), "ended": ("ended", "終了"), "not-started": ("not started", "開始前"),
    "error": ("error", "エラー"), "warning": ("warning", "警告"),
    "face:type": ("face", "対面"), "employer:type": ("employer", "企業訪問"), "remote:type": ("remote", "遠隔"),
    "agency:type": ("agency", "関係機関"), "center:type": ("center", "支援センター"),
    "attendance": ("attendance", "遅刻・欠勤"), "appearance": ("appearance", "身だしなみ"), "medication": ("medication", "服薬"),
    "work-accuracy": ("work accuracy", "作業の正確さ"), "communication": ("communication", "コミュニケーション"),
    "other": ("other", "その他"), "home": ("home", "自宅"), "workplace": ("workplace", "職場"), "office": ("office", "事業所"),
    "consent-missing": ("consent missing", "同意未取得"), "consented": ("consented", "同意済み"), "shared": ("shared", "共有済み"),
    "not-needed": ("not needed", "不要"), "period-end": ("period end", "期間満了"), "job-loss": ("job loss", "離職"),
    "user-request": ("user request", "本人の申し出"), "handover": ("handover", "引継ぎ"),
    "advice": ("advice", "助言"), "team-support": ("team support", "チーム支援"), "group-program": ("group program", "集団プログラム"),
    "yes": ("yes", "済"), "no": ("no", "未"),
    # report sections
    "section.clients": ("Clients", "利用者"), "section.staffing": ("Staffing", "人員配置"),
    "section.handovers": ("Handovers due", "引継ぎ期限が近い利用者"), "section.findings": ("Findings", "指摘事項"),
    "section.contacts": ("Contacts", "支援記録"), "section.history": ("History", "変更履歴"),
    "users": ("users (利用者数)", "利用者数"), "users_basis": ("basis", "算定根拠"),
    "previous-fy-average": ("previous fiscal-year average", "前年度平均"), "current-month": ("this month's count", "当月実績"),
    "active_in_month": ("active this month", "当月利用者"), "supporter_fte": ("support-worker FTE (常勤換算)", "就労定着支援員 常勤換算"),
    "supporter_fte_required": ("required", "必要数"), "managers": ("service managers", "サービス管理責任者"),
    "managers_required": ("required", "必要数"), "ok": ("ok", "充足"),
}
