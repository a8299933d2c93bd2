"""End-to-end happy path through the CLI on a tiny office."""

import json

AS_OF = "--as-of=2025-06-01"


def test_register_log_report_check(cli):
    assert cli("init", "--office-name", "テスト事業所", AS_OF).exit_code == 0
    r = cli("add-client", "山田 太郎", "--employment-start", "2024-04-01", "--support-start", "2024-10-01",
            "--certificate", "0123456789", AS_OF)
    assert r.exit_code == 0, r
    assert "#1" in r.stdout and "2027-09-30" in r.stdout
    assert cli("add-staff", "佐藤", "--role", "supporter", "--hours", "40", AS_OF).exit_code == 0
    assert cli("add-staff", "田中", "--role", "manager", "--hours", "40", AS_OF).exit_code == 0
    assert cli("plan", "1", "--date", "2025-05-01", "--consent-date", "2025-05-01", "--delivered-date", "2025-05-01", AS_OF).exit_code == 0
    assert cli("log-visit", "0123456789", "--date", "2025-05-10", "--type", "face", "--type", "employer",
               "--staff", "佐藤", AS_OF).exit_code == 0
    assert cli("share-report", "山田 太郎", "--month", "2025-05", "--date", "2025-05-31", AS_OF).exit_code == 0
    report = json.loads(cli("report", "--month", "2025-05", "--format", "json", AS_OF).stdout)
    assert report["clients"][0]["billable"] is True
    r = cli("check", "--month", "2025-05", AS_OF)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
