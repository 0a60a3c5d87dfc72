"""The server answers in the caller's language (Accept-Language), from its own catalogs; its
codes stay as they are. An account's PDFs are in the account's language, whoever asks."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import NotFound, RuleViolation
from selfcare_tui.api.models import ErrorCode, InvoiceChannel, Language, ProfileUpdate
from selfcare_tui.server.demo import FLAT_ACCOUNT
from selfcare_tui.server.i18n import negotiate

from ..support.languages import server_said
from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ro-RO,ro;q=0.9,en;q=0.8", "ro"),
        ("fr-FR, uk;q=0.5, ru;q=0.4", "uk"),
        ("en;q=0.2, et;q=0.9", "et"),
        ("ru_RU", "ru"),
        ("et;q=0, ro;q=0.1", "ro"),
        ("de, *;q=0.5", "en"),
        ("ro;q=nonsense", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_language_is_the_callers_most_preferred_one_the_server_writes(
    header: str | None, language: str
) -> None:
    assert negotiate(header) == language


async def test_a_refusal_is_in_the_callers_language_its_code_unchanged(
    live_server: LiveServer,
) -> None:
    token = (await live_server.login("maria")).access_token
    url = f"{live_server.base_url}/api/v1/accounts/{FLAT_ACCOUNT}/invoices/NO-SUCH-INVOICE"
    async with httpx.AsyncClient() as http:
        for language in ("ro", "et", "uk", "ru"):
            answer = await http.get(
                url,
                headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
            )
            problem = answer.json()
            assert answer.status_code == 404 and problem["code"] == "not_found"
            assert problem["title"] == server_said(language, "Not Found")
            assert problem["detail"] == server_said(language, "No such invoice.")
            assert answer.headers["Content-Language"] == language
            assert "Accept-Language" in answer.headers["Vary"]
        english = await http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert english.json()["detail"] == "No such invoice."
        assert english.headers["Content-Language"] == "en"
        unauthenticated = await http.get(url, headers={"Accept-Language": "et"})
        assert unauthenticated.json()["code"] == "unauthenticated"
        assert unauthenticated.json()["title"] == server_said("et", "Unauthorized")
        invalid = await http.post(
            f"{live_server.base_url}/api/v1/auth/token",
            json={"username": 5},
            headers={"Accept-Language": "uk"},
        )
        assert invalid.status_code == 422 and invalid.json()["code"] == "validation_error"
        assert invalid.json()["detail"].startswith(
            server_said("uk", "Invalid value for: {names}.")[:8]
        )
        messages = {e["field"]: (e["code"], e["message"]) for e in invalid.json()["errors"]}
        assert messages["username"] == ("string_type", server_said("uk", "Must be text."))
        assert messages["password"] == ("missing", server_said("uk", "Required."))


async def test_the_client_names_the_users_language_to_the_server(
    live_server: LiveServer,
) -> None:
    spoken = ["ru"]
    maria = await live_server.login("maria")
    async with SelfcareClient(
        live_server.base_url, access_token=maria.access_token, language=lambda: spoken[0]
    ) as client:
        with pytest.raises(NotFound) as russian:
            await client.invoice(FLAT_ACCOUNT, "NO-SUCH-INVOICE")
        assert russian.value.message == server_said("ru", "No such invoice.")
        spoken[0] = "ro"  # the user changed the language: the next request says so
        with pytest.raises(RuleViolation) as romanian:
            await client.update_profile(
                FLAT_ACCOUNT, ProfileUpdate(phone=None, invoice_channel=InvoiceChannel.sms)
            )
        assert romanian.value.code is ErrorCode.contact_missing
        assert romanian.value.message == server_said("ro", "Invoices by SMS need a phone number.")
        assert romanian.value.field_messages() == {
            "phone": server_said("ro", "Give a phone number.")
        }


async def test_an_accounts_pdfs_are_in_its_language_whoever_reads_them(
    live_server: LiveServer, tmp_path: Path
) -> None:
    maria = await live_server.login("maria")
    async with maria:
        (invoice, *_rest) = (await maria.invoices_page(FLAT_ACCOUNT)).items
        english = tmp_path / "en.pdf"
        await maria.download_invoice(FLAT_ACCOUNT, invoice.number, english)
        updated = await maria.update_profile(FLAT_ACCOUNT, ProfileUpdate(language=Language.ro))
        assert updated.language is Language.ro
        romanian = tmp_path / "ro.pdf"
        info = await maria.download_invoice(FLAT_ACCOUNT, invoice.number, romanian)
        listed = (await maria.invoices_page(FLAT_ACCOUNT)).items[0]
    text = PdfReader(romanian).pages[0].extract_text()
    with_english_header = PdfReader(english).pages[0].extract_text()
    assert "Payment reference" in with_english_header
    assert server_said("ro", "Payment reference") in text and "Payment reference" not in text
    assert listed.document is not None and listed.document.sha256 == info.sha256
    assert (await maria_in_estonian(live_server, invoice.number)) == info.sha256


async def maria_in_estonian(live_server: LiveServer, invoice_number: str) -> str:
    """The same PDF, asked for in Estonian: the account's language, not the caller's."""
    maria = await live_server.login("maria")
    async with SelfcareClient(
        live_server.base_url, access_token=maria.access_token, language=lambda: "et"
    ) as client:
        invoice = await client.invoice(FLAT_ACCOUNT, invoice_number)
    assert invoice.document is not None
    return invoice.document.sha256


async def test_the_request_guide_and_packages_are_in_the_callers_language(
    live_server: LiveServer,
) -> None:
    """Reference data the server seeds in English is shown in the caller's language; a text
    an operator wrote (not in the catalog) would be shown as written."""
    token = (await live_server.login("maria")).access_token
    async with httpx.AsyncClient(base_url=f"{live_server.base_url}/api/v1") as http:
        for language in ("ro", "uk"):
            headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
            types = {
                t["code"]: t for t in (await http.get("/request-types", headers=headers)).json()
            }
            holder = types["change_of_holder"]
            assert holder["name"] == server_said(language, "Change of contract holder")
            labels = {f["name"]: f["label"] for f in holder["fields"]}
            assert labels["payment_code"] == server_said(
                language, "Payment code (from the invoice)"
            )
            assert holder["stages"][0] == "submitted"  # a code, unchanged
            products = {p["code"]: p for p in (await http.get("/products", headers=headers)).json()}
            assert products["DAYNIGHT"]["name"] == server_said(language, "Day and night")
