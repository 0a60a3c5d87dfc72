"""An API fuzzer holds the server to the contract it publishes (docs/openapi.json).

Schemathesis reads the served document and sends requests built from it, as the customer
maria, against the real server: schema-valid ones (which the server may refuse only by a
business rule, never by its own validation), invalid ones (which it must refuse), and
sequences. Every default check is on: no server error, no status, content type, header or
body the operation does not document. Bounded in examples and time so `make test` stays fast;
`SELFCARE_FUZZ_EXAMPLES` and `SELFCARE_FUZZ_SECONDS` let a release run go further.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from selfcare_tui.server.demo import FLAT_ACCOUNT

from ..support.live_server import LiveServer

HOOKS = "tests.support.fuzz.hooks"
REPO = Path(__file__).parents[2]

CONFIG = """\
# The token comes from the environment, so it is in no file and no argv.
headers = {{ Authorization = "Bearer ${{AUTH_TOKEN}}" }}

[parameters]
# maria's own account, so the fuzzer reaches what lies behind it rather than 404 on a
# random number (authorization across accounts has its own tests).
"path.number" = "{account}"

[checks.positive_data_acceptance]
# A valid request may still meet a business rule (outside the reading window, say): 422 with
# the rule's code. The hook `schema_valid_data_passes_validation` fails any 422 that is the
# server's own validation instead.
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
# A device login's poll answers 400 while the user decides, as RFC 8628 (section 3.5) says.
include-operation-id = "poll_device_login"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "429"]
"""


def test_the_server_keeps_its_published_contract(live_server: LiveServer, tmp_path: Path) -> None:
    answer = httpx.post(
        f"{live_server.base_url}/api/v1/auth/token",
        json={"username": "maria", "password": "maria-demo"},
    )
    token = answer.json()["access_token"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(account=FLAT_ACCOUNT))
    examples = os.environ.get("SELFCARE_FUZZ_EXAMPLES", "10")
    seconds = os.environ.get("SELFCARE_FUZZ_SECONDS", "45")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": HOOKS,
        "PYTHONPATH": str(REPO),
        "AUTH_TOKEN": token,
    }
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "st"),
            "--config-file",
            str(config),
            "run",
            f"{live_server.base_url}/api/v1/openapi.json",
            "--max-examples",
            examples,
            "--max-time",
            seconds,
            "--seed",
            os.environ.get("SELFCARE_FUZZ_SEED", "20261207"),
            "--workers",
            "1",
            "--warnings",
            "off",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=int(seconds) + 60,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
