from __future__ import annotations

import pytest

from selfcare_tui.api import NotFound, SelfcareClient

pytestmark = pytest.mark.anyio


async def test_maria_sees_her_two_accounts(maria: SelfcareClient) -> None:
    accounts = await maria.accounts()
    assert [a.number for a in accounts] == ["1000000001", "1000000002"]


async def test_an_unknown_place_filter_is_not_found(maria: SelfcareClient) -> None:
    """A typo in a place id must say so, not look like a place without meters."""
    with pytest.raises(NotFound):
        await maria.meters("1000000001", place_id="PL-NO-SUCH")
    with pytest.raises(NotFound):
        await maria.contracts("1000000001", place_id="PL-NO-SUCH")


async def test_mandate_scopes_come_sorted(maria: SelfcareClient) -> None:
    mandates = await maria.mandates("1000000001")
    assert mandates and all(m.scopes == sorted(m.scopes) for m in mandates)
