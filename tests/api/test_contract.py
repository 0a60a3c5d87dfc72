"""The published contract and the schema: what is committed must be what the code serves."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import create_engine

from selfcare_tui.server import db, tables
from selfcare_tui.server.demo import FLAT_ACCOUNT
from selfcare_tui.server.openapi import openapi_json
from selfcare_tui.server.run import BackgroundServer
from selfcare_tui.server.settings import Clock, Settings

from ..support.contract_guard import ContractGuard, documented_codes
from ..support.contract_scenarios import (
    control_characters_are_refused_naming_the_field,
    maria_headers,
)
from ..support.live_server import NOW, LiveServer

DOCS = Path(__file__).parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_code() -> None:
    """Run `make openapi` after changing the API, and review the diff as a contract change."""
    assert DOCS.read_text() == openapi_json(), "docs/openapi.json is stale: run `make openapi`"


def test_served_openapi_matches_the_committed_one(live_server: LiveServer) -> None:
    served = httpx.get(f"{live_server.base_url}/api/v1/openapi.json").json()
    assert served == json.loads(DOCS.read_text())


def test_openapi_is_3_1_and_documents_idempotency_keys() -> None:
    spec = json.loads(DOCS.read_text())
    assert spec["openapi"].startswith("3.1")
    creating = [
        ("/api/v1/accounts/{number}/readings", "post"),
        ("/api/v1/accounts/{number}/outage-reports", "post"),
        ("/api/v1/accounts/{number}/requests", "post"),
        ("/api/v1/accounts/{number}/payment-sessions", "post"),
    ]
    for path, method in creating:
        names = {p["name"] for p in spec["paths"][path][method]["parameters"]}
        assert "Idempotency-Key" in names, path


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    """A model change without a migration would upgrade deployments to the wrong schema."""
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, tables.Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/me"])
def test_errors_are_problem_json(live_server: LiveServer, path: str) -> None:
    response = httpx.get(live_server.base_url + path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "unauthenticated" and body["status"] == 401 and body["instance"] == path


def test_validation_errors_name_the_field(live_server: LiveServer) -> None:
    response = httpx.post(f"{live_server.base_url}/api/v1/auth/token", json={"username": "maria"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == ["password"]


def test_a_server_bug_answers_problem_json_without_internals(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """...and the access log has its line, with the 500 the client got, like every request."""
    caplog.set_level(logging.INFO, logger="selfcare.server.access")

    def broken(*_: object) -> None:
        raise RuntimeError("secret internal detail")

    # The server runs in this process, so one of its functions can be broken from here.
    monkeypatch.setattr("selfcare_tui.server.routes.places.convert.place", broken)
    login = httpx.post(
        f"{live_server.base_url}/api/v1/auth/token",
        json={"username": "maria", "password": "maria-demo"},
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    response = httpx.get(
        f"{live_server.base_url}/api/v1/accounts/1000000001/places", headers=headers
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert "secret internal detail" not in response.text
    lines = [r.getMessage() for r in caplog.records if r.name == "selfcare.server.access"]
    assert any('"GET /api/v1/accounts/1000000001/places" 500' in line for line in lines), lines
    assert not any("secret internal detail" in line for line in lines)


# --- every answer in the contract --------------------------------------------------------

PROBLEM = "application/problem+json"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    spec = json.loads(DOCS.read_text())
    return [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items()]


def test_every_problem_an_operation_answers_is_documented_with_its_codes() -> None:
    """Each 4xx/5xx is problem+json with its codes enumerated; none is FastAPI's generic 422."""
    for method, path, operation in _operations():
        problems = {s: r for s, r in operation["responses"].items() if s >= "400"}
        assert "500" in problems, (method, path)
        for status, response in problems.items():
            if method == "head":  # a HEAD answer is headers only
                assert "content" not in response
                continue
            assert list(response["content"]) == [PROBLEM], (method, path, status)
            codes = documented_codes(response)
            assert codes, (method, path, status)
            if status == "429":
                assert "Retry-After" in response["headers"]
    by_operation = {(m, p): op["responses"] for m, p, op in _operations()}
    parameters = {(m, p): op.get("parameters", []) for m, p, op in _operations()}
    readings = by_operation["post", "/api/v1/accounts/{number}/readings"]
    assert {"outside_reading_window", "implausible_jump", "validation_error"} <= documented_codes(
        readings["422"]
    )
    assert documented_codes(readings["401"]) == {"unauthenticated", "invalid_token"}
    assert documented_codes(readings["403"]) == {"scope_missing"}
    assert documented_codes(by_operation["post", "/api/v1/auth/token"]["429"]) == {
        "too_many_attempts"
    }
    invoices = ("get", "/api/v1/accounts/{number}/invoices")
    (cursor,) = [p for p in parameters[invoices] if p["name"] == "cursor"]
    assert cursor["schema"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9_-]{1,64}$"
    assert documented_codes(by_operation[invoices]["404"]) == {"not_found"}  # an unknown cursor


