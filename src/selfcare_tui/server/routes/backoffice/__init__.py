"""The utility's side of the API, for support agents only: work queues, request stages and
messages, outage reports, works, the customer search, the audit log and the billing run."""

from __future__ import annotations

from fastapi import APIRouter

from . import audit, billing_runs, customers, outages, queues, requests, works

router = APIRouter(prefix="/backoffice", tags=["backoffice"])
for module in (queues, requests, outages, works, customers, audit, billing_runs):
    router.include_router(module.router)
