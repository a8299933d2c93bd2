"""The help catalogue: every command, argument and option of `teikan`, in English and Japanese.

Plain data (no imports): `teikan --help` and every `teikan COMMAND --help` are generated from here, in the
language of the messages (SPEC §1), so nothing is kept equal by hand. Every text is a pair `(en, ja)`.

- WORDS: the words a help screen prints around the descriptions (Typer's own words, localised), the DATE
  and MONTH forms, and the few command-line errors a person meets most.
- METAVARS: what a placeholder such as DATE or MONTH stands for.
- APP: the program's one-line summary and description for `teikan --help`.
- GLOBAL_OPTIONS: the options before the command name.
- COMMON_OPTIONS: the options many commands share; each command names the ones it takes in "common".
- COMMANDS: in the order of `teikan --help`. Each has "summary" (one line for `teikan --help`, at most 70
  columns in each language, a wide character counting 2), an optional "description" (1–4 lines, "\n"
  between them), "examples" (real command lines, the same in both languages), "params" (every argument by
  its metavar in upper case, every option by its long name, in the order --help shows them) and "common"
  (the COMMON_OPTIONS keys it also takes). A key is in "params" or in "common", never in both: where a
  shared option means something particular to a command (check's --format, demo's --as-of), it is in
  "params".

The allowed values of coded options (--type, --place, --concern, --role, --reason …) are not written here:
the help appends them, with their labels, from the vocabulary table. The texts say what the option means.
"""

from __future__ import annotations

WORDS = {
    "usage": ("Usage", "使い方"),
    "options": ("Options", "オプション"),
    "options_meta": ("OPTIONS", "オプション"),
    "command_meta": ("COMMAND [ARGS]...", "コマンド [引数]..."),
    "arguments": ("Arguments", "引数"),
    "commands": ("Commands", "コマンド"),
    "required": ("required", "必須"),
    "default": ("default", "既定値"),
    "values": ("values", "指定できる値"),
    "example": ("Example", "例"),
    "examples": ("Examples", "例"),
    "repeatable": ("repeatable", "複数指定可"),
    "env_var": ("env var", "環境変数"),
    "exit_codes": ("Exit codes", "終了コード"),
    "show_help": ("Show this message and exit.", "このヘルプを表示して終了"),
    "more_help": ("Run 'teikan COMMAND --help' for the options of one command.",
                  "各コマンドのオプションは「teikan コマンド名 --help」で表示"),
    "labels_accepted": ("Each value may also be typed as its Japanese label or a usual short form (対面, 企業訪問, サビ管).",
                        "値は日本語の名称や略称（対面、企業訪問、サビ管など）でも指定可"),
    "date_forms": ("DATE: 2025-04-01, 2025/4/1, 20250401, 2025年4月1日, 令和7年4月1日, R7.4.1, today, yesterday "
                   "(full-width digits too); without the year (4月1日, 4/1), the latest such day up to today (the "
                   "next one for a grant's end or a review).",
                   "日付の書き方: 2025-04-01、2025/4/1、20250401、2025年4月1日、令和7年4月1日、R7.4.1、"
                   "今日、昨日（today、yesterday）。全角数字も可。年を省くと（4月1日、4/1）今日以前で直近のその日"
                   "（支給決定期間・次回見直しは今日以降で直近）"),
    "month_forms": ("MONTH: 2025-04, 2025/4, 202504, 2025年4月, 令和7年4月, R7.4, this (今月), last (先月).",
                    "年月の書き方: 2025-04、2025/4、202504、2025年4月、令和7年4月、R7.4、今月、先月（this、last）"),
    # Command-line errors a person meets most (the parser's own messages, localised).
    "error": ("Error", "エラー"),
    "try_help": ("Try '{command} --help' for help.", "使い方は「{command} --help」で確認"),
    "no_such_command": ("No such command '{name}'.", "コマンド「{name}」はありません"),
    "no_such_option": ("No such option: {name}", "オプション「{name}」はありません"),
    "did_you_mean": ("Did you mean {possibility}?", "もしかして: {possibility}"),
    "missing_option": ("Missing option '{name}'.", "オプション {name} の指定が必要"),
    "missing_argument": ("Missing argument '{name}'.", "引数 {name} の指定が必要"),
    "option_requires_value": ("Option '{name}' requires a value.", "オプション {name} には値が必要"),
    "extra_argument": ("Got unexpected extra argument ({args}).", "余分な引数があります（{args}）"),
    "invalid_value": ("Invalid value for '{name}': {value}", "{name} の値が正しくありません: {value}"),
    "not_a_number": ("'{value}' is not a whole number (write digits only, e.g. 60).",
                     "「{value}」は整数ではありません（60 のように数字だけで指定）"),
    "aborted": ("Aborted.", "中断しました"),
}

METAVARS = {
    "DATE": ("date", "日付"),
    "MONTH": ("month", "年月"),
    "FY": ("fiscal year", "年度"),
    "TEXT": ("text", "文字列"),
    "NAME": ("name", "氏名"),
    "N": ("number", "数"),
    "DAYS": ("number of days", "日数"),
    "HOURS": ("hours a week", "週時間"),
    "DIGITS": ("digits", "数字"),
    "TIER": ("tier", "区分"),
    "FILE": ("file", "ファイル"),
    "PATH": ("file path", "ファイルのパス"),
    "FORMAT": ("output format", "出力形式"),
    "CLIENT": ("client", "利用者"),
    "ID": ("id", "ID番号"),
}

APP = {
    "summary": ("Caseload and compliance for a 就労定着支援事業所.",
                "就労定着支援事業所の利用者管理と運営・請求のチェック"),
    "description": ("Contacts, billable months, support reports, staffing ratios and handovers, kept in one database file.\n"
                    "Run 'teikan demo' to try it on a fictional office.",
                    "支援記録、請求できる月、支援レポート、人員配置、引継ぎを1つのデータベースファイルで管理\n"
                    "「teikan demo」で架空の事業所を使って試せる"),
    "examples": ("teikan demo", "teikan --db 事業所.db report --month 先月", "teikan log-visit --help"),
}

