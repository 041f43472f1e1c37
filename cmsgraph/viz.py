"""Network views of the knowledge graph, for people who do not write SPARQL.

Three layers, each usable on its own:

* :func:`network_graph` reads the store with SPARQL (``cmsgraph/assets/viz-*.rq``) into a
  :class:`networkx.MultiDiGraph`: activity areas, sub-activities, report entries,
  programmes of work and their activities, documents, instruments, funders, responsible
  entities, partners and meetings, linked by the relation that joins them (``cites``,
  ``funded by``, ``responsible``, ``involves``, ``partner`` ...);
  :func:`citation_graph` reads the citation network: the source documents (by kind) and
  the documents they cite;
* :func:`focused_graph` cuts the view of one entity out of either, and :func:`to_pyvis`
  turns any of these graphs into a :class:`pyvis.network.Network` for notebooks;
* :func:`write_site` writes a static site: ``index.html`` (what the graph holds, the most
  connected funders, partners and instruments, the documents cited most, links to every
  view), ``graph.html`` (the whole graph) and ``view/SLUG.html`` (one focused view per
  entity), ``citations.html`` (the citation network) and ``citations/SLUG.html`` (one
  per document), ``programmes.html`` (the programmes of work: their activities and who
  is responsible for them), with ``timeline/SLUG.html`` (a sub-activity across the
  reports on its programme) and ``compare/OLD--NEW.html`` (what changed between two
  consecutive reports, or versions of a programme of work) beside them, opened from
  disk or any static web server.

The site uses its own small template, not pyvis's: pyvis links Bootstrap (and with its
menus tom-select) from a CDN whatever ``cdn_resources`` says, sets tooltips containing
``href`` with ``innerHTML``, does not escape its heading and menu options, adds nodes and
edges in quadratic time and lets physics run on graphs too big to settle. Here:

* **offline**: ``vis-network.min.js`` (shipped by pyvis) is copied next to the pages with
  our own script and style sheet; every page carries a Content-Security-Policy that
  allows nothing but those files, so no page can request anything from the network;
* **text is data**: every text from a document is HTML-escaped in markup, embedded as
  JSON with ``<``, ``>``, ``&`` and U+2028/9 escaped, and written into the page by the
  script with ``textContent``, never ``innerHTML``;
* **still**: positions are computed here (stress majorization on graph distances, no
  randomness), physics is off, and the same store gives byte-identical files (sorted
  nodes and edges, no timestamps);
* **at scale**: the whole-graph view is drawn up to ``max_nodes`` nodes; above, it says so
  and offers search and the focused views, which are themselves capped.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import networkx as nx

from . import namespaces as ns
from .errors import CmsGraphError
from .results import ResultTable
from .sparql import NamedQuery, run_local
from .store import default_store_dir, open_current

if TYPE_CHECKING:
    from pyvis.network import Network

    from .history import ReportRows

__all__ = [
    "MAX_FOCUS_NODES",
    "MAX_NODES",
    "NODE_TYPES",
    "RELATIONS",
    "NodeType",
    "Relation",
    "SiteResult",
    "citation_graph",
    "focused_graph",
    "layout",
    "network_graph",
    "to_pyvis",
    "write_site",
]

MAX_NODES = 1500
"""The largest graph the whole-graph view draws; above it, it offers the focused views."""

MAX_FOCUS_NODES = 400
"""The largest focused view: beyond it, the nodes farthest from the entity are left out."""

_GENERATOR = "cmsgraph viz"
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'"
)
_TOOLTIP_TEXT = 600  # characters of an entry's source text carried into a page's data


@dataclass(frozen=True, slots=True)
class NodeType:
    """A kind of node, and how it is drawn (a vis-network shape and colours)."""

    key: str
    label: str
    plural: str
    shape: str
    color: str
    border: str


NODE_TYPES: tuple[NodeType, ...] = (
    NodeType("area", "activity area", "activity areas", "hexagon", "#0072B2", "#00456b"),
    NodeType("subactivity", "sub-activity", "sub-activities", "dot", "#56B4E9", "#2a7fae"),
    NodeType("entry", "report entry", "report entries", "dot", "#b4b4b4", "#6e6e6e"),
    NodeType("report", "activity report", "activity reports", "triangle", "#1b3a6b", "#0b1a33"),
    NodeType(
        "programme", "programme of work", "programmes of work", "hexagon", "#6a3d9a", "#3f2060"
    ),
    NodeType("activity", "programme activity", "programme activities", "dot", "#b2df8a", "#5a8f3a"),
    NodeType(
        "meeting-document",
        "other meeting document",
        "other meeting documents",
        "triangle",
        "#17becf",
        "#0e7c87",
    ),
    NodeType("document", "cited document", "cited documents", "triangle", "#E69F00", "#996a00"),
    NodeType("instrument", "instrument", "instruments", "star", "#009E73", "#005c43"),
    NodeType("funder", "funder", "funders", "diamond", "#D55E00", "#8a3d00"),
    NodeType(
        "responsible",
        "responsible entity",
        "responsible entities",
        "square",
        "#a6761d",
        "#6b4c12",
    ),
    NodeType("partner", "partner", "partners", "triangleDown", "#CC79A7", "#8f4774"),
    NodeType("meeting", "meeting", "meetings", "square", "#F0E442", "#8a8200"),
)
"""The kinds of nodes, in the order a node with several roles takes the first of (a
programme of work cited by a report is drawn as the programme) and legends list them.
The citation network types its source documents by kind (activity report, programme of
work, other meeting document) and the documents only cited as cited documents."""
_TYPES = {t.key: t for t in NODE_TYPES}
_TYPE_ORDER = {t.key: i for i, t in enumerate(NODE_TYPES)}
_ROW_TYPES = frozenset({"entry", "activity"})  # a row of a table: views go through it
_DOCUMENT_TYPES = frozenset({"report", "programme", "meeting-document", "document"})
# a source document's type in the citation network, by its kind (the `documents` query's)
_KIND_TYPES = {
    "activity-report": "report",
    "programme-of-work": "programme",
    "document": "meeting-document",
}


@dataclass(frozen=True, slots=True)
class Relation:
    """A link the views draw: the property it is read from and what it is called."""

    key: str
    label: str
    inverse: str  # the label read from the object's side
    predicate: str
    target: str  # the NodeType key of the object


RELATIONS: tuple[Relation, ...] = (
    Relation("reported-under", "reported under", "reports", ns.CMSG + "reportedUnder", "area"),
    Relation("reports-on", "reports on", "reported in", ns.CMSG + "reportsOn", "subactivity"),
    Relation("part-of", "part of", "has part", ns.SKOS + "broader", "area"),
    Relation(
        "in-programme", "in programme", "has activity", ns.PROV + "wasDerivedFrom", "programme"
    ),
    Relation(
        "responsible",
        "responsible",
        "responsible for",
        ns.CMSG + "responsibleEntity",
        "responsible",
    ),
    Relation("cites", "cites", "cited by", ns.CMSG + "citesDocument", "document"),
    Relation("funded-by", "funded by", "funds", ns.CMSG + "fundedBy", "funder"),
    Relation(
        "funding-channel", "funded via", "channels funds to", ns.CMSG + "fundingChannel", "funder"
    ),
    Relation("involves", "involves", "involved in", ns.CMSG + "involvesInstrument", "instrument"),
    Relation("partner", "partner", "partner in", ns.CMSG + "hasPartner", "partner"),
    Relation(
        "mentions-meeting",
        "mentions meeting",
        "mentioned in",
        ns.CMSG + "mentionsMeeting",
        "meeting",
    ),
    Relation("references", "cites", "cited by", ns.DCT + "references", "document"),
)
"""The links drawn: those of rows (report entries, programme activities) and
sub-activities in the network, and a document's citations (``references``, from its
rows and paragraphs) in the citation network."""
_RELATIONS = {r.predicate: r for r in RELATIONS}
_RELATION_ORDER = {r.key: i for i, r in enumerate(RELATIONS)}
_NETWORK_RELATIONS = {r.predicate: r for r in RELATIONS if r.key != "references"}
_SUBJECT_TYPES = {  # the class of a link's subject (viz-links.rq) -> its node type
    ns.CMSG + "ReportEntry": "entry",
    ns.CMSG + "ProgrammeActivity": "activity",
    ns.CMSG + "SubActivity": "subactivity",
}
_REFERENCES = next(r for r in RELATIONS if r.key == "references")


# -- reading the store -------------------------------------------------------------------


@functools.cache
def _asset_text(name: str) -> str:
    return (files("cmsgraph") / "assets" / name).read_text("utf-8")


def _select(store: object, name: str) -> list[tuple[str | None, ...]]:
    text = _asset_text(f"{name}.rq")
    result = run_local(store, NamedQuery(name, "", text), {})
    assert isinstance(result, ResultTable)
    return result.values()


def network_graph(store: str | Path | None = None) -> nx.MultiDiGraph:
    """The network the views draw, read from the store with SPARQL.

    Nodes are IRIs with ``type`` (a :data:`NODE_TYPES` key), ``label`` (full),
    ``short`` (drawn under the node), ``slug`` (the focused view's file name),
    ``degree`` (links in the whole graph) and ``periods`` (the periods of the report
    entries it is linked to); report entries also carry ``period``, ``document``,
    ``line``, ``activity``, ``status``, ``resources`` and ``source`` (the row's cells,
    tab-separated); programme activities ``document`` (the programme's symbol),
    ``group`` (its section heading), ``notation`` (its number) and ``cells`` (heading,
    text). Edges go from entry, programme activity (or sub-activity) to what it is
    linked to, keyed by relation (a :data:`RELATIONS` key), with ``relation`` (its
    label) and ``predicate`` (its IRI); a programme activity is linked to its programme
    of work (``in-programme``) and to the entities responsible for it (``responsible``).
    An organisation that funds one entry and is partner in another is typed ``funder``,
    and ``roles`` lists both.

    :param store: the store directory (default: ``$CMSGRAPH_STORE`` or the default store).
    :raises StoreError: if there is no store at ``store`` or it cannot be opened.
    :raises QueryError: if the store cannot be queried.

    >>> graph = network_graph("/tmp/store")  # doctest: +SKIP
    >>> graph.nodes["https://w3id.org/cmsgraph/id/country/DE"]["type"]  # doctest: +SKIP
    'funder'
    """
    version = open_current(store if store is not None else default_store_dir())
    try:
        oxi = version.open()
        return _network_graph(oxi, version.base, _labels(oxi))
    finally:
        version.release()


def citation_graph(store: str | Path | None = None) -> nx.MultiDiGraph:
    """The citation network, read from the store with SPARQL: every source document,
    typed by its kind (``report``, ``programme``, ``meeting-document``), and every
    document, resolution, decision or outcome they cite (``document`` when it is not a
    source itself), with an edge (key ``references``) from each document to each one it
    cites (``dct:references``: what its rows and paragraphs cite). Nodes carry the
    attributes of :func:`network_graph`'s (``periods`` empty) and sources their
    ``format``; focused views of this network are written to ``citations/``.

    :raises StoreError: if there is no store at ``store`` or it cannot be opened.

    >>> cites = citation_graph("/tmp/store")  # doctest: +SKIP
    >>> seed = "https://w3id.org/cmsgraph/id/document/UNEP/CMS/COP11/Doc.16.1"
    >>> cites.nodes[seed]["type"], cites.out_degree(seed)  # doctest: +SKIP
    ('report', 23)
    """
    version = open_current(store if store is not None else default_store_dir())
    try:
        oxi = version.open()
        base = version.base
        return _citation_graph(oxi, base, _labels(oxi))
    finally:
        version.release()


Labels = Mapping[str, Mapping[str, list[str]]]


def _labels(oxi: object) -> Labels:
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, prop, value in _select(oxi, "viz-labels"):
        if node and prop and value is not None:
            labels[node][prop.rsplit("/", 1)[-1].rsplit("#", 1)[-1]].append(value)
    return labels


def _network_graph(oxi: object, base: str, labels: Labels) -> nx.MultiDiGraph:
    links = sorted(
        {
            (s, c, p, o)
            for s, c, p, o in _select(oxi, "viz-links")
            if s and c in _SUBJECT_TYPES and p in _NETWORK_RELATIONS and o
        }
    )
    rows = {
        "entry": {row[0]: row for row in _select(oxi, "viz-entries") if row[0]},
        "activity": {row[0]: row for row in _select(oxi, "viz-activities") if row[0]},
    }
    sources = [(s or "", t or "") for _, s, t in _select(oxi, "viz-sources")]

    roles: dict[str, set[str]] = defaultdict(set)
    for s, c, p, o in links:
        roles[s].add(_SUBJECT_TYPES[c])
        roles[o].add(_NETWORK_RELATIONS[p].target)

    graph = nx.MultiDiGraph(name="cmsgraph", base=base, sources=sources, folder="view")
    for node in sorted(roles):
        kind = min(roles[node], key=_TYPE_ORDER.__getitem__)
        row = rows[kind].get(node) if kind in rows else None
        attrs = _node_attrs(node, kind, labels.get(node, {}), row)
        attrs["roles"] = tuple(sorted(roles[node], key=_TYPE_ORDER.__getitem__))
        graph.add_node(node, **attrs)
    for s, _, p, o in links:
        relation = _NETWORK_RELATIONS[p]
        graph.add_edge(s, o, key=relation.key, relation=relation.label, predicate=p)
    _finish(graph)
    return graph


def _citation_graph(oxi: object, base: str, labels: Labels) -> nx.MultiDiGraph:
    """Documents are nodes (one per document or resolution: the graph gives each one
    IRI), citations are edges."""
    kinds: dict[str, str] = {}
    formats: dict[str, str] = {}
    cites: set[tuple[str, str]] = set()
    for document, symbol, kind, fmt, cited, _ in _select(oxi, "viz-citations"):
        if not document or not symbol:
            continue
        kinds[document] = _KIND_TYPES.get(kind or "", "meeting-document")
        formats[document] = fmt or ""
        if cited and cited != document:
            cites.add((document, cited))
    graph = nx.MultiDiGraph(name="cmsgraph citations", base=base, sources=[], folder="citations")
    for node in sorted(set(kinds) | {cited for _, cited in cites}):
        kind = kinds.get(node, "document")
        attrs = _node_attrs(node, kind, labels.get(node, {}), None)
        attrs["roles"] = (kind,)
        if node in formats:
            attrs["format"] = formats[node]
        graph.add_node(node, **attrs)
    for document, cited in sorted(cites):
        graph.add_edge(
            document,
            cited,
            key=_REFERENCES.key,
            relation=_REFERENCES.label,
            predicate=_REFERENCES.predicate,
        )
    _finish(graph)
    return graph


def _finish(graph: nx.MultiDiGraph) -> None:
    """Periods, degrees and slugs of every node; the periods of the graph."""
    _add_periods_and_degrees(graph)
    slugs = _slugs(graph.nodes, graph.graph["base"])
    nx.set_node_attributes(graph, slugs, "slug")
    graph.graph["periods"] = sorted({p for _, ps in graph.nodes(data="periods") for p in ps})


def _folder(graph: nx.MultiDiGraph) -> str:
    """The folder of the graph's focused views: ``view``, or ``citations``."""
    return str(graph.graph.get("folder") or "view")


def _first(values: Mapping[str, list[str]], *props: str) -> str | None:
    for prop in props:
        found = sorted(v for v in values.get(prop, ()) if v.strip())
        if found:
            return found[0]
    return None


def _local_name(iri: str) -> str:
    return unquote(re.split(r"[/#]", iri.rstrip("/"))[-1]) or iri


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_attrs(
    node: str, kind: str, values: Mapping[str, list[str]], entry: tuple[str | None, ...] | None
) -> dict[str, Any]:
    notation = _first(values, "notation")
    attrs: dict[str, Any] = {"type": kind, "iri": node}
    if kind == "area":
        title = _first(values, "prefLabel")
        number = notation or _local_name(node)
        label = f"{number}. {title}" if title else f"Activity area {number}"
        attrs.update(label=label, short=_clip(label, 34), notation=number)
    elif kind == "subactivity":
        code = notation or _first(values, "prefLabel") or _local_name(node)
        label = _first(values, "label") or code
        attrs.update(label=label, short=code, notation=code)
    elif kind == "entry":
        label = _first(values, "label") or _local_name(node)
        attrs.update(label=label, short=label)
        keys = ("period", "document", "line", "activity", "progress", "plan", "resources")
        row = dict(zip(("entry", *keys), entry or (), strict=False))
        status = row.get("progress") or row.get("plan")
        cells = (row.get("activity"), status, row.get("resources"))
        attrs.update(
            period=row.get("period") or "",
            document=row.get("document") or "",
            line=int(str(row["line"])) if row.get("line") else None,
            activity=row.get("activity") or "",
            status=row.get("progress") or row.get("plan") or "",
            status_kind="progress" if row.get("progress") else "plan",
            resources=row.get("resources") or "",
            source="\t".join(str(c or "") for c in cells).rstrip("\t"),
        )
    elif kind == "activity":
        attrs.update(_activity_attrs(node, values, entry))
    elif kind in _DOCUMENT_TYPES:
        symbol = _first(values, "identifier", "label") or _local_name(node)
        # a source's meeting too: the versions of a programme are all "Doc.8.2"
        parts = 1 if kind == "document" else 2
        short = "/".join(symbol.split("/")[-parts:])
        attrs.update(label=symbol, short=short, title=_first(values, "title"))
    else:
        label = _first(values, "prefLabel", "label", "notation") or _local_name(node)
        name = _first(values, "name")
        attrs.update(label=label, short=_clip(label, 34), name=name if name != label else None)
    return attrs


def _activity_attrs(
    node: str, values: Mapping[str, list[str]], found: tuple[str | None, ...] | None
) -> dict[str, Any]:
    """A programme activity's attributes, from its row of viz-activities.rq."""
    keys = ("document", "index", "number", "group", *(key for key, _ in _ACTIVITY_CELLS))
    row: dict[str, str | None] = dict(zip(("activity", *keys), found or (), strict=False))
    number = row.get("number") or _first(values, "notation")
    label = _first(values, "label") or _local_name(node)
    cells = tuple((heading, text) for key, heading in _ACTIVITY_CELLS if (text := row.get(key)))
    return {
        "label": label,
        "short": number or _clip(label, 34),
        "notation": number,
        "index": int(str(row["index"])) if row.get("index") else 0,
        "document": row.get("document") or "",
        "group": row.get("group") or "",
        "cells": cells,
        "source": "\t".join(text for _, text in cells),
    }


# the cells of a programme activity (viz-activities.rq) and what they are called
_ACTIVITY_CELLS = (
    ("text", "Activity"),
    ("mandate", "Mandate"),
    ("priority", "Priority"),
    ("timeframe", "Time frame"),
    ("responsible", "Responsible"),
    ("partners", "Partners"),
    ("resources", "Funding"),
    ("status", "Status"),
    ("documents", "Related documents"),
)


def _add_periods_and_degrees(graph: nx.MultiDiGraph) -> None:
    periods: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        if data["type"] == "entry" and data.get("period"):
            periods[node].add(data["period"])
            for other in graph.successors(node):
                periods[other].add(data["period"])
    for node, data in graph.nodes(data=True):  # an area holds its sub-activities' periods too
        if data["type"] == "subactivity":
            for area in graph.successors(node):
                periods[area] |= periods[node]
    for node in graph.nodes:
        graph.nodes[node]["periods"] = tuple(sorted(periods[node]))
        graph.nodes[node]["degree"] = graph.degree(node)


def _slugs(nodes: Iterable[str], base: str) -> dict[str, str]:
    """A stable file name for each node, read from its IRI (``resolution-cms-10.9-activity-5``).

    Names that would clash once lower-cased get a digest of their IRI appended.
    """
    readable: dict[str, str] = {}
    for iri in sorted(nodes):
        local = iri[len(base) :] if iri.startswith(base) else re.sub(r"^[a-z]+:/*", "", iri)
        slug = re.sub(r"[^a-z0-9.]+", "-", unquote(local).lower()).strip("-.")
        slug = re.sub(r"\.{2,}", ".", slug)[:90].strip("-.") or "node"
        readable[iri] = slug
    counts = Counter(readable.values())
    return {
        iri: slug if counts[slug] == 1 else f"{slug}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"
        for iri, slug in readable.items()
    }


# -- views -------------------------------------------------------------------------------


def _sort_key(graph: nx.MultiDiGraph, node: str) -> tuple[Any, ...]:
    data = graph.nodes[node]
    return (_TYPE_ORDER[data["type"]], -data["degree"], _natural(data["label"]), node)


def _natural(text: str) -> tuple[Any, ...]:
    """Sort "2.10" after "2.9": numbers as numbers."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


def focused_graph(
    graph: nx.MultiDiGraph, node: str, *, max_nodes: int = MAX_FOCUS_NODES
) -> nx.MultiDiGraph:
    """The view of one entity: it, its neighbours and their links among themselves.

    A report entry is one row of a table: it is what joins a funder to the activity it
    funds and the documents the row cites. So where a neighbour is a report entry (or a
    programme activity, a row too), the row's own neighbours belong to the view too
    (except in the view of a row): a programme's view shows its activities and who is
    responsible for them, funds them and takes part.
    Beyond ``max_nodes``, the nodes farthest from the entity (then the least connected)
    are left out; ``graph.graph["total_nodes"]`` says how many there were.

    :raises KeyError: if ``node`` is not in ``graph``.

    >>> view = focused_graph(graph, "https://w3id.org/cmsgraph/id/country/DE")  # doctest: +SKIP
    """
    if node not in graph:
        raise KeyError(node)
    ring1 = set(graph.successors(node)) | set(graph.predecessors(node))
    ring1.discard(node)
    ring2: Counter[str] = Counter()
    if graph.nodes[node]["type"] not in _ROW_TYPES:
        for near in ring1:
            if graph.nodes[near]["type"] in _ROW_TYPES:
                for far in set(graph.successors(near)) | set(graph.predecessors(near)):
                    if far != node and far not in ring1:
                        ring2[far] += 1
    first = sorted(ring1, key=lambda n: _sort_key(graph, n))
    second = sorted(ring2, key=lambda n: (-ring2[n], *_sort_key(graph, n)))
    keep = [node, *first, *second]
    total = len(keep)
    keep = keep[: max(1, max_nodes)]
    kept = set(keep)
    view = nx.MultiDiGraph()
    view.add_nodes_from((n, graph.nodes[n]) for n in keep)
    view.add_edges_from(
        (u, v, key, data)
        for u in keep
        for v, keyed in graph.adj[u].items()
        if v in kept
        for key, data in keyed.items()
    )
    view.graph.update(
        graph.graph,
        focus=node,
        rings={n: (0 if n == node else 1 if n in ring1 else 2) for n in keep},
        total_nodes=total,
    )
    return view


def layout(
    graph: nx.Graph, *, focus: str | None = None, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Positions in pixels; the same graph always gets the same layout.

    Each connected component is laid out on its own by stress majorization (drawn
    distances follow graph distances, as in Kamada-Kawai, which reads well); the
    components are then packed in rows, largest first, and nodes drawn on top of one
    another pushed apart. In a focused view the layout starts from rings around the entity
    (neighbours, then theirs), and the entity is placed at the origin.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    if simple.number_of_nodes() == 0:
        return {}
    rings = graph.graph.get("rings") or {}
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)),
        key=lambda c: (focus not in c, -len(c), c[0]),
    )
    placed = [
        _component_layout(
            simple if len(components) == 1 else simple.subgraph(c).copy(), focus, rings, seed
        )
        for c in components
    ]
    positions = _pack(placed)
    sizes = {n: _size(graph.nodes[n].get("degree", 1)) for n in positions}
    positions = _separate(positions, sizes)
    if focus is not None and focus in positions:
        cx, cy = positions[focus]
        positions = {n: (x - cx, y - cy) for n, (x, y) in positions.items()}
    return {n: (float(round(x)), float(round(y))) for n, (x, y) in sorted(positions.items())}


_EDGE_PX = 110.0  # the drawn length of a link


def _component_layout(
    sub: nx.Graph, focus: str | None, rings: Mapping[str, int], seed: int
) -> dict[str, tuple[float, float]]:
    nodes = list(sub.nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    start = None
    if focus is not None and focus in sub:
        shells = [[focus]] + [[n for n in nodes if rings.get(n, 2) == r] for r in (1, 2)]
        start = nx.shell_layout(sub, [s for s in shells if s])
    raw = _stress_layout(sub, start, seed)
    return {n: (x * _EDGE_PX, y * _EDGE_PX) for n, (x, y) in raw.items()}


def _stress_layout(
    sub: nx.Graph, start: Mapping[str, Any] | None, seed: int, iterations: int = 300
) -> dict[str, tuple[float, float]]:
    """Stress majorization (SMACOF): drawn distances follow graph distances.

    Gansner, Koren and North, *Graph Drawing by Stress Majorization* (2004), with weights
    d⁻²: the layout Kamada-Kawai aims at, found by repeated Guttman transforms, each of
    which lowers the stress, so it converges without randomness. It starts from
    ``start`` or from classical scaling (the two main axes of the distance matrix).
    """
    import numpy as np

    nodes = list(sub.nodes)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    d = np.zeros((n, n))
    for source, lengths in nx.all_pairs_shortest_path_length(sub):
        row = index[source]
        for target, length in lengths.items():
            d[row, index[target]] = length
    if start is not None:
        x = np.array([start[v] for v in nodes], dtype=float) * (d.max() / 2.0)
    else:
        x = _classical_scaling(d, seed)
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, 1.0 / d**2, 0.0)
    laplacian = np.diag(w.sum(axis=1)) - w
    inverse = np.linalg.inv(laplacian + 1.0 / n)  # (L + J/n)⁻¹ = L⁺ + J/n, and J/n·BX = 0
    wd = w * d
    if n > 400:  # each round costs n²: fewer, from the classical-scaling start
        iterations = min(iterations, 80)
    for _ in range(iterations):
        b = -wd / np.maximum(_distances(x), 1e-9)
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        moved = inverse @ (b @ x)
        step = float(np.abs(moved - x).max())
        x = moved
        if step < 1e-3:  # a tenth of a pixel
            break
    return {v: (float(px), float(py)) for v, (px, py) in zip(nodes, x, strict=True)}


def _distances(x: Any) -> Any:
    """Euclidean distances between all rows of ``x`` (through the Gram matrix: fast)."""
    import numpy as np

    squared = (x**2).sum(axis=1)
    return np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2.0 * (x @ x.T), 0.0))


def _classical_scaling(d: Any, seed: int) -> Any:
    """The two main axes of the double-centred squared distances (orthogonal iteration)."""
    import numpy as np

    n = len(d)
    squared = d**2
    b = -0.5 * (squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean())
    t = np.linspace(0.0, 1.0, n)
    q = np.column_stack([np.cos(7.0 * t + seed), np.sin(5.0 * t + 2.0 * seed)])
    for _ in range(60):
        q, _r = np.linalg.qr(b @ q)
    values = np.clip(np.einsum("ij,ij->j", q, b @ q), 1e-9, None)
    x = q * np.sqrt(values)
    x += np.linspace(0.0, 1e-3, n)[:, None]  # no two nodes on the same spot
    return x


def _pack(components: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Components side by side in rows (the first, largest, alone at the origin)."""
    if len(components) == 1:
        return components[0]
    boxes = []
    for pos in components:
        xs = [x for x, _ in pos.values()]
        ys = [y for _, y in pos.values()]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + _EDGE_PX, max(ys) - min(ys) + _EDGE_PX))
    width = max(max(b[2] for b in boxes), math.sqrt(sum(b[2] * b[3] for b in boxes)) * 1.3)
    out: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for pos, (x0, y0, w, h) in zip(components, boxes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        out.update({n: (px - x0 + x, py - y0 + y) for n, (px, py) in pos.items()})
        x, row = x + w, max(row, h)
    return out


def _separate(
    positions: dict[str, tuple[float, float]], sizes: Mapping[str, float], rounds: int = 40
) -> dict[str, tuple[float, float]]:
    """Push apart nodes that overlap (or nearly), a few pixels at a time."""
    import numpy as np

    nodes = sorted(positions)
    if len(nodes) < 2:
        return positions
    xy = np.array([positions[n] for n in nodes], dtype=float)
    radius = np.array([sizes[n] for n in nodes], dtype=float)
    need = radius[:, None] + radius[None, :] + 14.0
    np.fill_diagonal(need, 0.0)
    index = np.arange(len(nodes), dtype=float)
    xy += np.column_stack([index, index[::-1]]) * 1e-3  # no two nodes on the same spot
    for _ in range(rounds):
        dist = _distances(xy)
        overlap = np.clip(need - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if not overlap.any():
            break
        force = overlap / (2.0 * np.maximum(dist, 1e-3))
        xy = xy + 0.5 * (xy * force.sum(axis=1)[:, None] - force @ xy)
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy, strict=True)}


