"""Click's own words (Usage:, Options:, Commands:, its errors) in the user's language.

Click looks its messages up with the standard library's gettext under the global domain, whose
language comes from LANGUAGE/LANG alone, never from `--lang` or SELFCARE_LOCALE. Each of its
modules binds the names `_` and `ngettext` at import; pointing them at this project's catalog
makes click speak like the rest. The messages are in the template
(`selfcare_tui.i18n.extract` reads click's source), so the catalogs translate them.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from selfcare_tui import i18n

MODULES = (
    "core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
    "shell_completion", "_termui_impl",
)  # fmt: skip
"""Click's modules with messages: what extract reads, and what this rebinds."""
SOURCE = Path(click.__file__).parent


def speak_through_the_catalog() -> None:
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]
