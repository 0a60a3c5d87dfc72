"""Checking uploaded documents by their content, not by the name the user gave them."""

from __future__ import annotations

import hashlib

from fastapi import UploadFile

from selfcare_tui.api.models import ErrorCode, FieldError, attachment_type

from .i18n import N_, _, ngettext
from .problems import refused

ALLOWED = N_("PDF, PNG or JPEG")


def _size(size: int) -> str:
    """A limit as people read it: whole MiB or KiB where it is one, else bytes."""
    mib, kib = 1024 * 1024, 1024
    if size >= mib and size % mib == 0:
        return _("{size} MiB").format(size=size // mib)
    if size >= kib and size % kib == 0:
        return _("{size} KiB").format(size=size // kib)
    return ngettext("{size} byte", "{size} bytes", size).format(size=size)


def read_checked(upload: UploadFile, max_bytes: int) -> tuple[bytes, str, str]:
    """The file's bytes, its real content type and SHA-256, or a refusal naming the problem."""
    chunks, size = [], 0
    while chunk := upload.file.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise refused(
                ErrorCode.attachment_too_large,
                _("The file is larger than the limit of {limit}.").format(limit=_size(max_bytes)),
                errors=[
                    FieldError(
                        field="file",
                        code="too_large",
                        message=ngettext(
                            "At most {max_bytes} byte.", "At most {max_bytes} bytes.", max_bytes
                        ).format(max_bytes=max_bytes),
                    )
                ],
            )
        chunks.append(chunk)
    content = b"".join(chunks)
    kind = attachment_type(content[:16])
    if kind is None:
        raise refused(
            ErrorCode.attachment_type_not_allowed,
            _(
                "Only {allowed} documents are accepted; this file's content is none of these, "
                "whatever its name says."
            ).format(allowed=_(ALLOWED)),
            errors=[
                FieldError(
                    field="file",
                    code="type_not_allowed",
                    message=_("Use {allowed}.").format(allowed=_(ALLOWED)),
                )
            ],
        )
    return content, kind, hashlib.sha256(content).hexdigest()
