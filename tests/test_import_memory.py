"""`import contacts` in bounded memory (SPEC §8: under 300 MB whatever the file's size), measured on a real process.

200,000 contacts (a fifth of the national benchmark) are imported twice into a fresh database by a child process,
and its peak resident set size is read with getrusage. The budget is 100 MB:

- The design this replaced held every row of the file in memory (its cells, then a ContactRow, then a Contact)
  and, to see which rows were already there, a Counter of every existing contact's values: memory grew with
  the file. Measured on main at 0b79965 with this very file: 226 MB for the first import, 304 MB for the second
  (1.1 GB and 1.6 GB for the national file's 1,060,877 contacts). Both are far over the budget.
- Streaming through the store's staging table, the process stays near its start-up size plus the clients it
  resolves against: 44 MB and 45 MB here, 75 MB for the national file. The budget leaves room for another
  Python or SQLite build, and still fails any design whose memory grows by a row per contact (~1 KB each).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import teikan_cli

CONTACTS = 200_000
CLIENTS = 1_000
BUDGET_MB = 100
AS_OF = "--as-of=2025-08-01"
ROOT = Path(teikan_cli.__file__).resolve().parent.parent

# Runs one teikan command in a grandchild, so that the peak measured is that command's alone (RUSAGE_CHILDREN
# of this fresh process covers nothing else), and prints its exit code and peak in kB.
MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "teikan_cli", *sys.argv[1:]], capture_output=True, text=True)
sys.stderr.write(done.stdout + done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write_caseload(folder: Path) -> dict[str, Path]:
    """A fictional office: 2 staff, 1,000 clients, 200 contacts each inside their service."""
    files = {kind: folder / f"{kind}.csv" for kind in ("staff", "clients", "contacts")}
    files["staff"].write_text("name,role,hours\n架空 一郎,supporter,40\n架空 花子,manager,40\n", encoding="utf-8")
    start = date(2022, 7, 1)  # six months after employment on 2022-01-01; the service runs to 2025-06-30
    with open(files["clients"], "w", encoding="utf-8", newline="") as clients:
        clients.write("name,certificate,employment_start,support_start\n")
        for i in range(1, CLIENTS + 1):
            clients.write(f"見本 {i},{i:010d},2022-01-01,{start.isoformat()}\n")
    days = [(start + timedelta(days=5 * k)).isoformat() for k in range(CONTACTS // CLIENTS)]
    types = ("face", "remote", "face+employer", "agency")
    with open(files["contacts"], "w", encoding="utf-8", newline="") as contacts:
        contacts.write("client,date,types,staff,minutes,place,concerns,center_reason,note\n")
        for i in range(1, CLIENTS + 1):
            contacts.writelines(f"{i:010d},{day},{types[k % 4]},架空 一郎,30,,{'attendance' if k % 30 == 0 else ''},,\n"
                                for k, day in enumerate(days))
    return files


def run_measured(*args: str, env: dict) -> tuple[int, float, str]:
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    code, peak_kb = done.stdout.split()
    return int(code), int(peak_kb) / 1024, done.stderr


def test_importing_200000_contacts_twice_stays_within_the_budget(tmp_path):
    import os

    files = write_caseload(tmp_path)
    env = {**os.environ, "TEIKAN_DB": str(tmp_path / "memory.db"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for kind in ("staff", "clients"):
        code, _peak, output = run_measured("import", kind, str(files[kind]), AS_OF, env=env)
        assert code == 0, output
    code, first, output = run_measured("import", "contacts", str(files["contacts"]), AS_OF, env=env)
    assert (code, output) == (0, f"contacts: {CONTACTS} added, 0 already present\n")
    code, second, output = run_measured("import", "contacts", str(files["contacts"]), AS_OF, env=env)
    assert (code, output) == (0, f"contacts: 0 added, {CONTACTS} already present\n")
    print(f"peak RSS: {first:.0f} MB, then {second:.0f} MB (budget {BUDGET_MB} MB)")
    assert first < BUDGET_MB and second < BUDGET_MB, (first, second)


def test_every_bad_line_of_200000_is_listed_within_the_budget(tmp_path):
    """The same file imported into an office without those clients: 200,000 bad lines, every one listed, nothing
    written. The old design kept a Problem and its exception per line: 487 MB here (2.98 GB for the national
    file); kept compactly, 52 MB."""
    import os

    files = write_caseload(tmp_path)
    env = {**os.environ, "TEIKAN_DB": str(tmp_path / "other.db"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code, _peak, output = run_measured("import", "staff", str(files["staff"]), AS_OF, env=env)
    assert code == 0, output
    code, peak, output = run_measured("import", "contacts", str(files["contacts"]), AS_OF, env=env)
    lines = output.splitlines()
    assert code == 2 and len(lines) == CONTACTS + 1, lines[-3:]
    assert lines[0] == "line 2: client: no client '0000000001' (give an id, a certificate number or the exact name)"
    assert lines[-1] == f"Error: {CONTACTS} bad row(s); nothing was imported"
    print(f"peak RSS: {peak:.0f} MB (budget {BUDGET_MB} MB)")
    assert peak < BUDGET_MB, peak
