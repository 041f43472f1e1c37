"""``cmsgraph serve``: the graph over HTTP, read-only — the public API.

=========================  ==============================================================
``/sparql``                SPARQL 1.1 Protocol query endpoint, and the SPARQL editor
                           (YASGUI) for browsers
``<base path>...``         the linked-data page of every IRI under the data's base
``/resource?iri=IRI``      the page of any IRI of the dataset
``/ontology``              the vocabulary's documentation (or its triples)
``/.well-known/void``      the VoID / DCAT-AP description of the dataset
``/``                      what is served, the named queries
=========================  ==============================================================

Refused: SPARQL Update and ``LOAD`` (403), ``SERVICE`` unless ``allow_service`` (403),
every other write by any method at any path (4xx), queries running longer than
``timeout`` (stopped, 503), results above ``max_rows`` (422), request bodies and query
strings above ``max_query_bytes`` (413, 414), paths with ``..``, ``.`` or encoded
``/``, ``\\`` or NUL in any form (400). The server reads no file on a client's behalf,
and never makes a request to another host unless ``allow_service`` lets a query's
SERVICE clause do so.

The machinery is the private package :mod:`cmsgraph._serve`, layered in one direction:
``protocol`` (HTTP) → ``pool`` (worker processes) | ``worker`` (a process's loop) →
``pages`` (HTML) → ``facts`` (what the store says). Design: the standard library's
``ThreadingHTTPServer`` (no dependency; a framework would add routing sugar but none
of what matters here: the limits, the timeout and the protocol rules are ours either
way). One thread per connection does HTTP only; every store access runs in a pool of
worker processes that can be killed at the timeout, since pyoxigraph queries cannot be
interrupted.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

from . import namespaces as ns
from ._serve.pool import WorkerPool
from ._serve.protocol import App, Handler, HTTPServer, Settings
from .errors import CmsGraphError
from .formats import negotiate
from .store import default_store_dir, open_current

__all__ = [
    "DEFAULT_MAX_QUERY_BYTES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "Server",
    "make_server",
    "negotiate",
    "serve",
]

DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0  # seconds a query may run
DEFAULT_MAX_ROWS = 100_000  # solutions of a SELECT, triples of a CONSTRUCT
DEFAULT_MAX_QUERY_BYTES = 65_536  # a POST body, or the query string of a GET
DEFAULT_MAX_CONNECTIONS = 128
DEFAULT_MAX_MEMORY_MB = 1024  # heap of one query worker


# -- the public API ------------------------------------------------------------------


class Server:
    """A listening cmsgraph server; :meth:`serve_forever` (or :meth:`start`) answers.

    Use it as a context manager, or call :meth:`shutdown`, to stop it and its workers.
    """

    def __init__(self, httpd: HTTPServer, app: App) -> None:
        self._httpd = httpd
        self._app = app
        self._loop: threading.Thread | None = None
        self._closed = False
        host, port = httpd.server_address[:2]
        shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(str(host), str(host))
        self.host: str = str(host)
        self.port: int = int(port)
        self.url: str = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's URL (``.../sparql``)."""
        return self.url + "sparql"

    @property
    def page_prefix(self) -> str:
        """The URL under which the resource pages live (the base IRI mapped here)."""
        return self.url.rstrip("/") + self._app.dataset().prefixes[0]

    def page_url(self, iri: str) -> str:
        """The URL of an IRI's page on this server."""
        return self.url.rstrip("/") + self._app.dataset().site.page(iri)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the query workers."""
        return self._app.pool.pids

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` (from another thread) or Ctrl-C."""
        self._loop = threading.current_thread()
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._loop = None

    def start(self) -> Server:
        """Answer requests in a background thread; return ``self``."""
        thread = threading.Thread(target=self.serve_forever, name="cmsgraph-serve", daemon=True)
        thread.start()
        return self

    def shutdown(self) -> None:
        """Stop answering, close the socket and kill the workers."""
        if self._closed:
            return
        self._closed = True
        loop = self._loop
        if loop is not None and loop is not threading.current_thread():
            self._httpd.shutdown()
        self._httpd.server_close()
        self._app.pool.close()

    close = shutdown

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def make_server(
    store: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    base: str | None = None,
    path_prefix: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
    allow_service: bool = False,
    workers: int | None = None,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
) -> Server:
    """A server for the store's current version, listening on ``host:port`` (0: any free
    port) and ready to :meth:`~Server.serve_forever`.

    :param base: the base IRI whose IRIs get pages (default: the store's base).
    :param path_prefix: the local path the base maps to (default: the base's path).
    :param timeout: seconds a query may run before it is stopped (503).
    :param max_rows: solutions (SELECT) or triples (CONSTRUCT) a result may hold (422).
    :param max_query_bytes: bytes of a request body (413) or query string (414).
    :param allow_service: let queries call other endpoints with SERVICE.
    :param workers: query worker processes (default: the CPUs, 2 to 4).
    :param max_connections: connections served at once (503 beyond).
    :param max_memory_mb: heap a worker may use; a query needing more is stopped (503);
        0: no limit.
    :raises StoreError: no store at ``store``, or it cannot be opened.
    :raises CmsGraphError: the address cannot be listened on, or a limit is not positive.

    >>> with make_server("/tmp/store", port=0) as server:  # doctest: +SKIP
    ...     server.start()
    ...     print(server.endpoint)
    http://127.0.0.1:41235/sparql
    """
    if min(timeout, max_rows, max_query_bytes, max_connections) <= 0 or max_memory_mb < 0:
        raise CmsGraphError("the timeout and the limits must be positive")
    root = Path(store) if store is not None else default_store_dir()
    version = open_current(root)
    if base is not None:
        base = ns.resolve_base(base)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("_Bound", (HTTPServer,), {"address_family": family})
    try:
        httpd = server_class((host, port), Handler)
    except OSError as exc:
        raise CmsGraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        size = workers or max(2, min(4, os.cpu_count() or 2))
        pool = WorkerPool(version.oxigraph_path, size, memory_limit=max_memory_mb << 20)
    except BaseException:
        httpd.server_close()
        raise
    settings = Settings(
        root, base, path_prefix, timeout, max_rows, max_query_bytes, allow_service, max_memory_mb
    )
    httpd.app = App(settings, pool, version)
    httpd.slots = threading.BoundedSemaphore(max_connections)
    server = Server(httpd, httpd.app)
    settings.public_url = server.url
    return server


def serve(store: str | Path | None = None, **options: Any) -> None:
    """Serve the store until interrupted (see :func:`make_server` for the options)."""
    with make_server(store, **options) as server:
        server.serve_forever()
