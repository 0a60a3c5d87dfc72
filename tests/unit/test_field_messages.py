"""The server's words for what Pydantic refuses: by the error's type, counted by the
language's plural rules, and Pydantic's own words for a type it does not know."""

from __future__ import annotations

from selfcare_tui.server.field_messages import field_message
from selfcare_tui.server.i18n import speaking


def test_limits_are_counted_in_the_language() -> None:
    too_long = {"type": "string_too_long", "ctx": {"max_length": 20}, "msg": "String should..."}
    with speaking("ro"):
        assert field_message(too_long) == "Cel mult 20 de caractere."
        assert field_message({**too_long, "ctx": {"max_length": 2}}) == "Cel mult 2 caractere."
    with speaking("ru"):
        assert field_message({**too_long, "ctx": {"max_length": 21}}) == "Не более 21 символа."
    assert field_message(too_long) == "At most 20 characters."


def test_choices_and_unknown_types() -> None:
    choices = {"type": "enum", "ctx": {"expected": "'email', 'sms' or 'paper'"}, "msg": "x"}
    with speaking("et"):
        assert field_message(choices) == "Peab olema üks järgmistest: 'email', 'sms' or 'paper'."
        assert field_message({"type": "value_error", "msg": "Value error, no"}) == (
            "Value error, no"
        )
