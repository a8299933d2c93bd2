"""The "national" benchmark of SPEC §9: `python -m teikan_cli.bench`.

Generates a fictional, seeded workload (by default 20,000 clients over three years, 3 contacts a month,
200 staff), loads it through `teikan import` exactly as a user would, then times whole processes:
`report --month`, `check`, `log-visit` and `teikan --help`, and prints medians with the machine and the
row counts. Run by hand; it is not a timed test.

    python -m teikan_cli.bench                       # the national workload
    python -m teikan_cli.bench --clients 1000 --scaling 1000,5000,20000
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .dates import Month, add_months, eligible_from, month_range, support_end

AS_OF = date(2026, 10, 15)
FIRST_START = date(2023, 10, 1)
SURNAMES = ["架空", "仮名", "見本", "試験", "例示", "模擬", "検証", "演習"]
GIVEN = ["一郎", "花子", "次郎", "桜", "三郎", "葵", "四郎", "蓮"]


def generate(folder: Path, clients: int, staff: int = 200, contacts_per_month: int = 3, seed: int = 20261015) -> dict:
    """Write staff.csv, clients.csv and contacts.csv (SPEC §8 format) into `folder`; return row counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    supporters = [f"職員{n:03d}" for n in range(staff)]
    with open(folder / "staff.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "role", "hours", "from", "until", "reduced_hours"])
        for n, name in enumerate(supporters):
            role = "manager" if n % 8 == 0 else "supporter"
            writer.writerow([name, role, 40 if n % 3 else 32, FIRST_START.isoformat(), "", ""])
    span_days = (AS_OF - FIRST_START).days
    contact_rows = 0
    with open(folder / "clients.csv", "w", newline="", encoding="utf-8") as clients_file, \
            open(folder / "contacts.csv", "w", newline="", encoding="utf-8") as contacts_file:
        cw = csv.writer(clients_file)
        cw.writerow(["name", "kana", "employer", "certificate", "grant_until", "staff", "disabilities",
                     "prior_service", "employment_start", "interim_support_end", "employment_end", "support_start",
                     "ended_on", "end_reason", "note"])
        kw = csv.writer(contacts_file)
        kw.writerow(["client", "date", "types", "staff", "minutes", "place", "concerns", "center_reason", "note"])
        for i in range(1, clients + 1):
            start = FIRST_START + timedelta(days=rng.randrange(span_days))
            employed = add_months(start, -7)
            assert eligible_from(employed) <= start
            ended = None
            reason = ""
            if rng.random() < 0.1:
                ended = start + timedelta(days=rng.randrange(30, 900))
                if ended >= AS_OF:
                    ended = None
                else:
                    reason = "job-loss"
            last_day = min(ended or AS_OF, support_end(start), AS_OF)
            certificate = f"{i:010d}"
            person = supporters[rng.randrange(staff)]
            cw.writerow([f"{SURNAMES[i % 8]} {GIVEN[(i // 8) % 8]}{i}", "カメイ", f"架空商事{i % 700:03d}", certificate,
                         "", person, "mental" if i % 2 else "developmental", "transition", employed.isoformat(), "",
                         ended.isoformat() if ended else "", start.isoformat(),
                         ended.isoformat() if ended else "", reason, ""])
            for month in month_range(Month.of(start), Month.of(last_day)):
                for k in range(contacts_per_month):
                    day = date(month.year, month.month, min(3 + 9 * k, month.days))
                    if day < start or day > last_day:
                        continue
                    types = ("face+employer", "remote", "face")[k % 3]
                    concern = "attendance" if rng.random() < 0.03 else ""
                    kw.writerow([certificate, day.isoformat(), types, person, 30, "workplace" if k == 0 else "",
                                 concern, "", ""])
                    contact_rows += 1
    return {"clients": clients, "contacts": contact_rows, "staff": staff}


def add_office_records(db: Path, seed: int = 20261015) -> dict:
    """What a working office also records and CSV import does not carry (SPEC §8): a plan at the start and a
    review every five months, the month's shared support report (all but 3 % of client-months before the
    month of AS_OF), and handovers with consent and sharing for 90 % of clients near their end.

    Without these, every client would carry plan-missing and support-report-missing findings, and the benchmark
    would time printing 20,000 lines rather than the month's work. Written with plain SQL in one transaction:
    a benchmark fixture, not a user path.
    """
    from .dates import share_deadline

    rng = random.Random(seed + 1)
    plans, reports, handovers = [], [], []
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, support_start, ended_on FROM clients").fetchall()
        for client_id, start_text, ended_text in rows:
            start = date.fromisoformat(start_text)
            last_day = min(date.fromisoformat(ended_text) if ended_text else AS_OF, support_end(start), AS_OF)
            day = start + timedelta(days=7)
            while day <= last_day:
                # agreed three days after it is made, handed over three days later (SPEC §11)
                consent, delivered = day + timedelta(days=3), day + timedelta(days=6)
                plans.append((client_id, day.isoformat(), consent.isoformat() if consent <= AS_OF else None,
                              delivered.isoformat() if delivered <= AS_OF else None))
                day = add_months(day, 5)
            for month in month_range(Month.of(start), Month.of(last_day)):
                if month < Month.of(AS_OF) and rng.random() > 0.03:
                    reports.append((client_id, str(month), min(month.last, AS_OF).isoformat()))
            deadline = share_deadline(support_end(start))
            if not ended_text and deadline <= AS_OF + timedelta(days=120) and rng.random() < 0.9:
                consent = min(deadline - timedelta(days=30), AS_OF)
                handovers.append((client_id, "架空障害者就業・生活支援センター", consent.isoformat(), consent.isoformat()))
        conn.executemany("INSERT OR IGNORE INTO plans (client_id, date, consent_date, delivered_date) "
                         "VALUES (?, ?, ?, ?)", plans)
        conn.executemany("INSERT OR IGNORE INTO shared_reports (client_id, month, date) VALUES (?, ?, ?)", reports)
        conn.executemany("INSERT OR IGNORE INTO shared_report_recipients (client_id, month, recipient) "
                         "VALUES (?, ?, ?)", [(r[0], r[1], who) for r in reports for who in ("client", "employer")])
        conn.executemany("INSERT OR IGNORE INTO handovers (client_id, center, consent_date, shared_date) "
                         "VALUES (?, ?, ?, ?)", handovers)
    return {"plans": len(plans), "shared_reports": len(reports), "handovers": len(handovers)}


def _teikan(*args: str, db: Path, check: bool = True, peaks: list[float] | None = None) -> float:
    """Run `teikan` as a whole process; return the wall time in seconds. With `peaks`, append the process's
    peak resident memory in MB (its own `ru_maxrss`, as `/usr/bin/time -v` reports it)."""
    env = dict(os.environ, TEIKAN_DB=str(db), TEIKAN_LANG="en", NO_COLOR="1")
    command = [_teikan_command(), *args]
    if command[0] == sys.executable:
        command[1:1] = ["-m", "teikan_cli"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode(errors="replace")[-500:]
    if peaks is not None:
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    if check and process.returncode not in (0, 1):
        raise SystemExit(f"teikan {' '.join(args)} failed ({process.returncode}): {message}")
    return elapsed


def _teikan_command() -> str:
    """The `teikan` script installed beside this Python (the one being measured), else `python -m teikan_cli`;
    never another `teikan` found first on PATH (a pyenv shim adds 0.1 s to every run)."""
    beside = Path(sys.executable).parent / "teikan"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else sys.executable


def _median(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s"


def run(clients: int, repeat: int, workdir: Path) -> dict:
    data = workdir / f"data-{clients}"
    db = workdir / f"bench-{clients}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    counts = generate(data, clients)
    as_of = f"--as-of={AS_OF.isoformat()}"
    results = {"counts": counts}
    _teikan("init", "--office-name", "ベンチマーク事業所", "--opened", FIRST_START.isoformat(), as_of, db=db)
    started, peaks = time.perf_counter(), []
    for kind in ("staff", "clients", "contacts"):
        _teikan("import", kind, str(data / f"{kind}.csv"), as_of, db=db, peaks=peaks)
    results["import"] = time.perf_counter() - started
    results["import_mb"] = max(peaks)
    results["records"] = add_office_records(db)
    with sqlite3.connect(db) as conn:  # before the timed log-visit runs add their contact
        results["rows"] = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                           for t in ("clients", "contacts", "staff_assignments", "plans", "shared_reports")}
    month = str(Month.of(AS_OF).shift(-1))
    results["report"] = [_teikan("report", "--month", month, as_of, db=db) for _ in range(repeat)]
    results["report-json"] = [_teikan("report", "--month", month, "--format", "json", as_of, db=db)
                              for _ in range(repeat)]
    results["check"] = [_teikan("check", as_of, db=db) for _ in range(repeat)]
    results["help"] = [_teikan("--help", db=db) for _ in range(repeat)]
    results["log-visit"] = [
        _teikan("log-visit", "0000000001" if clients >= 1 else "1", "--type", "remote", "--date", "2026-10-14",
                as_of, db=db, check=False)
        for _ in range(repeat)
    ]
    results["db_mb"] = db.stat().st_size / 1e6
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m teikan_cli.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scaling", default="", help="comma-separated client counts for a scaling table")
    parser.add_argument("--dir", default="", help="work folder (default: a temporary one, removed afterwards)")
    args = parser.parse_args(argv)
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="teikan-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    try:
        sizes = [int(s) for s in args.scaling.split(",") if s.strip()] or [args.clients]
        print("| clients | contacts | import | import peak | report --month | report --format json | check | log-visit "
              "| --help |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            r = run(size, args.repeat, workdir)
            print(f"| {r['rows']['clients']:,} | {r['rows']['contacts']:,} | {r['import']:.1f} s | {r['import_mb']:.0f} MB | "
                  f"{_median(r['report'])} | {_median(r['report-json'])} | {_median(r['check'])} | "
                  f"{_median(r['log-visit'])} | "
                  f"{_median(r['help'])} |", flush=True)
        print(f"medians of {args.repeat} runs each, whole processes; targets (SPEC §9): report/check < 1 s, "
              "import < 60 s and < 300 MB, --help < 0.15 s, log-visit < 0.2 s")
    finally:
        if not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
