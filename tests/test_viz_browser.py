"""The network views in a real browser: Debian's headless Chromium, driven by Playwright.

Each test opens pages of a site written by ``cmsgraph.viz.write_site`` (from disk, or
from a static server on 127.0.0.1), records every request, console message, page error
and dialog, and checks what is drawn against the networkx graph. Screenshots go to
``test-output/viz/``; so does the time the whole-graph view takes to settle.

If Chromium cannot start, the tests fail: they never skip.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from facts import ROWS
from support.viz import (
    MARKUP_PAYLOADS,
    big_graph,
    build_store,
    entry_at,
    with_markup_in_labels,
)
from test_hostile import PAYLOADS, hostile_report

from cmsgraph.viz import (
    MAX_FOCUS_NODES,
    MAX_NODES,
    focused_graph,
    network_graph,
    to_pyvis,
    write_site,
)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "viz"

NETWORK = "cmsgraphViz.network"
DRAWN = f"""() => ({{
    nodes: {NETWORK}.body.nodeIndices.length,
    edges: {NETWORK}.body.edgeIndices.length,
    shown: cmsgraphViz.shown
}})"""


# -- the browser and what it sees ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile; a failure to start fails the test."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        pytest.fail(f"playwright is not installed: {exc}")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        try:
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 900},
            )
        except Exception as exc:
            pytest.fail(f"headless Chromium ({CHROMIUM}) did not start: {exc}")
        try:
            yield context
        finally:
            context.close()


@dataclass
class Watch:
    """What a page did: requests, console errors, uncaught errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def outside(self, allowed: str) -> list[str]:
        return [url for url in self.requests if not url.startswith(allowed)]

    def assert_clean(self, allowed: str = "file://") -> None:
        assert self.outside(allowed) == []
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    page = browser.new_page()
    watch = Watch()
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            watch.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def route(route: Any) -> None:  # nothing may leave: refuse anything not local
        url = route.request.url
        if url.startswith(("file://", "http://127.0.0.1:", "about:", "data:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    try:
        yield page, watch
    finally:
        page.close()


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready", timeout=30_000)


def node_position(page: Any, slug: str, *, zoom: float | None = 1.6) -> tuple[float, float]:
    """Where node ``slug`` is on the screen (after centring it at ``zoom``)."""
    if zoom is not None:
        page.evaluate(
            f"id => {NETWORK}.focus(id, {{scale: {zoom}, animation: false}})",
            slug,
        )
        page.wait_for_timeout(100)
    box = page.evaluate(
        f"""id => {{
            const net = {NETWORK};
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const r = document.getElementById("network").getBoundingClientRect();
            return [r.left + p.x, r.top + p.y, net.getNodeAt(p)];
        }}""",
        slug,
    )
    assert box[2] == slug, f"{box[2]} is drawn over {slug}"
    return box[0], box[1]


def screenshot(page: Any, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    page.screenshot(path=str(path))
    return path


# -- sites ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph(built_store: Path) -> nx.MultiDiGraph:
    return network_graph(built_store)


@pytest.fixture(scope="module")
def site(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    write_site(store=built_store, out=out)
    return out


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def slug_of(graph: nx.MultiDiGraph, label: str) -> str:
    (slug,) = [d["slug"] for _, d in graph.nodes(data=True) if d["label"] == label]
    return str(slug)


def area_slug(graph: nx.MultiDiGraph, number: str) -> str:
    (slug,) = [
        d["slug"]
        for _, d in graph.nodes(data=True)
        if d["type"] == "area" and d["notation"] == number
    ]
    return str(slug)


# -- the whole graph -----------------------------------------------------------------------


def test_whole_graph_draws_every_node_and_link_and_stands_still(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph
) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())
    before = tab.evaluate(f"() => {NETWORK}.getPositions()")
    tab.wait_for_timeout(1500)
    assert tab.evaluate(f"() => {NETWORK}.getPositions()") == before  # settled, not moving
    placed = tab.evaluate(
        "() => JSON.parse(document.getElementById('graph-data').textContent).nodes"
        ".map(n => [n.id, n.x, n.y])"
    )
    assert all(before[slug] == {"x": x, "y": y} for slug, x, y in placed)  # as laid out
    settled = tab.evaluate("() => cmsgraphViz.settledMs")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "settle-ms.txt").write_text(
        f"whole-graph view of the bundled document ({drawn['nodes']} nodes, "
        f"{drawn['edges']} links): drawn and still {settled:.0f} ms after navigation start\n"
    )
    print(f"\nwhole graph settled in {settled:.0f} ms")
    assert settled < 10_000
    screenshot(tab, "whole-graph.png")
    watch.assert_clean()


@pytest.mark.parametrize(
    "pick",
    [
        pytest.param(lambda g: area_slug(g, "5"), id="activity-area-5"),
        pytest.param(lambda g: slug_of(g, "AEWA"), id="instrument-AEWA"),
        pytest.param(lambda g: slug_of(g, "Germany"), id="funder-Germany"),
        pytest.param(lambda g: slug_of(g, "UNEP-WCMC"), id="partner-UNEP-WCMC"),
        pytest.param(lambda g: g.nodes[entry_at(g, 77)]["slug"], id="entry-3.1"),
    ],
)
def test_focused_views_draw_the_entity_and_its_neighbours(
    page: tuple[Any, Watch],
    site: Path,
    graph: nx.MultiDiGraph,
    pick: Callable[[nx.MultiDiGraph], str],
) -> None:
    tab, watch = page
    slug = pick(graph)
    (node,) = [n for n, d in graph.nodes(data=True) if d["slug"] == slug]
    view = focused_graph(graph, node)
    open_page(tab, url(site, f"view/{slug}.html"))
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (view.number_of_nodes(), view.number_of_edges())
    assert tab.locator("h1").inner_text() == graph.nodes[node]["label"]
    links = tab.locator(".groups a").evaluate_all("links => links.map(a => a.href)")
    neighbours = set(graph.successors(node)) | set(graph.predecessors(node))
    assert {href.rsplit("/", 1)[-1] for href in links} == {
        f"{graph.nodes[n]['slug']}.html" for n in neighbours
    }
    screenshot(tab, f"view-{slug}.png")
    watch.assert_clean()


def test_hovering_an_entry_shows_label_type_period_and_source_text(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph
) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    entry = graph.nodes[entry_at(graph, 77)]
    tab.mouse.move(*node_position(tab, entry["slug"]))
    tip = tab.locator("#tooltip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert entry["label"] in text  # "3.1 (2012-2014)"
    assert "report entry" in text
    assert "period: 2012-2014" in text
    assert "line 77" in text and "six proposals for the IPBES Work Programme" in text
    screenshot(tab, "hover-entry.png")
    tab.mouse.move(5, 5)
    tip.wait_for(state="hidden")
    watch.assert_clean()


def test_hovering_a_link_says_its_relation(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph
) -> None:
    tab, watch = page
    germany = slug_of(graph, "Germany")
    open_page(tab, url(site, f"view/{germany}.html"))
    entry = graph.nodes[entry_at(graph, 89)]["slug"]  # funded by Germany
    tab.evaluate(f"() => {NETWORK}.moveTo({{scale: 1.2, animation: false}})")
    # a point of the link that no node and no other link covers
    point = tab.evaluate(
        f"""([from, to]) => {{
            const net = {NETWORK};
            const edge = net.getConnectedEdges(from).find(
                e => net.getConnectedNodes(e).includes(to));
            const pos = net.getPositions([from, to]);
            for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65]) {{
                const canvas = {{x: pos[from].x + t * (pos[to].x - pos[from].x),
                                 y: pos[from].y + t * (pos[to].y - pos[from].y)}};
                const dom = net.canvasToDOM(canvas);
                if (net.getNodeAt(dom) === undefined && net.getEdgeAt(dom) === edge) {{
                    const r = document.getElementById("network").getBoundingClientRect();
                    return [r.left + dom.x, r.top + dom.y];
                }}
            }}
            return null;
        }}""",
        [entry, germany],
    )
    assert point is not None
    tab.mouse.move(*point)
    tip = tab.locator("#tooltip")
    tip.wait_for(state="visible")
    lines = tip.inner_text().splitlines()
    assert lines[0] == "funded by"
    assert lines[1:] == [f"from: {graph.nodes[entry_at(graph, 89)]['label']}", "to: Germany"]
    watch.assert_clean()


# -- controls ------------------------------------------------------------------------------


def test_find_a_node_by_name(page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    germany = slug_of(graph, "Germany")
    tab.fill("#search", "germ")
    assert tab.locator("#matches a").first.inner_text() == "Germany"
    tab.press("#search", "Enter")
    assert tab.evaluate("() => cmsgraphViz.matches") == [germany]
    assert tab.evaluate(f"() => {NETWORK}.getSelectedNodes()") == [germany]
    x, y = node_position(tab, germany, zoom=None)  # brought to the middle of the canvas
    box = tab.locator("#network").bounding_box()
    assert abs(x - (box["x"] + box["width"] / 2)) < 2
    assert abs(y - (box["y"] + box["height"] / 2)) < 2
    tab.fill("#search", "doc.22")  # several matches: all selected
    tab.press("#search", "Enter")
    assert len(tab.evaluate(f"() => {NETWORK}.getSelectedNodes()")) == 3
    tab.locator("#matches a", has_text="UNEP/CMS/COP11/Doc.22.1").click()
    tab.wait_for_url("**/view/document-unep-cms-cop11-doc.22.1.html")
    watch.assert_clean()


def test_filter_by_type(page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    tab.uncheck("#types input[value=entry]")
    kept = {n for n, d in graph.nodes(data=True) if d["type"] != "entry"}
    links = sum(1 for u, v in graph.edges() if u in kept and v in kept)  # sub-activity -> area
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (len(kept), links)
    assert drawn["shown"] == {"nodes": len(kept), "edges": links}
    assert f"Showing {len(kept)} of {graph.number_of_nodes()} nodes" in tab.inner_text("#status")
    screenshot(tab, "filter-no-entries.png")
    tab.check("#types input[value=entry]")
    assert tab.evaluate(DRAWN)["nodes"] == graph.number_of_nodes()
    watch.assert_clean()


@pytest.mark.parametrize("period", ["2012-2014", "2015-2017"])
def test_filter_by_period(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph, period: str
) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    tab.select_option("#period", period)
    kept = {n for n, d in graph.nodes(data=True) if period in d["periods"]}
    links = sum(1 for u, v in graph.edges() if u in kept and v in kept)
    drawn = tab.evaluate(DRAWN)
    assert (drawn["nodes"], drawn["edges"]) == (len(kept), links)
    entries = {graph.nodes[n]["line"] for n in kept if graph.nodes[n]["type"] == "entry"}
    assert entries == {line for line, _, p, _ in ROWS if p == period}
    watch.assert_clean()


def test_fit_to_screen(page: tuple[Any, Watch], site: Path) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    fitted = tab.evaluate(f"() => {NETWORK}.getScale()")
    tab.evaluate(f"() => {NETWORK}.moveTo({{scale: 5, position: {{x: 900, y: 900}}}})")
    tab.click("#fit")
    assert tab.evaluate(f"() => {NETWORK}.getScale()") == pytest.approx(fitted, rel=1e-6)
    watch.assert_clean()


def test_click_through_views(page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph) -> None:
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    aewa = slug_of(graph, "AEWA")
    tab.mouse.click(*node_position(tab, aewa))
    tab.wait_for_url(f"**/view/{aewa}.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    entry = graph.nodes[entry_at(graph, 129)]["slug"]  # a row that involves AEWA
    tab.mouse.click(*node_position(tab, entry))
    tab.wait_for_url(f"**/view/{entry}.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    area = area_slug(graph, "9")
    tab.locator(f'.groups a[href="../view/{area}.html"]').click()
    tab.wait_for_url(f"**/view/{area}.html")
    tab.get_by_role("link", name="Overview").click()
    tab.wait_for_url("**/index.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    tab.get_by_role("link", name="The whole graph").click()
    tab.wait_for_url("**/graph.html")
    watch.assert_clean()


def test_overview_ranks_and_finds_views(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph
) -> None:
    tab, watch = page
    open_page(tab, url(site, "index.html"))
    assert tab.locator("#top-funder tbody tr").first.locator("a").inner_text() == "Germany"
    assert tab.locator("#top-instrument tbody tr").first.locator("a").inner_text() == "AEWA"
    tab.fill("#search", "wcmc")
    visible = tab.locator("#views li:visible")
    names = visible.locator("a").all_inner_texts()
    assert "UNEP-WCMC" in names
    assert all("wcmc" in name.lower() for name in names)  # and sub-activities naming it
    assert len(names) < graph.number_of_nodes() / 10
    visible.get_by_role("link", name="UNEP-WCMC", exact=True).click()
    tab.wait_for_url(f"**/view/{slug_of(graph, 'UNEP-WCMC')}.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    watch.assert_clean()


# -- offline -------------------------------------------------------------------------------


def test_the_watch_sees_requests_that_leave(page: tuple[Any, Watch]) -> None:
    """The control: a request to the network is seen (and refused)."""
    tab, watch = page
    tab.goto("about:blank")
    tab.evaluate("() => fetch('https://example.org/x').catch(() => null)")
    tab.wait_for_timeout(200)
    assert watch.outside("file://") == ["https://example.org/x"]


def test_served_over_http_no_request_leaves_127_0_0_1(
    page: tuple[Any, Watch], site: Path, graph: nx.MultiDiGraph
) -> None:
    handler = functools.partial(
        _QuietHandler, directory=str(site)
    )  # a plain static server, as staff might use
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        tab, watch = page
        for path in ("index.html", "graph.html", f"view/{slug_of(graph, 'Germany')}.html"):
            open_page(tab, base + path)
        assert len(watch.requests) >= 9  # pages, scripts, style sheets
        watch.assert_clean(allowed=base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_pyvis_network_for_notebooks_works_offline(
    page: tuple[Any, Watch], graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (germany,) = [n for n, d in graph.nodes(data=True) if d["label"] == "Germany"]
    view = focused_graph(graph, germany)
    path = tmp_path / "germany.html"
    to_pyvis(view, heading="Germany <b>&</b>").write_html(str(path))
    tab, watch = page
    tab.goto(path.as_uri())
    tab.wait_for_function("typeof network !== 'undefined'")
    drawn = tab.evaluate("() => [network.body.nodeIndices.length, network.body.edgeIndices.length]")
    assert drawn == [view.number_of_nodes(), view.number_of_edges()]
    assert tab.locator("h1").first.inner_text() == "Germany <b>&</b>"
    watch.assert_clean()


# -- hostile text --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, seed_text: str
) -> tuple[Path, nx.MultiDiGraph]:
    root = tmp_path_factory.mktemp("hostile")
    store = build_store(with_markup_in_labels(hostile_report(seed_text)), root)
    write_site(store=store, out=root / "site")
    return root / "site", network_graph(store)


def test_hostile_text_shows_as_text_and_runs_nothing(
    page: tuple[Any, Watch], hostile: tuple[Path, nx.MultiDiGraph]
) -> None:
    site, graph = hostile
    tab, watch = page
    area5 = area_slug(graph, "5")
    entry = graph.nodes[entry_at(graph, 99)]["slug"]
    pages = ["index.html", "graph.html", f"view/{area5}.html", f"view/{area_slug(graph, '1')}.html"]
    pages += [f"view/{entry}.html"]
    for path in pages:
        open_page(tab, url(site, path))
        assert tab.locator("img, iframe, object, embed").count() == 0, path
        body = tab.locator("body").inner_text()
        assert tab.title().endswith("— cmsgraph")
        if path == f"view/{area5}.html":
            heading = tab.locator("h1").inner_text()
            assert all(p in heading for p in MARKUP_PAYLOADS)
            tab.mouse.move(*node_position(tab, area5))
            tab.locator("#tooltip").wait_for(state="visible")
            assert MARKUP_PAYLOADS[1] in tab.locator("#tooltip").inner_text()
            screenshot(tab, "hostile-area-5.png")
            tab.fill("#search", MARKUP_PAYLOADS[0])
            found = tab.locator("#matches a").all_inner_texts()
            assert sorted(t[:4] for t in found) == ["5. <", "5.2 "]  # area 5 and row 5.2
        if path == "index.html":
            assert PAYLOADS[0] in body and PAYLOADS[1] in body  # the document's title
        if path == f"view/{entry}.html":
            assert all(p in body for p in MARKUP_PAYLOADS)  # the ACTIVITY cell, as text
    watch.assert_clean()


# -- at scale ------------------------------------------------------------------------------


def test_a_graph_of_thousands_of_nodes_offers_focused_views(
    page: tuple[Any, Watch], graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    big = big_graph(graph, copies=17)
    assert big.number_of_nodes() > MAX_NODES
    site = tmp_path / "site"
    result = write_site(out=site, graph=big)
    assert not result.whole_graph_drawn
    tab, watch = page
    open_page(tab, url(site, "graph.html"))
    assert "too many to draw" in tab.locator(".too-large").inner_text()
    assert tab.locator("canvas").count() == 0
    tab.fill("#search", "cms cop11")  # the meeting most rows mention: its view is capped
    tab.get_by_role("link", name="CMS COP11", exact=True).click()
    tab.wait_for_url("**/view/meeting-cms-cop11.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready", timeout=10_000)
    drawn = tab.evaluate(DRAWN)
    assert drawn["nodes"] == MAX_FOCUS_NODES
    assert "nodes closest to it" in tab.locator(".truncated").inner_text()
    assert tab.evaluate("() => cmsgraphViz.settledMs") < 10_000
    screenshot(tab, "large-focused.png")
    watch.assert_clean()
