"""Payment references are cleaned and checked before the server is asked."""

from __future__ import annotations

from selfcare_tui.core.payment_references import (
    check_digit_fits,
    clean_reference,
    reference_problem,
)


def test_references_are_checked_before_asking() -> None:
    assert clean_reference(" 1000 0003 13 ") == "1000000313"
    assert reference_problem("") is not None
    assert reference_problem("1000000313") is None
    assert reference_problem("RF18539007547034") is None  # creditor references have letters
    assert reference_problem("INV-1") is not None
    assert reference_problem("1" * 33) is not None
    assert check_digit_fits("1000000313")  # every demo reference has a 7-3-1 check digit
    assert check_digit_fits("1234561")
    assert not check_digit_fits("1000000314")
    assert not check_digit_fits("RF18")
