"""The approval page of a device login (RFC 8628), opened on the user's own phone or computer:
the code the device shows, the username and password (and the one-time code of a second
factor), then Allow or Deny for the device named. Nothing typed here is stored or logged.

Logging in here is throttled as a login is, and a wrong code as a guess per address; the
Allow button carries a random consent token made by the login in the same page, so no other
page can approve a device for the user.
"""

from __future__ import annotations

import html
from typing import Annotated, Any, cast

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import CursorResult, select, update

from .. import tables, throttle
from ..deps import Config, Db
from ..device_grants import pending_grant, typed_user_code
from ..i18n import _, language
from ..one_time_codes import is_recovery_code, spend_recovery_code, spend_totp_step, totp_step
from ..problems import ApiProblem
from ..security import digest, new_token, same, verify_password
from ..settings import Settings
from .auth import client_address

router = APIRouter(prefix="/device", include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 2em auto; padding: 0 1em">
<h1>{title}</h1>
<p>{message}</p>
{form}
</body></html>"""

_LOGIN_FORM = """<form method="post" action="{action}">
<p><label>{code_label}<br><input name="code" value="{code}" autocomplete="off" required></label></p>
<p><label>{username_label}<br><input name="username" value="{username}" autocomplete="username"
 required></label></p>
<p><label>{password_label}<br><input name="password" type="password"
 autocomplete="current-password" required></label></p>
<p><label>{otp_label}<br><input name="otp" autocomplete="one-time-code"></label></p>
<button>{submit}</button>
</form>"""

_CONSENT_FORM = """<form method="post" action="{action}">
<input type="hidden" name="code" value="{code}">
<input type="hidden" name="consent" value="{consent}">
<button name="decision" value="allow">{allow}</button>
<button name="decision" value="deny">{deny}</button>
</form>"""

_HEADERS = {
    # Never framed (no clickjacking of the Allow button), never cached, nothing but itself.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def _page(message: str, form: str = "", status: int = 200) -> HTMLResponse:
    page = _PAGE.format(
        lang=language(),
        title=html.escape(_("Log in a device")),
        message=html.escape(message),
        form=form,
    )
    return HTMLResponse(page, status_code=status, headers=_HEADERS)


def _login_form(request: Request, message: str, code: str = "", username: str = "") -> HTMLResponse:
    form = _LOGIN_FORM.format(
        action=html.escape(str(request.url_for("device_login_page"))),
        code_label=html.escape(_("Code shown on the device")),
        code=html.escape(code),
        username_label=html.escape(_("Username")),
        username=html.escape(username),
        password_label=html.escape(_("Password")),
        otp_label=html.escape(_("One-time code (only if your login has a second factor)")),
        submit=html.escape(_("Continue")),
    )
    return _page(message, form)


@router.get("", response_class=HTMLResponse, name="device_login_page")
def device_page(request: Request, code: str = "") -> HTMLResponse:
    return _login_form(
        request,
        _("Type the code the device shows, then log in to let it use your login."),
        typed_user_code(code)[:9],
    )


def _second_factor_ok(db: Db, settings: Settings, user: tables.User, otp: str) -> bool:
    assert user.mfa_secret is not None
    code = otp.strip().lower()
    if is_recovery_code(code):
        return spend_recovery_code(db, settings, user, code)
    step = totp_step(user.mfa_secret, code, settings)
    return step is not None and spend_totp_step(db, user, step)


@router.post("", response_class=HTMLResponse)
def device_log_in(
    request: Request,
    db: Db,
    settings: Config,
    code: Annotated[str, Form(max_length=32)],
    username: Annotated[str, Form(max_length=150)],
    password: Annotated[str, Form(max_length=1024)],
    otp: Annotated[str, Form(max_length=32)] = "",
) -> HTMLResponse:
    """Check the code and the login; answer with the question: allow this device?"""
    address = client_address(request)
    user_key = f"login:user:{username.lower()}"
    try:
        throttle.attempt(
            db,
            settings,
            {
                user_key: settings.login_failures_per_user,
                f"login:addr:{address}": settings.login_failures_per_address,
            },
        )
    except ApiProblem as refusal:
        return _page(refusal.problem.detail or "", status=429)
    grant = pending_grant(db, settings, code)
    if grant is None:
        return _login_form(
            request,
            _("No device waits with this code: it may have expired. Start again on the device."),
            username=username,
        )
    user = db.scalars(select(tables.User).where(tables.User.username == username)).first()
    if user is None or not verify_password(user.password_hash, password):
        return _login_form(request, _("Wrong username or password."), grant.user_code, username)
    if user.mfa_secret is not None and not _second_factor_ok(db, settings, user, otp):
        db.commit()
        return _login_form(
            request,
            _("Your login has a second factor: type the code your app shows now."),
            grant.user_code,
            username,
        )
    throttle.clear(db, user_key)
    consent = new_token()
    Grant = tables.DeviceGrant
    db.execute(
        update(Grant)
        .where(Grant.device_code_hash == grant.device_code_hash, Grant.state == "pending")
        .values(user_id=user.id, consent_hash=digest(consent))
        .execution_options(synchronize_session=False)
    )
    db.commit()
    form = _CONSENT_FORM.format(
        action=html.escape(str(request.url_for("device_decision"))),
        code=html.escape(grant.user_code),
        consent=html.escape(consent),
        allow=html.escape(_("Allow")),
        deny=html.escape(_("Deny")),
    )
    return _page(
        _(
            "Log in as {username} on {client}, which asked from {address}? Allow it only if "
            "you started this yourself just now."
        ).format(username=user.username, client=grant.client_name, address=grant.address),
        form,
    )


@router.post("/decision", response_class=HTMLResponse, name="device_decision")
def device_decision(
    db: Db,
    settings: Config,
    code: Annotated[str, Form(max_length=32)],
    consent: Annotated[str, Form(max_length=128)],
    decision: Annotated[str, Form(max_length=10)],
) -> HTMLResponse:
    grant = pending_grant(db, settings, code)
    if grant is None or grant.consent_hash is None or not same(grant.consent_hash, digest(consent)):
        return _page(_("This device login has ended or expired. Start again on the device."))
    Grant = tables.DeviceGrant
    decided = db.execute(
        update(Grant)
        .where(
            Grant.device_code_hash == grant.device_code_hash,
            Grant.state == "pending",
            Grant.consent_hash == grant.consent_hash,
        )
        .values(state="approved" if decision == "allow" else "denied")
        .execution_options(synchronize_session=False)
    )
    db.commit()
    if cast("CursorResult[Any]", decided).rowcount != 1:
        return _page(_("This device login has ended or expired. Start again on the device."))
    if decision == "allow":
        return _page(_("Done: the device is logged in. You can close this page."))
    return _page(_("Denied: the device was not logged in. You can close this page."))
