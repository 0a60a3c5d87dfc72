"""Checking uploaded documents by their content, not by the name the user gave them."""

from __future__ import annotations

import hashlib

from fastapi import UploadFile

from selfcare_tui.api.models import ErrorCode, FieldError, attachment_type

from .problems import refused

ALLOWED = "PDF, PNG or JPEG"


def _size(size: int) -> str:
    """A limit as people read it: whole MiB or KiB where it is one, else bytes."""
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"


def read_checked(upload: UploadFile, max_bytes: int) -> tuple[bytes, str, str]:
    """The file's bytes, its real content type and SHA-256, or a refusal naming the problem."""
    chunks, size = [], 0
    while chunk := upload.file.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise refused(
                ErrorCode.attachment_too_large,
                f"The file is larger than the limit of {_size(max_bytes)}.",
                errors=[
                    FieldError(
                        field="file", code="too_large", message=f"At most {max_bytes} bytes."
                    )
                ],
            )
        chunks.append(chunk)
    content = b"".join(chunks)
    kind = attachment_type(content[:16])
    if kind is None:
        raise refused(
            ErrorCode.attachment_type_not_allowed,
            f"Only {ALLOWED} documents are accepted; this file's content is none of these, "
            "whatever its name says.",
            errors=[FieldError(field="file", code="type_not_allowed", message=f"Use {ALLOWED}.")],
        )
    return content, kind, hashlib.sha256(content).hexdigest()
