"""The API contract: every body the v1 API sends or accepts.

Shared by the typed client and the reference server, so the two cannot drift apart.
Money is a Decimal (serialised as a string) with an ISO 4217 currency, never a float.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

T = TypeVar("T")


# --- what request fields may hold ------------------------------------------------------
# Each constraint is checked here, by the server, and published in the OpenAPI document, so
# a request the schema allows is never refused for its form (the contract test holds the
# server to it).


@dataclass(frozen=True)
class _Published:
    """Puts a pattern a validator enforces (with a readable message) into the JSON schema."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


def _refusing(characters: str, message: str) -> AfterValidator:
    found = re.compile(f"[{characters}]")

    def check(value: str) -> str:
        if found.search(value):
            raise PydanticCustomError("control_character", message)
        return value

    return AfterValidator(check)


_CONTROL = r"\x00-\x1f\x7f-\x9f"
_CONTROL_BUT_LINE_BREAKS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"

LINE_PATTERN = f"^[^{_CONTROL}]*$"
Line = Annotated[
    str,
    _refusing(_CONTROL, "Control characters (such as NUL, a tab or a line break) are not allowed."),
    _Published(LINE_PATTERN),
]
"""One line of text: no control characters (a NUL would even be refused by PostgreSQL)."""

Paragraphs = Annotated[
    str,
    _refusing(
        _CONTROL_BUT_LINE_BREAKS,
        "Control characters other than line breaks and tabs (such as NUL) are not allowed.",
    ),
    _Published(f"^[^{_CONTROL_BUT_LINE_BREAKS}]*$"),
]
"""Text that may run over several lines: line breaks and tabs, no other control characters."""

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
"""The id or number of something the server made: a place, meter, invoice, request..."""

ACCOUNT_NUMBER_PATTERN = r"^\d{6,12}$"
AccountNumber = Annotated[str, Field(pattern=ACCOUNT_NUMBER_PATTERN)]

EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"

SECRET_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
Secret = Annotated[str, Field(pattern=SECRET_PATTERN)]
"""A token or challenge the server handed out (URL-safe base64)."""

_DECIMAL_TEXT = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,6})?$")


def _decimal_text(value: Any) -> Any:
    if isinstance(value, str) and not _DECIMAL_TEXT.match(value):
        raise PydanticCustomError(
            "decimal_format",
            "Give a number such as 27310.5: digits, then a point and decimals if any.",
        )
    return value


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_day(value: Any) -> Any:
    # pydantic would also take a number as seconds since 1970: not what the schema says.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        return value
    raise PydanticCustomError("date_format", "Give a date as YYYY-MM-DD.")


Day = Annotated[dt.date, BeforeValidator(_iso_day)]
"""A calendar day in a request, written YYYY-MM-DD (a query parameter or a body field)."""


def _timestamp_text(value: Any) -> Any:
    if isinstance(value, dt.datetime | str):
        return value
    raise PydanticCustomError(
        "datetime_format", "Give a date and time with its offset, as 2026-12-31T23:59:00+02:00."
    )


Moment = Annotated[AwareDatetime, BeforeValidator(_timestamp_text)]
"""A point in time in a request: ISO 8601 text with its UTC offset, never a number."""


def _whole_number(value: Any) -> Any:
    # JSON Schema counts 366.0 as an integer, and "366" or true as no number at all.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Give a whole number.")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""An integer in a JSON body: 366 or 366.0, not "366"."""


def digit_places(value: Decimal) -> tuple[int, int]:
    """Digits before and after the decimal point, as a register's dial shows them: 0.5 has one
    before, 12000 five, 1.50 one after. The server's check and the clients' use this one."""
    _sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        return len(digits) + exponent, 0
    return max(1, len(digits) + exponent), -exponent


MeterValue = Annotated[
    Decimal,
    BeforeValidator(_decimal_text),
    Field(ge=0, lt=10**15),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "exclusiveMaximum": 10**15},
                {"type": "string", "pattern": _DECIMAL_TEXT.pattern},
            ]
        },
        mode="validation",
    ),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
]
"""A register's value as typed: a JSON number, or a decimal string without sign or exponent."""


