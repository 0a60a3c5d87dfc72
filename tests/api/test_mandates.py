"""Mandates over real HTTP: giving one, changing what it allows and its last day, the refusals
beside their fields, and a change racing a revocation."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import NotFound, RuleViolation
from selfcare_tui.api.models import ErrorCode, Scope
from selfcare_tui.server.demo.accounts import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def grant(username: str, *scopes: Scope, days: int = 30) -> models.MandateGrant:
    return models.MandateGrant(
        delegate_username=username,
        scopes=list(scopes) or [Scope.view],
        expires_at=NOW + dt.timedelta(days=days),
    )


async def test_changing_a_mandate_changes_what_the_delegate_may_do(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    (seeded,) = await maria.mandates(FLAT_ACCOUNT)
    assert seeded.delegate_username == "jaan" and seeded.scopes == [Scope.readings, Scope.view]
    later = NOW + dt.timedelta(days=90)
    changed = await maria.change_mandate(
        FLAT_ACCOUNT, seeded.id, models.MandateChange(scopes=[Scope.view, Scope.pay])
    )
    assert changed.scopes == [Scope.pay, Scope.view]
    assert changed.expires_at == seeded.expires_at  # left out, kept
    changed = await maria.change_mandate(
        FLAT_ACCOUNT, seeded.id, models.MandateChange(expires_at=later)
    )
    assert (changed.scopes, changed.expires_at) == ([Scope.pay, Scope.view], later)
    async with await live_server.login("jaan") as jaan:
        (flat,) = [a for a in await jaan.accounts() if a.number == FLAT_ACCOUNT]
        assert flat.scopes == [Scope.pay, Scope.view] and flat.mandate_expires_at == later
    assert await maria.mandates(FLAT_ACCOUNT) == [changed]


async def test_an_ended_mandate_cannot_be_changed_and_a_day_must_be_ahead(
    maria: SelfcareClient,
) -> None:
    (expired,) = await maria.mandates(COTTAGE_ACCOUNT)  # jaan's, ended 10 days ago
    assert expired.state is models.MandateState.expired  # by the server's clock
    with pytest.raises(RuleViolation) as ended:
        await maria.change_mandate(
            COTTAGE_ACCOUNT, expired.id, models.MandateChange(expires_at=NOW + dt.timedelta(1))
        )
    assert ended.value.code is ErrorCode.mandate_ended
    (still,) = await maria.mandates(COTTAGE_ACCOUNT)
    assert still == expired  # not brought back to life

    (live,) = await maria.mandates(FLAT_ACCOUNT)
    with pytest.raises(RuleViolation) as past:
        await maria.change_mandate(
            FLAT_ACCOUNT, live.id, models.MandateChange(expires_at=NOW - dt.timedelta(1))
        )
    assert past.value.code is ErrorCode.mandate_expiry_in_past
    assert past.value.field_messages() == {"expires_at": "Choose a future date."}
    assert live.state is models.MandateState.active
    assert (await maria.revoke_mandate(FLAT_ACCOUNT, live.id)).state is models.MandateState.revoked
    with pytest.raises(RuleViolation) as revoked:
        await maria.change_mandate(FLAT_ACCOUNT, live.id, models.MandateChange(scopes=[Scope.pay]))
    assert revoked.value.code is ErrorCode.mandate_ended
    with pytest.raises(NotFound):  # another account's mandate through this account's URL
        await maria.change_mandate(
            FLAT_ACCOUNT, expired.id, models.MandateChange(scopes=[Scope.pay])
        )


@pytest.mark.parametrize(
    ("username", "code", "message"),
    [
        ("nobody-here", "unknown_user", "No login with this username."),
        ("agent", "not_customer", "Not a customer's login."),
        ("maria", "self", "That is your own login."),
    ],
)
async def test_a_refused_delegate_is_named_beside_the_field(
    maria: SelfcareClient, username: str, code: str, message: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await maria.grant_mandate(FLAT_ACCOUNT, grant(username))
    assert refused.value.code is ErrorCode.delegate_not_customer
    (error,) = refused.value.problem.errors
    assert (error.field, error.code, error.message) == ("delegate_username", code, message)
    assert len(await maria.mandates(FLAT_ACCOUNT)) == 1  # nothing given


async def test_a_change_racing_a_revocation_never_revives_the_mandate(
    maria: SelfcareClient,
) -> None:
    """Ten mandates, each changed and revoked at the same moment over real HTTP: whichever
    lands first, every one ends revoked, and each answer tells the truth: a change answered
    as made is stored, one refused as ended left the scopes as they were."""
    given = [await maria.grant_mandate(FLAT_ACCOUNT, grant("acme", days=10)) for _ in range(10)]

    async def change(mandate: models.Mandate) -> object:
        change = models.MandateChange(scopes=[Scope.view, Scope.pay])
        try:
            return await maria.change_mandate(FLAT_ACCOUNT, mandate.id, change)
        except RuleViolation as exc:
            return exc.code

    results = await asyncio.gather(
        *(call for m in given for call in (change(m), maria.revoke_mandate(FLAT_ACCOUNT, m.id)))
    )
    outcomes = results[0::2]
    assert all(o is ErrorCode.mandate_ended or isinstance(o, models.Mandate) for o in outcomes)
    final = {m.id: m for m in await maria.mandates(FLAT_ACCOUNT)}
    assert all(final[m.id].revoked for m in given)
    for mandate, outcome in zip(given, outcomes, strict=True):
        made = isinstance(outcome, models.Mandate)
        assert final[mandate.id].scopes == ([Scope.pay, Scope.view] if made else [Scope.view])
