"""The query workers of ``cmsgraph serve``: every store access runs in one of them.

pyoxigraph has no query timeout, and a query that never yields its first row (a
cartesian product under ``COUNT``, a huge ``ORDER BY``) cannot be interrupted from
inside the process running it. So each query runs in a separate worker process that
the server kills when the time is up (SIGKILL: the store is opened read-only, there is
nothing to corrupt) and replaces. Workers are plain ``python -m cmsgraph._serve_worker
STORE`` child processes talking length-prefixed pickles over their stdin/stdout, so the
server's threads, sockets and main module are never inherited or re-imported.

A worker serves one request at a time: a SPARQL query (``op: sparql``) answered with
bytes in the negotiated format, or the facts about one IRI (``op: describe``) for the
linked-data pages. It exits when the server closes its stdin, when the server goes
away (its parent changes), or when one request outlives its deadline by far.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
    serialize,
)

from . import namespaces as ns

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Reply", "WorkerPool"]

Reply = tuple[int, str, bytes]  # status, content type, body
TEXT = "text/plain; charset=utf-8"

#: SPARQL results formats: key -> (media type sent, pyoxigraph format). JSON is
#: `SPARQL 1.1 Query Results JSON <https://www.w3.org/TR/sparql11-results-json/>`_,
#: XML `SPARQL Query Results XML <https://www.w3.org/TR/rdf-sparql-XMLres/>`_, CSV/TSV
#: `SPARQL 1.1 Query Results CSV and TSV <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_.
RESULT_FORMATS: dict[str, tuple[str, QueryResultsFormat]] = {
    "json": ("application/sparql-results+json; charset=utf-8", QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml; charset=utf-8", QueryResultsFormat.XML),
    "csv": ("text/csv; charset=utf-8", QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values; charset=utf-8", QueryResultsFormat.TSV),
}
#: RDF formats of CONSTRUCT / DESCRIBE results and of resource descriptions.
GRAPH_FORMATS: dict[str, tuple[str, RdfFormat]] = {
    "turtle": ("text/turtle; charset=utf-8", RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", RdfFormat.RDF_XML),
}

_RDF_TYPE = NamedNode(ns.RDF + "type")
_XSD_STRING = ns.XSD + "string"
_RDF_LANG_STRING = ns.RDF + "langString"
# What names a thing on its page, best first.
LABEL_PREDICATES = [
    NamedNode(ns.SKOS + "prefLabel"),
    NamedNode(ns.RDFS + "label"),
    NamedNode(ns.SCHEMA + "name"),
    NamedNode(ns.DCT + "title"),
    NamedNode(ns.FOAF + "name"),
    NamedNode(ns.SKOS + "notation"),
    NamedNode(ns.DCT + "identifier"),
]
_STARTUP_SECONDS = 60.0


# -- framing -------------------------------------------------------------------------


class _Timeout(Exception):
    """No complete frame arrived before the deadline."""


def _write_frame(fd: int, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    poller = select.poll() if deadline is not None else None
    if poller is not None:
        poller.register(fd, select.POLLIN)
    while size:
        if poller is not None and deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise _Timeout
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None = None) -> Any:
    (size,) = struct.unpack(">Q", _read_exact(fd, 8, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))  # our own child: trusted


# -- the pool (server side) ----------------------------------------------------------


class PoolBusy(Exception):
    """No worker became free in time."""


class QueryTimeout(Exception):
    """The worker did not answer in time; it was killed."""


class WorkerFailed(Exception):
    """The worker died or sent garbage; it was replaced."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode

    @property
    def out_of_memory(self) -> bool:
        """Killed for memory: an allocation failed under the limit (Rust aborts), or the
        kernel's OOM killer struck."""
        return self.returncode in (-signal.SIGABRT, -signal.SIGKILL, 134, 137)


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    to_worker: int
    from_worker: int
    pid: int = field(init=False)

    def __post_init__(self) -> None:
        self.pid = self.proc.pid

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for fd in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                os.close(fd)