class ApiModel(BaseModel):
    """Base for every API body: unknown fields are ignored so old clients survive new fields."""

    model_config = ConfigDict(extra="ignore", frozen=False)


class Money(ApiModel):
    amount: Decimal
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class Page(ApiModel, Generic[T]):
    """One page of a cursor-paginated list; pass next_cursor back to get the next page."""

    items: list[T]
    next_cursor: str | None = None


# --- errors (RFC 9457) ---------------------------------------------------------------


class ErrorCode(StrEnum):
    """Stable machine codes of refusals; clients branch on these, never on messages."""

    validation_error = "validation_error"
    internal_error = "internal_error"
    not_found = "not_found"
    unauthenticated = "unauthenticated"
    invalid_credentials = "invalid_credentials"
    invalid_token = "invalid_token"
    invalid_mfa_code = "invalid_mfa_code"
    mfa_code_used = "mfa_code_used"
    """The code was right but already used once: wait for the next one."""
    invalid_code = "invalid_code"
    """An e-mailed code (sign-up, password reset) is wrong, used, or expired."""
    mfa_enabled = "mfa_enabled"
    """The second factor is on already: turn it off first to enrol another."""
    mfa_not_enabled = "mfa_not_enabled"
    """There is no second factor to turn off, or to make recovery codes for."""
    username_taken = "username_taken"
    # device login (RFC 8628, section 3.5): the poll's answers while the user decides
    authorization_pending = "authorization_pending"
    """Not approved yet: poll again after the interval."""
    slow_down = "slow_down"
    """Polled too soon: poll again, 5 seconds further apart from now on."""
    expired_token = "expired_token"
    """The device code expired (or is unknown): start again."""
    access_denied = "access_denied"
    """The user denied the login."""
    """A confirmed sign-up's username was taken meanwhile: the mail owner chooses another."""
    too_many_attempts = "too_many_attempts"
    scope_missing = "scope_missing"
    forbidden = "forbidden"
    method_not_allowed = "method_not_allowed"
    idempotency_key_reused = "idempotency_key_reused"
    # readings
    less_than_previous = "less_than_previous"
    greater_than_subsequent = "greater_than_subsequent"
    reading_in_future = "reading_in_future"
    duplicate_reading = "duplicate_reading"
    meter_removed = "meter_removed"
    too_many_integer_places = "too_many_integer_places"
    too_many_decimal_places = "too_many_decimal_places"
    implausible_jump = "implausible_jump"
    smart_meter = "smart_meter"
    outside_reading_window = "outside_reading_window"
    unknown_register = "unknown_register"
    reading_before_install = "reading_before_install"
    no_estimated_invoice = "no_estimated_invoice"
    no_new_reading = "no_new_reading"
    no_supply_contract = "no_supply_contract"
    # outages
    place_disconnected = "place_disconnected"
    work_in_progress = "work_in_progress"
    outage_already_reported = "outage_already_reported"
    # requests and attachments
    attachment_type_not_allowed = "attachment_type_not_allowed"
    attachment_too_large = "attachment_too_large"
    missing_documents = "missing_documents"
    unknown_document = "unknown_document"
    request_not_draft = "request_not_draft"
    unknown_request_type = "unknown_request_type"
    request_fields_invalid = "request_fields_invalid"
    """Fields the request type needs are missing or empty, or it has no such field."""
    unknown_product = "unknown_product"
    product_already_chosen = "product_already_chosen"
    # accounts, mandates, payments
    account_not_attachable = "account_not_attachable"
    contact_missing = "contact_missing"
    """Invoices by e-mail or SMS need the e-mail address or phone number to send them to."""
    wrong_password = "wrong_password"
    """The current password, asked to confirm a change, is not the login's."""
    weak_password = "weak_password"
    """The new password is too short, too long, or too common (the field's code says which)."""
    delegate_not_customer = "delegate_not_customer"
    mandate_expiry_in_past = "mandate_expiry_in_past"
    mandate_ended = "mandate_ended"
    """The mandate was revoked or has expired: it cannot be changed, only given anew."""
    invalid_scope = "invalid_scope"
    nothing_to_pay = "nothing_to_pay"
    invoice_not_payable = "invoice_not_payable"
    payment_session_closed = "payment_session_closed"
    # the utility's side (back office)
    precondition_required = "precondition_required"
    """A back-office change without If-Match: send the version (ETag) the change is based on."""
    version_mismatch = "version_mismatch"
    """The item changed since that version: read it again, then decide."""
    item_taken = "item_taken"
    """Another agent has taken the item; `blocking` names them."""
    item_not_taken = "item_not_taken"
    unknown_stage = "unknown_stage"
    stage_not_allowed = "stage_not_allowed"
    request_not_submitted = "request_not_submitted"
    request_closed = "request_closed"
    report_not_open = "report_not_open"
    report_closed = "report_closed"
    unknown_work = "unknown_work"
    work_not_in_area = "work_not_in_area"
    work_window_invalid = "work_window_invalid"
    work_ended = "work_ended"
    billing_run_too_early = "billing_run_too_early"
    """The month's reading window has not closed: readings may still come."""
    billing_run_running = "billing_run_running"
    """The month's billing run is running already (in another process, perhaps)."""


