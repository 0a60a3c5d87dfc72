"""Which files may go with a request, checked on the user's machine before any upload.

The server decides (by content, within its own size limit); checking first spares a long
upload that would be refused, and names the file while the user still has the form open.
Textual-free, so the command line can use the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from selfcare_tui.api.models import ATTACHMENT_SIGNATURES, attachment_type
from selfcare_tui.i18n import _, format_number

MAX_BYTES: Final = 10 * 1024 * 1024
"""The reference server's default limit; a deployment's own limit is checked by its server."""

TYPE_NAMES: Final = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}

EXTENSIONS: Final = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
"""What a file picker offers; the content decides, whatever the name says."""

OTHER_DOCUMENT: Final = "other"
"""A document code every request type takes besides the ones it needs."""

_HEAD = max(len(magic) for magic, _kind in ATTACHMENT_SIGNATURES)


def type_name(content_type: str) -> str:
    return TYPE_NAMES.get(content_type, content_type)


def size_text(size: int) -> str:
    """A size as people read it: bytes, KiB or MiB; one decimal unless it is whole."""
    for unit, text in ((1024 * 1024, _("{size} MiB")), (1024, _("{size} KiB"))):
        if size >= unit:
            whole = size % unit == 0
            value = size // unit if whole else Decimal(size) / unit
            return text.format(size=format_number(value, None if whole else 1))
    return _("{size} bytes").format(size=format_number(size))


def allowed_text(max_bytes: int | None = None) -> str:
    """What may be attached, in one phrase, for hints and refusals."""
    return _("PDF, PNG or JPEG, at most {limit}").format(
        limit=size_text(MAX_BYTES if max_bytes is None else max_bytes)
    )


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, as it was when checked."""

    path: Path
    size: int
    content_type: str
    mtime_ns: int

    def describe(self) -> str:
        return _("{name} ({kind}, {size})").format(
            name=self.path.name, kind=type_name(self.content_type), size=size_text(self.size)
        )

    def unchanged(self) -> bool:
        """Still the file that was checked (an edit or a replacement needs a new check)."""
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns


class AttachmentRefused(Exception):
    """Why a file cannot be attached; the message names the file."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def check_file(path: Path, max_bytes: int | None = None) -> CheckedFile:
    """The file as it may be uploaded, or AttachmentRefused saying what is wrong with it."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise AttachmentRefused(path, _("{name} is a folder; choose a file.").format(name=name))
        stat = path.stat()
        with path.open("rb") as file:
            head = file.read(_HEAD)
    except FileNotFoundError:
        raise AttachmentRefused(path, _("{path}: no such file.").format(path=path)) from None
    except OSError as exc:
        raise AttachmentRefused(
            path,
            _("{name} cannot be read ({error}).").format(name=name, error=exc.strerror or exc),
        ) from None
    if stat.st_size > limit:
        raise AttachmentRefused(
            path,
            _("{name} is {size} ({bytes} bytes); a document may be at most {limit}.").format(
                name=name,
                size=size_text(stat.st_size),
                bytes=format_number(stat.st_size),
                limit=size_text(limit),
            ),
        )
    kind = attachment_type(head)
    if kind is None:
        raise AttachmentRefused(
            path,
            _(
                "{name} is not a PDF, PNG or JPEG file: only these are accepted, recognised by "
                "their content whatever the name says."
            ).format(name=name),
        )
    return CheckedFile(path, stat.st_size, kind, stat.st_mtime_ns)
