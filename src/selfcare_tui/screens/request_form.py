"""Writing a request of one type: its fields, subject and message, a place, its documents.

Sending makes a draft on the server, uploads each chosen document (with progress), then
submits it. A refusal at any step leaves the form as it was: what was typed, the files chosen
and the documents already on the draft, which the next send reuses rather than making a
second draft. What was typed is also kept (per account and type, while the app runs) when
the form is closed unsent, and comes back when the same type is chosen again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
    TextArea,
)

from selfcare_tui.api import models
from selfcare_tui.api.errors import (
    ApiError,
    PermissionDenied,
    RuleViolation,
    SelfcareError,
    TokenRejected,
)
from selfcare_tui.core.attachments import (
    OTHER_DOCUMENT,
    AttachmentRefused,
    CheckedFile,
    allowed_text,
    check_file,
    size_text,
)
from selfcare_tui.core.failures import describe
from selfcare_tui.core.request_history import stage_label
from selfcare_tui.i18n import _
from selfcare_tui.session import Session
from selfcare_tui.widgets.banner import AccountBanner
from selfcare_tui.widgets.login_ended import LoginEnded

from .file_picker import FilePicker
from .request_detail import place_text

_REFUSED_FILE = {
    models.ErrorCode.attachment_too_large,
    models.ErrorCode.attachment_type_not_allowed,
    models.ErrorCode.unknown_document,
}
"""Refusals of the file itself: sending it again cannot help, another file is needed."""


@dataclass
class ServerDraft:
    """The draft on the server that this form fills."""

    id: str
    body: models.RequestCreate | None
    """What it was made from; None for a draft made earlier, whose text is fixed."""
    attached: dict[str, str] = field(default_factory=dict)
    """Document code -> file name of the documents already on it."""


@dataclass
class FormState:
    """What the user typed and chose; outlives the form while the app runs."""

    subject: str = ""
    message: str = ""
    place_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, CheckedFile] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)
    """Document code -> why the server refused the file last sent for it."""
    draft: ServerDraft | None = None
    create_key: tuple[models.RequestCreate, str] | None = None
    """The body of the last create and its idempotency key: a retry never makes two drafts."""
    folder: Path | None = None
    """Where the last file was chosen; the next choice starts there."""

    @classmethod
    def of_draft(cls, request: models.Request) -> FormState:
        return cls(
            subject=request.subject,
            message=request.message,
            place_id=request.place_id,
            fields=dict(request.fields),
            draft=ServerDraft(
                request.id, None, {a.document_code: a.filename for a in request.attachments}
            ),
        )

    def key_for(self, body: models.RequestCreate) -> str:
        if self.create_key is None or self.create_key[0] != body:
            self.create_key = (body, str(uuid.uuid4()))
        return self.create_key[1]

    @property
    def locked(self) -> bool:
        """A draft made earlier: only documents can be added (the API has no edit)."""
        return self.draft is not None and self.draft.body is None


class FormMemory:
    """Forms closed unsent, by account and type (new requests) or request id (drafts)."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str], FormState] = {}

    def new_request(self, number: str, type_code: str) -> FormState:
        return self._states.setdefault((number, "type:" + type_code), FormState())

    def draft(self, number: str, request: models.Request) -> FormState:
        key = (number, "draft:" + request.id)
        if key not in self._states:
            self._states[key] = FormState.of_draft(request)
        return self._states[key]

    def forget(self, state: FormState) -> None:
        self._states = {k: v for k, v in self._states.items() if v is not state}


class _UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _documents(rtype: models.RequestType) -> list[models.RequiredDocument]:
    """The type's documents, then a place for anything else the user wants to add."""
    other = models.RequiredDocument(code=OTHER_DOCUMENT, name=_("Other document (optional)"))
    return [*rtype.documents, other]


