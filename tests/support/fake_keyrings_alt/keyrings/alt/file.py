"""Like keyrings.alt.file: keyrings that keep secrets in a file in the user's data folder.

The real PlaintextKeyring writes them there readable by anyone with the file; this one does
the same (as JSON), so a product that wrongly accepted it would leave a file under HOME.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class _FileKeyring(KeyringBackend):
    filename = "keyring_pass.cfg"

    @property
    def path(self) -> Path:
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(data) / "python_keyring" / self.filename

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return data

    def _save(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._save({**self._load(), f"{service}\0{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(data)


class PlaintextKeyring(_FileKeyring):
    """Secrets in plain text, as keyrings.alt.file.PlaintextKeyring (same priority)."""

    priority = 0.5


class EncryptedKeyring(_FileKeyring):
    """keyrings.alt.file.EncryptedKeyring's place and priority; no real encryption needed."""

    priority = 0.6
    filename = "crypted_pass.cfg"
