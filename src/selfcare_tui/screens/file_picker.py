"""Choosing a document to attach: a folder tree for the mouse, a path field for the keyboard.

The tree shows folders and PDF, PNG and JPEG files only; the chosen file is checked (type by
content, size) before the dialog closes, so a refused file is named here and another can be
chosen at once. Typing a folder's path opens that folder in the tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DirectoryTree, Input, Static

from selfcare_tui.core.attachments import (
    EXTENSIONS,
    AttachmentRefused,
    CheckedFile,
    allowed_text,
    check_file,
)
from selfcare_tui.i18n import _

from .dialog import Dialog


class DocumentTree(DirectoryTree):
    """Folders and the files that may be attached; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (self._safe_is_dir(path) or path.suffix.lower() in EXTENSIONS)
        ]


class FilePicker(Dialog[CheckedFile | None]):
    """Dismisses with the checked file, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]

    CSS_PATH = "file_picker.tcss"

    def __init__(self, document: str, start: Path | None = None) -> None:
        super().__init__()
        self._document = document
        self._start = start if start is not None and start.is_dir() else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="dialog-box") as box:
            box.border_title = _("File for: {document}").format(document=self._document)
            box.border_subtitle = _("esc: cancel")
            yield Static(
                _(
                    "{allowed}. Type a path and press enter, or choose a file in the tree "
                    "(enter or a click)."
                ).format(allowed=allowed_text()),
                id="picker-hint",
                markup=False,
            )
            yield Input(placeholder=_("Path, e.g. ~/Documents/letter.pdf"), id="picker-path")
            yield Static("", id="picker-folder", markup=False)
            yield DocumentTree(self._start, id="picker-tree")
            yield Static("", id="picker-message", markup=False)
            with Horizontal(id="picker-buttons"):
                yield Button(_("Use this file"), id="picker-use", variant="primary")
                yield Button(_("Parent folder"), id="picker-up")
                yield Button(_("Cancel"), id="picker-cancel")

    def on_mount(self) -> None:
        self._show_folder(self._start)
        self.query_one("#picker-path", Input).focus()

    @property
    def folder(self) -> Path:
        """The folder the tree shows; relative typed paths start here."""
        return Path(self.query_one(DocumentTree).path)

    def _show_folder(self, folder: Path) -> None:
        self.query_one(DocumentTree).path = folder
        self.query_one("#picker-folder", Static).update(_("Folder: {folder}").format(folder=folder))

    def _say(self, message: str, *, refused: bool = False) -> None:
        panel = self.query_one("#picker-message", Static)
        panel.update(message)
        panel.set_class(refused, "-refused")

    def _typed_path(self) -> Path | None:
        text = self.query_one("#picker-path", Input).value.strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.folder / path

    def _choose(self, path: Path) -> None:
        """Close with the file when it passes the checks; else say why and stay open."""
        if path.is_dir():
            self._show_folder(path.resolve())
            self._say("")
            return
        try:
            checked = check_file(path)
        except AttachmentRefused as refusal:
            self._say(refusal.message, refused=True)
            return
        self.dismiss(checked)

    @on(Input.Submitted, "#picker-path")
    @on(Button.Pressed, "#picker-use")
    def _use(self) -> None:
        path = self._typed_path()
        if path is None:
            node = self.query_one(DocumentTree).cursor_node
            if node is not None and node.data is not None and not node.data.path.is_dir():
                self._choose(node.data.path)
                return
            self._say(_("Type a path, or choose a file in the tree."), refused=True)
            self.query_one("#picker-path", Input).focus()
            return
        self._choose(path)

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#picker-path", Input).value = str(event.path)
        self._choose(event.path)

    @on(Button.Pressed, "#picker-up")
    def _up(self) -> None:
        self._show_folder(self.folder.resolve().parent)

    @on(Button.Pressed, "#picker-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
