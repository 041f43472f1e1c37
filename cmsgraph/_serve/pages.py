"""The HTML of ``cmsgraph serve``: resource pages, the home page, the query form and
results as a table.

The data holds whatever the reports held, markup and scripts included, so every
piece of text and every attribute value goes through :func:`esc` (``html.escape``
with quotes), text sits in ``<bdi>`` (a right-to-left override in a title cannot turn
the rest of the page around), only ``http(s)`` IRIs become links (never
``javascript:``), and the pages are sent with a Content-Security-Policy that allows no
script at all. Resource pages follow the `Linked Data
<https://www.w3.org/DesignIssues/LinkedData.html>`_ pattern of `Cool URIs for the
Semantic Web <https://www.w3.org/TR/cooluris/>`_ §4.3 (content negotiation): the same
IRI gives HTML to browsers and RDF to RDF clients.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any
from urllib.parse import unquote, urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple

from .. import namespaces as ns
from ..exporter import graph_bytes
from ..formats import by_key, formats
from ..store import StoreVersion
from .facts import Facts, facts, known, labeller

__all__ = [
    "CSP",
    "EDITOR_CSP",
    "HTML",
    "Site",
    "describe_page",
    "editor_page",
    "esc",
    "home_page",
    "json_block",
    "query_page",
    "results_table",
    "unsafe_path",
]

HTML = "text/html; charset=utf-8"
JSON_LD = by_key("jsonld").media_type
TEXT = "text/plain; charset=utf-8"
Reply = tuple[int, str, bytes]  # status, content type, body
#: No script, no plugin, no remote anything; inline styles only.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: The one ``<style>`` element YASGUI adds itself (its table column resizer, from the
#: npm package column-resizer), allowed by the SHA-256 of its exact text; the tests
#: recompute it from the vendored ``yasgui.min.js``.
YASGUI_STYLE_HASH = "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk="
#: The SPARQL editor: scripts, styles, fonts, images and requests from this server
#: only. No 'unsafe-eval' and no 'unsafe-inline': YASGUI needs neither (its inline
#: styles are set through the DOM, which CSP allows), only the one element above.
#: ``data:`` images are YASGUI's icons.
EDITOR_CSP = (
    f"default-src 'none'; script-src 'self'; style-src 'self' '{YASGUI_STYLE_HASH}'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: The files the server serves under ``/assets/``: URL name -> (package file, media type).
#: A fixed list: the server reads no other file on a client's behalf.
ASSETS: dict[str, tuple[str, str]] = {
    "yasgui/yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui/yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "yasgui/LICENSE": ("yasgui/LICENSE", "text/plain; charset=utf-8"),
    "editor.js": ("editor.js", "text/javascript; charset=utf-8"),
    "serve.css": ("serve.css", "text/css; charset=utf-8"),
}
#: The RDF formats a resource page is also offered in: key -> label.
FORMAT_NAMES = {f.key: f.label for f in formats(use="pages")}
_RDF_TYPE = ns.RDF + "type"


@cache
def asset(name: str) -> tuple[bytes, str]:
    """The bytes and media type of a file of :data:`ASSETS` (read once).

    :raises KeyError: not one of them.
    """
    file, media = ASSETS[name]
    return (files("cmsgraph") / "assets" / file).read_bytes(), media


def _style() -> str:
    return asset("serve.css")[0].decode("utf-8")


def json_block(element_id: str, value: object, kind: str = "application/json") -> str:
    """``value`` as a ``<script type=kind>`` data block: JSON with ``<``, ``>`` and ``&``
    escaped, so no text in it can close the element; a browser never runs it."""
    text = (
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    ident = f' id="{esc(element_id)}"' if element_id else ""
    return f'<script type="{esc(kind)}"{ident}>{text}</script>'


def unsafe_path(path: str) -> bool:
    """Whether a request path tries to leave where it points: a ``.`` or ``..``
    segment, a backslash, a NUL or an encoded ``/``, ``\\`` or NUL, as sent or after
    each round of percent-decoding (``%2e%2e``, ``%252e%252e`` ...).

    >>> [unsafe_path(p) for p in ["/id/a/b", "/id/../x", "/id/%2e%2e/x", "/id/a%2fb",
    ...                           "/id/%252e%252e/x", "/id/..%5c..%5cx"]]
    [False, True, True, True, True, True]
    """
    current = path
    for _ in range(4):
        lowered = current.lower()
        if (
            "\\" in current
            or "\x00" in current
            or any(code in lowered for code in ("%2f", "%5c", "%00"))
        ):
            return True
        if any(segment in (".", "..") for segment in current.split("/")):
            return True
        decoded = unquote(current)
        if decoded == current:
            return False
        current = decoded
    return True  # still encoded after four rounds: refuse rather than guess


def esc(text: object) -> str:
    """Text for HTML content or a quoted attribute value.

    >>> esc('"><img src=x onerror=alert(1)>')
    '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
    """
    return escape(str(text), quote=True)


@dataclass(frozen=True, slots=True)
class Site:
    """Where things are on this server: the data's base IRI and the path it maps to."""

    base: str  # https://w3id.org/cmsgraph/id/
    prefix: str  # /cmsgraph/id/ : the local path of the base IRI

    def page(self, iri: str) -> str:
        """The local address of an IRI's page: under the prefix, else ``/resource?iri=``.

        >>> Site("https://w3id.org/cmsgraph/id/", "/cmsgraph/id/").page(
        ...     "https://w3id.org/cmsgraph/id/instrument/aewa")
        '/cmsgraph/id/instrument/aewa'
        >>> Site("https://w3id.org/cmsgraph/id/", "/cmsgraph/id/").page("https://schema.org/name")
        '/resource?iri=https%3A%2F%2Fschema.org%2Fname'
        """
        rest = iri.removeprefix(self.base)
        if (
            rest != iri
            and rest
            and not any(c in rest for c in "?#")
            and not unsafe_path(self.prefix + rest)
        ):
            return self.prefix + rest
        return "/resource?" + urlencode({"iri": iri})

    @staticmethod
    def with_format(page: str, key: str) -> str:
        return page + ("&" if "?" in page else "?") + "format=" + key

    def as_dict(self) -> dict[str, str]:
        return {"base": self.base, "prefix": self.prefix}


