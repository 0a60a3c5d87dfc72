"""The checks a file passes before it is uploaded with a request: kind by content, size."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfcare_tui.api.models import attachment_type
from selfcare_tui.core import attachments
from selfcare_tui.core.attachments import AttachmentRefused, check_file, size_text
from selfcare_tui.server.settings import Settings

from ..support.builders import make_pdf, make_png, write

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


def sparse(path: Path, head: bytes, size: int) -> Path:
    """A file of `size` bytes starting with `head`, without writing them all."""
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)
    return path


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (make_pdf("a letter")[:16], "application/pdf"),
        (make_png()[:16], "image/png"),
        (JPEG_HEAD, "image/jpeg"),
        (b"Hello, this is text", None),
        (b"GIF89a\x01\x00", None),
        (b"PK\x03\x04", None),
        (b"%PD", None),
        (b"", None),
    ],
)
def test_kinds_are_recognised_as_the_server_does(
    head: bytes, kind: str | None, tmp_path: Path
) -> None:
    """One check (api.models.attachment_type), the server's and this file check's."""
    assert attachment_type(head) == kind
    if kind is None:
        with pytest.raises(AttachmentRefused):
            check_file(sparse(tmp_path / "file.pdf", head, 100))
    else:
        assert check_file(sparse(tmp_path / "file.pdf", head, 100)).content_type == kind


def test_the_limit_is_the_reference_servers() -> None:
    assert Settings(database_url="sqlite://").attachment_max_bytes == attachments.MAX_BYTES


def test_the_content_decides_not_the_name(tmp_path: Path) -> None:
    png_named_pdf = write(tmp_path, "scan.pdf", make_png())
    assert check_file(png_named_pdf).content_type == "image/png"
    pdf_without_suffix = write(tmp_path, "letter", make_pdf("signed"))
    assert check_file(pdf_without_suffix).content_type == "application/pdf"
    jpeg = write(tmp_path, "photo.JPG", JPEG_HEAD + b"\x00" * 100)
    checked = check_file(jpeg)
    assert (checked.content_type, checked.size) == ("image/jpeg", 112)
    assert checked.describe() == "photo.JPG (JPEG, 112 bytes)"


@pytest.mark.parametrize("content", [b"Just text.\n" * 10, b"", b"GIF89a" + b"\x00" * 20])
def test_other_content_is_refused_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "letter.pdf", content)
    with pytest.raises(AttachmentRefused) as refused:
        check_file(path)
    assert refused.value.path == path
    assert refused.value.message == (
        "letter.pdf is not a PDF, PNG or JPEG file: only these are accepted, recognised by "
        "their content whatever the name says."
    )


def test_the_size_limit_is_inclusive(tmp_path: Path) -> None:
    limit = attachments.MAX_BYTES
    at_limit = sparse(tmp_path / "at.pdf", b"%PDF-1.7\n", limit)
    assert check_file(at_limit).size == limit
    over = sparse(tmp_path / "over.pdf", b"%PDF-1.7\n", limit + 1)
    with pytest.raises(AttachmentRefused) as refused:
        check_file(over)
    assert refused.value.message == (
        "over.pdf is 10.0 MiB (10,485,761 bytes); a document may be at most 10 MiB."
    )


def test_a_smaller_limit_can_be_given(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.png", make_png(size=3000))
    assert check_file(path, max_bytes=3000).size == 3000
    with pytest.raises(AttachmentRefused, match=r"scan\.png is 2\.9 KiB .* at most 2 KiB\."):
        check_file(path, max_bytes=2048)


def test_the_size_is_checked_before_the_content(tmp_path: Path) -> None:
    """A huge file is refused for its size, the clearer reason, whatever it holds."""
    path = sparse(tmp_path / "video.pdf", b"not a pdf", attachments.MAX_BYTES + 1)
    with pytest.raises(AttachmentRefused, match="at most 10 MiB"):
        check_file(path)


def test_missing_files_and_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        check_file(tmp_path / "gone.pdf")
    assert refused.value.message == f"{tmp_path / 'gone.pdf'}: no such file."
    folder = tmp_path / "scans.pdf"
    folder.mkdir()
    with pytest.raises(AttachmentRefused, match=r"^scans\.pdf is a folder; choose a file\.$"):
        check_file(folder)


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.pdf", make_pdf("secret"))

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(AttachmentRefused) as refused:
        check_file(path)
    assert refused.value.message == "secret.pdf cannot be read (Permission denied)."


def test_a_changed_file_is_noticed(tmp_path: Path) -> None:
    path = write(tmp_path, "letter.pdf", make_pdf("first"))
    checked = check_file(path)
    assert checked.unchanged()
    path.write_bytes(make_pdf("second, longer than the first"))
    assert not checked.unchanged()
    path.unlink()
    assert not checked.unchanged()


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1023, "1,023 bytes"),
        (1024, "1 KiB"),
        (1025, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (1024 * 1024, "1 MiB"),
        (10 * 1024 * 1024, "10 MiB"),
        (10 * 1024 * 1024 + 1, "10.0 MiB"),
        (15 * 1024 * 1024 // 10, "1.5 MiB"),
    ],
)
def test_sizes_as_people_read_them(size: int, text: str) -> None:
    assert size_text(size) == text


def test_what_is_allowed_in_one_phrase() -> None:
    assert attachments.allowed_text() == "PDF, PNG or JPEG, at most 10 MiB"
    assert attachments.allowed_text(2048) == "PDF, PNG or JPEG, at most 2 KiB"
