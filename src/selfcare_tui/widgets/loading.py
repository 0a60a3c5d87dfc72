"""Clearing a loading indicator from a worker that may outlive its screen."""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widget import Widget


def done_loading(widget: Widget) -> None:
    """Clear `widget`'s loading indicator, unless it has left the screen meanwhile.

    A worker's `finally` runs also when the user quits or closes the screen mid-request;
    Textual then raises NoScreen, which would reach the user as a traceback on exit.
    """
    if not widget.is_attached:
        return
    with contextlib.suppress(NoScreen, NoMatches):
        widget.loading = False
