"""What an audit entry says to the account's holder: who from the utility, when, and what
they did, in words rather than paths (no anchor portal shows its customers this)."""

from __future__ import annotations

from fastapi import FastAPI

from .i18n import N_, _
from .operations import api_routes

_LOOKED = {
    "accounts": N_("Looked at your account details"),
    "places": N_("Looked at your places, contracts and meters"),
    "readings": N_("Looked at your meter readings and consumption"),
    "billing": N_("Looked at your invoices, payments and notices"),
    "outages": N_("Looked at your outage reports and works"),
    "requests": N_("Looked at your requests"),
    "mandates": N_("Looked at who acts for you"),
    "backoffice": N_("Worked on your request or outage report"),
}
_CHANGED = {
    "accounts": N_("Changed your contact details"),
    "readings": N_("Entered a meter reading or ordered a bill for you"),
    "billing": N_("Started a payment for you"),
    "outages": N_("Reported an outage for you"),
    "requests": N_("Worked on a request for you"),
    "mandates": N_("Changed who acts for you"),
    "backoffice": N_("Worked on your request or outage report"),
}
_SEARCH = {"list_accounts", "search_customers"}


def _routes(app: FastAPI) -> dict[str, tuple[bool, str]]:
    """Operation id -> (whether it only reads, its tag); worked out once per app."""
    known: dict[str, tuple[bool, str]] | None = getattr(app.state, "operation_tags", None)
    if known is None:
        known = {
            route.name: ((route.methods or set()) <= {"GET", "HEAD"}, str(route.tags[0]))
            for route in api_routes(app)
            if route.tags
        }
        app.state.operation_tags = known
    return known


def summary(app: FastAPI, operation: str | None, action: str) -> str:
    """The entry in the reader's language; an entry from before operations were recorded
    (or of an operation since renamed) is told apart by its method alone."""
    if operation in _SEARCH:
        return _("Found your account in a search")
    reads, tag = _routes(app).get(operation or "", (action.startswith("GET "), ""))
    phrase = (_LOOKED if reads else _CHANGED).get(tag)
    if phrase is None:
        return _("Looked at your account") if reads else _("Made a change on your account")
    return _(phrase)
