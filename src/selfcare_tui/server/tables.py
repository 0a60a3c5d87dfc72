"""The reference backend's database schema (SQLAlchemy 2 ORM); Alembic migrations follow it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


OPEN_REQUESTS = "status IN ('submitted', 'in_progress')"
OPEN_REPORTS = "status IN ('open', 'in_progress')"
"""The items of the agents' work queues: each queue pages through a partial index of them
in age order, so it opens as fast with 100,000 closed items beside it as with none."""
MONEY = Numeric(14, 2)
ENERGY = Numeric(14, 3)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_last_step: Mapped[int | None]
    """The TOTP time step of the last code accepted: a code is good once, never replayed."""
    national_id: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    """Lowercase; proved by a mailed code at sign-up. Password resets are mailed here."""


class Account(Base):
    __tablename__ = "accounts"
    number: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    payment_code: Mapped[str] = mapped_column(String(32), unique=True)
    national_id: Mapped[str] = mapped_column(String(32))
    home_address: Mapped[dict[str, Any]]
    correspondence_address: Mapped[dict[str, Any] | None]
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    invoice_channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")


class Mandate(Base):
    __tablename__ = "mandates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scopes: Mapped[list[Any]]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    delegate: Mapped[User] = relationship(lazy="joined")


class Product(Base):
    __tablename__ = "products"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    day_price: Mapped[Decimal] = mapped_column(Numeric(10, 5))
    night_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 5))
    monthly_fee: Mapped[Decimal] = mapped_column(MONEY)
    export_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 5))


class Place(Base):
    __tablename__ = "places"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"), index=True)
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    area: Mapped[str] = mapped_column(String(50), index=True)
    state: Mapped[str] = mapped_column(String(20))
    eic: Mapped[str] = mapped_column(String(16), unique=True)


class Contract(Base):
    __tablename__ = "contracts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    product: Mapped[Product] = relationship(lazy="joined")


class Meter(Base):
    __tablename__ = "meters"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"), index=True)
    serial_number: Mapped[str] = mapped_column(String(32), unique=True)
    seal_number: Mapped[str] = mapped_column(String(32))
    installed_on: Mapped[dt.date] = mapped_column(Date)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    smart: Mapped[bool] = mapped_column(Boolean)
    data_available_until: Mapped[dt.datetime | None]
    registers: Mapped[list[Register]] = relationship(
        lazy="selectin", order_by="Register.code", back_populates="meter"
    )


class Register(Base):
    __tablename__ = "registers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meter_id: Mapped[str] = mapped_column(ForeignKey("meters.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    integer_places: Mapped[int] = mapped_column(Integer)
    decimal_places: Mapped[int] = mapped_column(Integer)
    meter: Mapped[Meter] = relationship(back_populates="registers")


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = (
        Index("ix_readings_register_date", "register_id", "read_on"),
        # One actual reading per register and day, even under concurrent submissions; an
        # estimate may share the day with the actual reading that later replaced it.
        Index(
            "uq_readings_register_day_actual",
            "register_id",
            "read_on",
            unique=True,
            sqlite_where=text("source != 'estimated'"),
            postgresql_where=text("source != 'estimated'"),
        ),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    register_id: Mapped[str] = mapped_column(ForeignKey("registers.id"))
    read_on: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    source: Mapped[str] = mapped_column(String(12))
    submitted_at: Mapped[dt.datetime]


class MonthlyConsumption(Base):
    __tablename__ = "monthly_consumption"
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    consumption_kwh: Mapped[Decimal] = mapped_column(ENERGY)
    export_kwh: Mapped[Decimal] = mapped_column(ENERGY)
    estimated: Mapped[bool] = mapped_column(Boolean)


class IntervalReading(Base):
    __tablename__ = "interval_readings"
    meter_id: Mapped[str] = mapped_column(ForeignKey("meters.id"), primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(primary_key=True)
    consumption_kwh: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    export_kwh: Mapped[Decimal] = mapped_column(Numeric(10, 4))


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_account_issued", "account_number", "issued_on", "number"),
        # The balance sums the open invoices: without this it reads every invoice ever issued.
        Index("ix_invoices_account_status", "account_number", "status"),
        # A month's billing run issues one invoice per place: a second run cannot add another.
        UniqueConstraint("place_id", "billing_month", name="uq_invoices_place_billing_month"),
    )
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"))
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    kwh: Mapped[Decimal] = mapped_column(ENERGY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_amount: Mapped[Decimal] = mapped_column(MONEY)
    estimated: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10))
    replaced_by: Mapped[str | None] = mapped_column(String(20))
    payment_reference: Mapped[str] = mapped_column(String(20), index=True)
    correspondence_address: Mapped[dict[str, Any]]
    lines: Mapped[list[Any]]
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    tax_amount: Mapped[Decimal] = mapped_column(MONEY)
    billing_month: Mapped[str | None] = mapped_column(String(7))
    """The billing run that issued it (YYYY-MM, the month of issue); None for an ordered bill."""


class Document(Base):
    """A rendered PDF kept so its checksum stays stable and it is not rendered twice."""

    __tablename__ = "documents"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_account_paid", "account_number", "paid_on", "id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(32), index=True)
    settlements: Mapped[list[Settlement]] = relationship(lazy="selectin")


class Settlement(Base):
    __tablename__ = "settlements"
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    invoice_number: Mapped[str] = mapped_column(ForeignKey("invoices.number"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)


class PaymentSession(Base):
    __tablename__ = "payment_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    invoice_numbers: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(12))
    processor_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]


class Notice(Base):
    __tablename__ = "notices"
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    status: Mapped[str] = mapped_column(String(10))
    invoice_numbers: Mapped[list[Any]]
    place_id: Mapped[str | None] = mapped_column(ForeignKey("places.id"))


class Work(Base):
    __tablename__ = "works"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    area: Mapped[str] = mapped_column(String(50), index=True)
    description: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class OutageReport(Base):
    __tablename__ = "outage_reports"
    __table_args__ = (
        Index(
            "ix_outage_reports_open_queue",
            "created_at",
            "reference",
            sqlite_where=text(OPEN_REPORTS),
            postgresql_where=text(OPEN_REPORTS),
        ),
    )
    reference: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"), index=True)
    place_id: Mapped[str] = mapped_column(ForeignKey("places.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime]
    work_id: Mapped[str | None] = mapped_column(ForeignKey("works.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Optimistic locking of back-office changes: bumped by each, sent as the ETag."""
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The agent who has taken the report."""
    holder: Mapped[User | None] = relationship(lazy="joined")


class RequestType(Base):
    __tablename__ = "request_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[Any]]
    documents: Mapped[list[Any]]
    stages: Mapped[list[Any]]


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_account_created", "account_number", "created_at", "id"),
        Index(
            "ix_requests_open_queue",
            "created_at",
            "id",
            sqlite_where=text(OPEN_REQUESTS),
            postgresql_where=text(OPEN_REQUESTS),
        ),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_number: Mapped[str] = mapped_column(ForeignKey("accounts.number"))
    type_code: Mapped[str] = mapped_column(ForeignKey("request_types.code"))
    place_id: Mapped[str | None] = mapped_column(ForeignKey("places.id"))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime]
    requested_documents: Mapped[list[Any]] = mapped_column(
        default=list, server_default=text("'[]'")
    )
    """Codes of the documents the utility asked for that are not attached yet."""
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Optimistic locking of back-office changes: bumped by each, sent as the ETag."""
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The agent who has taken the request."""
    holder: Mapped[User | None] = relationship(lazy="joined")
    history: Mapped[list[RequestHistory]] = relationship(
        lazy="selectin", order_by="RequestHistory.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(lazy="selectin", order_by="Attachment.id")


class RequestHistory(Base):
    __tablename__ = "request_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str | None] = mapped_column(String(60))
    at: Mapped[dt.datetime]
    note: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="status", server_default="status")
    document_code: Mapped[str | None] = mapped_column(String(40))


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    document_code: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Token(Base):
    """An issued access, refresh or API token; only its SHA-256 is stored.

    API tokens are long-lived bearer tokens a customer creates for scripts (SELFCARE_TOKEN);
    their family is their public id, and they carry a name so they can be told apart.
    """

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    """Tokens issued from one login; reuse of a spent refresh token revokes the family."""
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    used_at: Mapped[dt.datetime | None]
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime | None]
    user: Mapped[User] = relationship(lazy="joined")


class LoginSession(Base):
    """One login (a token family): where and with what client it was made, when last used.

    Listed to its user, who may end it; ending it revokes the family's tokens."""

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """The family of the login's access and refresh tokens."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]


class MfaChallenge(Base):
    __tablename__ = "mfa_challenges"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class ThrottleCounter(Base):
    """Failed attempts per key (user or client address) in the current window."""

    __tablename__ = "throttle_counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[dt.datetime]
    count: Mapped[int] = mapped_column(Integer)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_number: Mapped[str | None] = mapped_column(String(12), index=True)
    """None for a back-office call that concerns no one account (a queue, a work)."""
    action: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str | None] = mapped_column(String(60))
    """The operation id of the published contract; None in entries from before 0006."""
    agent: Mapped[User] = relationship(lazy="joined")


class BillingRun(Base):
    """A month's billing run, claimed by one process at a time; its counts grow as it goes."""

    __tablename__ = "billing_runs"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    """Refreshed after every batch: a running run whose heartbeat stopped may be taken over."""
    finished_at: Mapped[dt.datetime | None]
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The agent who started it from the back office; None from `selfcare server bill`."""
    issued: Mapped[int] = mapped_column(Integer, default=0)
    estimated: Mapped[int] = mapped_column(Integer, default=0)
    already_billed: Mapped[int] = mapped_column(Integer, default=0)
    notices: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    error: Mapped[str | None] = mapped_column(Text)


class PendingSignUp(Base):
    """A sign-up waiting for the code mailed to its address: the login exists only once the
    code comes back. One per address; a new sign-up replaces it (and its code)."""

    __tablename__ = "pending_sign_ups"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer)


class PasswordResetCode(Base):
    """A mailed code that sets a new password once; one per user, a new request replaces it."""

    __tablename__ = "password_reset_codes"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    used: Mapped[bool]


class OutgoingMail(Base):
    """Mail written in the transaction that caused it, and sent after by the mail sender: a
    request never waits on the SMTP server, and takes as long whether it sent mail or not."""

    __tablename__ = "outgoing_mail"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    """When to try next: now, or later after a failed try (claimed: a lease, see mail.py)."""
    attempts: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))


class MfaEnrolment(Base):
    """A TOTP secret being set up: in force only once a first code from it comes back."""

    __tablename__ = "mfa_enrolments"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]


class RecoveryCode(Base):
    """One of the codes that log in once without the authenticator app (a lost phone)."""

    __tablename__ = "recovery_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    used_at: Mapped[dt.datetime | None]


class DeviceGrant(Base):
    """A login asked for by a device without a keyboard to trust (RFC 8628): approved, or
    denied, on another device by the user logging in there; the asking device polls."""

    __tablename__ = "device_grants"
    device_code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_code: Mapped[str] = mapped_column(String(9), unique=True)
    client_name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    """Where the asking device is: shown on the approval page."""
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    interval: Mapped[int] = mapped_column(Integer)
    next_poll_at: Mapped[dt.datetime]
    """By the wall clock, not the server's (test) clock: it paces a real device's polls."""
    state: Mapped[str] = mapped_column(String(10))
    """pending, approved, denied, or used (the tokens were given)."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_hash: Mapped[str | None] = mapped_column(String(64))
    """Set when the user has logged in on the page: the Allow button must carry it."""
