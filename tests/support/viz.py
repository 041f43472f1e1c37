"""Helpers shared by the network-view tests (tests/test_viz*.py)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx

import cmsgraph
from cmsgraph.viz import _add_periods_and_degrees, _slugs

__all__ = [
    "DOCUMENT_SOURCES",
    "MARKUP_PAYLOADS",
    "SitePage",
    "assert_offline_links",
    "big_graph",
    "build_store",
    "documents_store",
    "entry_at",
    "read_page",
    "with_markup_in_labels",
]

# The documents of every kind the views of documents are tested on, each in one format
# (tests/support/documents.py), beside the bundled report: name -> format
DOCUMENT_SOURCES = {
    "aewa-report": "docx",
    "sharks-programme": "html",
    "sharks-programme-later": "pdf",
    "ascobans-work-plan": "pdf",
    "prose": "docx",
}

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


def documents_store(rendered: Callable[[str, str], Path], folder: Path) -> Path:
    """Build a store from the bundled report and :data:`DOCUMENT_SOURCES` rendered by the
    ``rendered`` fixture; return the store folder."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [rendered("seed", "txt")]
    for name, fmt in DOCUMENT_SOURCES.items():
        path = folder / f"{name}.{fmt}"
        path.write_bytes(rendered(name, fmt).read_bytes())
        sources.append(path)
    store = folder / "store"
    cmsgraph.build(sources, store=store)
    return store


class SitePage(HTMLParser):
    """What a page of the site links and holds: its links, the files it loads, its meta
    tags and ids, and per section (by id) the codes (``data-code``) and activities
    (``data-activity``) of its table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.sources: list[str] = []
        self.meta: dict[str, str] = {}
        self.ids: set[str] = set()
        self.codes: dict[str, list[str]] = {}
        self.activities: dict[str, list[str]] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("section", "details") and "id" in a:
            self._section = a["id"]
        if tag == "tr" and self._section:
            for key, found in (("data-code", self.codes), ("data-activity", self.activities)):
                if key in a:
                    found.setdefault(self._section, []).append(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("script", "link", "img"):
            self.sources.append(a.get("src") or a.get("href") or "")
        if tag == "meta" and "http-equiv" in a:
            self.meta[a["http-equiv"]] = a.get("content", "")


def read_page(path: Path) -> SitePage:
    page = SitePage()
    page.feed(path.read_text("utf-8"))
    return page


def assert_offline_links(path: Path) -> SitePage:
    """The page at ``path`` has the site's Content-Security-Policy, and every link and
    file it loads is a file of the site (or an id of the page); return the page."""
    page = read_page(path)
    assert "default-src 'none'" in page.meta["Content-Security-Policy"], path
    for link in page.links + page.sources:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc, (path, link)
        if parts.path:
            assert (path.parent / unquote(parts.path)).is_file(), (path, link)
        if parts.fragment and not parts.path:
            assert parts.fragment in page.ids, (path, link)
    return page
