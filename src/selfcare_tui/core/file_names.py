"""Names of downloaded documents, made from what the server says: the one place that cleans them.

The parts (account, invoice or notice number, date) come from the server, so a hostile or
broken one must not be able to name a file outside the chosen folder (`../x`, `/etc/x`), hide
it (`.x`), or put glob or shell metacharacters in it.
"""

from __future__ import annotations

import datetime as dt
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_PART_LIMIT = 64
"""Characters kept of each part: a few parts stay well below the 255-byte file name limit."""


def _clean(part: str | dt.date) -> str:
    text = part.isoformat() if isinstance(part, dt.date) else part
    return _UNSAFE.sub("_", text)[:_PART_LIMIT].lstrip(".") or "_"


def document_file_name(*parts: str | dt.date, suffix: str = ".pdf") -> str:
    """`{part}_{part}_....pdf`: anything but [A-Za-z0-9._-] becomes `_`, no part starts with a
    dot, and the name is never empty; the same parts always give the same name, so a second
    download finds the first."""
    return "_".join(_clean(part) for part in parts) + suffix
