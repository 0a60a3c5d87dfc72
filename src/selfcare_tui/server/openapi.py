"""The published API contract, rendered the same way for docs/openapi.json and its test."""

from __future__ import annotations

import json

from .app import create_app
from .settings import Settings


def openapi_json() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