def test_the_guard_names_answers_the_contract_omits(demo_database: Path, tmp_path: Path) -> None:
    """The guard every live_server runs inside (tests/support/contract_guard.py) can fail a test."""
    database = tmp_path / "guarded.sqlite3"
    shutil.copy(demo_database, database)
    settings = Settings(database_url=f"sqlite:///{database}", clock=Clock(NOW))

    def narrowed(app: FastAPI) -> ContractGuard:
        paths = app.openapi()["paths"]
        del paths["/api/v1/me"]["get"]["responses"]["401"]
        works = paths["/api/v1/works"]["get"]["responses"]["422"]
        works["content"][PROBLEM]["schema"]["properties"]["code"]["enum"] = ["not_found"]
        return ContractGuard(app)

    server = BackgroundServer(settings, wrap=narrowed).start()
    try:
        assert httpx.get(f"{server.url}/api/v1/me").status_code == 401
        assert httpx.get(f"{server.url}/api/v1/works?limit=0").status_code == 422
        assert httpx.get(f"{server.url}/api/v1/works").status_code == 200
    finally:
        server.stop()
    assert isinstance(server.asgi, ContractGuard)
    assert server.asgi.violations == [
        "GET /api/v1/me answered 401, which it does not document",
        "GET /api/v1/works answered 422 validation_error, not listed for 422",
    ]
    assert server.asgi.answers == 3


def test_a_wrong_method_is_405_listing_every_method_of_the_path(live_server: LiveServer) -> None:
    base = f"{live_server.base_url}/api/v1/accounts"
    account = httpx.request("OPTIONS", f"{base}/1000000001")
    assert account.status_code == 405 and account.json()["code"] == "method_not_allowed"
    assert account.headers["allow"] == "GET, PATCH"
    # `attach` is not an account number: PATCH is no method of that path, not a bad number.
    attach = httpx.patch(f"{base}/attach", json={})
    assert attach.status_code == 405 and attach.headers["allow"] == "POST"
    assert httpx.get(f"{base}/not-a-number").status_code == 404


def test_an_unreadable_body_is_400_problem_json(live_server: LiveServer) -> None:
    response = httpx.post(
        f"{live_server.base_url}/api/v1/auth/token",
        content=b"\xff\xfe{",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "validation_error"
    assert "Content-Type" in response.json()["detail"]


def test_control_characters_are_refused_naming_the_field(live_server: LiveServer) -> None:
    control_characters_are_refused_naming_the_field(live_server)


def test_days_are_written_as_dates_never_as_numbers(live_server: LiveServer) -> None:
    """pydantic alone would read 0 as 1970-01-01; the schema says YYYY-MM-DD, and so do we."""
    headers = maria_headers(live_server)
    account = f"{live_server.base_url}/api/v1/accounts/{FLAT_ACCOUNT}"
    for query in ("until=0", "until=2026-13-01", "since=26.11.2026"):
        refused = httpx.get(f"{account}/invoices?{query}", headers=headers)
        assert refused.status_code == 422, (query, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == [query.split("=")[0]]
    assert httpx.get(f"{account}/invoices?until=2026-11-25", headers=headers).status_code == 200
    reading = {"meter_id": "M000000001", "read_on": 0, "values": [{"register_id": "R", "value": 1}]}
    refused = httpx.post(f"{account}/readings", json=reading, headers=headers)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["read_on"]