class RequestFormScreen(Screen[models.Request | None]):
    """Dismisses with the request as sent (or saved as a draft), None when closed unsent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", _("Close (kept)")),
        Binding("ctrl+s", "send", _("Send")),
    ]

    CSS_PATH = "request_form.tcss"

    def __init__(
        self,
        session: Session,
        account: models.AccountSummary,
        rtype: models.RequestType,
        places: list[models.Place],
        state: FormState,
    ) -> None:
        super().__init__()
        self.session = session
        self.account = account
        self.rtype = rtype
        self.places = places
        self.state = state
        self.documents = _documents(rtype)
        self.sending = False

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        state, locked = self.state, self.state.locked
        yield Header()
        yield AccountBanner(self.account)
        with VerticalScroll(id="form"):
            yield Static(self._about(), id="type-about", classes="about", markup=False)
            yield Static(_("Subject"), classes="label", markup=False)
            yield Input(state.subject, id="subject", max_length=200, disabled=locked)
            yield Static(_("Message (optional)"), classes="label", markup=False)
            yield TextArea(state.message, id="message", soft_wrap=True, disabled=locked)
            if self.places:
                yield Static(_("Place it concerns (optional)"), classes="label", markup=False)
                options = [(place_text(p.id, self.places), p.id) for p in self.places]
                known = state.place_id in {p.id for p in self.places}
                yield Select[str](
                    options,
                    id="place",
                    prompt=_("No particular place"),
                    value=state.place_id if known and state.place_id else Select.NULL,
                    disabled=locked,
                )
            for index, request_field in enumerate(self.rtype.fields):
                text = request_field.label
                if not request_field.required:
                    text = _("{label} (optional)").format(label=text)
                yield Static(text, classes="label", markup=False)
                yield Input(
                    state.fields.get(request_field.name, ""),
                    id=f"field-{index}",
                    disabled=locked,
                )
            yield Static(
                _("Documents ({allowed} each)").format(allowed=allowed_text()),
                id="documents-heading",
                markup=False,
            )
            for index, _document in enumerate(self.documents):
                with Horizontal(classes="doc-row"):
                    yield Static("", id=f"doc-{index}", markup=False)
                    yield Button(_("Choose file"), id=f"choose-{index}")
        # Below the scrolling part, so a refusal and the progress are seen wherever it is.
        yield Static("", id="form-message", markup=False)
        with Vertical(id="upload-box"):
            yield Static("", id="upload-text", markup=False)
            yield ProgressBar(id="upload-bar", show_eta=True)
        with Horizontal(id="form-buttons"):
            yield Button(_("Send request"), id="send", variant="primary")
            yield Button(_("Save as draft"), id="save-draft")
            yield Button(_("Close"), id="close")
        yield Footer()

    def _about(self) -> str:
        lines = [self.rtype.description]
        if self.rtype.stages:
            stages = " → ".join(stage_label(s) for s in self.rtype.stages)
            lines.append(_("Stages: {stages}").format(stages=stages))
        if self.state.locked and self.state.draft is not None:
            lines.append(
                _(
                    "Draft {id}: its text is as it was saved; add the documents it still "
                    "needs and send it."
                ).format(id=self.state.draft.id)
            )
        return "\n".join(lines)

    def on_mount(self) -> None:
        self.title = _("New request: {type}").format(type=self.rtype.name)
        if self.state.locked and self.state.draft is not None:
            self.title = _("Request {id}: {type}").format(
                id=self.state.draft.id, type=self.rtype.name
            )
        self.sub_title = f"{self.account.number} · {self.account.name}"
        self.query_one("#save-draft").display = not self.state.locked
        self._show_documents()
        self._say("")
        if self.state.locked:
            self.query_one("#choose-0", Button).focus()
        else:
            self.query_one("#subject", Input).focus()

    def on_screen_resume(self) -> None:
        """After switching account from here, the form closes; what was typed is kept."""
        account = getattr(self.app, "account", None)
        if account is not None and account.number != self.account.number and not self.sending:
            self.dismiss(None)

    # --- what the user typed -----------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _keep(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        if self.state.locked:
            return
        self.state.subject = self.query_one("#subject", Input).value
        self.state.message = self.query_one("#message", TextArea).text
        for index, request_field in enumerate(self.rtype.fields):
            self.state.fields[request_field.name] = self.query_one(f"#field-{index}", Input).value
        if self.places:
            value = self.query_one("#place", Select).value
            place_id = value if isinstance(value, str) else None
            if isinstance(event, Select.Changed) and place_id != self.state.place_id:
                self._fill_eic(place_id)
            self.state.place_id = place_id
        if isinstance(event.control, Input):
            event.control.remove_class("-invalid")

    def _fill_eic(self, place_id: str | None) -> None:
        """A type that asks for the place's EIC gets the chosen place's, unless one is typed."""
        place = next((p for p in self.places if p.id == place_id), None)
        for index, request_field in enumerate(self.rtype.fields):
            if request_field.name == "eic" and place is not None:
                field_input = self.query_one(f"#field-{index}", Input)
                if not field_input.value.strip():
                    field_input.value = place.eic

    def _body(self) -> models.RequestCreate:
        state = self.state
        fields = {
            f.name: state.fields.get(f.name, "").strip()
            for f in self.rtype.fields
            if state.fields.get(f.name, "").strip()
        }
        return models.RequestCreate(
            type_code=self.rtype.code,
            place_id=state.place_id,
            subject=state.subject.strip(),
            message=state.message,
            fields=fields,
        )

    # --- documents -----------------------------------------------------------------------

    def _attached(self) -> dict[str, str]:
        return self.state.draft.attached if self.state.draft is not None else {}

    def _show_documents(self) -> None:
        attached = self._attached()
        for index, document in enumerate(self.documents):
            code = document.code
            lines = [document.name]
            chosen = self.state.files.get(code)
            if code in attached:
                lines.append("  " + _("attached: {file}").format(file=attached[code]))
            elif code in self.state.refusals:
                lines.append("  " + _("refused: {reason}").format(reason=self.state.refusals[code]))
            elif chosen is not None:
                lines.append("  " + _("chosen: {file}").format(file=chosen.describe()))
            elif code == OTHER_DOCUMENT:
                lines.append("  " + _("none chosen"))
            else:
                lines.append("  " + _("required; no file chosen yet"))
            self.query_one(f"#doc-{index}", Static).update("\n".join(lines))
            button = self.query_one(f"#choose-{index}", Button)
            button.disabled = code in attached or self.sending
            button.label = _("Choose file") if chosen is None else _("Change file")

    @on(Button.Pressed, ".doc-row Button")
    def _choose(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "choose-0").removeprefix("choose-"))
        document = self.documents[index]

        def chosen(checked: CheckedFile | None) -> None:
            if checked is None:
                return
            self.state.files[document.code] = checked
            self.state.refusals.pop(document.code, None)
            self.state.folder = checked.path.parent
            self._show_documents()
            self._say("")

        self.app.push_screen(FilePicker(document.name, self.state.folder), chosen)

    # --- sending -----------------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> None:
        panel = self.query_one("#form-message", Static)
        panel.update(message)
        panel.display = bool(message)
        panel.set_class(error, "-error")

    def _problems(self, submit: bool) -> list[str]:
        """What must be put right before anything is sent; the first wrong input is focused."""
        problems: list[str] = []
        first: Input | None = None
        if not self.state.locked:
            subject = self.query_one("#subject", Input)
            if not subject.value.strip():
                problems.append(_("Write a subject."))
                subject.add_class("-invalid")
                first = subject
            empty = []
            for index, request_field in enumerate(self.rtype.fields):
                field_input = self.query_one(f"#field-{index}", Input)
                if request_field.required and not field_input.value.strip():
                    empty.append(request_field.label)
                    field_input.add_class("-invalid")
                    first = first or field_input
            if empty:
                problems.append(_("Fill in: {fields}.").format(fields="; ".join(empty)))
        attached = self._attached()
        for code, checked in list(self.state.files.items()):
            if code in attached or checked.unchanged():
                continue
            try:  # changed since it was chosen: checked again
                self.state.files[code] = check_file(checked.path)
            except AttachmentRefused as refusal:
                del self.state.files[code]
                self.state.refusals[code] = refusal.message
                problems.append(refusal.message)
        if submit:
            missing = [
                d.name
                for d in self.rtype.documents
                if d.code not in attached and d.code not in self.state.files
            ]
            if missing:
                problems.append(
                    _(
                        "Attach these documents first: {documents}. Or save the request as a "
                        "draft and add them later."
                    ).format(documents="; ".join(missing))
                )
        if first is not None:
            first.focus()
        return problems

    def action_send(self) -> None:
        self._start(submit=True)

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self._start(submit=True)

    @on(Button.Pressed, "#save-draft")
    def _draft_pressed(self) -> None:
        self._start(submit=False)

    def _start(self, *, submit: bool) -> None:
        if self.sending:
            return
        problems = self._problems(submit)
        self._show_documents()
        if problems:
            self._say("\n".join(problems), error=True)
            return
        self._deliver(submit)

    def _busy(self, busy: bool) -> None:
        self.sending = busy
        for button in ("#send", "#save-draft", "#close"):
            self.query_one(button, Button).disabled = busy
        self._show_documents()

    @work(exclusive=True, group="send")
    async def _deliver(self, submit: bool) -> None:
        self._busy(True)
        try:
            request = await self._send(submit)
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except _UploadRefused as refusal:
            self._say(refusal.message, error=True)
            return
        except SelfcareError as exc:
            self._say(self._failure(exc), error=True)
            return
        finally:
            self._busy(False)
        self._say("")
        self.dismiss(request)

    def _failure(self, error: SelfcareError) -> str:
        text = describe(error, self.session.server)
        if isinstance(error, RuleViolation) and error.field_messages():
            text += "\n" + "\n".join(f"- {m}" for m in error.field_messages().values())
        if self.state.draft is not None and not isinstance(error, PermissionDenied):
            text += "\n" + _(
                "Draft {id} is kept with the documents already attached; send again to go on."
            ).format(id=self.state.draft.id)
        return text

    async def _send(self, submit: bool) -> models.Request:
        client, number, state = self.session.client, self.account.number, self.state
        body = None if state.locked else self._body()
        draft = state.draft
        if draft is not None and body is not None and draft.body != body:
            draft = state.draft = None  # changed since: a draft with the new text
        if draft is None:
            assert body is not None
            self._progress_text(_("Saving the request…"))
            created = await client.create_request(number, body, idempotency_key=state.key_for(body))
            draft = state.draft = ServerDraft(created.id, body)
            self._show_documents()
        else:
            # What the server has now; this also renews an expired login, which an upload
            # cannot do by itself.
            current = await client.request(number, draft.id)
            if current.status is not models.RequestStatus.draft:
                return current
            draft.attached = {a.document_code: a.filename for a in current.attachments}
        pending = [(code, f) for code, f in state.files.items() if code not in draft.attached]
        for position, (code, checked) in enumerate(pending, start=1):
            await self._upload(draft, code, checked, position, len(pending))
        if submit:
            self._progress_text(_("Sending the request…"))
            return await client.submit_request(number, draft.id)
        return await client.request(number, draft.id)

    async def _upload(
        self, draft: ServerDraft, code: str, checked: CheckedFile, position: int, count: int
    ) -> None:
        name = checked.path.name
        self._progress_text(
            _("Uploading {file} ({position} of {count}, {size})…").format(
                file=name, position=position, count=count, size=size_text(checked.size)
            ),
            total=checked.size,
        )
        # The same file for the same draft always has the same key: a retried upload whose
        # answer was lost is not attached twice.
        key = str(
            uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"{draft.id}|{code}|{checked.path}|{checked.size}|{checked.mtime_ns}",
            )
        )
        try:
            attachment = await self.session.client.add_attachment(
                self.account.number,
                draft.id,
                code,
                checked.path,
                progress=self._progress,
                idempotency_key=key,
            )
        except TokenRejected:
            raise
        except ApiError as exc:
            if exc.code not in _REFUSED_FILE:
                raise
            reason = _("{file} was refused: {reason}").format(file=name, reason=describe(exc))
            self.state.files.pop(code, None)
            self.state.refusals[code] = reason
            self._show_documents()
            self._progress_text(reason)
            raise _UploadRefused(
                reason
                + "\n"
                + _(
                    "Choose another file and send again: the request is kept as draft {id} "
                    "with the documents already attached."
                ).format(id=draft.id)
            ) from exc
        except OSError as exc:  # the file went away between the check and the upload
            raise _UploadRefused(
                _("{file} cannot be read ({error}).").format(file=name, error=exc.strerror or exc)
            ) from exc
        draft.attached[code] = attachment.filename
        self._show_documents()

    def _progress_text(self, text: str, total: int | None = None) -> None:
        self.query_one("#upload-box").add_class("-shown")
        self.query_one("#upload-text", Static).update(text)
        bar = self.query_one("#upload-bar", ProgressBar)
        bar.display = total is not None
        if total is not None:
            bar.update(total=total, progress=0)

    def _progress(self, done: int, total: int | None) -> None:
        """Called by the client as the file is read for sending."""
        self.query_one("#upload-bar", ProgressBar).update(total=total, progress=done)

    # --- closing -------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.sending:
            self.notify(_("Wait until the request is sent."), severity="warning")
            return
        if self.state.locked and self.state.draft is not None:
            if self.state.files:
                self.notify(
                    _("The files you chose are kept: open draft {id} again to send it.").format(
                        id=self.state.draft.id
                    ),
                    title=_("Not sent"),
                )
        elif self.state.subject.strip() or self.state.files or self.state.draft is not None:
            self.notify(
                _("What you wrote is kept: choose this request type again to go on."),
                title=_("Not sent"),
            )
        self.dismiss(None)
