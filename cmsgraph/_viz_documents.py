"""The site's pages about documents of every kind (issue 12): the citation network and
the programmes of work.

Written by :func:`cmsgraph.viz.write_site` beside the network views:

* ``citations.html`` draws the citation network (:func:`cmsgraph.viz.citation_graph`):
  the source documents, by kind, and the documents they cite, with the documents cited
  by the most documents and the sources citing the most under the drawing;
  ``citations/SLUG.html`` is one focused view per document (what it cites, what cites
  it, and their citations among themselves), linked to its view in the network where it
  has one, and back;
* ``programmes.html`` draws the programmes of work: each activity linked to its
  programme (so that a programme's activities stand around it) and to the entities
  responsible for it, its partners and funders; under the drawing, per programme and
  section, a table of the activities with who is responsible, funds and takes part,
  their time frame and status. Every node and name opens its focused view.

Static HTML like the other pages: every text escaped, no script but the site's own,
the same bytes for the same store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .viz import (
    _TYPES,
    _controls,
    _e,
    _focused_page,
    _link,
    _natural,
    _nav,
    _page,
    _sort_key,
    _view_data,
    _whole_page,
    focused_graph,
)

__all__ = ["DocumentPages", "document_pages"]

# the links of a programme activity drawn on programmes.html
_PROGRAMME_LINKS = frozenset({"in-programme", "responsible", "partner", "funded-by",
                              "funding-channel"})  # fmt: skip
_SOURCE_TYPES = ("report", "programme", "meeting-document")  # by kind, in this order


@dataclass(frozen=True, slots=True)
class DocumentPages:
    """The pages to write (path relative to the site -> HTML), the overview's sections,
    and for the network's focused views of documents, a link to their citations."""

    pages: dict[str, str]
    overview: str
    also: dict[str, str]  # node IRI -> HTML for its view/ page
    activities: int  # programme activities drawn or listed on programmes.html


def document_pages(
    graph: nx.MultiDiGraph, citations: nx.MultiDiGraph, *, max_nodes: int, max_focus_nodes: int
) -> DocumentPages:
    """The citation network's pages and the programmes of work's page."""
    pages: dict[str, str] = {}
    total = (citations.number_of_nodes(), citations.number_of_edges())
    drawn = total[0] <= max_nodes
    tables = _citation_tables(citations, "")
    pages["citations.html"] = _whole_page(
        citations,
        drawn,
        "" if drawn else tables,
        title="The citation network",
        summary=_citation_summary(citations),
        looking_for="document",
        below=f'<div class="about">{tables}</div>' if drawn else "",
    )
    in_network = {node for node in graph.nodes if node in citations}
    also: dict[str, str] = {}
    for node in sorted(citations.nodes):
        slug = citations.nodes[node]["slug"]
        there = ""
        if node in in_network:
            there = (
                f'<p class="also"><a href="../view/{_e(graph.nodes[node]["slug"])}'
                '.html">Its view in the whole graph</a>: the rows that cite it</p>'
            )
        view = focused_graph(citations, node, max_nodes=max_focus_nodes)
        pages[f"citations/{slug}.html"] = _focused_page(citations, view, total, also=there)
    for node in sorted(in_network):
        slug = citations.nodes[node]["slug"]
        also[node] = (
            f'<p class="also"><a href="../citations/{_e(slug)}.html">Its citations</a>: '
            "the documents it cites and those citing it</p>"
        )
    activities = [n for n, d in graph.nodes(data=True) if d["type"] == "activity"]
    pages["programmes.html"] = _programmes_page(graph, activities, max_nodes)
    overview = _citations_overview(citations, tables) + _programmes_overview(graph, activities)
    return DocumentPages(pages, overview, also, len(activities))


# -- the citation network -----------------------------------------------------------------


def _kinds(citations: nx.MultiDiGraph) -> Counter[str]:
    return Counter(d["type"] for _, d in citations.nodes(data=True))


def _citation_summary(citations: nx.MultiDiGraph) -> str:
    counts = _kinds(citations)
    sources = ", ".join(
        f"{counts[key]} {_e(_TYPES[key].plural if counts[key] != 1 else _TYPES[key].label)}"
        for key in _SOURCE_TYPES
        if counts[key]
    )
    return (
        f"{citations.number_of_nodes()} documents — {sources or 'no source document'} read "
        f"from the sources and {counts['document']} documents only cited — and "
        f"{citations.number_of_edges()} citations between them."
    )


