"""Hostile text everywhere: a report whose titles and cells carry markup, scripts,
attribute breakouts, javascript: links, direction overrides and 100 KB strings.

It must build, and round-trip unchanged through every RDF format. (The HTML
outputs — viz pages and linked-data pages — are checked in real Chromium by the
browser tests of those features, with the same document: see ``hostile_report``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Literal, RdfFormat, parse

import cmsgraph
from cmsgraph.store import open_current

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "\u202egnp.exe\u202c and \u2066isolate\u2069",
    "' OR '1'='1; \" } UNION { ?s ?p ?o } #",
    "{{7*7}} ${7*7} <% 7*7 %>",
]
LONG = "A" * 100_000


def hostile_report(seed_text: str) -> str:
    """The bundled report with payloads in its title, area titles and every kind of cell."""
    text = seed_text.replace(
        "FUTURE STRUCTURE AND STRATEGIES OF CMS: SHORT- AND MEDIUM-TERM ACTIVITIES UNDER "
        "RESOLUTION 10.9",
        f"{PAYLOADS[0]} TITLE {PAYLOADS[1]} UNDER RESOLUTION 10.9",
        1,
    )
    text = text.replace("Alignment with international environmental governance reform.",
                        f"Alignment {PAYLOADS[1]} {PAYLOADS[3]}.", 1)  # fmt: skip
    text = text.replace("IEG reform process. (1.1)",
                        f"IEG {PAYLOADS[0]} {PAYLOADS[2]} process. (1.1)", 1)  # fmt: skip
    text = text.replace("Core budget: staff time\n",
                        f"Core budget: {PAYLOADS[4]} {PAYLOADS[5]}\n", 1)  # fmt: skip
    return text.replace("Discussion of reforms at COPs", f"Discussion {LONG} of reforms", 1)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, seed_text) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.txt"
    source.write_text(hostile_report(seed_text), "utf-8")
    store = folder / "store"
    cmsgraph.build([source], store=store)
    return store


def _literals(quads) -> set[str]:
    return {q.object.value for q in quads if isinstance(q.object, Literal)}


def test_payloads_are_kept_as_data(hostile_store):
    quads = list(open_current(hostile_store).open().quads_for_pattern(None, None, None))
    values = "\n".join(_literals(quads))
    for payload in PAYLOADS:
        assert payload in values
    assert any(LONG in v for v in _literals(quads))


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"])
def test_every_format_round_trips_the_payloads(hostile_store, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    cmsgraph.export(fmt, store=hostile_store, out=out)
    stored = _literals(open_current(hostile_store).open().quads_for_pattern(None, None, None))
    oxigraph_format = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES,
                       "nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG,
                       "jsonld": RdfFormat.JSON_LD, "rdfxml": RdfFormat.RDF_XML}[fmt]  # fmt: skip
    assert _literals(parse(path=str(out), format=oxigraph_format)) == stored
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig",
                     "jsonld": None, "rdfxml": "xml"}[fmt]  # fmt: skip
    if rdflib_format:  # a second, independent parser (XML well-formedness included)
        graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
        graph.parse(str(out), format=rdflib_format)
        triples = ((q[2] for q in graph.quads()) if fmt in ("nquads", "trig")
                   else (t[2] for t in graph))  # fmt: skip
        parsed = {str(o) for o in triples if isinstance(o, rdflib.Literal)}
        assert parsed == stored
