"""The network views: the graph they draw, the site they write, and what it must never do.

Fast tests, without a browser (tests/test_viz_browser.py drives real Chromium).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_cli
from facts import CITES, ROWS, C
from support.viz import MARKUP_PAYLOADS, big_graph, build_store, entry_at, with_markup_in_labels
from test_hostile import PAYLOADS, hostile_report

import cmsgraph
from cmsgraph.errors import CmsGraphError, StoreError
from cmsgraph.viz import (
    MAX_FOCUS_NODES,
    focused_graph,
    layout,
    network_graph,
    script_json,
    to_pyvis,
    write_site,
)

# Hand-read from UNEP/CMS/COP11/Doc.16.1: (source line of the row, relation, linked name)
LINKS = [
    (77, "funded-by", "UNEP ROE"),  # "a voluntary contribution from UNEP ROE"
    (89, "funded-by", "Germany"),  # "voluntary contributions from Germany, Finland ..."
    (89, "funded-by", "Finland"),
    (121, "funded-by", "Switzerland"),  # "Voluntary contributions from Switzerland and Germany"
    (121, "funded-by", "EU"),  # "The EU via the GIZ has funded ..."
    (121, "funding-channel", "GIZ"),
    (162, "funded-by", "European Commission"),  # "Voluntary contribution from EC."
    (129, "involves", "AEWA"),
    (129, "involves", "ASCOBANS"),
    (137, "involves", "Gorilla Agreement"),  # "German-funded post Sharks MoU and Gorilla ..."
    (137, "involves", "Sharks MoU"),
    (77, "partner", "CAFF"),  # "cooperated with CAFF in the development of an Arctic ..."
    (60, "mentions-meeting", "Rio+20"),  # "the IEG reform at Rio+20"
]


@pytest.fixture(scope="module")
def graph(built_store: Path) -> nx.MultiDiGraph:
    return network_graph(built_store)


@pytest.fixture(scope="module")
def site(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    write_site(store=built_store, out=out)
    return out


def _labels(graph: nx.MultiDiGraph, node: str, relation: str) -> set[str]:
    return {graph.nodes[v]["label"] for v, keys in graph[node].items() if relation in keys}


# -- the graph ---------------------------------------------------------------------------


def test_every_row_is_an_entry_under_its_area_reporting_its_codes(graph: nx.MultiDiGraph) -> None:
    for line, area, period, codes in ROWS:
        entry = entry_at(graph, line)
        data = graph.nodes[entry]
        assert (data["type"], data["period"]) == ("entry", period), line
        (under,) = [v for v, keys in graph[entry].items() if "reported-under" in keys]
        assert graph.nodes[under]["notation"] == area, line
        reported = {
            graph.nodes[v]["notation"] for v, k in graph[entry].items() if "reports-on" in k
        }
        assert reported == set(codes), line


def test_16_3_is_part_of_area_16_but_reported_in_area_5s_table(graph: nx.MultiDiGraph) -> None:
    (sub,) = [n for n, d in graph.nodes(data=True) if d.get("notation") == "16.3"]
    (area,) = [v for v, keys in graph[sub].items() if "part-of" in keys]
    assert graph.nodes[area]["notation"] == "16"
    entry = entry_at(graph, 97)
    (under,) = [v for v, keys in graph[entry].items() if "reported-under" in keys]
    assert graph.nodes[under]["label"].startswith("5. To carry out a global gap analysis")
    assert sub in graph[entry]


@pytest.mark.parametrize(("line", "docs"), sorted(CITES.items()))
def test_rows_cite_their_documents(graph: nx.MultiDiGraph, line: int, docs: set[str]) -> None:
    assert _labels(graph, entry_at(graph, line), "cites") == {C + d for d in docs}


@pytest.mark.parametrize(("line", "relation", "name"), LINKS)
def test_rows_link_funders_instruments_partners_meetings(
    graph: nx.MultiDiGraph, line: int, relation: str, name: str
) -> None:
    assert name in _labels(graph, entry_at(graph, line), relation)


def test_counts_per_type(graph: nx.MultiDiGraph) -> None:
    counts = Counter(d["type"] for _, d in graph.nodes(data=True))
    codes = {code for *_, codes in ROWS for code in codes}
    docs = {d for ds in CITES.values() for d in ds}
    assert counts["entry"] == len(ROWS)
    assert counts["area"] == 16
    assert counts["subactivity"] == len(codes)
    assert counts["document"] == len(docs)
    assert {"funder", "partner", "instrument", "meeting"} <= set(counts)


def test_a_funder_that_is_also_a_partner_is_drawn_as_funder(graph: nx.MultiDiGraph) -> None:
    (eu,) = [n for n, d in graph.nodes(data=True) if d["label"] == "EU"]
    assert graph.nodes[eu]["type"] == "funder"
    assert graph.nodes[eu]["roles"] == ("funder", "partner")
    entry = entry_at(graph, 121)  # funded by the EU and names it as a partner: two links
    assert set(graph[entry][eu]) == {"funded-by", "partner"}


def test_entries_carry_period_and_source_text(graph: nx.MultiDiGraph) -> None:
    data = graph.nodes[entry_at(graph, 77)]
    assert data["period"] == "2012-2014"
    assert data["document"] == "UNEP/CMS/COP11/Doc.16.1"
    assert "Arctic Migratory Birds Index" in data["source"]  # the row's cells, in order
    assert data["source"].startswith(data["activity"])
    assert data["resources"].startswith("Core budget: staff time and a voluntary contribution")


def test_nodes_know_their_periods(graph: nx.MultiDiGraph) -> None:
    (aewa,) = [n for n, d in graph.nodes(data=True) if d["label"] == "AEWA"]
    assert graph.nodes[aewa]["periods"] == ("2012-2014", "2015-2017")
    (rio,) = [n for n, d in graph.nodes(data=True) if d["label"] == "Rio+20"]
    assert graph.nodes[rio]["periods"] == ("2012-2014",)


def test_slugs_are_stable_readable_and_unique(graph: nx.MultiDiGraph) -> None:
    slugs = [d["slug"] for _, d in graph.nodes(data=True)]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.-]*", s) for s in slugs)
    by_label = {d["label"]: d["slug"] for _, d in graph.nodes(data=True)}
    assert by_label["AEWA"] == "instrument-aewa"
    assert by_label["Germany"] == "country-de"


def test_no_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        network_graph(tmp_path / "nothing")


# -- views and layout --------------------------------------------------------------------


def test_a_funders_view_goes_through_its_entries(graph: nx.MultiDiGraph) -> None:
    (germany,) = [n for n, d in graph.nodes(data=True) if d["label"] == "Germany"]
    view = focused_graph(graph, germany)
    entries = {n for n in view if view.nodes[n]["type"] == "entry"}
    assert {view.nodes[e]["line"] for e in entries} == {89, 105, 121, 137, 154}
    areas = {view.nodes[n]["notation"] for n in view if view.nodes[n]["type"] == "area"}
    assert areas == {"4", "6", "8", "10", "12"}
    # and links among the neighbours: the sub-activity 4.4 is part of area 4
    assert "part-of" in view.get_edge_data(*_pair(view, "4.4", "4"))


def _pair(view: nx.MultiDiGraph, code: str, area: str) -> tuple[str, str]:
    sub = next(n for n in view if view.nodes[n].get("notation") == code)
    top = next(n for n in view if view.nodes[n].get("notation") == area)
    return sub, top


def test_a_view_too_large_keeps_the_closest(graph: nx.MultiDiGraph) -> None:
    (cop11,) = [n for n, d in graph.nodes(data=True) if d["label"] == "CMS COP11"]
    view = focused_graph(graph, cop11, max_nodes=25)
    assert view.number_of_nodes() == 25
    assert view.graph["total_nodes"] > 25
    assert set(graph.predecessors(cop11)) <= set(view)  # its own entries come first


def test_layout_is_deterministic_and_keeps_nodes_apart(graph: nx.MultiDiGraph) -> None:
    first, second = layout(graph), layout(graph)
    assert first == second
    points = sorted(first.values())
    assert len(set(points)) == len(points)
    closest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(points)
        for b in points[i + 1 :]
    )
    assert closest > 10


def test_layout_of_a_focused_view_centres_the_entity(graph: nx.MultiDiGraph) -> None:
    (aewa,) = [n for n, d in graph.nodes(data=True) if d["label"] == "AEWA"]
    view = focused_graph(graph, aewa)
    assert layout(view, focus=aewa)[aewa] == (0.0, 0.0)


def test_layout_of_separate_components(graph: nx.MultiDiGraph) -> None:
    two = nx.MultiDiGraph()
    two.add_edge("a", "b", key="cites")
    two.add_edge("c", "d", key="cites")
    pos = layout(two)
    assert set(pos) == {"a", "b", "c", "d"}
    assert len(set(pos.values())) == 4


# -- pyvis -------------------------------------------------------------------------------


def test_to_pyvis_holds_the_graph_with_physics_off(graph: nx.MultiDiGraph) -> None:
    net = to_pyvis(graph)
    assert len(net.nodes) == graph.number_of_nodes()
    assert len(net.edges) == graph.number_of_edges()
    assert net.options.physics.enabled is False
    assert all("x" in n and "y" in n for n in net.nodes)


def test_to_pyvis_html_is_offline_and_escaped(graph: nx.MultiDiGraph) -> None:
    view = nx.MultiDiGraph(graph)
    some = next(iter(view.nodes))
    view.nodes[some]["label"] = '<a href="x">link</a><script>alert(1)</script>'
    page = to_pyvis(view, heading='<img src=x onerror="alert(1)">').generate_html()
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page or "&lt;img src=x" in page
    # the title holds "href": pyvis then uses innerHTML, so titles were escaped for it
    assert "<script>alert(1)" not in page
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in page


# -- the site ----------------------------------------------------------------------------


def test_site_has_index_whole_graph_and_a_view_per_node(site: Path, graph: nx.MultiDiGraph) -> None:
    assert (site / "index.html").is_file()
    assert (site / "graph.html").is_file()
    views = {p.stem for p in (site / "view").glob("*.html")}
    assert views == {d["slug"] for _, d in graph.nodes(data=True)}
    assert (site / "lib" / "vis-network.min.js").stat().st_size > 100_000


def test_index_ranks_the_most_connected(site: Path) -> None:
    index = (site / "index.html").read_text("utf-8")
    funders = index.split('id="top-funder"')[1].split("</table>")[0]
    assert funders.index("Germany") < funders.index("UNEP ROE")  # 5 entries against 1
    instruments = index.split('id="top-instrument"')[1].split("</table>")[0]
    assert instruments.index("AEWA") < instruments.index("Raptors MoU")
    assert "Documents cited most" in index
    for kind in ("area", "instrument", "funder", "partner"):
        assert f'id="views-{kind}"' in index


def test_views_reach_each_other(site: Path, graph: nx.MultiDiGraph) -> None:
    page = (site / "view" / "country-de.html").read_text("utf-8")
    for line in (89, 105, 121, 137, 154):
        slug = graph.nodes[entry_at(graph, line)]["slug"]
        assert f'href="../view/{slug}.html"' in page
    assert 'href="../index.html"' in page and 'href="../graph.html"' in page


def test_two_runs_write_identical_files(built_store: Path, tmp_path: Path) -> None:
    write_site(store=built_store, out=tmp_path / "a")
    write_site(store=built_store, out=tmp_path / "b")
    files = {}
    for run in ("a", "b"):
        root = tmp_path / run
        files[run] = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    a, b = files["a"], files["b"]
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_writing_again_replaces_the_site_and_refuses_other_folders(
    built_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    write_site(store=built_store, out=out)
    stale = out / "view" / "gone.html"
    stale.write_text("old")
    write_site(store=built_store, out=out)
    assert not stale.exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(CmsGraphError, match="not empty"):
        write_site(store=built_store, out=other)
    assert (other / "notes.txt").read_text() == "keep me"


class _Markup(HTMLParser):
    """Every element and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.data_json: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_data = tag == "script" and dict(attrs).get("type") == "application/json"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        (self.data_json if self._in_data else self.text).append(data)


