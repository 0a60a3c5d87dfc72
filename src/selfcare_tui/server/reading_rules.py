"""The rules a submitted meter reading must pass, and the reading window."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError

from . import tables
from .i18n import _, format_date, ngettext
from .problems import refused
from .settings import Settings


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def window_of_month(settings: Settings, month_day: dt.date) -> tuple[dt.date, dt.date]:
    """The window that starts at the end of `month_day`'s month."""
    start = _month_end(month_day) - dt.timedelta(days=settings.reading_window_start_offset)
    following = _month_end(month_day) + dt.timedelta(days=1)
    return start, following.replace(day=settings.reading_window_last_day)


def reading_window(settings: Settings, today: dt.date | None = None) -> models.ReadingWindow:
    """The window runs from the month's last day (less the offset) to day N of the next month."""
    today = today or settings.today()
    previous_start, previous_end = window_of_month(
        settings, today.replace(day=1) - dt.timedelta(days=1)
    )
    if today <= previous_end:
        return models.ReadingWindow(is_open=True, opens_on=previous_start, closes_on=previous_end)
    start, end = window_of_month(settings, today)
    return models.ReadingWindow(is_open=today >= start, opens_on=start, closes_on=end)


def last_closed_window(settings: Settings, today: dt.date) -> tuple[dt.date, dt.date]:
    """The most recent window whose last day is before `today`."""
    month = today.replace(day=1)
    while True:
        month = (month - dt.timedelta(days=1)).replace(day=1)
        start, end = window_of_month(settings, month)
        if end < today:
            return start, end


def meters_that_missed(
    db: Session, account_number: str, first: dt.date, last: dt.date
) -> list[str]:
    """Manual meters in place for the whole window with no actual reading within it."""
    meters = db.scalars(
        select(tables.Meter)
        .join(tables.Place, tables.Place.id == tables.Meter.place_id)
        .where(
            tables.Place.account_number == account_number,
            tables.Meter.smart.is_(False),
            tables.Meter.installed_on <= first,
            (tables.Meter.removed_on.is_(None)) | (tables.Meter.removed_on >= last),
        )
        .order_by(tables.Meter.serial_number)
    ).all()
    missed = []
    for meter in meters:
        read = db.scalar(
            select(tables.Reading.id)
            .join(tables.Register, tables.Register.id == tables.Reading.register_id)
            .where(
                tables.Register.meter_id == meter.id,
                tables.Reading.read_on.between(first, last),
                tables.Reading.source != models.ReadingSource.estimated.value,
            )
            .limit(1)
        )
        if read is None:
            missed.append(meter.serial_number)
    return missed


def _usual_daily_use(db: Session, register_id: str, before: dt.date) -> Decimal | None:
    """Average kWh a day over the year of readings before `before`; None without enough history."""
    rows = list(
        db.scalars(
            select(tables.Reading)
            .where(
                tables.Reading.register_id == register_id,
                tables.Reading.read_on <= before,
                tables.Reading.read_on >= before - dt.timedelta(days=366),
            )
            .order_by(tables.Reading.read_on)
        )
    )
    if len(rows) < 2:
        return None
    days = (rows[-1].read_on - rows[0].read_on).days
    if days <= 0:
        return None
    return (rows[-1].value - rows[0].value) / days


def last_accepted_before(db: Session, register_id: str, day: dt.date) -> tables.Reading | None:
    """The reading a new one is compared with and counted from: estimates are not readings."""
    return db.scalars(
        select(tables.Reading)
        .where(
            tables.Reading.register_id == register_id,
            tables.Reading.read_on < day,
            tables.Reading.source != "estimated",
        )
        .order_by(tables.Reading.read_on.desc())
        .limit(1)
    ).first()


class Check:
    """Collects every refusal of a submission, so the customer fixes all fields at once."""

    def __init__(self) -> None:
        self.errors: list[tuple[ErrorCode, str, str, str | None]] = []

    def fail(
        self, code: ErrorCode, field: str, message: str, register_id: str | None = None
    ) -> None:
        self.errors.append((code, field, message, register_id))

    def raise_if_failed(self) -> None:
        if not self.errors:
            return
        code, _field, message, register_id = self.errors[0]
        raise refused(
            code,
            message,
            register_id=register_id,
            errors=[FieldError(field=f, code=c.value, message=m) for c, f, m, _ in self.errors],
        )


READING_REFUSALS = (
    ErrorCode.meter_removed,
    ErrorCode.smart_meter,
    ErrorCode.reading_in_future,
    ErrorCode.reading_before_install,
    ErrorCode.outside_reading_window,
    ErrorCode.unknown_register,
    ErrorCode.duplicate_reading,
    ErrorCode.too_many_integer_places,
    ErrorCode.too_many_decimal_places,
    ErrorCode.less_than_previous,
    ErrorCode.greater_than_subsequent,
    ErrorCode.implausible_jump,
)
"""What check_submission refuses with (each a 422), for the published contract."""