def _citation_tables(citations: nx.MultiDiGraph, root: str, limit: int = 10) -> str:
    """The documents cited by the most documents, and the sources citing the most."""

    def table(key: str, title: str, head: str, nodes: Iterable[tuple[str, int]]) -> str:
        ranked = sorted(nodes, key=lambda t: (-t[1], _natural(citations.nodes[t[0]]["label"])))
        rows = "".join(
            f"<tr><td>{_link(citations, n, root)}</td>"
            f"<td>{_e(_TYPES[citations.nodes[n]['type']].label)}</td><td>{count}</td></tr>"
            for n, count in ranked[:limit]
        )
        empty = '<tr><td colspan="3">none</td></tr>'
        return (
            f'<section class="top" id="top-{key}"><h3>{_e(title)}</h3><table>'
            f"<thead><tr><th>document</th><th>kind</th><th>{_e(head)}</th></tr></thead>"
            f"<tbody>{rows or empty}</tbody></table></section>"
        )

    cited = [(n, citations.in_degree(n)) for n in citations.nodes if citations.in_degree(n)]
    citing = [(n, citations.out_degree(n)) for n in citations.nodes if citations.out_degree(n)]
    return (
        '<div class="tops">'
        + table("cited", "Cited by the most documents", "cited by", cited)
        + table("citing", "Citing the most documents", "cites", citing)
        + "</div>"
    )


def _citations_overview(citations: nx.MultiDiGraph, tables: str) -> str:
    items = "".join(
        f'<li>{_link(citations, n, "")} <span class="count">{citations.nodes[n]["degree"]}'
        "</span></li>"
        for n in sorted(citations.nodes, key=lambda n: _sort_key(citations, n))
    )
    return (
        '<section id="citations"><h2><a href="citations.html">The citation network</a></h2>'
        f"<p>Which documents cite which: {_citation_summary(citations)}</p>{tables}"
        '<details id="citation-views"><summary>Every document\'s citations '
        f'<span class="count">{citations.number_of_nodes()}</span></summary>'
        f'<ul class="views">{items}</ul></details></section>'
    )


# -- the programmes of work -----------------------------------------------------------------


def _programme_network(graph: nx.MultiDiGraph, activities: list[str]) -> nx.MultiDiGraph:
    """The activities, their programmes, and who is responsible, partner or funder."""
    edges = [
        (u, v, key)
        for u in activities
        for v, keyed in graph.adj[u].items()
        for key in keyed
        if key in _PROGRAMME_LINKS
    ]
    keep = sorted({*activities, *(v for _, v, _ in edges)})
    view = nx.MultiDiGraph()
    view.add_nodes_from((n, graph.nodes[n]) for n in keep)
    view.add_edges_from((u, v, key, graph.adj[u][v][key]) for u, v, key in sorted(edges))
    view.graph.update(graph.graph)
    return view


def _named(graph: nx.MultiDiGraph, node: str, *keys: str) -> list[str]:
    found = {v for v, keyed in graph.adj[node].items() if keyed.keys() & set(keys)}
    return sorted(found, key=lambda n: _sort_key(graph, n))