def _size(degree: int) -> float:
    return round(min(44.0, 7.0 + 3.2 * math.sqrt(degree)), 1)


# -- pyvis, for notebooks ----------------------------------------------------------------


def to_pyvis(
    graph: nx.MultiDiGraph, *, heading: str = "", height: str = "750px", notebook: bool = False
) -> Network:
    """A :class:`pyvis.network.Network` of ``graph`` (whole or focused), for notebooks.

    Nodes carry their type's shape and colour, a size by connectedness, a plain-text
    tooltip and precomputed positions; physics is off, so the drawing does not move. The
    network is filled directly (pyvis's ``from_nx`` and ``add_edge`` are quadratic), uses
    ``cdn_resources="in_line"`` without pyvis's select and filter menus, and its HTML has
    pyvis's Bootstrap links removed and its heading escaped, so ``show()`` and
    ``write_html()`` work offline and show document text as text.

    >>> net = to_pyvis(network_graph("/tmp/store"))  # doctest: +SKIP
    >>> net.write_html("graph.html")  # doctest: +SKIP
    """
    from pyvis.network import Network

    class _OfflineNetwork(Network):  # type: ignore[misc]
        def get_network_data(self) -> tuple[Any, ...]:
            nodes, edges, title, height, width, options = super().get_network_data()
            return nodes, edges, html.escape(title or ""), height, width, options

        def generate_html(self, *args: Any, **kwargs: Any) -> str:
            # pyvis sets tooltips with innerHTML when any contains "href", else innerText
            linked = any("href" in str(n.get("title", "")) for n in self.nodes)
            saved = [(n, n.get("title")) for n in self.nodes]
            if linked:
                for n, title in saved:
                    if title is not None:
                        n["title"] = html.escape(str(title))
            try:
                page = str(super().generate_html(*args, **kwargs))
            finally:
                for n, title in saved:
                    if title is not None:
                        n["title"] = title
            page = re.sub(r"<link[^>]*https://[^>]*/>", "", page, flags=re.S)
            page = re.sub(r"<script[^>]*src=\"https://[^>]*>\s*</script>", "", page, flags=re.S)
            self.html = page
            return page

    net = _OfflineNetwork(
        height=height,
        width="100%",
        directed=True,
        heading=heading,
        cdn_resources="in_line",
        select_menu=False,
        filter_menu=False,
        notebook=notebook,
    )
    positions = layout(graph, focus=graph.graph.get("focus"))
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        kind = _TYPES[data["type"]]
        options = {
            "id": node,
            "label": data["short"],
            "title": "\n".join(line for _, line in _tooltip(data)),
            "shape": kind.shape,
            "color": kind.color,
            "size": _size(data["degree"]),
            "x": positions[node][0],
            "y": positions[node][1],
            "group": kind.key,
        }
        net.nodes.append(options)
        net.node_ids.append(node)
        net.node_map[node] = options
    for u, v, key in sorted(graph.edges(keys=True)):
        relation = RELATIONS[_RELATION_ORDER[key]]
        net.edges.append({"from": u, "to": v, "title": relation.label, "arrows": "to"})
    net.toggle_physics(False)
    return net


