"""HTTP for ``cmsgraph serve``: routing, the SPARQL 1.1 Protocol, content negotiation,
limits and refusals. One thread per connection does HTTP only; every store access is a
request to the worker pool (:mod:`.pool`).

=========================  ==============================================================
``/sparql``                `SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_
                           query operation (GET, POST); results by ``Accept`` or
                           ``?format=`` (the results rows of :mod:`cmsgraph.formats`);
                           CONSTRUCT/DESCRIBE in the graph rows; a browser without a
                           query gets the SPARQL editor (YASGUI)
``<base path>...``         the linked-data page of every IRI under the data's base
``/resource?iri=IRI``      the page of any IRI of the dataset (ontology terms ...)
``/ontology``              the vocabulary: its documentation, or its triples by ``Accept``
``/.well-known/void``      the VoID / DCAT-AP description of the dataset (VoID §7.2)
``/assets/NAME``           the editor's files, shipped inside the package
``/``                      what is served, the named queries, a ``schema:Dataset``
=========================  ==============================================================

Read-only: every other method, and every write (SPARQL Update however sent, ``PUT``,
``DELETE``, ``PATCH``, a ``POST`` anywhere but ``/sparql``, methods HTTP does not
define), is answered 4xx, never 5xx.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pyoxigraph import Literal, NamedNode, Triple

from .. import namespaces as ns
from .._sparql_scan import scan_query
from ..errors import StoreError
from ..exporter import graph_bytes
from ..formats import by_key, formats, name_lookup, negotiate, offers
from ..store import StoreVersion, open_current
from .pages import (
    CSP,
    EDITOR_CSP,
    HTML,
    TEXT,
    Site,
    asset,
    editor_page,
    home_page,
    unsafe_path,
)
from .pool import PoolBusy, QueryTimeout, WorkerFailed, WorkerPool

__all__ = ["App", "HTTPServer", "Handler", "Settings"]

log = logging.getLogger("cmsgraph.serve")

# SPARQL 1.1 Service Description; TODO(lead): move to namespaces.py with the others.
SD = "http://www.w3.org/ns/sparql-service-description#"

RESULTS = formats(kind="results", use="server")
GRAPHS = formats(kind="graph", use="server")
PAGES = formats(use="pages")
#: Content negotiation: (media type, format key), the server's preference first.
RESULT_OFFERS = offers(RESULTS)
GRAPH_OFFERS = offers(GRAPHS)
PAGE_OFFERS = [*offers([by_key("html")]), *offers(PAGES)]
#: ?format= / ?output= / ?results= values (SPARQLWrapper sends all three) -> format key.
RESULT_NAMES = name_lookup(RESULTS)
GRAPH_NAMES = name_lookup(GRAPHS)
PAGE_NAMES = name_lookup(PAGES)


# -- responses -----------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = TEXT
    headers: dict[str, str] = field(default_factory=dict)
    csp: str = CSP  # the Content-Security-Policy of an HTML response


def _text(status: int, message: str, **headers: str) -> Response:
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"), TEXT, headers)


class _Refused(Exception):
    """A request answered with an error status and a plain-text reason."""

    def __init__(self, status: int, message: str, **headers: str) -> None:
        super().__init__(message)
        self.response = _text(status, message, **headers)


# -- the application -----------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The served version, the base IRI and where its pages live on this server."""

    version: StoreVersion
    site: Site
    prefixes: tuple[str, ...]  # local path prefixes mapped onto the base, canonical first
    ontology_paths: frozenset[str]  # /ontology, and the path of the vocabulary's IRI


@dataclass
class Settings:
    root: Path
    base: str | None
    path_prefix: str | None
    timeout: float
    max_rows: int
    max_query_bytes: int
    allow_service: bool
    max_memory_mb: int = 0
    public_url: str = ""


