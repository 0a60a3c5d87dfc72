"""A meter's reading form: one field per register, checked, sent, confirmed, billed.

Prefilled with the last actual reading. What the meter's display cannot show is refused here,
beside the field, before anything is sent; what only the server knows (a later reading, a
duplicate, an implausible jump) comes back as a problem with a code and a register, and is
shown beside that register's field. A typed value is never cleared by a refusal or a lost
connection, and sending the same values again after a lost connection reuses their
Idempotency-Key, so the server records them once.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError, SelfcareError, TokenRejected
from selfcare_tui.core.dates import date_example, parse_date
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.readings import MeterInfo
from selfcare_tui.core.reading_values import (
    Jump,
    plain_value,
    register_name,
    value_problem,
)
from selfcare_tui.core.replaced_bills import bills_replaced_by
from selfcare_tui.i18n import (
    _,
    format_date,
    format_kwh,
    format_money,
    format_number,
    ngettext,
)
from selfcare_tui.session import Session
from selfcare_tui.widgets.login_ended import LoginEnded

_VALUE_FIELD = re.compile(r"(?:^|\.)values\.(\d+)\.")


# --- data ---------------------------------------------------------------------------------


# --- texts --------------------------------------------------------------------------------


def short_name(register: models.Register) -> str:
    return f"{register.code} ({label(register.kind)})"


def last_hint(register: models.Register, last: models.Reading | None) -> str:
    """What the field is compared with: the last accepted reading, and who read it."""
    if last is None:
        return _("no reading yet")
    return _("last {value} on {day} ({source})").format(
        value=format_number(last.value, register.decimal_places),
        day=format_date(last.read_on),
        source=label(last.source),
    )


def last_reading_text(register: models.Register, last: models.Reading | None) -> str:
    return _("{register}: {last}").format(
        register=register_name(register), last=last_hint(register, last)
    )


def closed_note(window: models.ReadingWindow, estimated: bool) -> str:
    opens = format_date(window.opens_on)
    if estimated:
        return _(
            "Readings can be sent from {opens}. To be billed on a reading now, send it with a "
            "bill order: “Send and order a bill” (it replaces the estimated bill)."
        ).format(opens=opens)
    return _(
        "Readings can be sent from {opens}. Your latest bill here is on an actual reading, so "
        "there is no estimate a bill order could replace now."
    ).format(opens=opens)


def missed_note(window: models.ReadingWindow) -> str:
    """S4: a reminder of the next reading date when the last one was missed."""
    assert window.last_opened_on is not None and window.last_closed_on is not None
    missed = _(
        "No reading of this meter reached us in the last window ({first} – {last}), so its "
        "bill was estimated."
    ).format(first=format_date(window.last_opened_on), last=format_date(window.last_closed_on))
    if window.is_open:
        then = _("This window is open until {closes}.").format(closes=format_date(window.closes_on))
    else:
        then = _("The next window opens on {opens}.").format(opens=format_date(window.opens_on))
    return f"{missed} {then}"


def estimate_text(invoice: models.Invoice) -> str:
    return _("{number} ({amount}, {start} – {end})").format(
        number=invoice.number,
        amount=format_money(invoice.amount),
        start=format_date(invoice.period_start),
        end=format_date(invoice.period_end),
    )


def estimates_note(estimates: list[models.Invoice]) -> str:
    if not estimates:
        return _("Your latest bill here is on an actual reading: a reading goes into the next one.")
    return _("Open estimated invoice: {invoices}. A bill on your reading replaces it.").format(
        invoices="; ".join(estimate_text(e) for e in estimates)
    )


def consumption_text(
    registers: dict[str, models.Register], receipt: models.ReadingReceipt
) -> list[str]:
    used = {c.register_id: c for c in receipt.consumption_since_last}
    lines = []
    for reading in receipt.readings:
        register = registers[reading.register_id]
        value = format_number(reading.value, register.decimal_places)
        consumption = used.get(reading.register_id)
        if consumption is None:
            since = _("the first reading of this register")
        else:
            since = ngettext(
                "{kwh} in {days} day", "{kwh} in {days} days", consumption.days
            ).format(kwh=format_kwh(consumption.kwh), days=consumption.days)
        lines.append(
            _("  {register}: {value} · {since}").format(
                register=short_name(register), value=value, since=since
            )
        )
    return lines


def bill_text(invoice: models.Invoice, replaced: list[models.Invoice]) -> str:
    lines = [
        _("Bill {number} ordered: {amount} for {kwh}, {start} – {end}, due {due}.").format(
            number=invoice.number,
            amount=format_money(invoice.amount),
            kwh=format_kwh(invoice.kwh),
            start=format_date(invoice.period_start),
            end=format_date(invoice.period_end),
            due=format_date(invoice.due_on),
        )
    ]
    lines += [
        _("It replaces the estimated invoice {number} ({amount}): you no longer owe it.").format(
            number=r.number, amount=format_money(r.amount)
        )
        for r in replaced
    ]
    return "\n".join(lines)


ConfirmJumps = Callable[[str, list[Jump]], Awaitable[bool]]
"""Given the meter's serial number and the implausible values: send them anyway?"""


