"""`selfcare server bill` as the utility's operator runs it, on a copy of the demo database:
a month billed, the same month again issuing nothing, and the refusals with their exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..support.cli_in_process import run_selfcare


def test_a_month_is_billed_once_and_a_second_run_issues_nothing(
    demo_database: Path, tmp_path: Path
) -> None:
    database = tmp_path / "server.sqlite3"
    shutil.copy(demo_database, database)
    url = f"sqlite:///{database}"
    # The demo data ends in November 2026; the real clock is past December's window.
    first = run_selfcare(tmp_path, "server", "bill", "--database-url", url, "--month", "2026-12")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0].startswith("Billing run 2026-12: 27 invoices issued for 1 Nov 2026 to 30 Nov")
    assert lines[1] == "0 places were billed for that month already."

    again = run_selfcare(
        tmp_path, "server", "bill", "--database-url", url, "--month", "2026-12", "--json"
    )
    assert again.exit_code == 0, again.output
    run = json.loads(again.output)
    assert (run["status"], run["issued"], run["already_billed"]) == ("done", 0, 27)
    assert run["total_amount"] == {"amount": "0.00", "currency": "EUR"}


def test_a_month_before_its_window_closed_or_malformed_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    early = run_selfcare(tmp_path, "server", "bill", "--database-url", url, "--month", "2999-01")
    assert early.exit_code == 5
    assert "The billing run of 2999-01 can start on 4 Jan 2999" in early.output
    # In the language asked for: --lang reaches the server group's commands too.
    romanian = run_selfcare(
        tmp_path, "--lang", "ro", "server", "bill", "--database-url", url, "--month", "2999-01"
    )
    assert "Facturarea lunii 2999-01 poate porni pe 4 ian. 2999" in romanian.output
    malformed = run_selfcare(tmp_path, "server", "bill", "--database-url", url, "--month", "12/26")
    assert malformed.exit_code == 2
    assert "The month must be given as YYYY-MM" in malformed.output
