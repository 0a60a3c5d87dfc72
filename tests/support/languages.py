"""What the catalogs say in a language, for tests that check a screen, an answer or a command
speaks it: each asserts the message is translated, so a check cannot pass on English."""

from __future__ import annotations

import gettext
from pathlib import Path

from selfcare_tui import i18n
from selfcare_tui.server import i18n as server_i18n


def _translated(domain: str, folder: Path, language: str, message: str) -> str:
    translated = gettext.translation(domain, folder, languages=[language]).gettext(message)
    assert translated != message, (language, message)
    return translated


def server_said(language: str, message: str) -> str:
    """The server catalog's translation of `message`."""
    return _translated(server_i18n.DOMAIN, server_i18n.LOCALE_DIR, language, message)


def app_said(language: str, message: str) -> str:
    """The app catalog's translation of `message`."""
    return _translated(i18n.DOMAIN, i18n.locale_dir(), language, message)