def _links(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> str:
    return " ".join(_link(graph, n, "") for n in nodes)


def _programmes_page(graph: nx.MultiDiGraph, activities: list[str], max_nodes: int) -> str:
    by_programme: dict[str, list[str]] = defaultdict(list)
    for activity in activities:
        for programme in _named(graph, activity, "in-programme") or [""]:
            by_programme[programme].append(activity)
    sections = []
    for programme in sorted(by_programme, key=lambda p: (_natural(_label(graph, p)), p)):
        rows = sorted(by_programme[programme], key=lambda a: (graph.nodes[a].get("index", 0), a))
        groups: dict[str, list[str]] = defaultdict(list)
        for activity in rows:  # in the programme's order; a group where its first row is
            groups[graph.nodes[activity].get("group") or ""].append(activity)
        tables = "".join(
            (f"<h3>{_e(group)}</h3>" if group else "")
            + '<table class="changes activities"><thead><tr><th>activity</th>'
            "<th>responsible</th><th>partners</th><th>funders</th><th>time frame</th>"
            f"<th>status</th></tr></thead><tbody>{''.join(_row(graph, a) for a in members)}"
            "</tbody></table>"
            for group, members in groups.items()
        )
        responsible = sorted(
            {r for a in rows for r in _named(graph, a, "responsible")},
            key=lambda n: _sort_key(graph, n),
        )
        data = graph.nodes[programme] if programme else {}
        title = f" — {_e(data['title'])}" if data.get("title") else ""
        head = _link(graph, programme, "") + title if programme else "Activities of no programme"
        sections.append(
            f'<section class="programme" id="programme-{_e(data.get("slug", "none"))}">'
            f'<h2>{head}</h2><p class="summary">{len(rows)} activities; responsible: '
            f"{_links(graph, responsible) or 'nobody named'}.</p>{tables}</section>"
        )
    listing = "".join(sections)
    count = len(by_programme)
    if not activities:
        body = f"""<header>{_nav("")}
<h1>Programmes of work</h1></header>
<main class="history"><p class="none">The store holds no programme of work: build it with
one (a table of numbered activities with their responsible entities) to see its activities
and who is responsible for them here.</p></main>"""
        return _page(
            title="Programmes of work",
            root="",
            body=body,
            data={"view": "static", "root": ""},
            page_class="history",
        )
    view = _programme_network(graph, activities)
    n, m = view.number_of_nodes(), view.number_of_edges()
    summary = (
        f"{len(activities)} activities of {count} programme{'s' if count != 1 else ''} of "
        "work, each linked to its programme, to the entities responsible for it, its "
        f"partners and funders ({n} nodes, {m} links)."
    )
    if n > max_nodes:
        body = f"""<header>{_nav("")}
<h1>Programmes of work</h1>
<p class="summary">{summary} Too many to draw: each name opens its view.</p></header>
<main class="history">{listing}</main>"""
        static = {"view": "static", "root": ""}
        return _page(title="Programmes of work", root="", body=body, data=static,
                     page_class="history")  # fmt: skip
    drawing = _view_data(graph, view, kind="whole", root="", total=(n, m))
    body = f"""<header>{_nav("")}
<h1>Programmes of work</h1>
<p class="summary">{summary} Hover a node to read it, click it to open its view.</p></header>
<div class="layout">{_controls(drawing)}
<div class="canvas"><div id="network" role="img" aria-label="Network of the programmes of work">
</div><div id="tooltip" role="tooltip" hidden></div></div></div>
<main class="history">{listing}</main>"""
    return _page(title="Programmes of work", root="", body=body, data=drawing, page_class="graph")


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node]["label"]) if node else ""


def _row(graph: nx.MultiDiGraph, activity: str) -> str:
    data = graph.nodes[activity]
    cells = dict(data.get("cells", ()))
    funders = _links(graph, _named(graph, activity, "funded-by"))
    via = _named(graph, activity, "funding-channel")
    if via:
        funders += " via " + _links(graph, via)
    return (
        f'<tr data-activity="{_e(data["slug"])}"><td>{_link(graph, activity, "")}</td>'
        f"<td>{_links(graph, _named(graph, activity, 'responsible'))}</td>"
        f"<td>{_links(graph, _named(graph, activity, 'partner'))}</td><td>{funders}</td>"
        f"<td>{_e(cells.get('Time frame', ''))}</td><td>{_e(cells.get('Status', ''))}</td></tr>"
    )


def _programmes_overview(graph: nx.MultiDiGraph, activities: list[str]) -> str:
    programmes: dict[str, set[str]] = defaultdict(set)
    for activity in activities:
        for programme in _named(graph, activity, "in-programme"):
            programmes[programme].add(activity)
    items = "".join(
        f"<li>{_link(graph, p, '')}"
        + (f" — {_e(graph.nodes[p]['title'])}" if graph.nodes[p].get("title") else "")
        + f' <span class="count">{len(programmes[p])} activities</span></li>'
        for p in sorted(programmes, key=lambda p: (_natural(_label(graph, p)), p))
    )
    text = (
        f'<ul class="views">{items}</ul>'
        if items
        else '<p class="none">None: the sources hold no programme of work.</p>'
    )
    return (
        '<section id="programmes"><h2><a href="programmes.html">Programmes of work</a></h2>'
        "<p>Their activities, linked to the entities responsible for them, their partners "
        f"and funders; each programme's view shows its activities and who takes part.</p>{text}"
        "</section>"
    )
