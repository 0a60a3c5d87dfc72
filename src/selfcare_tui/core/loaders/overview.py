"""What the overview shows, fetched part by part: a part the login may not see is kept as its
refusal, so its panel says why while the rest shows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.loaders.parts import or_refusal

_OPEN_REQUESTS = (models.RequestStatus.submitted, models.RequestStatus.in_progress)


@dataclass
class OverviewData:
    account: models.Account
    window: models.ReadingWindow | ApiError
    open_invoices: list[models.Invoice] | ApiError
    latest: list[models.Invoice] | ApiError
    notices: list[models.Notice] | ApiError
    works: list[models.Work] | ApiError
    consumption: models.ConsumptionSeries | ApiError
    requests: list[models.Request] | ApiError
    reports: list[models.OutageReport] | ApiError


async def load_overview(client: SelfcareClient, number: str) -> OverviewData:

    async def invoices(status: models.InvoiceStatus | None, limit: int) -> list[models.Invoice]:
        return (await client.invoices_page(number, status=status, limit=limit)).items

    async def notices() -> list[models.Notice]:
        return [n async for n in client.iter_notices(number, status=models.NoticeStatus.open)]

    async def requests() -> list[models.Request]:
        return [r async for r in client.iter_requests(number) if r.status in _OPEN_REQUESTS]

    async def reports() -> list[models.OutageReport]:
        return [
            r
            async for r in client.iter_outage_reports(number)
            if r.status is not models.OutageReportStatus.resolved
        ]

    account = await client.account(number)
    results = await asyncio.gather(
        or_refusal(client.reading_window(number)),
        or_refusal(invoices(models.InvoiceStatus.open, 50)),
        or_refusal(invoices(None, 1)),
        or_refusal(notices()),
        or_refusal(client.works(number)),
        or_refusal(client.consumption(number)),
        or_refusal(requests()),
        or_refusal(reports()),
    )
    return OverviewData(account, *results)  # type: ignore[arg-type]
