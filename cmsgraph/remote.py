"""Remote SPARQL 1.1 stores: publish the graph into one, and run queries against one.

**Publishing** (:func:`publish`) copies every triple of the store (the union of its
graphs, which is what the named queries see locally) into *one* named graph of a
remote store and replaces that graph as a whole:

1. *Discover* the endpoints (:func:`discover`): one request to the URL given reads the
   ``Server`` header and tells Oxigraph (``/query``, ``/update``, ``/store``) from
   Virtuoso (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth``); any other
   store is addressed through the URL given (pass ``gsp=``/``update=`` for the rest).
2. *Stage*: upload the triples into a fresh temporary graph ``G.tmp-<random>`` in
   chunks of N-Triples, through the `Graph Store HTTP Protocol
   <https://www.w3.org/TR/sparql11-http-rdf-update/>`_ (§5.3 ``PUT`` for the first
   chunk, §5.5 ``POST`` for the others) or, where a store offers only SPARQL Update,
   through ``INSERT DATA`` requests (`SPARQL 1.1 Update §3.1.1
   <https://www.w3.org/TR/sparql11-update/#insertData>`_).
3. *Verify* that the temporary graph holds exactly the local number of triples.
4. *Swap* with one ``MOVE <tmp> TO <G>`` request (`§3.2.5
   <https://www.w3.org/TR/sparql11-update/#move>`_): one operation in one request.
   Oxigraph runs an update request as one transaction. Virtuoso does not roll a
   *multi*-operation request back (measured), so the swap is deliberately a single
   operation, and ``MOVE`` is never ``SILENT``.
5. *Check* that ``G`` now holds the local number of triples.

Until the swap, ``G`` is not touched: an upload that fails half way (connection cut,
timeout, server error, refused credentials) leaves ``G`` in its previous state; the
temporary graph is dropped again when the store can still be reached.

With ``method="put"`` (for a store that offers the Graph Store Protocol but no SPARQL
Update) the triples go in one GSP ``PUT`` straight into ``G``. Both Oxigraph and
Virtuoso keep the previous graph when such a ``PUT`` is cut off half way (measured),
but nothing is verified before the graph is replaced.

**Querying** (:func:`remote_query`) sends a query (`SPARQL 1.1 Protocol §2.1
<https://www.w3.org/TR/sparql11-protocol/#query-operation>`_) with the published graph
as ``default-graph-uri``, binds parameters with a ``VALUES`` block of
escaped terms opening the ``WHERE`` clause (`SPARQL 1.1 Query §10.2
<https://www.w3.org/TR/sparql11-query/#inline-data>`_), and returns the same
:class:`~cmsgraph.results.ResultTable` as the local store.

Both go through the one HTTP layer of :mod:`cmsgraph._http` (timeouts, credentials,
errors). SPARQLWrapper, the Python client the README shows for ``cmsgraph serve``, is
not used here: its transport is its own (``urlopen``; digest authentication through
``urllib.request.install_opener``, process-wide; error bodies only inside exception
messages), so it cannot share this layer without private API.

Credentials come from the arguments, else ``$CMSGRAPH_USER``/``$CMSGRAPH_PASSWORD``,
else the endpoint URL's ``user:password@``; they are never printed, and URLs are
shown without their user info.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._http import (
    ENV_PASSWORD,
    ENV_USER,
    Auth,
    Headers,
    Http,
    HttpStatusError,
    Response,
    check_complete,
    check_url,
    scrub,
    split_userinfo,
    with_params,
)
from .errors import CmsGraphError, QueryError, RemoteError, StoreError
from .formats import by_key
from .namespaces import Iris, resolve_base
from .results import ResultTable, Term, sparql_term, term_from_json

__all__ = [
    "ENV_PASSWORD",
    "ENV_USER",
    "Endpoints",
    "PublishResult",
    "default_graph",
    "discover",
    "publish",
    "remote_query",
]

log = logging.getLogger("cmsgraph")

Method = Literal["auto", "gsp", "update", "put"]

#: Triples per upload request: ~8 MB of N-Triples through the Graph Store Protocol;
#: far fewer per ``INSERT DATA``, because Virtuoso compiles each into SQL and refuses
#: past 10,000 lines of it (SP031, measured at 1,500 triples; 1,000 pass).
GSP_CHUNK = 50_000
UPDATE_CHUNK = 1_000

_NT = by_key("ntriples").media_type
_NOT_AUTH_ERRORS = tuple(code for code in range(200, 600) if code not in (401, 403))
_JSON = by_key("json").media_type


def default_graph(base: str | None = None) -> str:
    """The named graph :func:`publish` writes to and :func:`remote_query` reads by
    default: ``graph/all`` under the data's base IRI.

    >>> default_graph("https://w3id.org/cmsgraph/id/")
    'https://w3id.org/cmsgraph/id/graph/all'
    """
    return Iris(resolve_base(base)).graph("all")


def _credentials(
    user: str | None, password: str | None, urls: list[str | None]
) -> tuple[str | None, str | None]:
    """Arguments, else the environment, else the user info of the first URL with one."""
    user = user if user is not None else os.environ.get(ENV_USER) or None
    password = password if password is not None else os.environ.get(ENV_PASSWORD)
    if user is None and password is None:
        for url in urls:
            if url:
                _, user, password = split_userinfo(url)
                if user is not None:
                    break
    if user is not None and password is None:
        raise RemoteError(
            f"a user name was given but no password: pass --password or set {ENV_PASSWORD}"
        )
    if user is None and password is not None:
        raise RemoteError(f"a password was given but no user name: pass --user or set {ENV_USER}")
    return user, password


# -- endpoints -------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, updates and Graph Store Protocol requests."""

    query: str
    update: str | None
    gsp: str | None
    server: str  # "oxigraph", "virtuoso" or "unknown"


