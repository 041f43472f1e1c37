"""The SPARQL editor of ``cmsgraph serve`` in real headless Chromium (Playwright, Debian's
/usr/bin/chromium), against a real server on 127.0.0.1.

Every request the page makes goes through a route that lets only the server's own
URLs through and records the others (aborted); Content-Security-Policy violations,
console errors and uncaught errors are recorded too. A control shows the recorder sees
a request that tries to leave. Screenshots go to ``test-output/editor/``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_viz_browser import CHROMIUM, CHROMIUM_ARGS

import cmsgraph
from cmsgraph._serve.pages import EDITOR_CSP, YASGUI_STYLE_HASH
from cmsgraph.server import Server, make_server
from cmsgraph.sparql import named_queries

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "editor"
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`));
"""


@dataclass
class Watch:
    """What the pages did: requests let through, requests refused, errors."""

    local: list[tuple[str, str]] = field(default_factory=list)  # (method, URL)
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(built_store: Path) -> Iterator[Server]:
    with make_server(built_store, port=0, workers=2).start() as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # a missing browser fails, never skips

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[tuple[Any, Watch]]:
    """A fresh profile (empty local storage) whose requests are all recorded."""
    watch = Watch()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(server.url):
            watch.local.append((route.request.method, url))
            route.continue_()
        else:
            watch.outside.append(url)
            route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.add_init_script(WATCH)
    tab.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    tab.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    try:
        yield tab, watch
    finally:
        context.close()


def open_editor(tab: Any, server: Server) -> None:
    tab.goto(server.endpoint)
    tab.wait_for_selector(f"#tab-query-{named_queries()[-1].name}")


def run(tab: Any, name: str) -> None:
    """Select the named query's tab, put the cursor in its editor, press Ctrl+Enter and
    wait for YASGUI's result table."""
    tab.click(f"#tab-query-{name}")
    tab.click(".tabPanel.active .CodeMirror")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")


def clean(tab: Any, watch: Watch) -> None:
    assert watch.outside == []
    assert tab.evaluate("window.__cspViolations") == []
    assert watch.console_errors == []
    assert watch.page_errors == []


def test_the_editor_lists_every_named_query_as_a_tab(page, server):
    tab, watch = page
    open_editor(tab, server)
    tabs = tab.eval_on_selector_all(
        ".yasgui .tabsList .tab a[role=tab]",
        "links => links.map(a => [a.id, a.querySelector('span').textContent, a.title])",
    )
    named = {f"tab-query-{q.name}": q for q in named_queries()}
    found = {ident: (name, title) for ident, name, title in tabs if ident in named}
    assert set(found) == set(named)
    for ident, (name, title) in found.items():
        assert name == named[ident].name
        assert title == f"{named[ident].name}: {named[ident].question}"
    clean(tab, watch)


def test_a_named_query_runs_with_ctrl_enter_and_shows_the_table(page, server, built_store):
    tab, watch = page
    open_editor(tab, server)
    run(tab, "funders")
    assert tab.inner_text("#question").startswith("funders: who funds each sub-activity")
    headers = tab.eval_on_selector_all(
        ".tabPanel.active .yasr table.dataTable thead th", "ths => ths.map(th => th.innerText)"
    )
    assert [h.strip() for h in headers if h.strip()][-2:] == ["code", "funder"]
    expected = cmsgraph.query("funders", store=built_store)
    assert not isinstance(expected, bool)
    first = tab.eval_on_selector_all(
        ".tabPanel.active .yasr table.dataTable tbody tr:first-child td",
        "tds => tds.map(td => td.innerText.trim())",
    )
    assert first[-2:] == list(expected.values()[0])
    info = tab.inner_text(".tabPanel.active .yasr .dataTables_info, .tabPanel.active .yasr "
                          ".dt-info")  # fmt: skip
    assert str(len(expected.rows)) in info.replace(",", "")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(OUTPUT / "funders.png"))
    assert ("POST", server.endpoint) in watch.local  # the query went to the server itself
    clean(tab, watch)


