"""Running the backend: seeding demo data and serving it with uvicorn on loopback."""

from __future__ import annotations

import logging
import socket

import uvicorn
from sqlalchemy import func, select

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
