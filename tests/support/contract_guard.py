"""Every answer a test's server gives is checked against the contract it publishes.

The fuzzer (tests/api/test_contract_fuzz.py) explores requests at random; this sees the answers
the rest of the suite provokes on purpose (a reading outside the window, a used
Idempotency-Key, a delegate without the scope) and records each one whose status, or whose
problem `code` at that status, docs/openapi.json does not list for the operation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class _Operation:
    pattern: re.Pattern[str]
    literal_segments: int
    path: str
    methods: dict[str, dict[str, Any]]


def _operations(document: dict[str, Any]) -> list[_Operation]:
    found = []
    for path, item in document["paths"].items():
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        literal = sum(1 for part in path.split("/") if part and not part.startswith("{"))
        found.append(_Operation(re.compile(f"^{regex}$"), literal, path, item))
    # A literal segment beats a parameter: /invoices/download before /invoices/{id}.
    return sorted(found, key=lambda op: -op.literal_segments)


def documented_codes(response: dict[str, Any]) -> set[str]:
    """The problem codes a documented response lists (empty when it is not a problem)."""
    schema = response.get("content", {}).get(PROBLEM, {}).get("schema", {})
    return set(schema.get("properties", {}).get("code", {}).get("enum", []))


@dataclass
class ContractGuard:
    """ASGI middleware around the server; `violations` lists what the contract omits."""

    app: FastAPI
    violations: list[str] = field(default_factory=list)
    answers: int = 0

    def __post_init__(self) -> None:
        self._operations = _operations(self.app.openapi())

    def _operation(self, path: str, method: str) -> tuple[str, dict[str, Any]] | None:
        for operation in self._operations:
            if operation.pattern.match(path):
                described = operation.methods.get(method.lower())
                return (operation.path, described) if described else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = self._operation(scope["path"], scope["method"])
        if found is None:  # not an operation of the contract (/docs, an unknown path)
            await self.app(scope, receive, send)
            return
        path, operation = found
        start: dict[str, Any] = {}
        body = bytearray()

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and self._is_problem(start):
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    self._check(scope["method"], path, operation, start["status"], bytes(body))
            await send(message)

        await self.app(scope, receive, record)
        if start and not self._is_problem(start):
            self._check(scope["method"], path, operation, start["status"], None)

    @staticmethod
    def _is_problem(start: dict[str, Any]) -> bool:
        headers: dict[bytes, bytes] = dict(start.get("headers", []))
        return headers.get(b"content-type", b"").startswith(PROBLEM.encode())

    def _check(
        self, method: str, path: str, operation: dict[str, Any], status: int, body: bytes | None
    ) -> None:
        self.answers += 1
        where = f"{method} {path}"
        response = operation["responses"].get(str(status))
        if response is None:
            self.violations.append(f"{where} answered {status}, which it does not document")
            return
        if body is None or method == "HEAD":  # a HEAD answer has no body to read a code from
            return
        code = json.loads(body).get("code")
        if code not in documented_codes(response):
            self.violations.append(f"{where} answered {status} {code}, not listed for {status}")