def test_an_edited_query_runs_and_its_results_download_as_csv(page, server):
    tab, watch = page
    open_editor(tab, server)
    tab.click("#tab-query-instruments")
    tab.evaluate(
        """() => cmsgraphEditor.getTab().getYasqe().setValue(
            'SELECT ?label WHERE { ?i a cmsg:Agreement ; rdfs:label ?label } ORDER BY ?label')"""
    )
    tab.click(".tabPanel.active .CodeMirror")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    with tab.expect_download() as download:
        tab.click(".tabPanel.active .yasr .yasr_downloadIcon")
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text("utf-8"))))
    assert rows[0] == ["label"]
    assert "AEWA" in {r[0] for r in rows[1:]}
    assert len(rows) == 1 + 7  # the seven CMS Family Agreements
    clean(tab, watch)


def test_prefixes_are_predefined_and_autocompleted_from_the_server(page, server):
    tab, watch = page
    open_editor(tab, server)
    value = tab.evaluate("() => cmsgraphEditor.getTab().getYasqe().getValue()")
    for prefix, iri in cmsgraph.namespaces.PREFIXES.items():
        assert f"PREFIX {prefix}: <{iri}>" in value
    completers = tab.evaluate(
        "() => Object.keys(cmsgraphEditor.getTab().getYasqe().autocompleters)"
    )
    assert sorted(completers) == ["prefixes", "variables"]  # no LOV look-ups
    tab.evaluate(
        "() => cmsgraphEditor.getTab().getYasqe().setValue('\\nSELECT * WHERE { ?s ?p ?o }')"
    )
    tab.click(".tabPanel.active .CodeMirror")
    tab.keyboard.press("Control+Home")
    tab.keyboard.type("PREFIX dca")
    tab.keyboard.press("Control+Space")
    tab.wait_for_selector(".CodeMirror-hints")
    hints = tab.inner_text(".CodeMirror-hints")
    assert "dcat: <http://www.w3.org/ns/dcat#>" in hints
    tab.wait_for_timeout(300)
    clean(tab, watch)


def test_the_editor_is_served_with_a_csp_allowing_only_the_server(page, server):
    tab, watch = page
    response = tab.goto(server.endpoint)
    assert response.headers["content-security-policy"] == EDITOR_CSP
    for directive in ("script-src 'self';", "connect-src 'self';", "font-src 'self';"):
        assert directive in EDITOR_CSP
    assert "unsafe" not in EDITOR_CSP and "http" not in EDITOR_CSP
    tab.wait_for_selector("#tab-query-funders")
    run(tab, "funders")
    assert len(watch.local) >= 6  # page, 2 style sheets, 2 scripts, the query
    clean(tab, watch)


def test_the_allowed_style_is_yasgui_s_own():
    """The hash in the CSP is that of the one ``<style>`` text the vendored YASGUI adds."""
    from importlib.resources import files

    js = (files("cmsgraph") / "assets" / "yasgui" / "yasgui.min.js").read_text("utf-8")
    (text,) = re.findall(r"createStyle\(\w+,`( \.grip-resizable\{table-layout:fixed;\}[^`]*)`", js)
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    assert f"sha256-{digest}" == YASGUI_STYLE_HASH


def test_the_watch_sees_a_request_that_leaves(page, server):
    """The control: a page without the editor's CSP tries to reach another host; the
    route records it (and refuses it)."""
    tab, watch = page
    tab.goto(server.url + "assets/yasgui/LICENSE")
    tab.evaluate("() => fetch('https://example.org/x').catch(() => null)")
    tab.wait_for_timeout(300)
    assert watch.outside == ["https://example.org/x"]


def test_the_home_page_embeds_a_schema_org_dataset(page, server):
    tab, watch = page
    tab.goto(server.url)
    blocks = tab.eval_on_selector_all(
        "script[type='application/ld+json']", "els => els.map(e => JSON.parse(e.textContent))"
    )
    (dataset,) = blocks
    assert dataset["@type"] == "Dataset" and dataset["@context"] == "https://schema.org/"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["temporalCoverage"] == "2012-01-01/2017-12-31"
    assert "migratory species" in dataset["keywords"]
    assert dataset["includedInDataCatalog"]["@type"] == "DataCatalog"
    tab.click("text=Open the SPARQL editor")
    tab.wait_for_selector("#tab-query-funders")
    clean(tab, watch)
