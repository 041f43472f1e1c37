"""Every format cmsgraph writes, in one table: the command line, the server and the
exporter all read it, so a new format is one line here (and its writer).

Three kinds:

* ``results``: the solutions of a SELECT (or an ASK's boolean) — `SPARQL 1.1 Query
  Results JSON <https://www.w3.org/TR/sparql11-results-json/>`_, `XML
  <https://www.w3.org/TR/rdf-sparql-XMLres/>`_, `CSV and TSV
  <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_, an Excel workbook, an aligned
  text table (command line) and an HTML table (server);
* ``graph``: triples — Turtle, N-Triples, JSON-LD, RDF/XML;
* ``dataset``: quads, keeping the named graphs — N-Quads, TriG.

Each row says what it is called (``key`` and other ``names`` for ``?format=``), its
media type and the other media types an ``Accept`` header may name it by, its file
extensions, the specification, and — for the formats the exporter writes — the order
cmsgraph writes statements in, which the tests check format by format.

:func:`negotiate` (RFC 9110 §12.5.1 proactive negotiation) sits beside the table, as
in rdflib-endpoint's ``utils.py``. Nothing here imports pyoxigraph: the table is read
by ``cmsgraph --help``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FORMATS",
    "Format",
    "by_key",
    "for_suffix",
    "formats",
    "negotiate",
    "offers",
]

Kind = Literal["results", "graph", "dataset"]
Use = Literal["cli", "server", "export", "pages"]

#: The order of statements in a file (see the exporter's docstring).
SORTED_LINES = "sorted lines (canonical, as LC_ALL=C sort orders them)"
GROUPED = "grouped by sorted subject; rdf:type first, then sorted predicates and objects"
GROUPED_BY_GRAPH = f"grouped by sorted graph, then {GROUPED}"
NODES_BY_ID = "one node object per subject, sorted by id; keys id, type, then sorted"


@dataclass(frozen=True, slots=True)
class Format:
    """One format: its names, media types, file extensions and where it is offered."""

    key: str  # the name on the command line and in ?format=
    label: str  # for people: "Turtle"
    kind: Kind
    media_type: str  # the IANA media type sent
    suffix: str  # the usual file extension
    spec: str  # the specification it follows
    uses: frozenset[Use]  # where it is offered
    order: str = ""  # the documented order of statements (export formats)
    names: tuple[str, ...] = ()  # other ?format= names
    accepts: tuple[str, ...] = ()  # other media types an Accept header may name it by
    suffixes: tuple[str, ...] = ()  # other file extensions that mean it
    oxigraph: str | None = None  # the pyoxigraph RdfFormat / QueryResultsFormat member
    w3c: str | None = None  # its IRI in http://www.w3.org/ns/formats/
    eu_file_type: str | None = None  # its code in the EU "file type" authority table
    charset: bool = True  # text: sent with "; charset=utf-8"
    binary: bool = False  # written as bytes that are not text (a workbook)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    @property
    def dataset(self) -> bool:
        """Whether it keeps the named graphs (N-Quads, TriG)."""
        return self.kind == "dataset"

    @property
    def rdf_format(self) -> Any:
        """The pyoxigraph ``RdfFormat`` of an RDF format (None for results)."""
        return self.pyoxigraph() if self.kind != "results" else None

    def pyoxigraph(self) -> Any:
        """The pyoxigraph format object (imported on first use), or None."""
        if self.oxigraph is None:
            return None
        import pyoxigraph

        enum = pyoxigraph.QueryResultsFormat if self.kind == "results" else pyoxigraph.RdfFormat
        return getattr(enum, self.oxigraph)


def _uses(*names: Use) -> frozenset[Use]:
    return frozenset(names)


_RESULTS = "https://www.w3.org/TR/sparql11-results-csv-tsv/"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ECMA_376 = "https://ecma-international.org/publications-and-standards/standards/ecma-376/"

#: The table. Within a kind, the order is the server's preference when an ``Accept``
#: header ranks several alike, and the order of the command line's choices.
FORMATS: tuple[Format, ...] = (
    # -- SPARQL results --
    Format("table", "text table", "results", "text/plain", ".txt",
           "", _uses("cli")),
    Format("json", "SPARQL JSON", "results", "application/sparql-results+json", ".srj",
           "https://www.w3.org/TR/sparql11-results-json/", _uses("cli", "server"),
           accepts=("application/json",), suffixes=(".json",), oxigraph="JSON",
           w3c="http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
    Format("xml", "SPARQL XML", "results", "application/sparql-results+xml", ".srx",
           "https://www.w3.org/TR/rdf-sparql-XMLres/", _uses("cli", "server"),
           accepts=("application/xml", "text/xml"), suffixes=(".xml",), oxigraph="XML",
           w3c="http://www.w3.org/ns/formats/SPARQL_Results_XML"),
    Format("csv", "CSV", "results", "text/csv", ".csv", _RESULTS + "#csv",
           _uses("cli", "server"), oxigraph="CSV",
           w3c="http://www.w3.org/ns/formats/SPARQL_Results_CSV"),
    Format("tsv", "TSV", "results", "text/tab-separated-values", ".tsv", _RESULTS + "#tsv",
           _uses("cli", "server"), oxigraph="TSV",
           w3c="http://www.w3.org/ns/formats/SPARQL_Results_TSV"),
    Format("xlsx", "Excel workbook", "results", _XLSX, ".xlsx",
           _ECMA_376, _uses("cli", "server"),
           charset=False, binary=True),
    Format("html", "HTML table", "results", "text/html", ".html",
           "https://html.spec.whatwg.org/", _uses("server"),
           accepts=("application/xhtml+xml",)),
    # -- RDF graphs and datasets --
    Format("turtle", "Turtle", "graph", "text/turtle", ".ttl",
           "https://www.w3.org/TR/rdf12-turtle/", _uses("server", "export", "pages"),
           order=GROUPED, names=("ttl", "n3"),
           accepts=("application/x-turtle", "application/turtle", "text/n3"),
           eu_file_type="RDF_TURTLE", oxigraph="TURTLE",
           w3c="http://www.w3.org/ns/formats/Turtle"),
    Format("ntriples", "N-Triples", "graph", "application/n-triples", ".nt",
           "https://www.w3.org/TR/rdf12-n-triples/", _uses("server", "export", "pages"),
           order=SORTED_LINES, names=("nt", "n-triples"), accepts=("text/plain",),
           eu_file_type="RDF_N_TRIPLES", oxigraph="N_TRIPLES",
           w3c="http://www.w3.org/ns/formats/N-Triples", charset=False),
    Format("nquads", "N-Quads", "dataset", "application/n-quads", ".nq",
           "https://www.w3.org/TR/rdf12-n-quads/", _uses("export"),
           order=SORTED_LINES, names=("nq", "n-quads"),
           eu_file_type="RDF_N_QUADS", oxigraph="N_QUADS",
           w3c="http://www.w3.org/ns/formats/N-Quads", charset=False),
    Format("trig", "TriG", "dataset", "application/trig", ".trig",
           "https://www.w3.org/TR/rdf12-trig/", _uses("export"),
           order=GROUPED_BY_GRAPH, eu_file_type="RDF_TRIG", oxigraph="TRIG",
           w3c="http://www.w3.org/ns/formats/TriG", charset=False),
    Format("jsonld", "JSON-LD", "graph", "application/ld+json", ".jsonld",
           "https://www.w3.org/TR/json-ld11/", _uses("server", "export", "pages"),
           order=NODES_BY_ID, names=("json-ld", "json"),
           accepts=("application/x-json+ld", "application/json"),
           eu_file_type="JSON_LD", oxigraph="JSON_LD",
           w3c="http://www.w3.org/ns/formats/JSON-LD", charset=False),
    Format("rdfxml", "RDF/XML", "graph", "application/rdf+xml", ".rdf",
           "https://www.w3.org/TR/rdf12-xml/", _uses("server", "export", "pages"),
           order=GROUPED, names=("rdf", "xml"), suffixes=(".owl", ".xml"),
           eu_file_type="RDF_XML", oxigraph="RDF_XML",
           w3c="http://www.w3.org/ns/formats/RDF_XML", charset=False),
)  # fmt: skip

_BY_KEY = {f.key: f for f in FORMATS}


def by_key(key: str) -> Format:
    """The format called ``key``.

    >>> by_key("turtle").media_type
    'text/turtle'

    :raises KeyError: no such format.
    """
    return _BY_KEY[key]


def formats(*, kind: Kind | Iterable[Kind] | None = None, use: Use | None = None) -> list[Format]:
    """The formats of a kind (or kinds), offered where ``use`` says, in table order.

    >>> [f.key for f in formats(kind=("graph", "dataset"), use="export")]
    ['turtle', 'ntriples', 'nquads', 'trig', 'jsonld', 'rdfxml']
    >>> [f.key for f in formats(kind="results", use="cli")]
    ['table', 'json', 'xml', 'csv', 'tsv', 'xlsx']
    """
    kinds = {kind} if isinstance(kind, str) else set(kind) if kind is not None else None
    return [
        f for f in FORMATS if (kinds is None or f.kind in kinds) and (use is None or use in f.uses)
    ]


def for_suffix(name: str, candidates: Sequence[Format]) -> Format | None:
    """The format of ``candidates`` whose file extension ``name`` has, else None.

    >>> for_suffix("dist/cmsgraph.nq", formats(use="export")).key
    'nquads'
    """
    lowered = name.lower()
    for form in candidates:
        if lowered.endswith(form.suffix):
            return form
    for form in candidates:
        if any(lowered.endswith(s) for s in form.suffixes):
            return form
    return None


def offers(candidates: Sequence[Format]) -> list[tuple[str, str]]:
    """(media type, key) pairs for :func:`negotiate`: every format's own media type in
    table order, then the other media types it answers to."""
    main = [(f.media_type, f.key) for f in candidates]
    return main + [(media, f.key) for f in candidates for media in f.accepts]


def name_lookup(candidates: Sequence[Format]) -> dict[str, str]:
    """``?format=`` values -> key: the keys, the other names, and the media types."""
    out: dict[str, str] = {}
    for f in candidates:
        for name in (f.key, *f.names, f.media_type, *f.accepts):
            out.setdefault(name.lower(), f.key)
    return out


def negotiate(accept: str | None, offered: Sequence[tuple[str, str]], default: str) -> str:
    """The offer the ``Accept`` header prefers (RFC 9110 §12.5.1): the highest ``q`` of
    the most specific matching range; ties go to the earlier offer.

    >>> pages = [("text/html", "html"), *offers(formats(use="pages"))]
    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", pages, "html")
    'html'
    >>> negotiate("application/n-triples, text/turtle;q=0.5", pages, "html")
    'ntriples'
    >>> negotiate("*/*", offers(formats(kind="results", use="server")), "json")
    'json'
    """
    if not accept:
        return default
    ranges = []
    for item in accept.split(",")[:64]:
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        if "/" in media:
            ranges.append((media.lower(), q))
    best, best_q = default, 0.0
    for media, key in offered:
        kind = media.split("/")[0]
        q, specificity = 0.0, -1
        for pattern, pattern_q in ranges:
            level = (
                2 if pattern == media else 1 if pattern == f"{kind}/*" else
                0 if pattern == "*/*" else -1
            )  # fmt: skip
            if level > specificity:
                q, specificity = pattern_q, level
        if specificity >= 0 and q > best_q:
            best, best_q = key, q
    return best
