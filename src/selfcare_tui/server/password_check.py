"""The password asked again before a change only its owner may make (a new password, the
second factor off): a session left open on a shared computer is not enough."""

from __future__ import annotations

from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from . import tables, throttle
from .i18n import _
from .problems import refused
from .security import verify_password
from .settings import Settings


def confirm_password(
    db: Session, settings: Settings, user: tables.User, password: str, field: str
) -> None:
    """Refuse with `wrong_password` beside `field` unless it is the user's password; counted
    like a login attempt, so a stolen session cannot guess it."""
    key = f"login:user:{user.username.lower()}"
    throttle.attempt(db, settings, {key: settings.login_failures_per_user})
    if not verify_password(user.password_hash, password):
        raise refused(
            ErrorCode.wrong_password,
            _("The current password is not right."),
            errors=[
                models.FieldError(
                    field=field, code="wrong", message=_("Not your current password.")
                )
            ],
        )
    throttle.clear(db, key)
