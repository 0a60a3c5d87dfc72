"""Running the backend: seeding demo data and serving it with uvicorn on loopback."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.types import ASGIApp

from . import tables
from .app import create_app
from .demo import seed_demo
from .settings import Settings

log = logging.getLogger("selfcare.server")


def seed_if_empty(settings: Settings, customers: int) -> bool:
    """Seed demo data into an empty database; a database with users is left alone."""
    app = create_app(settings)
    with app.state.sessions() as session:
        if session.scalar(select(func.count()).select_from(tables.User)):
            return False
        seed_demo(session, today=settings.today(), customers=customers)
        session.commit()
    app.state.engine.dispose()
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def serve(settings: Settings, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(settings)
    # uvicorn's own access log prints query strings, which may carry a processor token: ours
    # prints paths only.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")


class BackgroundServer:
    """The backend on a loopback port in a thread of this process, for the demo and tests."""

    def __init__(
        self,
        settings: Settings,
        host: str = "127.0.0.1",
        port: int = 0,
        wrap: Callable[[FastAPI], ASGIApp] | None = None,
    ) -> None:
        """`wrap` puts ASGI middleware around the app (the tests' contract guard)."""
        import threading

        self.app = create_app(settings)
        self.asgi: ASGIApp = wrap(self.app) if wrap else self.app
        config = uvicorn.Config(
            self.asgi, host=host, port=port, log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.settings = settings
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20) -> BackgroundServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.app.state.engine.dispose()
