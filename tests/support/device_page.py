"""The device login's approval page as a person on another device uses it: the form posted
over real HTTP, the Allow or Deny button pressed (async: the tests' own loop keeps going)."""

from __future__ import annotations

import html
import re

import httpx


async def _post(url: str, form: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(url, data=form)


async def log_in_on_page(
    base_url: str, user_code: str, username: str, password: str, otp: str = ""
) -> httpx.Response:
    form = {"code": user_code, "username": username, "password": password, "otp": otp}
    return await _post(f"{base_url}/device", form)


def consent_in(page: httpx.Response) -> str:
    found = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return html.unescape(found.group(1))


async def decide(base_url: str, user_code: str, consent: str, decision: str) -> httpx.Response:
    form = {"code": user_code, "consent": consent, "decision": decision}
    return await _post(f"{base_url}/device/decision", form)


async def approve(
    base_url: str, user_code: str, username: str, password: str, otp: str = ""
) -> httpx.Response:
    """Log in on the page and press Allow."""
    asked = await log_in_on_page(base_url, user_code, username, password, otp)
    return await decide(base_url, user_code, consent_in(asked), "allow")
