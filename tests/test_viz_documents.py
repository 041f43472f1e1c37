"""The views of documents of every kind (issue 12): the citation network between
documents and the programmes of work with who is responsible for their activities.

Built from the bundled report and the documents written for the tests, each rendered in
one format (``support.viz.DOCUMENT_SOURCES``), and checked against the facts read from
them by hand (``document_facts``, ``facts``) and against the named queries. Fast, without
a browser (tests/test_viz_documents_browser.py opens the pages in Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pytest
from document_facts import (
    AEWA_LINKS,
    AEWA_SYMBOL,
    ASCOBANS_ACTIVITIES,
    ASCOBANS_SYMBOL,
    PROSE_MENTIONS,
    PROSE_SYMBOL,
    SHARKS_ACTIVITIES,
    SHARKS_CHANGES,
    SHARKS_CITATIONS,
    SHARKS_LATER_ACTIVITIES,
    SHARKS_LATER_SYMBOL,
    SHARKS_LINKS,
    SHARKS_SYMBOL,
)
from facts import CITES, C
from support.viz import assert_offline_links, documents_store, read_page

import cmsgraph
from cmsgraph.viz import citation_graph, focused_graph, network_graph, write_site

SEED = "UNEP/CMS/COP11/Doc.16.1"
B = "https://w3id.org/cmsgraph/id/"
# every source document, and its type in the citation network (by its kind)
SOURCES = {
    SEED: "report",
    AEWA_SYMBOL: "report",
    SHARKS_SYMBOL: "programme",
    SHARKS_LATER_SYMBOL: "programme",
    ASCOBANS_SYMBOL: "programme",
    PROSE_SYMBOL: "meeting-document",
}
# what each document cites, read by hand (a part of it for the bundled report)
PROSE_CITES = {
    f"UNEP/CMS/Resolution {what.split(':')[1]}" if what.startswith("resolution:") else
    what.split(":", 1)[1]
    for _, _, what in PROSE_MENTIONS
    if what.split(":")[0] in ("document", "decision", "resolution")
}  # fmt: skip
CITED_BY_HAND = {
    SEED: {C + d for ds in CITES.values() for d in ds},
    AEWA_SYMBOL: {d for links in AEWA_LINKS.values() for d in links.get("documents", ())},
    SHARKS_SYMBOL: {symbol for cited in SHARKS_CITATIONS.values() for _, symbol in cited},
    PROSE_SYMBOL: PROSE_CITES,
    ASCOBANS_SYMBOL: {
        "ASCOBANS/AC24/Doc.4.1",
        "ASCOBANS/AC25/Doc.2.2",
        "UNEP/CMS/COP12/Doc.24.2.2",
        "UNEP/ASCOBANS/Resolution 8.5",
        "UNEP/ASCOBANS/Resolution 8.6",
        "UNEP/ASCOBANS/Resolution 8.11",
    },
}


@pytest.fixture(scope="module")
def store(rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return documents_store(rendered, tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def cites(store: Path) -> nx.MultiDiGraph:
    return citation_graph(store)


@pytest.fixture(scope="module")
def graph(store: Path) -> nx.MultiDiGraph:
    return network_graph(store)


@pytest.fixture(scope="module")
def site(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("documents-site") / "site"
    write_site(store=store, out=out)
    return out


def _by_label(graph: nx.MultiDiGraph, label: str) -> str:
    (node,) = [n for n, d in graph.nodes(data=True) if d["label"] == label]
    return str(node)


def _cited(cites: nx.MultiDiGraph, symbol: str) -> set[str]:
    return {cites.nodes[v]["label"] for v in cites.successors(_by_label(cites, symbol))}


# -- the citation network ---------------------------------------------------------------


def test_every_source_is_a_node_of_its_kind(cites: nx.MultiDiGraph) -> None:
    sources = {d["label"]: d["type"] for _, d in cites.nodes(data=True) if d.get("format")}
    assert sources == SOURCES
    formats = {d["label"]: d["format"] for _, d in cites.nodes(data=True) if d.get("format")}
    assert formats[SEED] == "txt" and formats[SHARKS_LATER_SYMBOL] == "pdf"


def test_documents_only_cited_are_cited_documents(cites: nx.MultiDiGraph) -> None:
    only_cited = {d["label"] for _, d in cites.nodes(data=True) if d["type"] == "document"}
    assert only_cited == {d["label"] for _, d in cites.nodes(data=True)} - set(SOURCES)
    assert all(cites.in_degree(_by_label(cites, s)) > 0 for s in only_cited)


def test_the_edges_are_the_citations_query(store: Path, cites: nx.MultiDiGraph) -> None:
    """Every pair the named query `citations` gives is one link. (The prose document's
    symbol line, read as one of its passages, cites nothing: no document cites itself.)"""
    rows = cmsgraph.query("citations", store=store).values()
    edges = [(cites.nodes[u]["label"], cites.nodes[v]["label"]) for u, v in cites.edges()]
    assert sorted(edges) == sorted(rows)
    assert (PROSE_SYMBOL, PROSE_SYMBOL) not in rows


def test_one_node_per_document_symbol(cites: nx.MultiDiGraph) -> None:
    """CMS Resolution 12.22 is cited by the CMS prose document as its own resolution
    ("Res. 12.22") and by the Sharks programmes by its full symbol: one resolution, one
    node (B resolution/cms/12.22), cited by all three."""
    labels = [d["label"] for _, d in cites.nodes(data=True)]
    assert len(labels) == len(set(labels))
    resolution = _by_label(cites, "UNEP/CMS/Resolution 12.22")
    assert resolution == B + "resolution/cms/12.22"
    citing = {cites.nodes[u]["label"] for u in cites.predecessors(resolution)}
    assert citing == {PROSE_SYMBOL, SHARKS_SYMBOL, SHARKS_LATER_SYMBOL}


@pytest.mark.parametrize("symbol", sorted(CITED_BY_HAND))
def test_each_document_cites_what_was_read_by_hand(cites: nx.MultiDiGraph, symbol: str) -> None:
    assert CITED_BY_HAND[symbol] <= _cited(cites, symbol)


def test_a_source_cited_by_another_is_drawn_as_its_kind(cites: nx.MultiDiGraph) -> None:
    """The Sharks programme's mandate cites the prose document, itself a source."""
    assert PROSE_SYMBOL in _cited(cites, SHARKS_SYMBOL)
    assert cites.nodes[_by_label(cites, PROSE_SYMBOL)]["type"] == "meeting-document"


