"""Exceptions the client raises: one class per kind of failure, carrying the server's code."""

from __future__ import annotations

from selfcare_tui.api.models import ErrorCode, FieldError, Problem


class SelfcareError(Exception):
    """Base of everything the client raises."""


class ConnectionFailed(SelfcareError):
    """The server could not be reached, or did not answer in time."""


class ApiError(SelfcareError):
    """The server answered with a problem document."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail or problem.title)
        self.problem = problem

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def code(self) -> ErrorCode:
        return self.problem.code

    @property
    def message(self) -> str:
        return self.problem.detail or self.problem.title

    @property
    def field_errors(self) -> list[FieldError]:
        return self.problem.errors

    def field_messages(self) -> dict[str, str]:
        """First message per field, for showing beside form fields."""
        out: dict[str, str] = {}
        for error in self.problem.errors:
            out.setdefault(error.field, error.message)
        return out


class AuthenticationError(ApiError):
    """401: wrong credentials, or a token the server no longer accepts."""


class InvalidCredentials(AuthenticationError):
    pass


class InvalidMfaCode(AuthenticationError):
    pass


class DeviceLoginEnded(AuthenticationError):
    """A device login that will not give tokens: denied on the other device, or expired."""


class DeviceLoginPending(ApiError):
    """A device login not decided yet (authorization_pending, or slow_down: poll later)."""


class TokenRejected(AuthenticationError):
    """The session has ended (expired or revoked): log in again."""


class PermissionDenied(ApiError):
    """403: visible, but not allowed (e.g. a mandate without the needed scope)."""


class NotFound(ApiError):
    """404: no such thing, or nothing the caller may see."""


class RuleViolation(ApiError):
    """409/422: a business rule refused the request; `code` says which."""


class ValidationFailed(RuleViolation):
    """A field has a value the server does not accept; see field_errors."""


class RateLimited(ApiError):
    """429: too many attempts; retry after `retry_after_seconds`."""

    @property
    def retry_after_seconds(self) -> int | None:
        return self.problem.retry_after_seconds


class ServerError(ApiError):
    """5xx: the server failed."""


def error_for(problem: Problem) -> ApiError:
    status, code = problem.status, problem.code
    if code in (ErrorCode.authorization_pending, ErrorCode.slow_down):
        return DeviceLoginPending(problem)
    if code in (ErrorCode.expired_token, ErrorCode.access_denied):
        return DeviceLoginEnded(problem)
    if status == 401:
        if code is ErrorCode.invalid_credentials:
            return InvalidCredentials(problem)
        if code in (ErrorCode.invalid_mfa_code, ErrorCode.mfa_code_used):
            return InvalidMfaCode(problem)
        return TokenRejected(problem)
    if status == 403:
        return PermissionDenied(problem)
    if status == 404:
        return NotFound(problem)
    if status == 429:
        return RateLimited(problem)
    if status >= 500:
        return ServerError(problem)
    if code is ErrorCode.validation_error:
        return ValidationFailed(problem)
    return RuleViolation(problem)