class FieldError(ApiModel):
    field: str
    code: str
    message: str


class Problem(ApiModel):
    """application/problem+json body, with this API's extension members."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: ErrorCode
    errors: list[FieldError] = Field(default_factory=list)
    register_id: str | None = None
    """The meter register a reading refusal concerns."""
    blocking: dict[str, str] | None = None
    """The item that blocks the action: a work or an outage report, as id/kind/window."""
    next_window_opens_on: dt.date | None = None
    retry_after_seconds: int | None = None


# --- attachments -----------------------------------------------------------------------

ATTACHMENT_SIGNATURES: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
"""What a request's documents may be, by their first bytes (never by their name)."""


def attachment_type(head: bytes) -> str | None:
    """The content type of a document starting with `head`, None when it is no accepted kind:
    the server's check, and the clients' check before a long upload."""
    return next((kind for magic, kind in ATTACHMENT_SIGNATURES if head.startswith(magic)), None)


# --- auth ------------------------------------------------------------------------------


class Role(StrEnum):
    customer = "customer"
    agent = "agent"


class PasswordLogin(ApiModel):
    username: Line = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    """Any characters: it is only ever hashed."""


class TokenPair(ApiModel):
    kind: Literal["tokens"] = "tokens"
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    """Seconds until the access token expires."""


class MfaChallenge(ApiModel):
    """The password was right; the user must now give a one-time code of their second factor."""

    kind: Literal["mfa_challenge"] = "mfa_challenge"
    challenge_id: str
    methods: list[Literal["totp"]] = Field(default_factory=lambda: list[Literal["totp"]](["totp"]))
    expires_in: int


LoginResult = Annotated[TokenPair | MfaChallenge, Field(discriminator="kind")]


TOTP_CODE_PATTERN = r"^\d{6}$"
RECOVERY_CODE_PATTERN = r"^[a-z2-7]{5}-[a-z2-7]{5}$"
SECOND_FACTOR_PATTERN = rf"{TOTP_CODE_PATTERN}|{RECOVERY_CODE_PATTERN}"


class MfaAnswer(ApiModel):
    challenge_id: Secret
    code: str = Field(pattern=SECOND_FACTOR_PATTERN)
    """Six digits from the authenticator app, or one of the login's recovery codes (used up)."""


class RefreshRequest(ApiModel):
    refresh_token: Secret


class RevokeRequest(ApiModel):
    token: Secret


class ApiTokenCreate(ApiModel):
    """A long-lived token for scripts and cron jobs (SELFCARE_TOKEN), where no keyring is."""

    name: Line = Field(min_length=1, max_length=100)
    expires_in_days: WholeNumber = Field(default=90, ge=1, le=366)


class ApiToken(ApiModel):
    id: str
    name: str
    created_at: AwareDatetime
    expires_at: AwareDatetime
    revoked: bool


