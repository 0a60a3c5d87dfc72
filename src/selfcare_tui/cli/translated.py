"""Click commands whose help texts go through gettext, like every other user-facing text.

Docstrings and `help=` strings stay plain English in the code; they are looked up in the
catalog when click shows them, so translating the help is a catalog, not a code change. The
text looked up (the msgid) is exactly what click would show in English: `help_msgid` says
what that is, and `selfcare_tui.i18n.extract` uses it to write the catalog template.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterator

import click

from selfcare_tui.i18n import _

HELP_OPTION_HELP = "Show this message and exit."
"""Click's own help of --help, as click writes it (and the template has it)."""


def help_msgid(text: str | None) -> str | None:
    """The English text click shows for a docstring or `help=`: dedented (`\\b` markers
    kept, since the translation needs them too) and cut at a form feed."""
    if not text:
        return None
    return inspect.cleandoc(text).partition("\f")[0]


def _translate(text: str | None) -> str | None:
    msgid = help_msgid(text)
    return _(msgid) if msgid else text


class TranslatedCommand(click.Command):
    """A command whose help, short help, epilog and options' help are translated when shown.

    The three texts are properties: click reads them wherever it renders them (the command's
    own help page, its line in the parent's command list), and gets the translation. The
    English originals stay in `source_help`, `source_short_help` and `source_epilog`.
    """

    source_help: str | None = None
    source_short_help: str | None = None
    source_epilog: str | None = None

    @property
    def help(self) -> str | None:
        return _translate(self.source_help)

    @help.setter
    def help(self, value: str | None) -> None:
        self.source_help = value

    @property
    def short_help(self) -> str | None:
        return _translate(self.source_short_help)

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self.source_short_help = value

    @property
    def epilog(self) -> str | None:
        return _translate(self.source_epilog)

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        self.source_epilog = value

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's --help, whose help click translates once and keeps: here it stays the
        English msgid, looked up when shown like every other option's."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's own option list, each row made from a copy of the option with its help
        translated (the row also holds click's `[default: ...]`, added after the help)."""
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                row = _with_translated_help(param).get_help_record(ctx)
                if row is not None:
                    rows.append(row)
        if rows:
            with formatter.section(_("Options")):  # click's own heading (click_messages)
                formatter.write_dl(rows)


class TranslatedGroup(click.Group, TranslatedCommand):
    """A group that translates like `TranslatedCommand`, and whose `@group.command()` and
    `@group.group()` make translated commands and groups too."""

    command_class = TranslatedCommand
    group_class = type  # subgroups are of this group's own class


def _with_translated_help(option: click.Option) -> click.Option:
    """A copy of the option with its help translated; click has already dedented it."""
    if not option.help:
        return option
    translated = copy.copy(option)
    translated.help = _(option.help)
    return translated


def help_msgids(command: TranslatedCommand, ctx: click.Context) -> Iterator[tuple[str, str]]:
    """What the command's help looks up, as (which text, English text): its help, short help
    and epilog, then each option's help (click's own --help too: a catalog can translate it)."""
    texts = [
        ("help", command.source_help),
        ("short help", command.source_short_help),
        ("epilog", command.source_epilog),
    ]
    for which, text in texts:
        msgid = help_msgid(text)
        if msgid:
            yield which, msgid
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and param.help:
            yield "option", param.help
