"""`selfcare desk|works|audit` and `selfcare profile access-log`, in-process, against the live
server: an agent works a request from the queue to its answer, the customer reads it."""

from __future__ import annotations

import asyncio

import pyotp

from selfcare_tui.api import models
from selfcare_tui.server.demo import AGENT_TOTP_SECRET, FLAT_ACCOUNT

from ..support.cli import Cli
from ..support.cli_results import as_json, ok, refused
from ..support.live_server import NOW, LiveServer


def agent_login(cli: Cli, username: str) -> dict[str, str]:
    env = {"SELFCARE_PROFILE": username}
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    ok(
        cli(
            "login",
            "--server",
            cli.server,
            "-u",
            username,
            "--password-stdin",
            input=f"{username}-demo\n{code}\n",
            env=env,
        )
    )
    return env


def submitted_complaint(server: LiveServer) -> str:
    async def go() -> str:
        async with await server.login("maria") as maria:
            draft = await maria.create_request(
                FLAT_ACCOUNT, models.RequestCreate(type_code="complaint", subject="Meter noise")
            )
            await maria.submit_request(FLAT_ACCOUNT, draft.id)
            return draft.id

    return asyncio.run(go())


def test_an_agent_works_a_request_from_the_queue_and_the_customer_reads_the_answer(
    cli: Cli, live_server: LiveServer
) -> None:
    request_id = submitted_complaint(live_server)
    agent = agent_login(cli, "agent")
    queued = as_json(cli("desk", "queue", "--untaken", "--type", "complaint", "--json", env=agent))
    assert request_id in [r["id"] for r in queued]
    counts = as_json(cli("desk", "counts", "--json", env=agent))
    assert counts["requests_by_type"]["complaint"] >= 1

    assert "You have taken" in ok(cli("desk", "take", request_id, env=agent)).stderr
    ok(cli("desk", "move", request_id, "investigation", "--note", "Looking at it.", env=agent))
    ok(cli("desk", "message", request_id, "A technician comes on Monday.", env=agent))
    ok(cli("desk", "ask", request_id, "other", "--note", "A photo of the meter", env=agent))
    backwards = refused(cli("desk", "move", request_id, "registered", env=agent), 5)
    assert "stage_not_allowed" in backwards

    mihai = agent_login(cli, "mihai")
    taken = refused(cli("desk", "take", request_id, env=mihai), 5)
    assert "item_taken" in taken and "Liis Support (agent)" in taken
    stale = refused(cli("desk", "message", request_id, "Hi", "--based-on", "1", env=agent), 5)
    assert "version_mismatch" in stale

    shown = as_json(cli("desk", "show", request_id, "--json", env=agent))
    assert (shown["holder"]["username"], shown["stage"]) == ("agent", "investigation")
    ok(cli("desk", "resolve", request_id, "--note", "The meter was replaced.", env=agent))

    cli.login("maria")
    answer = ok(cli("requests", "show", request_id)).stdout
    for expected in (
        "Message from the utility",
        "A technician comes on Monday.",
        "The utility asks for a document",
        "The meter was replaced.",
    ):
        assert expected in answer, expected
    assert refused(cli("desk", "queue"), 4)  # to a customer there is no desk


def test_works_audit_and_the_holders_access_log(cli: Cli, live_server: LiveServer) -> None:
    agent = agent_login(cli, "agent")
    work = as_json(
        cli(
            "works",
            "publish",
            "--area",
            "AREA-NOWHERE",
            "--from",
            "2026-11-25 10:00",
            "--until",
            "2026-11-25 18:00",
            "--description",
            "Replacing the transformer.",
            "--json",
            env=agent,
        )
    )
    assert (work["kind"], work["version"]) == ("planned", 1)
    backwards = refused(
        cli("works", "change", work["id"], "--until", "2026-11-25 09:00", env=agent), 5
    )
    assert "work_window_invalid" in backwards
    assert "ended" in ok(cli("works", "end", work["id"], env=agent)).stderr

    ok(cli("accounts", "show", FLAT_ACCOUNT, env=agent))
    found = as_json(cli("desk", "search", "Tamm", "--json", env=agent))
    assert FLAT_ACCOUNT in [m["number"] for m in found]
    entries = as_json(cli("audit", "list", "--account", FLAT_ACCOUNT, "--json", env=agent))
    assert [e["operation"] for e in entries][:2] == ["search_customers", "get_account"]
    published = as_json(cli("audit", "list", "--operation", "publish_work", "--json", env=agent))
    assert [e["agent_username"] for e in published] == ["agent"]

    cli.login("maria")
    log = ok(cli("profile", "access-log", "--account", FLAT_ACCOUNT)).stdout
    assert "Liis Support" in log and "Found your account in a search" in log
