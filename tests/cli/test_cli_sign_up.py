"""`selfcare signup` and `selfcare password reset` against the real server, its mail going over
SMTP to a real local server: the first run mails the code, a second reads it from stdin."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from selfcare_tui.server.demo import ATTACHABLE_ACCOUNT
from selfcare_tui.server.local_mail import LocalMailServer

from ..support.cli import Cli, cli_environment
from ..support.live_server import LiveServer
from ..support.mail import code_in, last_mail_to

PASSWORD = "correct horse battery staple"


def _cli(server: LiveServer, tmp_path: Path, *, as_subprocess: bool = False) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, server.base_url, as_subprocess=as_subprocess)


@pytest.fixture
def mail_cli(mailing_server: LiveServer, tmp_path: Path) -> Cli:
    return _cli(mailing_server, tmp_path)


def test_signup_then_the_mailed_code_as_subprocesses(
    mailing_server: LiveServer, mail_server: LocalMailServer, tmp_path: Path
) -> None:
    cli = _cli(mailing_server, tmp_path, as_subprocess=True)
    sent = cli(
        "signup",
        "--server",
        cli.server,
        "-u",
        "ilona",
        "--email",
        "ilona@example.org",
        "--password-stdin",
        input=f"{PASSWORD}\n",
    )
    assert sent.returncode == 0, sent.stderr
    assert "A mail is on its way to ilona@example.org" in sent.stderr
    finish = f"selfcare signup --server {cli.server} --email ilona@example.org --code-stdin"
    assert finish in sent.stderr
    assert cli.keyring == {}
    code = code_in(last_mail_to(mail_server, "ilona@example.org", 1))
    done = cli(*finish.split()[1:], input=f"{code}\n")
    assert done.returncode == 0, done.stderr
    assert f"Signed up and logged in to {cli.server} as ilona." in done.stderr
    assert len(cli.keyring) == 1  # the refresh token, in the keyring
    attached = cli(
        "accounts", "attach", ATTACHABLE_ACCOUNT[0], "--payment-code", ATTACHABLE_ACCOUNT[1]
    )
    assert attached.returncode == 0, attached.stderr


def test_signup_refusals_name_the_field_and_exit_codes(mail_cli: Cli) -> None:
    server = ("--server", mail_cli.server)
    bad = mail_cli(
        "signup", *server, "-u", "Ilona S", "--email", "nope", "--password-stdin", input="x\n"
    )
    assert bad.returncode == 2
    assert "username: 3 to 32 characters: lowercase letters" in bad.stderr
    assert "email: Must be an e-mail address, such as name@example.com." in bad.stderr
    weak = mail_cli(
        "signup", *server, "-u", "ilona", "--email", "i@example.org", "--password-stdin",
        input="ilona-ilona-ilona\n",
    )  # fmt: skip
    assert weak.returncode == 5 and "weak_password" in weak.stderr
    no_terminal = mail_cli("signup", *server, "--email", "i@example.org", input="")
    assert no_terminal.returncode == 2
    assert no_terminal.stderr == "Give --username: standard input is not a terminal.\n"
    no_email = mail_cli("signup", *server, "--code-stdin", input="12345678\n")
    assert no_email.returncode == 2 and "--email" in no_email.stderr
    wrong = mail_cli("signup", *server, "--email", "i@example.org", "--code-stdin", input="1\n")
    assert wrong.returncode == 5
    assert wrong.stderr.startswith("Error: invalid_code: The code is not right")
    assert mail_cli.keyring == {}


def test_password_reset_by_the_mailed_code(
    mail_cli: Cli, mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    jaan = "jaan@demo.selfcare.test"
    server = ("--server", mail_cli.server, "--email", jaan)
    sent = mail_cli("password", "reset", *server, input="")
    assert sent.returncode == 0, sent.stderr
    assert f"A mail is on its way to {jaan}" in sent.stderr
    finish = f"selfcare password reset --server {mail_cli.server} --email {jaan} --code-stdin"
    assert finish in sent.stderr
    code = code_in(last_mail_to(mail_server, jaan, 1))
    weak = mail_cli("password", "reset", *server, "--code-stdin", input=f"{code}\nqwerty\n")
    assert weak.returncode == 5 and "new_password: Use at least 12 characters" in weak.stderr
    one_line = mail_cli("password", "reset", *server, "--code-stdin", input=f"{code}\n")
    assert one_line.returncode == 2 and "two lines" in one_line.stderr
    done = mail_cli("password", "reset", *server, "--code-stdin", input=f"{code}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert "every session of the login has ended" in done.stderr
    again = mail_cli("password", "reset", *server, "--code-stdin", input=f"{code}\n{PASSWORD}!\n")
    assert again.returncode == 5 and "invalid_code" in again.stderr
    login = {"username": "jaan", "password": PASSWORD}
    answer = httpx.post(f"{mailing_server.base_url}/api/v1/auth/token", json=login)
    assert answer.status_code == 200
