from __future__ import annotations

import pytest

from selfcare_tui.api import SelfcareClient

pytestmark = pytest.mark.anyio


async def test_maria_sees_her_two_accounts(maria: SelfcareClient) -> None:
    accounts = await maria.accounts()
    assert [a.number for a in accounts] == ["1000000001", "1000000002"]