_DB = ("Database file (default: $TEIKAN_DB, else $XDG_DATA_HOME/teikan/teikan.db, usually "
       "~/.local/share/teikan/teikan.db).",
       "データベースファイル（既定: 環境変数 TEIKAN_DB、なければ ~/.local/share/teikan/teikan.db）")

GLOBAL_OPTIONS = {
    "--db": _DB,
    "--version": ("Show the version and exit.", "バージョンを表示して終了"),
    "--install-completion": ("Install tab completion for the current shell.",
                             "使用中のシェルにタブ補完を設定"),
    "--show-completion": ("Show the tab completion script for the current shell, to copy or customise it.",
                          "使用中のシェル用のタブ補完スクリプトを表示（コピー・調整用）"),
    "--help": ("Show this message and exit.", "このヘルプを表示して終了"),
}

COMMON_OPTIONS = {
    "--as-of": ("Date to treat as today for this run (default: today in Japan time). Defaults, checks and results "
                "all follow it, so any run can be replayed. DATE: 2025-04-01, 2025/4/1, 20250401, 令和7年4月1日, "
                "R7.4.1, today.",
                "基準日（この実行で「今日」とみなす日。既定: 日本時間の今日）。既定値・チェック・結果はすべてこの日に"
                "従うので、過去の実行を再現できる。日付は 2025-04-01、2025/4/1、20250401、令和7年4月1日、R7.4.1、"
                "今日 などで指定"),
    "--format": ("Output format: table (default), json or csv.",
                 "出力形式: table（表、既定）・json・csv"),
    "--excel": ("CSV for Excel: UTF-8 with BOM, Japanese headers and labels when messages are Japanese, and cells "
                "starting with = + - @ prefixed with ' (implies --format csv).",
                "Excel用のCSVで出力（BOM付きUTF-8。日本語表示なら見出しと値も日本語。= + - @ で始まるセルには ' を"
                "付けて文字として表示）。--format csv を兼ねる"),
    "--wareki": ("Also show dates in the Japanese era (和暦, e.g. 令和7年4月1日).",
                 "日付に和暦（令和7年4月1日など）を併記"),
    "--db": (_DB[0] + " May also follow the command name.",
             _DB[1] + "。コマンド名の後にも指定可"),
}

_WRITE = ("--as-of", "--db")                                       # every command that records something
_LISTING = ("--as-of", "--format", "--excel", "--wareki", "--db")  # listings and reports

_CLIENT = ("The client: id, certificate number (受給者証番号) or name; a name two clients share needs the id.",
           "利用者（ID・受給者証番号・氏名のいずれか）。同じ氏名の利用者がいるときはIDで指定")

# The client's fields, as add-client takes them (edit-client takes them too, with its own words for a few).
_CLIENT_FIELDS = {
    "--employment-start": ("First day of the job (就職日).", "就職日（一般就労を始めた日）"),
    "--support-start": ("First day of the service (利用開始日); the three years count from it.",
                        "利用開始日（ここから最長3年）"),
    "--kana": ("Name in kana (フリガナ).", "フリガナ"),
    "--employer": ("Employer (就職先).", "就職先の企業名"),
    "--certificate": ("Benefit certificate number (受給者証番号), 10 digits; leading zeros are kept.",
                      "受給者証番号（10桁。先頭の0もそのまま）"),
    "--grant-until": ("Last day of the grant period on the certificate (支給決定期間); warned 30 days ahead.",
                      "受給者証の支給決定期間の終了日（30日前から警告）"),
    "--staff": ("Staff member in charge (担当).", "担当職員"),
    "--disability": ("Kind of disability (障害種別); repeat for more than one.",
                     "障害種別（複数ある場合は繰り返し指定）"),
    "--prior-service": ("Welfare service used before the job (利用前サービス).",
                        "就職前に利用していた福祉サービス"),
    "--interim-support-end": ("Last day of 就労移行支援 received while employed (e.g. to return from leave): the six "
                              "months count from the next day.",
                              "就職後に受けた就労移行支援の終了日（休職からの復職支援など）。6か月はその翌日から数える"),
    "--note": ("Free note.", "メモ（自由記述）"),
}

# A contact's fields, as log-visit takes them (edit-visit takes them too, with its own words for the lists).
_CONTACT_FIELDS = {
    "--date": ("Day of the contact (default: --as-of); a day without its year (10月8日) is the latest such day.",
               "支援した日（既定: 基準日）。年なしの 10月8日 は直近のその日"),
    "--type": ("Kind of support; repeat when one contact was several (a workplace meeting with the client and the "
               "employer: two). Face-to-face support (対面支援) is needed at least once a month.",
               "支援の種類（対面支援は毎月1回以上必要。1回の訪問で本人と企業に会ったら2つ指定）"),
    "--staff": ("Staff member who made the contact (registered with add-staff).",
                "対応した職員（add-staff で登録済みの職員）"),
    "--minutes": ("Length of the contact in minutes; 90分, 1時間30分, 1時間半 and 1.5時間 work too.",
                  "所要時間（分）。90分・1時間30分・1時間半・1.5時間 も可"),
    "--place": ("Where the contact took place.", "支援した場所"),
    "--concern": ("Warning sign noticed at this contact (気になる兆候); repeat for several. watch follows them.",
                  "今回気づいた兆候（気になる兆候。複数可）。watch で推移を確認"),
    "--center-reason": ("Why the 障害者就業・生活支援センター helped (required for a center contact); the plan in force "
                        "must provide for it.",
                        "障害者就業・生活支援センターに協力を求めた理由（支援センターの支援のとき必須）。"
                        "個別支援計画への記載が必要"),
    "--note": ("What happened: the situation, the support given, the result.", "支援内容・状況・結果のメモ"),
    "--shareable": ("This contact's warning signs and note may appear on the employer's copy of the 支援レポート "
                    "(health information: only when the office chose to share it).",
                    "この記録の兆候とメモを企業用の支援レポートに載せてよい（健康情報のため、共有すると判断した場合のみ）"),
}

