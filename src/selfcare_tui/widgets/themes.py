"""The app's own theme: high contrast, readable when a terminal reduces it to 16 colours."""

from __future__ import annotations

from textual.theme import Theme

SELFCARE_THEME = Theme(
    name="selfcare",
    primary="#2F80ED",
    secondary="#56CCF2",
    accent="#F2C94C",
    warning="#F2994A",
    error="#EB5757",
    success="#27AE60",
    foreground="#E8EEF5",
    background="#0F1720",
    surface="#17212B",
    panel="#1F2B38",
    dark=True,
)