def compact(iri: str) -> str:
    """``cmsg:fundedBy`` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in sorted(ns.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri.removeprefix(namespace)
        if local != iri and local and "/" not in local and "#" not in local:
            return f"{prefix}:{local}"
    return iri


_NAV = (
    '<header><a href="/">cmsgraph</a><a href="/sparql">SPARQL editor</a>'
    '<a href="/ontology">vocabulary</a><a href="/.well-known/void">dataset description</a>'
    "</header>"
)


def _document(
    title: str,
    body: str,
    *,
    alternates: Sequence[tuple[str, str]] = (),
    head: str = "",
) -> bytes:
    links = "".join(
        f'<link rel="alternate" type="{esc(media)}" href="{esc(href)}">'
        for media, href in alternates
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title>{links}<style>{_style()}</style>{head}</head><body>"
        f"{_NAV}<main>{body}</main></body></html>\n"
    )
    return page.encode("utf-8")


class _Terms:
    """Renders terms as HTML: labels, links to pages, literals with language/datatype."""

    def __init__(self, store: Store, site: Site) -> None:
        self.store = store
        self.site = site
        self.label = labeller(store)
        self._known: dict[str, bool] = {}

    def href(self, iri: str) -> str | None:
        if iri.startswith(self.site.base):
            return self.site.page(iri)
        if iri not in self._known:
            self._known[iri] = known(self.store, NamedNode(iri))
        if self._known[iri]:
            return self.site.page(iri)
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def name(self, term: NamedNode) -> str:
        """The label, else a compact IRI, else the IRI relative to the base."""
        label = self.label(term) or compact(term.value)
        if label == term.value and label.startswith(self.site.base):
            return label[len(self.site.base) :] or label
        return label

    def html(self, term: object) -> str:
        if isinstance(term, NamedNode):
            text = f"<bdi>{esc(self.name(term))}</bdi>"
            href = self.href(term.value)
            if href is None:
                return f'<code title="{esc(term.value)}">{text}</code>'
            external = ' rel="nofollow noopener noreferrer"' if href == term.value else ""
            return f'<a href="{esc(href)}" title="{esc(term.value)}"{external}>{text}</a>'
        if isinstance(term, BlankNode):
            return f"<code>_:{esc(term.value)}</code>"
        if isinstance(term, Literal):
            out = f"<bdi>{esc(term.value)}</bdi>"
            if term.language:
                out += f" <small>@{esc(term.language)}</small>"
            elif term.datatype.value != ns.XSD + "string":
                out += f" <small>{esc(compact(term.datatype.value))}</small>"
            return out
        if isinstance(term, Triple):
            parts = (self.html(term.subject), self.html(term.predicate), self.html(term.object))
            return "&lt;&lt; " + " ".join(parts) + " &gt;&gt;"
        return esc(term)


def describe_page(
    store: Store, request: dict[str, Any], version: StoreVersion | None = None
) -> Reply:
    """The page of the first of ``request["iris"]`` the store knows: HTML, or RDF.

    The RDF is the triples with the IRI as subject or object (a symmetric bounded
    description); an IRI that only names a graph ``version`` books gives that graph's
    triples.
    """
    site = Site(**request["site"])
    limit = int(request["max_rows"])
    found = None
    for iri in request["iris"]:
        try:
            node = NamedNode(iri)
        except ValueError:
            continue
        candidate = facts(store, node, limit, version)
        if candidate.found:
            found = candidate
            break
    if found is None:
        shown = request["iris"][0] if request["iris"] else ""
        return 404, TEXT, f"nothing is known about <{shown}> in this dataset\n".encode()
    key = request["format"]
    if key in FORMAT_NAMES:
        triples = found.outgoing + found.incoming
        if not triples and found.graph_size is not None:
            if found.graph_size > limit:
                return (
                    422,
                    TEXT,
                    (
                        f"the graph holds more than {limit} statements (--max-rows); "
                        "query it with SPARQL and LIMIT/OFFSET\n"
                    ).encode(),
                )
            assert version is not None  # a graph size is only known from a version
            triples = version.graph_triples(found.node.value, store)
        return 200, by_key(key).content_type, graph_bytes(triples, key)
    return 200, HTML, _resource_html(store, site, found)


def _resource_html(store: Store, site: Site, f: Facts) -> bytes:
    terms = _Terms(store, site)
    iri = f.node.value
    title = terms.label(f.node) or compact(iri)
    page = site.page(iri)
    alternates = [(by_key(k).media_type, site.with_format(page, k)) for k in FORMAT_NAMES]
    types = [t.object for t in f.outgoing if t.predicate.value == _RDF_TYPE]
    parts = [f"<h1><bdi>{esc(title)}</bdi></h1>", f'<p class="iri">{esc(iri)}</p>']
    if types:
        parts.append("<p>A " + ", ".join(terms.html(t) for t in types) + "</p>")
    parts.append(
        '<p class="note">Also as '
        + " · ".join(
            f'<a href="{esc(site.with_format(page, k))}">{esc(name)}</a>'
            for k, name in FORMAT_NAMES.items()
        )
        + "</p>"
    )
    if f.graph_size is not None:
        size = f"{f.graph_size}" if f.graph_size <= 10**9 else "many"
        parts.append(
            f"<h2>Named graph</h2><p>This IRI names a graph of the dataset holding {esc(size)}"
            " statements (see the dataset description for where they come from).</p>"
        )
    if f.predicate_uses:
        parts.append(f"<p>Used as the property of {f.predicate_uses} statement(s).</p>")
    properties = _grouped(
        (t.predicate, t.object) for t in f.outgoing if t.predicate.value != _RDF_TYPE
    )
    if properties:
        parts.append(_grouped_table("Properties", ("property", "value"), properties, terms))
    incoming = _grouped((t.predicate, t.subject) for t in f.incoming)
    if incoming:
        parts.append(_grouped_table("Referenced by", ("as its", "subject"), incoming, terms))
    if f.truncated:
        parts.append(
            '<p class="note">Only the first statements are shown; the SPARQL endpoint has '
            "them all.</p>"
        )
    if f.graphs:
        parts.append(
            '<p class="note">Stated in ' + ", ".join(terms.html(g) for g in f.graphs) + ".</p>"
        )
    return _document(f"{title} — cmsgraph", "".join(parts), alternates=alternates)


def _grouped_table(
    title: str, head: tuple[str, str], groups: dict[Any, list[Any]], terms: _Terms
) -> str:
    """A section: one row per property, its values (sorted, as links) in a list."""
    rows = []
    for predicate, values in _sorted_groups(groups, terms):
        items = "".join(f"<li>{terms.html(v)}</li>" for v in _sorted_terms(values, terms))
        rows.append(f"<tr><th>{terms.html(predicate)}</th><td><ul>{items}</ul></td></tr>")
    return (
        f"<h2>{esc(title)}</h2><table><thead><tr><th>{esc(head[0])}</th><th>{esc(head[1])}"
        f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _grouped(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _sorted_groups(groups: dict[Any, list[Any]], terms: _Terms) -> list[tuple[Any, list[Any]]]:
    return sorted(groups.items(), key=lambda kv: (terms.name(kv[0]).lower(), kv[0].value))


def _sorted_terms(values: list[Any], terms: _Terms) -> list[Any]:
    def key(term: Any) -> tuple[str, str]:
        shown = terms.name(term) if isinstance(term, NamedNode) else str(term.value)
        return (shown.lower(), str(term))

    return sorted(values, key=key)


def results_table(store: Store, site: Site, variables: list[str], rows: list[Any]) -> bytes:
    """SELECT results as an HTML table for browsers, IRIs linked to their pages."""
    terms = _Terms(store, site)
    head = "".join(f"<th>{esc(v)}</th>" for v in variables)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'' if row[v] is None else terms.html(row[v])}</td>" for v in variables)
        + "</tr>"
        for row in rows
    )
    html = (
        f"<h1>Query results</h1><p>{len(rows)} row(s).</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    return _document("Query results — cmsgraph", html)


def home_page(
    site: Site,
    manifest: dict[str, Any],
    queries: Sequence[tuple[str, str, str]],
    *,
    limits: dict[str, object],
    description: dict[str, Any] | None = None,
) -> bytes:
    """The server's front page: what is served, the query form, the named queries, and
    ``description`` (a schema.org Dataset) as a JSON-LD block for search engines."""
    iris = ns.Iris(site.base)
    counts = manifest.get("counts") or {}
    sources = manifest.get("sources") or []
    triples = manifest.get("triples") or counts.get("triples")
    docs = "".join(
        f'<li><a href="{esc(site.page(iris.document(s["symbol"])))}"><bdi>'
        f"{esc(s['symbol'])}</bdi></a></li>"
        for s in sources[:200]
        if isinstance(s, dict) and "symbol" in s
    )
    named = "".join(
        f'<tr><td><a href="/sparql?{esc(urlencode({"query": text, "format": "html"}))}">'
        f"{esc(name)}</a></td><td>{esc(question)}</td></tr>"
        for name, question, text in queries
    )
    body = (
        "<h1>cmsgraph</h1><p>CMS Family meeting documents as a knowledge graph"
        + (f": {esc(triples)} triples" if triples else "")
        + f" under <code>{esc(site.base)}</code>.</p>"
        + (f"<h2>Source documents</h2><ul>{docs}</ul>" if docs else "")
        + '<p><a href="/sparql">Open the SPARQL editor</a>: the named queries below are its '
        "tabs.</p>" + '<h2>Look up an IRI</h2><form action="/resource" method="get">'
        f'<input name="iri" size="70" value="{esc(site.base)}"> <button>Show</button></form>'
        + _form_html(limits)
        + (
            "<h2>Named queries</h2><table><thead><tr><th>name</th><th>question</th></tr>"
            f"</thead><tbody>{named}</tbody></table>"
            if named
            else ""
        )
    )
    head = json_block("", description, JSON_LD) if description else ""
    return _document("cmsgraph", body, head=head)


def _form_html(limits: dict[str, object]) -> str:
    example = "SELECT ?s ?label WHERE {\n  ?s a cmsg:Instrument ; rdfs:label ?label .\n}\nLIMIT 20"
    choices = [("html", "HTML table")] + [
        (f.key, f.label) for f in formats(kind="results", use="server") if f.key != "html"
    ]
    options = "".join(
        f'<option value="{esc(k)}">{esc(label)}</option>'
        for k, label in [*choices, ("turtle", "Turtle (CONSTRUCT)")]
    )
    prefixes = ", ".join(sorted(ns.PREFIXES))
    rules = ", ".join(f"{esc(k)} {esc(v)}" for k, v in limits.items())
    return (
        '<h2>SPARQL query</h2><form action="/sparql" method="get">'
        f'<textarea name="query" rows="8">{esc(example)}</textarea>'
        f'<p><select name="format">{options}</select> <button>Run</button></p></form>'
        f'<p class="note">Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, GET and POST). '
        f"Predefined prefixes: {esc(prefixes)}. The default graph is the union of all "
        f"graphs. Read-only; limits: {rules}.</p>"
    )


def query_page(limits: dict[str, object]) -> bytes:
    """The plain query form (no script)."""
    return _document("SPARQL — cmsgraph", _form_html(limits))


#: The query a new tab of the editor starts with (the prefixes are added by the page).
EXAMPLE_QUERY = """SELECT ?instrument ?label WHERE {
  ?instrument a cmsg:Instrument ;
              rdfs:label ?label .
}
ORDER BY ?label
LIMIT 20"""


def editor_page(
    site: Site, queries: Sequence[tuple[str, str, str]], *, limits: dict[str, object]
) -> bytes:
    """``GET /sparql`` from a browser: the SPARQL editor (YASGUI, files under
    ``/assets/``), set up by ``assets/editor.js`` from a JSON block: this endpoint,
    the named queries (one tab each), the prefixes of :mod:`cmsgraph.namespaces`. Sent
    with :data:`EDITOR_CSP`. Without script, the plain form."""
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(ns.PREFIXES.items()))
    config = {
        "dataset": site.base,
        "endpoint": "/sparql",
        "example": prologue + "\n" + EXAMPLE_QUERY,
        "prefixes": dict(sorted(ns.PREFIXES.items())),
        "queries": [
            {"name": name, "question": question, "text": text} for name, question, text in queries
        ],
    }
    rules = ", ".join(f"{esc(k)} {esc(v)}" for k, v in limits.items())
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<title>SPARQL editor — cmsgraph</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">'
        '<link rel="stylesheet" href="/assets/serve.css"></head><body>'
        f'{_NAV}<main class="editor"><p id="question" class="note"></p>'
        '<div id="yasgui"></div>'
        f"<noscript>{_form_html(limits)}</noscript>"
        f'<p class="note">Endpoint <code>/sparql</code> (SPARQL 1.1 Protocol), read-only; '
        f"the default graph is the union of all graphs. Ctrl+Enter runs the query. Limits: "
        f'{rules}. Editor: <a href="/assets/yasgui/LICENSE">YASGUI</a> (MIT).</p></main>'
        + json_block("cmsgraph-editor", config)
        + '<script src="/assets/yasgui/yasgui.min.js"></script>'
        '<script src="/assets/editor.js"></script></body></html>\n'
    )
    return page.encode("utf-8")
