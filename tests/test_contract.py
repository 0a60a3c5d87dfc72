"""The published contract and the schema: what is committed must be what the code serves."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from selfcare_tui.server import db, tables
from selfcare_tui.server.openapi import openapi_json

from .conftest import LiveServer

DOCS = Path(__file__).parent.parent / "docs" / "openapi.json"


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
