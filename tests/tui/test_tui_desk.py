"""The support agents' desk in the terminal app against the real server: the counts, the
queues a page at a time, taking, moving, writing, resolving, refusals beside the actions, the
customer search and the audit log."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static, TextArea

from selfcare_tui.api import models
from selfcare_tui.core.loaders import desk as desk_loader
from selfcare_tui.screens.audit_log import AuditLog
from selfcare_tui.screens.desk import DeskScreen
from selfcare_tui.screens.desk_action import DeskActionDialog
from selfcare_tui.screens.desk_item import DeskItemScreen, ReportItemScreen, RequestItemScreen
from selfcare_tui.screens.desk_queue import QueueScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.demo_users import login
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    desk_shown,
    overview_shown,
    ready_agent_app,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.anyio

LIIS_METS, BUSINESS = "3000000001", "2000000001"


def queue_loaded(pilot: Pilot[None]) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, QueueScreen)
        and screen.pages_loaded > 0
        and not screen.query_one("#queue").loading
    )


async def open_queue(pilot: Pilot[None], key: str) -> QueueScreen:
    await desk_shown(pilot)
    await pilot.press(key)
    await wait_for(pilot, lambda: queue_loaded(pilot))
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


async def open_item(pilot: Pilot[None], queue: QueueScreen, item_id: str) -> DeskItemScreen:
    """Arrow down to the item's row, as an agent would, and open it."""
    table = queue.query_one("#queue", DataTable)
    for _ in range(table.row_count):
        if table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == item_id:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{item_id} is not in the queue")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DeskItemScreen))
    screen = pilot.app.screen
    assert isinstance(screen, DeskItemScreen)
    return screen


def said(pilot: Pilot[None]) -> str:
    """The line beside the item's buttons, also while a form is still open over it."""
    item = next(s for s in reversed(pilot.app.screen_stack) if isinstance(s, DeskItemScreen))
    return str(item.query_one("#item-message", Static).content)


