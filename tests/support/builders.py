"""What tests build their inputs from: real PDF and PNG files, the fields of a request."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader

from selfcare_tui.server.demo import FLAT_ACCOUNT

HOLDER_FIELDS = {
    "eic": "38ZEE-0004214850",
    "applicant_name": "Kadri Tamm",
    "email": "kadri.tamm@example.com",
    "phone": "+372 5555 0101",
    "payment_code": "58065833219",
    "customer_code": FLAT_ACCOUNT,
}
"""Every field a change-of-holder request asks for: the flat passes to Maria's daughter."""


def make_pdf(text: str, *, pages: int = 1) -> bytes:
    """A real PDF, as a scanner or a signing tool would produce."""
    pdf = FPDF()
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(text=f"{text} ({page + 1})")
    content = bytes(pdf.output())
    assert len(PdfReader(io.BytesIO(content)).pages) == pages
    return content


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(side: int = 2, *, size: int | None = None, compress: int = 9) -> bytes:
    """A valid RGB PNG written by hand; `size` pads it to exactly that many bytes with a tEXt
    chunk, `compress=0` keeps it large."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = b"".join(
        b"\x00" + bytes((x * 7 + y) % 256 for x in range(side * 3)) for y in range(side)
    )
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, compress))
    if size is not None:
        keyword = b"Comment\x00"
        filler = size - (8 + len(body) + 12 + len(keyword) + 12)
        assert filler >= 0
        body += _chunk(b"tEXt", keyword + b"x" * filler)
    content = b"\x89PNG\r\n\x1a\n" + body + _chunk(b"IEND", b"")
    assert size is None or len(content) == size
    return content


def write(directory: Path, name: str, content: bytes) -> Path:
    """The file `name` in `directory` (made if missing), holding `content`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content)
    return path