class LoginSession(ApiModel):
    """One login of the user: on which client, from where, and when last used."""

    id: str
    client_name: str
    address: str
    created_at: AwareDatetime
    last_used_at: AwareDatetime
    current: bool
    """The login this request is made with."""


class PasswordChange(ApiModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)
    """Checked by the server's policy (weak_password names what is wrong), not here, so every
    client says the same."""


USERNAME_PATTERN = r"^[a-z][a-z0-9._-]{2,31}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
"""Loose on purpose: the mailed code proves the address, not a pattern."""


class SignUp(ApiModel):
    """A new login. The answer never says whether the username or e-mail is taken: the mail
    sent to the address does, to its owner alone."""

    username: str = Field(pattern=USERNAME_PATTERN)
    """3 to 32 lowercase letters, digits, '.', '_' or '-', starting with a letter."""
    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    """Checked by the password policy (weak_password) before anything is sent."""


class SignUpConfirmation(ApiModel):
    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    code: str = Field(min_length=1, max_length=32)
    """The code from the mail; the login exists from this moment."""


class PasswordResetRequest(ApiModel):
    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)


class PasswordReset(ApiModel):
    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    code: str = Field(min_length=1, max_length=32)
    """The code from the mail: good once, for a limited time."""
    new_password: str = Field(min_length=1, max_length=1024)


class MailSent(ApiModel):
    """The same answer whatever the address: what happens next is in the mail."""

    detail: str
    expires_in: int
    """Seconds the mailed code stays good."""


class DeviceLoginStart(ApiModel):
    client_name: Line = Field(default="", max_length=100)
    """Shown on the approval page ("selfcare on thin-client-7"), so the user knows what asks."""


class DeviceAuthorization(ApiModel):
    """RFC 8628's device authorization response: show `user_code` and `verification_uri`,
    then poll with `device_code` every `interval` seconds."""

    device_code: str
    user_code: str
    """Eight letters as XXXX-XXXX, typed on the other device."""
    verification_uri: str
    verification_uri_complete: str
    """The page with the code filled in (for a QR code)."""
    expires_in: int
    interval: int


class DeviceTokenRequest(ApiModel):
    device_code: Secret


class MfaEnrolment(ApiModel):
    """A new TOTP secret, not in force until a first code from it comes back (confirm)."""

    secret: str
    """Base32, for typing into an authenticator app by hand."""
    otpauth_uri: str
    """otpauth://totp/... (Key Uri Format), which an authenticator app takes from a QR code."""
    expires_in: int


class MfaCode(ApiModel):
    code: str = Field(pattern=TOTP_CODE_PATTERN)


class MfaDisable(ApiModel):
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(pattern=SECOND_FACTOR_PATTERN)
    """A code from the app, or a recovery code (when the phone is lost)."""


class RecoveryCodes(ApiModel):
    """Shown once: the server keeps only their digests. Each logs in once without the app."""

    codes: list[str]


class NewApiToken(ApiToken):
    token: str
    """Shown once, at creation; the server keeps only its digest."""


class Me(ApiModel):
    username: str
    display_name: str
    role: Role
    mfa_enabled: bool
    recovery_codes_left: int = 0
    """Recovery codes not yet used, when the second factor is on."""


# --- accounts --------------------------------------------------------------------------


class Scope(StrEnum):
    """What a mandate lets a delegate do on the mandator's account."""

    view = "view"
    readings = "readings"
    pay = "pay"
    requests = "requests"


class Access(StrEnum):
    owner = "owner"
    delegate = "delegate"
    agent = "agent"


class CustomerKind(StrEnum):
    household = "household"
    business = "business"


class InvoiceChannel(StrEnum):
    email = "email"
    sms = "sms"
    paper = "paper"


class Language(StrEnum):
    """The languages an account's invoices and notices are written in."""

    en = "en"
    ro = "ro"
    et = "et"
    uk = "uk"
    ru = "ru"


class Address(ApiModel):
    street: Line = Field(min_length=1, max_length=200)
    city: Line = Field(min_length=1, max_length=100)
    postal_code: Line = Field(min_length=1, max_length=20)
    country: str = Field(default="EE", pattern=r"^[A-Z]{2}$")


