"""`make messages`: write the catalog templates, `i18n/locale/selfcare.pot` and
`server/locale/server.pot`, and merge each into its catalogs.

The client's messages come from three places: every `_()` and `ngettext()` call in the code,
found by Babel; every help text of the `selfcare` command line, read from the real click
command tree, because docstrings and `help=` strings are looked up in the catalog only when
shown (see `selfcare_tui.cli.translated`); and click's own messages, read from its source (see
`selfcare_tui.cli.click_messages`). The reference server's texts (its `_()`, `ngettext()` and
`N_()` calls) are a template of their own, since the server reads its own catalogs.

A build tool, not part of the runtime: it reads the command line, so unlike the rest of
i18n it imports from above.
"""

from __future__ import annotations

import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import write_po

from selfcare_tui import __version__, i18n
from selfcare_tui.cli import click_messages
from selfcare_tui.cli.main import cli
from selfcare_tui.cli.translated import TranslatedCommand, help_msgids
from selfcare_tui.i18n import catalogs

PACKAGE = Path(__file__).parent.parent
ROOT = PACKAGE.parent.parent
"""Locations in the template are relative to the repository: src/selfcare_tui/cli/auth.py."""
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
SERVER_TEMPLATE = catalogs.SERVER / "server.pot"
METHODS = [("server/**", "ignore"), ("**.py", "python")]
SERVER_METHODS = [("demo/**", "ignore"), ("migrations/**", "ignore"), ("**.py", "python")]
KEYWORDS = {"_": None, "ngettext": (1, 2)}
SERVER_KEYWORDS = {**KEYWORDS, "N_": None}
HEADER = """\
# Translations template for selfcare-tui, written by `make messages`.
# Translations: src/selfcare_tui/i18n/locale/<lang>/LC_MESSAGES/selfcare.po"""
SERVER_HEADER = """\
# Translations template of the selfcare-tui reference server, written by `make messages`.
# Translations: src/selfcare_tui/server/locale/<lang>/LC_MESSAGES/server.po"""


def template() -> Catalog:
    catalog = Catalog(
        project="selfcare-tui", version=__version__, header_comment=HEADER, fuzzy=False
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        location = (_relative(PACKAGE / filename), lineno)
        catalog.add(message, locations=[location], auto_comments=comments, context=context)
    for message, location, comment in _help_texts(cli, None, "selfcare"):
        catalog.add(message, locations=[location], auto_comments=[comment] if comment else [])
    for module in click_messages.MODULES:
        with (click_messages.SOURCE / f"{module}.py").open("rb") as source:
            for lineno, text, _comments, _context in extract("python", source, keywords=KEYWORDS):
                catalog.add(
                    text,
                    locations=[(f"click/{module}.py", lineno)],
                    auto_comments=["click's own message"],
                )
    return catalog


def server_template() -> Catalog:
    catalog = Catalog(
        project="selfcare-tui server",
        version=__version__,
        header_comment=SERVER_HEADER,
        fuzzy=False,
    )
    server = PACKAGE / "server"
    for filename, lineno, message, comments, context in extract_from_dir(
        server, SERVER_METHODS, keywords=SERVER_KEYWORDS, comment_tags=("Translators:",)
    ):
        location = (_relative(server / filename), lineno)
        catalog.add(message, locations=[location], auto_comments=comments, context=context)
    return catalog


def _help_texts(
    command: click.Command, parent: click.Context | None, name: str
) -> Iterator[tuple[str, tuple[str, int], str | None]]:
    """(message, location, comment for translators) for each help text, parents first; the
    location is the command's function, where its options are declared too."""
    ctx = click.Context(command, parent=parent, info_name=name, **command.context_settings)
    path = ctx.command_path
    if not isinstance(command, TranslatedCommand):
        raise SystemExit(f"`{path}` is a plain click command: make it a TranslatedCommand.")
    assert command.callback is not None
    function = inspect.unwrap(command.callback)
    location = (_relative(Path(inspect.getfile(function))), function.__code__.co_firstlineno)
    for which, message in help_msgids(command, ctx):
        yield message, location, None if which == "option" else f"{which} of `{path}`"
    if isinstance(command, click.Group):
        for subname in command.list_commands(ctx):
            subcommand = command.get_command(ctx, subname)
            if subcommand is not None:
                yield from _help_texts(subcommand, ctx, subname)


def _relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT.resolve()).as_posix()


def render(catalog: Catalog) -> bytes:
    """The template as written: without line numbers, so that it changes only when messages
    do, not whenever code moves."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_lineno=False)
    return buffer.getvalue()


def main() -> None:
    for path, catalog, locale_dir in (
        (TEMPLATE, template(), i18n.LOCALE_DIR),
        (SERVER_TEMPLATE, server_template(), catalogs.SERVER),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(catalog))
        print(f"{_relative(path)}: {len(catalog)} messages", file=sys.stderr)
        catalogs.merge_template(path, locale_dir)
        for po in catalogs.catalog_files(locale_dir, path.stem):
            print(f"{_relative(po)}: merged", file=sys.stderr)


if __name__ == "__main__":
    main()
