"""What a second-factor code looks like, for both front ends to check before sending: six
digits from the authenticator app, or a recovery code (two groups of five letters and
digits 2-7, as the server prints them; typed in either case)."""

from __future__ import annotations

import re

from selfcare_tui.api.models import RECOVERY_CODE_PATTERN, TOTP_CODE_PATTERN


def normalised(code: str) -> str:
    return code.strip().lower()


def is_app_code(code: str) -> bool:
    return re.fullmatch(TOTP_CODE_PATTERN, normalised(code)) is not None


def is_second_factor_code(code: str) -> bool:
    """An app code or a recovery code."""
    return is_app_code(code) or re.fullmatch(RECOVERY_CODE_PATTERN, normalised(code)) is not None
