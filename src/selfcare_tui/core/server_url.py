"""What a server address must look like, checked the same way for options, the environment,
the config file and the login screen, so a bad one is a clear message instead of a traceback
at the first connection."""

from __future__ import annotations

import httpx

from selfcare_tui.i18n import _


class InvalidServerUrl(ValueError):
    """The text is not a usable server address; the message says what is wrong with it."""


def server_url(text: str) -> str:
    """The server's base URL without a trailing slash, or InvalidServerUrl saying why not.

    User names and passwords in the URL are refused: they would end up in the config file,
    the shell's history and the process list.
    """
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")):
        raise InvalidServerUrl(_("Give a URL starting with http:// or https://."))
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as error:
        raise InvalidServerUrl(_("Not a valid URL: {reason}.").format(reason=error)) from None
    if not url.host:
        raise InvalidServerUrl(_("The URL has no host name."))
    if url.port is not None and not 1 <= url.port <= 65535:
        raise InvalidServerUrl(_("The port must be between 1 and 65535."))
    if url.userinfo:
        raise InvalidServerUrl(
            _("Leave the user name and password out of the URL; you are asked for them.")
        )
    if url.query or url.fragment:
        raise InvalidServerUrl(_("The URL must not have a query (?...) or a fragment (#...)."))
    return text.rstrip("/")
