"""The utility's side of the API, for support agents only: work queues, request stages and
messages, outage reports, works, the customer search and the audit log."""

from __future__ import annotations

from fastapi import APIRouter

from . import audit, customers, outages, queues, requests, works

router = APIRouter(prefix="/backoffice", tags=["backoffice"])
for module in (queues, requests, outages, works, customers, audit):
    router.include_router(module.router)
