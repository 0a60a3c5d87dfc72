"""Which new passwords are accepted, after NIST SP 800-63B (section 3.1.1.2): at least 12
characters, no composition rules (no "one digit, one capital"), and refused when the password
is one that attackers try first.

The list of those is the 30,000 most common passwords of the corpus that Dropbox's zxcvbn
ships (`zxcvbn.frequency_lists`, drawn from Mark Burnett's ten million leaked passwords), with
the words of this service and the user's own name added, compared without regard to case.
"""

from __future__ import annotations

from functools import cache

from selfcare_tui.api.models import FieldError

from .i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 128
"""Long enough for any passphrase; bounded, so hashing stays cheap for the server."""
SERVICE_WORDS = ("selfcare", "selfcare-tui", "electricity", "password")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

    return frozenset(FREQUENCY_LISTS["passwords"])


def refusal(password: str, username: str, field: str = "new_password") -> FieldError | None:
    """Why `password` may not be the user's password, or None when it may."""
    length = len(password)
    if length < MIN_LENGTH:
        return FieldError(
            field=field,
            code="too_short",
            message=_("Use at least {minimum} characters; this has {count}.").format(
                minimum=MIN_LENGTH, count=length
            ),
        )
    if length > MAX_LENGTH:
        return FieldError(
            field=field,
            code="too_long",
            message=_("Use at most {maximum} characters.").format(maximum=MAX_LENGTH),
        )
    folded = password.casefold()
    rest = folded
    for word in sorted({username.casefold(), *SERVICE_WORDS}, key=len, reverse=True):
        rest = rest.replace(word, "") if word else rest
    if folded in _common() or len(rest) < 4 or len(set(folded)) <= 2:
        return FieldError(
            field=field,
            code="common",
            message=_(
                "This password is among those tried first by attackers, or close to your "
                "username; choose another, such as a few unrelated words."
            ),
        )
    return None
