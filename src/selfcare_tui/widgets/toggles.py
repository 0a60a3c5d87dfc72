"""Check boxes and radio buttons whose state shows without colour (NO_COLOR, 16 colours).

Textual draws the same mark for on and off and tells them apart by colour alone; these draw
the mark only when on.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox, RadioButton
from textual.widgets._toggle_button import ToggleButton


def _marked(button: ToggleButton, mark: str) -> Content:
    button_style = button.get_visual_style("toggle--button")
    side_style = Style(foreground=button_style.background, background=button.background_colors[1])
    return Content.assemble(
        (button.BUTTON_LEFT, side_style),
        (mark if button.value else " ", button_style),
        (button.BUTTON_RIGHT, side_style),
    )


class MarkedCheckbox(Checkbox):
    @property
    def _button(self) -> Content:
        return _marked(self, "X")


class MarkedRadioButton(RadioButton):
    @property
    def _button(self) -> Content:
        return _marked(self, "●")