# kind -> (query path under a base URL, {role: sibling of the query URL's last segment})
_LAYOUTS: dict[str, tuple[str, dict[str, str]]] = {
    "oxigraph": ("query", {"update": "update", "gsp": "store"}),
    "virtuoso": ("sparql", {"update": "sparql-auth", "gsp": "sparql-graph-crud-auth"}),
}


def _server_kind(headers: Headers) -> str:
    server = (headers.get("Server") or "").lower()
    return next((kind for kind in _LAYOUTS if kind in server), "unknown")


def _sibling(url: str, segment: str) -> str:
    parts = urllib.parse.urlsplit(url)
    head = parts.path.rsplit("/", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(path=f"{head}/{segment}", query=""))


def _ask_probe(http_: Http, query_url: str, what: str) -> Response:
    return http_.request(
        "GET",
        with_params(query_url, query="ASK {}"),
        what=what,
        headers={"Accept": _JSON},
    )


def discover(
    endpoint: str,
    *,
    gsp: str | None = None,
    update: str | None = None,
    timeout: float = 60.0,
    _http: Http | None = None,
) -> Endpoints:
    """The query, update and Graph Store endpoints of the store at ``endpoint``.

    ``endpoint`` is either a server's base URL (``http://127.0.0.1:7878``, path empty
    or ending in ``/``) or its SPARQL query endpoint (``http://127.0.0.1:8890/sparql``).
    One ``ASK {}`` request checks that it answers, and its ``Server`` header tells
    Oxigraph and Virtuoso apart; for any other store the query endpoint also takes
    updates (SPARQL 1.1 Protocol allows one URL for both) and there is no Graph Store
    endpoint unless ``gsp`` names one.

    :raises RemoteError: if the server cannot be reached or does not answer ``ASK``.
    """
    http_ = _http or Http(user=None, password=None, auth="auto", timeout=timeout)
    url = check_url(endpoint, "endpoint")
    http_.allow(url)
    what = "reaching the endpoint"
    if urllib.parse.urlsplit(url).path in ("", "/") or url.endswith("/"):
        home = http_.request("GET", url, what=what, ok=tuple(range(200, 600)))
        kind = _server_kind(home.headers)
        query_url = url.rstrip("/") + "/" + _LAYOUTS.get(kind, ("sparql", {}))[0]
    else:
        query_url = url
    probe = _ask_probe(http_, query_url, what)
    kind = _server_kind(probe.headers)
    siblings = _LAYOUTS.get(kind, ("", {}))[1]
    found_update = _sibling(query_url, siblings["update"]) if siblings else query_url
    found_gsp = _sibling(query_url, siblings["gsp"]) if siblings else None
    return Endpoints(
        query=query_url,
        update=check_url(update, "update endpoint") if update else found_update,
        gsp=check_url(gsp, "Graph Store endpoint") if gsp else found_gsp,
        server=kind,
    )


