"""The device's side of a device login (RFC 8628): ask for a code, then poll for the tokens.

The poll answers as the RFC's section 3.5 says, as problems with its error names for codes:
`authorization_pending` until the user decides, `slow_down` (and an interval 5 seconds
longer) when polled sooner than the interval, `access_denied`, `expired_token`. The pacing
and the hand-over are each one conditional UPDATE: two polls at once never both pass the
interval, and an approved grant gives its tokens once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from fastapi import APIRouter, Request
from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import tables, throttle
from ..contract import TOO_MANY_ATTEMPTS, answers
from ..deps import Config, Db
from ..device_grants import new_user_code, wall_clock
from ..i18n import _
from ..problems import ApiProblem
from ..security import digest, new_token
from .auth import client_address, issue_tokens, start_session

router = APIRouter(prefix="/auth/device", tags=["auth"])

POLL_ANSWERS = (
    (400, ErrorCode.authorization_pending),
    (400, ErrorCode.slow_down),
    (400, ErrorCode.expired_token),
    (400, ErrorCode.access_denied),
)


@router.post("", response_model=models.DeviceAuthorization)
@answers(TOO_MANY_ATTEMPTS)
def start_device_login(
    body: models.DeviceLoginStart, request: Request, db: Db, settings: Config
) -> models.DeviceAuthorization:
    """A device code to poll with, and the short code the user types on the page."""
    address = client_address(request)
    throttle.attempt(db, settings, {f"device:addr:{address}": settings.sign_ups_per_address})
    device_code, now = new_token(), settings.now()
    for _attempt in range(5):  # a user code taken already (20^8 of them): draw another
        user_code = new_user_code()
        db.add(
            tables.DeviceGrant(
                device_code_hash=digest(device_code),
                user_code=user_code,
                client_name=body.client_name.strip()
                or request.headers.get("user-agent", "")[:100]
                or _("unknown client"),
                address=address[:64],
                created_at=now,
                expires_at=now + settings.device_code_ttl,
                interval=settings.device_poll_interval,
                next_poll_at=wall_clock(),
                state="pending",
            )
        )
        try:
            db.commit()
            break
        except IntegrityError:
            db.rollback()
    else:
        raise RuntimeError("no free user code in five draws")
    root = (settings.public_url or str(request.base_url)).rstrip("/")
    return models.DeviceAuthorization(
        device_code=device_code,
        user_code=user_code,
        verification_uri=f"{root}/device",
        verification_uri_complete=f"{root}/device?code={user_code}",
        expires_in=int(settings.device_code_ttl.total_seconds()),
        interval=settings.device_poll_interval,
    )


def _expired() -> ApiProblem:
    return ApiProblem(
        400,
        ErrorCode.expired_token,
        _("The device login expired, or is not known. Start it again."),
    )


@router.post("/token", response_model=models.TokenPair)
@answers(*POLL_ANSWERS)
def poll_device_login(
    body: models.DeviceTokenRequest, request: Request, db: Db, settings: Config
) -> models.TokenPair:
    """The tokens, once the user has approved the login on the other device."""
    Grant = tables.DeviceGrant
    key = digest(body.device_code)
    grant = db.get(Grant, key)
    if grant is None or grant.state == "used" or grant.expires_at <= settings.now():
        raise _expired()
    now = wall_clock()
    paced = db.execute(
        update(Grant)
        .where(Grant.device_code_hash == key, Grant.next_poll_at <= now)
        .values(next_poll_at=now + dt.timedelta(seconds=grant.interval))
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", paced).rowcount != 1:
        db.execute(
            update(Grant)
            .where(Grant.device_code_hash == key)
            .values(interval=Grant.interval + 5)
            .execution_options(synchronize_session=False)
        )
        db.commit()
        raise ApiProblem(
            400, ErrorCode.slow_down, _("Polled too soon: wait 5 seconds longer between polls.")
        )
    db.commit()
    db.refresh(grant)
    if grant.state == "pending":
        raise ApiProblem(
            400,
            ErrorCode.authorization_pending,
            _("Waiting for the login to be approved on the other device."),
        )
    if grant.state == "denied":
        raise ApiProblem(400, ErrorCode.access_denied, _("The login was denied."))
    handed = db.execute(
        update(Grant)
        .where(Grant.device_code_hash == key, Grant.state == "approved")
        .values(state="used")
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", handed).rowcount != 1 or grant.user_id is None:
        db.rollback()
        raise _expired()
    user = db.get(tables.User, grant.user_id)
    assert user is not None
    return issue_tokens(db, settings, user, start_session(db, settings, user, request))
