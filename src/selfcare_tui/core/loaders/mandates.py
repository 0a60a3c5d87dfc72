"""Mandates both ways: given on the account in view, and held by the login on others'."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient


@dataclass
class MandatesData:
    given: list[models.Mandate] | None
    """None when the login acts on the account by mandate: only its holder sees these."""
    held: list[models.AccountSummary]
    """Other customers' accounts the login may act for, with scopes and last day."""


async def load_mandates(
    client: SelfcareClient, account: models.AccountSummary, me: models.Me
) -> MandatesData:
    async def given() -> list[models.Mandate] | None:
        if account.access is models.Access.delegate:
            return None
        return await client.mandates(account.number)

    async def held() -> list[models.AccountSummary]:
        if me.role is not models.Role.customer:
            return []  # an agent acts on accounts by role, never by mandate
        return [a for a in await client.accounts() if a.access is models.Access.delegate]

    found, holding = await asyncio.gather(given(), held())
    return MandatesData(found, holding)