class WorkerPool:
    """A fixed number of worker processes; :meth:`run` gives a request to a free one.

    A worker that overruns its time is killed and a fresh one started in the
    background, so the pool heals itself; :meth:`close` kills them all.
    """

    def __init__(self, store_path: Path, size: int, *, memory_limit: int = 0) -> None:
        self.store_path = store_path
        self.size = max(1, size)
        self.memory_limit = memory_limit  # bytes of data memory per worker; 0: no limit
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._starting = 0
        self._lock = threading.Lock()
        self._closed = False
        env = dict(os.environ)
        package_parent = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        self._env = env
        starting = [self._spawn() for _ in range(self.size)]
        for worker in starting:
            self._await_ready(worker)

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _spawn(self, *, was_starting: bool = False) -> _Worker:
        read_req, write_req = os.pipe()
        read_rep, write_rep = os.pipe()
        try:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-P",
                    "-m",
                    "cmsgraph._serve_worker",
                    str(self.store_path),
                    str(self.memory_limit),
                ],
                stdin=read_req,
                stdout=write_rep,
                env=self._env,
                close_fds=True,
            )
        except BaseException:
            os.close(write_req)
            os.close(read_rep)
            raise
        finally:
            os.close(read_req)
            os.close(write_rep)
        worker = _Worker(proc, write_req, read_rep)
        with self._lock:
            self._all.add(worker)
            if was_starting:
                self._starting -= 1
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            hello = _read_frame(worker.from_worker, time.monotonic() + _STARTUP_SECONDS)
            if not (isinstance(hello, tuple) and hello[0] == "ready"):
                raise WorkerFailed(f"unexpected greeting {hello!r}")
        except (_Timeout, EOFError, OSError, pickle.UnpicklingError, WorkerFailed) as exc:
            self._discard(worker)
            from .errors import StoreError

            raise StoreError(
                f"{self.store_path}: a query worker could not open the store ({exc!r}); "
                "see the messages above"
            ) from None
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def _replenish(self) -> None:
        """Start workers in the background until the pool has its size again."""
        with self._lock:
            missing = self.size - len(self._all) - self._starting
            if self._closed or missing <= 0:
                return
            self._starting += missing

        def start() -> None:
            try:
                worker = self._spawn(was_starting=True)
            except Exception as exc:
                with self._lock:
                    self._starting -= 1
                if not self._closed:
                    import logging

                    logging.getLogger("cmsgraph.serve").error("cannot start a worker: %s", exc)
                return
            try:
                self._await_ready(worker)  # discards it on failure
                if self._closed:
                    self._discard(worker)
            except Exception as exc:  # logged; the next request tries again
                if not self._closed:
                    import logging

                    logging.getLogger("cmsgraph.serve").error("cannot start a worker: %s", exc)

        for _ in range(missing):
            threading.Thread(target=start, name="cmsgraph-worker-start", daemon=True).start()

    def run(self, request: dict[str, Any], *, timeout: float, wait: float) -> Reply:
        """Run ``request`` on a free worker; wait at most ``wait`` s for one.

        :raises PoolBusy: no worker became free within ``wait`` seconds.
        :raises QueryTimeout: the worker ran longer than ``timeout`` s (it was killed).
        :raises WorkerFailed: the worker died (it was replaced).
        """
        self._replenish()
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy from None
        healthy = False
        try:
            _write_frame(worker.to_worker, {**request, "timeout": timeout})
            reply = _read_frame(worker.from_worker, time.monotonic() + timeout)
            if not (isinstance(reply, tuple) and len(reply) == 3):
                raise WorkerFailed(f"unexpected reply {type(reply).__name__}")
            healthy = True
            return reply
        except _Timeout:
            raise QueryTimeout from None
        except (EOFError, OSError, pickle.UnpicklingError, struct.error) as exc:
            returncode = None
            with contextlib.suppress(subprocess.TimeoutExpired):
                returncode = worker.proc.wait(timeout=2)
            raise WorkerFailed(f"{exc} (exit status {returncode})", returncode) from None
        finally:
            if healthy and not self._closed:
                self._idle.put(worker)
            else:
                self._discard(worker)
                self._replenish()

    def close(self) -> None:
        """Kill every worker (queries in progress are answered as failed)."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


# -- the worker (child side) ---------------------------------------------------------


class _State:
    """The store a worker has open; reopened when the served version changes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.store = Store.read_only(path)
        self.busy_since: float | None = None
        self.limit: float = 0.0

    def at(self, path: str) -> Store:
        if path != self.path:
            self.store = Store.read_only(path)
            self.path = path
        return self.store


def _watchdog(state: _State, parent: int) -> None:
    """Exit when the server is gone, or when a request overruns its deadline by far
    (the server kills an overrunning worker itself; this is the second line)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)
        started = state.busy_since
        if started is not None and time.monotonic() - started > state.limit:
            os._exit(2)


def main(argv: list[str]) -> int:
    """``python -m cmsgraph._serve_worker STORE [MEMORY_LIMIT]``: serve requests on
    stdin/stdout; with a limit (bytes), an allocation beyond it aborts the worker
    (RLIMIT_DATA: heap and anonymous mappings) instead of exhausting the machine."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server to handle
    if len(argv) > 1 and int(argv[1]) > 0:
        import resource

        limit = int(argv[1])
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    parent = os.getppid()
    replies = os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the reply channel
    try:
        state = _State(argv[0])
    except (OSError, IndexError) as exc:
        print(f"cmsgraph serve: worker cannot open the store: {exc}", file=sys.stderr)
        return 3
    threading.Thread(target=_watchdog, args=(state, parent), daemon=True).start()
    _write_frame(replies, ("ready", os.getpid()))
    while True:
        try:
            request = _read_frame(0)
        except (EOFError, OSError):
            return 0
        state.limit = float(request.get("timeout", 60.0)) + 30.0
        state.busy_since = time.monotonic()
        try:
            reply = handle(state, request)
        except Exception as exc:  # a bug: the traceback goes to the server's stderr
            traceback.print_exc()
            reply = (500, TEXT, f"internal error ({type(exc).__name__})\n".encode())
        state.busy_since = None
        _write_frame(replies, reply)


