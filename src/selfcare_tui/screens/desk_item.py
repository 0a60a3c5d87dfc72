"""One queue item on the agents' desk, with what an agent does to it.

A request is taken (t), moved to its type's next stage (s), written to (w), asked for a
document (d) and resolved (x); an outage report is taken, acknowledged (k), linked to a work
of its area (l) and resolved. Every change is based on the version the screen shows: when
another agent changed the item meanwhile, the screen shows it as it is now and says so, and
the form keeps what was typed. A refusal is said on the line beside the buttons.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError, SelfcareError, TokenRejected
from selfcare_tui.core.desk import DeskItem, held_by, holder_name, next_stage
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.request_history import document_name, stage_label
from selfcare_tui.i18n import _, format_datetime
from selfcare_tui.session import Session
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .desk_action import DeskAction, DeskActionDialog
from .request_detail import documents_text, facts_text, history_text, missing_text, stages_text

Change = Callable[[int], Awaitable[DeskItem]]
"""A change of the item, given the version it is based on."""


def changed_meanwhile() -> str:
    return _(
        "Someone changed this item since you opened it: it is shown as it is now. Check it, "
        "then do it again."
    )


def stale(error: SelfcareError) -> bool:
    """The item changed since it was read (412 version_mismatch)."""
    return isinstance(error, ApiError) and error.code is models.ErrorCode.version_mismatch


def keyed(key: str, text: str) -> str:
    """A button's words with its key before them: the footer has no room for them all."""
    return f"{key} {text}"


def desk_facts(item: DeskItem) -> list[tuple[str, str]]:
    return [
        (_("Account"), f"{item.account_number} · {item.account_name}"),
        (_("Area"), item.area or ""),
        (_("Taken by"), holder_name(item) or _("nobody")),
    ]


