"""The command line in Estonian and Russian against the live server: its help, click's usage
errors and the server's refusals all in the language asked for, the codes as they are."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date

from ..support.cli import Cli
from ..support.languages import app_said, server_said

LOCALES = {"et": "et_EE", "ru": "ru_RU"}


@pytest.mark.parametrize("language", ["et", "ru"])
def test_help_usage_errors_and_refusals_speak_the_language(cli: Cli, language: str) -> None:
    cli.login("maria")
    shown = cli("--lang", language, "readings", "submit", "--help")
    assert shown.returncode == 0
    assert app_said(language, "Show this message and exit.") in shown.stdout

    usage = cli("--lang", language, "readings", "submit", "--date", "yesterday", "1", "2")
    assert usage.returncode == 2
    not_a_date = app_said(language, "{value!r} is not a date: type it like {example}.")
    assert not_a_date.split("{example}")[0].format(value="yesterday") in usage.stderr

    # A day as the language writes it is taken; the server's rule refuses it, in that language.
    refused = cli("--lang", language, "readings", "submit", "--date", "25.11.2026", "1", "2")
    assert refused.returncode == 5, refused.stderr
    first = refused.stderr.splitlines()[0]
    assert "outside_reading_window" in first  # the code stays as it is
    window = server_said(
        language,
        "Readings are accepted from {opens} to {closes}. To be billed on this reading now, "
        "order a bill with it.",
    )
    day = LOCALES[language]
    assert (
        window.format(
            opens=format_date(dt.date(2026, 11, 30), format="medium", locale=day),
            closes=format_date(dt.date(2026, 12, 3), format="medium", locale=day),
        ).split(".")[0]
        in first
    )