# -- counting --------------------------------------------------------------------------


def _select_json(http_: Http, query_url: str, text: str, what: str) -> dict[str, Any]:
    resp = http_.request(
        "POST",
        query_url,
        what=what,
        data=urllib.parse.urlencode({"query": text}).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _JSON},
    )
    check_complete(resp.headers, None, query_url, what)
    try:
        doc: dict[str, Any] = json.loads(resp.body.decode("utf-8"))
    except ValueError:
        raise RemoteError(
            f"{what}: {scrub(query_url)} did not answer with SPARQL JSON results"
        ) from None
    return doc


def _count(http_: Http, query_url: str, graph: str) -> int:
    """Triples in ``graph`` (0 if it does not exist).

    ``FROM <g>`` rather than ``GRAPH <g> {...}``: Virtuoso took 5 s for the latter on a
    7,300-triple graph that had been replaced often (measured), and no time for this.
    """
    what = f"counting the triples of <{graph}>"
    text = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    doc = _select_json(http_, query_url, text, what)
    try:
        return int(doc["results"]["bindings"][0]["n"]["value"])
    except (KeyError, IndexError, ValueError, TypeError):
        raise RemoteError(f"{what}: unexpected answer from {scrub(query_url)}") from None


# -- publishing ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    """What :func:`publish` did."""

    endpoint: str  # the query endpoint, without user info
    graph: str  # the named graph that now holds the data
    triples: int  # triples in that graph afterwards (== the local store's)
    previous: int  # triples it held before (0: it did not exist)
    method: str  # "gsp" or "update" (staged and swapped), or "put"
    requests: int  # upload requests sent
    seconds: float
    server: str  # "oxigraph", "virtuoso" or "unknown"


def _local_triples(store: Any, chunk: int) -> Iterator[bytes]:
    """The store's triples (its default graph holds each once), as N-Triples chunks."""
    from pyoxigraph import DefaultGraph, RdfFormat, Triple, serialize

    batch: list[Triple] = []
    for quad in store.quads_for_pattern(None, None, None, DefaultGraph()):
        batch.append(quad.triple)
        if len(batch) >= chunk:
            yield serialize(batch, format=RdfFormat.N_TRIPLES) or b""
            batch = []
    if batch:
        yield serialize(batch, format=RdfFormat.N_TRIPLES) or b""