class DeskItemScreen(Screen[None]):
    """What the request and the outage report screens share: taking, changing, refusals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back")),
        Binding("r", "reload", _("Refresh")),
        Binding("t", "take", _("Take"), show=False),
    ]

    CSS_PATH = "desk_item.tcss"

    def __init__(
        self,
        session: Session,
        agent: str,
        item: DeskItem,
        changed: Callable[[DeskItem], None],
    ) -> None:
        super().__init__()
        self.session = session
        self.agent = agent
        """The username of the agent logged in."""
        self.item: DeskItem = item
        self._changed = changed

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="item-body"):
            yield from self.compose_panels()
        with Horizontal(id="item-buttons"):
            yield Button(keyed("t", _("Take")), id="take", compact=True, variant="primary")
            yield from self.compose_buttons()
            yield Button(keyed("esc", _("Back")), id="back", compact=True)
        yield Static("", id="item-message", markup=False)
        yield Footer(compact=True)

    def compose_panels(self) -> ComposeResult:
        raise NotImplementedError

    def compose_buttons(self) -> ComposeResult:
        raise NotImplementedError

    def show(self) -> None:
        raise NotImplementedError

    async def read(self) -> DeskItem:
        raise NotImplementedError

    async def take(self, version: int) -> DeskItem:
        raise NotImplementedError

    def on_mount(self) -> None:
        self._say("")
        self.show()
        self.query_one("#item-body").focus()

    @property
    def mine(self) -> bool:
        return held_by(self.item, self.agent)

    def _say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#item-message", Static)
        line.update(message)
        line.display = bool(message)
        line.set_class(error, "-error")

    def _shown(self, item: DeskItem) -> None:
        self.item = item
        self.show()
        self._changed(item)
        self.refresh_bindings()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self._reload()

    @work(exclusive=True, group="item")
    async def _reload(self) -> None:
        body = self.query_one("#item-body")
        body.loading = True
        try:
            item = await self.read()
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say(describe(exc, self.session.server), error=True)
            return
        finally:
            done_loading(body)
        self._say("")
        self._shown(item)

    # --- changes --------------------------------------------------------------------------

    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        if self.mine:
            self._say(_("You have this item already."))
            return
        self._run(self.take, _("You have taken this item: only you change it now."))

    @work(exclusive=True, group="item")
    async def _run(self, change: Change, done: str) -> None:
        """A change without words (take, acknowledge): its refusal goes beside the buttons."""
        try:
            item = await self._based_on_shown(lambda: change(self.item.version))
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            if not stale(exc):  # already said by _based_on_shown
                self._say(describe(exc, self.session.server), error=True)
            return
        self._shown(item)
        self._say(done)

    async def _based_on_shown(self, change: Callable[[], Awaitable[DeskItem]]) -> DeskItem:
        """Change the item as shown; when it changed meanwhile, show it as it is now, say so,
        and let the refusal through (to a form, which keeps its text), so the agent decides
        again."""
        try:
            return await change()
        except ApiError as exc:
            if stale(exc):
                self._shown(await self.read())
                self._say(changed_meanwhile(), error=True)
            raise

    def held(self) -> bool:
        """Whether the agent holds the item; if not, says to take it first."""
        if not self.mine:
            self._say(_("Take this item first (t): only the agent holding it changes it."))
        return self.mine

    def ask(self, action: DeskAction, done: str) -> None:
        """A change with words: a form; only the agent holding the item may make it."""
        if not self.held():
            return
        send = action.send
        action = replace(
            action, send=lambda choice, text: self._based_on_shown(lambda: send(choice, text))
        )

        def sent(item: DeskItem | None) -> None:
            if item is not None:
                self._shown(item)
                self._say(done)

        self.app.push_screen(DeskActionDialog(action), sent)


class RequestItemScreen(DeskItemScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "move", _("Next stage"), show=False),
        Binding("w", "message", _("Write"), show=False),
        Binding("d", "ask_document", _("Ask for a document"), show=False),
        Binding("x", "resolve", _("Resolve"), show=False),
    ]

    def __init__(
        self,
        session: Session,
        agent: str,
        item: models.DeskRequest,
        changed: Callable[[DeskItem], None],
        types: list[models.RequestType],
    ) -> None:
        super().__init__(session, agent, item, changed)
        self.types = types

    @property
    def request(self) -> models.DeskRequest:
        assert isinstance(self.item, models.DeskRequest)
        return self.item

    @property
    def rtype(self) -> models.RequestType | None:
        return next((t for t in self.types if t.code == self.request.type_code), None)

    def compose_panels(self) -> ComposeResult:
        for name, title in [
            ("facts", _("Request")),
            ("stages", _("Stages")),
            ("history", _("Status history")),
            ("documents", _("Documents attached")),
            ("missing", _("Documents still missing")),
        ]:
            with Vertical(id=f"{name}-panel", classes="panel") as panel:
                panel.border_title = title
                yield Static("", id=name, markup=False)

    def compose_buttons(self) -> ComposeResult:
        yield Button(keyed("s", _("Next stage")), id="move", compact=True)
        yield Button(keyed("w", _("Write")), id="message", compact=True)
        yield Button(keyed("d", _("Ask for a document")), id="ask", compact=True)
        yield Button(keyed("x", _("Resolve")), id="resolve", compact=True)

    def show(self) -> None:
        request, rtype = self.request, self.rtype
        self.title = _("Request {id}").format(id=request.id)
        self.sub_title = f"{request.account_number} · {request.account_name}"
        facts = "\n".join(f"{name}: {value}" for name, value in desk_facts(request) if value)
        self.query_one("#facts", Static).update(facts + "\n" + facts_text(request, self.types, []))
        self.query_one("#stages", Static).update(stages_text(request, rtype))
        self.query_one("#history", Static).update(history_text(request, rtype))
        self.query_one("#documents", Static).update(documents_text(request, rtype))
        self.query_one("#missing", Static).update(missing_text(request))

    async def read(self) -> DeskItem:
        return await self.session.client.desk_request(self.request.id)

    async def take(self, version: int) -> DeskItem:
        return await self.session.client.take_request(self.request.id, version)

    @on(Button.Pressed, "#move")
    def action_move(self) -> None:
        stage = next_stage(self.request, self.rtype)
        if stage is None:
            self._say(_("The request is at its last stage: resolve it (x)."), error=True)
            return
        request_id, client = self.request.id, self.session.client

        async def send(choice: str | None, text: str) -> DeskItem:
            return await client.move_request(request_id, self.item.version, stage, text or None)

        self.ask(
            DeskAction(
                title=_("Next stage"),
                intro=_("The request moves on to: {stage}.").format(stage=stage_label(stage)),
                send=send,
                text_label=_("Note for the customer (optional)"),
                text_max=2000,
                button=_("Move"),
            ),
            _("Moved to: {stage}.").format(stage=stage_label(stage)),
        )

    @on(Button.Pressed, "#message")
    def action_message(self) -> None:
        request_id, client = self.request.id, self.session.client

        async def send(choice: str | None, text: str) -> DeskItem:
            return await client.message_request(request_id, self.item.version, text)

        self.ask(
            DeskAction(
                title=_("Write to the customer"),
                intro=_("The customer reads it in the request's history."),
                send=send,
                text_label=_("Message"),
                text_required=True,
            ),
            _("Message sent."),
        )

    @on(Button.Pressed, "#ask")
    def action_ask_document(self) -> None:
        request_id, client, rtype = self.request.id, self.session.client, self.rtype
        codes = [d.code for d in rtype.documents] if rtype is not None else []
        choices = [(document_name(code, rtype), code) for code in [*codes, "other"]]

        async def send(choice: str | None, text: str) -> DeskItem:
            code = choice or "other"
            return await client.ask_for_document(request_id, self.item.version, code, text or None)

        self.ask(
            DeskAction(
                title=_("Ask for a document"),
                intro=_("The customer may then attach it, although the request is submitted."),
                send=send,
                choice_label=_("Document"),
                choices=choices,
                text_label=_("What exactly is needed (optional)"),
                text_max=2000,
                button=_("Ask"),
            ),
            _("The customer is asked for the document."),
        )

    @on(Button.Pressed, "#resolve")
    def action_resolve(self) -> None:
        request_id, client = self.request.id, self.session.client
        choices = [
            (_("completed"), models.RequestOutcome.completed.value),
            (_("rejected"), models.RequestOutcome.rejected.value),
        ]
        if next_stage(self.request, self.rtype) is not None:
            choices.reverse()  # completed only at the last stage: the server says so

        async def send(choice: str | None, text: str) -> DeskItem:
            outcome = models.RequestOutcome(choice or models.RequestOutcome.rejected.value)
            return await client.resolve_request(request_id, self.item.version, outcome, text)

        self.ask(
            DeskAction(
                title=_("Resolve the request"),
                intro=_("This closes the request; the customer reads the note."),
                send=send,
                choice_label=_("Outcome"),
                choices=choices,
                text_label=_("Resolution"),
                text_required=True,
                button=_("Resolve"),
            ),
            _("The request is closed."),
        )


class ReportItemScreen(DeskItemScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "acknowledge", _("Acknowledge"), show=False),
        Binding("l", "link", _("Link to a work"), show=False),
        Binding("x", "resolve", _("Resolve"), show=False),
    ]

    @property
    def report(self) -> models.DeskOutageReport:
        assert isinstance(self.item, models.DeskOutageReport)
        return self.item

    def compose_panels(self) -> ComposeResult:
        with Vertical(id="facts-panel", classes="panel") as panel:
            panel.border_title = _("Outage report")
            yield Static("", id="facts", markup=False)

    def compose_buttons(self) -> ComposeResult:
        yield Button(keyed("k", _("Acknowledge")), id="acknowledge", compact=True)
        yield Button(keyed("l", _("Link to a work")), id="link", compact=True)
        yield Button(keyed("x", _("Resolve")), id="resolve", compact=True)

    def show(self) -> None:
        report = self.report
        self.title = _("Outage report {reference}").format(reference=report.reference)
        self.sub_title = f"{report.account_number} · {report.account_name}"
        rows = [
            *desk_facts(report),
            (_("Place"), report.place_id),
            (_("Status"), label(report.status)),
            (_("Reported"), format_datetime(report.created_at)),
            (_("Contact phone"), report.contact_phone or ""),
            (_("Work"), report.work_id or ""),
            (_("Note"), report.note or ""),
        ]
        lines = [f"{name}: {value}" for name, value in rows if value]
        self.query_one("#facts", Static).update("\n".join([*lines, "", report.description]))

    async def read(self) -> DeskItem:
        return await self.session.client.desk_outage_report(self.report.reference)

    async def take(self, version: int) -> DeskItem:
        return await self.session.client.take_outage_report(self.report.reference, version)

    @on(Button.Pressed, "#acknowledge")
    def action_acknowledge(self) -> None:
        if not self.held():
            return
        reference, client = self.report.reference, self.session.client

        async def acknowledge(version: int) -> DeskItem:
            return await client.acknowledge_outage_report(reference, version)

        self._run(acknowledge, _("Acknowledged: the customer sees it is being handled."))

    @on(Button.Pressed, "#link")
    def action_link(self) -> None:
        if not self.held():
            return
        self._link()

    @work(exclusive=True, group="item")
    async def _link(self) -> None:
        report, client = self.report, self.session.client
        try:
            works = [w async for w in client.iter_public_works(area=report.area)]
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say(describe(exc, self.session.server), error=True)
            return
        if not works:
            self._say(
                _("No works are published for area {area}: publish one first.").format(
                    area=report.area
                ),
                error=True,
            )
            return
        choices = [
            (
                f"{w.id} · {label(w.kind)} · {format_datetime(w.starts_at)}",
                w.id,
            )
            for w in works
        ]

        async def send(choice: str | None, text: str) -> DeskItem:
            work_id = choice or works[0].id
            return await client.link_outage_report(report.reference, self.item.version, work_id)

        self.ask(
            DeskAction(
                title=_("Link to a work"),
                intro=_("The work behind the fault, among those of area {area}.").format(
                    area=report.area
                ),
                send=send,
                choice_label=_("Work"),
                choices=choices,
                text_label=None,
                button=_("Link"),
            ),
            _("Linked: the customer sees the work."),
        )

    @on(Button.Pressed, "#resolve")
    def action_resolve(self) -> None:
        reference, client = self.report.reference, self.session.client

        async def send(choice: str | None, text: str) -> DeskItem:
            return await client.resolve_outage_report(reference, self.item.version, text)

        self.ask(
            DeskAction(
                title=_("Resolve the outage report"),
                intro=_("The customer reads the note with the report."),
                send=send,
                text_label=_("What was found and done"),
                text_required=True,
                button=_("Resolve"),
            ),
            _("The outage report is resolved."),
        )
