"""Refusals as RFC 9457 problem+json, each with a stable machine code."""

from __future__ import annotations

import datetime as dt
import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from selfcare_tui.api.models import ErrorCode, FieldError, Problem

from .field_messages import field_message
from .i18n import N_, _, negotiate, speaking
from .operations import allowed_methods

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    412: N_("Precondition Failed"),
    422: N_("Unprocessable Content"),
    428: N_("Precondition Required"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
}
"""The statuses the API answers with (the OpenAPI document lists them per operation)."""


def title(status: int) -> str:
    """The status's name in the caller's language: the problem document's `title`."""
    return _(TITLES[status]) if status in TITLES else HTTPStatus(status).phrase


class ApiProblem(Exception):
    """Raised anywhere in the server to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        register_id: str | None = None,
        blocking: dict[str, str] | None = None,
        next_window_opens_on: dt.date | None = None,
        retry_after_seconds: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.problem = Problem(
            title=title(status),
            status=status,
            detail=detail,
            code=code,
            errors=errors or [],
            register_id=register_id,
            blocking=blocking,
            next_window_opens_on=next_window_opens_on,
            retry_after_seconds=retry_after_seconds,
        )
        self.headers = headers or {}


def not_found(detail: str | None = None) -> ApiProblem:
    """404, saying what was not found ("No such invoice."), already translated."""
    return ApiProblem(404, ErrorCode.not_found, detail or _("No such resource."))


def refused(code: ErrorCode, detail: str, **extra: Any) -> ApiProblem:
    """A business rule said no: 422 with the rule's code."""
    return ApiProblem(422, code, detail, **extra)


def _response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


async def handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    exc.problem.instance = request.url.path
    return _response(exc.problem, exc.headers)


async def handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            field=".".join(
                str(part) for part in err["loc"] if part not in ("body", "query", "path")
            ),
            code=str(err["type"]),
            message=field_message(dict(err)),
        )
        for err in exc.errors()
    ]
    names = ", ".join(e.field for e in errors) or "request"
    problem = Problem(
        title=title(422),
        status=422,
        detail=_("Invalid value for: {names}.").format(names=names),
        code=ErrorCode.validation_error,
        errors=errors,
        instance=request.url.path,
    )
    return _response(problem)


_HTTP_CODES = {
    401: ErrorCode.unauthenticated,
    403: ErrorCode.forbidden,
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
}


async def handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    detail = str(exc.detail)
    if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own: no path, no method
        detail = title(exc.status_code)
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    elif exc.status_code == 400:  # FastAPI could not parse the body at all
        detail = _("The request body could not be read: send what its Content-Type says.")
    problem = Problem(
        title=title(exc.status_code),
        status=exc.status_code,
        detail=detail,
        code=_HTTP_CODES.get(exc.status_code, ErrorCode.validation_error),
        instance=request.url.path,
    )
    return _response(problem, headers)


log = logging.getLogger("selfcare.server")


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: the log gets the traceback, the client a problem document without internals."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    # Starlette answers a bug outside the other middleware, so the language is read again.
    with speaking(negotiate(request.headers.get("accept-language"))):
        problem = Problem(
            title=title(500),
            status=500,
            detail=_("The server failed to handle this request. It has been logged."),
            code=ErrorCode.internal_error,
            instance=request.url.path,
        )
    return _response(problem)