# -- the site ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteResult:
    """What :func:`write_site` wrote."""

    path: Path  # the site folder
    index: Path  # its index.html
    nodes: int
    edges: int
    views: int  # focused views written
    whole_graph_drawn: bool  # False when the graph has more than max_nodes nodes
    documents: int = 0  # nodes of the citation network: its focused views written
    citations: int = 0  # links of the citation network
    programme_activities: int = 0  # drawn on programmes.html


def write_site(
    store: str | Path | None = None,
    out: str | Path = "out/viz",
    *,
    graph: nx.MultiDiGraph | None = None,
    citations: nx.MultiDiGraph | None = None,
    max_nodes: int = MAX_NODES,
    max_focus_nodes: int = MAX_FOCUS_NODES,
) -> SiteResult:
    """Write the static site of network views into ``out``; return what was written.

    ``out`` is created if needed; a folder that already holds files must be a site this
    function wrote (it is then brought up to date: views of entities no longer in the
    graph are removed, unchanged files are left untouched). Pass ``graph`` to draw a graph
    made with :func:`network_graph` (or any graph with its attributes) instead of reading
    ``store``, and ``citations`` for a citation network made with :func:`citation_graph`
    (without either, the citation network is read from ``store``, else empty). Read from
    a store, the site also has a timeline page per sub-activity and a compare page per
    pair of consecutive reports on a programme (:mod:`cmsgraph._viz_history`). The
    citation network and the programmes of work have pages of their own
    (:mod:`cmsgraph._viz_documents`).

    :raises StoreError: if there is no store at ``store`` or it cannot be opened.
    :raises CmsGraphError: if ``out`` holds something else, or cannot be written.

    >>> site = write_site(store="/tmp/store", out="/tmp/site")  # doctest: +SKIP
    >>> site.index  # doctest: +SKIP
    PosixPath('/tmp/site/index.html')
    """
    programmes = None
    if graph is None or store is not None:
        from .history import reports_by_programme

        programmes = reports_by_programme(store)
    if graph is None:
        graph, read = _read_graphs(store)
        citations = read if citations is None else citations
    elif citations is None:
        citations = citation_graph(store) if store is not None else _no_citations(graph)
    out = Path(out)
    _prepare_out(out)
    try:
        return _write_site(
            graph,
            out,
            max_nodes=max_nodes,
            max_focus_nodes=max_focus_nodes,
            history=programmes,
            citations=citations,
        )
    except OSError as exc:
        raise CmsGraphError(f"{out}: cannot write the site: {exc}") from None