class AccountSummary(ApiModel):
    """An account (customer code) as the login may act for it."""

    number: str
    name: str
    kind: CustomerKind
    access: Access
    scopes: list[Scope]
    mandate_expires_at: AwareDatetime | None = None


class Account(AccountSummary):
    payment_code: str
    home_address: Address
    correspondence_address: Address | None
    phone: str | None
    email: str | None
    invoice_channel: InvoiceChannel
    language: Language = Language.en
    """The language of the account's PDFs (invoices, notices); the server's other texts are in
    the caller's (Accept-Language)."""
    balance: Money
    """Positive: the customer owes this much; negative: a credit."""


class ProfileUpdate(ApiModel):
    """Contact data the customer may change; omitted fields stay as they are."""

    home_address: Address | None = None
    correspondence_address: Address | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ]{6,20}$")
    email: str | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=254)
    invoice_channel: InvoiceChannel | None = None
    language: Language | None = None


class AttachAccount(ApiModel):
    """Proof of holding an account: its number and the payment code printed on its invoices."""

    account_number: AccountNumber
    payment_code: Line = Field(min_length=1, max_length=32)


# --- places, contracts, meters ---------------------------------------------------------


class PlaceState(StrEnum):
    connected = "connected"
    disconnected = "disconnected"


class Place(ApiModel):
    id: str
    address: Address
    area: str
    """The grid area; planned works are announced per area."""
    state: PlaceState
    eic: str
    """The point of delivery's energy identification code."""


class Product(ApiModel):
    """A tariff package."""

    code: str
    name: str
    day_price: Money
    """Per kWh, before tax; single-rate products use this for all energy."""
    night_price: Money | None
    monthly_fee: Money
    export_price: Money | None = None


class ContractKind(StrEnum):
    supply = "supply"
    distribution = "distribution"


class Contract(ApiModel):
    id: str
    place_id: str
    kind: ContractKind
    product: Product
    start_date: dt.date
    end_date: dt.date | None


class RegisterKind(StrEnum):
    single = "single"
    day = "day"
    night = "night"
    export = "export"
    """Energy a prosumer fed into the grid; kept apart from consumption."""


class ReadingSource(StrEnum):
    customer = "customer"
    utility = "utility"
    estimated = "estimated"
    remote = "remote"


class Reading(ApiModel):
    id: str
    register_id: str
    meter_id: str
    read_on: dt.date
    value: Decimal
    source: ReadingSource
    submitted_at: AwareDatetime


class Register(ApiModel):
    id: str
    code: str
    kind: RegisterKind
    integer_places: int
    decimal_places: int
    last_reading: Reading | None
    """The last accepted reading (never an estimate): what a new reading must not be below."""


class Meter(ApiModel):
    id: str
    place_id: str
    serial_number: str
    seal_number: str
    installed_on: dt.date
    removed_on: dt.date | None
    smart: bool
    registers: list[Register]


class ReadingWindow(ApiModel):
    is_open: bool
    opens_on: dt.date
    """The first day of the current window when open, else of the next one."""
    closes_on: dt.date
    last_opened_on: dt.date | None = None
    """The last window that has closed: its first day..."""
    last_closed_on: dt.date | None = None
    """...and its last day."""
    missed_meters: list[str] = Field(default_factory=list)
    """Serial numbers of the account's manual meters with no actual reading in that window:
    the customer missed it (their bill was estimated), so the app reminds them of the next."""


class RegisterValue(ApiModel):
    register_id: Identifier
    value: MeterValue


class ReadingSubmission(ApiModel):
    """Readings of one meter's registers, taken on one day."""

    meter_id: Identifier
    read_on: Day
    values: list[RegisterValue] = Field(min_length=1, max_length=16)
    confirm_implausible: bool = Field(default=False, strict=True)
    """Set after the server answered implausible_jump and the customer checked the value."""
    order_bill: bool = Field(default=False, strict=True)
    """Also bill on this reading now (any day, outside the window too); replaces the estimate."""


