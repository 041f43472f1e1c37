"""Publishing to real SPARQL stores and querying them: Oxigraph server and Virtuoso 7.

One Oxigraph and one Virtuoso server are started for the session on 127.0.0.1; a
server that cannot start fails the tests that need it (never a skip). Faults are
injected by a small TCP proxy in front of the real server that cuts a request half
way, answers 500, hangs, or drops the answer.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from support.servers import (
    ServerInfo,
    ServerUnavailable,
    free_port,
    oxigraph_server,
    virtuoso_server,
)

import cmsgraph
from cmsgraph.errors import RemoteError
from cmsgraph.remote import PublishResult, default_graph, publish, remote_query
from cmsgraph.results import ResultTable
from cmsgraph.sparql import named_queries, query

integration = pytest.mark.integration

V2_BASE = "http://example.org/v2/"
PARAMS = {"provenance": ["code=4.4"], "activity-history": ["code=4.4"]}  # need a binding
NO_ANSWER_FROM_ONE_REPORT = {"changes"}  # pairs of consecutive reports: none in one report
SERVERS = ["oxigraph", "virtuoso"]


# -- servers and stores ----------------------------------------------------------------


@contextlib.contextmanager
def _started(start: Callable[[Path], Any], workdir: Path) -> Iterator[ServerInfo]:
    try:
        with start(workdir) as info:
            yield info
    except ServerUnavailable as exc:
        pytest.fail(f"the test server could not start (a failure, not a skip): {exc}")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    with _started(oxigraph_server, tmp_path_factory.mktemp("oxigraph")) as info:
        yield info


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    with _started(virtuoso_server, tmp_path_factory.mktemp("virtuoso")) as info:
        yield info


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> ServerInfo:
    info: ServerInfo = request.getfixturevalue(request.param)
    return info


@pytest.fixture(scope="session")
def v2_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same documents under another base: every subject differs from v1's."""
    store = tmp_path_factory.mktemp("v2") / "store"
    cmsgraph.build(store=store, base=V2_BASE)
    return store


@pytest.fixture(scope="session")
def built_store(rendered, seed_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled report, a programme of work and a prose document, so that every named
    query has answers to compare with a remote store's."""
    store = tmp_path_factory.mktemp("family") / "store"
    sources = [seed_path, rendered("sharks-programme", "txt"), rendered("prose", "txt")]
    cmsgraph.build(sources, store=store)
    return store


@pytest.fixture(scope="session")
def local_count(built_store: Path) -> int:
    table = _local_select(built_store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT * {?s ?p ?o} }")
    return int(table.values()[0][0] or 0)


def _local_select(store: Path, text: str) -> ResultTable:
    from cmsgraph.sparql import NamedQuery, run_local
    from cmsgraph.store import open_current

    result = run_local(open_current(store).open(), NamedQuery("q", "", text), {})
    assert isinstance(result, ResultTable)
    return result


def _credentials(info: ServerInfo) -> dict[str, Any]:
    return {"user": info.user, "password": info.password} if info.user else {}


def _publish(info: ServerInfo, store: Path, graph: str, **kw: Any) -> PublishResult:
    return publish(store=store, endpoint=info.query_url, graph=graph, **_credentials(info), **kw)


def _remote(info: ServerInfo, text: str) -> list[tuple[str | None, ...]]:
    table = remote_query(info.query_url, text, {}, graph="")
    assert isinstance(table, ResultTable)
    return table.values()


def _graph_count(info: ServerInfo, graph: str, *, v2_only: bool = False) -> int:
    only = f'FILTER STRSTARTS(STR(?s), "{V2_BASE}")' if v2_only else ""
    rows = _remote(info, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o {only} }}")
    return int(rows[0][0] or 0)


