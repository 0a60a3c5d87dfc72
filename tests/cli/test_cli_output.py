"""What the CLI prints for people: data comes out as it is, never read as rich markup."""

from __future__ import annotations

import pytest
from rich.text import Text

from selfcare_tui.cli import output


def test_tables_fields_and_notes_print_brackets_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output.table("[i]Requests", ["[b]Subject"], [("[b]x", "C:\\temp\\"), ("[/]", "[red]y[/red]")])
    output.fields([("[b]Label", "[link=x]value")])
    output.note("Attached [b]scan.pdf as other :zap:.")
    printed = capsys.readouterr()
    for text in ("[i]Requests", "[b]Subject", "[b]x", "C:\\temp\\", "[/]", "[red]y[/red]"):
        assert text in printed.out, text
    assert "[b]Label" in printed.out and "[link=x]value" in printed.out
    assert printed.err == "Attached [b]scan.pdf as other :zap:.\n"


def test_styled_text_is_printed_with_its_style_not_its_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output.note(Text.from_markup("[bold]Paid[/bold] in full"))
    assert capsys.readouterr().err == "Paid in full\n"
