"""Helpers shared by the network-view tests (tests/test_viz*.py)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import cmsgraph
from cmsgraph.viz import _add_periods_and_degrees, _slugs

__all__ = ["MARKUP_PAYLOADS", "big_graph", "build_store", "entry_at", "with_markup_in_labels"]

# Tags in a cell are stripped by the parser; escaped ones become text that *looks* like
# markup. These reach area titles, sub-activity labels and cells as they are.
MARKUP_PAYLOADS = [
    '<script>alert("area")</script>',
    '"><img src=x onerror=alert(2)>',
    'O\'Brien & "quotes" </b>',
]
_ESCAPED = [
    p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in MARKUP_PAYLOADS
]


def with_markup_in_labels(text: str) -> str:
    """The report ``text`` with :data:`MARKUP_PAYLOADS` in area 5's title and row 5.2."""
    title = "To carry out a global gap analysis at the Convention level"
    cell = "Implementation of recommendations of gap analysis"
    assert text.count(title) == 1 and text.count(cell) == 1
    text = text.replace(title, f"{' '.join(_ESCAPED)} {title}")
    return text.replace(cell, f"{cell} {' '.join(_ESCAPED)}")


def entry_at(graph: nx.MultiDiGraph, line: int) -> str:
    """The report entry read from ``line`` of the source."""
    (entry,) = [n for n, d in graph.nodes(data=True) if d["type"] == "entry" and d["line"] == line]
    return entry


def build_store(text: str, folder: Path) -> Path:
    """Build a store from one source document's text; return the store folder."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "UNEP-CMS-COP11-Doc.16.1.txt"
    source.write_text(text, "utf-8")
    store = folder / "store"
    cmsgraph.build([source], store=store)
    return store


def big_graph(graph: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """``copies`` reports like the bundled one, sharing its funders, partners, instruments,
    meetings and documents: a graph as a secretariat's many reports would make."""
    shared = {"funder", "partner", "instrument", "meeting", "document"}
    out = nx.MultiDiGraph(**graph.graph)
    for i in range(copies):
        name = {n: n if d["type"] in shared else f"{n}/copy-{i}" for n, d in graph.nodes(data=True)}
        for n, d in graph.nodes(data=True):
            if name[n] not in out:
                label = d["label"] if d["type"] in shared else f"{d['label']} [{i}]"
                out.add_node(name[n], **{**d, "iri": name[n], "label": label})
        for u, v, key, d in graph.edges(keys=True, data=True):
            out.add_edge(name[u], name[v], key=key, **d)
    _add_periods_and_degrees(out)
    for node, slug in _slugs(out.nodes, out.graph["base"]).items():
        out.nodes[node]["slug"] = slug
    return out
