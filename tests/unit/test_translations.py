"""Translations are catalogs: the template holds every message and help text, and a catalog
for it translates both the command line's help and its messages."""

from __future__ import annotations

import io
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from selfcare_tui.cli.main import cli
from selfcare_tui.cli.translated import TranslatedCommand
from selfcare_tui.i18n import extract

from ..support.cli import Cli, cli_environment

REFUSAL = (
    "Cannot ask for a password: standard input is not a terminal. Use --password-stdin, or set "
    "SELFCARE_TOKEN for unattended runs."
)


def committed_template() -> Catalog:
    with extract.TEMPLATE.open("rb") as file:
        return read_po(file)


def messages(catalog: Catalog) -> list[tuple[object, ...]]:
    return [(m.id, m.context, m.locations, m.auto_comments, m.flags) for m in catalog if m.id]


def test_the_template_is_up_to_date() -> None:
    fresh = read_po(io.BytesIO(extract.render(extract.template())))
    assert messages(fresh) == messages(committed_template()), "run `make messages`"


def test_the_servers_template_is_up_to_date() -> None:
    fresh = read_po(io.BytesIO(extract.render(extract.server_template())))
    with extract.SERVER_TEMPLATE.open("rb") as file:
        committed = read_po(file)
    assert messages(fresh) == messages(committed), "run `make messages`"
    assert "No such invoice." in committed  # a refusal
    assert "Payment reference" in committed  # a PDF's label, marked with N_()


def template_message(catalog: Catalog, start: str) -> Message:
    found = [m for m in catalog if isinstance(m.id, str) and m.id.startswith(start)]
    assert len(found) == 1, start
    return found[0]


def test_the_template_has_help_texts_and_messages_but_not_the_server() -> None:
    template = committed_template()
    # A docstring as click shows it: dedented, with its \b (no rewrapping) marker.
    status_help = (
        "Who you are, the account in view, the next reading window and anything due.\n\n"
        "\b\nExample:\n  selfcare status --json | jq .balance"
    )
    assert status_help in template
    assert template[status_help].auto_comments == ["help of `selfcare status`"]
    assert "Show the traceback of an error." in template  # an option's help
    assert "Show this message and exit." in template  # click's own --help
    assert REFUSAL in template  # a _() message
    assert ("{kwh} in {days} day", "{kwh} in {days} days") in [m.id for m in template]
    locations = {path for m in template for path, _line in m.locations}
    assert "src/selfcare_tui/cli/auth.py" in locations
    assert not [path for path in locations if path.startswith("src/selfcare_tui/server/")]


def test_every_command_looks_its_help_up() -> None:
    def untranslated(command: click.Command, path: str) -> list[str]:
        found = [] if isinstance(command, TranslatedCommand) else [path]
        if isinstance(command, click.Group):
            for name, subcommand in command.commands.items():
                found += untranslated(subcommand, f"{path} {name}")
        return found

    assert untranslated(cli, "selfcare") == []


def test_an_estonian_catalog_translates_help_and_messages(tmp_path: Path) -> None:
    """The msgids come from the committed template, so this also proves that they are the
    texts looked up at run time."""
    template = committed_template()
    login_help = template_message(template, "Log in and keep the login in the OS keyring.")
    stdin_help = template_message(template, "Read the password (and, if asked")
    estonian = Catalog(locale="et", fuzzy=False)
    estonian.add(
        login_help.id,
        "Logi sisse ja hoia sisselogimist operatsioonisüsteemi võtmehoidjas.\n\n"
        "Parooli küsitakse (argumendina seda ei anta) ja seda ei salvestata.\n\n"
        "\b\nNäide:\n  selfcare login --server https://selfcare.example.com --username maria",
    )
    estonian.add(stdin_help.id, "Loe parool standardsisendist.")
    estonian.add(
        REFUSAL,
        "Parooli ei saa küsida: standardsisend ei ole terminal. Kasuta --password-stdin või "
        "määra järelevalveta käivitusteks SELFCARE_TOKEN.",
    )
    catalogs = tmp_path / "locale"
    (catalogs / "et" / "LC_MESSAGES").mkdir(parents=True)
    with (catalogs / "et" / "LC_MESSAGES" / "selfcare.mo").open("wb") as file:
        write_mo(file, estonian)
    home = tmp_path / "home"
    home.mkdir()
    env = cli_environment(home)
    env.update({"SELFCARE_LOCALE": "et_EE", "SELFCARE_LOCALE_DIR": str(catalogs)})
    selfcare = Cli(
        env, home, server="http://127.0.0.1:9", as_subprocess=True
    )  # as a user starts it

    overview = selfcare("--help")
    assert overview.returncode == 0, overview.stderr
    assert "login        Logi sisse ja hoia sisselogimist operatsioonisüsteemi" in overview.stdout
    assert "Revoke this profile's login" in overview.stdout  # untranslated: English

    page = selfcare("login", "--help")
    assert page.returncode == 0, page.stderr
    assert "  Parooli küsitakse (argumendina seda ei anta) ja seda ei salvestata." in page.stdout
    assert "Näide:\n    selfcare login --server https://selfcare.example.com --username" in (
        page.stdout
    )
    assert "Loe parool standardsisendist." in page.stdout
    assert "Log in and keep" not in page.stdout

    refused = selfcare("login", "--server", selfcare.server, "-u", "maria", input="")
    assert refused.returncode == 3
    assert "Parooli ei saa küsida: standardsisend ei ole terminal." in refused.stderr
