"""Layers depend downwards only; checked on what importing a layer really loads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_modules(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("module", ["selfcare_tui.api", "selfcare_tui.api.client"])
def test_the_client_loads_neither_the_server_nor_textual(module: str) -> None:
    loaded = loaded_modules(f"import {module}")
    forbidden = {"textual", "fastapi", "sqlalchemy", "uvicorn", "selfcare_tui.server"}
    assert not forbidden & loaded


def test_the_command_line_starts_without_the_server_stack() -> None:
    loaded = loaded_modules("import selfcare_tui.cli.main")
    assert not {"textual", "fastapi", "sqlalchemy", "uvicorn"} & loaded


def test_the_server_depends_on_the_api_models_alone() -> None:
    loaded = loaded_modules("import selfcare_tui.server.app")
    assert "selfcare_tui.api.models" in loaded
    assert not {"selfcare_tui.api.client", "httpx", "textual"} & loaded
