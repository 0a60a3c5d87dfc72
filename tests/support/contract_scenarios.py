"""Contract scenarios for tests/api/test_contract.py and the PostgreSQL run: maria's bearer
header for raw HTTP calls, and control characters refused naming their field."""

from __future__ import annotations

import httpx

from selfcare_tui.server.demo import FLAT_ACCOUNT

from .live_server import LiveServer


def maria_headers(server: LiveServer) -> dict[str, str]:
    login = httpx.post(
        f"{server.base_url}/api/v1/auth/token",
        json={"username": "maria", "password": "maria-demo"},
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def control_characters_are_refused_naming_the_field(server: LiveServer) -> None:
    """A NUL (which PostgreSQL cannot even store) or a line break in a one-line field is a 422
    naming the field, stored nowhere; a tab or line break in a message is fine."""
    headers = maria_headers(server)
    requests = f"{server.base_url}/api/v1/accounts/{FLAT_ACCOUNT}/requests"
    for subject in ("Holder\x00", "Two\nlines", "Bell\x07"):
        body = {"type_code": "general", "subject": subject, "message": "Hello"}
        refused = httpx.post(requests, json=body, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "validation_error"
        assert [e["field"] for e in refused.json()["errors"]] == ["subject"]
        assert "Control characters" in refused.json()["errors"][0]["message"]
    message = {"type_code": "general", "subject": "Meter", "message": "Nul\x00here"}
    refused = httpx.post(requests, json=message, headers=headers)
    assert [e["field"] for e in refused.json()["errors"]] == ["message"]
    assert httpx.get(requests, headers=headers).json()["items"] == []
    fine = {"type_code": "general", "subject": "Meter", "message": "Line one\n\tLine two"}
    created = httpx.post(requests, json=fine, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["message"] == "Line one\n\tLine two"