def test_a_documents_citation_view_is_what_it_cites_and_what_cites_it(
    cites: nx.MultiDiGraph,
) -> None:
    prose = _by_label(cites, PROSE_SYMBOL)
    view = focused_graph(cites, prose)
    labels = {view.nodes[n]["label"] for n in view}
    assert labels == {PROSE_SYMBOL, SHARKS_SYMBOL, *_cited(cites, PROSE_SYMBOL)}
    # and their citations among themselves: the programme cites Decision 12.45 too
    decision = _by_label(cites, "UNEP/CMS/Decision 12.45")
    assert view.has_edge(_by_label(cites, SHARKS_SYMBOL), decision)


# -- programme activities and who is responsible for them ------------------------------------


def _activities(graph: nx.MultiDiGraph, symbol: str) -> dict[str, str]:
    """number -> node of the activities of programme ``symbol``."""
    programme = B + "document/" + symbol
    return {
        graph.nodes[u]["notation"]: u
        for u, v, key in graph.in_edges(programme, keys=True)
        if key == "in-programme"
    }


def _ids(graph: nx.MultiDiGraph, node: str, relation: str) -> set[str]:
    return {unquote(v.rsplit("/", 1)[1]) for v, keys in graph[node].items() if relation in keys}


@pytest.mark.parametrize(
    ("symbol", "numbers"),
    [
        (SHARKS_SYMBOL, set(SHARKS_ACTIVITIES)),
        (SHARKS_LATER_SYMBOL, set(SHARKS_LATER_ACTIVITIES)),
        (ASCOBANS_SYMBOL, set(ASCOBANS_ACTIVITIES)),
    ],
)
def test_activities_are_grouped_by_their_programme(
    graph: nx.MultiDiGraph, symbol: str, numbers: set[str]
) -> None:
    found = _activities(graph, symbol)
    assert set(found) == numbers
    programme = graph.nodes[B + "document/" + symbol]
    assert (programme["type"], programme["label"]) == ("programme", symbol)
    assert all(graph.nodes[a]["type"] == "activity" for a in found.values())
    assert all(graph.nodes[a]["document"] == symbol for a in found.values())


