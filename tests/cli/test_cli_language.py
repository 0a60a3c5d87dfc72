"""The language: `--lang` for a run, over SELFCARE_LOCALE, over `[settings] language` of the
config file, over LANG; each speaks the shipped catalog, help and messages alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..support.cli import Cli, cli_environment

ROMANIAN = "Autoservire pentru clienții de energie electrică, în terminal."
UKRAINIAN = "Самообслуговування для споживачів електроенергії в терміналі."
RUSSIAN = "Личный кабинет потребителя электроэнергии в терминале."
ENGLISH = "Self-service for electricity customers, in the terminal."


@pytest.fixture
def selfcare(tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, server="http://127.0.0.1:9")


def configure(selfcare: Cli, settings: str) -> None:
    folder = selfcare.home / "config" / "selfcare-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(f"[settings]\n{settings}\n", encoding="utf-8")


def test_lang_chooses_the_language_of_the_help(selfcare: Cli) -> None:
    assert ROMANIAN in selfcare("--lang", "ro", "--help").stdout
    assert UKRAINIAN in selfcare("--help", "--lang=uk").stdout  # after --help too
    assert ENGLISH in selfcare("--lang", "en", "--help", env={"LANG": "ro_RO.UTF-8"}).stdout
    assert ENGLISH in selfcare("--help").stdout  # and the next run is English again


def test_the_order_lang_then_selfcare_locale_then_config_then_lang(selfcare: Cli) -> None:
    configure(selfcare, 'language = "ru"')
    assert RUSSIAN in selfcare("--help").stdout
    assert RUSSIAN in selfcare("--help", env={"LANG": "ro_RO.UTF-8"}).stdout
    assert UKRAINIAN in selfcare("--help", env={"SELFCARE_LOCALE": "uk_UA"}).stdout
    assert ROMANIAN in selfcare("--lang", "ro", "--help", env={"SELFCARE_LOCALE": "uk_UA"}).stdout
    configure(selfcare, 'theme = "selfcare"')
    assert ROMANIAN in selfcare("--help", env={"LANG": "ro_RO.UTF-8"}).stdout


def test_a_language_not_shipped_is_refused_naming_the_choices(selfcare: Cli) -> None:
    refused = selfcare("--lang", "de", "status")
    assert refused.returncode == 2
    assert "'--lang'" in refused.stderr and "'en', 'ro', 'et', 'uk', 'ru'" in refused.stderr
    configure(selfcare, 'language = "de"')
    bad = selfcare("status")
    assert bad.returncode == 2, bad.stderr
    assert "settings.language" in bad.stderr and "'ro'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_clicks_own_words_speak_the_language_too(selfcare: Cli) -> None:
    estonian = selfcare("--help", env={"SELFCARE_LOCALE": "et_EE"})
    assert estonian.stdout.startswith("Kasutus: selfcare [OPTIONS]")
    assert "Usage:" not in estonian.stdout and "Options" not in estonian.stdout
    russian = selfcare("--lang", "ru", "invoices", "list", "--bogus")
    assert russian.returncode == 2
    assert "Неизвестный параметр '--bogus'." in russian.stderr
    assert "Для справки выполните 'selfcare invoices list --help'." in russian.stderr
    english = selfcare("invoices", "list", "--bogus")  # and the next run is English again
    assert "No such option '--bogus'." in english.stderr
