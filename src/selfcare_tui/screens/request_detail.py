"""One request: where it stands, how it got there, its documents and those still missing.

A draft can be taken up again here (its documents added, then sent): that is how a change of
holder continues once the utility has confirmed it and asks for the documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.attachments import CheckedFile, size_text, type_name
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.request_history import (
    change_title,
    document_name,
    document_names,
    stage_label,
    type_title,
)
from selfcare_tui.i18n import _, format_datetime
from selfcare_tui.session import Session
from selfcare_tui.widgets.banner import AccountBanner
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .file_picker import FilePicker


def place_text(place_id: str, places: list[models.Place]) -> str:
    place = next((p for p in places if p.id == place_id), None)
    if place is None:
        return place_id
    address = place.address
    return f"{address.street}, {address.postal_code} {address.city}"


def stages_text(request: models.Request, rtype: models.RequestType | None) -> str:
    """The type's stages in order, the current one marked in words (not by colour)."""
    if rtype is None or not rtype.stages:
        return stage_label(request.stage) if request.stage else ""
    current = rtype.stages.index(request.stage) if request.stage in rtype.stages else -1
    done = request.status is models.RequestStatus.completed
    parts = []
    for index, stage in enumerate(rtype.stages):
        name = stage_label(stage)
        if index == current and not done:
            name = _("[now: {stage}]").format(stage=name)
        elif index < current or (done and index <= current):
            name = _("{stage} (done)").format(stage=name)
        parts.append(name)
    return " → ".join(parts)


def history_text(request: models.Request, rtype: models.RequestType | None = None) -> str:
    names = document_names(request, rtype)
    lines = []
    for change in request.history:
        line = f"{format_datetime(change.at)}  {change_title(change, names)}"
        if change.note:
            line += "\n    " + change.note.replace("\n", "\n    ")
        lines.append(line)
    return "\n".join(lines) or _("No history yet.")


def documents_text(request: models.Request, rtype: models.RequestType | None) -> str:
    if not request.attachments:
        return _("No documents attached.")
    return "\n".join(
        _("{document}: {file} ({kind}, {size})").format(
            document=document_name(a.document_code, rtype),
            file=a.filename,
            kind=type_name(a.content_type),
            size=size_text(a.size),
        )
        for a in request.attachments
    )


def missing_text(request: models.Request) -> str:
    asked = [
        _("The utility asks for: {document}").format(document=d.name)
        for d in request.requested_documents
    ]
    if not request.missing_documents:
        return "\n".join(asked) or _("Nothing: every document this request needs is attached.")
    lines = [*asked, *(f"- {d.name}" for d in request.missing_documents)]
    if request.status is models.RequestStatus.draft:
        lines.append(_("Add them and send the request (c)."))
    return "\n".join(lines)


def facts_text(
    request: models.Request, types: list[models.RequestType], places: list[models.Place]
) -> str:
    rtype = next((t for t in types if t.code == request.type_code), None)
    status = label(request.status)
    if request.stage:
        status = _("{status}, stage: {stage}").format(
            status=status, stage=stage_label(request.stage)
        )
    rows = [
        (_("Type"), type_title(request.type_code, types)),
        (_("Subject"), request.subject),
        (_("Status"), status),
        (_("Created"), format_datetime(request.created_at)),
    ]
    if request.place_id:
        rows.append((_("Place"), place_text(request.place_id, places)))
    labels = {f.name: f.label for f in rtype.fields} if rtype is not None else {}
    rows += [(labels.get(name, name), value) for name, value in request.fields.items()]
    lines = [f"{name}: {value}" for name, value in rows]
    if request.message:
        lines += ["", request.message]
    return "\n".join(lines)