@pytest.mark.parametrize("number", sorted(SHARKS_LINKS))
def test_sharks_activities_link_who_is_responsible_funds_and_takes_part(
    graph: nx.MultiDiGraph, number: str
) -> None:
    responsible, funders, partners, _ = SHARKS_LINKS[number]
    activity = _activities(graph, SHARKS_SYMBOL)[number]
    assert _ids(graph, activity, "responsible") == responsible
    assert _ids(graph, activity, "funded-by") == funders
    assert _ids(graph, activity, "partner") == partners


@pytest.mark.parametrize("number", sorted(ASCOBANS_ACTIVITIES))
def test_ascobans_activities_link_who_is_responsible(graph: nx.MultiDiGraph, number: str) -> None:
    activity = _activities(graph, ASCOBANS_SYMBOL)[number]
    assert _ids(graph, activity, "responsible") == ASCOBANS_ACTIVITIES[number][4]


def test_a_responsible_body_is_drawn_as_one(graph: nx.MultiDiGraph) -> None:
    secretariat = graph.nodes[B + "body/sharks-mou-interim-secretariat"]
    assert secretariat["type"] == "responsible"
    assert secretariat["label"] == "Sharks MoU Interim Secretariat"


def test_an_activity_carries_its_cells(graph: nx.MultiDiGraph) -> None:
    data = graph.nodes[_activities(graph, SHARKS_SYMBOL)["1.1"]]
    cells = dict(data["cells"])
    assert (cells["Priority"], cells["Time frame"], cells["Responsible"]) == (
        "High",
        "2019-2020",
        "AC, SEC",
    )
    assert data["group"] == "1 Research, monitoring and information exchange"
    assert data["label"].startswith("1.1 Compile information on the status")


def test_a_programmes_view_shows_its_activities_and_who_is_responsible(
    graph: nx.MultiDiGraph,
) -> None:
    view = focused_graph(graph, B + "document/" + SHARKS_SYMBOL)
    activities = set(_activities(graph, SHARKS_SYMBOL).values())
    assert {n for n in view if view.nodes[n]["type"] == "activity"} == activities
    responsible = {r for a in activities for r in _ids(graph, a, "responsible")}
    assert {unquote(n.rsplit("/", 1)[1]) for n in view if "/body/" in n} >= responsible


def test_a_funders_view_goes_through_report_entries_and_programme_activities(
    graph: nx.MultiDiGraph,
) -> None:
    view = focused_graph(graph, B + "country/DE")
    rows = {view.nodes[n]["type"] for n in view.predecessors(B + "country/DE")}
    assert rows == {"entry", "activity"}
    mediterranean = _activities(graph, SHARKS_SYMBOL)["1.1"]  # funded by Germany
    assert mediterranean in view
    assert B + "body/sharks-mou-advisory-committee" in view  # responsible for it


def test_the_bundled_reports_network_has_no_programme_types(built_store: Path) -> None:
    graph = network_graph(built_store)
    types = {d["type"] for _, d in graph.nodes(data=True)}
    assert types == {
        "area", "subactivity", "entry", "document", "instrument", "funder", "partner", "meeting"
    }  # fmt: skip


# -- the site ---------------------------------------------------------------------------


def test_a_citation_view_per_document(site: Path, cites: nx.MultiDiGraph) -> None:
    assert (site / "citations.html").is_file()
    written = {p.stem for p in (site / "citations").glob("*.html")}
    assert written == {d["slug"] for _, d in cites.nodes(data=True)}


def test_the_programmes_page_lists_each_programmes_activities(
    site: Path, graph: nx.MultiDiGraph
) -> None:
    page = read_page(site / "programmes.html")
    for symbol in (SHARKS_SYMBOL, SHARKS_LATER_SYMBOL, ASCOBANS_SYMBOL):
        slug = graph.nodes[B + "document/" + symbol]["slug"]
        activities = _activities(graph, symbol)
        in_order = sorted(activities.values(), key=lambda a: graph.nodes[a]["index"])
        assert page.activities[f"programme-{slug}"] == [graph.nodes[a]["slug"] for a in in_order]
    text = (site / "programmes.html").read_text("utf-8")
    assert "14 November 2018" not in text  # a page of activities, not of documents
    assert "<th>responsible</th><th>partners</th><th>funders</th><th>time frame</th>" in text


