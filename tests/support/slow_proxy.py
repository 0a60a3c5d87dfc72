"""A TCP forwarder on loopback that holds each answer back a little, so a test can stop a
download midway however busy the machine is: 36 files take seconds, not milliseconds, and the
test's poll (which may wait for the CPU on a loaded 2-core machine) still sees it running."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from selfcare_tui.server.run import free_port


def _pipe(source: socket.socket, target: socket.socket, delay: float) -> None:
    try:
        while chunk := source.recv(65536):
            if delay:
                time.sleep(delay)
            target.sendall(chunk)
    except OSError:
        pass  # the other side closed: close this one too
    finally:
        for side in (source, target):
            with suppress(OSError):
                side.shutdown(socket.SHUT_RDWR)
            side.close()


@contextmanager
def slow_proxy(upstream_port: int, delay: float = 0.15) -> Iterator[int]:
    """Yield a port that forwards to `upstream_port`, each answer's chunks `delay` s late.
    When the upstream is gone, a new connection is closed at once, as a dead server's is."""
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", upstream_port))
            except OSError:
                client.close()
                continue
            threading.Thread(target=_pipe, args=(client, server, 0), daemon=True).start()
            threading.Thread(target=_pipe, args=(server, client, delay), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
