"""The one table of formats (cmsgraph/formats.py): what the CLI, the server and the
exporter offer comes from it, and every export format keeps its documented order."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from pyoxigraph import NamedNode, Quad, parse

import cmsgraph
from cmsgraph import formats as table
from cmsgraph.cli import _parser
from cmsgraph.exporter import FORMATS as EXPORT_FORMATS
from cmsgraph.formats import (
    GROUPED,
    GROUPED_BY_GRAPH,
    NODES_BY_ID,
    SORTED_LINES,
    by_key,
    for_suffix,
    formats,
    negotiate,
    offers,
)

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PACKAGE = Path(cmsgraph.__file__).parent

# -- the table -------------------------------------------------------------------------

# (key, media type, usual extension, kind): read from the specifications
ROWS = [
    ("turtle", "text/turtle", ".ttl", "graph"),
    ("ntriples", "application/n-triples", ".nt", "graph"),
    ("nquads", "application/n-quads", ".nq", "dataset"),
    ("trig", "application/trig", ".trig", "dataset"),
    ("jsonld", "application/ld+json", ".jsonld", "graph"),
    ("rdfxml", "application/rdf+xml", ".rdf", "graph"),
    ("json", "application/sparql-results+json", ".srj", "results"),
    ("xml", "application/sparql-results+xml", ".srx", "results"),
    ("csv", "text/csv", ".csv", "results"),
    ("tsv", "text/tab-separated-values", ".tsv", "results"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx",
     "results"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "media", "suffix", "kind"), ROWS)
def test_each_format_s_media_type_extension_and_kind(key, media, suffix, kind):
    form = by_key(key)
    assert (form.media_type, form.suffix, form.kind) == (media, suffix, kind)
    assert form.pyoxigraph() is None or form.pyoxigraph().media_type.startswith(media)


def test_the_cli_the_exporter_and_the_server_offer_what_the_table_says():
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    query_format = next(a for a in sub["query"]._actions if a.dest == "format")
    export_format = next(a for a in sub["export"]._actions if a.dest == "format")
    assert list(query_format.choices) == [f.key for f in formats(kind="results", use="cli")]
    assert list(export_format.choices) == [f.key for f in formats(use="export")]
    assert list(EXPORT_FORMATS) == list(export_format.choices)
    from cmsgraph._serve.protocol import GRAPH_OFFERS, RESULT_OFFERS

    assert {key for _, key in RESULT_OFFERS} == {"json", "xml", "csv", "tsv", "xlsx", "html"}
    assert {key for _, key in GRAPH_OFFERS} == {"turtle", "ntriples", "jsonld", "rdfxml"}


def test_no_other_module_keeps_a_table_of_media_types():
    """Media types are written in formats.py only (and the one the JSON-LD context
    names); every other module asks the table."""
    media = {f.media_type for f in table.FORMATS} | {m for f in table.FORMATS for m in f.accepts}
    media.discard("text/plain")  # also what every refusal is sent as
    media.discard("text/html")  # also what every page is sent as
    media.discard("application/json")  # also the type of the pages' JSON data blocks
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.name == "formats.py":
            continue
        strings = {
            node.value
            for node in ast.walk(ast.parse(module.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not (strings & media), module


def test_file_names_and_negotiation():
    exported = formats(use="export")
    assert for_suffix("x/cms.TTL", exported).key == "turtle"
    assert for_suffix("cms.owl", exported).key == "rdfxml"
    assert for_suffix("cms.txt", exported) is None
    results = formats(kind="results", use="server")
    assert negotiate("*/*", offers(results), "json") == "json"
    assert (
        negotiate("text/csv;q=0.5, application/sparql-results+xml", offers(results), "json")
        == "xml"
    )
    assert negotiate("application/json", offers(results), "csv") == "json"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert negotiate(xlsx, offers(results), "json") == "xlsx"


# -- the documented order of each export format --------------------------------------


@pytest.fixture(scope="module")
def exported(built_store, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("order")
    out = {}
    for key, form in EXPORT_FORMATS.items():
        out[key] = folder / f"cmsgraph{form.suffix}"
        cmsgraph.export(key, store=built_store, out=out[key])
    return out


def _triple_key(t) -> tuple[str, bool, str, str]:
    return (str(t.subject), t.predicate != RDF_TYPE, str(t.predicate), str(t.object))


def _in_document_order(path: Path, key: str) -> list:
    statements = list(parse(path=str(path), format=by_key(key).pyoxigraph()))
    assert statements, path
    assert not any(s.subject.__class__.__name__ == "BlankNode" for s in statements)
    return statements


def _sorted_lines(path: Path, key: str) -> None:
    lines = path.read_bytes().splitlines()
    assert lines == sorted(lines)


def _grouped(path: Path, key: str) -> None:
    statements = _in_document_order(path, key)
    order = [_triple_key(s.triple if isinstance(s, Quad) else s) for s in statements]
    assert order == sorted(order)  # by subject, rdf:type first, then predicate, object
    subjects = [k[0] for k in order]
    assert len({s for s in subjects}) == len([s for i, s in enumerate(subjects)
                                              if i == 0 or subjects[i - 1] != s])  # fmt: skip


def _grouped_by_graph(path: Path, key: str) -> None:
    statements = _in_document_order(path, key)
    order = [(str(q.graph_name), *_triple_key(q)) for q in statements]
    assert order == sorted(order)
    graphs = [k[0] for k in order]
    runs = [g for i, g in enumerate(graphs) if i == 0 or graphs[i - 1] != g]
    assert len(runs) == len(set(runs)) > 1  # each graph in one block


def _nodes_by_id(path: Path, key: str) -> None:
    nodes = json.loads(path.read_text("utf-8"))["@graph"]
    ids = [n["id"] for n in nodes]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for node in nodes:
        keys = list(node)
        head = ["id", "type"] if "type" in node else ["id"]
        assert keys[: len(head)] == head
        assert keys[len(head) :] == sorted(keys[len(head) :])


CHECKS: dict[str, Callable[[Path, str], None]] = {
    SORTED_LINES: _sorted_lines,
    GROUPED: _grouped,
    GROUPED_BY_GRAPH: _grouped_by_graph,
    NODES_BY_ID: _nodes_by_id,
}


@pytest.mark.parametrize("key", list(EXPORT_FORMATS))
def test_each_export_format_keeps_its_documented_order(key, exported):
    CHECKS[by_key(key).order](exported[key], key)


@pytest.mark.parametrize("key", ["trig", "rdfxml", "turtle", "nquads"])
def test_the_order_check_fails_on_an_unsorted_file(key, built_store, tmp_path):
    """The control: the same statements written unsorted do not pass the check."""
    from pyoxigraph import serialize

    from cmsgraph import namespaces as ns
    from cmsgraph.store import open_current

    quads = list(open_current(built_store).open())
    statements = quads if by_key(key).dataset else [q.triple for q in quads]
    unsorted = sorted(statements, key=lambda s: str(s.object), reverse=True)
    path = tmp_path / f"unsorted{by_key(key).suffix}"
    prefixes = None if key == "nquads" else ns.PREFIXES
    path.write_bytes(serialize(unsorted, format=by_key(key).pyoxigraph(), prefixes=prefixes))
    with pytest.raises(AssertionError):
        CHECKS[by_key(key).order](path, key)


def test_the_cli_query_offers_every_results_format(built_store, tmp_path):
    for form in formats(kind="results", use="cli"):
        out = tmp_path / f"funders{form.suffix}"
        done = run_cli("query", "funders", "--store", built_store, "--format", form.key,
                       "--out", out)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout == "" and out.stat().st_size > 0
