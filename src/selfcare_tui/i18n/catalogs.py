"""Compile the translations: each `<lang>/LC_MESSAGES/<domain>.po` into the `.mo` gettext reads.

Two sets of catalogs: the client's (`i18n/locale`, domain `selfcare`) and the reference
server's own (`server/locale`, domain `server`), which the server reads without the client.

Babel does it, so a fresh machine needs no GNU gettext. The build runs it (hatch_build.py,
for every wheel and editable install) and so does `make` before the tests and the demo, so a
catalog edited since the install is what runs. Only Babel is imported: the build loads this
file by its path, before the package is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent / "locale"
SERVER = Path(__file__).parent.parent / "server" / "locale"
LOCALE_DIRS = (HERE, SERVER)


def catalog_files(locale_dir: Path = HERE, domain: str = "*") -> list[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))


def compile_catalogs(locale_dir: Path = HERE) -> list[Path]:
    """Write each catalog's `.mo` where it is missing or older than its `.po`; all `.mo` paths.

    A fuzzy translation is left out, as gettext tools do: it is a guess nobody checked.
    """
    written = []
    for po in catalog_files(locale_dir):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            partial = mo.with_suffix(".mo.partial")
            with partial.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            partial.replace(mo)  # a reader never sees half a catalog
        written.append(mo)
    return written


def merge_template(template: Path, locale_dir: Path = HERE) -> None:
    """Bring every catalog up to the template: new messages arrive untranslated (the tests
    then name them), changed ones lose their translation, gone ones are dropped."""
    with template.open("rb") as source:
        messages = read_po(source)
    for po in catalog_files(locale_dir, template.stem):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        catalog.update(messages, no_fuzzy_matching=True, update_header_comment=False)
        with po.open("wb") as target:
            write_po(target, catalog, include_lineno=False, ignore_obsolete=True)


def main() -> None:
    for locale_dir in LOCALE_DIRS:
        for mo in compile_catalogs(locale_dir):
            print(mo.relative_to(HERE.parent.parent.parent.parent), file=sys.stderr)


if __name__ == "__main__":
    main()
