"""The API contract and its typed async client. Nothing here imports Textual or the server.

Names are loaded on first use, so the server can import `selfcare_tui.api.models` without
pulling in httpx and the client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import models as models
    from .client import SelfcareClient as SelfcareClient
    from .errors import ApiError as ApiError
    from .errors import AuthenticationError as AuthenticationError
    from .errors import ConnectionFailed as ConnectionFailed
    from .errors import InvalidCredentials as InvalidCredentials
    from .errors import InvalidMfaCode as InvalidMfaCode
    from .errors import NotFound as NotFound
    from .errors import PermissionDenied as PermissionDenied
    from .errors import RateLimited as RateLimited
    from .errors import RuleViolation as RuleViolation
    from .errors import SelfcareError as SelfcareError
    from .errors import ServerError as ServerError
    from .errors import TokenRejected as TokenRejected
    from .errors import ValidationFailed as ValidationFailed

_ERRORS = (
    "ApiError",
    "AuthenticationError",
    "ConnectionFailed",
    "InvalidCredentials",
    "InvalidMfaCode",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RuleViolation",
    "SelfcareError",
    "ServerError",
    "TokenRejected",
    "ValidationFailed",
)
__all__ = ["SelfcareClient", "models", *_ERRORS]


def __getattr__(name: str) -> Any:
    if name == "SelfcareClient":
        return importlib.import_module(".client", __name__).SelfcareClient
    if name == "models":
        return importlib.import_module(".models", __name__)
    if name in _ERRORS:
        return getattr(importlib.import_module(".errors", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
