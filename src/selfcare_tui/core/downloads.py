"""Where the app saves documents; showing files and links with the desktop's own programs.

No Textual here: screens and commands both use it. Over SSH (no display) nothing is opened,
not even a text-mode browser that would take over the terminal; the caller shows the path or
the link instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs


def downloads_dir() -> Path:
    """The user's downloads folder (XDG_DOWNLOAD_DIR on Linux), created when missing."""
    path = platformdirs.user_downloads_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _opener() -> list[str] | None:
    if sys.platform == "darwin":
        return ["open"]
    if sys.platform.startswith("win"):
        return None  # os.startfile below
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None  # a terminal over SSH, a thin client: no viewer to show it in
    opener = shutil.which("xdg-open")
    return [opener] if opener else None


def can_open_files() -> bool:
    return sys.platform.startswith("win") or _opener() is not None


def open_file(path: Path) -> bool:
    """Hand `path` to the system viewer without waiting for it; False when there is none."""
    return _open(str(path))


def open_link(url: str) -> bool:
    """Open `url` in the desktop's browser; False over SSH or without one (show the link)."""
    return _open(url)


def _open(target: str) -> bool:
    if sys.platform.startswith("win"):
        os.startfile(target)  # type: ignore[attr-defined]  # noqa: S606
        return True
    opener = _opener()
    if opener is None:
        return False
    try:
        subprocess.Popen(  # noqa: S603
            [*opener, target],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl+C in the app does not close the viewer
        )
    except OSError:
        return False
    return True
