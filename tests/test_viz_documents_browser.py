"""The citation network and the programmes of work in a real browser (Debian's headless
Chromium, through Playwright, as in tests/test_viz_browser.py): what is drawn is the
graph, nothing fails, nothing leaves file://, and the links between the views work.

The store is the bundled report and the documents written for the tests, each in one
format (``support.viz.DOCUMENT_SOURCES``). Screenshots go to ``test-output/viz/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import test_viz_browser
from document_facts import PROSE_SYMBOL, SHARKS_SYMBOL
from support.viz import documents_store
from test_viz_browser import DRAWN, NETWORK, Watch, node_position, open_page, screenshot

from cmsgraph._viz_documents import _programme_network
from cmsgraph.viz import citation_graph, focused_graph, network_graph, write_site

pytestmark = pytest.mark.browser

browser = test_viz_browser.browser  # the same headless Chromium and watched pages
page = test_viz_browser.page


@pytest.fixture(scope="module")
def built(rendered, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("documents-browser")
    store = documents_store(rendered, root)
    write_site(store=store, out=root / "site")
    return root / "site", network_graph(store), citation_graph(store)


def _follow(tab: Any, url: str) -> None:
    """Wait for the page at ``url`` (a glob) to be loaded and ready."""
    tab.wait_for_url(url)
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")


def _node(graph: nx.MultiDiGraph, label: str) -> str:
    (node,) = [n for n, d in graph.nodes(data=True) if d["label"] == label]
    return str(node)


def _activity(graph: nx.MultiDiGraph, symbol: str, number: str) -> str:
    (node,) = [
        n
        for n, d in graph.nodes(data=True)
        if d["type"] == "activity" and d["document"] == symbol and d["notation"] == number
    ]
    return str(node)


def test_the_citation_network_draws_every_document_and_citation(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, _, cites = built
    tab, watch = page
    open_page(tab, (site / "citations.html").as_uri())
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (cites.number_of_nodes(), cites.number_of_edges())
    types = tab.locator("#types input[name=type]").evaluate_all("els => els.map(e => e.value)")
    assert types == ["report", "programme", "meeting-document", "document"]  # by kind
    before = tab.evaluate(f"() => {NETWORK}.getPositions()")
    tab.wait_for_timeout(800)
    assert tab.evaluate(f"() => {NETWORK}.getPositions()") == before  # it stands still
    screenshot(tab, "citations.png")
    sharks = cites.nodes[_node(cites, SHARKS_SYMBOL)]["slug"]
    tab.mouse.click(*node_position(tab, sharks))  # a document opens its citation view
    _follow(tab, f"**/citations/{sharks}.html")
    assert tab.locator("h1").inner_text() == SHARKS_SYMBOL
    watch.assert_clean()


def test_a_documents_citation_view_and_its_view_in_the_whole_graph(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, graph, cites = built
    tab, watch = page
    prose = _node(cites, PROSE_SYMBOL)
    slug = cites.nodes[prose]["slug"]
    view = focused_graph(cites, prose)
    open_page(tab, (site / "citations" / f"{slug}.html").as_uri())
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (view.number_of_nodes(), view.number_of_edges())
    links = tab.locator(".groups a").evaluate_all("links => links.map(a => a.href)")
    neighbours = set(cites.successors(prose)) | set(cites.predecessors(prose))
    assert {href.split("/citations/")[1] for href in links} == {
        f"{cites.nodes[n]['slug']}.html" for n in neighbours
    }
    assert "(the citation network:" in tab.inner_text("#status")
    screenshot(tab, "citations-focused.png")
    tab.get_by_role("link", name="Its view in the whole graph").click()
    _follow(tab, f"**/view/{graph.nodes[prose]['slug']}.html")
    assert tab.locator("h1").inner_text() == PROSE_SYMBOL
    tab.get_by_role("link", name="Its citations").click()
    tab.wait_for_url(f"**/citations/{slug}.html")
    watch.assert_clean()


def test_the_programmes_page_draws_activities_and_who_is_responsible(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, graph, _ = built
    tab, watch = page
    activities = [n for n, d in graph.nodes(data=True) if d["type"] == "activity"]
    drawing = _programme_network(graph, activities)
    open_page(tab, (site / "programmes.html").as_uri())
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (
        drawing.number_of_nodes(),
        drawing.number_of_edges(),
    )
    shown = {graph.nodes[n]["type"] for n in drawing}
    assert shown == {"programme", "activity", "responsible", "funder", "partner"}
    screenshot(tab, "programmes.png")
    first = graph.nodes[_activity(graph, SHARKS_SYMBOL, "1.1")]["slug"]
    tab.mouse.move(*node_position(tab, first))
    tip = tab.locator("#tooltip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "programme activity" in text
    assert f"programme: {SHARKS_SYMBOL}" in text
    assert "responsible: AC, SEC" in text and "time frame: 2019-2020" in text
    tab.mouse.click(*node_position(tab, first))
    _follow(tab, f"**/view/{first}.html")
    about = tab.locator(".about").inner_text()
    assert "Time frame\n2019-2020" in about or "Time frame\t2019-2020" in about
    responsible = tab.locator(".groups section", has_text="responsible").locator("a")
    assert sorted(responsible.all_inner_texts()) == [
        "Sharks MoU Advisory Committee",
        "Sharks MoU Interim Secretariat",
    ]
    watch.assert_clean()


def test_from_the_overview_to_the_new_views_and_back(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, graph, _ = built
    tab, watch = page
    open_page(tab, (site / "index.html").as_uri())
    tab.locator("#citations h2 a").click()
    _follow(tab, "**/citations.html")
    tab.get_by_role("link", name="Programmes of work", exact=True).first.click()
    _follow(tab, "**/programmes.html")
    programme = graph.nodes[_node(graph, SHARKS_SYMBOL)]["slug"]
    tab.locator(f'[id="programme-{programme}"] h2 a').click()
    _follow(tab, f"**/view/{programme}.html")
    screenshot(tab, "programme-focused.png")
    tab.get_by_role("link", name="Overview").click()
    _follow(tab, "**/index.html")
    tab.locator(f'#programmes a[href="view/{programme}.html"]').click()
    tab.wait_for_url(f"**/view/{programme}.html")
    watch.assert_clean()


def test_every_new_page_loads_cleanly(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, _, _ = built
    tab, watch = page
    pages = [
        site / "citations.html",
        site / "programmes.html",
        *sorted((site / "citations").glob("*.html")),
        *sorted((site / "compare").glob("*.html")),
    ]
    for path in pages:
        open_page(tab, path.as_uri())
        assert tab.title().endswith("— cmsgraph")
    assert len(watch.requests) >= len(pages)
    watch.assert_clean()


def test_the_programmes_compare_page_leads_to_the_activities(
    page: tuple[Any, Watch], built: tuple[Path, nx.MultiDiGraph, nx.MultiDiGraph]
) -> None:
    site, _, _ = built
    tab, watch = page
    pair = "unep-cms-sharks-mos3-doc.8.2--unep-cms-sharks-mos4-doc.8.2"
    open_page(tab, (site / "compare" / f"{pair}.html").as_uri())
    new = tab.locator("#new tbody tr").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-code'))"
    )
    assert new == ["1.4", "3.2"]
    row = tab.locator('#changed tr[data-code="1.2"]')
    assert "+ Sharks MoU Advisory Committee" in row.inner_text()
    screenshot(tab, "compare-programmes.png")
    row.locator("a.row").last.click()  # the activity in the later programme
    _follow(tab, "**/view/*.html")
    assert tab.locator("h1").inner_text().startswith("1.2 Develop a database")
    assert "UNEP/CMS/Sharks/MOS4/Doc.8.2" in tab.locator(".about").inner_text()
    watch.assert_clean()
