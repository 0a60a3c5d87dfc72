"""Labelled one-line inputs, each with the line under it where its refusal is said.

A form refused, by its own checks or by the server's field errors, shows each message beside
the field at fault and moves the focus to the first of them; what was typed stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    password: bool = False
    max_length: int = 254
    restrict: str | None = None


class FormFields(Vertical):
    DEFAULT_CSS = """
    FormFields { height: auto; }
    FormFields .form-row { height: auto; }
    FormFields .form-row Label { width: 24; padding-right: 1; }
    FormFields .form-row Input { width: 1fr; }
    FormFields .field-error {
        color: $error; text-style: bold; height: auto; padding-left: 24; display: none;
    }
    """

    def __init__(self, fields: list[Field], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._fields = fields

    def compose(self) -> ComposeResult:
        for field in self._fields:
            with Horizontal(classes="form-row"):
                yield Label(field.label)
                yield Input(
                    id=field.id,
                    password=field.password,
                    max_length=field.max_length,
                    restrict=field.restrict,
                    compact=True,
                )
            yield Static("", id=f"{field.id}-error", classes="field-error", markup=False)

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def clear(self, *fields: str) -> None:
        for field in fields:
            self.query_one(f"#{field}", Input).value = ""

    def show_errors(self, errors: Mapping[str, str]) -> bool:
        """Say each message under its field (and clear the others); True if any was said."""
        first = None
        for field in self._fields:
            widget = self.query_one(f"#{field.id}-error", Static)
            widget.update(errors.get(field.id, ""))
            widget.display = field.id in errors
            if first is None and field.id in errors:
                first = field.id
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
        return first is not None

    def set_disabled(self, disabled: bool) -> None:
        for field in self._fields:
            self.query_one(f"#{field.id}", Input).disabled = disabled
