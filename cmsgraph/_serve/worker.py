"""A query worker of ``cmsgraph serve`` (the child's side of :mod:`.pool`).

``python -m cmsgraph._serve.worker STORE [MEMORY_LIMIT]`` opens the store read-only
and answers one request at a time: a SPARQL query (``op: sparql``) answered with bytes
in the negotiated format, or the page of one IRI (``op: describe``). It exits when the
server closes its stdin, when the server goes away (its parent changes), or when one
request outlives its deadline by far.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, Store

from .. import namespaces as ns
from ..errors import StoreError
from ..exporter import graph_bytes, ontology_triples
from ..formats import by_key
from ..results import ResultTable, serialize_results
from ..store import StoreVersion, open_version
from .pages import HTML, TEXT, Site, describe_page, results_table
from .pool import Reply, read_frame, write_frame

__all__ = ["handle", "main", "run_sparql"]


class _State:
    """The store version a worker has open (and pinned, so that no build removes it
    while the worker reads it); reopened when the served version changes."""

    def __init__(self, path: str) -> None:
        self.busy_since: float | None = None
        self.limit: float = 0.0
        self.path = ""
        self.at(path)

    def at(self, path: str) -> tuple[StoreVersion, Store]:
        """The version whose oxigraph store is at ``path``, and the store.

        :raises OSError: if the version is gone or cannot be opened.
        """
        if path != self.path:
            try:
                version = open_version(Path(path).parent)
            except StoreError as exc:
                raise OSError(str(exc)) from None
            if version is None:
                raise OSError(f"{path}: the store version was removed")
            self.version, self.store, self.path = version, version.open(), path
        return self.version, self.store


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
    """``python -m cmsgraph._serve.worker STORE [MEMORY_LIMIT]``: serve requests on
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
    write_frame(replies, ("ready", os.getpid()))
    while True:
        try:
            request = read_frame(0)
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
        write_frame(replies, reply)


def handle(state: _State, request: dict[str, Any]) -> Reply:
    """Answer one request (the worker's dispatch)."""
    try:
        version, store = state.at(request["store"])
    except (OSError, StoreError) as exc:
        return 503, TEXT, f"the store cannot be opened: {exc}\n".encode()
    if request["op"] == "sparql":
        return run_sparql(store, request, version)
    if request["op"] == "describe":
        return describe_page(store, request, version)
    if request["op"] == "ontology":
        return ontology(version, store, request["format"])
    return 400, TEXT, b"unknown operation\n"


def ontology(version: StoreVersion, store: Store, key: str) -> Reply:
    """The ontology's graph: its documentation (``html``), else its triples."""
    try:
        triples = ontology_triples(version, store)
    except StoreError:
        triples = []
    if not triples:
        return 404, TEXT, b"this store holds no ontology graph\n"
    if key == "html":
        from ..ontodoc import ontology_html

        return 200, HTML, ontology_html(triples).encode("utf-8")
    return 200, by_key(key).content_type, graph_bytes(triples, key)


# -- SPARQL 1.1 Protocol: the query, run and written -------------------------------


def _too_large(max_rows: int, what: str) -> Reply:
    return (
        422,
        TEXT,
        f"the result has more than {max_rows} {what}, this server's limit (--max-rows); "
        "add LIMIT and OFFSET to page through it\n".encode(),
    )


def run_sparql(store: Store, request: dict[str, Any], version: StoreVersion) -> Reply:
    """Run a query (the dataset already decided by the server) and serialise it.

    The default graph holds every fact once. A request that names its dataset
    (`SPARQL 1.1 Protocol §2.1.4 <https://www.w3.org/TR/sparql11-protocol/#dataset>`_:
    ``default-graph-uri`` / ``named-graph-uri``), or a query that does (``FROM``,
    ``GRAPH``), gets the booked graphs it names: see
    :meth:`~cmsgraph.store.StoreVersion.for_query`.
    """
    try:
        target, kwargs = version.for_query(
            store,
            request["query"],
            default_graphs=request.get("default_graphs"),
            named_graphs=request.get("named_graphs"),
            union_alias=request.get("union_alias"),
        )
    except ValueError as exc:
        return 400, TEXT, f"default-graph-uri / named-graph-uri: not an IRI: {exc}\n".encode()
    kwargs["prefixes"] = dict(ns.PREFIXES)
    max_rows = int(request["max_rows"])
    try:
        result = target.query(request["query"], **kwargs)
        if isinstance(result, QueryBoolean):
            key = request["results_format"]
            key = "json" if key == "html" else key  # a boolean needs no table
            return 200, by_key(key).content_type, serialize_results(bool(result), key)
        if isinstance(result, QuerySolutions):
            return _solutions(store, request, result, max_rows)  # labels from the store
        if isinstance(result, QueryTriples):
            triples = list(itertools.islice(result, max_rows + 1))
            if len(triples) > max_rows:
                return _too_large(max_rows, "triples")
            key = request["graph_format"]
            return 200, by_key(key).content_type, graph_bytes(triples, key)
    except SyntaxError as exc:
        # SPARQL 1.1 Protocol §2.1.5: a malformed query is answered 400 Bad Request.
        return 400, TEXT, f"malformed query: {exc}\n".encode()
    except OSError as exc:  # a SERVICE call that failed (when allowed), a store fault
        status = 502 if request.get("service") else 500  # 502: the other endpoint failed
        return status, TEXT, f"the query failed: {exc}\n".encode()
    return 500, TEXT, b"the query gave an unknown kind of result\n"


def _solutions(
    store: Store, request: dict[str, Any], result: QuerySolutions, max_rows: int
) -> Reply:
    key = request["results_format"]
    variables = [v.value for v in result.variables]
    rows = list(itertools.islice(result, max_rows + 1))
    if len(rows) > max_rows:
        return _too_large(max_rows, "rows")
    if key == "html":  # for people: a table, IRIs linked to their pages
        return 200, HTML, results_table(store, Site(**request["site"]), variables, rows)
    table = ResultTable.from_solutions(variables, rows)
    return 200, by_key(key).content_type, serialize_results(table, key, pretty=False)


if __name__ == "__main__":  # run the package's copy, not this __main__ one
    from cmsgraph._serve.worker import main as _main

    sys.exit(_main(sys.argv[1:]))
