"""Schemathesis hooks for tests/api/test_contract_fuzz.py (loaded by the `st` process)."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response


@schemathesis.check
def schema_valid_data_passes_validation(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """A request the schema allows may meet a business rule (a 422 with the rule's code), but
    never the server's own validation: that would be a constraint the contract does not show."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 422 and response.json().get("code") == "validation_error":
        raise AssertionError(
            "A request valid by the published schema was refused as invalid: "
            f"{response.json().get('errors')}"
        )
    return None
