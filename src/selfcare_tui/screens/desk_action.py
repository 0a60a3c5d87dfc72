"""One change of a queue item that needs words (a message, a note, a stage's note, which
document, which work): a small form whose refusal is shown beside its Send button, with what
was typed kept, so the agent corrects and sends again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static, TextArea

from selfcare_tui.api.errors import ApiError, SelfcareError, TokenRejected
from selfcare_tui.core.desk import DeskItem
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _
from selfcare_tui.widgets.login_ended import LoginEnded

from .dialog import Dialog


@dataclass
class DeskAction:
    """What the form asks and what sending it does."""

    title: str
    intro: str
    send: Callable[[str | None, str], Awaitable[DeskItem]]
    """Called with the choice (None without choices) and the text; returns the changed item."""
    text_label: str | None
    """None: the change takes no words (linking a work)."""
    text_required: bool = False
    text_max: int = 4000
    choice_label: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    button: str = ""


class DeskActionDialog(Dialog[DeskItem | None]):
    """Dismisses with the item as the change left it, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "send", _("Send"))]

    CSS_PATH = "desk_action.tcss"

    def __init__(self, action: DeskAction) -> None:
        super().__init__()
        self.action_spec = action

    def compose(self) -> ComposeResult:
        spec = self.action_spec
        with Vertical(id="action-box", classes="dialog-box") as box:
            box.border_title = spec.title
            box.border_subtitle = _("ctrl+s send · esc cancel")
            yield Static(spec.intro, id="action-intro", markup=False)
            if spec.choices:
                yield Label(spec.choice_label)
                yield Select[str](
                    spec.choices,
                    id="choice",
                    value=spec.choices[0][1],
                    allow_blank=False,
                    compact=True,
                )
            if spec.text_label is not None:
                yield Label(spec.text_label)
                yield TextArea(id="text", soft_wrap=True, show_line_numbers=False, compact=True)
            with Horizontal(id="action-buttons"):
                yield Button(spec.button or _("Send"), id="send", variant="primary", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static("", id="action-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#action-error").display = False
        self.query_one("#text" if self.action_spec.text_label is not None else "#choice").focus()

    def _refuse(self, message: str) -> None:
        error = self.query_one("#action-error", Static)
        error.update(message)
        error.display = True

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        spec = self.action_spec
        texts = self.query("#text").results(TextArea)
        text = next((t.text.strip() for t in texts), "")
        if spec.text_required and not text:
            self._refuse(_("{field}: write something.").format(field=spec.text_label))
            self.query_one("#text", TextArea).focus()
            return
        if len(text) > spec.text_max:
            self._refuse(
                _("{field}: at most {limit} characters; this has {count}.").format(
                    field=spec.text_label, limit=spec.text_max, count=len(text)
                )
            )
            return
        choice = self.query_one("#choice", Select).value if spec.choices else None
        self._send(choice if isinstance(choice, str) else None, text)

    @work(exclusive=True, group="desk-action")
    async def _send(self, choice: str | None, text: str) -> None:
        button = self.query_one("#send", Button)
        button.disabled = True
        try:
            item = await self.action_spec.send(choice, text)
        except TokenRejected as exc:
            self.dismiss(None)
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except ApiError as exc:
            words = [exc.message, *(m for m in exc.field_messages().values() if m != exc.message)]
            self._refuse(" ".join(words))
            return
        except SelfcareError as exc:
            self._refuse(describe(exc))
            return
        finally:
            button.disabled = False
        self.dismiss(item)
