"""Requests: the guide to request types, and the account's requests grouped by type and status.

Choosing a type shows what it needs (fields, documents, stages) and enter opens its form;
choosing a request opens its status history, documents and what is still missing. Grid
connections, changes of holder, suggestions and complaints all go through here.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.requests import RequestsData, load_requests
from selfcare_tui.core.request_history import stage_label, type_title
from selfcare_tui.i18n import _, format_date, ngettext
from selfcare_tui.session import Session

from .base import AccountScreen
from .request_detail import RequestDetailScreen
from .request_form import FormMemory, FormState, RequestFormScreen

T = TypeVar("T")

STATUS_ORDER = (
    models.RequestStatus.draft,
    models.RequestStatus.submitted,
    models.RequestStatus.in_progress,
    models.RequestStatus.completed,
    models.RequestStatus.rejected,
)
"""Open requests first, in the order they move; then the closed ones."""


def needs_text(rtype: models.RequestType) -> str:
    """What a type asks for, so the user can gather it before starting."""
    fields = "; ".join(
        f.label if f.required else _("{label} (optional)").format(label=f.label)
        for f in rtype.fields
    )
    documents = "; ".join(d.name for d in rtype.documents)
    stages = " → ".join(stage_label(s) for s in rtype.stages)
    return "\n".join(
        [
            _("Fields: {fields}").format(fields=fields or _("none besides subject and message")),
            _("Documents: {documents}").format(documents=documents or _("none required")),
            _("Stages: {stages}").format(stages=stages or "-"),
        ]
    )


def type_prompt(rtype: models.RequestType) -> Text:
    text = Text(rtype.name, style="bold")
    text.append("\n  " + rtype.description)
    return text


def grouped(
    requests: list[models.Request], types: list[models.RequestType]
) -> list[tuple[str, models.RequestStatus, list[models.Request]]]:
    """By type (in the guide's order) and status (open first); newest first in each."""
    order = {t.code: index for index, t in enumerate(types)}
    groups: dict[tuple[str, models.RequestStatus], list[models.Request]] = {}
    for request in requests:
        groups.setdefault((request.type_code, request.status), []).append(request)
    keys = sorted(
        groups,
        key=lambda k: (
            order.get(k[0], len(order)),
            k[0],
            STATUS_ORDER.index(k[1]) if k[1] in STATUS_ORDER else len(STATUS_ORDER),
        ),
    )
    return [
        (code, status, sorted(groups[(code, status)], key=lambda r: r.created_at, reverse=True))
        for code, status in keys
    ]


def request_prompt(request: models.Request) -> Text:
    text = Text(request.subject)
    facts = [request.id, _("created {day}").format(day=format_date(request.created_at.date()))]
    if request.stage:
        facts.append(_("stage: {stage}").format(stage=stage_label(request.stage)))
    missing = len(request.missing_documents)
    if missing:
        facts.append(
            ngettext("{count} document missing", "{count} documents missing", missing).format(
                count=missing
            )
        )
    text.append("\n  " + " · ".join(facts), style="italic")
    return text


class RequestsScreen(AccountScreen[RequestsData]):
    """The guide on top, the account's requests below; enter opens the one highlighted."""

    section = "requests"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", _("New request")),
        Binding("l", "list", _("Your requests")),
    ]

    CSS_PATH = "requests.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.data: RequestsData | None = None
        self.shown_for: str | None = None
        """The number of the account whose requests are shown."""
        self.forms = FormMemory()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="guide-panel", classes="panel") as panel:
            panel.border_title = _("Request guide: what do you want to ask?")
            yield OptionList(id="types")
            yield Static("", id="needs", markup=False)
            yield Static(
                _("enter or a click: write a request of this type"),
                id="types-hint",
                markup=False,
            )
        with Vertical(id="requests-panel", classes="panel") as panel:
            panel.border_title = _("Your requests")
            yield OptionList(id="requests")
            yield Static("", id="requests-empty", markup=False)
            yield Static(
                _("enter or a click: status history, documents, what is missing"),
                id="requests-hint",
                markup=False,
            )

    async def fetch(self, number: str) -> RequestsData:
        return await load_requests(self.session.client, number)

    @property
    def places(self) -> list[models.Place]:
        if self.data is None or isinstance(self.data.places, ApiError):
            return []
        return self.data.places

    def show(self, data: RequestsData) -> None:
        self.data = data
        self.shown_for = self.account.number if self.account is not None else None
        types = self.query_one("#types", OptionList)
        previous = types.highlighted_option.id if types.highlighted_option else None
        types.set_options(Option(type_prompt(t), id=t.code) for t in data.types)
        codes = [t.code for t in data.types]
        if codes:
            types.highlighted = codes.index(previous) if previous in codes else 0
            self._show_needs(data.types[types.highlighted or 0])
        self._show_requests(data)
        if self.focused is None:
            types.focus()

    def _show_requests(self, data: RequestsData) -> None:
        options = self.query_one("#requests", OptionList)
        previous = options.highlighted_option.id if options.highlighted_option else None
        prompts: list[Option] = []
        for code, status, requests in grouped(data.requests, data.types):
            heading = Text(
                _("{type} · {status} ({count})").format(
                    type=type_title(code, data.types), status=label(status), count=len(requests)
                ),
                style="bold underline",
            )
            prompts.append(Option(heading, disabled=True))
            prompts += [Option(request_prompt(r), id=r.id) for r in requests]
        options.set_options(prompts)
        options.display = bool(prompts)
        empty = self.query_one("#requests-empty", Static)
        empty.update("" if prompts else _("No requests yet. Choose a type above to write one."))
        empty.display = not prompts
        self.query_one("#requests-hint").display = bool(prompts)
        self.query_one("#requests-panel").border_title = _("Your requests ({count})").format(
            count=len(data.requests)
        )
        ids = [o.id for o in prompts]
        if previous in ids:
            options.highlighted = ids.index(previous)

    def _show_needs(self, rtype: models.RequestType) -> None:
        self.query_one("#needs", Static).update(needs_text(rtype))

    @on(OptionList.OptionHighlighted, "#types")
    def _type_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        rtype = self._type(event.option_id)
        if rtype is not None:
            self._show_needs(rtype)

    def _type(self, code: str | None) -> models.RequestType | None:
        if self.data is None:
            return None
        return next((t for t in self.data.types if t.code == code), None)

    def action_new(self) -> None:
        self.query_one("#types").focus()

    def action_list(self) -> None:
        options = self.query_one("#requests", OptionList)
        if options.display:
            options.focus()

    # --- a new request -------------------------------------------------------------------

    def _may_write(self) -> bool:
        """The server decides; this only spares a form that a mandate would not let through."""
        account = self.account
        if account is None:
            return False
        if models.Scope.requests in account.scopes:
            return True
        self.notify(
            _(
                "Your access to account {number} does not include requests: you can read them, "
                "not write them."
            ).format(number=account.number),
            severity="warning",
        )
        return False

    @on(OptionList.OptionSelected, "#types")
    def _type_chosen(self, event: OptionList.OptionSelected) -> None:
        rtype = self._type(event.option_id)
        if rtype is None or self.account is None or not self._may_write():
            return
        state = self.forms.new_request(self.account.number, rtype.code)
        self._open_form(rtype, state, None)

    def _open_form(
        self,
        rtype: models.RequestType,
        state: FormState,
        detail: RequestDetailScreen | None,
    ) -> None:
        assert self.account is not None
        account = self.account

        def done(request: models.Request | None) -> None:
            if request is None:
                return
            self.forms.forget(state)
            self.action_reload()
            if detail is not None:
                detail.show(request)
            else:
                self._open_detail(account, request)

        form = RequestFormScreen(self.session, account, rtype, self.places, state)
        self.app.push_screen(form, done)

    # --- requests made -----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#requests")
    def _request_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.data is None or self.account is None:
            return
        request = next((r for r in self.data.requests if r.id == event.option_id), None)
        if request is not None:
            self._open_detail(self.account, request)

    def _open_detail(self, account: models.AccountSummary, request: models.Request) -> None:
        types = self.data.types if self.data is not None else []
        detail: RequestDetailScreen

        def take_up(draft: models.Request) -> None:
            rtype = next((t for t in types if t.code == draft.type_code), None)
            if rtype is None:
                self.notify(
                    _("The request guide no longer has type {code}.").format(code=draft.type_code),
                    severity="error",
                )
                return
            if not self._may_write():
                return
            self._open_form(rtype, self.forms.draft(account.number, draft), detail)

        def closed(latest: models.Request | None) -> None:
            if latest is not None and latest != request:
                self.action_reload()

        detail = RequestDetailScreen(
            self.session, account, request, types, self.places, open_form=take_up
        )
        self.app.push_screen(detail, closed)
