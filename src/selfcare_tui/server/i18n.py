"""The server speaks the caller's language: every human text it writes (problem titles and
details, field messages, PDFs) goes through `_()`, looked up in the server's own catalogs.

The language of a request comes from its Accept-Language header (`LanguageMiddleware`), and
is held in a context variable for the request's task and the threads it runs in; a PDF is
drawn in the account's language instead (`speaking`). The catalogs are
`server/locale/<lang>/LC_MESSAGES/server.po`, compiled with the client's (i18n/catalogs.py);
the server keeps its own so that it depends on nothing of the client but the API models.
Codes (ErrorCode, field error codes) are never translated: programs read them.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "server"
LANGUAGES = ("en", "ro", "et", "uk", "ru")
"""The languages the server writes, English first: the one it falls back to."""
_LOCALES = {"en": "en_GB", "ro": "ro_RO", "et": "et_EE", "uk": "uk_UA", "ru": "ru_RU"}

_spoken: ContextVar[str] = ContextVar("selfcare_server_language", default="en")


def negotiate(accept_language: str | None) -> str:
    """The caller's most preferred language the server writes (RFC 9110 weights); English when
    it names none of them or the header is missing or malformed."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "en"


def language() -> str:
    return _spoken.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write in `language` inside the block (an account's PDF), whatever the caller reads."""
    token = _spoken.set(language if language in LANGUAGES else "en")
    try:
        yield
    finally:
        _spoken.reset(token)


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    return _translation(_spoken.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation(_spoken.get()).ngettext(singular, plural, n)


def stored(text: str) -> str:
    """A text the server stored in English (an invoice line's description, written with
    `N_`), in the caller's language where the catalog has it; any other text as it is."""
    return _(text) if text else text


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; `_()` translates it where used."""
    return message


def locale() -> Locale:
    return Locale.parse(_LOCALES[_spoken.get()])


_YEAR_WORD = re.compile(r"\s*'[^']*'\.?$")
"""Ukrainian and Russian "р." / "г." after the year, left out as the app does: a sentence
ending in a date would end in "р.."."""


def format_date(value: dt.date) -> str:
    here = locale()
    pattern = _YEAR_WORD.sub("", str(here.date_formats["medium"].pattern))
    return _babel_date(value, format=pattern, locale=here)


def format_number(value: Decimal | int) -> str:
    return format_decimal(value, locale=locale())


def format_amount(amount: Decimal, currency: str) -> str:
    return format_currency(amount, currency, locale=locale())


class LanguageMiddleware:
    """Sets the request's language from Accept-Language, and says it in Content-Language.

    A plain ASGI middleware, not Starlette's BaseHTTPMiddleware: the context variable it sets
    is then seen by the route, its dependencies and the exception handlers alike.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope["headers"] if k == b"accept-language"), b"")
        spoken = negotiate(header.decode("latin-1"))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                names = {k for k, _v in given}
                vary = [v for k, v in given if k == b"vary"]
                headers = [(k, v) for k, v in given if k != b"vary"]
                headers.append((b"vary", b", ".join([*vary, b"Accept-Language"])))
                if b"content-language" not in names:  # a PDF says its account's language
                    headers.append((b"content-language", spoken.encode()))
                message["headers"] = headers
            await send(message)

        with speaking(spoken):
            await self.app(scope, receive, send_with_language)
