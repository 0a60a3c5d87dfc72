"""Every answer an operation can give, in the published contract (docs/openapi.json).

FastAPI documents an operation's success and a generic 422. This adds, per operation, each
problem status it can answer as `application/problem+json`, with the `code`s it can carry at
that status enumerated: those its dependencies bring (a login, an account grant, a cursor, an
Idempotency-Key, any parameter at all) and those the route declares with `@answers(...)` for
its own rules. The contract test runs an API fuzzer against the server with this document,
and every test's server checks its own problem answers against it, so a code missing here is
a failing test, not a surprise for a utility implementing the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from selfcare_tui.api.models import ErrorCode, Problem

from .deps import AccountAccess, current_token
from .desk import based_on, desk_call
from .operations import api_routes
from .problems import MEDIA_TYPE

F = TypeVar("F", bound=Callable[..., Any])
Answer = tuple[int, ErrorCode]
"""A problem an operation can answer: its HTTP status and its code."""

NOT_FOUND: Answer = (404, ErrorCode.not_found)
TOO_MANY_ATTEMPTS: Answer = (429, ErrorCode.too_many_attempts)
_ATTRIBUTE = "__selfcare_answers__"


def answers(*problems: Answer) -> Callable[[F], F]:
    """Declare the problems a route's own code answers (put it under the route decorator)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _ATTRIBUTE, (*getattr(endpoint, _ATTRIBUTE, ()), *problems))
        return endpoint

    return mark


def refusals(*codes: ErrorCode, status: int = 422) -> tuple[Answer, ...]:
    """Business-rule refusals, by default 422 with the rule's code."""
    return tuple((status, code) for code in codes)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def _from_dependencies(route: APIRoute) -> Iterator[Answer]:
    """What the route's parameters and dependencies can answer, whatever its own code does."""
    parameters = False
    for dependant in _dependants(route.dependant):
        call = dependant.call
        if call is current_token:
            yield 401, ErrorCode.unauthenticated
            yield 401, ErrorCode.invalid_token
        if call is desk_call:
            yield NOT_FOUND  # to anyone but a support agent, the back office is not there
        if call is based_on:
            yield 412, ErrorCode.version_mismatch
            yield 428, ErrorCode.precondition_required
        if isinstance(call, AccountAccess):
            yield NOT_FOUND
            yield 403, ErrorCode.forbidden if call.owner_only else ErrorCode.scope_missing
        fields = [
            *dependant.path_params,
            *dependant.query_params,
            *dependant.header_params,
            *dependant.body_params,
        ]
        parameters = parameters or bool(fields)
        if dependant.body_params:
            yield 400, ErrorCode.validation_error  # a body that cannot be parsed at all
        if any(f.alias == "Idempotency-Key" for f in dependant.header_params):
            yield 422, ErrorCode.idempotency_key_reused
        if any(f.alias == "cursor" for f in dependant.query_params):
            yield NOT_FOUND  # a cursor naming no item of the list
    if parameters:
        yield 422, ErrorCode.validation_error


def route_answers(route: APIRoute) -> dict[int, list[ErrorCode]]:
    """Status -> codes, for every problem the route can answer (a bug's 500 included)."""
    found: dict[int, list[ErrorCode]] = {}
    declared: Iterable[Answer] = getattr(route.endpoint, _ATTRIBUTE, ())
    for status, code in [*_from_dependencies(route), *declared, (500, ErrorCode.internal_error)]:
        codes = found.setdefault(status, [])
        if code not in codes:
            codes.append(code)
    return dict(sorted(found.items()))


def _problem_response(status: int, codes: list[ErrorCode], method: str) -> dict[str, Any]:
    listed = ", ".join(f"`{c.value}`" for c in codes)
    response: dict[str, Any] = {"description": f"{HTTPStatus(status).phrase}: {listed}."}
    if method != "head":  # a HEAD answer has the headers only
        response["content"] = {
            MEDIA_TYPE: {
                "schema": {
                    "allOf": [{"$ref": "#/components/schemas/Problem"}],
                    "properties": {
                        "status": {"const": status},
                        "code": {"enum": [c.value for c in codes]},
                    },
                }
            }
        }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds until the next attempt can succeed.",
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return response


def _document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        problems = route_answers(route)
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            responses = operation["responses"]
            responses.pop("422", None)  # FastAPI's generic one, as application/json
            for status, codes in problems.items():
                responses[str(status)] = _problem_response(status, codes, method.lower())
            operation["responses"] = dict(sorted(responses.items()))
    return document


def publish(app: FastAPI) -> None:
    """Serve (and let `make openapi` write) the document with every answer in it."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