def _temporary_graphs(info: ServerInfo) -> list[str]:
    rows = _remote(info, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return [g for (g, _) in rows if g and ".tmp-" in g]


def _graph_iri(request: pytest.FixtureRequest) -> str:
    return "http://example.org/test/" + re.sub(r"\W+", "-", request.node.name)


@pytest.fixture(scope="session")
def published(request: pytest.FixtureRequest, built_store: Path) -> Callable[[str], PublishResult]:
    """The bundled store published to each server's default graph, once per session."""
    done: dict[str, PublishResult] = {}

    def get(kind: str) -> PublishResult:
        if kind not in done:
            info: ServerInfo = request.getfixturevalue(kind)
            done[kind] = _publish(info, built_store, default_graph())
        return done[kind]

    return get


# -- a proxy that injects faults -------------------------------------------------------


class FaultyProxy:
    """A TCP proxy on 127.0.0.1 in front of a real server.

    ``rule(method, head, body)`` decides per request: ``"forward"``; ``"cut"`` (send the
    server the head and half the body, then close both sides); ``"fail"`` (answer 500,
    forward nothing); ``"hang"`` (never answer); ``"lose"`` (forward it whole, then
    close the client's connection without the answer).
    """

    def __init__(self, server: ServerInfo, rule: Callable[[str, bytes, bytes], str]) -> None:
        parts = urllib.parse.urlsplit(server.base_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rule = rule
        self.actions: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()

    def endpoint(self, server: ServerInfo) -> str:
        return self.url + urllib.parse.urlsplit(server.query_url).path

    def __enter__(self) -> FaultyProxy:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while length and len(body) < int(length.group(1)):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                body += chunk
            method = head.split(b" ", 1)[0].decode()
            action = self.rule(method, head, body)
            self.actions.append(action)
            if action == "fail":
                conn.sendall(b"HTTP/1.1 500 Injected fault\r\nContent-Length: 0\r\n\r\n")
                return
            if action == "hang":
                self._stop.wait(30)
                return
            with socket.create_connection(self.target) as upstream:
                if action == "cut":
                    upstream.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
                    return
                upstream.sendall(head + b"\r\n\r\n" + body)
                self._relay(upstream, conn if action == "forward" else None)

    def _relay(self, upstream: socket.socket, client: socket.socket | None) -> None:
        """Pass the answer on (or drop it) until either side closes: a server that
        keeps the connection alive must not keep one of its few workers busy. An answer
        to drop is waited for first (up to 30 s): closing the connection before the
        server has answered could make it abandon the request itself."""
        sockets = [upstream] + ([client] if client else [])
        answered = False
        deadline = time.monotonic() + 30
        while not self._stop.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select(sockets, [], [], 0.5)
            for sock in readable:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                answered = answered or sock is upstream
                if sock is upstream and client is not None:
                    client.sendall(chunk)
            if client is None and answered and not readable:
                return  # the answer has come, and has been dropped


def _big(action: str) -> Callable[[str, bytes, bytes], str]:
    """Apply ``action`` to uploads (bodies over 100 kB), forward everything else."""
    return lambda method, head, body: action if len(body) > 100_000 else "forward"


def _move(action: str) -> Callable[[str, bytes, bytes], str]:
    return lambda method, head, body: action if body.startswith(b"MOVE ") else "forward"


# -- publishing, then every named query answers the same ------------------------------


def _normalised(table: ResultTable | bool, text: str) -> Any:
    """Rows as sorted (kind, value, datatype, lowercased language) tuples.

    Order is free where ORDER BY ties, and so is the order of GROUP_CONCAT members.
    """
    if isinstance(table, bool):
        return table
    concat = {
        name: separator or ", "
        for separator, name in re.findall(
            r'GROUP_CONCAT\([^)]*?(?:separator\s*=\s*"([^"]*)")?\s*\)\s+AS\s+\?(\w+)',
            text,
            re.IGNORECASE,
        )
    }
    for source, name in re.findall(r"COALESCE\(\?(\w+)[^)]*\)\s+AS\s+\?(\w+)", text):
        if source in concat:  # BIND (COALESCE(?list, "") AS ?name): a GROUP_CONCAT still
            concat[name] = concat[source]
    rows = []
    for row in table.rows:
        cells = []
        for name, term in zip(table.variables, row, strict=True):
            if term is None:
                cells.append(None)
                continue
            value = term.value
            if name in concat:
                value = concat[name].join(sorted(value.split(concat[name])))
            language = getattr(term, "language", None)
            datatype = getattr(term, "datatype", None)
            cells.append(
                (
                    type(term).__name__,
                    value,
                    datatype.value if datatype is not None else None,
                    language.lower() if language else None,
                )
            )
        rows.append(tuple(cells))
    return table.variables, sorted(rows, key=repr)


@integration
@pytest.mark.parametrize("name", [q.name for q in named_queries()])
def test_every_named_query_answers_the_same_remotely(
    server: ServerInfo,
    published: Callable[[str], PublishResult],
    built_store: Path,
    local_count: int,
    name: str,
) -> None:
    result = published(server.kind)
    assert result.triples == local_count
    local = query(name, store=built_store, params=PARAMS.get(name))
    remote = query(name, endpoint=server.query_url, params=PARAMS.get(name))
    text = next(q.text for q in named_queries() if q.name == name)
    assert _normalised(remote, text) == _normalised(local, text)
    assert not isinstance(local, bool)
    assert local.rows or name in NO_ANSWER_FROM_ONE_REPORT, f"{name} should have answers"


@integration
def test_the_graph_has_no_other_data_and_no_leftovers(
    server: ServerInfo, published: Callable[[str], PublishResult], local_count: int
) -> None:
    published(server.kind)
    assert _graph_count(server, default_graph()) == local_count
    assert _temporary_graphs(server) == []


@integration
def test_publishing_again_replaces_the_graph(
    server: ServerInfo, built_store: Path, local_count: int, request: pytest.FixtureRequest
) -> None:
    graph = _graph_iri(request)
    first = _publish(server, built_store, graph)
    again = _publish(server, built_store, graph)
    assert (first.previous, first.triples) == (0, local_count)
    assert (again.previous, again.triples) == (local_count, local_count)  # no duplicates
    assert _graph_count(server, graph) == local_count


@integration
@pytest.mark.parametrize("method", ["update", "put"])
def test_publishing_by_sparql_update_or_one_put(
    server: ServerInfo,
    built_store: Path,
    v2_store: Path,
    local_count: int,
    method: str,
    request: pytest.FixtureRequest,
) -> None:
    graph = _graph_iri(request)
    v2 = _publish(server, v2_store, graph, method=method)
    result = _publish(server, built_store, graph, method=method)
    assert (result.method, result.triples, result.previous) == (method, local_count, v2.triples)
    assert _graph_count(server, graph, v2_only=True) == 0  # replaced, not merged


@integration
def test_the_cli_publishes_and_prints_the_same_csv_as_the_local_store(
    oxigraph: ServerInfo, built_store: Path, local_count: int, request: pytest.FixtureRequest
) -> None:
    graph = _graph_iri(request)
    done = run_cli("publish", "--endpoint", oxigraph.base_url, "--graph", graph,
                   "--store", built_store)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Published {local_count} triples to <{graph}>" in done.stdout
    remote = run_cli("query", "funders", "--endpoint", oxigraph.base_url, "--graph", graph,
                     "--format", "csv")  # fmt: skip
    local = run_cli("query", "funders", "--store", built_store, "--format", "csv")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert "Germany" in local.stdout


# -- faults: the previous graph stays, and the message says so ------------------------


@integration
@pytest.mark.parametrize(
    ("method", "rule", "says"),
    [
        ("gsp", _big("cut"), "broke off"),
        ("update", _big("cut"), "broke off"),
        ("gsp", _big("fail"), "HTTP 500"),
        ("gsp", _move("fail"), "HTTP 500"),
        ("gsp", _big("hang"), "did not answer within 1 s"),
    ],
    ids=["upload-cut", "insert-cut", "upload-500", "swap-500", "upload-hangs"],
)
def test_a_failed_publish_leaves_the_previous_graph(
    server: ServerInfo,
    built_store: Path,
    v2_store: Path,
    local_count: int,
    method: str,
    rule: Callable[[str, bytes, bytes], str],
    says: str,
    request: pytest.FixtureRequest,
) -> None:
    graph = _graph_iri(request)
    _publish(server, built_store, graph)
    with FaultyProxy(server, rule) as proxy, pytest.raises(RemoteError) as failed:
        publish(store=v2_store, endpoint=proxy.endpoint(server), graph=graph, method=method,
                timeout=1, **_credentials(server))  # fmt: skip
    assert "cut" in proxy.actions or "fail" in proxy.actions or "hang" in proxy.actions
    assert says in failed.value.message
    assert f"<{graph}> was not changed (it still holds its previous {local_count}" in (
        failed.value.message
    )
    assert _graph_count(server, graph) == local_count
    assert _graph_count(server, graph, v2_only=True) == 0
    assert _temporary_graphs(server) == []


@integration
def test_a_put_cut_half_way_leaves_the_previous_graph(
    server: ServerInfo,
    built_store: Path,
    v2_store: Path,
    local_count: int,
    request: pytest.FixtureRequest,
) -> None:
    graph = _graph_iri(request)
    _publish(server, built_store, graph)
    with FaultyProxy(server, _big("cut")) as proxy, pytest.raises(RemoteError) as failed:
        publish(store=v2_store, endpoint=proxy.endpoint(server), graph=graph, method="put",
                **_credentials(server))  # fmt: skip
    assert proxy.actions.count("cut") == 1
    assert "was not changed" in failed.value.message
    assert _graph_count(server, graph) == local_count
    assert _graph_count(server, graph, v2_only=True) == 0


@integration
def test_a_lost_answer_to_the_swap_is_recovered(
    server: ServerInfo,
    built_store: Path,
    v2_store: Path,
    local_count: int,
    request: pytest.FixtureRequest,
) -> None:
    graph = _graph_iri(request)
    _publish(server, built_store, graph)
    with FaultyProxy(server, _move("lose")) as proxy:
        result = publish(store=v2_store, endpoint=proxy.endpoint(server), graph=graph,
                         **_credentials(server))  # fmt: skip
    assert "lose" in proxy.actions
    assert _graph_count(server, graph) == result.triples
    assert _graph_count(server, graph, v2_only=True) > 0


def test_an_endpoint_that_is_down_is_named_without_its_password(built_store: Path) -> None:
    endpoint = f"http://dba:s3cret@127.0.0.1:{free_port()}/sparql"
    with pytest.raises(RemoteError) as failed:
        publish(store=built_store, endpoint=endpoint)
    assert "cannot reach http://127.0.0.1:" in failed.value.message
    assert "is the server running" in (failed.value.hint or "")
    assert "s3cret" not in f"{failed.value.message} {failed.value.hint}"
    done = run_cli("publish", "--endpoint", endpoint, "--store", built_store)
    assert done.returncode == 5
    assert "connection refused" in done.stderr and "s3cret" not in done.stderr + done.stdout


@integration
def test_a_slow_endpoint_times_out(oxigraph: ServerInfo, built_store: Path) -> None:
    started = time.monotonic()
    with FaultyProxy(oxigraph, lambda *_: "hang") as proxy, pytest.raises(RemoteError) as failed:
        publish(store=built_store, endpoint=proxy.endpoint(oxigraph), timeout=1)
    assert "did not answer within 1 s" in failed.value.message
    assert time.monotonic() - started < 10


@integration
def test_a_slow_endpoint_times_a_query_out_at_its_timeout(oxigraph: ServerInfo) -> None:
    with FaultyProxy(oxigraph, lambda *_: "hang") as proxy:
        started = time.monotonic()
        done = run_cli("query", "activities", "--endpoint", proxy.endpoint(oxigraph),
                       "--timeout", "1.5")  # fmt: skip
        took = time.monotonic() - started
    assert done.returncode == 5, done.stderr
    assert "did not answer within 1.5 s" in done.stderr
    assert took < 10


@integration
@pytest.mark.parametrize("password", ["Wr0ng-pa55", None], ids=["wrong", "missing"])
def test_virtuoso_refuses_wrong_or_missing_credentials(
    virtuoso: ServerInfo,
    built_store: Path,
    password: str | None,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    if password:
        monkeypatch.setenv("CMSGRAPH_USER", "dba")
        monkeypatch.setenv("CMSGRAPH_PASSWORD", password)
    else:
        monkeypatch.delenv("CMSGRAPH_USER", raising=False)
        monkeypatch.delenv("CMSGRAPH_PASSWORD", raising=False)
    graph = _graph_iri(request)
    done = run_cli("publish", "--endpoint", virtuoso.query_url, "--graph", graph,
                   "--store", built_store)  # fmt: skip
    assert done.returncode == 5
    wanted = "refused the credentials" if password else "needs credentials"
    assert wanted in done.stderr
    assert "was not changed" in done.stderr and "hint:" in done.stderr
    assert (password or virtuoso.password or "") not in done.stderr + done.stdout
    assert _graph_count(virtuoso, graph) == 0


# -- remote answers a store returns with status 200 that are not whole -----------------


@contextlib.contextmanager
def _answering(doc: dict[str, Any], headers: dict[str, str]) -> Iterator[str]:
    """A one-trick HTTP server answering every request with ``doc`` and ``headers``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps(doc).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as httpd:
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
        finally:
            httpd.shutdown()


def _rows(n: int) -> dict[str, Any]:
    binding = {"x": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                     "value": "1"}}  # fmt: skip
    return {"head": {"vars": ["x"]}, "results": {"bindings": [binding] * n}}


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({"X-SQL-State": "S1TAT"}, "partial results (X-SQL-State: S1TAT"),
        ({"X-SPARQL-MaxRows": "3"}, "may have cut the results at 3 rows"),
    ],
)
def test_partial_or_truncated_results_are_errors(headers: dict[str, str], says: str) -> None:
    with _answering(_rows(3), headers) as url, pytest.raises(RemoteError) as failed:
        remote_query(url, "SELECT ?x WHERE { ?x ?p ?o }", {})
    assert says in failed.value.message


def test_whole_results_become_a_table_and_virtuoso_ask_a_boolean() -> None:
    with _answering(_rows(2), {"X-SPARQL-MaxRows": "3"}) as url:
        table = remote_query(url, "SELECT ?x WHERE { ?x ?p ?o }", {})
    assert isinstance(table, ResultTable) and table.values() == [("1",), ("1",)]
    virtuoso_ask = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}
    with _answering(virtuoso_ask, {}) as url:
        assert remote_query(url, "ASK { ?s ?p ?o }", {}) is False


def test_the_public_names_import() -> None:
    assert cmsgraph.publish is publish
    assert cmsgraph.PublishResult is PublishResult