class RegisterConsumption(ApiModel):
    register_id: str
    kwh: Decimal
    days: int


class ReadingReceipt(ApiModel):
    readings: list[Reading]
    consumption_since_last: list[RegisterConsumption]
    ordered_invoice: Invoice | None = None


class BillOrder(ApiModel):
    """Bill the place of this meter on its latest actual reading now."""

    meter_id: Identifier


class MonthlyConsumption(ApiModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    consumption_kwh: Decimal
    export_kwh: Decimal
    estimated: bool


class ConsumptionSeries(ApiModel):
    place_id: str | None
    months: list[MonthlyConsumption]
    data_available_until: AwareDatetime | None
    """For remote-read meters, the time up to which data has arrived (it lags a day or two)."""


class IntervalPoint(ApiModel):
    start: AwareDatetime
    consumption_kwh: Decimal
    export_kwh: Decimal


class IntervalSeries(ApiModel):
    meter_id: str
    day: dt.date
    interval_minutes: int = 15
    points: list[IntervalPoint]
    data_available_until: AwareDatetime | None


# --- invoices, payments, notices -------------------------------------------------------


class InvoiceStatus(StrEnum):
    open = "open"
    paid = "paid"
    replaced = "replaced"
    """An estimated invoice that a bill on the actual reading replaced; nothing is owed on it."""


class InvoiceLine(ApiModel):
    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    amount: Money


class DocumentInfo(ApiModel):
    size: int
    sha256: str


class Invoice(ApiModel):
    number: str
    account_number: str
    place_id: str
    period_start: dt.date
    period_end: dt.date
    issued_on: dt.date
    due_on: dt.date
    kwh: Decimal
    amount: Money
    """Total including tax."""
    balance: Money
    """What is still owed on this invoice."""
    estimated: bool
    status: InvoiceStatus
    replaced_by: str | None
    payment_reference: str
    correspondence_address: Address
    lines: list[InvoiceLine]
    tax_rate: Decimal
    tax_amount: Money
    document: DocumentInfo | None = None
    """Size and checksum of the PDF, so downloads can be verified and skipped."""


class PaymentMethod(StrEnum):
    card = "card"
    bank_transfer = "bank_transfer"
    direct_debit = "direct_debit"
    cash = "cash"


class Settlement(ApiModel):
    invoice_number: str
    amount: Money


class Payment(ApiModel):
    id: str
    paid_on: dt.date
    amount: Money
    method: PaymentMethod
    reference: str
    settled: list[Settlement]


class PaymentStart(ApiModel):
    invoice_numbers: list[Identifier] = Field(min_length=1, max_length=100)


class PaymentSessionStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class PaymentSession(ApiModel):
    id: str
    status: PaymentSessionStatus
    amount: Money
    invoice_numbers: list[str]
    redirect_url: str | None = None
    """The payment processor's page, given once when the session is created; card data goes
    there, never through this API."""
    created_at: AwareDatetime


class NoticeKind(StrEnum):
    reminder = "reminder"
    disconnection_warning = "disconnection_warning"


class NoticeStatus(StrEnum):
    open = "open"
    closed = "closed"


class Notice(ApiModel):
    number: str
    kind: NoticeKind
    issued_on: dt.date
    deadline: dt.date
    amount: Money
    status: NoticeStatus
    invoice_numbers: list[str]
    place_id: str | None


# --- works and outage reports ----------------------------------------------------------


class WorkKind(StrEnum):
    planned = "planned"
    accidental = "accidental"


class Work(ApiModel):
    id: str
    kind: WorkKind
    area: str
    description: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place_ids: list[str] = Field(default_factory=list)
    """The places of the account in view that the work touches (empty in public lists)."""


class OutageReportStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    resolved = "resolved"


class OutageReportCreate(ApiModel):
    place_id: Identifier
    description: Paragraphs = Field(min_length=1, max_length=2000)
    contact_phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ]{6,20}$")


class OutageReport(ApiModel):
    reference: str
    place_id: str
    description: str
    status: OutageReportStatus
    created_at: AwareDatetime
    work_id: str | None = None
    """The work the utility found behind the fault, once it has linked one."""
    note: str | None = None
    """The utility's word on the report: what was found and done, once resolved."""