def _pages(site: Path) -> list[Path]:
    return [
        site / "index.html",
        site / "graph.html",
        site / "citations.html",
        site / "programmes.html",
        *sorted((site / "view").glob("*.html")),
        *sorted((site / "citations").glob("*.html")),
    ]


def test_pages_request_nothing_from_the_network(site: Path) -> None:
    for page in _pages(site):
        markup = _Markup()
        markup.feed(page.read_text("utf-8"))
        (csp,) = [
            a["content"]
            for t, a in markup.tags
            if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert csp and "default-src 'none'" in csp and "script-src 'self'" in csp
        for tag, attrs in markup.tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                assert "//" not in value and not value.startswith("data:"), (page, tag, value)
    for asset in ("viz.js", "viz.css"):
        assert "http" not in (site / "lib" / asset).read_text("utf-8").replace("https://", "")


@pytest.fixture(scope="module")
def hostile_site(
    tmp_path_factory: pytest.TempPathFactory, seed_text: str
) -> tuple[Path, nx.MultiDiGraph]:
    root = tmp_path_factory.mktemp("hostile")
    store = build_store(with_markup_in_labels(hostile_report(seed_text)), root)
    graph = network_graph(store)
    write_site(store=store, out=root / "site")
    return root / "site", graph


def test_hostile_text_reaches_the_graph_as_text(
    hostile_site: tuple[Path, nx.MultiDiGraph],
) -> None:
    _, graph = hostile_site
    texts = " ".join(str(v) for _, d in graph.nodes(data=True) for v in d.values())
    texts += " ".join(text for source in graph.graph["sources"] for text in source)
    for payload in PAYLOADS + MARKUP_PAYLOADS:
        assert payload in texts
    (area,) = [
        d for _, d in graph.nodes(data=True) if d.get("notation") == "5" and d["type"] == "area"
    ]
    assert all(p in area["label"] for p in MARKUP_PAYLOADS)


def test_hostile_text_is_escaped_on_every_page(hostile_site: tuple[Path, nx.MultiDiGraph]) -> None:
    site, graph = hostile_site
    seen = set()
    for page in _pages(site):
        markup = _Markup()
        markup.feed(page.read_text("utf-8"))
        scripts = [a for t, a in markup.tags if t == "script"]
        assert all(a.get("type") == "application/json" or a.get("src") for a in scripts), page
        assert len(scripts) <= 3
        assert not [t for t, _ in markup.tags if t in ("img", "iframe", "object", "embed")]
        assert not [(t, n) for t, a in markup.tags for n in a if n.lower().startswith("on")]
        text = "".join(markup.text)
        data = json.loads("".join(markup.data_json))
        shown = text + json.dumps(data, ensure_ascii=False)
        seen |= {p for p in PAYLOADS + MARKUP_PAYLOADS if p in shown}
    assert seen == set(PAYLOADS + MARKUP_PAYLOADS)
    (area,) = [
        d for _, d in graph.nodes(data=True) if d.get("notation") == "5" and d["type"] == "area"
    ]
    page = (site / "view" / f"{area['slug']}.html").read_text("utf-8")
    markup = _Markup()
    markup.feed(page)
    assert area["label"] in "".join(markup.text)  # the heading reads as the text it is


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"a": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028 & >"}


def test_too_large_a_graph_is_not_drawn_whole(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    big = big_graph(graph, copies=3)
    result = write_site(out=tmp_path / "site", graph=big, max_nodes=200, max_focus_nodes=60)
    assert not result.whole_graph_drawn
    page = (tmp_path / "site" / "graph.html").read_text("utf-8")
    assert "too many to draw" in page
    assert "vis-network" not in page
    assert 'id="network"' not in page
    sizes = []
    for view in (tmp_path / "site" / "view").glob("*.html"):
        markup = _Markup()
        markup.feed(view.read_text("utf-8"))
        sizes.append(len(json.loads("".join(markup.data_json))["nodes"]))
    assert max(sizes) == 60


def test_the_default_focus_cap_is_generous() -> None:
    assert MAX_FOCUS_NODES >= 200


# -- command line and API ----------------------------------------------------------------


def test_cli_writes_the_site(built_store: Path, tmp_path: Path) -> None:
    done = run_cli("viz", "--store", built_store, "--out", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "focused views" in done.stdout
    assert (tmp_path / "site" / "index.html").is_file()


def test_cli_without_store_is_a_store_error(tmp_path: Path) -> None:
    done = run_cli("viz", "--store", tmp_path / "none", "--out", tmp_path / "site")
    assert done.returncode == 3
    assert "no store" in done.stderr


def test_public_names() -> None:
    for name in ("network_graph", "to_pyvis", "write_site", "SiteResult"):
        assert name in cmsgraph.__all__
        assert getattr(cmsgraph, name).__module__ == "cmsgraph.viz"
