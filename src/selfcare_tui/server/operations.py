"""The app's operations as served, and the methods each path allows.

FastAPI keeps included routers nested, and Starlette answers a wrong method with the Allow
of the first route whose path matched: for `/accounts/{number}`, served by a GET and a PATCH
route, that would be `Allow: GET`. The 405 handler asks here instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every operation with its full path (the prefixes of the routers that include it)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            # A RouteContext stands for the APIRoute it wraps, with its full path.
            yield cast(APIRoute, context)


def _methods_by_path(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    table: dict[str, tuple[re.Pattern[str], set[str]]] = {}
    for route in api_routes(app):
        regex, _, _ = compile_path(route.path)  # with its convertors: {number:account_number}
        entry = table.setdefault(route.path, (regex, set()))
        entry[1].update(route.methods or ())
    return list(table.values())


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods of every operation on this path, for a 405's Allow header."""
    table = getattr(app.state, "methods_by_path", None)
    if table is None:
        table = app.state.methods_by_path = _methods_by_path(app)
    allowed: set[str] = set()
    for regex, methods in table:
        if regex.match(path):
            allowed |= methods
    return sorted(allowed)
