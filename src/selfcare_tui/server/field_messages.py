"""What is wrong with a field the request's model refused, in the caller's language.

Pydantic words its errors in English only; the server says the common ones itself, by the
error's type and its context (the limit, the choices), and passes any other as Pydantic
wrote it (a validator's own message among them).
"""

from __future__ import annotations

from typing import Any

from selfcare_tui.api.models import EMAIL_PATTERN, USERNAME_PATTERN

from .i18n import N_, _, ngettext

_PATTERNS = {
    USERNAME_PATTERN: N_(
        "3 to 32 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter."
    ),
    EMAIL_PATTERN: N_("Must be an e-mail address, such as name@example.com."),
}
"""What a field with one of these patterns takes, said in words rather than as the pattern."""

_MESSAGES = {
    "missing": N_("Required."),
    "extra_forbidden": N_("Not a field of this request."),
    "string_type": N_("Must be text."),
    "string_pattern_mismatch": N_("Not in the form this field takes."),
    "int_type": N_("Must be a whole number."),
    "int_parsing": N_("Must be a whole number."),
    "int_from_float": N_("Must be a whole number."),
    "decimal_type": N_("Must be a number."),
    "decimal_parsing": N_("Must be a number."),
    "float_type": N_("Must be a number."),
    "float_parsing": N_("Must be a number."),
    "bool_type": N_("Must be true or false."),
    "bool_parsing": N_("Must be true or false."),
    "date_type": N_("Must be a day as YYYY-MM-DD."),
    "date_parsing": N_("Must be a day as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Must be a day as YYYY-MM-DD."),
    "datetime_type": N_("Must be a date and time (ISO 8601, with its offset)."),
    "datetime_parsing": N_("Must be a date and time (ISO 8601, with its offset)."),
    "datetime_from_date_parsing": N_("Must be a date and time (ISO 8601, with its offset)."),
    "timezone_aware": N_("Must be a date and time (ISO 8601, with its offset)."),
    "enum": N_("Must be one of: {expected}."),
    "literal_error": N_("Must be one of: {expected}."),
    "greater_than": N_("Must be more than {gt}."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "less_than": N_("Must be less than {lt}."),
    "less_than_equal": N_("Must be at most {le}."),
    "list_type": N_("Must be a list."),
    "dict_type": N_("Must be an object."),
    "model_type": N_("Must be an object."),
    "model_attributes_type": N_("Must be an object."),
    "json_invalid": N_("Not valid JSON."),
    "json_type": N_("Not valid JSON."),
}


def _counted(kind: str, n: int) -> str | None:
    """Errors whose limit is a count, worded by the language's plural rules."""
    if kind == "string_too_short":
        return ngettext(
            "At least {min_length} character.", "At least {min_length} characters.", n
        ).format(min_length=n)
    if kind == "string_too_long":
        return ngettext(
            "At most {max_length} character.", "At most {max_length} characters.", n
        ).format(max_length=n)
    if kind == "decimal_max_places":
        return ngettext(
            "At most {decimal_places} decimal place.", "At most {decimal_places} decimal places.", n
        ).format(decimal_places=n)
    if kind == "decimal_max_digits":
        return ngettext("At most {max_digits} digit.", "At most {max_digits} digits.", n).format(
            max_digits=n
        )
    if kind == "too_short":
        return ngettext("At least {min_length} item.", "At least {min_length} items.", n).format(
            min_length=n
        )
    if kind == "too_long":
        return ngettext("At most {max_length} item.", "At most {max_length} items.", n).format(
            max_length=n
        )
    return None


_LIMITS = ("min_length", "max_length", "decimal_places", "max_digits")


def field_message(error: dict[str, Any]) -> str:
    """One Pydantic error (`ValidationError.errors()`) as a message for the caller."""
    kind = str(error.get("type"))
    context = error.get("ctx") or {}
    limit = next((context[k] for k in _LIMITS if isinstance(context.get(k), int)), None)
    if limit is not None:
        counted = _counted(kind, limit)
        if counted is not None:
            return counted
    if kind == "string_pattern_mismatch" and context.get("pattern") in _PATTERNS:
        return _(_PATTERNS[context["pattern"]])
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", ""))
    try:
        return _(template).format(**{key: str(value) for key, value in context.items()})
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg", ""))