def _read_graphs(store: str | Path | None) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """The network and the citation network, read from one version of the store."""
    version = open_current(store if store is not None else default_store_dir())
    try:
        oxi = version.open()
        base = version.base
        labels = _labels(oxi)
        return _network_graph(oxi, base, labels), _citation_graph(oxi, base, labels)
    finally:
        version.release()


def _no_citations(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    base = graph.graph.get("base", ns.DEFAULT_BASE)
    return nx.MultiDiGraph(
        name="cmsgraph citations", base=base, sources=[], folder="citations", periods=[]
    )


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise CmsGraphError(f"{out}: not a folder", hint="pass --out a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        index = out / "index.html"
        try:
            ours = f'<meta name="generator" content="{_GENERATOR}">' in index.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise CmsGraphError(
                f"{out}: the folder is not empty and holds no site written by cmsgraph viz",
                hint="pass --out a new or empty folder",
            )
    try:
        (out / "view").mkdir(parents=True, exist_ok=True)
        for folder in ("lib", "citations"):
            (out / folder).mkdir(exist_ok=True)
    except OSError as exc:
        raise CmsGraphError(f"{out}: cannot create the site folder: {exc}") from None


def _vis_network_js() -> bytes:
    """vis-network as pyvis ships it (the newest version it bundles)."""
    lib = files("pyvis") / "templates" / "lib"
    candidates = sorted(
        (d for d in lib.iterdir() if d.name.startswith("vis-")),
        key=lambda d: _natural(d.name),
    )
    for folder in reversed(candidates):
        script = folder / "vis-network.min.js"
        if script.is_file():
            return script.read_bytes()
    raise CmsGraphError("pyvis does not ship vis-network.min.js; reinstall pyvis")


def _write_site(
    graph: nx.MultiDiGraph,
    out: Path,
    *,
    max_nodes: int,
    max_focus_nodes: int,
    history: Mapping[str, Sequence[ReportRows]] | None = None,
    citations: nx.MultiDiGraph | None = None,
) -> SiteResult:
    _write_bytes(out / "lib" / "vis-network.min.js", _vis_network_js())
    for name in ("viz.js", "viz.css"):
        _write_bytes(out / "lib" / name, (files("cmsgraph") / "assets" / name).read_bytes())

    from ._viz_history import history_pages

    over_time = history_pages(graph, history or {})
    for folder in ("timeline", "compare"):
        (out / folder).mkdir(exist_ok=True)
        for stale in (out / folder).glob("*.html"):
            if f"{folder}/{stale.name}" not in over_time.pages:
                stale.unlink()
    for page, text in sorted(over_time.pages.items()):
        _write_text(out / page, text)

    from ._viz_documents import document_pages

    citations = citations if citations is not None else _no_citations(graph)
    documents = document_pages(
        graph, citations, max_nodes=max_nodes, max_focus_nodes=max_focus_nodes
    )
    for page, text in sorted(documents.pages.items()):
        _write_text(out / page, text)

    total = (graph.number_of_nodes(), graph.number_of_edges())
    drawn = total[0] <= max_nodes
    tops = _top_tables(graph, "")
    _write_text(out / "graph.html", _whole_page(graph, drawn, tops))
    written: dict[str, set[str]] = {"view": set(), "citations": set()}
    for node in sorted(graph.nodes):
        view = focused_graph(graph, node, max_nodes=max_focus_nodes)
        path = out / "view" / f"{graph.nodes[node]['slug']}.html"
        also = documents.also.get(node, "")
        _write_text(path, _focused_page(graph, view, total, over_time.timelines, also))
        written["view"].add(path.name)
    written["citations"] = {
        page.removeprefix("citations/") for page in documents.pages if page.startswith("citations/")
    }
    for folder, names in written.items():  # views of entities no longer in the graph
        for stale in (out / folder).glob("*.html"):
            if stale.name not in names:
                stale.unlink()
    index = _index_page(graph, drawn, tops, over_time.overview, documents.overview)
    _write_text(out / "index.html", index)
    return SiteResult(
        path=out,
        index=out / "index.html",
        nodes=total[0],
        edges=total[1],
        views=total[0],
        whole_graph_drawn=drawn,
        documents=citations.number_of_nodes(),
        citations=citations.number_of_edges(),
        programme_activities=documents.activities,
    )


def _write_bytes(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


# -- page parts --------------------------------------------------------------------------


def _e(text: object) -> str:
    """Text as HTML: every character that could start markup or end an attribute escaped."""
    return html.escape(str(text), quote=True)


def script_json(data: object) -> str:
    """``data`` as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` ... so no text can close the
    element or open a comment, and U+2028/U+2029 are escaped for old parsers. The result
    is still JSON: these characters only ever occur inside strings.

    >>> script_json({"t": "</script><b>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _page(*, title: str, root: str, body: str, data: object, page_class: str) -> str:
    scripts = [f'<script src="{root}lib/viz.js"></script>']
    if page_class == "graph":
        scripts.insert(0, f'<script src="{root}lib/vis-network.min.js"></script>')
    return Template(_asset_text("page.html")).substitute(
        scripts="\n".join(scripts),
        title=_e(title),
        csp=_e(_CSP),
        generator=_e(_GENERATOR),
        root=root,
        page_class=page_class,
        body=body,
        data=script_json(data),
    )


def _tooltip(data: Mapping[str, Any], *, clip: int | None = None) -> list[tuple[str, str]]:
    """(heading, text) lines shown when hovering a node: label, type, and what it says."""
    kind = _TYPES[data["type"]]
    roles = [r for r in data.get("roles", ()) if r != data["type"]]
    label = data["label"] if clip is None else _clip(data["label"], clip)
    lines = [("", label), ("type", kind.label + "".join(f", {r}" for r in roles))]
    if data["type"] == "entry":
        lines.append(("period", data.get("period") or "unknown"))
        source = data.get("source") or ""
        if clip is not None and len(source) > clip:
            source = source[: clip - 1].rstrip() + "…"
        where = data.get("document") or ""
        if data.get("line"):
            where += f", line {data['line']}"
        lines.append((f"source text ({where})" if where else "source text", source))
    elif data["type"] == "activity":
        lines.append(("programme", data.get("document") or ""))
        if data.get("group"):
            lines.append(("group", data["group"]))
        for heading, text in data.get("cells", ()):
            if heading in ("Responsible", "Time frame", "Status"):
                lines.append((heading.lower(), text if clip is None else _clip(text, clip)))
    elif data.get("name"):
        lines.append(("name", data["name"]))
    elif data.get("title"):
        lines.append(("title", data["title"]))
    if data.get("format"):
        lines.append(("read from", f"{data['format']} file"))
    lines.append(("links", str(data.get("degree", 0))))
    return lines


def _types_data() -> list[dict[str, str]]:
    return [
        {
            "key": t.key,
            "label": t.label,
            "plural": t.plural,
            "shape": t.shape,
            "color": t.color,
            "border": t.border,
        }
        for t in NODE_TYPES
    ]


def _view_data(
    graph: nx.MultiDiGraph,
    view: nx.MultiDiGraph,
    *,
    kind: str,
    root: str,
    total: tuple[int, int],
) -> dict[str, Any]:
    focus = view.graph.get("focus")
    positions = layout(view, focus=focus)
    nodes = []
    for node in sorted(view.nodes, key=lambda n: graph.nodes[n]["slug"]):
        data = graph.nodes[node]
        nodes.append(
            {
                "id": data["slug"],
                "label": data["short"],
                "name": _clip(data["label"], _TOOLTIP_TEXT),
                "type": data["type"],
                "x": int(positions[node][0]),
                "y": int(positions[node][1]),
                "size": _size(data["degree"]),
                "periods": list(data["periods"]),
                "tip": [list(line) for line in _tooltip(data, clip=_TOOLTIP_TEXT)],
            }
        )
    edges = []
    seen: Counter[tuple[str, str]] = Counter()
    ordered = sorted(
        view.edges(keys=True),
        key=lambda e: (graph.nodes[e[0]]["slug"], graph.nodes[e[1]]["slug"], _RELATION_ORDER[e[2]]),
    )
    for number, (u, v, key) in enumerate(ordered):
        pair = (u, v) if u < v else (v, u)
        edges.append(
            {
                "id": f"e{number}",
                "from": graph.nodes[u]["slug"],
                "to": graph.nodes[v]["slug"],
                "rel": key,
                "relation": RELATIONS[_RELATION_ORDER[key]].label,
                "curve": seen[pair],
            }
        )
        seen[pair] += 1
    present = {n["type"] for n in nodes}
    periods = sorted({p for n in nodes for p in n["periods"]})
    return {
        "view": kind,
        "root": root,
        "focus": graph.nodes[focus]["slug"] if focus is not None else None,
        "types": [t for t in _types_data() if t["key"] in present],
        "relations": [
            {"key": r.key, "label": r.label, "color": _TYPES[r.target].color}
            for r in RELATIONS
            if any(e["rel"] == r.key for e in edges)
        ],
        "periods": periods,
        "nodes": nodes,
        "edges": edges,
        "total": {"nodes": total[0], "edges": total[1]},
        "folder": _folder(graph),
        "network": _network_name(graph),
    }


def _network_name(graph: nx.MultiDiGraph) -> str:
    """What the whole of ``graph`` is called: "the whole graph", "the citation network"."""
    return "the citation network" if _folder(graph) == "citations" else "the whole graph"


def _swatch(kind: NodeType) -> str:
    shapes = {
        "hexagon": '<polygon points="7,1 12.2,4 12.2,10 7,13 1.8,10 1.8,4"/>',
        "dot": '<circle cx="7" cy="7" r="5.5"/>',
        "triangle": '<polygon points="7,1.5 12.5,12 1.5,12"/>',
        "triangleDown": '<polygon points="1.5,2 12.5,2 7,12.5"/>',
        "diamond": '<polygon points="7,1 13,7 7,13 1,7"/>',
        "square": '<rect x="2" y="2" width="10" height="10"/>',
        "star": '<polygon points="7,1 8.8,5.2 13,5.4 9.7,8.2 10.8,12.6 7,10.2 3.2,12.6 4.3,8.2 '
        '1,5.4 5.2,5.2"/>',
    }
    return (
        f'<svg class="swatch" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true" '
        f'fill="{kind.color}" stroke="{kind.border}" stroke-width="1">{shapes[kind.shape]}</svg>'
    )


def _controls(data: Mapping[str, Any]) -> str:
    counts = Counter(n["type"] for n in data["nodes"])
    types = "".join(
        f'<label class="type"><input type="checkbox" name="type" value="{_e(t["key"])}" checked> '
        f"{_swatch(_TYPES[t['key']])} {_e(t['label'])} "
        f'<span class="count">{counts[t["key"]]}</span></label>'
        for t in data["types"]
    )
    periods = "".join(f'<option value="{_e(p)}">{_e(p)}</option>' for p in data["periods"])
    relations = "".join(
        f'<li><span class="line" data-rel="{_e(r["key"])}"></span>{_e(r["label"])}</li>'
        for r in data["relations"]
    )
    return f"""<aside class="controls" aria-label="Controls">
<form id="find" role="search" autocomplete="off">
<label for="search">Find a node by name</label>
<input id="search" type="search" placeholder="e.g. AEWA, Germany, 4.4, Doc.21.1">
<ul id="matches" aria-live="polite"></ul>
</form>
<fieldset id="types"><legend>Show types</legend>{types}</fieldset>
<label for="period">Period</label>
<select id="period"><option value="">all periods</option>{periods}</select>
<button type="button" id="fit">Fit to screen</button>
<p id="status" aria-live="polite"></p>
<details class="links-legend"><summary>Links</summary><ul>{relations}</ul>
<p>Hover a link to read its relation, a node to read what it is; click a node to open
its view.</p></details>
</aside>"""


def _nav(root: str) -> str:
    return (
        f'<nav><a href="{root}index.html">Overview</a> '
        f'<a href="{root}graph.html">Whole graph</a> '
        f'<a href="{root}citations.html">Citation network</a> '
        f'<a href="{root}programmes.html">Programmes of work</a></nav>'
    )


def _whole_page(
    graph: nx.MultiDiGraph,
    drawn: bool,
    tops: str,
    *,
    title: str = "The whole graph",
    summary: str = "",
    looking_for: str = "activity area, instrument, funder or partner",
    below: str = "",
) -> str:
    """The page drawing all of ``graph`` (``graph.html``, ``citations.html``); above
    ``max_nodes`` (not ``drawn``), a search of its focused views and ``tops`` instead.
    ``below``: more of the page, under the drawing (or the search)."""
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    if drawn:
        data = _view_data(graph, graph, kind="whole", root="", total=(n, m))
        summary = summary or f"{n} nodes and {m} links."
        body = f"""<header>{_nav("")}
<h1>{_e(title)}</h1>
<p class="summary">{summary} Hover a node to read it, click it to open its
view.</p></header>
<div class="layout">{_controls(data)}
<div class="canvas"><div id="network" role="img" aria-label="Network of {_e(title.lower())}"></div>
<div id="tooltip" role="tooltip" hidden></div></div></div>{below}"""
        return _page(title=title, root="", body=body, data=data, page_class="graph")
    index = [
        {"id": d["slug"], "name": _clip(d["label"], _TOOLTIP_TEXT), "type": d["type"]}
        for _, d in sorted(graph.nodes(data=True), key=lambda item: _sort_key(graph, item[0]))
        if d["type"] not in _ROW_TYPES
    ]
    data = {
        "view": "large",
        "root": "",
        "types": _types_data(),
        "index": index,
        "folder": _folder(graph),
    }
    body = f"""<header>{_nav("")}
<h1>{_e(title)}</h1></header>
<div class="large">
<p class="too-large"><strong>{_e(_network_name(graph).capitalize())} has {n:,} nodes and {m:,}
links: too many to draw usefully in a browser.</strong> Find the {_e(looking_for)} you are
looking for and open its focused view, or pick one on the
<a href="index.html">overview</a>.</p>
<form id="find" role="search" autocomplete="off">
<label for="search">Find a node by name</label>
<input id="search" type="search" placeholder="e.g. AEWA, Germany, 4.4, Doc.21.1">
<ul id="matches" aria-live="polite"></ul></form>
{tops}
</div>{below}"""
    return _page(title=title, root="", body=body, data=data, page_class="large")


def _link(graph: nx.MultiDiGraph, node: str, root: str) -> str:
    data = graph.nodes[node]
    return (
        f'<a class="node t-{data["type"]}" '
        f'href="{root}{_folder(graph)}/{_e(data["slug"])}.html">'
        f"{_swatch(_TYPES[data['type']])}{_e(data['label'])}</a>"
    )


def _focused_page(
    graph: nx.MultiDiGraph,
    view: nx.MultiDiGraph,
    total: tuple[int, int],
    timelines: frozenset[str] = frozenset(),
    also: str = "",
) -> str:
    """The focused view of ``view.graph["focus"]``; ``also``: links to its other pages
    (its view in the other network), as HTML."""
    focus = view.graph["focus"]
    data = graph.nodes[focus]
    kind = _TYPES[data["type"]]
    page = _view_data(graph, view, kind="focused", root="../", total=total)
    shown, near = view.number_of_nodes(), view.graph["total_nodes"]
    note = (
        f'<p class="truncated">This view shows the {shown} nodes closest to it of {near}: '
        f"open a neighbour's view to see further.</p>"
        if shown < near
        else ""
    )
    facts = _facts(data)
    groups: dict[tuple[int, str], set[str]] = defaultdict(set)
    for _, v, key in graph.out_edges(focus, keys=True):
        groups[(_RELATION_ORDER[key], RELATIONS[_RELATION_ORDER[key]].label)].add(v)
    for u, _, key in graph.in_edges(focus, keys=True):
        groups[(_RELATION_ORDER[key], RELATIONS[_RELATION_ORDER[key]].inverse)].add(u)
    sections = "".join(
        f'<section><h3>{_e(label)} <span class="count">{len(nodes)}</span></h3><ul>'
        + "".join(
            f"<li>{_link(graph, n, '../')}</li>"
            for n in sorted(nodes, key=lambda n: _sort_key(graph, n))
        )
        + "</ul></section>"
        for (_, label), nodes in sorted(groups.items())
    )
    timeline = (
        f'<p class="timeline-link"><a href="../timeline/{_e(data["slug"])}.html">'
        "Its reports over time</a></p>"
        if data["slug"] in timelines
        else ""
    )
    body = f"""<header>{_nav("../")}
<p class="kind">{_swatch(kind)} {_e(kind.label)}</p>
<h1>{_e(data["label"])}</h1>
<p class="summary">{data["degree"]} links in {_network_name(graph)}; this view: {shown} nodes and
{view.number_of_edges()} links.</p>{note}{timeline}{also}</header>
<div class="layout">{_controls(page)}
<div class="canvas"><div id="network" role="img" aria-label="Network around {_e(data["label"])}">
</div><div id="tooltip" role="tooltip" hidden></div></div></div>
<div class="about">{facts}<h2>Connected to</h2><div class="groups">{sections}</div></div>"""
    return _page(title=data["label"], root="../", body=body, data=page, page_class="graph")


def _facts(data: Mapping[str, Any]) -> str:
    rows: list[tuple[str, str]] = []
    if data["type"] == "entry":
        where = data.get("document") or ""
        if data.get("line"):
            where += f", line {data['line']}"
        rows += [
            ("Period", data.get("period") or ""),
            ("Source", where),
            ("Activity", data.get("activity") or ""),
            ("Progress" if data.get("status_kind") == "progress" else "Plan", data["status"]),
            ("Resources", data.get("resources") or ""),
        ]
    elif data["type"] == "activity":
        rows += [
            ("Programme", data.get("document") or ""),
            ("Group", data.get("group") or ""),
            ("Number", data.get("notation") or ""),
            *data.get("cells", ()),
        ]
    elif data.get("name"):
        rows.append(("Name", data["name"]))
    elif data.get("title"):
        rows.append(("Title", data["title"]))
    if data.get("format"):
        rows.append(("Read from", f"a {data['format']} file"))
    if data.get("periods"):
        rows.append(("Periods", ", ".join(data["periods"])))
    rows.append(("IRI", data["iri"]))
    out = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows if v)
    source = ""
    if data["type"] == "entry" and data.get("source"):
        source = (
            '<h2>The row as it stands in the source</h2><pre class="source">'
            f"{_e(data['source'])}</pre>"
        )
    return f"<h2>About</h2><dl>{out}</dl>{source}"


# -- the overview ------------------------------------------------------------------------


def _centrality(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Betweenness centrality on the undirected graph (sampled, seeded, beyond 2,000 nodes)."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges()}))
    n = simple.number_of_nodes()
    sample = None if n <= 2000 else 300
    return nx.betweenness_centrality(simple, k=sample, seed=0 if sample else None)


def _reach(
    graph: nx.MultiDiGraph, node: str, row: str = "entry", within: str = "reported-under"
) -> tuple[int, int]:
    """How many rows (report entries) link to ``node``, and how many activity areas they
    stand in (with ``row="activity"``, ``within="in-programme"``: how many programme
    activities, in how many programmes of work)."""
    rows = {u for u in graph.predecessors(node) if graph.nodes[u]["type"] == row}
    groups = {a for e in rows for a, keys in graph[e].items() if within in keys}
    return len(rows), len(groups)


def _top_tables(graph: nx.MultiDiGraph, root: str, limit: int = 10) -> str:
    central = _centrality(graph)
    tables = []
    responsible = any(d["type"] == "responsible" for _, d in graph.nodes(data=True))
    for key, title, by_citations in (
        ("funder", "Funders", False),
        ("partner", "Partners", False),
        ("instrument", "Instruments", False),
        ("document", "Documents cited most", True),
        *((("responsible", "Responsible for programme activities", False),) if responsible else ()),
    ):
        nodes = [n for n, d in graph.nodes(data=True) if d["type"] == key]
        programme = key == "responsible"
        within = ("activity", "in-programme") if programme else ("entry", "reported-under")
        reach = {n: _reach(graph, n, *within) for n in nodes}
        if by_citations:
            nodes.sort(key=lambda n: (-reach[n][0], -central[n], _natural(graph.nodes[n]["label"])))
        else:
            nodes.sort(key=lambda n: (-central[n], -reach[n][0], _natural(graph.nodes[n]["label"])))
        rows = "".join(
            f"<tr><td>{_link(graph, n, root)}</td><td>{reach[n][0]}</td><td>{reach[n][1]}</td>"
            f"<td>{central[n]:.3f}</td></tr>"
            for n in nodes[:limit]
        )
        entries_head = "cited by entries" if by_citations else "report entries"
        groups_head = "activity areas"
        if programme:
            entries_head, groups_head = "programme activities", "programmes"
        empty = '<tr><td colspan="4">none</td></tr>'
        tables.append(
            f'<section class="top" id="top-{key}"><h3>{_e(title)}</h3><table>'
            f"<thead><tr><th>name</th><th>{entries_head}</th><th>{groups_head}</th>"
            f"<th><abbr title=\"betweenness centrality: how much of the network's shortest "
            f'paths go through it">centrality</abbr></th></tr></thead>'
            f"<tbody>{rows or empty}</tbody></table></section>"
        )
    return f'<div class="tops">{"".join(tables)}</div>'


def _index_page(
    graph: nx.MultiDiGraph, drawn: bool, tops: str, over_time: str = "", documents: str = ""
) -> str:
    """The overview; ``over_time`` and ``documents``: the sections of the history pages
    and of the citation network and programmes of work."""
    counts = Counter(d["type"] for _, d in graph.nodes(data=True))
    relations = Counter(k for _, _, k in graph.edges(keys=True))
    sources = "".join(
        f"<li><strong>{_e(symbol)}</strong>{' — ' + _e(title) if title else ''}</li>"
        for symbol, title in graph.graph.get("sources", ())
    )
    holds = "".join(
        f'<tr><td><a href="#views-{t.key}">{_swatch(t)} {_e(t.plural)}</a></td>'
        f"<td>{counts[t.key]}</td></tr>"
        for t in NODE_TYPES
        if counts[t.key]
    )
    links = "".join(
        f"<tr><td>{_e(r.label)}</td><td>{relations[r.key]}</td></tr>"
        for r in RELATIONS
        if relations[r.key]
    )
    whole = (
        "Every node and link in one picture."
        if drawn
        else f"Too large to draw ({graph.number_of_nodes():,} nodes): search it, or start "
        "from a focused view below."
    )
    by_type: dict[str, list[str]] = defaultdict(list)
    for node in sorted(graph.nodes, key=lambda n: (_natural(graph.nodes[n]["label"]), n)):
        by_type[graph.nodes[node]["type"]].append(node)
    views = "".join(
        f'<details id="views-{t.key}"{" open" if t.key in ("area", "instrument") else ""}>'
        f"<summary>{_swatch(t)} {_e(t.plural.capitalize())} "
        f'<span class="count">{len(by_type[t.key])}</span></summary><ul class="views">'
        + "".join(
            f'<li>{_link(graph, n, "")} <span class="count">{graph.nodes[n]["degree"]}</span></li>'
            for n in by_type[t.key]
        )
        + "</ul></details>"
        for t in NODE_TYPES
        if by_type[t.key]
    )
    programmes = (
        ", and programmes of work: their activities and who is responsible for them"
        if counts["activity"]
        else ""
    )
    body = f"""<header><h1>Network views</h1>
<p class="summary">Activity areas, report entries, the documents they cite, who funds them and
the instruments and partners involved{programmes}, from:</p><ul class="sources">{sources}</ul>
</header>
<main class="index">
<section id="whole"><h2><a href="graph.html">The whole graph</a></h2><p>{whole}</p></section>
{documents}
<section id="holds"><h2>What the graph holds</h2>
<div class="holds"><table><thead><tr><th>nodes</th><th>count</th></tr></thead>
<tbody>{holds}</tbody><tfoot><tr><td>all</td><td>{graph.number_of_nodes()}</td></tr></tfoot>
</table><table><thead><tr><th>links</th><th>count</th></tr></thead><tbody>{links}</tbody>
<tfoot><tr><td>all</td><td>{graph.number_of_edges()}</td></tr></tfoot></table></div></section>
<section id="most-connected"><h2>Most connected</h2>
<p>Ranked by betweenness centrality (how much of the network's shortest paths run through
them), with the report entries that name them and the activity areas those stand in.</p>
{tops}</section>
{over_time}
<section id="views"><h2>Every view</h2>
<form id="find" role="search" autocomplete="off"><label for="search">Find a view by name</label>
<input id="search" type="search" placeholder="e.g. AEWA, Germany, 4.4"></form>
{views}</section></main>"""
    data = {"view": "index", "root": ""}
    return _page(title="Network views", root="", body=body, data=data, page_class="index")