class App:
    """What every request needs: the settings, the worker pool, the served version."""

    def __init__(self, settings: Settings, pool: WorkerPool, version: StoreVersion) -> None:
        self.settings = settings
        self.pool = pool
        self._lock = threading.Lock()
        self._dataset = self._make_dataset(version)
        self._void: tuple[str, list[Triple]] | None = None
        from ..sparql import named_queries

        self.queries = [(q.name, q.question, q.text) for q in named_queries()]

    def _make_dataset(self, version: StoreVersion) -> Dataset:
        base = self.settings.base or version.base
        prefix = self.settings.path_prefix or urlsplit(base).path or "/"
        prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        prefixes = [prefix]
        if self.settings.path_prefix is None:
            # Behind a redirect service (w3id.org/cmsgraph/id/x -> host/id/x) the first
            # segments are gone: accept each trailing part of the base's path too.
            segments = prefix.strip("/").split("/")
            prefixes += ["/" + "/".join(segments[i:]) + "/" for i in range(1, len(segments))]
        ontology = urlsplit(ns.ONTOLOGY).path.strip("/").split("/")  # cmsgraph/ontology
        ontology_paths = {"/" + "/".join(ontology[i:]) for i in range(len(ontology))}
        return Dataset(version, Site(base, prefix), tuple(prefixes), frozenset(ontology_paths))

    def dataset(self) -> Dataset:
        """The version ``current`` points to now (a rebuild is picked up on the fly)."""
        current = self._dataset
        try:
            path = Path(os.path.realpath(self.settings.root / "current"))
        except OSError:
            return current
        if path != current.version.path:
            with self._lock:
                if path != self._dataset.version.path:
                    try:
                        self._dataset = self._make_dataset(open_current(self.settings.root))
                        self.pool.store_path = self._dataset.version.oxigraph_path  # new workers
                        self._void = None
                        log.info("serving the new version %s", self._dataset.version.path)
                    except StoreError as exc:
                        log.warning("keeping the served version: %s", exc)
        return self._dataset

    def void(self, dataset: Dataset) -> list[Triple]:
        """The VoID description of the served version (computed once per version)."""
        with self._lock:
            if self._void is None or self._void[0] != str(dataset.version.path):
                from ..describe import void_description

                triples = void_description(
                    dataset.version, sparql_endpoint=self.settings.public_url + "sparql"
                )
                self._void = (str(dataset.version.path), triples)
            return self._void[1]

    def schema_dataset(self, dataset: Dataset) -> dict[str, Any]:
        """The description as a schema.org Dataset, for the home page."""
        from ..describe import schema_org_dataset

        return schema_org_dataset(self.void(dataset))

    def limits(self) -> dict[str, object]:
        s = self.settings
        return {
            "timeout": f"{s.timeout:g} s",
            "rows": s.max_rows,
            "query bytes": s.max_query_bytes,
            "memory per query worker": f"{s.max_memory_mb} MB" if s.max_memory_mb else "no limit",
            "SERVICE": "allowed" if s.allow_service else "refused",
        }

    def run(self, request: dict[str, Any]) -> Response:
        """Give ``request`` to a worker; turn pool failures into clear answers."""
        timeout = self.settings.timeout
        try:
            status, content_type, body = self.pool.run(request, timeout=timeout, wait=timeout)
        except PoolBusy:
            raise _Refused(
                503,
                f"the server is busy: every query worker stayed taken for {timeout:g} s; "
                "try again later",
                **{"Retry-After": "5"},
            ) from None
        except QueryTimeout:
            raise _Refused(
                503,
                f"the query ran longer than {timeout:g} s, this server's limit (--timeout), "
                "and was stopped; narrow it down or add LIMIT",
            ) from None
        except WorkerFailed as exc:
            if exc.out_of_memory:
                raise _Refused(
                    503,
                    "the query needed more memory than this server allows "
                    f"({self.settings.max_memory_mb} MB, --max-memory) and was stopped",
                ) from None
            log.error("a query worker failed: %s", exc)
            raise _Refused(500, "the query worker failed; please try again") from None
        return Response(status, body, content_type)