class RequestDetailScreen(Screen[models.Request | None]):
    """Dismisses with the request as last seen, so the list can show its new state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back")),
        Binding("r", "reload", _("Refresh")),
        Binding("c", "continue", _("Add documents and send")),
        Binding("a", "send_asked", _("Send the document asked for")),
    ]

    CSS_PATH = "request_detail.tcss"

    def __init__(
        self,
        session: Session,
        account: models.AccountSummary,
        request: models.Request,
        types: list[models.RequestType],
        places: list[models.Place],
        *,
        open_form: Callable[[models.Request], None] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.account = account
        self.request = request
        self.types = types
        self.places = places
        self._open_form = open_form

    @property
    def rtype(self) -> models.RequestType | None:
        return next((t for t in self.types if t.code == self.request.type_code), None)

    def compose(self) -> ComposeResult:
        yield Header()
        yield AccountBanner(self.account)
        yield Static("", id="detail-message", markup=False)
        with VerticalScroll(id="detail-body"):
            with Vertical(id="facts-panel", classes="panel") as panel:
                panel.border_title = _("Request")
                yield Static("", id="facts", markup=False)
            with Vertical(id="stages-panel", classes="panel") as panel:
                panel.border_title = _("Stages")
                yield Static("", id="stages", markup=False)
            with Vertical(id="history-panel", classes="panel") as panel:
                panel.border_title = _("Status history")
                yield Static("", id="history", markup=False)
            with Vertical(id="documents-panel", classes="panel") as panel:
                panel.border_title = _("Documents attached")
                yield Static("", id="documents", markup=False)
            with Vertical(id="missing-panel", classes="panel") as panel:
                panel.border_title = _("Documents still missing")
                yield Static("", id="missing", markup=False)
            with Horizontal(id="detail-buttons"):
                yield Button(_("Add documents and send"), id="continue", variant="primary")
                yield Button(_("Send the document asked for"), id="send-asked", variant="primary")
                yield Button(_("Back"), id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.account.number} · {self.account.name}"
        self._say("")
        self.show(self.request)
        self.query_one("#detail-body").focus()

    def on_screen_resume(self) -> None:
        """After switching account from here, this request is no longer in view."""
        account = getattr(self.app, "account", None)
        if account is not None and account.number != self.account.number:
            self.dismiss(None)

    def show(self, request: models.Request) -> None:
        self.request = request
        rtype = self.rtype
        self.title = _("Request {id}").format(id=request.id)
        self.query_one("#facts", Static).update(facts_text(request, self.types, self.places))
        stages = stages_text(request, rtype)
        self.query_one("#stages-panel").display = bool(stages)
        self.query_one("#stages", Static).update(stages)
        self.query_one("#history", Static).update(history_text(request, rtype))
        self.query_one("#documents-panel").border_title = _("Documents attached ({count})").format(
            count=len(request.attachments)
        )
        self.query_one("#documents", Static).update(documents_text(request, rtype))
        self.query_one("#missing", Static).update(missing_text(request))
        draft = request.status is models.RequestStatus.draft
        self.query_one("#continue").display = draft and self._open_form is not None
        self.query_one("#send-asked").display = self._asked() is not None
        self.refresh_bindings()

    def _asked(self) -> models.RequiredDocument | None:
        """The first document the utility asked for that is not sent yet (a submitted
        request takes these; a draft takes its documents through its form)."""
        if self.request.status is models.RequestStatus.draft:
            return None
        return next(iter(self.request.requested_documents), None)

    def _say(self, message: str, *, error: bool = False) -> None:
        panel = self.query_one("#detail-message", Static)
        panel.update(message)
        panel.display = bool(message)
        panel.set_class(error, "-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.request.status is models.RequestStatus.draft and (
                self._open_form is not None
            )
        if action == "send_asked":
            return self._asked() is not None
        return True

    @on(Button.Pressed, "#send-asked")
    def action_send_asked(self) -> None:
        document = self._asked()
        if document is None:
            return

        def chosen(file: CheckedFile | None) -> None:
            if file is not None:
                self._send_asked(document, file)

        self.app.push_screen(FilePicker(document.name), chosen)

    @work(exclusive=True, group="request")
    async def _send_asked(self, document: models.RequiredDocument, file: CheckedFile) -> None:
        body = self.query_one("#detail-body")
        body.loading = True
        number, request_id = self.account.number, self.request.id
        try:
            await self.session.client.add_attachment(number, request_id, document.code, file.path)
            request = await self.session.client.request(number, request_id)
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say(describe(exc, self.session.server), error=True)
            return
        finally:
            done_loading(body)
        self._say(_("Sent: {document}.").format(document=document.name))
        self.show(request)

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        if self._open_form is not None and self.request.status is models.RequestStatus.draft:
            self._open_form(self.request)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(self.request)

    def action_reload(self) -> None:
        self._reload()

    @work(exclusive=True, group="request")
    async def _reload(self) -> None:
        body = self.query_one("#detail-body")
        body.loading = True
        try:
            request = await self.session.client.request(self.account.number, self.request.id)
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say(describe(exc, self.session.server), error=True)
            return
        finally:
            done_loading(body)
        self._say("")
        self.show(request)