def test_the_overview_reaches_the_new_views(site: Path, graph: nx.MultiDiGraph) -> None:
    page = read_page(site / "index.html")
    assert {"citations.html", "programmes.html"} <= set(page.links)
    for symbol in (SHARKS_SYMBOL, SHARKS_LATER_SYMBOL, ASCOBANS_SYMBOL):
        assert f"view/{graph.nodes[B + 'document/' + symbol]['slug']}.html" in page.links
    assert {"citations", "programmes", "top-cited", "top-citing", "top-responsible"} <= page.ids
    assert sum(link.startswith("citations/") for link in page.links) >= len(SOURCES)


def test_a_documents_two_views_link_each_other(site: Path) -> None:
    slug = "document-unep-cms-cop12-doc.21.2"
    view = read_page(site / "view" / f"{slug}.html")
    assert f"../citations/{slug}.html" in view.links
    citations = read_page(site / "citations" / f"{slug}.html")
    assert f"../view/{slug}.html" in citations.links
    sharks = "document-unep-cms-sharks-mos3-doc.8.2"
    assert f"../citations/{sharks}.html" in citations.links  # it cites the prose document


def test_every_link_of_the_new_pages_leads_to_a_file(site: Path) -> None:
    pages = [
        site / "index.html",
        site / "citations.html",
        site / "programmes.html",
        *(site / "citations").glob("*.html"),
        *(site / "compare").glob("*.html"),
    ]
    for path in pages:
        assert_offline_links(path)


def test_the_programmes_compare_page_says_what_changed(site: Path) -> None:
    pair = "unep-cms-sharks-mos3-doc.8.2--unep-cms-sharks-mos4-doc.8.2"
    path = site / "compare" / f"{pair}.html"
    page = read_page(path)
    expected = {
        change: [n for n, c in SHARKS_CHANGES.items() if c.change == change]
        for change in ("new", "dropped")
    }
    assert page.codes["new"] == expected["new"]
    assert page.codes["dropped"] == expected["dropped"]
    assert page.codes["changed"] == ["1.1", "1.2"]
    text = path.read_text("utf-8")
    assert "changes between two versions of the Sharks MoU programme of work" in text
    row = re.search(r'<tr data-code="1.2">.*?</tr>', text, re.S)
    assert row is not None
    assert '<span class="added">+ Sharks MoU Advisory Committee</span>' in row.group(0)
    assert '<span class="removed">− Sharks MoU Signatories</span>' in row.group(0)
    assert ">row</a>" in row.group(0)  # a PDF has no lines: the link says "row"
    index = (site / "index.html").read_text("utf-8")
    assert f'href="compare/{pair}.html"' in index


def test_the_site_is_written_the_same_every_time(store: Path, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_site(store=store, out=again)
    ours = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    theirs = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    (again / "citations" / "gone.html").write_text("old")
    write_site(store=store, out=again)
    assert not (again / "citations" / "gone.html").exists()


def test_a_site_without_programmes_says_so(built_store: Path, tmp_path: Path) -> None:
    result = write_site(store=built_store, out=tmp_path / "site")
    assert result.programme_activities == 0
    assert result.documents > 1 and result.citations == result.documents - 1  # one source
    text = (tmp_path / "site" / "programmes.html").read_text("utf-8")
    assert "The store holds no programme of work" in text
    assert "vis-network" not in text


def test_the_api_gives_the_citation_network(store: Path) -> None:
    assert "citation_graph" in cmsgraph.viz.__all__
    result = write_site(store=store, out=Path(store).parent / "api-site")
    assert result.documents == citation_graph(store).number_of_nodes()
    assert result.programme_activities == (
        len(SHARKS_ACTIVITIES) + len(SHARKS_LATER_ACTIVITIES) + len(ASCOBANS_ACTIVITIES)
    )
