"""The banner that says when the account in view is not the user's own."""

from __future__ import annotations

from textual.widgets import Static

from selfcare_tui.api import models
from selfcare_tui.core.mandates import scopes_text
from selfcare_tui.i18n import _, format_date


def banner_text(account: models.AccountSummary | None) -> str:
    """Empty for an own account: only acting for someone else needs a reminder."""
    if account is None or account.access is models.Access.owner:
        return ""
    if account.access is models.Access.agent:
        return _("Acting as support agent for {name} ({number}); every access is audited.").format(
            name=account.name, number=account.number
        )
    scopes = scopes_text(account.scopes)
    text = _("Acting by mandate for {name}: {scopes}").format(name=account.name, scopes=scopes)
    if account.mandate_expires_at is not None:
        text += " " + _("(until {day})").format(day=format_date(account.mandate_expires_at.date()))
    return text


class AccountBanner(Static):
    """Hidden for own accounts; a highlighted line when acting by mandate or as an agent."""

    DEFAULT_CSS = """
    AccountBanner {
        height: auto;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
        display: none;
    }
    AccountBanner.-shown { display: block; }
    """

    def __init__(self, account: models.AccountSummary | None = None) -> None:
        super().__init__(markup=False)
        self.show_account(account)

    def show_account(self, account: models.AccountSummary | None) -> None:
        text = banner_text(account)
        self.update(text)
        self.set_class(bool(text), "-shown")
