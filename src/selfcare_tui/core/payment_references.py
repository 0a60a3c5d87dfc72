"""Payment references as a customer types them: cleaned, checked before the server is asked,
and the Estonian 7-3-1 check digit that tells a mistyped one."""

from __future__ import annotations

from selfcare_tui.i18n import _

REFERENCE_MAX = 32
"""The longest reference the API stores."""


def clean_reference(text: str) -> str:
    """As typed, without spaces: references are often printed in groups of digits."""
    return "".join(text.split())


def reference_problem(reference: str) -> str | None:
    """What is wrong with a (cleaned) reference before asking the server; None when fine."""
    if not reference:
        return _("Enter the payment reference to look for.")
    if len(reference) > REFERENCE_MAX or not (reference.isascii() and reference.isalnum()):
        return _(
            "“{reference}” is not a payment reference: it is a number of up to {most} digits "
            "(spaces are ignored), such as 1234561."
        ).format(reference=reference, most=REFERENCE_MAX)
    return None


def check_digit_fits(reference: str) -> bool:
    """The 7-3-1 check digit of Estonian bank references: a typo usually breaks it."""
    if not reference.isdigit() or len(reference) < 2:
        return False
    weights = (7, 3, 1)
    body = reference[:-1]
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(reference[-1])


def reference_hint() -> str:
    return _(
        "The payment reference is printed on your invoice and on notices, beside “Payment "
        "reference”: digits only, such as 1234561. Spaces are ignored."
    )
