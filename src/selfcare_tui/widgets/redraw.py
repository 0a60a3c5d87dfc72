"""Redrawing the app in another language, keeping what the user typed and chose.

Textual keeps key descriptions (the footer's words) in each class's and each node's bindings,
made when the class was defined; `retranslate_bindings` puts them into the language now
spoken. A screen is composed again (`redraw_screen`): what was typed into its inputs, text
areas, selects and check boxes is put back into the new widgets with the same ids.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, Select, TextArea

from selfcare_tui.i18n import retranslate

Typed = dict[str, Any]


def _subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _retranslated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=retranslate(binding.description) if binding.description else "",
        tooltip=retranslate(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def _retranslate_map(bindings: BindingsMap | None) -> None:
    if bindings is None:
        return
    for key, items in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [_retranslated(b) for b in items]


def retranslate_bindings(app: App[Any], screens: list[Screen[Any]]) -> None:
    """Every class's bindings (for nodes made from now on) and every live node's."""
    for cls in {DOMNode, *_subclasses(DOMNode)}:
        _retranslate_map(cls.__dict__.get("_merged_bindings"))
    nodes: list[DOMNode] = [app]
    for screen in screens:
        nodes += [screen, *screen.walk_children()]
    for node in nodes:
        _retranslate_map(node._bindings)


def typed_values(screen: Widget) -> Typed:
    """What the user typed or chose, by widget id."""
    typed: Typed = {}
    for widget in screen.query("*"):
        if widget.id is None:
            continue
        if isinstance(widget, Input):
            typed[widget.id] = widget.value
        elif isinstance(widget, TextArea):
            typed[widget.id] = widget.text
        elif isinstance(widget, Checkbox | RadioButton | Select):
            typed[widget.id] = widget.value
    return typed


def restore_typed(screen: Widget, typed: Typed) -> None:
    """Put typed values back into the widgets that now have those ids."""
    for widget in screen.query("*"):
        if widget.id is None or widget.id not in typed:
            continue
        value = typed[widget.id]
        if isinstance(widget, Input) and widget.value != value:
            widget.value = value
        elif isinstance(widget, TextArea) and widget.text != value:
            widget.text = value
        elif isinstance(widget, Checkbox | RadioButton | Select) and widget.value != value:
            widget.value = value


async def redraw_screen(screen: Screen[Any], *, restore: bool = True) -> None:
    """Compose the screen again in the language now spoken; its set-up (on_mount) runs again,
    and what was typed is put back (unless `restore` is off: the caller puts it back later)."""
    typed = typed_values(screen) if restore else None
    await screen.recompose()
    mount = getattr(screen, "on_mount", None)
    if mount is not None:
        result = mount()
        if inspect.isawaitable(result):
            await result
    if typed is not None:
        restore_typed(screen, typed)
