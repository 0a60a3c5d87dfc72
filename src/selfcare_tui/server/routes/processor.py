"""A minimal simulated payment processor, so the pay flow completes on one machine.

It stands in for the processor's hosted page: the card form lives here, outside the API, and
nothing typed into it is stored or logged. A real deployment points customers at its processor
and confirms sessions from the processor's signed callback instead.
"""

from __future__ import annotations

import html
from typing import Annotated, Any, cast

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from sqlalchemy import CursorResult, update

from .. import tables
from ..deps import Config, Db
from ..i18n import N_, _, language
from ..payments import settle_session, still_owed
from ..security import digest, same

router = APIRouter(prefix="/processor", include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 2em auto">
<h1>{title}</h1>
<p>{message}</p>
{form}
</body></html>"""

_FORM = """<form method="post">
<input type="hidden" name="token" value="{token}">
<p><label>{card} <input name="card" autocomplete="off"></label></p>
<button name="action" value="pay">{pay}</button>
<button name="action" value="cancel">{cancel}</button>
</form>"""

_SESSION_IS = {
    "pending": N_("This payment is pending."),
    "succeeded": N_("This payment is succeeded."),
    "failed": N_("This payment is failed."),
    "cancelled": N_("This payment is cancelled."),
}
"""One whole sentence per session status (the page names the status it is in)."""


def _session_is(status: str) -> str:
    return _(_SESSION_IS[status])


def _session(db: Db, session_id: str, token: str) -> tables.PaymentSession | None:
    session = db.get(tables.PaymentSession, session_id)
    if session is None or not same(session.processor_token_hash, digest(token)):
        return None
    return session


def _page(message: str, form: str = "", status: int = 200) -> HTMLResponse:
    page = _PAGE.format(
        lang=language(),
        title=html.escape(_("Simulated payment processor")),
        message=html.escape(message),
        form=form,
    )
    return HTMLResponse(page, status_code=status)


@router.get("/checkout/{session_id}", response_class=HTMLResponse)
def checkout(session_id: str, token: str, db: Db) -> HTMLResponse:
    session = _session(db, session_id, token)
    if session is None:
        return _page(_("This payment link is not valid."), status=404)
    if session.status != "pending":
        return _page(_session_is(session.status))
    invoices = ", ".join(session.invoice_numbers)
    form = _FORM.format(
        token=html.escape(token),
        card=html.escape(_("Card number (test only, not stored)")),
        pay=html.escape(_("Pay {amount} EUR").format(amount=session.amount)),
        cancel=html.escape(_("Cancel")),
    )
    return _page(
        _("Pay {amount} EUR for invoices {invoices}.").format(
            amount=session.amount, invoices=invoices
        ),
        form,
    )


@router.post("/checkout/{session_id}", response_class=HTMLResponse)
def confirm(
    session_id: str,
    db: Db,
    settings: Config,
    token: Annotated[str, Form()],
    action: Annotated[str, Form()],
) -> HTMLResponse:
    session = _session(db, session_id, token)
    if session is None:
        return _page(_("This payment link is not valid."), status=404)
    # Claim the session (its row stays locked until commit), so of two simultaneous
    # confirmations, a double click, only one books a payment.
    claim = db.execute(
        update(tables.PaymentSession)
        .where(tables.PaymentSession.id == session.id, tables.PaymentSession.status == "pending")
        .values(status=tables.PaymentSession.status)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", claim).rowcount != 1:
        db.rollback()
        db.refresh(session)
        return _page(_session_is(session.status))
    if action == "pay" and still_owed(db, session) < session.amount:
        # Paid meanwhile (another tab, a bank transfer): charging now would take money that
        # settles nothing, so nothing is charged and the customer starts afresh if need be.
        session.status = "failed"
        message = _("Nothing was charged: these invoices were paid in the meantime.")
    elif action == "pay":
        settle_session(db, settings, session)
        message = _("Payment received. You can return to selfcare.")
    else:
        session.status = "cancelled"
        message = _("Payment cancelled. You can return to selfcare.")
    db.commit()
    return _page(message)