# -- HTTP ----------------------------------------------------------------------------


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog: many clients connect at once
    app: App
    slots: threading.BoundedSemaphore

    def process_request(self, request: Any, client_address: Any) -> None:
        # At most max_connections connections are served at once; beyond, a short 503.
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: 31\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                    b"too many connections; try again"
                )
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class Handler(BaseHTTPRequestHandler):
    server: HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "cmsgraph"
    sys_version = ""
    timeout = 30.0  # seconds a connection may stay silent
    error_content_type = TEXT
    error_message_format = "%(code)d %(message)s: %(explain)s\n"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def __getattr__(self, name: str) -> Any:
        """Any other method (``PUT``, ``DELETE``, ``PATCH``, WebDAV's ``MKCOL``,
        ``PROPPATCH``, ``COPY``, ``MOVE``, ``LOCK`` ..., ``TRACE``, ``CONNECT`` or a
        made-up one): refused with 405 like every other write, not ``http.server``'s
        501."""
        if name.startswith("do_") and name[3:].isupper():
            return lambda: self._handle(name[3:])
        raise AttributeError(name)

    def do_OPTIONS(self) -> None:
        """CORS preflight: any origin may query (the data is public and read-only)."""
        self._skip_body()
        self._send(
            Response(
                204,
                b"",
                headers={
                    "Allow": "GET, HEAD, POST, OPTIONS",
                    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Accept, Content-Type",
                    "Access-Control-Max-Age": "86400",
                },
            ),
            head=True,
        )

    # -- plumbing --

    def _handle(self, method: str) -> None:
        if method != "POST" or urlsplit(self.path).path != "/sparql":
            self._skip_body()  # only a query to /sparql is read
        try:
            response = self._route(method)
        except _Refused as refusal:
            response = refusal.response
        except Exception:  # a bug: logged with its traceback, the client gets one line
            log.exception("internal error answering %s %s", method, self.path[:200])
            response = _text(500, "internal error (the server's log has the details)")
        self._send(response, head=method == "HEAD")

    def _skip_body(self) -> None:
        """A body where none is expected is not read: close after answering."""
        if self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length", "0") != "0":
            self.close_connection = True

    def _send(self, response: Response, *, head: bool = False) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("X-Content-Type-Options", "nosniff")
            if response.content_type.startswith("text/html"):
                self.send_header("Content-Security-Policy", response.csp)
                self.send_header("Referrer-Policy", "no-referrer")
            for name, value in response.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(response.body)
        except OSError:  # the client went away
            self.close_connection = True

    def _body(self) -> bytes:
        """The request body, at most ``max_query_bytes`` (413 beyond, 411 unsized)."""
        limit = self.server.app.settings.max_query_bytes
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise _Refused(411, "send the body with a Content-Length (no chunked encoding)")
        try:
            length = int(self.headers.get("Content-Length", ""))
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise _Refused(411, "a POST needs a valid Content-Length") from None
        if length > limit:
            self.close_connection = True
            with contextlib.suppress(OSError):  # drain a little, so the client reads the 413
                remaining = min(length, max(4 * limit, 1 << 20))
                while remaining > 0 and (chunk := self.rfile.read(min(remaining, 65536))):
                    remaining -= len(chunk)
            raise _Refused(
                413,
                f"the request body is {length} bytes; this server accepts at most {limit} "
                "(--max-query-bytes)",
            )
        try:
            body = self.rfile.read(length)
        except OSError:
            self.close_connection = True
            raise _Refused(408, "the request body did not arrive in time") from None
        if len(body) != length:
            self.close_connection = True
            raise _Refused(400, "the request body is shorter than its Content-Length")
        return body

    def _route(self, method: str) -> Response:
        app = self.server.app
        split = urlsplit(self.path)
        path = split.path or "/"
        if unsafe_path(path):
            raise _Refused(400, "the path leaves the served tree ('..', '.' or an encoded '/')")
        if len(split.query.encode("utf-8", "surrogateescape")) > app.settings.max_query_bytes:
            raise _Refused(
                414,
                f"the query string is longer than {app.settings.max_query_bytes} bytes "
                "(--max-query-bytes); send the query with POST",
            )
        params = _form(split.query)
        if path != "/sparql" and method not in ("GET", "HEAD"):
            raise _Refused(
                405, "this server is read-only: nothing can be written here", Allow="GET, HEAD"
            )
        dataset = app.dataset()
        if path == "/sparql":
            return self._sparql(method, params, dataset)
        if path.startswith("/assets/"):
            try:
                body, media = asset(path.removeprefix("/assets/"))
            except KeyError:
                raise _Refused(404, f"no such file: {path[:200]}") from None
            return Response(200, body, media, {"Cache-Control": "public, max-age=3600"})
        if path == "/":
            description = app.schema_dataset(dataset)
            body = home_page(dataset.site, dataset.version.manifest, app.queries,
                             limits=app.limits(), description=description)  # fmt: skip
            return Response(200, body, HTML)
        if path in dataset.ontology_paths:
            return self._ontology(params, dataset)
        if path == "/.well-known/void":
            key = self._graph_format(params, "turtle")
            triples = app.void(dataset)
            if key == "turtle":  # the description's own order: the dataset first
                from ..describe import description_turtle

                body = description_turtle(triples)
            else:
                body = graph_bytes(triples, key)
            response = Response(200, body, by_key(key).content_type)
            response.headers["Vary"] = "Accept"
            return response
        if path == "/resource":
            return self._page([_one(params, "iri")], params, dataset)
        for prefix in dataset.prefixes:
            if path.startswith(prefix) and len(path) > len(prefix):
                raw = path[len(prefix) :]
                iris = [dataset.site.base + raw]
                # also as minted (namespaces.Iris quotes all but "/.-_~"), for clients
                # that send ':' or '(' where the IRI has %3A or %28
                minted = quote(unquote(raw), safe="/.-_~")
                if minted != raw:
                    iris.append(dataset.site.base + minted)
                return self._page(iris, params, dataset)
        raise _Refused(404, f"no such page: {path[:200]}")

    def _graph_format(self, params: dict[str, list[str]], default: str) -> str:
        for name in ("format", "output"):
            for value in params.get(name, []):
                if value.lower() in GRAPH_NAMES:
                    return GRAPH_NAMES[value.lower()]
        return negotiate(self.headers.get("Accept"), GRAPH_OFFERS, default)

    def _page_format(self, params: dict[str, list[str]]) -> str:
        """``html`` or an RDF format: by ``?format=``, else by ``Accept``."""
        requested = (params.get("format") or [""])[0].lower()
        if requested:
            key = "html" if requested == "html" else PAGE_NAMES.get(requested, "")
            if not key:
                names = ", ".join(["html", *(f.key for f in PAGES)])
                raise _Refused(400, f"unknown format {requested[:40]!r}; one of {names}")
            return key
        return negotiate(self.headers.get("Accept"), PAGE_OFFERS, "html")

    def _page(self, iris: list[str], params: dict[str, list[str]], ds: Dataset) -> Response:
        """A linked-data page: HTML or RDF by ``?format=``, else by ``Accept``."""
        key = self._page_format(params)
        response = self.server.app.run(
            {
                "op": "describe",
                "store": str(ds.version.oxigraph_path),
                "iris": iris,
                "format": key,
                "max_rows": self.server.app.settings.max_rows,
                "site": ds.site.as_dict(),
            }
        )
        return _negotiated(response, ds.site.page(iris[0]), key)

    def _ontology(self, params: dict[str, list[str]], ds: Dataset) -> Response:
        """The vocabulary (``/ontology``, and the path of its namespace): its
        documentation for browsers — each term at ``#localName``, so a term's IRI
        dereferences to its section — or its triples by ``Accept`` / ``?format=``."""
        key = self._page_format(params)
        response = self.server.app.run(
            {
                "op": "ontology",
                "store": str(ds.version.oxigraph_path),
                "format": key,
            }
        )
        return _negotiated(response, "/ontology", key)

    # -- SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/ --

    def _sparql(self, method: str, params: dict[str, list[str]], ds: Dataset) -> Response:
        """The query operation (§2.1); the update operation (§2.2) is refused."""
        app = self.server.app
        if method in ("GET", "HEAD"):
            # §2.1.1 query via GET: query, default-graph-uri, named-graph-uri in the URL.
            if "update" in params:
                raise self._update_refused()
            if "query" not in params:
                return self._describe_service(ds)
        elif method == "POST":
            media, charset = _content_type(self.headers.get("Content-Type", ""))
            body = self._body()
            if media == "application/x-www-form-urlencoded":
                # §2.1.2 query via POST directly, URL-encoded parameters in the body.
                form = _form(_decode(body, charset))
                if "update" in form:
                    raise self._update_refused()
                params = {**params, **form}
            elif media == "application/sparql-query":
                # §2.1.3 query via POST directly: the body is the query, the dataset
                # parameters stay in the URL.
                params = {**params, "query": [_decode(body, charset)]}
            elif media == "application/sparql-update":
                raise self._update_refused()  # §2.2.2 update via POST directly
            else:
                raise _Refused(
                    415,
                    "send the query as application/sparql-query or as a form "
                    "(application/x-www-form-urlencoded, query=...)",
                )
        else:
            raise _Refused(405, "the endpoint answers GET and POST", Allow="GET, HEAD, POST")
        query = _one(params, "query")
        shape = scan_query(query)
        if shape.update:
            raise self._update_refused()
        if shape.service and not app.settings.allow_service:
            raise _Refused(
                403,
                "SERVICE is refused: this server makes no request to another endpoint on "
                "a client's behalf (it can be allowed with --allow-service)",
            )
        # §2.1.4 the RDF dataset: default-graph-uri / named-graph-uri win over FROM;
        # without either, the query's FROM, else the store's default graph (every fact).
        explicit = "default-graph-uri" in params or "named-graph-uri" in params
        request = {
            "op": "sparql",
            "store": str(ds.version.oxigraph_path),
            "query": query,
            "default_graphs": params.get("default-graph-uri", []) if explicit else None,
            "named_graphs": params.get("named-graph-uri", []) if explicit else None,
            "results_format": self._results_format(params),
            "graph_format": self._graph_format(params, "turtle"),
            "max_rows": app.settings.max_rows,
            "service": shape.service,
            "union_alias": ns.Iris(ds.site.base).graph("all"),
            "site": ds.site.as_dict(),
        }
        response = app.run(request)
        response.headers["Vary"] = "Accept"
        return response

    def _results_format(self, params: dict[str, list[str]]) -> str:
        for name in ("format", "output", "results"):
            for value in params.get(name, []):
                if value.lower() in RESULT_NAMES:
                    return RESULT_NAMES[value.lower()]
        return negotiate(self.headers.get("Accept"), RESULT_OFFERS, "json")

    @staticmethod
    def _update_refused() -> _Refused:
        return _Refused(
            403,
            "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is refused: this "
            "endpoint is read-only",
        )

    def _describe_service(self, ds: Dataset) -> Response:
        """``GET /sparql`` without a query: the form for browsers, else a `SPARQL 1.1
        Service Description <https://www.w3.org/TR/sparql11-service-description/>`_."""
        app = self.server.app
        choices = [("text/html", "html"), *GRAPH_OFFERS]
        key = negotiate(self.headers.get("Accept"), choices, "html")
        if key == "html":
            page = editor_page(ds.site, app.queries, limits=app.limits())
            return Response(200, page, HTML, csp=EDITOR_CSP)
        endpoint = NamedNode(app.settings.public_url + "sparql")

        def sd(local: str) -> NamedNode:
            return NamedNode(SD + local)

        triples = [
            Triple(endpoint, NamedNode(ns.RDF + "type"), sd("Service")),
            Triple(endpoint, sd("endpoint"), endpoint),
            Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
            Triple(endpoint, sd("feature"), sd("UnionDefaultGraph")),
            Triple(endpoint, NamedNode(ns.RDFS + "comment"),
                   Literal("Read-only: SPARQL Update is refused.", language="en")),
        ]  # fmt: skip
        if app.settings.allow_service:
            triples.append(Triple(endpoint, sd("feature"), sd("BasicFederatedQuery")))
        for fmt in [*RESULTS, *GRAPHS]:
            if fmt.w3c:
                triples.append(Triple(endpoint, sd("resultFormat"), NamedNode(fmt.w3c)))
        return Response(200, graph_bytes(triples, key), by_key(key).content_type)


