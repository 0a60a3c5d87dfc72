"""Log in with another device (RFC 8628), from the login screen: the app shows a short code
and an address (and a QR code of it, for a phone), the user logs in there and allows it, and
the app is logged in, the password never typed on this computer: a shared thin client, an
SSH session on a host others use."""

from __future__ import annotations

import socket

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.core.device_login import wait_for_approval
from selfcare_tui.core.failures import describe
from selfcare_tui.core.qr import qr_text
from selfcare_tui.i18n import _

from .dialog import Dialog


class DeviceLoginDialog(Dialog[bool]):
    """Dismisses with True once the client given is logged in."""

    CSS_PATH = "device_login.tcss"

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client

    def compose(self) -> ComposeResult:
        with Horizontal(id="device-login", classes="dialog-box") as box:
            box.border_title = _("Log in with another device")
            box.border_subtitle = _("esc cancel")
            yield Static("", id="device-qr", markup=False)
            with Vertical(id="device-steps"):
                yield Static(_("On your phone or computer, open:"), markup=False)
                yield Static("", id="device-url", markup=False)
                yield Static(_("and type this code:"), markup=False)
                yield Static("", id="device-code", markup=False)
                yield Static(
                    _(
                        "Then log in there and allow this computer. Your password is never "
                        "typed here."
                    ),
                    classes="hint",
                    markup=False,
                )
                yield Static("", id="device-message", markup=False)
                yield Button(_("Start again"), id="again", compact=True)

    def on_mount(self) -> None:
        self.query_one("#device-qr").display = False
        self.query_one("#again").display = False
        self._run()

    @work(exclusive=True, group="device-login")
    async def _run(self) -> None:
        message = self.query_one("#device-message", Static)
        message.update(_("Asking the server for a code…"))
        message.set_class(False, "-error")
        try:
            authorization = await self._client.start_device_login(
                _("selfcare app on {host}").format(host=socket.gethostname())
            )
            self.query_one("#device-url", Static).update(authorization.verification_uri)
            self.query_one("#device-code", Static).update(authorization.user_code)
            qr = self.query_one("#device-qr", Static)
            qr.update(qr_text(authorization.verification_uri_complete))
            qr.display = True
            message.update(_("Waiting for you to allow it there…"))
            await wait_for_approval(self._client, authorization)
        except SelfcareError as exc:
            message.update(describe(exc, self._client.base_url))
            message.set_class(True, "-error")
            self.query_one("#again").display = True
            return
        self.dismiss(True)

    @on(Button.Pressed, "#again")
    def _again(self) -> None:
        self.query_one("#again").display = False
        self._run()

    def action_close(self) -> None:
        self.dismiss(False)
