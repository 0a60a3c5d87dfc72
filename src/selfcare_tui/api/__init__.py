"""The API contract and its typed async client. Nothing here imports Textual or the server."""

from .client import SelfcareClient
from .errors import (
    ApiError,
    AuthenticationError,
    ConnectionFailed,
    InvalidCredentials,
    InvalidMfaCode,
    NotFound,
    PermissionDenied,
    RateLimited,
    RuleViolation,
    SelfcareError,
    ServerError,
    TokenRejected,
    ValidationFailed,
)

__all__ = [
    "ApiError",
    "AuthenticationError",
    "ConnectionFailed",
    "InvalidCredentials",
    "InvalidMfaCode",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RuleViolation",
    "SelfcareClient",
    "SelfcareError",
    "ServerError",
    "TokenRejected",
    "ValidationFailed",
]