class OutageEligibility(ApiModel):
    """Whether a report may be made now, and if not, why (the same codes as a refusal)."""

    allowed: bool
    code: ErrorCode | None = None
    message: str | None = None
    blocking: dict[str, str] | None = None


# --- requests --------------------------------------------------------------------------


class RequiredDocument(ApiModel):
    code: str
    name: str


class RequestField(ApiModel):
    name: str
    label: str
    required: bool = True


class RequestType(ApiModel):
    """One entry of the request guide: what the request is for and what it needs."""

    code: str
    name: str
    description: str
    fields: list[RequestField]
    documents: list[RequiredDocument]
    stages: list[str]
    """The stages a request of this type goes through, in order."""


class RequestStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    in_progress = "in_progress"
    completed = "completed"
    rejected = "rejected"


class HistoryKind(StrEnum):
    """What an entry of a request's history records."""

    status = "status"
    """The request moved: a new status or stage, with the utility's note if any."""
    message = "message"
    """The utility wrote to the customer."""
    document_requested = "document_requested"
    """The utility asked for a document (`document_code`); the customer may attach it now."""
    document_added = "document_added"
    """The customer attached a document the utility had asked for."""


class StatusChange(ApiModel):
    status: RequestStatus
    stage: str | None
    at: AwareDatetime
    note: str | None
    kind: HistoryKind = HistoryKind.status
    document_code: str | None = None


class Attachment(ApiModel):
    id: str
    document_code: str
    filename: str
    content_type: str
    size: int
    sha256: str


class RequestCreate(ApiModel):
    type_code: Identifier
    place_id: Identifier | None = None
    subject: Line = Field(min_length=1, max_length=200)
    message: Paragraphs = Field(default="", max_length=10000)
    fields: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")],
        Annotated[Paragraphs, Field(max_length=2000)],
    ] = Field(
        default_factory=dict, max_length=50, json_schema_extra={"additionalProperties": False}
    )
    """The request type's fields by name (see /request-types)."""


class Request(ApiModel):
    id: str
    type_code: str
    place_id: str | None
    subject: str
    message: str
    fields: dict[str, str]
    status: RequestStatus
    stage: str | None
    attachments: list[Attachment]
    missing_documents: list[RequiredDocument]
    history: list[StatusChange]
    created_at: AwareDatetime
    requested_documents: list[RequiredDocument] = Field(default_factory=list)
    """Documents the utility asked for and the customer has not attached yet: these may be
    attached although the request is no longer a draft."""


# --- mandates --------------------------------------------------------------------------


class MandateGrant(ApiModel):
    delegate_username: Line = Field(min_length=1, max_length=150)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: Moment


class MandateState(StrEnum):
    """By the server's clock, so every client agrees when a mandate ended."""

    active = "active"
    expired = "expired"
    revoked = "revoked"


class MandateChange(ApiModel):
    """What the holder changes on a mandate that still holds; a field left out stays."""

    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=len(Scope))
    expires_at: Moment | None = None


class Mandate(ApiModel):
    id: str
    account_number: str
    delegate_username: str
    scopes: list[Scope]
    expires_at: AwareDatetime
    revoked: bool
    state: MandateState
    created_at: AwareDatetime


# --- the utility's side: support agents' back office ------------------------------------


class AccessLogEntry(ApiModel):
    """One time someone from the utility opened or changed the account (shown to its holder)."""

    at: AwareDatetime
    agent_name: str
    operation: str | None
    """The operation id of the published contract (`list_invoices`), when known."""
    summary: str
    """What was done, in words, in the reader's language."""


class AuditRecord(ApiModel):
    """One back-office or account access by a support agent."""

    id: str
    at: AwareDatetime
    agent_username: str
    agent_name: str
    account_number: str | None
    operation: str | None
    action: str
    """The method and path that was called."""


class Holder(ApiModel):
    """The agent who has taken a queue item."""

    username: str
    display_name: str