# --- one meter ----------------------------------------------------------------------------


class MeterForm(Vertical):
    """A meter's registers as fields; sends, confirms, orders a bill, and keeps what was typed."""

    DEFAULT_CSS = """
    MeterForm {
        height: auto;
        border: round $primary-darken-2;
        border-title-color: $text;
        padding: 0 1;
        margin-bottom: 1;
    }
    MeterForm:focus-within { border: round $accent; }
    MeterForm .row { height: auto; }
    MeterForm .field-label { width: 15; padding-top: 1; }
    MeterForm .row Input { width: 20; }
    MeterForm .beside { width: 1fr; height: auto; padding: 0 0 0 1; }
    MeterForm .hint { color: $text-muted; }
    MeterForm .field-message { color: $text-error; text-style: bold; }
    MeterForm .note { color: $text-muted; }
    MeterForm .window-note { color: $text-warning; }
    MeterForm .form-message { color: $text-error; text-style: bold; }
    MeterForm .form-message.-ok { color: $text-success; text-style: none; }
    MeterForm .buttons { height: auto; }
    MeterForm .buttons Button { margin-right: 1; }
    MeterForm .result { height: auto; }
    """

    def __init__(
        self,
        session: Session,
        number: str,
        info: MeterInfo,
        window: models.ReadingWindow,
        confirm: ConfirmJumps,
    ) -> None:
        """`confirm` asks the customer about the values the server found implausible."""
        meter = info.meter
        super().__init__(id=f"meter-{meter.id}")
        self.session = session
        self.confirm = confirm
        self.number = number
        self.info = info
        self.window = window
        self.registers = {r.id: r for r in meter.registers}
        self._prefill: dict[str, str] = {}
        self._pending: tuple[str, str] | None = None
        """The body (JSON) of a submission whose answer never came, and its Idempotency-Key."""
        self._order_key: str | None = None
        self._busy = False
        address = info.place.address if info.place else None
        where = f" · {address.street}, {address.city}" if address else ""
        self.border_title = _("Meter {serial}").format(serial=meter.serial_number) + where

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        meter = self.info.meter
        if meter.smart:
            yield Static(self._smart_text(), classes="smart-note", markup=False)
            return
        yield Static("", id=f"window-note-{meter.id}", classes="window-note", markup=False)
        with Horizontal(classes="row"):
            yield Static(_("Read on"), classes="field-label", markup=False)
            yield Input(
                dt.date.today().isoformat(),
                id=f"date-{meter.id}",
                placeholder="YYYY-MM-DD",
                max_length=24,
            )
            with Vertical(classes="beside"):
                yield Static(_("the day you read the meter, YYYY-MM-DD"), classes="hint")
                yield Static(
                    "", id=f"date-message-{meter.id}", classes="field-message", markup=False
                )
        for register in meter.registers:
            with Horizontal(classes="row"):
                yield Static(short_name(register), classes="field-label", markup=False)
                yield Input(
                    id=f"value-{register.id}",
                    placeholder=plain_value(Decimal("12345.6"), register.decimal_places),
                )
                with Vertical(classes="beside"):
                    yield Static("", id=f"last-{register.id}", classes="hint", markup=False)
                    yield Static(
                        "", id=f"message-{register.id}", classes="field-message", markup=False
                    )
        yield Static("", id=f"form-message-{meter.id}", classes="form-message", markup=False)
        with Horizontal(classes="buttons"):
            yield Button(_("Send reading"), id=f"send-{meter.id}", variant="primary")
            yield Button(_("Send and order a bill"), id=f"send-bill-{meter.id}")
        yield Static("", id=f"estimates-{meter.id}", classes="note", markup=False)
        with Vertical(classes="result"):
            yield Static("", id=f"result-{meter.id}", markup=False)
            yield Button(_("Order a bill on this reading"), id=f"order-{meter.id}")

    def on_mount(self) -> None:
        self.update_info(self.info, self.window)
        if not self.info.meter.smart:
            self._form_message("")
            self.query_one(".result").display = False
            self.query_one(f"#order-{self.info.meter.id}").display = False

    def _smart_text(self) -> str:
        meter = self.info.meter
        lines = [
            _(
                "This is a smart meter: it is read remotely and its readings reach us by "
                "themselves, so no reading is needed from you. The server accepts no manual "
                "readings for it."
            )
        ]
        for register in meter.registers:
            lines.append(last_reading_text(register, register.last_reading))
        return "\n".join(lines)

    def update_info(self, info: MeterInfo, window: models.ReadingWindow) -> None:
        """Show fresh data; a field the user has typed into keeps what they typed."""
        self.info, self.window = info, window
        meter = info.meter
        self.registers = {r.id: r for r in meter.registers}
        if meter.smart:
            self.query_one(".smart-note", Static).update(self._smart_text())
            return
        for register in meter.registers:
            last = info.last_actual.get(register.id)
            self.query_one(f"#last-{register.id}", Static).update(last_hint(register, last))
            field_ = self.query_one(f"#value-{register.id}", Input)
            prefill = plain_value(last.value, register.decimal_places) if last else ""
            if field_.value == self._prefill.get(register.id, ""):
                field_.value = prefill
            self._prefill[register.id] = prefill
        notes = [] if window.is_open else [closed_note(window, bool(info.estimates))]
        if (
            meter.serial_number in window.missed_meters
            and window.last_opened_on is not None
            and window.last_closed_on is not None
        ):
            notes.append(missed_note(window))
        note = self.query_one(f"#window-note-{meter.id}", Static)
        note.update("\n".join(notes))
        note.display = bool(notes)
        # Outside the window only a bill order is taken: the button that cannot work goes, and
        # the note above says why (a disabled button would say it by colour alone).
        self.query_one(f"#send-{meter.id}", Button).display = window.is_open
        self.query_one(f"#estimates-{meter.id}", Static).update(estimates_note(info.estimates))

    # --- messages ---------------------------------------------------------------------

    def _field_message(self, register_id: str, text: str) -> None:
        self.query_one(f"#message-{register_id}", Static).update(text)
        self.query_one(f"#value-{register_id}", Input).set_class(bool(text), "-invalid")

    def _date_message(self, text: str) -> None:
        meter_id = self.info.meter.id
        self.query_one(f"#date-message-{meter_id}", Static).update(text)
        self.query_one(f"#date-{meter_id}", Input).set_class(bool(text), "-invalid")

    def _form_message(self, text: str, *, ok: bool = False) -> None:
        message = self.query_one(f"#form-message-{self.info.meter.id}", Static)
        message.update(text)
        message.set_class(ok, "-ok")
        message.display = bool(text)

    def _clear_messages(self) -> None:
        for register_id in self.registers:
            self._field_message(register_id, "")
        self._date_message("")
        self._form_message("")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        meter_id = self.info.meter.id
        self.query_one(f"#send-{meter_id}", Button).disabled = busy
        self.query_one(f"#send-bill-{meter_id}", Button).disabled = busy
        self.query_one(f"#order-{meter_id}", Button).disabled = busy

    # --- sending ----------------------------------------------------------------------

    def _checked(self) -> tuple[dt.date, list[models.RegisterValue]] | None:
        """The typed values as a submission, or None with a message beside each bad field."""
        self._clear_messages()
        meter = self.info.meter
        date_text = self.query_one(f"#date-{meter.id}", Input).value.strip()
        read_on = parse_date(date_text)
        if read_on is None:
            self._date_message(
                _("Reading date: type the day like {example}.").format(
                    example=date_example(dt.date.today())
                )
            )
        values = []
        first_bad: Input | None = None
        for register in meter.registers:
            field_ = self.query_one(f"#value-{register.id}", Input)
            checked = value_problem(
                register, field_.value, self.info.last_actual.get(register.id), read_on
            )
            if isinstance(checked, str):
                self._field_message(register.id, checked)
                first_bad = first_bad or field_
            else:
                values.append(models.RegisterValue(register_id=register.id, value=checked))
        if first_bad is not None:
            first_bad.focus()
        elif read_on is None:
            self.query_one(f"#date-{meter.id}", Input).focus()
        if read_on is None or first_bad is not None:
            return None
        return read_on, values

    def send(self, *, order_bill: bool | None) -> None:
        """Check and send; None (enter in a field) sends a reading, or outside the window
        only moves to the bill-order button: enter alone never orders a bill."""
        if self._busy or self.info.meter.smart:
            return
        checked = self._checked()
        if checked is None:
            return
        read_on, values = checked
        if order_bill is None:
            if not self.window.is_open:
                self.query_one(f"#send-bill-{self.info.meter.id}", Button).focus()
                self._form_message(
                    _("The reading window is closed: the reading can be sent with a bill order.")
                )
                return
            order_bill = False
        submission = models.ReadingSubmission(
            meter_id=self.info.meter.id, read_on=read_on, values=values, order_bill=order_bill
        )
        self._set_busy(True)  # before the worker starts: a second enter sends nothing
        self._run_send(submission)

    @work(group="send")
    async def _run_send(self, submission: models.ReadingSubmission) -> None:
        self._form_message(_("Sending…"), ok=True)
        try:
            receipt = await self._submit(submission)
        finally:
            self._set_busy(False)
        if receipt is not None:
            await self._accepted(receipt)

    def _key_for(self, submission: models.ReadingSubmission) -> str:
        """The same body keeps its key until answered: a resend after a lost connection is
        then a retry the server recognises, never a second reading."""
        body = submission.model_dump_json()
        if self._pending is None or self._pending[0] != body:
            self._pending = (body, str(uuid.uuid4()))
        return self._pending[1]

    async def _submit(self, submission: models.ReadingSubmission) -> models.ReadingReceipt | None:
        try:
            receipt = await self.session.client.submit_readings(
                self.number, submission, idempotency_key=self._key_for(submission)
            )
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return None
        except ApiError as exc:
            self._pending = None  # answered: nothing was recorded
            if self._only_implausible(exc):
                return await self._confirm(submission, exc)
            self._refused(exc, submission)
            return None
        except SelfcareError as exc:
            self._form_message(
                _("{problem} Your values are kept: send them again.").format(
                    problem=describe(exc, self.session.server)
                )
            )
            return None
        self._pending = None
        return receipt

    @staticmethod
    def _only_implausible(error: ApiError) -> bool:
        codes = {e.code for e in error.field_errors} or {error.code.value}
        return codes == {models.ErrorCode.implausible_jump.value}

    def _register_of(
        self, field_name: str, submission: models.ReadingSubmission
    ) -> models.Register | None:
        match = _VALUE_FIELD.search(field_name)
        if match is None:
            return None
        index = int(match.group(1))
        if index >= len(submission.values):
            return None
        return self.registers.get(submission.values[index].register_id)

    def _refused(self, error: ApiError, submission: models.ReadingSubmission) -> None:
        """Each refusal beside its field: a register's, the date's, or the form's."""
        self._form_message("")
        placed = False
        first: Input | None = None
        for problem in error.field_errors:
            register = self._register_of(problem.field, submission)
            if register is not None:
                self._field_message(register.id, problem.message)
                first = first or self.query_one(f"#value-{register.id}", Input)
                placed = True
            elif problem.field.split(".")[-1] == "read_on":
                self._date_message(f"{error.message} {problem.message}")
                first = first or self.query_one(f"#date-{self.info.meter.id}", Input)
                placed = True
        if not placed and error.problem.register_id in self.registers:
            register_id = error.problem.register_id
            assert register_id is not None
            self._field_message(register_id, error.message)
            first = self.query_one(f"#value-{register_id}", Input)
            placed = True
        if not placed:
            self._form_message(self._form_refusal(error))
        if first is not None:
            first.focus()

    def _form_refusal(self, error: ApiError) -> str:
        code = error.code
        if code is models.ErrorCode.outside_reading_window:
            opens = error.problem.next_window_opens_on or self.window.opens_on
            return _(
                "Readings are accepted in the reading window, which opens on {opens}. To be "
                "billed on this reading now, use “Send and order a bill”."
            ).format(opens=format_date(opens))
        if code is models.ErrorCode.smart_meter:
            return _("This meter is read remotely: no reading is needed. ({detail})").format(
                detail=error.message
            )
        return describe(error, self.session.server)

    async def _confirm(
        self, submission: models.ReadingSubmission, error: ApiError
    ) -> models.ReadingReceipt | None:
        jumps: list[Jump] = []
        messages: dict[str, str] = {}
        for problem in error.field_errors:
            register = self._register_of(problem.field, submission)
            if register is not None:
                messages[register.id] = problem.message
        if not messages and error.problem.register_id in self.registers:
            assert error.problem.register_id is not None
            messages[error.problem.register_id] = error.message
        for entry in submission.values:
            if entry.register_id not in messages:
                continue
            register = self.registers[entry.register_id]
            last = self.info.last_actual.get(register.id)
            jumps.append(
                Jump(
                    register=register_name(register),
                    value=entry.value,
                    decimal_places=register.decimal_places,
                    previous=last.value if last else None,
                    previous_on=last.read_on if last else None,
                    read_on=submission.read_on,
                    server_says=messages[register.id],
                )
            )
        self._form_message(_("Waiting for you to check the values…"), ok=True)
        confirmed = await self.confirm(self.info.meter.serial_number, jumps)
        if not confirmed:
            self._refused(error, submission)
            self._form_message(_("Not sent. Correct the value, or send it again and confirm it."))
            return None
        self._form_message(_("Sending…"), ok=True)
        return await self._submit(submission.model_copy(update={"confirm_implausible": True}))

    async def _accepted(self, receipt: models.ReadingReceipt) -> None:
        meter = self.info.meter
        for reading in receipt.readings:
            register = self.registers[reading.register_id]
            self.info.last_actual[register.id] = reading
            typed = plain_value(reading.value, register.decimal_places)
            self.query_one(f"#value-{register.id}", Input).value = typed
            self._prefill[register.id] = typed
        self._clear_messages()
        day = receipt.readings[0].read_on if receipt.readings else None
        lines = [
            _("Reading of {day} recorded. Estimated use since the last reading:").format(
                day=format_date(day) if day else ""
            ),
            *consumption_text(self.registers, receipt),
        ]
        order = self.query_one(f"#order-{meter.id}", Button)
        if receipt.ordered_invoice is not None:
            replaced = await self._replaced(receipt.ordered_invoice)
            lines.append(bill_text(receipt.ordered_invoice, replaced))
            order.display = False
        else:
            order.display = bool(self.info.estimates)
        self.update_info(self.info, self.window)
        self.query_one(".result").display = True
        self.query_one(f"#result-{meter.id}", Static).update("\n".join(lines))
        self._form_message(_("Sent."), ok=True)
        if order.display:
            order.focus()
        order.scroll_visible()

    # --- ordering a bill --------------------------------------------------------------

    @work(group="send")
    async def order_bill(self) -> None:
        if self._busy:
            return
        meter = self.info.meter
        self._set_busy(True)
        self._form_message(_("Ordering the bill…"), ok=True)
        # Kept until answered, like a reading's key: a retry cannot order twice.
        self._order_key = self._order_key or str(uuid.uuid4())
        try:
            invoice = await self.session.client.order_bill(
                self.number, meter.id, idempotency_key=self._order_key
            )
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except ApiError as exc:
            self._order_key = None
            message = describe(exc, self.session.server)
            if exc.problem.register_id in self.registers:
                assert exc.problem.register_id is not None
                self._field_message(exc.problem.register_id, exc.message)
            self._form_message(message)
            return
        except SelfcareError as exc:
            self._form_message(
                _("{problem} Order the bill again to retry.").format(
                    problem=describe(exc, self.session.server)
                )
            )
            return
        finally:
            self._set_busy(False)
        self._order_key = None
        replaced = await self._replaced(invoice)
        result = self.query_one(f"#result-{meter.id}", Static)
        result.update(f"{result.content}\n{bill_text(invoice, replaced)}")
        self.query_one(f"#order-{meter.id}", Button).display = False
        self._form_message(_("Bill ordered."), ok=True)
        self.update_info(self.info, self.window)

    async def _replaced(self, invoice: models.Invoice) -> list[models.Invoice]:
        """The estimates the server marked replaced by this bill, as it now reports them."""
        known = self.info.estimates
        try:
            replaced = await bills_replaced_by(self.session.client, self.number, invoice)
        except SelfcareError:
            # Not confirmed (connection lost): the open estimates inside the new bill's period.
            replaced = [e for e in known if e.period_start >= invoice.period_start]
        numbers = {r.number for r in replaced}
        self.info.estimates = [e for e in known if e.number not in numbers]
        return replaced

    # --- events -----------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        meter_id = self.info.meter.id
        if event.button.id == f"send-{meter_id}":
            self.send(order_bill=False)
        elif event.button.id == f"send-bill-{meter_id}":
            self.send(order_bill=True)
        elif event.button.id == f"order-{meter_id}":
            self.order_bill()
        else:
            return
        event.stop()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.send(order_bill=None)
