"""The reference utility backend as an ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import event
from starlette.exceptions import HTTPException as StarletteHTTPException

from selfcare_tui import __version__

from . import contract, db, mail
from .i18n import LanguageMiddleware
from .problems import (
    ApiProblem,
    handle_http,
    handle_problem,
    handle_unexpected,
    handle_validation,
)
from .reference_data import ensure_reference_data
from .routes import (
    access_log as access_log_routes,
)
from .routes import (
    accounts,
    auth,
    backoffice,
    billing,
    device_login,
    device_page,
    mandates,
    outages,
    places,
    processor,
    public,
    readings,
    requests,
    second_factor,
    sign_up,
)
from .routes import (
    sessions as sessions_routes,
)
from .settings import Settings

access_log = logging.getLogger("selfcare.server.access")

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """Short, stable operation ids (`list_invoices`), which generated clients turn into names."""
    return f"{route.name}_head" if route.methods == {"HEAD"} else route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: migrate the database to the newest schema, then mount the API."""
    settings = settings or Settings()
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    with sessions() as session:
        ensure_reference_data(session)
        session.commit()

    sender = (
        mail.MailSender(sessions, settings, mail.SmtpServer.from_url(settings.smtp_url))
        if (settings.smtp_url)
        else None
    )
    if sender is not None:
        event.listen(sessions, "after_commit", sender.committed)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        """The mail sender runs beside the requests, in the server's event loop."""
        if sender is None:
            logging.getLogger("selfcare.server.mail").warning(
                "No SMTP server is set (--smtp-url): mail waits in the outbox, unsent."
            )
            yield
            return
        task = asyncio.create_task(sender.run(), name="mail sender")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        lifespan=lifespan,
        title="Selfcare utility API",
        version=__version__,
        summary="Self-service API of an electricity utility: accounts, meters, invoices, outages.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.mail_sender = sender
    app.add_exception_handler(ApiProblem, handle_problem)
    app.add_exception_handler(RequestValidationError, handle_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http)
    app.add_exception_handler(Exception, handle_unexpected)

    api = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        device_login,
        second_factor,
        sign_up,
        sessions_routes,
        accounts,
        access_log_routes,
        places,
        readings,
        billing,
        outages,
        requests,
        mandates,
        public,
        backoffice,
    ):
        api.include_router(module.router)
    api.include_router(auth.me_router)
    app.include_router(api)
    app.include_router(processor.router)
    app.include_router(device_page.router)
    contract.publish(app)
    app.add_middleware(LanguageMiddleware)

    @app.middleware("http")
    async def log_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """One line per request: the path only, never the query string, headers or body, which can
        carry tokens or codes. A request that failed with a bug is logged too, as the 500 the
        client got (its traceback goes to the error log)."""
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            access_log.info(
                '%s "%s %s" %d %.1fms',
                request.client.host if request.client else "-",
                request.method,
                request.url.path,
                status,
                (time.perf_counter() - started) * 1000,
            )

    return app