def handle(state: _State, request: dict[str, Any]) -> Reply:
    """Answer one request (the worker's dispatch)."""
    try:
        store = state.at(request["store"])
    except OSError as exc:
        return 503, TEXT, f"the store cannot be opened: {exc}\n".encode()
    if request["op"] == "sparql":
        return run_sparql(store, request)
    if request["op"] == "describe":
        from ._serve_pages import describe_page

        return describe_page(store, request)
    return 400, TEXT, b"unknown operation\n"


# -- SPARQL --------------------------------------------------------------------------


def _too_large(max_rows: int, what: str) -> Reply:
    return (
        422,
        TEXT,
        f"the result has more than {max_rows} {what}, this server's limit (--max-rows); "
        "add LIMIT and OFFSET to page through it\n".encode(),
    )


def run_sparql(store: Store, request: dict[str, Any]) -> Reply:
    """Run a query (the dataset already decided by the server) and serialise it.

    The default graph is the union of all graphs unless the request names its dataset
    (`SPARQL 1.1 Protocol §2.1.4 <https://www.w3.org/TR/sparql11-protocol/#dataset>`_:
    ``default-graph-uri`` / ``named-graph-uri``) or the query does (``FROM``).
    """
    kwargs: dict[str, Any] = {"prefixes": dict(ns.PREFIXES)}
    try:
        if request.get("default_graphs") is not None or request.get("named_graphs") is not None:
            kwargs["default_graph"] = _graphs(store, request.get("default_graphs") or [], request)
            kwargs["named_graphs"] = [NamedNode(g) for g in request.get("named_graphs") or []]
        elif request.get("union", True):
            kwargs["use_default_graph_as_union"] = True
    except ValueError as exc:
        return 400, TEXT, f"default-graph-uri / named-graph-uri: not an IRI: {exc}\n".encode()
    max_rows = int(request["max_rows"])
    try:
        result = store.query(request["query"], **kwargs)
        if isinstance(result, QueryBoolean):
            media, fmt = RESULT_FORMATS.get(request["results_format"], RESULT_FORMATS["json"])
            return 200, media, result.serialize(format=fmt) or b""
        if isinstance(result, QuerySolutions):
            return _solutions(store, request, result, max_rows)
        if isinstance(result, QueryTriples):
            triples = list(itertools.islice(result, max_rows + 1))
            if len(triples) > max_rows:
                return _too_large(max_rows, "triples")
            media, _ = GRAPH_FORMATS[request["graph_format"]]
            return 200, media, graph_bytes(triples, request["graph_format"])
    except SyntaxError as exc:
        # SPARQL 1.1 Protocol §2.1.5: a malformed query is answered 400 Bad Request.
        return 400, TEXT, f"malformed query: {exc}\n".encode()
    except OSError as exc:  # a SERVICE call that failed (when allowed), a store fault
        status = 502 if request.get("service") else 500  # 502: the other endpoint failed
        return status, TEXT, f"the query failed: {exc}\n".encode()
    return 500, TEXT, b"the query gave an unknown kind of result\n"


def _graphs(store: Store, iris: list[str], request: dict[str, Any]) -> list[Any]:
    """The default graph named by ``default-graph-uri``. ``BASE graph/all``, the graph
    ``cmsgraph publish`` writes the union to, names the union here too (unless the store
    has a graph of that name), so clients of a published store work unchanged."""
    alias = request.get("union_alias")
    graphs: list[Any] = []
    for iri in iris:
        node = NamedNode(iri)
        if iri == alias and not store.contains_named_graph(node):
            graphs += [DefaultGraph(), *store.named_graphs()]
        else:
            graphs.append(node)
    return graphs


def _solutions(
    store: Store, request: dict[str, Any], result: QuerySolutions, max_rows: int
) -> Reply:
    key = request["results_format"]
    variables = [v.value for v in result.variables]
    rows = list(itertools.islice(result, max_rows + 1))
    if len(rows) > max_rows:
        return _too_large(max_rows, "rows")
    if key == "html":  # for people: a table, IRIs linked to their pages
        from ._serve_pages import HTML, Site, results_table

        return 200, HTML, results_table(store, Site(**request["site"]), variables, rows)
    doc = {
        "head": {"vars": variables},
        "results": {
            "bindings": [
                {v: term_json(row[v]) for v in variables if row[v] is not None} for row in rows
            ]
        },
    }
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    media, fmt = RESULT_FORMATS[key]
    if fmt != QueryResultsFormat.JSON:  # the same solutions, written by pyoxigraph
        solutions = parse_query_results(body, format=QueryResultsFormat.JSON)
        body = solutions.serialize(format=fmt) or b""
    return 200, media, body


