"""``cmsgraph serve``: a real server on 127.0.0.1, real clients (SPARQLWrapper, raw
HTTP as curl sends it, Chromium), the same answers as the local store.

Everything runs on 127.0.0.1 with bounded counts and durations; servers and their
worker processes are stopped by the fixtures, and the tests check that they are gone.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import http.server
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
)
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, URITooLong
from test_hostile import LONG, PAYLOADS, hostile_report

import cmsgraph
from cmsgraph._serve.pages import esc
from cmsgraph._serve.pool import PoolBusy, QueryTimeout, WorkerPool
from cmsgraph._sparql_scan import scan_query
from cmsgraph.formats import negotiate
from cmsgraph.namespaces import CMSG, RDF
from cmsgraph.server import Server, make_server
from cmsgraph.sparql import named_queries
from cmsgraph.store import open_current

B = "https://w3id.org/cmsgraph/id/"
AEWA = B + "instrument/aewa"
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SLOW_ASK = (
    'ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(CONCAT(STR(?c), STR(?f), STR(?i)) = "never") }'
)


# -- helpers -------------------------------------------------------------------------


def request(
    server: Server,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request, the target sent exactly as given (as curl --path-as-is)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get(server: Server, target: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    return request(server, "GET", target, headers={"Accept": accept} if accept else {})


def sparql_get(server: Server, query: str, accept: str | None = None, **params: str):
    qs = urllib.parse.urlencode({"query": query, **params})
    return get(server, "/sparql?" + qs, accept)


def triples_of(data: bytes, format: RdfFormat) -> set[Triple]:
    return {quad.triple for quad in parse(data, format=format)}


def local_store(store: Path) -> Store:
    return open_current(store).open()


def local_triples(store: Path, construct: str) -> set[Triple]:
    return set(local_store(store).query(construct))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def server(built_store: Path) -> Iterator[Server]:
    with make_server(built_store, port=0, timeout=5.0).start() as srv:
        yield srv
    assert not any(alive(pid) for pid in srv.worker_pids)


@pytest.fixture(scope="module")
def strict(built_store: Path) -> Iterator[Server]:
    """Small limits: 4 KiB queries, 50 rows, 1.5 s."""
    with make_server(
        built_store, port=0, timeout=1.5, max_rows=50, max_query_bytes=4096, workers=2
    ).start() as srv:
        yield srv


class Listener:
    """A SPARQL endpoint on 127.0.0.1 that records every request made to it."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hits.append((self.command, self.path, self.rfile.read(length)))
                body = json.dumps(
                    {
                        "head": {"vars": ["x"]},
                        "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    endpoint = Listener()
    yield endpoint
    endpoint.close()


# -- the same answers as the local store, through standard clients -----------------


def _rows_json(doc: dict) -> list[tuple]:
    names = doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    return [tuple(b[v]["value"] if v in b else None for v in names) for b in bindings]


def _rows_xml(document) -> list[tuple]:
    names = [v.getAttribute("name") for v in document.getElementsByTagName("variable")]
    rows = []
    for result in document.getElementsByTagName("result"):
        values = {}
        for binding in result.getElementsByTagName("binding"):
            term = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            values[binding.getAttribute("name")] = "".join(
                t.data for t in term.childNodes if t.nodeType == t.TEXT_NODE
            )
        rows.append(tuple(values.get(n) for n in names))
    return rows


@pytest.mark.parametrize("named", named_queries(), ids=lambda q: q.name)
def test_every_named_query_gives_the_local_rows_through_sparqlwrapper(server, built_store, named):
    local = cmsgraph.query(named.name, store=built_store)
    assert not isinstance(local, bool)
    expected = sorted(local.values(), key=repr)

    def run(fmt: str, method: str = "GET"):
        wrapper = SPARQLWrapper(server.endpoint)
        wrapper.setQuery(named.text)
        wrapper.setReturnFormat(fmt)
        wrapper.setMethod(method)
        return wrapper.query().convert()

    assert sorted(_rows_json(run(JSON)), key=repr) == expected
    assert sorted(_rows_json(run(JSON, "POST")), key=repr) == expected
    assert sorted(_rows_xml(run(XML)), key=repr) == expected
    reader = csv.reader(io.StringIO(run(CSV).decode("utf-8"), newline=""))
    assert next(reader) == list(local.variables)
    blank = sorted((tuple(v or "" for v in row) for row in expected), key=repr)
    assert sorted((tuple(r) for r in reader), key=repr) == blank
    tsv = parse_query_results(run(TSV), format=QueryResultsFormat.TSV)
    names = [v.value for v in tsv.variables]
    got = [tuple(None if s[v] is None else s[v].value for v in names) for s in tsv]
    assert sorted(got, key=repr) == expected


def test_cmsgraph_query_against_the_server_matches_the_store(server, built_store):
    """cmsgraph's own remote client (SPARQLWrapper, POST, default-graph-uri graph/all)."""
    for name in ("funders", "partners", "instruments"):
        remote = cmsgraph.query(name, endpoint=server.endpoint)
        local = cmsgraph.query(name, store=built_store)
        assert sorted(remote.values()) == sorted(local.values())
        assert remote.values()  # not vacuously equal
    provenance = cmsgraph.query("provenance", endpoint=server.url, params=["code=4.4"])
    assert (
        provenance.values()
        == cmsgraph.query("provenance", store=built_store, params=["code=4.4"]).values()
    )


CONSTRUCT = f"""PREFIX cmsg: <{CMSG}>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a cmsg:Instrument ; ?p ?o }}"""


def test_construct_as_turtle_and_json_ld_through_sparqlwrapper(server, built_store, no_remote):
    expected = local_triples(built_store, CONSTRUCT)
    assert len(expected) > 100
    wrapper = SPARQLWrapper(server.endpoint)
    wrapper.setQuery(CONSTRUCT)
    wrapper.setReturnFormat(TURTLE)
    turtle = wrapper.query().convert()
    assert triples_of(turtle, format=RdfFormat.TURTLE) == expected
    wrapper.setReturnFormat(JSONLD)
    graph = wrapper.query().convert()  # rdflib's JSON-LD parser: a second implementation
    local = rdflib.Graph().parse(
        data="".join(f"{t} .\n" for t in expected), format="nt"
    )  # fmt: skip
    assert rdflib.compare.isomorphic(rdflib.Graph() + graph, local)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_construct_in_each_rdf_format(server, built_store, accept, fmt):
    status, headers, body = sparql_get(server, CONSTRUCT, accept)
    assert status == 200
    assert headers["content-type"].startswith(accept)
    assert triples_of(body, format=fmt) == local_triples(built_store, CONSTRUCT)


def test_describe_gives_the_resource(server, built_store):
    status, headers, body = sparql_get(server, f"DESCRIBE <{AEWA}>", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    about = local_store(built_store).quads_for_pattern(NamedNode(AEWA), None, None)
    outgoing = {q.triple for q in about}
    assert outgoing <= triples_of(body, format=RdfFormat.TURTLE)


@pytest.fixture
def no_remote(monkeypatch) -> None:
    """Any connection to a host other than 127.0.0.1 fails the test (a fetched context)."""
    real = socket.socket.connect

    def connect(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            pytest.fail(f"a connection to {address} was attempted")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def test_json_ld_embeds_its_context(server, built_store, no_remote):
    construct = "/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT})
    for target in ("/cmsgraph/id/instrument/aewa", construct):
        status, _, body = get(server, target, "application/ld+json")
        assert status == 200
        document = json.loads(body)
        assert isinstance(document["@context"], dict)  # an object, never a URL to fetch
        rdflib.Graph().parse(data=body, format="json-ld")  # would fetch a remote context


# -- SPARQL 1.1 Protocol, as curl sends it -------------------------------------------

QUERY = f"PREFIX cmsg: <{CMSG}> SELECT ?i WHERE {{ ?i a cmsg:Agreement }} ORDER BY ?i"


def test_get_form_post_and_direct_post_give_the_same_results(server):
    via_get = sparql_get(server, QUERY)
    form = request(server, "POST", "/sparql", urllib.parse.urlencode({"query": QUERY}).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    direct = request(server, "POST", "/sparql", QUERY.encode(),
                     {"Content-Type": "application/sparql-query; charset=utf-8"})  # fmt: skip
    assert via_get[0] == form[0] == direct[0] == 200
    assert via_get[2] == form[2] == direct[2]
    agreements = _rows_json(json.loads(via_get[2]))
    assert (AEWA,) in agreements
    assert len(agreements) == 7  # "7 Agreements" (README)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_results_format_follows_accept(server, accept, media):
    status, headers, _ = sparql_get(server, QUERY, accept)
    assert status == 200
    assert headers["content-type"].split(";")[0] == media
    assert "accept" in headers["vary"].lower()


def test_ask_and_head(server):
    status, _, body = sparql_get(server, f"ASK {{ <{AEWA}> ?p ?o }}")
    assert json.loads(body)["boolean"] is True
    target = "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    status, headers, body = request(server, "HEAD", target)
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_the_dataset_default_graph_union_from_and_protocol_graphs(server, built_store):
    """SPARQL 1.1 Protocol §2.1.4: no dataset -> every fact; FROM -> that graph;
    default-graph-uri / named-graph-uri -> those graphs, over FROM."""
    ontology = "https://w3id.org/cmsgraph/ontology"
    gazetteer = B + "graph/gazetteer"
    version = open_current(built_store)
    in_ontology = len(version.graph_triples(ontology))
    in_gazetteer = len(version.graph_triples(gazetteer))
    union = len(list(version.open()))

    def count(query: str, **params: str) -> int:
        status, _, body = sparql_get(server, query, **params)
        assert status == 200, body
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(everything) == union
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}") == in_ontology
    assert count(everything, **{"default-graph-uri": gazetteer}) == in_gazetteer
    from_ontology = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"
    assert count(from_ontology, **{"default-graph-uri": gazetteer}) == in_gazetteer
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(named, **{"named-graph-uri": ontology}) == in_ontology
    # the graph `cmsgraph publish` writes the union to is the union here too
    assert count(everything, **{"default-graph-uri": B + "graph/all"}) == union


def test_a_malformed_query_is_a_400_with_the_parser_message(server):
    status, headers, body = sparql_get(server, "SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert body.decode().startswith("malformed query: error at 1:")  # line:column, pyoxigraph
    assert b"Traceback" not in body
    wrapper = SPARQLWrapper(server.endpoint)
    wrapper.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match="error at 1:"):
        wrapper.query()


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", 400),  # exactly one query
        ("/sparql?query=%FF", 400),  # not UTF-8
        ("/no/such/page", 404),
        ("/resource", 400),
    ],
)
def test_bad_requests_are_clear(server, target, status):
    got, headers, body = get(server, target)
    assert got == status
    assert headers["content-type"].startswith("text/plain") and b"Traceback" not in body


def test_request_and_connection_mistakes(server):
    assert request(server, "POST", "/sparql", b"query=ASK{}",
                   {"Content-Type": "text/plain"})[0] == 415  # fmt: skip
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    with conn:  # a POST without Content-Length: 411, never a hang
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\r\n"
        )
        assert conn.recv(200).startswith(b"HTTP/1.1 411")
    status, headers, _ = request(server, "OPTIONS", "/sparql",
                                 headers={"Origin": "https://yasgui.org",
                                          "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]


def test_service_description_and_query_form(server):
    status, headers, body = get(server, "/sparql", "text/turtle")
    assert headers["content-type"].startswith("text/turtle")
    assert status == 200
    triples = triples_of(body, format=RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = NamedNode(server.endpoint)
    assert Triple(endpoint, NamedNode(RDF + "type"), NamedNode(sd + "Service")) in triples
    union = Triple(endpoint, NamedNode(sd + "feature"), NamedNode(sd + "UnionDefaultGraph"))
    assert union in triples
    status, _, body = get(server, "/sparql", "text/html")
    assert status == 200 and b'<form action="/sparql"' in body


# -- limits --------------------------------------------------------------------------


def test_an_overlong_body_is_413_and_an_overlong_query_string_414(strict):
    padded = "ASK {} #" + "x" * 5000
    status, _, body = request(strict, "POST", "/sparql", padded.encode(),
                              {"Content-Type": "application/sparql-query"})  # fmt: skip
    assert status == 413 and b"at most 4096" in body
    form = urllib.parse.urlencode({"query": padded}).encode()
    status, _, _ = request(strict, "POST", "/sparql", form,
                           {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert status == 413
    status, _, body = sparql_get(strict, padded)
    assert status == 414 and b"send the query with POST" in body
    wrapper = SPARQLWrapper(strict.endpoint)
    wrapper.setQuery(padded)
    with pytest.raises(URITooLong):
        wrapper.query()
    exactly = "ASK {} #" + "x" * (4096 - 8)
    assert request(strict, "POST", "/sparql", exactly.encode(),
                   {"Content-Type": "application/sparql-query"})[0] == 200  # fmt: skip
    # the connection still works after a refused body
    assert sparql_get(strict, "ASK {}")[0] == 200


def test_results_above_max_rows_are_refused_not_truncated(strict):
    status, _, body = sparql_get(strict, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422 and b"more than 50 rows" in body and b"LIMIT" in body
    status, _, body = sparql_get(strict, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50
    status, _, body = sparql_get(strict, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert status == 422 and b"more than 50 triples" in body


# -- read-only -----------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/> DELETE { ?s ?p ?o } INSERT { ?s ex:x 1 } WHERE { ?s ?p ?o }",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <http://example.org/g>",
    "COPY DEFAULT TO <http://example.org/g>",
]


def _total(server: Server) -> int:
    body = sparql_get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2]
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_every_way_they_can_be_sent(server, update):
    before = _total(server)
    ways = [
        ("POST", "/sparql", update.encode(), {"Content-Type": "application/sparql-update"}),
        ("POST", "/sparql", urllib.parse.urlencode({"update": update}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}),
        ("GET", "/sparql?" + urllib.parse.urlencode({"update": update}), None, {}),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": update}), None, {}),
        ("POST", "/sparql", update.encode(), {"Content-Type": "application/sparql-query"}),
    ]  # fmt: skip
    for method, target, body, headers in ways:
        status, _, text = request(server, method, target, body, headers)
        assert status == 403, (method, target, text)
        assert b"read-only" in text
    assert _total(server) == before


def test_load_is_refused_and_fetches_nothing(server, listener):
    for text in (f"LOAD <{listener.url}>", f"LOAD SILENT <{listener.url}> INTO GRAPH <{B}x>"):
        assert request(server, "POST", "/sparql", text.encode(),
                       {"Content-Type": "application/sparql-update"})[0] == 403  # fmt: skip
        assert sparql_get(server, text)[0] == 403
    time.sleep(0.3)
    assert listener.hits == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("target", ["/sparql", "/cmsgraph/id/instrument/aewa", "/"])
def test_other_methods_are_405(server, method, target):
    status, headers, _ = request(server, method, target, b"x", {"Content-Type": "text/turtle"})
    assert status == 405 and "GET" in headers["allow"]


SERVICE_QUERIES = [
    "SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}",
    "select ?x where {{ service silent <{url}> {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ ?s ?p ?o .SERVICE <{url}> {{ ?x ?p ?o }} }} LIMIT 1",
    "SELECT ?x WHERE {{ OPTIONAL {{ FILTER EXISTS {{ SeRvIcE <{url}> {{ ?x ?p ?o }} }} }} }}",
    "SELECT ?x WHERE {{ #comment\n\\u0053ERVICE <{url}> {{ ?x ?p ?o }} }}",
    "PREFIX r: <{url}> SELECT ?x WHERE {{ SERVICE r: {{ ?x ?p ?o }} }}",
    'SELECT ?x WHERE {{ ?s ?p "a\\u0022" SERVICE <{url}> {{ ?x ?p ?o }} "\\u0022" }}',
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_no_request_leaves(server, listener, template):
    query = template.format(url=listener.url)
    status, _, body = sparql_get(server, query)
    assert status == 403 and b"SERVICE is refused" in body
    time.sleep(0.2)
    assert listener.hits == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <https://w3id.org/cmsgraph/ontology#Agreement> }",
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> {}" }',
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:9/> {}",
        "PREFIX service: <http://example.org/> SELECT ?s WHERE { ?s service:p ?o }",
    ],
)
def test_lookalikes_of_service_are_ordinary_queries(server, query):
    assert sparql_get(server, query)[0] == 200


def test_service_works_when_allowed(built_store, listener):
    with make_server(built_store, port=0, allow_service=True, workers=1).start() as srv:
        query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"
        status, _, body = sparql_get(srv, query)
    assert status == 200, body
    assert _rows_json(json.loads(body)) == [("remote",)]
    assert len(listener.hits) == 1


@pytest.mark.parametrize(
    ("text", "form", "update", "service", "dataset"),
    [
        ("PREFIX a: <x:> SELECT * { ?s a:p ?o }", "SELECT", False, False, False),
        ("BASE <x:> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False, False, False),
        ("SELECT * FROM NAMED <x:g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", False, False, True),
        ("LOAD <http://example.org/x>", "LOAD", True, False, False),
        ("# INSERT\nASK { ?s <x:INSERT> 'DELETE' }", "ASK", False, False, False),
        ("ASK { ?s ex:a.SERVICE ?o }", "ASK", False, False, False),  # one prefixed name
    ],
)
def test_the_scanner_reads_tokens_not_text(text, form, update, service, dataset):
    shape = scan_query(text)
    assert (shape.form, shape.update, shape.service, shape.dataset) == (
        form,
        update,
        service,
        dataset,
    )


# -- paths ---------------------------------------------------------------------------

TRAVERSALS = [
    "/cmsgraph/id/../../../../etc/passwd",
    "/cmsgraph/id/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/cmsgraph/id/%2E%2E/%2E%2E/etc/passwd",
    "/cmsgraph/id/instrument/..%2f..%2f..%2fetc%2fpasswd",
    "/cmsgraph/id/%252e%252e/%252e%252e/etc/passwd",
    "/cmsgraph/id/..%5c..%5cetc%5cpasswd",
    "/cmsgraph/id/..\\..\\etc\\passwd",
    "/cmsgraph/id/instrument/aewa%00.html",
    "/.well-known/../../etc/passwd",
    "/./sparql",
    "/%2e/sparql",
    "/cmsgraph/id/./instrument/aewa",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_is_refused(server, target):
    status, _, body = request(server, "GET", target)
    assert status == 400, body
    assert b"root:" not in body


def test_an_iri_lookup_reads_no_file(server):
    target = "/resource?" + urllib.parse.urlencode({"iri": "file:///etc/passwd"})
    status, _, body = get(server, target)
    assert status == 404 and b"root:" not in body


# -- linked-data pages ---------------------------------------------------------------


def _about(store: Path, iri: str) -> set[Triple]:
    node = NamedNode(iri)
    local = local_store(store)
    quads = [*local.quads_for_pattern(node, None, None), *local.quads_for_pattern(None, None, node)]
    return {q.triple for q in quads}


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        ("text/turtle;q=0.9, text/html;q=0.1", RdfFormat.TURTLE),
    ],
)
def test_a_resource_in_each_rdf_format(server, built_store, accept, fmt):
    status, headers, body = get(server, "/cmsgraph/id/instrument/aewa", accept)
    assert status == 200
    assert headers["content-type"].startswith(fmt.media_type)
    assert "accept" in headers["vary"].lower()
    assert triples_of(body, format=fmt) == _about(built_store, AEWA)


def test_format_parameter_and_the_short_path(server, built_store):
    _, headers, body = get(server, "/cmsgraph/id/instrument/aewa?format=ttl", "text/html")
    assert headers["content-type"].startswith("text/turtle")
    assert triples_of(body, format=RdfFormat.TURTLE) == _about(built_store, AEWA)
    # behind w3id.org/cmsgraph/ -> host/ the path starts at /id/
    assert get(server, "/id/instrument/aewa", "text/turtle")[2] == body
    assert get(server, "/cmsgraph/id/instrument/aewa?format=yaml")[0] == 400


def test_the_html_page_of_aewa(server):
    status, headers, body = get(server, "/cmsgraph/id/instrument/aewa",
                                "text/html,application/xhtml+xml,*/*;q=0.8")  # fmt: skip
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    page = body.decode()
    assert "<h1><bdi>AEWA</bdi></h1>" in page
    assert "Agreement on the Conservation of African-Eurasian Migratory Waterbirds" in page
    assert ">CMS Family instrument<" in page and ">Agreement<" in page  # types, by label
    assert 'href="/cmsgraph/id/convention/cms"' in page  # instrument of: an outgoing link
    assert "<h2>Referenced by</h2>" in page
    referrers = page.split("<h2>Referenced by</h2>")[1]
    assert ">involves instrument<" in referrers
    entry = r'href="/cmsgraph/id/document/UNEP/CMS/COP11/Doc\.16\.1/entry/[^"]+"'
    assert re.search(entry, referrers)
    assert "1995" in page  # cmsg:year
    assert "<script" not in page


def test_other_iris_pages_and_404(server, built_store):
    term = CMSG + "Instrument"
    target = "/resource?" + urllib.parse.urlencode({"iri": term})
    status, _, body = get(server, target, "text/html")
    assert status == 200 and b"CMS Family instrument" in body
    status, _, body = get(server, "/cmsgraph/id/graph/gazetteer", "application/n-triples")
    gazetteer = set(open_current(built_store).graph_triples(B + "graph/gazetteer"))
    assert status == 200 and triples_of(body, format=RdfFormat.N_TRIPLES) == gazetteer
    assert b"names a graph" in get(server, "/cmsgraph/id/graph/gazetteer", "text/html")[2]
    assert get(server, "/cmsgraph/id/instrument/no-such-thing")[0] == 404
    assert get(server, "/resource?iri=https%3A%2F%2Fexample.org%2Fx")[0] == 404
    status, headers, body = request(server, "HEAD", "/cmsgraph/id/instrument/aewa")
    assert status == 200 and body == b"" and headers["content-type"].startswith("text/html")


def test_home_page_and_void(server, built_store):
    status, _, body = get(server, "/")
    assert status == 200 and b"UNEP/CMS/COP11/Doc.16.1" in body and b"funders" in body
    status, headers, body = get(server, "/.well-known/void")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    triples = triples_of(body, format=RdfFormat.TURTLE)
    void = "http://rdfs.org/ns/void#"
    dataset = NamedNode(B + "dataset")
    endpoint = NamedNode(server.endpoint)
    assert Triple(dataset, NamedNode(void + "sparqlEndpoint"), endpoint) in triples
    assert Triple(dataset, NamedNode(RDF + "type"), NamedNode(void + "Dataset")) in triples
    jsonld = get(server, "/.well-known/void", "application/ld+json")[2]
    assert triples_of(jsonld, format=RdfFormat.JSON_LD) == triples


def test_negotiate():
    offers = [("text/html", "html"), ("text/turtle", "turtle")]
    assert negotiate(None, offers, "html") == "html"
    assert negotiate("text/turtle", offers, "html") == "turtle"
    assert negotiate("text/*;q=0.5, text/turtle;q=0", offers, "turtle") == "html"
    assert negotiate("image/png", offers, "html") == "html"  # nothing fits: the default
    assert negotiate("text/turtle;q=oops, text/html", offers, "turtle") == "html"


# -- hostile data --------------------------------------------------------------------


class _Audit(HTMLParser):
    """What a browser would run: script elements, on* handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.dangers: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("script", "iframe", "object", "embed", "img", "svg"):
            self.dangers.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"{name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.dangers.append(f"{name}={value}")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, seed_text) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("hostile-serve")
    source = folder / "hostile.txt"
    source.write_text(hostile_report(seed_text), "utf-8")
    cmsgraph.build([source], store=folder / "store")
    with make_server(folder / "store", port=0, workers=2).start() as srv:
        yield srv, folder / "store"


def _local(srv: Server, iri: str) -> str:
    """The request target of an IRI's page."""
    return srv.page_url(iri).removeprefix(srv.url.rstrip("/"))


def _pages_with(store: Path, payload: str) -> list[str]:
    subjects = {
        q.subject.value
        for q in local_store(store).quads_for_pattern(None, None, None)
        if isinstance(q.object, Literal) and payload in q.object.value
    }
    assert subjects, payload
    return sorted(subjects)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_escaped_on_every_page_it_reaches(hostile, payload):
    srv, store = hostile
    for iri in _pages_with(store, payload):
        status, _, body = get(srv, _local(srv, iri), "text/html")
        assert status == 200
        page = body.decode()
        audit = _Audit()
        audit.feed(page)
        assert audit.dangers == [], iri
        assert payload in "".join(audit.text)  # shown as text, exactly
        assert f"<bdi>{esc(payload)}" in page or esc(payload) in page
        if any(c in payload for c in '<>"'):
            assert payload not in page


def test_hostile_text_in_a_results_table(hostile):
    srv, _ = hostile
    query = 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "alert")) }'
    status, headers, body = sparql_get(srv, query, format="html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    audit = _Audit()
    audit.feed(body.decode())
    assert audit.dangers == []
    assert PAYLOADS[0] in "".join(audit.text)


def test_a_100_kb_literal_is_served_whole(hostile):
    srv, store = hostile
    (iri,) = _pages_with(store, LONG)[:1]
    status, _, body = get(srv, _local(srv, iri), "text/turtle")
    assert status == 200 and LONG.encode() in body


@pytest.mark.browser
def test_hostile_pages_run_no_script_in_chromium(hostile):
    from playwright import sync_api as playwright  # a missing browser fails, never skips

    srv, store = hostile
    iris = sorted({iri for payload in PAYLOADS[:3] for iri in _pages_with(store, payload)})
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for iri in iris:
                page.goto(srv.page_url(iri))
                page.wait_for_load_state("load")
                text = page.inner_text("main")
                assert page.locator("img, script").count() == 0
                assert any(payload in text for payload in PAYLOADS[:3]), iri
            page.goto(srv.url + "sparql?" + urllib.parse.urlencode(
                {"query": 'SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "alert")) }',
                 "format": "html"}))  # fmt: skip
            assert PAYLOADS[0] in page.inner_text("main")
            page.wait_for_timeout(300)
            assert dialogs == []
        finally:
            browser.close()


# -- faults: slow queries, heavy queries, many clients -------------------------------


@pytest.mark.parametrize("slow", [SLOW_COUNT, SLOW_ASK], ids=["count", "ask"])
def test_a_slow_query_is_stopped_while_others_are_answered(strict, slow):
    before = strict.worker_pids
    outcome: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        outcome["response"] = sparql_get(strict, slow)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.2)
    latencies = []
    while thread.is_alive() and len(latencies) < 200:
        started = time.monotonic()
        status, _, body = sparql_get(strict, QUERY)
        latencies.append(time.monotonic() - started)
        assert status == 200, body
    thread.join(15)
    status, _, body = outcome["response"]  # type: ignore[misc]
    assert status == 503 and b"longer than 1.5 s" in body and b"stopped" in body
    assert 1.4 < outcome["seconds"] < 5  # type: ignore[operator]
    assert len(latencies) >= 5 and max(latencies) < 1.0
    # the worker that ran it was killed; a fresh one took its place
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(strict.worker_pids) < 2:
        time.sleep(0.05)
    killed = set(before) - set(strict.worker_pids)
    assert len(killed) == 1 and not any(alive(pid) for pid in killed)
    assert len(strict.worker_pids) == 2
    # and nothing keeps computing: the workers sit idle
    time.sleep(0.3)
    spent = cpu_seconds(strict.worker_pids)
    time.sleep(0.5)
    assert cpu_seconds(strict.worker_pids) - spent < 0.1


def test_a_query_needing_too_much_memory_is_stopped(built_store):
    heavy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    with make_server(built_store, port=0, timeout=30, max_memory_mb=300, workers=1).start() as srv:
        started = time.monotonic()
        status, _, body = sparql_get(srv, heavy)
        assert status == 503 and b"more memory" in body
        assert time.monotonic() - started < 20
        assert sparql_get(srv, QUERY)[0] == 200  # the replacement answers


def test_a_request_finding_every_worker_busy_gets_503(built_store):
    pool = WorkerPool(open_current(built_store).oxigraph_path, 1)
    request_ = {"op": "sparql", "store": str(pool.store_path), "query": SLOW_COUNT,
                "results_format": "json", "graph_format": "turtle", "max_rows": 10}  # fmt: skip
    try:

        def run_slow() -> None:
            with pytest.raises(QueryTimeout):
                pool.run(request_, timeout=1.5, wait=1)

        slow = threading.Thread(target=run_slow)
        slow.start()
        time.sleep(0.2)
        with pytest.raises(PoolBusy):
            pool.run({**request_, "query": "ASK {}"}, timeout=1, wait=0.3)
        slow.join()
        status, _, body = pool.run({**request_, "query": "ASK {}"}, timeout=5, wait=5)
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        pool.close()


def test_too_many_connections_get_503(built_store):
    with make_server(built_store, port=0, workers=1, max_connections=3).start() as srv:
        idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(3)]
        try:
            time.sleep(0.2)
            status, headers, body = get(srv, "/")
            assert status == 503 and b"too many connections" in body and headers["retry-after"]
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.2)
        assert get(srv, "/")[0] == 200


def _serve_cli(store: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-P",
            "-m",
            "cmsgraph",
            "serve",
            "--store",
            str(store),
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()  # type: ignore[union-attr]
    match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
    if not match:
        proc.kill()
        raise AssertionError(f"no URL printed: {line!r} {proc.stderr.read()}")  # type: ignore[union-attr]
    return proc, match.group(1)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_load_50_clients_running_the_named_queries(built_store):
    """≥ 50 concurrent clients for a bounded time: 0 errors; a heavy query running at the
    same time is stopped by the timeout. Prints p50/p95 (pytest -s)."""
    proc, url = _serve_cli(built_store, "--timeout", "3", "--workers", "4")
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        endpoint = type("E", (), {"port": port})
        texts = [q.text for q in named_queries()]
        latencies: list[float] = []
        errors: list[str] = []
        heavy: list[int] = []
        stop = time.monotonic() + 5.0
        lock = threading.Lock()

        def client(n: int) -> None:
            i = n
            while time.monotonic() < stop:
                started = time.monotonic()
                try:
                    status, _, body = sparql_get(endpoint, texts[i % len(texts)])
                    ok = status == 200 and "results" in json.loads(body)
                except Exception as exc:
                    ok, status = False, repr(exc)
                with lock:
                    latencies.append(time.monotonic() - started)
                    if not ok:
                        errors.append(f"{status}")
                i += 1

        def heavy_client() -> None:
            while time.monotonic() < stop - 3:
                heavy.append(sparql_get(endpoint, SLOW_COUNT)[0])

        threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
        threads.append(threading.Thread(target=heavy_client))
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        cut = statistics.quantiles(latencies, n=100)
        print(
            f"\nload: 50 clients, 5 s, {len(latencies)} requests, {len(errors)} errors, "
            f"p50 {cut[49] * 1000:.1f} ms, p95 {cut[94] * 1000:.1f} ms, "
            f"{len(latencies) / 5:.0f} req/s; heavy queries stopped: {heavy}"
        )
        assert errors == []
        assert len(latencies) > 200
        assert heavy and set(heavy) == {503}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


def test_the_command_prints_its_url_and_stops_cleanly(built_store):
    proc, url = _serve_cli(built_store)
    workers = _children(proc.pid)
    try:
        assert len(workers) >= 2
        with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=10) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def test_workers_stop_by_themselves_when_the_server_is_killed(built_store):
    proc, url = _serve_cli(built_store, "--timeout", "60")
    workers = _children(proc.pid)

    def run_slow() -> None:
        with contextlib.suppress(OSError):  # the server dies under it
            urllib.request.urlopen(
                url + "sparql?" + urllib.parse.urlencode({"query": SLOW_COUNT}), timeout=30
            )

    busy = threading.Thread(target=run_slow, daemon=True)
    busy.start()
    time.sleep(0.5)  # one worker is now deep in the cartesian product
    proc.kill()
    proc.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def test_usage_errors_of_the_command(built_store, tmp_path):
    from conftest import run_cli

    result = run_cli("serve", "--store", built_store, "--timeout", "0")
    assert result.returncode == 2 and "positive" in result.stderr
    result = run_cli("serve", "--store", tmp_path / "none", "--port", "0")
    assert result.returncode == 3 and "no store" in result.stderr


def test_a_rebuild_is_served_without_a_restart(tmp_path, seed_path, seed_text):
    store = tmp_path / "store"
    cmsgraph.build([seed_path], store=store)
    with make_server(store, port=0, workers=1).start() as srv:
        before = _total(srv)
        other = tmp_path / "other.txt"  # a second document: another symbol
        other.write_text(seed_text.replace("COP11/Doc.16.1", "COP11/Doc.99.1"), "utf-8")
        cmsgraph.build([seed_path, other], store=store)
        assert _total(srv) > before
        assert get(srv, "/cmsgraph/id/instrument/aewa")[0] == 200


def test_the_public_names_import():
    from cmsgraph import Server as S
    from cmsgraph import make_server as m
    from cmsgraph import serve as s

    assert S is Server and m is make_server and callable(s)
    assert {"Server", "make_server", "serve"} <= set(cmsgraph.__all__)


# -- linked-data conventions, the vocabulary, writes (issue 14) ------------------------


@pytest.mark.parametrize(
    ("accept", "key", "media"),
    [("text/html", "html", "text/html"), ("text/turtle", "turtle", "text/turtle"),
     ("application/ld+json", "jsonld", "application/ld+json")],
)  # fmt: skip
def test_a_page_names_its_representation_and_links_the_others(server, accept, key, media):
    status, headers, _ = get(server, "/cmsgraph/id/instrument/aewa", accept)
    assert status == 200 and headers["content-type"].startswith(media)
    assert headers["content-location"] == f"/cmsgraph/id/instrument/aewa?format={key}"
    links = dict(
        re.fullmatch(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', part.strip()).groups()[::-1]
        for part in headers["link"].split(",")
    )
    others = {"text/html", "text/turtle", "application/ld+json", "application/n-triples",
              "application/rdf+xml"} - {media}  # fmt: skip
    assert set(links) == others
    for media_type, target in links.items():
        status, got, _ = get(server, target)
        assert status == 200 and got["content-type"].startswith(media_type)


@pytest.mark.parametrize("path", ["/ontology", "/cmsgraph/ontology"])
def test_the_vocabulary_dereferences_to_its_documentation(server, path):
    status, headers, body = get(server, path, "text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<article id="fundedBy">' in body  # /ontology#fundedBy lands on the term
    status, headers, body = get(server, path, "text/turtle")
    triples = triples_of(body, RdfFormat.TURTLE)
    assert Triple(NamedNode(CMSG + "fundedBy"), NamedNode(RDF + "type"),
                  NamedNode("http://www.w3.org/2002/07/owl#ObjectProperty")) in triples  # fmt: skip
    assert headers["content-location"] == "/ontology?format=turtle"


WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH", "MKCOL", "PROPPATCH", "COPY", "MOVE",
                 "LOCK", "UNLOCK", "TRACE", "CONNECT", "FOO"]  # fmt: skip
WRITE_PATHS = ["/update", "/sparql", "/store?graph=x", "/", "/cmsgraph/id/instrument/aewa",
               "/.well-known/void", "/assets/editor.js", "/ontology", "/no/such/path"]  # fmt: skip


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_every_write_attempt_is_a_4xx(server, method):
    before = _total(server)
    update = b"INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }"
    for path in WRITE_PATHS:
        headers = {"Content-Type": "application/sparql-update"}
        status, _, body = request(server, method, path, update, headers)
        assert 400 <= status < 500, (method, path, status, body)
    assert _total(server) == before


def test_an_update_posted_to_update_is_refused_and_its_body_never_read_as_a_request(server):
    """The body of a POST the server does not read must not be taken for the next
    request on a kept-alive connection (it was: "INSERT ..." answered 501)."""
    update = b"INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }\r\n\r\n"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", "/update", body=update,
                     headers={"Content-Type": "application/sparql-update"})  # fmt: skip
        first = conn.getresponse()
        assert first.status == 405 and b"read-only" in first.read()
        with contextlib.suppress(http.client.HTTPException, OSError):
            conn.request("GET", "/")
            assert conn.getresponse().status == 200  # a fresh request, not the body
    finally:
        conn.close()


def test_only_the_editor_s_files_are_served_from_the_package(server):
    for name, media in [("yasgui/yasgui.min.js", "text/javascript"),
                        ("yasgui/yasgui.min.css", "text/css"), ("editor.js", "text/javascript"),
                        ("yasgui/LICENSE", "text/plain")]:  # fmt: skip
        status, headers, body = get(server, "/assets/" + name)
        assert status == 200 and headers["content-type"].startswith(media) and body
    for name in ["viz.js", "page.html", "../cli.py", "yasgui", "yasgui/", "%2e%2e/cli.py"]:
        assert get(server, "/assets/" + name)[0] in (400, 404)


def test_results_as_a_workbook_from_the_server(server, built_store):
    import openpyxl

    query = (named := {q.name: q for q in named_queries()}["funders"]).text
    status, headers, body = sparql_get(server, query, None, format="xlsx")
    assert status == 200 and headers["content-type"].startswith("application/vnd.openxml")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["results"]
    local = cmsgraph.query(named.name, store=built_store)
    assert [[c.value for c in r] for r in sheet.iter_rows()][1:] == [
        list(v) for v in local.values()
    ]


def test_the_serve_package_is_layered_in_one_direction():
    """protocol -> worker -> pool -> pages -> facts: no module imports one before it."""
    import ast

    import cmsgraph._serve as package

    order = ["protocol", "worker", "pool", "pages", "facts"]
    folder = Path(package.__file__).parent
    for i, name in enumerate(order):
        tree = ast.parse((folder / f"{name}.py").read_text("utf-8"))
        imported = {
            alias.name.split(".")[0] if node.level == 1 and node.module is None else
            (node.module or "").split(".")[0]
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names
        }  # fmt: skip
        assert not imported & set(order[: i + 1]) - {name}, (name, imported)
    protocol = ast.parse((folder / "protocol.py").read_text("utf-8"))
    assert "worker" not in {n.module for n in ast.walk(protocol) if isinstance(n, ast.ImportFrom)}
