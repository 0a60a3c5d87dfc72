"""A reading typed in the app and given to `selfcare readings submit` is read and checked the
same way (core/reading_values.py), whatever the language the numbers are written in."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import click
import pytest

from selfcare_tui import i18n
from selfcare_tui.api import models
from selfcare_tui.cli.readings import checked_value
from selfcare_tui.core.reading_values import value_problem

REGISTER = models.Register(
    id="R1",
    code="1.8.1",
    kind=models.RegisterKind.day,
    integer_places=6,
    decimal_places=1,
    last_reading=None,
)
TYPED = [
    "12345.6",
    "12345,6",
    "12 345,6",
    "12\u00a0345,6",
    "12\u202f345,6",
    "12.345,6",
    "12,345.6",
    " 7 ",
    "0,5",
    "",
    "abc",
    "-1",
    "1e3",
    "12.345.6",
    "1234567",
    "12345.67",
    "nan",
    "∞",
]


def app_answer(text: str) -> Decimal | None:
    checked = value_problem(REGISTER, text, None, None)
    return checked if isinstance(checked, Decimal) else None


def cli_answer(text: str) -> Decimal | None:
    try:
        return checked_value(REGISTER, text)
    except click.BadParameter:
        return None


@pytest.fixture(params=["en_GB", "et_EE", "ro_RO", "uk_UA", "ru_RU"])
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SELFCARE_LOCALE", request.param)
    i18n.reset()
    yield request.param
    monkeypatch.undo()
    i18n.reset()  # the locale and the catalog: a test after this one reads English again


def test_the_app_and_the_command_line_take_the_same_readings(language: str) -> None:
    answers = {text: (app_answer(text), cli_answer(text)) for text in TYPED}
    assert all(app == cli for app, cli in answers.values()), answers
    taken = {text: app for text, (app, _cli) in answers.items() if app is not None}
    assert taken == {
        **dict.fromkeys(TYPED[:7], Decimal("12345.6")),
        " 7 ": Decimal("7"),
        "0,5": Decimal("0.5"),
    }
    # As the language writes the number (Babel: 12 345,6 / 12.345,6 / 12,345.6), it is taken.
    written = i18n.format_number(Decimal("12345.6"), 1)
    assert app_answer(written) == cli_answer(written) == Decimal("12345.6"), written


def test_both_say_what_the_register_can_show() -> None:
    app = value_problem(REGISTER, "12345.67", None, None)
    assert app == "Register 1.8.1 (day): at most 1 decimal place (12345.67 has 2)."
    with pytest.raises(click.BadParameter) as cli:
        checked_value(REGISTER, "12345.67")
    assert cli.value.message == "at most 1 decimal place (12345.67 has 2)."