def _negotiated(response: Response, page: str, key: str) -> Response:
    """The headers of a negotiated resource (`Cool URIs for the Semantic Web §4.3
    <https://www.w3.org/TR/cooluris/#conneg>`_): ``Vary: Accept``, ``Content-Location``
    naming the representation sent, and a ``Link`` (RFC 8288) to each other one."""
    response.headers["Vary"] = "Accept"
    if response.status != 200:
        return response
    response.headers["Content-Location"] = Site.with_format(page, key)
    others = [("html", "text/html")] + [(f.key, f.media_type) for f in PAGES]
    response.headers["Link"] = ", ".join(
        f'<{Site.with_format(page, other)}>; rel="alternate"; type="{media}"'
        for other, media in others
        if other != key
    )
    return response


def _form(text: str) -> dict[str, list[str]]:
    """URL-encoded parameters (UTF-8; malformed encodings are a 400)."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=200)
    except ValueError as exc:  # UnicodeDecodeError too
        raise _Refused(400, f"malformed parameters: {exc}") from None


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1:
        raise _Refused(400, f"give exactly one {name!r} parameter (got {len(values)})")
    return values[0]


def _content_type(header: str) -> tuple[str, str]:
    media, *params = (part.strip() for part in header.split(";"))
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or "utf-8"
    return media.lower(), charset


def _decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except LookupError:
        raise _Refused(415, f"unknown charset {charset[:40]!r}; send UTF-8") from None
    except UnicodeDecodeError as exc:
        raise _Refused(400, f"the body is not valid {charset}: {exc}") from None