async def send_form(pilot: Pilot[None], text: str) -> None:
    """Type into the open form and send it with ctrl+s."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DeskActionDialog))
    if text:
        await pilot.press(*text)
    await pilot.press("ctrl+s")


async def test_the_desk_counts_what_waits(live_server: LiveServer) -> None:
    async with await login(live_server, "agent") as agent:
        counts = await agent.queue_counts()
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_shown(pilot)
        choices = app.screen.query_one("#choices", OptionList)
        requests = str(choices.get_option_at_index(0).prompt)
        reports = str(choices.get_option_at_index(1).prompt)
        assert f"{counts.requests_open} open" in requests
        assert f"{counts.requests_untaken} not taken" in requests
        assert f"{counts.requests_mine} yours" in requests
        assert f"{counts.outage_reports_in_progress} acknowledged" in reports
        assert "Suggestion or complaint 1" in text_of(pilot, "#breakdown")


async def test_an_agent_takes_writes_moves_and_resolves_a_request(
    live_server: LiveServer,
) -> None:
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(pilot, "1")
        item = await open_item(pilot, queue, "RQ000000004")
        assert isinstance(item, RequestItemScreen)
        await pilot.press("w")  # not taken yet: said beside the actions, no form
        assert "Take this item first" in said(pilot)
        assert not isinstance(app.screen, DeskActionDialog)
        await pilot.press("t")
        await wait_for(pilot, lambda: "You have taken" in said(pilot))
        assert "Taken by: Liis Support" in text_of(pilot, "#facts")
        await pilot.press("w")
        await send_form(pilot, "Yes: choose Estonian in Your details.")
        await wait_for(pilot, lambda: said(pilot) == "Message sent.")
        assert "Yes: choose Estonian in Your details." in text_of(pilot, "#history")
        for stage in ("in review", "answered"):
            await pilot.press("s")
            await send_form(pilot, "")
            moved = f"Moved to: {stage}."
            await wait_for(pilot, lambda moved=moved: said(pilot) == moved)  # type: ignore[misc]
        await pilot.press("x")
        await send_form(pilot, "Done.")
        await wait_for(pilot, lambda: said(pilot) == "The request is closed.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, QueueScreen))
        table = queue.query_one("#queue", DataTable)
        assert "Liis Support" in table.get_row("RQ000000004")  # the row shows the change
    async with await login(live_server, "agent") as agent:
        request = await agent.desk_request("RQ000000004")
    assert request.status is models.RequestStatus.completed
    kinds = [(c.kind, c.stage, c.note) for c in request.history[2:]]
    assert kinds == [
        (models.HistoryKind.message, "registered", "Yes: choose Estonian in Your details."),
        (models.HistoryKind.status, "in_review", None),
        (models.HistoryKind.status, "answered", None),
        (models.HistoryKind.status, "answered", "Done."),
    ]


async def test_an_item_another_agent_holds_says_who(live_server: LiveServer) -> None:
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        item = await open_item(pilot, await open_queue(pilot, "1"), "RQ000000005")
        await pilot.press("t")
        await wait_for(pilot, lambda: "Mihai Support (mihai)" in said(pilot))
        assert item.query_one("#item-message", Static).has_class("-error")


async def test_a_form_refused_keeps_its_text_and_a_changed_item_is_shown_anew(
    live_server: LiveServer,
) -> None:
    """The resolution needs words (said in the form); then someone changes the item from the
    command line meanwhile: the form says so and keeps the text, the screen shows the item
    as it is now, and sending again works."""
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        item = await open_item(pilot, await open_queue(pilot, "1"), "RQ000000007")
        await pilot.press("t")
        await wait_for(pilot, lambda: "You have taken" in said(pilot))
        await pilot.press("x")
        await send_form(pilot, "")
        form = app.screen
        assert isinstance(form, DeskActionDialog)
        await wait_for(pilot, lambda: form.query_one("#action-error").display)
        assert "Resolution: write something." in str(
            form.query_one("#action-error", Static).content
        )
        async with await login(live_server, "agent") as agent:
            shown = await agent.desk_request("RQ000000007")
            await agent.message_request("RQ000000007", shown.version, "From the CLI.")
        await pilot.press(*"Rejected: FIXED24 is not sold any more.", "ctrl+s")
        await wait_for(
            pilot, lambda: "changed" in str(form.query_one("#action-error", Static).content)
        )
        assert form.query_one("#text", TextArea).text == "Rejected: FIXED24 is not sold any more."
        assert "From the CLI." in str(item.query_one("#history", Static).content)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: said(pilot) == "The request is closed.")
    async with await login(live_server, "agent") as agent:
        request = await agent.desk_request("RQ000000007")
    assert request.status is models.RequestStatus.rejected


async def test_an_outage_report_is_acknowledged_and_resolved_and_its_customer_sees_it(
    live_server: LiveServer,
) -> None:
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(pilot, "2")
        reference = next(key for key, r in queue.items.items() if r.account_number == BUSINESS)
        item = await open_item(pilot, queue, reference)
        assert isinstance(item, ReportItemScreen)
        await pilot.press("t")
        await wait_for(pilot, lambda: "You have taken" in said(pilot))
        await pilot.press("k")
        await wait_for(pilot, lambda: said(pilot).startswith("Acknowledged"))
        assert "Status: in progress" in text_of(pilot, "#facts")
        await pilot.press("l")  # no work is published in its area
        await wait_for(pilot, lambda: "No works are published" in said(pilot))
        await pilot.press("x")
        await send_form(pilot, "A fuse in the building; replaced.")
        await wait_for(pilot, lambda: said(pilot) == "The outage report is resolved.")
    async with await login(live_server, "acme") as acme:
        [report] = [r async for r in acme.iter_outage_reports(BUSINESS) if r.reference == reference]
    assert report.status is models.OutageReportStatus.resolved
    assert report.note == "A fuse in the building; replaced."


async def test_the_queue_pages_from_the_server(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk_loader, "PAGE_SIZE", 2)
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(pilot, "1")
        assert len(queue.items) == 2 and queue.next_cursor is not None
        await pilot.press("down")  # the last row: the next page comes
        await wait_for(pilot, lambda: len(queue.items) == 4)
        await pilot.press("m")
        await wait_for(pilot, lambda: len(queue.items) == 6)
        ids = list(queue.items)
        assert ids[0] == "RQ000000001"  # oldest first
        assert ids == sorted(ids, key=lambda i: queue.items[i].created_at)
        mine = queue.query_one("#taken")
        mine.value = models.TakenFilter.mine  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: list(queue.items) == ["RQ000000006"])


async def test_the_customer_search_finds_by_address_and_acts_with_the_banner(
    live_server: LiveServer,
) -> None:
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_shown(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        await pilot.press(*"Kalevi")
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 1 and not options.loading)
        assert "address: Kalevi 3-12, Tartu" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter", "enter")
        await overview_shown(pilot, LIIS_METS)
        assert "support agent" in text_of(pilot, "AccountBanner")
        await pilot.press("g", "d")  # back to the desk
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen))


async def test_the_audit_log_lists_and_narrows(live_server: LiveServer) -> None:
    async with await login(live_server, "mihai") as mihai:
        await mihai.account(BUSINESS)
    app = await ready_agent_app(live_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_shown(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLog))
        log = app.screen
        assert isinstance(log, AuditLog)
        table = log.query_one(DataTable)
        await wait_for(pilot, lambda: log.shown > 0)
        assert "queue_counts" in [table.get_row_at(i)[3] for i in range(table.row_count)]
        log.query_one("#account").focus()
        await pilot.press(*BUSINESS, "enter")
        await wait_for(pilot, lambda: not log.loading_page and table.row_count > 0)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert {row[2] for row in rows} == {BUSINESS}
        assert ["mihai", BUSINESS, "get_account"] in [row[1:] for row in rows]
