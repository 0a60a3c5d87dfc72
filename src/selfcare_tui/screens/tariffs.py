"""Tariff packages: what each would have cost the place, and a request to change package.

The calculator prices the place's own latest 12 months under every package the way the
utility's invoices price them (selfcare_tui.core.tariff_calculator), so the package the place is on
shows what its invoices came to. What the API does not say (the day/night split of a meter
without day and night registers, the day-rate hours) is an assumption written on the screen.
A change of package is a `package_change` request: created, then submitted, with one
idempotency key per attempt, so a retry after a lost answer never sends two.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Select, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core import tariff_calculator as calc
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.tariffs import (
    PACKAGE_CHANGE,
    PRODUCT_FIELD,
    PlaceTariffs,
    TariffsData,
    load_chosen_place,
    load_tariffs,
)
from selfcare_tui.i18n import (
    _,
    format_date,
    format_kwh,
    format_money,
    format_month,
    format_percent,
    format_unit_price,
    ngettext,
)
from selfcare_tui.session import Session
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .base import AccountScreen
from .dialog import Dialog

# --- loading -------------------------------------------------------------------------------


# --- words ---------------------------------------------------------------------------------


def place_words(place: models.Place) -> str:
    return _("{street}, {city}").format(street=place.address.street, city=place.address.city)


def period_words(uses: list[calc.MonthUse]) -> str:
    return ngettext("the last month", "the last {count} months", len(uses)).format(count=len(uses))


def signed_money(amount: Decimal, currency: str) -> str:
    """A difference with its sign written out (+€1.20, −€3.40), not only by colour."""
    if amount == 0:
        return format_money(models.Money(amount=Decimal("0.00"), currency=currency))
    sign = "+" if amount > 0 else "−"
    return sign + format_money(models.Money(amount=abs(amount), currency=currency))


def price_words(product: models.Product) -> str:
    if product.night_price is None:
        lines = [_("{price} any time").format(price=format_unit_price(product.day_price))]
    else:
        lines = [
            _("{price} day").format(price=format_unit_price(product.day_price)),
            _("{price} night").format(price=format_unit_price(product.night_price)),
        ]
    if product.export_price is not None:
        lines.append(_("{price} export").format(price=format_unit_price(product.export_price)))
    return "\n".join(lines)


def split_words(split: calc.DaySplit) -> str:
    share = format_percent(split.share.quantize(Decimal("0.01")))
    start, end = calc.DAY_RATE_HOURS
    if split.basis is calc.SplitBasis.registers:
        return _(
            "Day and night: {share} of the energy at the day rate, as your meter's day and "
            "night registers recorded it month by month."
        ).format(share=share)
    if split.basis is calc.SplitBasis.intervals and split.first_day and split.last_day:
        return _(
            "Day and night: about {share} at the day rate, measured on your smart meter's "
            "15-minute data of {first} – {last} and applied to every month. Assumed: the day "
            "rate runs {start}:00–{end}:00 on working days (the server does not say)."
        ).format(
            share=share,
            first=format_date(split.first_day),
            last=format_date(split.last_day),
            start=f"{start:02d}",
            end=f"{end:02d}",
        )
    return _(
        "Day and night: assumed {share} at the day rate. Your meter does not record day and "
        "night apart, so the packages with a night rate are an estimate."
    ).format(share=share)


def basis_words(tariffs: PlaceTariffs) -> str:
    uses = tariffs.uses
    used = sum((u.consumed_kwh for u in uses), Decimal(0))
    exported = sum((u.export_kwh for u in uses), Decimal(0))
    lines = [
        _("Priced on your consumption of {first} – {last}: {used}.").format(
            first=format_month(uses[0].month),
            last=format_month(uses[-1].month),
            used=format_kwh(used),
        )
    ]
    estimated = sum(1 for u in uses if u.estimated)
    if estimated:
        lines.append(
            ngettext(
                "{count} of these months is an estimate.",
                "{count} of these months are estimates.",
                estimated,
            ).format(count=estimated)
        )
    lines.append(split_words(tariffs.split))
    if exported:
        lines.append(
            _(
                "Fed into the grid: {exported}; only a package with an export price credits it."
            ).format(exported=format_kwh(exported))
        )
    if tariffs.tax_rate is None:
        lines.append(_("Before VAT: no invoice of this place shows the rate yet."))
    else:
        lines.append(
            _(
                "Each month is priced like an invoice: energy, the monthly fee and VAT {rate} "
                "(as on your latest invoice), rounded to the cent."
            ).format(rate=format_percent(tariffs.tax_rate))
        )
    return "\n".join(lines)


def verdict_words(tariffs: PlaceTariffs, offers: list[calc.Quote]) -> str:
    best = calc.cheapest(offers, tariffs.current_code)
    if best is None or not tariffs.uses:
        return _("No consumption is recorded for this place yet, so there is nothing to compare.")
    verdict = _cheapest_words(tariffs, offers, best)
    if tariffs.split.basis is not calc.SplitBasis.registers and any(
        q.product.night_price is not None for q in offers
    ):
        verdict += " " + _("Packages with a night rate depend on the day/night split below.")
    return verdict


def _cheapest_words(tariffs: PlaceTariffs, offers: list[calc.Quote], best: calc.Quote) -> str:
    period = period_words(tariffs.uses)
    total = format_money(best.money(best.total))
    current = next((q for q in offers if q.product.code == tariffs.current_code), None)
    if current is None:
        return _("Cheapest for your consumption: {name}, {total} for {period}.").format(
            name=best.product.name, total=total, period=period
        )
    if current is best:
        return _(
            "Your package {name} is already the cheapest for your consumption: {total} for "
            "{period}."
        ).format(name=best.product.name, total=total, period=period)
    return _(
        "Cheapest for your consumption: {name}, {total} for {period}, {saving} less than "
        "your package {current}."
    ).format(
        name=best.product.name,
        total=total,
        period=period,
        saving=format_money(best.money(current.total - best.total)),
        current=current.product.name,
    )


def request_words(request: models.Request, tariffs: PlaceTariffs, stages: list[str]) -> str:
    code = request.fields.get(PRODUCT_FIELD, "")
    name = next((p.name for p in tariffs.products if p.code == code), code)
    text = _("Package change to {name}, requested on {day}: {status}").format(
        name=name,
        day=format_date(request.created_at.astimezone().date()),
        status=label(request.status),
    )
    if request.stage in stages:
        text += " " + _("(step {step} of {steps}: {stage})").format(
            step=stages.index(request.stage) + 1,
            steps=len(stages),
            stage=request.stage.replace("_", " "),
        )
    if request.status is models.RequestStatus.draft:
        text += " " + _("Not sent yet: choose the package again to send it.")
    return text


# --- the confirmation --------------------------------------------------------------------


class ChangePackageDialog(Dialog[bool]):
    """Asks before a request goes to the utility; True sends it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]

    CSS_PATH = "tariffs.tcss"

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="change-dialog", classes="dialog-box") as box:
            box.border_title = _("Change package")
            box.border_subtitle = _("enter sends · esc cancels")
            yield Static(self._text, id="change-text", markup=False)
            with Horizontal(id="change-buttons"):
                yield Button(_("Send request"), id="send", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#send").focus()

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


# --- the screen ----------------------------------------------------------------------------


class TariffsScreen(AccountScreen[TariffsData]):
    """Pick a row and press enter (or c) to ask for that package; p chooses the place."""

    section = "tariffs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "change", _("Change package")),
        Binding("p", "choose_place", _("Choose place")),
    ]

    CSS_PATH = "tariffs.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self._data: TariffsData | None = None
        self._place_id: str | None = None
        self._attempts: dict[tuple[str, str, str], str] = {}
        """Idempotency key of each (account, place, package) change not yet sent."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="tariffs"):
            with Horizontal(id="place-row"):
                yield Label(_("Place"))
                yield Select[str]([], id="place", prompt=_("Place"), compact=True)
            with Vertical(id="place-detail"):
                yield Static("", id="place-line", markup=False)
                yield Static("", id="current", markup=False)
                yield Static("", id="request", markup=False)
                table: DataTable[str | Text] = DataTable(id="products", cursor_type="row")
                yield table
                yield Static("", id="verdict", markup=False)
                with Horizontal(id="change-row"):
                    yield Button(_("Change package…"), id="change", variant="primary")
                yield Static("", id="basis", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#products", DataTable)
        table.add_column(_("Package"), width=24, key="package")
        table.add_column(_("Price per kWh"), key="price")
        table.add_column(_("Fee/month"), key="fee")
        table.add_column(_("12 months"), key="total")
        table.add_column(_("vs yours"), key="difference")
        super().on_mount()

    # --- loading --------------------------------------------------------------------------

    async def fetch(self, number: str) -> TariffsData:
        return await load_tariffs(self.session.client, number, self._place_id)

    def show(self, data: TariffsData) -> None:
        self._data = data
        places = data.places
        row = self.query_one("#place-row")
        row.set_class(len(places) > 1, "-shown")
        select = self.query_one("#place", Select)
        with select.prevent(Select.Changed):
            select.set_options((place_words(p), p.id) for p in places)
            if data.place is not None:
                select.value = data.place.place.id
        self.refresh_bindings()
        if data.place is None:
            self._place_id = None
            self._show_nothing()
            return
        self._place_id = data.place.place.id
        self._show_place(data.place)

    def _show_nothing(self) -> None:
        self.query_one("#place-line", Static).update(
            _("This account has no consumption place yet.")
        )
        for part in ("#current", "#verdict", "#basis"):
            self.query_one(part, Static).update("")
        self._request_line("")
        self.query_one("#products", DataTable).clear()
        self.query_one("#change").display = False

    @on(Select.Changed, "#place")
    def _place_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self._place_id:
            self._place_id = event.value
            self._load_place(event.value)

    @work(exclusive=True, group="place")
    async def _load_place(self, place_id: str) -> None:
        data, account = self._data, self.account
        if data is None or account is None:
            return
        place = next(p for p in data.places if p.id == place_id)
        detail = self.query_one("#place-detail")
        detail.loading = True
        try:
            tariffs = await load_chosen_place(self.session.client, account.number, place)
        except TokenRejected as exc:
            self.post_message(LoginEnded(self.failure_message(exc)))
            return
        except SelfcareError as exc:
            self.problem(self.failure_message(exc))
            return
        finally:
            done_loading(detail)
        if self.account is not account or self._place_id != place_id:
            return  # switched meanwhile
        data.place = tariffs
        self._show_place(tariffs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer what can be done: a place to choose, a package change this server takes."""
        data = self._data
        if action == "choose_place":
            return data is not None and len(data.places) > 1
        if action == "change":
            return data is None or data.request_type is not None
        return True

    def action_choose_place(self) -> None:
        select = self.query_one("#place", Select)
        select.focus()
        select.action_show_overlay()

    # --- showing --------------------------------------------------------------------------

    def _show_place(self, tariffs: PlaceTariffs) -> None:
        place = tariffs.place
        self.query_one("#place-line", Static).update(
            _("Place: {place} ({state}), EIC {eic}").format(
                place=place_words(place), state=label(place.state), eic=place.eic
            )
        )
        contract = tariffs.contract
        self.query_one("#current", Static).update(
            _("Your package: {name}, since {day}").format(
                name=contract.product.name, day=format_date(contract.start_date)
            )
            if contract
            else _("This place has no supply contract.")
        )
        self._show_request(tariffs)
        offers = tariffs.quotes()
        self._fill_table(tariffs, offers)
        self.query_one("#verdict", Static).update(verdict_words(tariffs, offers))
        self.query_one("#basis", Static).update(basis_words(tariffs) if tariffs.uses else "")
        self.query_one("#change").display = self._data is not None and bool(self._data.request_type)
        table = self.query_one("#products", DataTable)
        if not isinstance(self.focused, (DataTable, Select)):
            table.focus()

    def _show_request(self, tariffs: PlaceTariffs) -> None:
        request_type = self._data.request_type if self._data else None
        text = ""
        if request_type is None:
            text = _("Package changes cannot be requested here; contact the utility.")
        elif tariffs.request is not None:
            text = request_words(tariffs.request, tariffs, request_type.stages)
        self._request_line(text)

    def _request_line(self, text: str) -> None:
        """The line about the package change; no empty line when there is none."""
        line = self.query_one("#request", Static)
        line.update(text)
        line.display = bool(text)

    def _fill_table(self, tariffs: PlaceTariffs, offers: list[calc.Quote]) -> None:
        table = self.query_one("#products", DataTable)
        highlighted = self._highlighted_code()
        table.clear()
        current = next((q for q in offers if q.product.code == tariffs.current_code), None)
        best = calc.cheapest(offers, tariffs.current_code) if tariffs.uses else None
        for offer in offers:
            product = offer.product
            marks = []
            if offer is current:
                marks.append(_("your package"))
            if offer is best:
                marks.append(_("cheapest"))
            name = Text(product.name, style="bold" if offer is best else "")
            if marks:
                name.append("\n(" + ", ".join(marks) + ")", style="italic")
            currency = product.monthly_fee.currency
            total = format_money(offer.money(offer.total)) if tariffs.uses else "–"
            difference = ""
            if current is not None and tariffs.uses:
                difference = (
                    "–" if offer is current else signed_money(offer.total - current.total, currency)
                )
            table.add_row(
                name,
                price_words(product),
                format_money(product.monthly_fee),
                Text(total, justify="right"),
                Text(difference, justify="right"),
                height=None,
                key=product.code,
            )
        codes = [q.product.code for q in offers]
        if highlighted in codes:
            table.move_cursor(row=codes.index(highlighted))

    def _highlighted_code(self) -> str | None:
        table = self.query_one("#products", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    # --- changing package -----------------------------------------------------------------

    @on(DataTable.RowSelected, "#products")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_change()

    @on(Button.Pressed, "#change")
    def _change_pressed(self) -> None:
        self.action_change()

    def action_change(self) -> None:
        data = self._data
        if data is None or data.place is None or self.account is None:
            return
        tariffs = data.place
        if data.request_type is None:
            self.notify(_("Package changes cannot be requested here; contact the utility."))
            return
        code = self._highlighted_code()
        product = next((p for p in tariffs.products if p.code == code), None)
        if product is None:
            return
        if code == tariffs.current_code:
            self.notify(
                _("{name} is already your package. Choose another row.").format(name=product.name)
            )
            return
        current = tariffs.contract.product.name if tariffs.contract else _("none")
        text = _(
            "Ask the utility to move {place} from {current} to {new}, from the next month?"
        ).format(place=place_words(tariffs.place), current=current, new=product.name)
        pending = tariffs.request
        if pending is not None and pending.status is not models.RequestStatus.draft:
            text += "\n\n" + _(
                "A package change of this place is already open ({status}); this sends another."
            ).format(status=label(pending.status))
        number, place_id = self.account.number, tariffs.place.id

        def answered(send: bool | None) -> None:
            if send:
                self._send_change(number, place_id, product)

        self.app.push_screen(ChangePackageDialog(text), answered)

    @work(exclusive=True, group="change")
    async def _send_change(self, number: str, place_id: str, product: models.Product) -> None:
        attempt = (number, place_id, product.code)
        key = self._attempts.setdefault(attempt, str(uuid.uuid4()))
        self._request_line(_("Sending the request to change to {name}…").format(name=product.name))
        client = self.session.client
        data = self._data
        draft = None
        if data is not None and data.place is not None and data.place.place.id == place_id:
            old = data.place.request
            if (
                old is not None
                and old.status is models.RequestStatus.draft
                and old.fields.get(PRODUCT_FIELD) == product.code
            ):
                draft = old  # created earlier, its submission failed: send that one
        try:
            if draft is None:
                draft = await client.create_request(
                    number,
                    models.RequestCreate(
                        type_code=PACKAGE_CHANGE,
                        place_id=place_id,
                        subject=_("Change of package to {name}").format(name=product.name),
                        fields={PRODUCT_FIELD: product.code},
                    ),
                    idempotency_key=key,
                )
                self._remember_request(number, place_id, draft)
            sent = await client.submit_request(number, draft.id)
        except TokenRejected as exc:
            self.post_message(LoginEnded(self.failure_message(exc)))
            return
        except SelfcareError as exc:
            message = _("The change to {name} was not sent: {reason}").format(
                name=product.name, reason=self.failure_message(exc)
            )
            self._request_line(message)
            self.notify(message, severity="error", timeout=10)
            return
        self._attempts.pop(attempt, None)
        self._remember_request(number, place_id, sent)
        self.notify(
            _("Package change to {name} requested: {status}").format(
                name=product.name, status=label(sent.status)
            )
        )

    def _remember_request(self, number: str, place_id: str, request: models.Request) -> None:
        """Show the request on the place it is for, if that is still the one in view."""
        data = self._data
        if self.account is None or self.account.number != number or data is None:
            return
        if data.place is None or data.place.place.id != place_id:
            return
        data.place = replace(data.place, request=request)
        self._show_request(data.place)