_OUTPUT = ("Write to FILE (readable by you only, mode 0600) instead of the screen.",
           "画面ではなく FILE に保存（本人だけが読める権限 0600）")
_MONTH_DEFAULT = ("Month (default: the month of --as-of).", "対象月（既定: 基準日の月）")

COMMANDS = {
    # ---------------------------------------------------------------- the office and its clients
    "init": {
        "summary": ("Create or update the office record (safe to run again).",
                    "事業所情報を登録・更新（何度実行しても同じ結果）"),
        "description": ("Sets the office's name, number, address and phone (printed on the 支援レポート and the "
                        "サービス提供実績記録票),\nits full-time weekly hours and its opening date. Options not given "
                        "stay as they are.",
                        "事業所名・事業所番号・所在地・電話番号（支援レポートやサービス提供実績記録票に印字）、\n"
                        "常勤の勤務時間、指定日を設定。指定しなかった項目はそのまま"),
        "examples": ('teikan init --office-name "ひまわり就労定着センター" --office-number 1312345678 --fulltime-hours 40',
                     'teikan init --office-address "東京都千代田区○○1-2-3" --office-phone 03-1234-5678'),
        "params": {
            "--office-name": ("Office name (事業所名).", "事業所名"),
            "--office-number": ("Office number (事業所番号), 10 digits.", "事業所番号（10桁）"),
            "--fulltime-hours": ("Hours a week a full-time employee works here (常勤の従業者が勤務すべき時間数; "
                                 "default 40). Under 32 counts as 32 for 常勤換算.",
                                 "常勤の従業者が勤務すべき時間数（週時間、既定 40）。32時間未満は常勤換算で32時間として計算"),
            "--opened": ("Designation date (指定日; default: the earliest support start); the staffing count of "
                         "users starts from it.",
                         "指定を受けた日（既定: 最も早い利用開始日）。利用者数（前年度平均）の計算に使う"),
            "--rate-tier": ("New office with no users yet to count: the 就労定着率 tier it notified, 1 (highest) to 7.",
                            "実績のない新規事業所が届け出た就労定着率の区分（1が最上位、7まで）"),
            "--office-address": ("Office address (所在地), printed on documents.", "事業所の所在地（帳票に印字）"),
            "--office-phone": ("Office phone number, printed on documents.", "事業所の電話番号（帳票に印字）"),
        },
        "common": _WRITE,
    },
    "add-client": {
        "summary": ("Register a client; prints the id and the computed dates.",
                    "利用者を登録（IDと算出した日付を表示）"),
        "description": ("Computes the first eligible day (six months after the job started), the end of the three "
                        "years and the handover deadline.\nRefused: a support start before the first eligible day, a "
                        "certificate number already used, a date that does not exist.\nA name another client already "
                        "has is accepted with a warning; from then on use the id or the certificate number.",
                        "就職から6か月を過ぎた日（利用開始できる日）、利用期間（3年）の終了日、引継ぎの共有期限を算出\n"
                        "利用開始できる日より前の利用開始日、登録済みの受給者証番号、存在しない日付は登録しない\n"
                        "同じ氏名の利用者がいる場合は警告して登録（以後はIDか受給者証番号で指定）"),
        "examples": ('teikan add-client "山田 太郎" --employment-start 2025-04-01 --support-start 2025-10-01 '
                     '--certificate 0123456789 --staff 佐藤 --disability 精神 --prior-service 就労移行',
                     'teikan add-client "鈴木 花子" --employment-start 令和7年4月1日 --support-start 令和7年10月1日'),
        "params": {
            "NAME": ("Full name (氏名); a full-width or half-width space between the names is the same.",
                     "氏名（姓と名の間は全角・半角スペースどちらでも同じ）"),
            **_CLIENT_FIELDS,
        },
        "common": _WRITE,
    },
    "clients": {
        "summary": ("List clients (default: those in service as of --as-of).",
                    "利用者の一覧（既定: 基準日時点で利用中の利用者）"),
        "examples": ("teikan clients", "teikan clients --status all --format csv --excel > 利用者一覧.csv"),
        "params": {
            "--status": ("Which clients to list, by their status as of --as-of (default: in service).",
                         "表示する利用者の状態（基準日時点。既定: 利用中）"),
        },
        "common": _LISTING,
    },
    "show-client": {
        "summary": ("One client: dates, contacts, plans, handover and findings.",
                    "利用者1人の詳細（日付・支援記録・計画・引継ぎ・指摘）"),
        "examples": ("teikan show-client 12", "teikan show-client 0123456789 --history"),
        "params": {
            "CLIENT": _CLIENT,
            "--history": ("Also show the change history: who changed what and when (Japan time), deleted contacts "
                          "included.",
                          "変更履歴も表示（誰が・いつ・何を変更したか。削除した支援記録も含む）"),
            "--format": ("Output format: table (default), json, or csv (the client record as one row).",
                         "出力形式: table（表、既定）・json・csv（利用者情報を1行で）"),
        },
        "common": ("--as-of", "--excel", "--wareki", "--db"),
    },
    "edit-client": {
        "summary": ("Change a client's details, with the same checks as add-client.",
                    "利用者情報を修正（add-client と同じチェック）"),
        "description": ("Only the options given change; the old and new values stay in the history "
                        "(show-client --history).\n--employment-end records a job loss (離職日), also after the "
                        "service ended.",
                        "指定した項目だけを変更。変更前後の値は履歴に残る（show-client --history）\n"
                        "--employment-end で離職日を記録（利用終了後でも可）"),
        "examples": ("teikan edit-client 12 --employment-end 2026-01-31",
                     'teikan edit-client 12 --job-change 2026-04-30 --reemployed 2026-05-20 --employer "株式会社みどり物流"'),
        "params": {
            "CLIENT": _CLIENT,
            "--name": ("New full name (氏名).", "新しい氏名"),
            **_CLIENT_FIELDS,
            "--employer": ("Employer (就職先); after a job change, the new one.", "就職先（転職したら新しい就職先）"),
            "--disability": ("Kind of disability (障害種別); repeat for more than one. Replaces the recorded kinds.",
                             "障害種別（複数可）。登録済みの種別と置き換え"),
            "--note": ("Free note (an empty text \"\" clears it).", "メモ（空文字 \"\" で消去）"),
            "--employment-end": ("Last day employed (離職日): records a job loss, also after the service ended.",
                                 "離職日（最後に勤務した日）。利用終了後でも記録できる"),
            "--job-change": ("Last day at the first job, for one job change: re-employment within a month of it "
                             "keeps the employment continuous.",
                             "転職前の職場の最終勤務日（離職後1か月以内の再就職なら就労継続とみなす。転職は1回まで）"),
            "--reemployed": ("First day at the new job (with --job-change).",
                             "再就職した日（--job-change と併せて指定）"),
        },
        "common": _WRITE,
    },
    "end-client": {
        "summary": ("End a client's service (a job loss also records the job's end).",
                    "利用を終了（離職の場合は離職日も記録）"),
        "examples": ("teikan end-client 12 --date 2026-03-31 --reason 期間満了",
                     "teikan end-client 15 --date 令和8年1月31日 --reason 離職"),
        "params": {
            "CLIENT": _CLIENT,
            "--date": ("Last day of the service.", "利用の最終日"),
            "--reason": ("Why the service ended; a job loss also sets the employment end (離職日).",
                         "終了理由（離職の場合は離職日も記録）"),
        },
        "common": _WRITE,
    },
    "delete-client": {
        "summary": ("Delete a client registered by mistake (nothing else recorded).",
                    "誤って登録した利用者を削除（登録以外の記録がない場合のみ）"),
        "description": ("Only while nothing but the registration is recorded: no contact, plan, report or handover "
                        "(otherwise end the service with end-client).\nThe deletion and its reason stay in the "
                        "audit trail.",
                        "支援記録・個別支援計画・支援レポート・引継ぎが1件でもあれば削除できない（end-client で利用終了）\n"
                        "削除したことと理由は監査記録に残る"),
        "examples": ('teikan delete-client 31 --reason "二重登録"',),
        "params": {
            "CLIENT": _CLIENT,
            "--reason": ("Why it is deleted (kept in the audit trail).", "削除の理由（監査記録に残る）"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- contacts
    "log-visit": {
        "summary": ("Record one contact (対面支援, 企業訪問 …); prints its id.",
                    "支援記録を1件登録（対面支援・企業訪問など）"),
        "description": ("One contact is one meeting or call. A workplace meeting with both the client and the "
                        "employer is one contact with two --type.\nRefused: a date outside the client's service or "
                        "after --as-of, an unknown client or staff member, a center contact without --center-reason.",
                        "1回の面談・連絡を1件として記録。職場で本人と企業の両方に会ったときは --type を2つ指定して1件に\n"
                        "利用期間外や基準日より後の日付、未登録の利用者・職員、理由のない支援センターの支援は登録しない"),
        "examples": ("teikan log-visit 12 --type 対面 --type 企業訪問 --place 職場 --staff 佐藤 --minutes 60",
                     'teikan log-visit "山田 太郎" --date 昨日 --type 電話 --concern 遅刻 --note "朝の遅刻が続いている"',
                     'teikan log-visit 12 --type 対面 --place 職場 --note "作業手順を一緒に確認" --shareable'),
        "params": {"CLIENT": _CLIENT, **_CONTACT_FIELDS},
        "common": _WRITE,
    },
    "visits": {
        "summary": ("List contacts with their ids, oldest first.", "支援記録の一覧（古い順、ID付き）"),
        "examples": ("teikan visits --month 先月 --client 12",
                     "teikan visits --month 今月 --format csv --excel > 支援記録.csv"),
        "params": {
            "--client": ("Only this client (id, certificate number or name).",
                         "この利用者の記録だけ（ID・受給者証番号・氏名）"),
            "--month": ("Only this month.", "この月の記録だけ"),
        },
        "common": _LISTING,
    },
    "edit-visit": {
        "summary": ("Correct a recorded contact; the old values stay in the history.",
                    "支援記録を修正（修正前の値は履歴に残る）"),
        "description": ("Only the options given change. --type and --concern replace the recorded lists.",
                        "指定した項目だけを変更。--type と --concern は記録済みの内容と置き換え"),
        "examples": ("teikan edit-visit 345 --date 2026-04-14 --type 対面 --type 企業訪問",
                     "teikan edit-visit 345 --not-shareable"),
        "params": {
            "ID": ("Contact id (shown by visits and show-client).", "支援記録のID（visits・show-client で確認）"),
            **_CONTACT_FIELDS,
            "--date": ("New day of the contact.", "支援した日（修正後）"),
            "--type": ("Kind of support; replaces the recorded kinds (repeat for several). Face-to-face support "
                       "(対面支援) is needed at least once a month.",
                       "支援の種類（記録済みの種類と置き換え。複数可）。対面支援は毎月1回以上必要"),
            "--concern": ("Warning sign noticed (気になる兆候); replaces the recorded ones (repeat for several).",
                          "気づいた兆候（記録済みの兆候と置き換え。複数可）"),
            "--not-shareable": ("Keep this contact's warning signs and note off the employer's copy again.",
                                "この記録の兆候とメモを企業用の支援レポートに載せない（--shareable の取消し）"),
        },
        "common": _WRITE,
    },
    "delete-visit": {
        "summary": ("Delete a contact entered by mistake (kept, marked deleted).",
                    "誤って登録した支援記録を削除（削除済みとして保存）"),
        "description": ("The contact counts nowhere from then on, but stays in the history with its reason.",
                        "削除した記録は集計・チェックの対象外になるが、理由とともに履歴に残る"),
        "examples": ('teikan delete-visit 345 --reason "別の利用者に登録していた"',),
        "params": {
            "ID": ("Contact id (shown by visits and show-client).", "支援記録のID（visits・show-client で確認）"),
            "--reason": ("Why it is deleted (shown in the history).", "削除の理由（履歴に表示）"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- staff
    "add-staff": {
        "summary": ("Add a staff assignment: weekly hours in one role over a period.",
                    "職員の配置を登録（職種ごとの週時間と期間）"),
        "description": ("Two roles (support worker and service manager) are two assignments. A name already "
                        "registered adds an assignment to that person, never a second person.",
                        "兼務（就労定着支援員とサービス管理責任者など）は職種ごとに1件ずつ登録。"
                        "登録済みの氏名なら同じ職員に配置を追加"),
        "examples": ("teikan add-staff 佐藤 --role 支援員 --hours 40 --from 2025-04-01",
                     "teikan add-staff 田中 --role サビ管 --hours 20 --from 2025-04-01 --reduced-hours"),
        "params": {
            "NAME": ("Staff member's name (spaces count as in client names).", "職員の氏名"),
            "--role": ("Role of this assignment.", "この配置の職種"),
            "--hours": ("Hours a week worked in this role (e.g. 40 or 20.5).", "この職種での週の勤務時間（例: 40、20.5）"),
            "--from": ("First day of the assignment (default: no start limit).", "配置の開始日（省略時は制限なし）"),
            "--until": ("Last day of the assignment (default: open-ended).", "配置の終了日（省略時は期限なし）"),
            "--reduced-hours": ("On a statutory short-hours measure (育児・介護・治療): 30 hours a week or more count "
                                "as full time.",
                                "育児・介護・治療のための短時間勤務措置の対象（週30時間以上で常勤として計算）"),
        },
        "common": _WRITE,
    },
    "staff": {
        "summary": ("Staff and their 常勤換算 for a month, against what is required.",
                    "職員と常勤換算の一覧（必要数との比較）"),
        "description": ("常勤換算 counts the hours of the month actually covered: a person who leaves on the 10th "
                        "counts for ten days.",
                        "常勤換算はその月に実際に配置されていた日数で計算（10日に退職した人は10日分）"),
        "examples": ("teikan staff --month 2026-04", "teikan staff --month 先月 --format json"),
        "params": {"--month": _MONTH_DEFAULT},
        "common": _LISTING,
    },
    "end-staff": {
        "summary": ("End a staff member's open assignments on a date.", "職員の配置を終了（退職・異動など）"),
        "examples": ("teikan end-staff 佐藤 --until 2026-03-31",
                     "teikan end-staff 田中 --until 2026-03-31 --role サビ管"),
        "params": {
            "NAME": ("Staff member's name.", "職員の氏名"),
            "--until": ("Last day worked in the role.", "最終勤務日"),
            "--role": ("Only the assignment in this role (default: every open one).",
                       "この職種の配置だけを終了（既定: 継続中のすべての配置）"),
        },
        "common": _WRITE,
    },
    "delete-staff": {
        "summary": ("Delete a staff assignment entered by mistake.", "誤って登録した職員の配置を削除"),
        "examples": ('teikan delete-staff 7 --reason "週時間の入力誤り"',),
        "params": {
            "ASSIGNMENT_ID": ("Assignment id (shown by staff).", "配置のID（staff で確認）"),
            "--reason": ("Why it is deleted (kept in the audit trail).", "削除の理由（監査記録に残る）"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- plans, handovers, reports shared
    "plan": {
        "summary": ("Record or update a version of the individual support plan.",
                    "個別支援計画を記録・更新（作成日ごとに1版）"),
        "description": ("One version per --date: the same --date again updates it. A month in service without a "
                        "plan the client agreed to (--consent-date) risks 個別支援計画未作成減算.\nHand the agreed "
                        "plan to the client and the 相談支援事業所 within 14 days (--delivered-date).",
                        "作成日ごとに1版。同じ --date で再実行するとその版を更新。本人の同意（--consent-date）のない月は"
                        "個別支援計画未作成減算の対象\n同意後14日以内に本人と相談支援事業所へ交付（--delivered-date）"),
        "examples": ('teikan plan 12 --date 2026-04-01 --consent-date 2026-04-03 --long-goal "週5日の勤務を続ける" '
                     '--short-goal "朝の通勤を安定させる" --item "生活リズムの確認（月2回の面談）" --next-review 2026-09-30',
                     "teikan plan 12 --date 2026-04-01 --delivered-date 2026-04-08 --delivered-to client "
                     "--delivered-to consultation",
                     "teikan plan 12 --date 2026-04-01 --center-cooperation 助言"),
        "params": {
            "CLIENT": _CLIENT,
            "--date": ("Day the plan was made or reviewed (names the version).",
                       "計画の作成日・見直し日（版を区別する日付）"),
            "--consent-date": ("Day the plan was explained to the client and agreed (本人の同意); not before --date "
                               "nor after --as-of.",
                               "本人に説明して同意を得た日（作成日より前・基準日より後は不可）"),
            "--delivered-date": ("Day the plan was handed over (交付).", "計画を交付した日"),
            "--delivered-to": ("Who received the plan; repeat for each recipient.", "交付先（複数可）"),
            "--long-goal": ("Long-term goal (長期目標).", "長期目標"),
            "--short-goal": ("Short-term goal (短期目標).", "短期目標"),
            "--item": ("One support item (課題, 支援内容, 期間, 頻度 as text); repeat, in order.",
                       "支援項目1件（課題・支援内容・期間・頻度を文章で）。順に繰り返し指定"),
            "--next-review": ("Day the next review is planned (at least every six months).",
                              "次回の見直し予定日（少なくとも6か月ごと）"),
            "--center-cooperation": ("Cooperation with the 障害者就業・生活支援センター the plan provides for (needed "
                                     "before a center contact); repeatable.",
                                     "計画に位置づけた障害者就業・生活支援センターとの連携（支援センターの支援を記録する前に"
                                     "必要。複数可）"),
        },
        "common": _WRITE,
    },
    "monitor": {
        "summary": ("Record a monitoring (モニタリング) of the plan in force.", "個別支援計画のモニタリングを記録"),
        "examples": ('teikan monitor 12 --date 2026-06-30 --note "短期目標はおおむね達成"',),
        "params": {
            "CLIENT": _CLIENT,
            "--date": ("Day of the monitoring.", "モニタリングの実施日"),
            "--note": ("What was found: progress on the goals, changes needed.",
                       "結果のメモ（目標の達成状況、見直しの要否など）"),
        },
        "common": _WRITE,
    },
    "handover": {
        "summary": ("Record or update the handover (引継ぎ) to the support center.",
                    "支援センターへの引継ぎを記録・更新"),
        "description": ("By the share deadline (three months before the period ends) the office shares the client's "
                        "information with the receiving center,\nwith the client's consent, or records that no "
                        "support is needed afterwards; otherwise 支援体制構築未実施減算 may apply.",
                        "利用期間が終わる3か月前（共有期限）までに、本人の同意を得て引継ぎ先の障害者就業・生活支援センター"
                        "と情報を共有\n支援が不要と判断した場合は --not-needed を記録。どちらもないと支援体制構築未実施減算"
                        "の対象"),
        "examples": ('teikan handover 12 --center "○○障害者就業・生活支援センター" --consent-date 2026-09-10',
                     "teikan handover 12 --shared-date 2026-10-01"),
        "params": {
            "CLIENT": _CLIENT,
            "--center": ("Receiving 障害者就業・生活支援センター.", "引継ぎ先の障害者就業・生活支援センター"),
            "--consent-date": ("Day the client consented to sharing their information (an empty text clears it).",
                               "本人が情報共有に同意した日（空文字 \"\" で取消し）"),
            "--shared-date": ("Day the information was shared with the center; not before the consent (an empty "
                              "text clears it).",
                              "支援センターと情報を共有した日（同意日より前は不可。空文字 \"\" で取消し）"),
            "--not-needed": ("The office judged that no support is needed after the period (--needed withdraws it).",
                             "利用期間終了後の支援は不要と判断（--needed で取消し）"),
            "--note": ("Free note.", "メモ（自由記述）"),
        },
        "common": _WRITE,
    },
    "share-report": {
        "summary": ("Record that the month's 支援レポート was shared (when, to whom, how).",
                    "支援レポートの共有を記録（共有日・共有先・方法）"),
        "description": ("Its date is the 支援レポート共有日 of the billing record; a month without a shared report is "
                        "not billable.",
                        "共有日は請求で報告する支援レポート共有日になる。共有していない月は請求できない"),
        "examples": ("teikan share-report 12 --month 先月 --date 2026-05-08",
                     "teikan share-report 12 --month 2026-04 --to client --to employer --method in-person"),
        "params": {
            "CLIENT": _CLIENT,
            "--month": ("Month the report covers.", "支援レポートの対象月"),
            "--date": ("Day it was shared (default: --as-of; not before the month's first day).",
                       "共有日（既定: 基準日。対象月の初日より前は不可）"),
            "--to": ("Who received it; repeat for each (default: the client and the employer).",
                     "共有先（複数可。既定: 本人と企業）"),
            "--method": ("How it was shared.", "共有の方法"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- documents
    "support-report": {
        "summary": ("Draft a month's 支援レポート from the contact log.", "支援記録から月の支援レポートの下書きを作成"),
        "description": ("Markdown or text to edit, or one printable A4 HTML page with signature boxes (確認欄).\nThe "
                        "employer's copy leaves out warning signs and notes not marked --shareable. A month without a "
                        "face-to-face contact says so at the top.",
                        "編集用の Markdown・テキスト、または印刷用のA4 HTML（確認欄付き）\n"
                        "企業用の控えには --shareable を付けた記録の兆候・メモだけを載せる。対面支援のない月は冒頭にその旨を表示"),
        "examples": ("teikan support-report 12 --month 先月 --output 支援レポート.md",
                     "teikan support-report 12 --month 2026-04 --format html --copy employer --output 支援レポート_企業用.html"),
        "params": {
            "CLIENT": _CLIENT,
            "--month": ("Month the report covers.", "支援レポートの対象月"),
            "--format": ("Draft format: md (Markdown, default), text, or html (a printable A4 page).",
                         "形式: md（Markdown、既定）・text・html（印刷用のA4）"),
            "--copy": ("Whose copy: the client's (default) or the employer's, which leaves out health information "
                       "not marked --shareable.",
                       "誰に渡す控えか（既定: 本人用。企業用は --shareable を付けていない兆候・メモを除く）"),
            "--output": _OUTPUT,
            "--force": ("Overwrite FILE if it exists (it may hold your edits).",
                        "FILE が既にあれば上書き（編集した内容が消えるので注意）"),
        },
        "common": ("--as-of", "--wareki", "--db"),
    },
    "service-record": {
        "summary": ("The month's サービス提供実績記録票 (service record).",
                    "サービス提供実績記録票を作成（利用者・月ごと）"),
        "description": ("One row per day with support: date, weekday, kinds of support, 算定 (1 on the day counted "
                        "for the base fee), remarks;\nwith the month's 支援レポート共有日, the start date and a box for "
                        "the client's confirmation. --all: one page per client in service.",
                        "支援した日ごとに1行（日付・曜日・支援内容・算定・備考）。支援レポート共有日・利用開始日・"
                        "利用者確認欄付き\n--all で対象月に利用中の全利用者分を1人1ページで出力"),
        "examples": ("teikan service-record 12 --month 先月",
                     "teikan service-record --month 2026-04 --all --format html --output 実績記録票_2026-04.html"),
        "params": {
            "CLIENT": ("The client (id, certificate number or name); left out with --all.",
                       "利用者（ID・受給者証番号・氏名）。--all のときは省略"),
            "--month": ("Month of the record.", "対象月"),
            "--all": ("Every client in service in the month, one page each (with --format html --output FILE).",
                      "対象月に利用中の全利用者分（1人1ページ。--format html --output と併用）"),
            "--format": ("Output format: table (default), json, csv, or html (printable pages).",
                         "出力形式: table（表、既定）・json・csv・html（印刷用）"),
            "--output": _OUTPUT,
            "--force": ("Replace FILE if it exists.", "FILE が既にあれば上書き"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- reports and checks
    "report": {
        "summary": ("The monthly compliance report: contacts, billing, staffing, findings.",
                    "月次報告（支援の実施・請求可否・人員配置・指摘）"),
        "description": ("One row per client in service: contacts by kind, support report shared, billable; then "
                        "staffing, handovers due and the findings.",
                        "利用中の利用者ごとに1行（支援の種類別の回数、支援レポートの共有、請求可否）。"
                        "続いて人員配置、引継ぎ、指摘事項"),
        "examples": ("teikan report --month 先月",
                     "teikan report --month 令和8年4月 --format csv --excel > 月次報告.csv"),
        "params": {"--month": ("Month to report on.", "対象月")},
        "common": _LISTING,
    },
    "check": {
        "summary": ("The cron check: silent when all is well, one line per finding.",
                    "定期チェック（問題がなければ何も表示しない）"),
        "description": ("Checks the month of --as-of (up to the 10th, the previous month too) and the dated rules: "
                        "handover, period, grant, plan.\nEach line starts with error or warning and the rule code, "
                        "errors first.\nExit codes: 0 no error, 1 errors found (with --strict, any finding), 2 bad "
                        "input or an unreadable database.",
                        "基準日の月（10日までは前月も）と、引継ぎ・利用期間・受給者証・個別支援計画の期限を点検\n"
                        "1件1行、エラーが先。各行は error または warning とルールコードで始まる\n"
                        "終了コード: 0 エラーなし、1 エラーあり（--strict では警告だけでも1）、2 入力の誤り・"
                        "データベースを読めない"),
        "examples": ("teikan check", "teikan check --strict --within 120", "teikan check --month 先月 --format json"),
        "params": {
            "--month": ("Check only this month (default: the month of --as-of, and up to the 10th the previous "
                        "month too).",
                        "この月だけを点検（既定: 基準日の月。10日までは前月も）"),
            "--within": ("Warn about handover deadlines within this many days (default 90).",
                         "引継ぎの共有期限が何日以内なら警告するか（日数、既定 90）"),
            "--remind-days": ("Remind of what is still missing in the month's last N days (default 7).",
                              "月末の何日前から未実施を知らせるか（日数、既定 7）"),
            "--strict": ("Exit 1 on warnings too.", "警告だけでも終了コード1にする"),
            "--format": ("Output format: text (one line per finding, default) or json.",
                         "出力形式: text（1件1行、既定）・json"),
        },
        "common": _WRITE,
    },
    "handovers": {
        "summary": ("Clients whose handover deadline is near or past, soonest first.",
                    "引継ぎの共有期限が近い・過ぎた利用者（期限順）"),
        "examples": ("teikan handovers", "teikan handovers --within 120 --wareki"),
        "params": {
            "--within": ("Show deadlines within this many days of --as-of (default 180).",
                         "基準日から何日以内の共有期限を表示するか（日数、既定 180）"),
        },
        "common": _LISTING,
    },
    "due": {
        "summary": ("What is still to do this month, per staff member and employer.",
                    "今月の残り作業（担当職員・就職先ごと）"),
        "description": ("Face-to-face support, employer visit and support report not yet done, plan reviews, "
                        "handovers and grants falling due.\nNothing is printed when all is done.",
                        "未実施の対面支援・企業訪問・支援レポート、見直し時期の個別支援計画、引継ぎ、受給者証の期限を表示\n"
                        "すべて済んでいれば何も表示しない"),
        "examples": ("teikan due --staff 佐藤", "teikan due --month 今月 --format json"),
        "params": {
            "--staff": ("Only this staff member's clients.", "この職員が担当する利用者だけ"),
            "--month": _MONTH_DEFAULT,
        },
        "common": ("--as-of", "--format", "--excel", "--db"),
    },
    "watch": {
        "summary": ("Clients whose warning signs are rising, with the contacts.",
                    "気になる兆候が増えている利用者（支援記録付き）"),
        "examples": ("teikan watch", "teikan watch --months 6"),
        "params": {
            "--months": ("How many months of warning signs to show (default 3).", "兆候を表示する月数（既定 3）"),
        },
        "common": ("--as-of", "--format", "--excel", "--db"),
    },
    "rate": {
        "summary": ("就労定着率 for a fiscal year, with its tier and monthly units.",
                    "年度の就労定着率と報酬区分・単位数"),
        "description": ("Of everyone who used the service in the three fiscal years before, the share still employed "
                        "on the last day of the previous year.",
                        "過去3年度の利用者のうち、前年度末日に就労を続けている人の割合"),
        "examples": ("teikan rate --fiscal-year 令和7年度 --what-if",),
        "params": {
            "--fiscal-year": ("Fiscal year the rate applies in (2025, 令和7年度, R7; default: that of --as-of).",
                              "適用する年度（2025、令和7年度、R7 など。既定: 基準日の年度）"),
            "--what-if": ("Also say how many more retained people would reach the next tier.",
                          "上の区分まであと何人の定着が必要かも表示"),
        },
        "common": _LISTING,
    },
    # ---------------------------------------------------------------- files in and out
    "import": {
        "summary": ("Import clients, contacts or staff from CSV (every row or none).",
                    "CSVから利用者・支援記録・職員を取り込み"),
        "description": ("UTF-8 (with or without BOM) or CP932 (Shift_JIS, as Excel saves it); English headers or "
                        "the Japanese column names of an office sheet (氏名, フリガナ, 就職先 …).\nOne bad row: nothing "
                        "is imported, and every bad row is listed by line number. The same file again adds nothing.",
                        "文字コードは UTF-8（BOMあり・なし）または CP932（Excel の Shift_JIS）。"
                        "見出しは英語でも日本語（氏名、フリガナ、就職先…）でも可\n"
                        "誤りのある行が1行でもあれば何も取り込まず、誤りを行番号付きですべて表示。同じファイルを再度"
                        "取り込んでも重複しない"),
        "examples": ("teikan import clients 利用者一覧.csv --dry-run", "teikan import contacts 支援記録.csv"),
        "params": {
            "KIND": ("What the file holds (the client list, the contact log, or staff assignments).",
                     "取り込むデータの種類（利用者・支援記録・職員）"),
            "FILE": ("CSV file to read; - reads standard input.", "読み込むCSVファイル（- で標準入力）"),
            "--dry-run": ("Check every row and count what would be added; write nothing.",
                          "全行を確認して追加件数を表示するだけ（書き込まない）"),
        },
        "common": _WRITE,
    },
    "export": {
        "summary": ("Export clients, contacts or staff as CSV in the import format.",
                    "利用者・支援記録・職員をCSVで書き出し（取り込みと同じ形式）"),
        "examples": ("teikan export contacts --excel --output 支援記録.csv",
                     "teikan export clients --pseudonymize > clients-pseudonymized.csv"),
        "params": {
            "KIND": ("What to export (the client list, the contact log, or staff assignments).",
                     "書き出すデータの種類（利用者・支援記録・職員）"),
            "--output": ("Write to FILE (mode 0600) instead of the screen; an existing FILE needs --force.",
                         "画面ではなく FILE に保存（権限 0600。既にあるファイルには --force が必要）"),
            "--force": ("Replace FILE if it exists.", "FILE が既にあれば上書き"),
            "--excel": ("For Excel: UTF-8 with BOM, Japanese headers and labels when messages are Japanese, cells "
                        "starting with = + - @ prefixed with ' (import removes it again).",
                        "Excel用（BOM付きUTF-8。日本語表示なら見出しと値も日本語。= + - @ で始まるセルには ' を付ける。"
                        "取り込むときは自動で外す）"),
            "--pseudonymize": ("Replace names, kana, employers, staff and certificate numbers with stable pseudonyms, "
                               "coarsen dates to the month and drop free text.",
                               "氏名・フリガナ・就職先・職員名・受給者証番号を仮の名前に置き換え、日付を月単位にし、"
                               "自由記述を除く"),
        },
        "common": _WRITE,
    },
    # ---------------------------------------------------------------- keeping the file safe
    "backup": {
        "summary": ("Copy the database safely, even while others use it (mode 0600).",
                    "データベースをバックアップ（使用中でも安全にコピー）"),
        "examples": ("teikan backup /media/usb/teikan-2026-04-30.db", "teikan backup /media/usb/"),
        "params": {
            "DEST": ("Backup file, or a folder (one that exists, or any path ending in /) to make a dated file in. "
                     "A missing last folder is made (0700); a deeper missing one is refused.",
                     "バックアップ先のファイル、またはフォルダ（既存のもの、または / で終わるパス。日付入りのファイルを"
                     "作成）。最後のフォルダがなければ作成（0700）、その上もなければ中止"),
            "--force": ("Replace DEST if it exists.", "DEST が既にあれば上書き"),
        },
        "common": _WRITE,
    },
    "restore": {
        "summary": ("Replace the database with a checked backup.", "バックアップからデータベースを復元"),
        "description": ("The backup is checked first (a teikan file, schema not newer, every row sound); if it "
                        "fails, the current database stays untouched.",
                        "復元の前にバックアップを検査（teikan のファイルか、新しすぎないか、全行が正しいか）。"
                        "問題があれば現在のデータベースはそのまま"),
        "examples": ("teikan restore /media/usb/teikan-2026-04-30.db --force",),
        "params": {
            "SRC": ("Backup made by teikan backup (or another teikan database).",
                    "teikan backup で作成したバックアップ（または別の teikan データベース）"),
            "--force": ("Replace the current database when it exists.", "現在のデータベースがあっても置き換える"),
        },
        "common": _WRITE,
    },
    "doctor": {
        "summary": ("Check the database: integrity, audit trail, schema, permissions.",
                    "データベースを点検（整合性・監査記録・権限など）"),
        "description": ("One line per check; the audit trail's chain is verified and the first row that does not "
                        "match is named.\nExit codes: 0 all ok, 1 a problem found, 2 the file is missing or not a "
                        "teikan database.",
                        "点検項目ごとに1行表示。監査記録の改ざんも確認し、一致しない最初の行を表示\n"
                        "終了コード: 0 問題なし、1 問題あり、2 ファイルがない・teikan のデータベースではない"),
        "examples": ("teikan doctor", "teikan doctor --format json"),
        "params": {
            "--format": ("Output format: table (default) or json.", "出力形式: table（表、既定）・json"),
        },
        "common": _WRITE,
    },
    "purge": {
        "summary": ("Remove ended clients past the five-year record retention.",
                    "保存期間（5年）を過ぎた終了者の記録を削除"),
        "description": ("Only clients whose service ended and whose latest record is more than five years before "
                        "--before; that date may not be after --as-of.\nRun with --dry-run first. Nothing purged "
                        "stays in the file.",
                        "利用が終了し、最後の記録から5年を過ぎた利用者だけが対象（--before の日が基準。基準日より後は不可）\n"
                        "先に --dry-run で確認。削除したデータはファイルに残らない"),
        "examples": ("teikan purge --before 2031-04-01 --dry-run",),
        "params": {
            "--before": ("Remove clients whose five-year retention ended before DATE.",
                         "この日より前に5年の保存期間が終わった利用者を削除"),
            "--dry-run": ("Only list who would be removed; change nothing.", "削除の対象を表示するだけ（何も変更しない）"),
        },
        "common": ("--as-of", "--format", "--excel", "--db"),
    },
    "demo": {
        "summary": ("Build a fictional office and show its busiest month.",
                    "架空の事業所でデモ用のデータベースを作成"),
        "description": ("Prints report and check for the busiest month, then a few commands to try on it.",
                        "最も忙しい月の report と check を表示し、試せるコマンドを案内"),
        "examples": ("teikan demo", "teikan demo --path /tmp/teikan-demo.db"),
        "params": {
            "--path": ("Database file to (re)build (default teikan-demo.db); only a demo database is replaced.",
                       "作成するデータベースファイル（既定: teikan-demo.db。デモ用以外のファイルは置き換えない）"),
            "--as-of": ("Show the office as it stood on DATE (default: the demo's own reference date).",
                        "この日時点の状態を表示（既定: デモデータの基準日）"),
        },
        "common": (),
    },
}
