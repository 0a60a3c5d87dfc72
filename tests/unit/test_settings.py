"""A misconfigured server fails at start-up with the setting named, not on a later request."""

from __future__ import annotations

from typing import Any

import pytest

from selfcare_tui.server.settings import Settings


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"reading_window_last_day": 29}, "reading_window_last_day"),
        ({"reading_window_last_day": 0}, "reading_window_last_day"),
        ({"reading_window_start_offset": -1}, "reading_window_start_offset"),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
    ],
)
def test_bad_settings_are_refused(override: dict[str, Any], message: str) -> None:
    with pytest.raises(Exception, match=message):
        Settings(database_url="sqlite://", **override)


def test_the_default_window_is_the_sources_one() -> None:
    settings = Settings(database_url="sqlite://")
    assert (settings.reading_window_start_offset, settings.reading_window_last_day) == (0, 3)