def check_submission(
    db: Session, settings: Settings, meter: tables.Meter, body: models.ReadingSubmission
) -> None:
    today = settings.today()
    if meter.removed_on is not None:
        raise refused(
            ErrorCode.meter_removed,
            _("Meter {serial} was removed on {day}; read the new meter.").format(
                serial=meter.serial_number, day=format_date(meter.removed_on)
            ),
        )
    if meter.smart:
        raise refused(
            ErrorCode.smart_meter,
            _("Meter {serial} is read remotely; no reading is needed.").format(
                serial=meter.serial_number
            ),
        )
    if body.read_on > today:
        raise refused(
            ErrorCode.reading_in_future,
            _("The reading date is in the future."),
            errors=[
                FieldError(
                    field="read_on",
                    code="reading_in_future",
                    message=_("Use {day} or earlier.").format(day=format_date(today)),
                )
            ],
        )
    if body.read_on < meter.installed_on:
        raise refused(
            ErrorCode.reading_before_install,
            _("The reading date is before the meter was installed."),
            errors=[
                FieldError(
                    field="read_on",
                    code="before_install",
                    message=_("Use {day} or later.").format(day=format_date(meter.installed_on)),
                )
            ],
        )
    if not body.order_bill:
        window = reading_window(settings, today)
        if not window.is_open:
            raise refused(
                ErrorCode.outside_reading_window,
                _(
                    "Readings are accepted from {opens} to {closes}. "
                    "To be billed on this reading now, order a bill with it."
                ).format(opens=format_date(window.opens_on), closes=format_date(window.closes_on)),
                next_window_opens_on=window.opens_on,
            )
    registers = {r.id: r for r in meter.registers}
    seen: set[str] = set()
    check = Check()
    for i, entry in enumerate(body.values):
        field = f"values.{i}.value"
        register = registers.get(entry.register_id)
        if register is None:
            check.fail(
                ErrorCode.unknown_register,
                f"values.{i}.register_id",
                _("This meter has no such register."),
            )
            continue
        if register.id in seen:
            check.fail(
                ErrorCode.duplicate_reading, field, _("The register is given twice."), register.id
            )
            continue
        seen.add(register.id)
        _check_value(db, settings, check, field, register, body, entry.value)
    check.raise_if_failed()


def _check_value(
    db: Session,
    settings: Settings,
    check: Check,
    field: str,
    register: tables.Register,
    body: models.ReadingSubmission,
    value: Decimal,
) -> None:
    integers, decimals = models.digit_places(value)
    if integers > register.integer_places:
        check.fail(
            ErrorCode.too_many_integer_places,
            field,
            ngettext(
                "The register {register} shows at most {digits} digit before the decimal point.",
                "The register {register} shows at most {digits} digits before the decimal point.",
                register.integer_places,
            ).format(register=register.code, digits=register.integer_places),
            register.id,
        )
        return
    if decimals > register.decimal_places:
        check.fail(
            ErrorCode.too_many_decimal_places,
            field,
            ngettext(
                "The register {register} shows at most {places} decimal place.",
                "The register {register} shows at most {places} decimal places.",
                register.decimal_places,
            ).format(register=register.code, places=register.decimal_places),
            register.id,
        )
        return
    same_day = db.scalars(
        select(tables.Reading).where(
            tables.Reading.register_id == register.id,
            tables.Reading.read_on == body.read_on,
            tables.Reading.source != "estimated",
        )
    ).first()
    if same_day is not None:
        check.fail(
            ErrorCode.duplicate_reading,
            field,
            _("A reading of {value} for register {register} on {day} is already recorded.").format(
                value=same_day.value, register=register.code, day=format_date(body.read_on)
            ),
            register.id,
        )
        return
    previous = last_accepted_before(db, register.id, body.read_on)
    if previous is not None and value < previous.value:
        check.fail(
            ErrorCode.less_than_previous,
            field,
            _(
                "The register {register} reading is lower than the last accepted one "
                "({value} on {day})."
            ).format(
                register=register.code, value=previous.value, day=format_date(previous.read_on)
            ),
            register.id,
        )
        return
    following = db.scalars(
        select(tables.Reading)
        .where(
            tables.Reading.register_id == register.id,
            tables.Reading.read_on > body.read_on,
            tables.Reading.source != "estimated",
        )
        .order_by(tables.Reading.read_on)
        .limit(1)
    ).first()
    if following is not None and value > following.value:
        check.fail(
            ErrorCode.greater_than_subsequent,
            field,
            _(
                "The register {register} reading is higher than a later one ({value} on {day})."
            ).format(
                register=register.code, value=following.value, day=format_date(following.read_on)
            ),
            register.id,
        )
        return
    if previous is not None and not body.confirm_implausible:
        usual = _usual_daily_use(db, register.id, previous.read_on)
        days = max(1, (body.read_on - previous.read_on).days)
        daily = (value - previous.value) / days
        if (
            usual is not None
            and daily > settings.implausible_min_kwh_per_day
            and daily > usual * settings.implausible_factor
        ):
            check.fail(
                ErrorCode.implausible_jump,
                field,
                _(
                    "The register {register} reading means {daily} kWh a day, far above the "
                    "usual {usual}. Check the value and confirm it if it is right."
                ).format(register=register.code, daily=f"{daily:.1f}", usual=f"{usual:.1f}"),
                register.id,
            )
