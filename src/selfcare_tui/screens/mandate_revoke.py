"""Asked before a mandate is revoked: it ends at once and cannot be undone, only given anew."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from selfcare_tui.api import models
from selfcare_tui.i18n import _

from .dialog import Dialog


class RevokeMandateDialog(Dialog[bool]):
    """Dismisses with True to revoke, False to keep the mandate."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "keep", _("Keep the mandate"))]

    CSS_PATH = "mandate_revoke.tcss"

    def __init__(self, mandate: models.Mandate) -> None:
        super().__init__()
        self._mandate = mandate

    def compose(self) -> ComposeResult:
        mandate = self._mandate
        with Vertical(id="revoke-box", classes="dialog-box") as box:
            box.border_title = _("Revoke the mandate?")
            box.border_subtitle = _("esc: keep it")
            yield Static(
                _(
                    "{user} can no longer act on account {number} from this moment. To let "
                    "them again, give a new mandate."
                ).format(user=mandate.delegate_username, number=mandate.account_number),
                id="revoke-text",
                markup=False,
            )
            with Horizontal(id="revoke-buttons"):
                yield Button(_("Revoke"), id="revoke", variant="error", compact=True)
                yield Button(_("Keep the mandate"), id="keep", variant="primary", compact=True)

    def on_mount(self) -> None:
        # The safe answer is the default: enter alone never ends a mandate.
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#revoke")
    def _revoke(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
