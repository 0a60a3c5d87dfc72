"""Printing results: rich tables for people, the API models as JSON for scripts.

With --json nothing but the JSON document goes to stdout, shaped exactly as the API models
(docs/openapi.json), so scripts can rely on it.

Text given to `table`, `fields` and `note` is data and printed as it is: rich would read
"[b]" in a request's subject as markup and drop it, so it is escaped (and ":zap:" stays
text, not an emoji). Intentional styling is given as a rich `Text` (e.g.
`Text.from_markup(...)`), which is printed with its style.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from selfcare_tui.api.models import Address
from selfcare_tui.i18n import _

Cell = str | Text
"""Plain text (escaped, shown as it is) or styled rich text (shown with its style)."""

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (the API's model shape)."
)


def stdout() -> Console:
    return Console(soft_wrap=False, highlight=False, emoji=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, emoji=False)


def _plain(text: Cell) -> Cell:
    return escape(text) if isinstance(text, str) else text


def emit_json(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> None:
    if isinstance(value, BaseModel):
        data: Any = value.model_dump(mode="json")
    elif isinstance(value, dict):
        data = value
    else:
        data = [item.model_dump(mode="json") for item in value]
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def json_or_none_found(items: Sequence[BaseModel], as_json: bool, none_found: str) -> bool:
    """Print a list as JSON (--json), or say `none_found` when it is empty.

    True when that was all there is to print, so the caller prints no table.
    """
    if as_json:
        emit_json(items)
        return True
    if not items:
        note(none_found)
        return True
    return False


def table(title: Cell | None, columns: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> None:
    grid = Table(
        title=None if title is None else _plain(title),
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    for name in columns:
        grid.add_column(_plain(name), overflow="fold")
    for row in rows:
        grid.add_row(*(_plain(cell) for cell in row))
    stdout().print(grid)


def fields(pairs: Sequence[tuple[Cell, Cell]]) -> None:
    """A show command's `label: value` lines."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in pairs:
        grid.add_row(_plain(label), _plain(value))
    stdout().print(grid)


def note(message: Cell) -> None:
    """A remark for the person at the terminal; on stderr so pipes get only data."""
    stderr().print(_plain(message))


def note_more(shown: int, more: bool) -> None:
    """After a list cut at --limit: say that there is more, and how to see it."""
    if more:
        note(
            _("Showing the first {count}; use --limit N or --all to see more.").format(count=shown)
        )


def address_text(address: Address) -> str:
    return _("{street}, {postal_code} {city}, {country}").format(
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        country=address.country,
    )
