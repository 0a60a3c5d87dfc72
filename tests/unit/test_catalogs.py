"""Each shipped language is complete, in the app's catalog and the server's alike: every
message of the template translated, none fuzzy, with the English text's {placeholders}, all
its plural forms, click's \\b markers, and the utility's words of its glossary; the build
compiles the catalogs gettext reads."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from selfcare_tui.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, catalogs
from selfcare_tui.server import i18n as server_i18n

DOMAINS = {DOMAIN: LOCALE_DIR, "server": catalogs.SERVER}
"""The app's catalogs and the reference server's own."""
TRANSLATED = [language for language in LANGUAGES if language != "en"]
PLURAL_FORMS = {"ro": 3, "et": 2, "uk": 3, "ru": 3}
ONLY_ONE = {"ro", "et"}
"""Languages whose first plural form is for n == 1 alone, so it may leave the count out."""
REQUIRED_WORDS = {
    "ro": ["cod de client", "loc de consum", "contor", "index", "factur", "preaviz",
           "cod de plată", "deranjament", "întrerupere programată", "solicitare",
           "ghidul solicitărilor", "împuternicire"],
    "et": ["kliendikood", "tarbimiskoh", "arvesti", "näit", "arve", "meeldetuletus",
           "viitenumb", "rik(e|ke)", "planeeritud katkestus", "taotlus", "volitus"],
    "uk": ["особов", "точк", "лічильник", "показник", "рахунок", "попередження",
           r"аварійн\w* відключ", r"планов\w* відключ", "заяв", "довіреніст"],
    "ru": ["лицев", "точк", "счётчик", "показани", "счёт", "предупреждени",
           r"аварийн\w* отключ", r"планов\w* отключ", "заявлени", "доверенност"],
}  # fmt: skip
"""The words of the countries' portals (issue 12), as patterns: they are inflected."""
FIELD = re.compile(r"\{([^{}]*)\}")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text.replace("{{", "").replace("}}", "")))


def load(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def template(domain: str = DOMAIN) -> list[Message]:
    return [m for m in load(DOMAINS[domain] / f"{domain}.pot") if m.id]


def shipped(language: str, domain: str = DOMAIN) -> Catalog:
    return load(DOMAINS[domain] / language / "LC_MESSAGES" / f"{domain}.po", language)


def forms(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (str(string or ""),)


def english(message: Message) -> tuple[str, ...]:
    """The singular, and the plural of a message with a count."""
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (str(message.id),)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_shipped_languages_are_those_with_catalogs(domain: str) -> None:
    found = {po.parent.parent.name for po in catalogs.catalog_files(DOMAINS[domain], domain)}
    assert found == set(TRANSLATED) == set(PLURAL_FORMS)


def test_the_server_writes_the_languages_the_app_speaks() -> None:
    assert server_i18n.LANGUAGES == LANGUAGES


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_as_the_english_is_built(language: str, domain: str) -> None:
    catalog = shipped(language, domain)
    assert catalog.num_plurals == PLURAL_FORMS[language]
    problems = []
    for message in template(domain):
        found = catalog.get(message.id, message.context)
        name = str(message.id)[:60]
        if found is None or not all(forms(found)):
            problems.append(f"untranslated: {name}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {name}")
        source = english(message)
        translated = forms(found)
        if len(source) == 2:
            if len(translated) != PLURAL_FORMS[language]:
                problems.append(f"{len(translated)} plural forms: {name}")
            for index, form in enumerate(translated):
                allowed = [fields(source[1])]
                if index == 0 and language in ONLY_ONE:
                    allowed.append(fields(source[0]))
                if fields(form) not in allowed:
                    problems.append(f"placeholders of form {index}: {name}")
        elif fields(translated[0]) != fields(source[0]):
            problems.append(f"placeholders {sorted(fields(translated[0]))}: {name}")
        if any(form.count("\b") != source[0].count("\b") for form in translated):
            problems.append(f"\\b markers: {name}")
    ids = {m.id for m in template(domain)}
    extra = [m.id for m in catalog if m.id and m.id not in ids]
    assert problems == [] and extra == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_romanian_writes_comma_below_letters(domain: str) -> None:
    cedilla = re.compile("[\u015e\u015f\u0162\u0163]")
    text = " ".join(form for m in shipped("ro", domain) if m.id for form in forms(m))
    assert not cedilla.search(text)
    assert "ș" in text and "ț" in text


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_uses_the_portals_words_and_ships_its_glossary(language: str) -> None:
    """The app's catalog holds the whole glossary; the server's follows it (checked by eye)."""
    glossary = (LOCALE_DIR / language / "GLOSSARY.md").read_text(encoding="utf-8").lower()
    text = " ".join(form for m in shipped(language) if m.id for form in forms(m)).lower()
    missing = [
        w for w in REQUIRED_WORDS[language] if not (re.search(w, text) and re.search(w, glossary))
    ]
    assert missing == []


def test_the_build_compiles_what_gettext_reads(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    compiled = catalogs.compile_catalogs(copy)
    assert {mo.parent.parent.name for mo in compiled} == set(TRANSLATED)
    romanian = gettext.translation(DOMAIN, copy, languages=["ro"])
    assert romanian.gettext("Accounts") == shipped("ro")["Accounts"].string
    ukrainian = gettext.translation(DOMAIN, copy, languages=["uk"])
    plural = next(m for m in template() if len(english(m)) == 2 and "{count}" in english(m)[1])
    singular, several = english(plural)
    assert ukrainian.ngettext(singular, several, 21) == forms(shipped("uk")[plural.id])[0]
    assert ukrainian.ngettext(singular, several, 5) == forms(shipped("uk")[plural.id])[2]
    before = {mo: mo.stat().st_mtime_ns for mo in compiled}
    catalogs.compile_catalogs(copy)  # up to date: nothing is written again
    assert {mo: mo.stat().st_mtime_ns for mo in compiled} == before
