"""The build compiles the translations, so every wheel and editable install carries them.

The `.mo` files are build output (not in git); the compiler is the package's own
`i18n/catalogs.py`, loaded by its path since the package is not installed yet.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CATALOGS = Path(__file__).parent / "src" / "selfcare_tui" / "i18n" / "catalogs.py"


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        spec = importlib.util.spec_from_file_location("selfcare_catalogs", CATALOGS)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        root = Path(self.root)
        for mo in (mo for d in module.LOCALE_DIRS for mo in module.compile_catalogs(d)):
            build_data["artifacts"].append(mo.relative_to(root).as_posix())
