"""Several real processes writing one file at once while cron runs `check`: nothing lost, nobody told "locked".

Figures (issue 8): 4 writers × 200 visits = 800 visits written concurrently, 0 lost.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from conftest import run_process

AS_OF = "--as-of=2025-06-15"
WRITERS = 4
VISITS_EACH = 200

# Each writer is one real process that waits for the start signal, then runs `log-visit` 200 times through
# the real entry point (teikan_cli.cli.main), in-process, so that the four really overlap. Typer rebuilds
# its Click command on every call (~0.1 s of CPU); the driver builds it once, as a single run does.
WRITER = r"""
import os, sys, time
import typer.main
from teikan_cli import cli

command = typer.main.get_command(cli.app)
cli.app = lambda *args, **kwargs: command(*args, **kwargs)
main = cli.main

worker, count, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
while not os.path.exists(go):
    time.sleep(0.005)
bad = 0
for i in range(count):
    try:
        main(["log-visit", "1", "--date", "2025-06-10", "--type", "face", "--staff", "佐藤",
              "--note", f"w{worker}-{i}", "--as-of", "2025-06-15"])
    except SystemExit as exc:
        if exc.code not in (0, None):
            bad += 1
sys.stderr.flush()
sys.exit(1 if bad else 0)
"""


def _setup_clean_office(cli) -> None:
    """One client, staff and a plan: `check` as of 2025-06-15 has nothing to say (silent, exit 0)."""
    assert cli("init", "--office-name", "テスト事業所", AS_OF).exit_code == 0
    assert cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
               AS_OF).exit_code == 0
    assert cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", "--from", "2024-04-01", AS_OF).exit_code == 0
    assert cli("add-staff", "田中", "--role", "manager", "--hours", "40", "--from", "2024-04-01", AS_OF).exit_code == 0
    assert cli("plan", "1", "--date", "2025-04-01", "--consent-date", "2025-04-01", "--delivered-date", "2025-04-01", AS_OF).exit_code == 0
    r = cli("check", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_four_writers_and_a_checker_lose_nothing(cli, db_path, tmp_path):
    _setup_clean_office(cli)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(VISITS_EACH), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        for n in range(WRITERS)
    ]
    time.sleep(0.5)  # let every writer import teikan and wait at the line
    started = time.monotonic()
    go.touch()
    checks = []
    while any(w.poll() is None for w in writers):
        checks.append(run_process("check", AS_OF))
        assert time.monotonic() - started < 110, "writers did not finish in time"  # a guard; ~20 s on 2 cores
    outputs = [w.communicate(timeout=30) for w in writers]
    print(f"{WRITERS * VISITS_EACH} visits by {WRITERS} processes in {time.monotonic() - started:.1f} s, "
          f"{len(checks)} checks meanwhile")

    for writer, (out, err) in zip(writers, outputs):
        assert "locked" not in err.lower() and "Traceback" not in err
        assert err == ""
        assert writer.returncode == 0
        assert out.count("logged contact #") == VISITS_EACH
    assert checks, "the checker never ran while the writers were writing"
    for r in checks:
        assert "locked" not in r.stderr.lower()
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")

    conn = sqlite3.connect(db_path)
    notes = [row[0] for row in conn.execute("SELECT note FROM contacts")]
    assert len(notes) == WRITERS * VISITS_EACH
    assert set(notes) == {f"w{n}-{i}" for n in range(WRITERS) for i in range(VISITS_EACH)}
    assert conn.execute("SELECT SUM(face + employer + remote + agency + center) FROM contacts").fetchone()[0] == \
        WRITERS * VISITS_EACH
    assert conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'log-visit'").fetchone()[0] == WRITERS * VISITS_EACH
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    r = cli("visits", "--format", "csv", AS_OF)
    assert r.exit_code == 0 and r.stdout.count("\r\n") == WRITERS * VISITS_EACH + 1


def test_backup_while_writers_write_is_consistent(cli, db_path, tmp_path):
    """The online backup is one snapshot: every contact in it is complete (its type and audit rows too)."""
    _setup_clean_office(cli)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n), "100", str(go)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        for n in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    backups, overlapping = [], 0
    while any(w.poll() is None for w in writers) or not backups:
        target = tmp_path / "backups" / f"b{len(backups)}.db"
        writing = all(w.poll() is None for w in writers)
        r = run_process("backup", str(target), AS_OF)
        assert (r.returncode, r.stderr) == (0, ""), r
        overlapping += writing and any(w.poll() is None for w in writers)
        backups.append(target)
    for w in writers:
        out, err = w.communicate(timeout=30)
        assert (w.returncode, err) == (0, "")
    for target in backups:
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        conn = sqlite3.connect(target)
        contacts = conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]
        typed = conn.execute(
            "SELECT COALESCE(SUM(face + employer + remote + agency + center), 0) FROM contacts").fetchone()[0]
        audited = conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'log-visit'").fetchone()[0]
        assert contacts == typed == audited
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert not list((tmp_path / "backups").glob(".*partial*"))
    assert overlapping >= 1, "no backup ran while both writers were writing"
    print(f"{len(backups)} backups, {overlapping} taken while writers wrote")
