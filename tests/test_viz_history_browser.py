"""The compare and timeline pages in a real browser (Debian's headless Chromium, through
Playwright, as in tests/test_viz_browser.py): nothing fails, nothing leaves file://, and
every link a staff member follows from a change to the rows it came from works.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import test_viz_browser
from support.history import successive_corpus
from test_viz_browser import Watch, open_page, screenshot

import cmsgraph
from cmsgraph.viz import write_site

pytestmark = pytest.mark.browser

browser = test_viz_browser.browser  # the same headless Chromium and watched pages
page = test_viz_browser.page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("history-browser")
    truth = successive_corpus(root / "corpus", regular=0, successive=3, seed=3)
    cmsgraph.build([root / "corpus"], store=root / "store")
    write_site(store=root / "store", out=root / "site")
    return root / "site", truth


def _compare_pages(site: Path) -> list[Path]:
    return sorted((site / "compare").glob("*.html"))


def test_from_the_overview_to_a_change_and_the_row_it_came_from(
    page: tuple[Any, Watch], site: tuple[Path, dict[str, Any]]
) -> None:
    folder, truth = site
    tab, watch = page
    first = truth["pairs"][0]
    open_page(tab, (folder / "index.html").as_uri())
    tab.locator("#over-time summary").first.click()
    tab.locator("#over-time a", has_text=first["old"]).first.click()
    tab.wait_for_url("**/compare/*.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    assert tab.locator("h1").inner_text() == f"{first['old']} → {first['new']}"
    new_codes = tab.locator("#new tbody tr").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-code'))"
    )
    assert new_codes == first["new_codes"]
    screenshot(tab, "compare.png")
    code = first["new_codes"][0]
    row = tab.locator(f'#new tr[data-code="{code}"]')
    line = row.locator("a.row").first
    line_text = line.inner_text()
    line.click()  # the row of the report the change comes from: its network view
    tab.wait_for_url("**/view/*.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    assert f"line {line_text.split()[-1]}" in tab.locator(".about").inner_text()
    assert code in tab.locator("h1").inner_text()
    watch.assert_clean()


def test_from_a_change_to_the_timeline_and_back(
    page: tuple[Any, Watch], site: tuple[Path, dict[str, Any]]
) -> None:
    folder, truth = site
    tab, watch = page
    first = truth["pairs"][0]
    prefix = re.sub(r"[^a-z0-9.]+", "-", first["old"].lower()) + "--"
    (target,) = [p for p in _compare_pages(folder) if p.name.startswith(prefix)]
    open_page(tab, target.as_uri())
    dropped = first["dropped"][0]
    tab.locator(f'#dropped tr[data-code="{dropped}"] a.code').click()
    tab.wait_for_url("**/timeline/*.html")
    tab.wait_for_function("window.cmsgraphViz && window.cmsgraphViz.ready")
    states = tab.locator("table.timeline tbody tr").evaluate_all(
        "rows => rows.map(r => r.className)"
    )
    assert states[:2] == ["state-reported", "state-dropped"]
    screenshot(tab, "timeline.png")
    tab.locator("ol.strip a").nth(1).click()  # the strip: one box per report, in order
    assert tab.evaluate("() => location.hash") == "#r2"
    tab.locator("#r2 a.pair").click()  # the changes that brought this report
    tab.wait_for_url(f"**/compare/{target.name}")
    tab.get_by_role("link", name="next pair →").click()
    tab.wait_for_url("**/compare/*.html")
    second = truth["pairs"][1]
    assert tab.locator("h1").inner_text() == f"{second['old']} → {second['new']}"
    tab.get_by_role("link", name="← previous pair").click()
    tab.wait_for_url(f"**/compare/{target.name}")
    watch.assert_clean()


def test_every_history_page_loads_cleanly(
    page: tuple[Any, Watch], site: tuple[Path, dict[str, Any]]
) -> None:
    folder, _ = site
    tab, watch = page
    pages = [*_compare_pages(folder), *sorted((folder / "timeline").glob("*.html"))[:12]]
    for path in pages:
        open_page(tab, path.as_uri())
        assert tab.title().endswith("— cmsgraph")
        assert tab.locator("table.changes").count() >= 1
    assert len(watch.requests) >= len(pages)
    watch.assert_clean()
