"""Profiles: which server and login each `--profile` means, kept in a TOML file.

The file lives in the platformdirs user config dir (e.g. ~/.config/selfcare-tui/config.toml)
and holds no secret: tokens live in the OS keyring.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.core.server_url import InvalidServerUrl, server_url
from selfcare_tui.i18n import Language, _

DEFAULT_SERVER = "http://127.0.0.1:8765"
DEFAULT_PROFILE = "default"


class ConfigError(SelfcareError):
    """The config file cannot be read; the message names the file and the field."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    server: str = DEFAULT_SERVER
    username: str | None = None
    account: str | None = Field(default=None, pattern=r"^\d{6,12}$")
    """The account the screens and commands show unless told otherwise."""

    @field_validator("server")
    @classmethod
    def _usable_server(cls, value: str) -> str:
        try:
            return server_url(value)
        except InvalidServerUrl as error:
            raise ValueError(str(error)) from None


class Settings(BaseModel):
    """How the app looks; the same for every profile."""

    model_config = ConfigDict(extra="forbid")

    theme: str = "selfcare"
    """The app's own theme, or any of Textual's (chosen in the palette: "Change theme")."""
    language: Language | None = None
    """The app's and the commands' language; SELFCARE_LOCALE and `selfcare --lang` win over it,
    and without it the environment's (LC_ALL, LC_MESSAGES, LANG) is spoken."""


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_profile: str = DEFAULT_PROFILE
    settings: Settings = Field(default_factory=Settings)
    profiles: dict[str, Profile] = Field(default_factory=dict)

    def profile(self, name: str | None) -> Profile:
        return self.profiles.get(name or self.default_profile, Profile())


def config_path() -> Path:
    return platformdirs.user_config_path("selfcare-tui", appauthor=False) / "config.toml"


def load(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("Cannot read {path}: {error}").format(path=path, error=exc)) from exc
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(
            _("{path} is not valid: {problems}").format(path=path, problems=problems)
        ) from exc


def save(config: Config, path: Path | None = None) -> None:
    """Write atomically, so a crash never leaves half a config file."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = tomli_w.dumps(config.model_dump(exclude_none=True))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config.", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