class DeskRequest(Request):
    """A customer's request as the utility's queue shows it."""

    account_number: str
    account_name: str
    area: str | None
    version: int
    """Also sent as the ETag; a change must name it in If-Match."""
    holder: Holder | None


class DeskOutageReport(OutageReport):
    account_number: str
    account_name: str
    area: str
    contact_phone: str | None
    version: int
    holder: Holder | None


class DeskWork(Work):
    version: int


class TakenFilter(StrEnum):
    """Whose items a queue lists."""

    any = "any"
    mine = "mine"
    untaken = "untaken"


class QueueCounts(ApiModel):
    """How much waits in each work queue."""

    requests_open: int
    requests_untaken: int
    requests_mine: int
    requests_by_type: dict[str, int]
    requests_by_stage: dict[str, int]
    outage_reports_open: int
    outage_reports_in_progress: int
    outage_reports_mine: int


class StageMove(ApiModel):
    stage: Identifier
    note: Paragraphs | None = Field(default=None, max_length=2000)


class DeskMessage(ApiModel):
    text: Paragraphs = Field(min_length=1, max_length=4000)


class DocumentAsk(ApiModel):
    document_code: Identifier
    note: Paragraphs | None = Field(default=None, max_length=2000)


class RequestOutcome(StrEnum):
    completed = "completed"
    rejected = "rejected"


class RequestResolution(ApiModel):
    outcome: RequestOutcome
    note: Paragraphs = Field(min_length=1, max_length=4000)


class OutageLink(ApiModel):
    work_id: Identifier


class OutageResolution(ApiModel):
    note: Paragraphs = Field(min_length=1, max_length=4000)


class WorkCreate(ApiModel):
    kind: WorkKind
    area: Identifier
    description: Paragraphs = Field(min_length=1, max_length=2000)
    starts_at: Moment
    ends_at: Moment


class WorkChange(ApiModel):
    """Only what is given changes."""

    description: Paragraphs | None = Field(default=None, min_length=1, max_length=2000)
    starts_at: Moment | None = None
    ends_at: Moment | None = None


BILLING_MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
BillingMonth = Annotated[str, Field(pattern=BILLING_MONTH_PATTERN, examples=["2026-12"])]
"""The month a billing run issues invoices in (YYYY-MM, from year 1000: the calendar must
hold the month before); they bill the month before."""


class BillingRunStart(ApiModel):
    month: BillingMonth


class BillingRunStatus(StrEnum):
    running = "running"
    done = "done"
    failed = "failed"


class BillingRun(ApiModel):
    """A month's billing run and what it has done so far; a run again counts afresh."""

    month: BillingMonth
    status: BillingRunStatus
    period_start: dt.date
    period_end: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    issued: int
    """Invoices this run issued, estimated ones included."""
    estimated: int
    """Of those, invoices on an estimate (no reading in the window)."""
    already_billed: int
    """Places skipped: billed for the period already (by an earlier run or an ordered bill)."""
    notices: int
    """Payment reminders sent for invoices overdue by the configured number of days."""
    total_amount: Money


class CustomerMatch(ApiModel):
    """An account found by the agents' customer search, and what matched."""

    number: str
    name: str
    matched: str
    """What the query matched: number, name, address, meter, payment_code or payment_reference."""
    detail: str
    """The matching value (an address, a meter serial), for telling matches apart."""


# --- operations without login (codes printed on the invoice) ---------------------------


class AmountDueQuery(ApiModel):
    payment_code: Line = Field(min_length=1, max_length=32)
    email: Line = Field(min_length=3, max_length=254)


class AmountDue(ApiModel):
    account_name: str
    amount: Money
    due_on: dt.date | None
    invoice_number: str | None


class InvoiceCopyQuery(ApiModel):
    payment_code: Line = Field(min_length=1, max_length=32)
    national_id: Line = Field(min_length=1, max_length=32)
    invoice_number: Identifier | None = None
    """None lists the last invoice and those of the last 12 months; a number fetches its PDF."""


class InvoiceCopy(ApiModel):
    number: str
    issued_on: dt.date
    amount: Money


ReadingReceipt.model_rebuild()