def term_json(term: object) -> dict[str, Any]:
    """A term as in `SPARQL 1.1 Query Results JSON §3.2.2
    <https://www.w3.org/TR/sparql11-results-json/#select-encode-terms>`_ (and a quoted
    triple as the RDF-star / SPARQL 1.2 ``triple`` type)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _triple_key(t: Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def graph_bytes(triples: Iterable[Triple], key: str) -> bytes:
    """``triples`` (sorted, each once) in an RDF format. JSON-LD is the export's
    readable compaction, its context embedded: a reader never fetches a context."""
    ordered = sorted(set(triples), key=_triple_key)
    _, fmt = GRAPH_FORMATS[key]
    if key == "jsonld":
        from .exporter import jsonld_document

        with contextlib.suppress(Exception):  # an RDF-star triple term: plain JSON-LD
            return jsonld_document(ordered)
        return serialize(ordered, format=fmt, prefixes=_used_prefixes(ordered)) or b""
    prefixes = None if key == "ntriples" else _used_prefixes(ordered)
    return serialize(ordered, format=fmt, prefixes=prefixes) or b""


def _used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The prefixes of :data:`namespaces.PREFIXES` that ``triples`` use."""
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, Literal)}
    stems = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}  # a few dozen
    return {
        prefix: namespace
        for prefix, namespace in ns.PREFIXES.items()
        if any(stem.startswith(namespace) for stem in stems)
    }


# -- facts about one IRI, for the linked-data pages ---------------------------------


@dataclass
class Facts:
    """What the store says about one IRI (each list sorted, each triple once)."""

    node: NamedNode
    outgoing: list[Triple]
    incoming: list[Triple]
    graphs: list[NamedNode]  # the graphs stating them
    graph_size: int | None  # it names a graph of that many quads (capped), or None
    predicate_uses: int  # triples using it as their property (capped)
    truncated: bool

    @property
    def found(self) -> bool:
        return bool(
            self.outgoing or self.incoming or self.graph_size is not None or self.predicate_uses
        )


def facts(store: Store, node: NamedNode, limit: int) -> Facts:
    """The triples with ``node`` as subject and as object, at most ``limit`` each."""
    graphs: set[NamedNode] = set()
    truncated = False

    def collect(quads: Iterable[Any]) -> list[Triple]:
        nonlocal truncated
        seen: set[Triple] = set()
        for quad in quads:
            if isinstance(quad.graph_name, NamedNode):
                graphs.add(quad.graph_name)
            seen.add(quad.triple)
            if len(seen) > limit:
                truncated = True
                seen.discard(quad.triple)
                break
        return sorted(seen, key=_triple_key)

    outgoing = collect(store.quads_for_pattern(node, None, None, None))
    incoming = collect(store.quads_for_pattern(None, None, node, None))
    graph_size = None
    if store.contains_named_graph(node):
        graph_size = _count(store.quads_for_pattern(None, None, None, node), limit)
    uses = _count(store.quads_for_pattern(None, node, None, None), limit)
    return Facts(node, outgoing, incoming, sorted(graphs, key=str), graph_size, uses, truncated)


def _count(items: Iterable[object], cap: int) -> int:
    return sum(1 for _ in itertools.islice(items, cap + 1))


def labeller(store: Store) -> Callable[[object], str | None]:
    """A cached ``term -> label`` (English or untagged first, then any), or None."""
    cache: dict[object, str | None] = {}

    def label(term: object) -> str | None:
        if not isinstance(term, NamedNode | BlankNode):
            return None
        if term not in cache:
            cache[term] = None
            for predicate in LABEL_PREDICATES:
                values = [
                    q.object
                    for q in store.quads_for_pattern(term, predicate, None, None)
                    if isinstance(q.object, Literal)
                ]
                if values:
                    preferred = [v for v in values if (v.language or "en").startswith("en")]
                    cache[term] = min(v.value for v in (preferred or values))
                    break
        return cache[term]

    return label


def known(store: Store, term: NamedNode) -> bool:
    """Whether the store says anything about ``term`` (it has a page of its own)."""
    return next(iter(store.quads_for_pattern(term, None, None, None)), None) is not None or (
        store.contains_named_graph(term)
    )


if __name__ == "__main__":  # run the module's own copy, not this __main__ one
    from cmsgraph._serve_worker import main as _main

    sys.exit(_main(sys.argv[1:]))
