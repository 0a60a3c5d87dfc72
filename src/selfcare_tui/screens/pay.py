"""Paying invoices online: a session at the payment processor, its link and a QR code.

Card details are typed on the processor's page, never into this app. The browser is opened
only where a desktop has one; the link and a QR code for a phone are always shown, since over
SSH the terminal is all there is. The dialog polls the session until the processor answers
and then says how it went; the caller hears of the outcome to show the invoices as paid.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import ConnectionFailed, SelfcareError
from selfcare_tui.core import downloads
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.qr import qr_text
from selfcare_tui.i18n import _, format_money, ngettext
from selfcare_tui.session import Session

from .dialog import Dialog

POLL_FIRST = 0.5
"""Seconds before the first poll: a quick phone payment shows as paid at once..."""
POLL_MOST = 3.0
"""...and a slow one costs the server one request every few seconds, not more."""

Finished = Callable[[models.PaymentSession], None]


def outcome_text(payment: models.PaymentSession) -> str:
    """What the processor's answer means for the user, in words (not only a colour)."""
    status = payment.status
    if status is models.PaymentSessionStatus.succeeded:
        return _("✓ Paid {amount}. Thank you.").format(amount=format_money(payment.amount))
    if status is models.PaymentSessionStatus.cancelled:
        return _("✗ The payment was cancelled; nothing was charged.")
    if status is models.PaymentSessionStatus.failed:
        return _("✗ The payment failed; nothing was charged.")
    return _("… {status}; this updates by itself.").format(status=label(status))


class PayDialog(Dialog[models.PaymentSession | None]):
    """Dismisses with the session as last seen (None when it never started)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_link", _("Copy link")),
        Binding("o", "open_link", _("Open in browser")),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (27, "-tall")]  # noqa: RUF012

    CSS_PATH = "pay.tcss"

    def __init__(
        self,
        session: Session,
        number: str,
        invoice_numbers: list[str],
        on_finished: Finished | None = None,
    ) -> None:
        super().__init__()
        self._session = session
        self._number = number
        self._invoices = invoice_numbers
        self._on_finished = on_finished
        self._key = str(uuid.uuid4())
        """One key for this dialog: a retry after a lost answer never opens a second session."""
        self.payment: models.PaymentSession | None = None
        self.link: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pay-box", classes="dialog-box") as box:
            box.border_title = _("Pay online")
            with VerticalScroll(id="pay-scroll"), Horizontal(id="pay-main"):
                yield Static("", id="pay-qr", markup=False)
                with Vertical(id="pay-info"):
                    yield Static(self._title(None), id="pay-title", markup=False)
                    yield Static("", id="pay-how", markup=False)
                    yield Static("", id="pay-link", markup=False)
                    yield Static("", id="pay-opened", markup=False)
                    yield Static(_("Starting the payment…"), id="pay-status", markup=False)
                    yield Static(
                        _("c copy link · o browser · esc close"), id="pay-keys", markup=False
                    )
                    with Horizontal(id="pay-buttons"):
                        yield Button(_("Retry"), id="pay-retry", variant="primary", compact=True)
                        yield Button(_("Close"), id="pay-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pay-retry").display = False
        self.query_one("#pay-qr").display = False
        self.query_one("#pay-close", Button).focus()
        self._run()

    def _title(self, payment: models.PaymentSession | None) -> str:
        invoices = ", ".join(payment.invoice_numbers if payment else self._invoices)
        heading = ngettext("Invoice {invoices}", "Invoices {invoices}", len(self._invoices))
        if payment is None:
            return heading.format(invoices=invoices)
        amount = _("Pay {amount}").format(amount=format_money(payment.amount))
        return f"{amount}\n{heading.format(invoices=invoices)}"

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#pay-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # --- the session ----------------------------------------------------------------------

    @work(exclusive=True, group="pay")
    async def _run(self) -> None:
        client = self._session.client
        if self.payment is None:
            self.query_one("#pay-retry").display = False
            self._say(_("Starting the payment…"))
            try:
                started = await client.start_payment(
                    self._number, self._invoices, idempotency_key=self._key
                )
            except SelfcareError as exc:
                # A refusal (no `pay` on a mandate, paid meanwhile) is final; a lost
                # connection may be retried with the same key.
                self._say(describe(exc, self._session.server), error=True)
                self.query_one("#pay-retry").display = isinstance(exc, ConnectionFailed)
                return
            self.payment = started
            self._show_link(started)
        await self._poll(self.payment)

    def _show_link(self, payment: models.PaymentSession) -> None:
        self.query_one("#pay-title", Static).update(self._title(payment))
        url = payment.redirect_url
        if not url:
            self._say(_("The server gave no payment link; try again later."), error=True)
            return
        self.link = url
        qr = self.query_one("#pay-qr", Static)
        qr.update(qr_text(url))
        qr.display = True
        self.query_one("#pay-how", Static).update(
            _("Scan the code with your phone, or open this link in a browser:")
        )
        self.query_one("#pay-link", Static).update(
            Text(url, style=Style(link=url), overflow="fold")
        )
        self._opened(downloads.open_link(url))

    def _opened(self, opened: bool) -> None:
        self.query_one("#pay-opened", Static).update(
            _("Opened the payment page in your browser.")
            if opened
            else _("No browser here: scan the code, or open the link elsewhere.")
        )

    async def _poll(self, payment: models.PaymentSession) -> None:
        """Until the processor answers; a lost connection only slows the polling down."""
        self._say(outcome_text(payment))
        delay = POLL_FIRST
        while payment.status is models.PaymentSessionStatus.pending:
            await asyncio.sleep(delay)
            try:
                payment = await self._session.client.payment_session(self._number, payment.id)
            except ConnectionFailed:
                self._say(_("Connection lost; still waiting for the payment…"), error=True)
                delay = POLL_MOST
                continue
            except SelfcareError as exc:
                self._say(describe(exc, self._session.server), error=True)
                return
            self.payment = payment
            self._say(outcome_text(payment))
            delay = min(delay * 1.5, POLL_MOST)
        self._finished(payment)

    def _finished(self, payment: models.PaymentSession) -> None:
        """The link is spent: the code goes, so no phone scans a finished payment."""
        self.query_one("#pay-qr").display = False
        for part in ("#pay-how", "#pay-link", "#pay-opened"):
            self.query_one(part).display = False
        self.query_one("#pay-close", Button).label = _("Done")
        if self._on_finished is not None:
            self._on_finished(payment)

    # --- actions --------------------------------------------------------------------------

    @on(Button.Pressed, "#pay-retry")
    def _retry(self) -> None:
        self._run()

    @on(Button.Pressed, "#pay-close")
    def action_close(self) -> None:
        self.dismiss(self.payment)

    def action_copy_link(self) -> None:
        if self.link is None:
            return
        self.app.copy_to_clipboard(self.link)
        self.notify(_("Payment link copied (where the terminal allows it)."))

    def action_open_link(self) -> None:
        if self.link is not None:
            self._opened(downloads.open_link(self.link))
