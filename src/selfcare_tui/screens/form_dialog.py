"""The base of dialogs that send a form to the server: the message under the form, and asking
the server with its refusals shown beside their fields (what was typed stays)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar, TypeVar

from textual.widgets import Static

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError, SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.widgets.form_fields import FormFields

from .dialog import Dialog

T = TypeVar("T")
R = TypeVar("R")


class FormDialog(Dialog[T]):
    MESSAGE_ID: ClassVar[str]
    """The id of the Static under the form where the dialog speaks."""

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client

    def _say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one(f"#{self.MESSAGE_ID}", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    async def _ask(self, form: FormFields, call: Awaitable[R]) -> R | None:
        """The server's answer, or None once its refusal is said (beside the fields of
        `form` where it names them)."""
        try:
            return await call
        except ApiError as exc:
            form.show_errors(exc.field_messages())
            self._say(exc.message, error=True)
        except SelfcareError as exc:
            self._say(describe(exc, self._client.base_url), error=True)
        return None
