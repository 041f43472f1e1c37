"""The site's pages about change over time (issue 13): a compare page per pair of
consecutive reports on a programme and a timeline page per sub-activity, checked
against the truth the corpus generator records. Fast, without a browser
(tests/test_viz_history_browser.py opens them in Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from support.history import successive_corpus
from support.viz import (
    MARKUP_PAYLOADS,
    assert_offline_links,
    build_store,
    read_page,
    with_markup_in_labels,
)
from test_hostile import hostile_report

import cmsgraph
from cmsgraph.history import reports_by_programme
from cmsgraph.viz import network_graph, write_site

PROGRAMME = "https://w3id.org/cmsgraph/id/resolution/cms/10.40"


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("history")
    truth = successive_corpus(root / "corpus", regular=0, successive=4, seed=3)
    store = root / "store"
    cmsgraph.build([root / "corpus"], store=store)
    write_site(store=store, out=root / "site")
    return root / "site", truth, store


@pytest.fixture(scope="module")
def graph(history_site: tuple[Path, dict[str, Any], Path]) -> nx.MultiDiGraph:
    return network_graph(history_site[2])


def _pair_pages(site: Path, truth: dict[str, Any]) -> list[tuple[dict[str, Any], Path]]:
    def slug(symbol: str) -> str:
        return re.sub(r"[^a-z0-9.]+", "-", symbol.lower())

    return [
        (pair, site / "compare" / f"{slug(pair['old'])}--{slug(pair['new'])}.html")
        for pair in truth["pairs"]
    ]


def test_a_compare_page_per_consecutive_pair(
    history_site: tuple[Path, dict[str, Any], Path],
) -> None:
    site, truth, _ = history_site
    pages = _pair_pages(site, truth)
    assert len(pages) == 3
    assert sorted(p.name for p in (site / "compare").glob("*.html")) == sorted(
        path.name for _, path in pages
    )


@pytest.mark.parametrize("index", range(3))
def test_the_compare_page_lists_what_the_truth_says(
    history_site: tuple[Path, dict[str, Any], Path], index: int
) -> None:
    site, truth, _ = history_site
    pair, path = _pair_pages(site, truth)[index]
    page = read_page(path)
    assert page.codes.get("new", []) == pair["new_codes"]
    assert page.codes.get("dropped", []) == pair["dropped"]
    with_changes = {
        *pair["funders_added"],
        *pair["funders_removed"],
        *pair["documents_added"],
        *pair["documents_removed"],
    }
    assert set(page.codes.get("changed", [])) == with_changes
    assert sorted(page.codes.get("changed", []) + page.codes.get("unchanged", [])) == sorted(
        pair["continued"]
    )
    text = path.read_text("utf-8")
    for old, new in pair["renumbered"]:
        assert f"<td>{old}</td><td>{new}</td>" in text  # proposed, in its own table


def test_a_timeline_per_sub_activity_linked_from_its_view(
    history_site: tuple[Path, dict[str, Any], Path], graph: nx.MultiDiGraph
) -> None:
    site, truth, _ = history_site
    codes = {c for f in truth["files"] for c in f["subactivities"]}
    subs = {f"{PROGRAMME}/subactivity/{c}" for c in codes}
    slugs = {graph.nodes[s]["slug"] for s in subs}
    assert {p.stem for p in (site / "timeline").glob("*.html")} == slugs
    for slug in slugs:
        view = (site / "view" / f"{slug}.html").read_text("utf-8")
        assert f'href="../timeline/{slug}.html"' in view


def test_a_timeline_follows_its_code_through_the_reports(
    history_site: tuple[Path, dict[str, Any], Path], graph: nx.MultiDiGraph
) -> None:
    site, truth, _ = history_site
    files = truth["files"]
    dropped = truth["pairs"][0]["dropped"][0]  # reported first, then no more
    slug = graph.nodes[f"{PROGRAMME}/subactivity/{dropped}"]["slug"]
    text = (site / "timeline" / f"{slug}.html").read_text("utf-8")
    rows = re.findall(r'<tr id="r(\d+)" class="state-(\w+)">.*?<bdi>([^<]+)</bdi>', text)
    assert [(n, symbol) for n, _, symbol in rows] == [
        (str(i), f["symbol"]) for i, f in enumerate(files, start=1)
    ]
    assert rows[0][1] == "reported" and rows[1][1] == "dropped"
    for funder in files[0]["subactivities"][dropped]["funders"]:
        assert f'<span class="funder">{funder}</span>' in text


def test_every_link_of_the_history_pages_leads_to_a_file(
    history_site: tuple[Path, dict[str, Any], Path],
) -> None:
    site, _, _ = history_site
    pages = [*(site / "compare").glob("*.html"), *(site / "timeline").glob("*.html")]
    assert pages
    for path in pages:
        assert_offline_links(path)
    index = (site / "index.html").read_text("utf-8")
    assert index.count('href="compare/') == 3 and 'id="over-time"' in index


def test_history_pages_are_written_the_same_every_time(
    history_site: tuple[Path, dict[str, Any], Path], tmp_path: Path
) -> None:
    site, _, store = history_site
    write_site(store=store, out=tmp_path / "again")
    for folder in ("compare", "timeline"):
        ours = {p.name: p.read_bytes() for p in (site / folder).glob("*.html")}
        again = {p.name: p.read_bytes() for p in (tmp_path / "again" / folder).glob("*.html")}
        assert ours == again
    (tmp_path / "again" / "compare" / "gone--gone.html").write_text("old")
    write_site(store=store, out=tmp_path / "again")
    assert not (tmp_path / "again" / "compare" / "gone--gone.html").exists()


def test_a_single_report_has_timelines_and_no_compare_pages(
    built_store: Path, tmp_path: Path
) -> None:
    write_site(store=built_store, out=tmp_path / "site")
    assert list((tmp_path / "site" / "compare").glob("*.html")) == []
    page = tmp_path / "site" / "timeline" / "resolution-cms-10.9-subactivity-4.4.html"
    text = page.read_text("utf-8")
    assert "Reported in 1 of the 1 reports on the programme." in text
    assert "line 89" in text and "line 91" in text


def test_hostile_text_is_text_on_the_history_pages(tmp_path: Path, seed_text: str) -> None:
    from cmsgraph._viz_history import history_pages

    store = build_store(with_markup_in_labels(hostile_report(seed_text)), tmp_path)
    pages = history_pages(network_graph(store), reports_by_programme(store)).pages
    text = pages["timeline/resolution-cms-10.9-subactivity-5.2.html"]
    for payload in MARKUP_PAYLOADS:
        assert payload not in text  # escaped, never markup
    assert "&lt;script&gt;alert(&quot;area&quot;)&lt;/script&gt;" in text
    assert not re.search(r"<(img|iframe|object)\b", text)