def _local_count(store: Any) -> tuple[int, bool]:
    """(triples, whether any blank node occurs)."""
    (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    blank = bool(store.query("ASK { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }"))
    return int(row["n"].value), blank


def _iri(value: str, what: str) -> str:
    from pyoxigraph import NamedNode

    try:
        NamedNode(value)
    except ValueError as exc:
        raise CmsGraphError(f"{what} {value!r} is not an IRI: {exc}") from None
    if ":" not in value or any(c in value for c in '<>"{}|^`\\ '):
        raise CmsGraphError(f"{what} {value!r} is not an absolute IRI")
    return value


def publish(
    *,
    store: str | Path | None = None,
    endpoint: str,
    graph: str | None = None,
    gsp: str | None = None,
    update: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: Auth = "auto",
    timeout: float = 60.0,
    method: Method = "auto",
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PublishResult:
    """Replace the named graph ``graph`` of the store at ``endpoint`` with the local data.

    :param store: the local store directory (default: the default store).
    :param endpoint: the server's base URL or its SPARQL query endpoint (see :func:`discover`).
    :param graph: the target graph (default: :func:`default_graph` of the store's base).
    :param gsp: the Graph Store Protocol endpoint, if discovery cannot find it.
    :param update: the SPARQL Update endpoint, if discovery cannot find it.
    :param user: user name (else ``$CMSGRAPH_USER``); ``password`` likewise.
    :param auth: ``"auto"`` answers the server's Digest or Basic challenge, ``"digest"``
        only Digest, ``"basic"`` sends Basic credentials with every request.
    :param timeout: seconds to wait for each response.
    :param method: ``"gsp"`` stages through the Graph Store Protocol, ``"update"``
        through ``INSERT DATA``; both swap with ``MOVE``. ``"put"`` sends one GSP
        ``PUT`` to the graph itself. ``"auto"``: ``gsp`` if there is a Graph Store
        endpoint, else ``update``.
    :param chunk: triples per upload request (default 50,000 for GSP, 1,000 for
        ``INSERT DATA``; everything at once if the data has blank nodes).
    :param progress: called with (requests sent, requests in all) after each upload.
    :raises StoreError: no local store, or it is empty.
    :raises RemoteError: the endpoint is down, slow, refused the credentials or the
        data, or the graph does not hold the local number of triples afterwards. The
        message says whether ``graph`` still holds its previous data.

    >>> publish(endpoint="http://127.0.0.1:7878", store="/tmp/store")  # doctest: +SKIP
    PublishResult(endpoint='http://127.0.0.1:7878/query', graph='https://w3id.org/...
    """
    from .store import default_store_dir, open_current

    started = time.monotonic()
    if method not in ("auto", "gsp", "update", "put"):
        raise RemoteError(f"unknown publishing method {method!r}: auto, gsp, update or put")
    version = open_current(store if store is not None else default_store_dir())
    graph = _iri(graph or default_graph(version.base), "graph")
    local = version.open()
    expected, has_blank = _local_count(local)
    if expected == 0:
        raise StoreError(f"{version.root}: the store is empty; nothing to publish")

    user, password = _credentials(user, password, [endpoint, gsp, update])
    http_ = Http(user=user, password=password, auth=auth, timeout=timeout)
    for url in (gsp, update):
        if url:
            http_.allow(check_url(url, "endpoint"))
    eps = discover(endpoint, gsp=gsp, update=update, _http=http_)
    for url in (eps.gsp, eps.update):
        if url:
            http_.allow(url)
    if method == "auto":
        method = "gsp" if eps.gsp else "update"
    if method in ("gsp", "put") and not eps.gsp:
        raise RemoteError(
            f"no Graph Store Protocol endpoint known for {eps.query}",
            hint="pass --gsp URL, or publish with SPARQL Update (--method update)",
        )
    if method in ("gsp", "update") and not eps.update:
        raise RemoteError(f"no SPARQL Update endpoint known for {eps.query}", hint="pass --update")

    previous = _count(http_, eps.query, graph)
    if chunk is None:
        chunk = UPDATE_CHUNK if method == "update" else GSP_CHUNK
    if has_blank or method == "put":
        chunk = expected  # a blank node is scoped to one request
    chunks = _local_triples(local, max(chunk, 1))
    total = math.ceil(expected / max(chunk, 1))

    if method == "put":
        _put(http_, eps, graph, b"".join(chunks), previous)
        if progress:
            progress(1, 1)
    else:
        _staged(http_, eps, graph, method, chunks, total, expected, previous, progress)

    after = _count(http_, eps.query, graph)
    if after != expected:
        raise RemoteError(
            f"<{graph}> at {eps.query} holds {after} triples after publishing, expected {expected}",
            hint="the store may have merged or rejected some triples; "
            "check its log, then publish again",
        )
    return PublishResult(
        endpoint=eps.query,
        graph=graph,
        triples=after,
        previous=previous,
        method=method,
        requests=total,
        seconds=time.monotonic() - started,
        server=eps.server,
    )


def _upload_gsp(http_: Http, gsp: str, graph: str, body: bytes, verb: str, what: str) -> None:
    """Graph Store Protocol §5.3 (PUT: replace) / §5.5 (POST: merge) of N-Triples."""
    http_.request(
        verb,
        with_params(gsp, graph=graph),
        what=what,
        data=body,
        headers={"Content-Type": _NT},
    )


def _update(http_: Http, url: str, text: str, what: str) -> None:
    """SPARQL 1.1 Protocol §2.2.2: update via POST directly."""
    resp = http_.request(
        "POST",
        url,
        what=what,
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update", "Accept": "*/*"},
    )
    state = resp.headers.get("X-SQL-State")
    if state:
        raise RemoteError(f"{what}: {scrub(url)} reported SQL state {state}")


def _previously(graph: str, previous: int) -> str:
    if previous == 0:
        return f"<{graph}> was not changed (it was empty or did not exist)"
    return f"<{graph}> was not changed (it still holds its previous {previous} triples)"


def _put(http_: Http, eps: Endpoints, graph: str, body: bytes, previous: int) -> None:
    """One GSP ``PUT`` into ``graph``; on failure, say whether the graph changed."""
    assert eps.gsp is not None
    if http_.has_credentials:  # be challenged by a small request, not by the upload
        probe = with_params(eps.gsp, graph=f"{graph}.tmp-{secrets.token_hex(6)}")
        http_.request("GET", probe, what="checking access", ok=_NOT_AUTH_ERRORS)
    try:
        _upload_gsp(http_, eps.gsp, graph, body, "PUT", f"replacing <{graph}>")
    except RemoteError as exc:
        try:
            now = _count(http_, eps.query, graph)
        except RemoteError:
            raise RemoteError(
                f"{exc.message}; could not check afterwards whether <{graph}> was changed",
                hint="check the graph in the store, then publish again",
            ) from None
        if now == previous:
            raise RemoteError(
                f"{exc.message}; {_previously(graph, previous)}", hint=exc.hint
            ) from None
        raise RemoteError(
            f"{exc.message}; <{graph}> now holds {now} triples ({previous} before)",
            hint="publish again once the store works",
        ) from None


def _staged(
    http_: Http,
    eps: Endpoints,
    graph: str,
    method: str,
    chunks: Iterator[bytes],
    total: int,
    expected: int,
    previous: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Upload into a temporary graph, verify it, then ``MOVE`` it onto ``graph``."""
    assert eps.update is not None
    tmp = f"{graph}.tmp-{secrets.token_hex(6)}"
    sent = 0
    try:
        # a no-op that needs write access: refused credentials show before any upload
        _update(http_, eps.update, f"DROP SILENT GRAPH <{tmp}>", "checking write access")
        for done, body in enumerate(chunks, 1):
            what = f"uploading part {done} of {total} into the temporary graph <{tmp}>"
            log.debug("%s", what)
            sent = done
            if method == "gsp":
                assert eps.gsp is not None
                _upload_gsp(http_, eps.gsp, tmp, body, "PUT" if done == 1 else "POST", what)
            else:
                text = f"INSERT DATA {{ GRAPH <{tmp}> {{\n{body.decode('utf-8')}}} }}"
                _update(http_, eps.update, text, what)
            if progress:
                progress(done, total)
        staged = _count(http_, eps.query, tmp)
        if staged != expected:
            raise RemoteError(
                f"the temporary graph <{tmp}> holds {staged} triples, expected {expected}",
                hint="the store may have merged or rejected some triples; check its log",
            )
    except RemoteError as exc:
        left = "" if not sent or _drop_quietly(http_, eps.update, tmp) else _left_over(tmp)
        raise RemoteError(
            f"{exc.message}; {_previously(graph, previous)}{left}", hint=exc.hint
        ) from None
    except KeyboardInterrupt:  # leave no temporary graph behind if the store answers
        if sent:
            _drop_quietly(http_, eps.update, tmp)
        raise
    try:
        _update(http_, eps.update, f"MOVE <{tmp}> TO <{graph}>", f"replacing <{graph}>")
    except RemoteError as exc:
        _after_failed_swap(http_, eps, graph, tmp, expected, previous, exc)


def _left_over(tmp: str) -> str:
    return f"; the temporary graph <{tmp}> could not be removed (DROP SILENT GRAPH it later)"


def _drop_quietly(http_: Http, update_url: str, tmp: str) -> bool:
    """Drop the temporary graph; whether that worked."""
    try:
        _update(http_, update_url, f"DROP SILENT GRAPH <{tmp}>", "removing the temporary graph")
    except RemoteError as exc:
        log.info("could not remove the temporary graph <%s>: %s", tmp, exc)
        return False
    return True


def _after_failed_swap(
    http_: Http,
    eps: Endpoints,
    graph: str,
    tmp: str,
    expected: int,
    previous: int,
    exc: RemoteError,
) -> None:
    """The ``MOVE`` request failed: find out whether it happened, and say so."""
    assert eps.update is not None
    try:
        staged = _count(http_, eps.query, tmp)
        now = _count(http_, eps.query, graph)
    except RemoteError:
        raise RemoteError(
            f"{exc.message}; the store could not be asked afterwards whether <{graph}> was "
            "replaced (the swap is one request: it holds either its previous or the new data)",
            hint=f"check the store, drop the temporary graph <{tmp}> if it is still there, "
            "and publish again",
        ) from None
    if staged == 0 and now == expected:  # the MOVE went through; only its answer was lost
        log.warning("the answer to the final swap was lost, but <%s> was replaced", graph)
        return
    left = "" if _drop_quietly(http_, eps.update, tmp) else _left_over(tmp)
    if now == previous:
        raise RemoteError(f"{exc.message}; {_previously(graph, previous)}{left}", hint=exc.hint)
    raise RemoteError(
        f"{exc.message}; <{graph}> holds {now} triples ({previous} before, {expected} "
        f"expected){left}",
        hint="publish again once the store works",
    )


# -- querying --------------------------------------------------------------------------


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def _where_brace(text: str) -> int:
    """Offset of the ``{`` opening the WHERE clause of a SELECT or ASK query, or -1.

    Before that clause come only the prologue, the projection (whose expressions are
    all in parentheses) and FROM clauses, so it is the first ``{`` outside
    parentheses, comments, strings and IRIs.
    """
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
            continue
        if c == "{" and depth == 0:
            return i
        depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1
    return -1


def _bind(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with a ``VALUES`` block of escaped terms opening its WHERE clause.

    Inline data at the start of the group (SPARQL 1.1 Query §10.2.1) joins with the
    rest of it, which is how pyoxigraph's substitutions bind locally. A *trailing*
    ``VALUES`` clause would be standard too, but Virtuoso 7 ignores it as a join
    (measured: it returned every row with the value pasted in).

    >>> from pyoxigraph import Literal
    >>> print(_bind("SELECT ?s WHERE { ?s ?p ?code }", {"code": Literal('4.4" }')}))
    SELECT ?s WHERE { VALUES (?code) { ("4.4\\" }") }
     ?s ?p ?code }

    :raises QueryError: if the query has no WHERE clause to bind in.
    """
    if not bindings:
        return text
    at = _where_brace(text)
    if at < 0:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(sparql_term(term) for term in bindings.values())
    return f"{text[: at + 1]} VALUES ({names}) {{ ({terms}) }}\n{text[at + 1 :]}"


def _query_form(text: str) -> str:
    """``"select"`` or ``"ask"``, checked by parsing ``text`` locally (no data involved).

    :raises QueryError: malformed, or neither SELECT nor ASK (as for the local store).
    """
    from pyoxigraph import QueryBoolean, QuerySolutions, Store

    try:
        result = Store().query(text)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    if isinstance(result, QueryBoolean):
        return "ask"
    if isinstance(result, QuerySolutions):
        return "select"
    raise QueryError("only SELECT and ASK queries can be printed as results")


def remote_query(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Term],
    *,
    graph: str | None = None,
    timeout: float = 60.0,
) -> ResultTable | bool:
    """Run a SELECT or ASK query on a remote SPARQL 1.1 endpoint (`SPARQL 1.1 Protocol
    §2.1.2 <https://www.w3.org/TR/sparql11-protocol/#query-via-post-urlencoded>`_:
    POST, URL-encoded), through the same HTTP layer as :func:`publish`.

    :param endpoint: the server's base URL or its query endpoint (see :func:`discover`).
    :param text: the query; ``bindings`` become a ``VALUES`` block of escaped terms
        opening its ``WHERE`` clause (never pasted values).
    :param graph: the graph to query, sent as ``default-graph-uri`` (default:
        :func:`default_graph`; ``""``: the endpoint's own default graph).
    :raises QueryError: malformed query, or neither SELECT nor ASK.
    :raises RemoteError: the endpoint is down, slow, needs credentials, rejected the
        query, or returned partial or truncated results.

    >>> remote_query("http://127.0.0.1:7878", "ASK { ?s ?p ?o }", {})  # doctest: +SKIP
    True
    """
    full = _bind(text, bindings)
    form = _query_form(full)
    url = check_url(endpoint, "endpoint")
    http_ = Http(user=None, password=None, auth="auto", timeout=timeout)
    if urllib.parse.urlsplit(url).path in ("", "/") or url.endswith("/"):
        url = discover(url, timeout=timeout, _http=http_).query
    graph = default_graph() if graph is None else graph
    what = "querying"
    params = [("query", full)] + ([("default-graph-uri", _iri(graph, "graph"))] if graph else [])
    try:
        response = http_.request(
            "POST",
            url,
            what=what,
            data=urllib.parse.urlencode(params).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _JSON},
            ok=(200,),
        )
    except HttpStatusError as exc:
        if exc.status == 401:
            raise RemoteError(
                f"{what}: {url} needs credentials (HTTP 401); "
                "cmsgraph queries endpoints anonymously",
                hint="use the store's public query endpoint",
            ) from None
        raise
    try:
        doc = json.loads(response.body.decode("utf-8"))
    except ValueError:
        raise RemoteError(f"{what}: {url} did not answer with SPARQL JSON results") from None
    if form == "ask":
        check_complete(response.headers, None, url, what)
        return _ask_result(doc, url)
    try:
        variables = tuple(doc["head"]["vars"])
        rows = tuple(
            tuple(term_from_json(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError(f"{what}: {url} returned malformed SPARQL JSON results: {exc}") from None
    check_complete(response.headers, len(rows), url, what)
    return ResultTable(variables, rows)


def _ask_result(doc: dict[str, Any], url: str) -> bool:
    if isinstance(doc.get("boolean"), bool):
        return bool(doc["boolean"])
    # Virtuoso 7 answers ASK in JSON as one variable, __ASK_RETVAL, one row when true
    rows = doc.get("results", {}).get("bindings")
    if isinstance(rows, list):
        return any(str(v.get("value")) not in ("0", "false") for r in rows for v in r.values())
    raise RemoteError(f"querying: {url} did not answer the ASK query with a boolean")
