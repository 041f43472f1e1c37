"""Build, store, the command line and parameters: determinism, SHACL, bad input (the named
queries' answers are checked in test_queries.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli
from facts import ROW_FUNDERS, ROWS, code_pairs
from pyoxigraph import Literal, RdfFormat

import cmsgraph
from cmsgraph.errors import QueryError, StoreError, ValidationError
from cmsgraph.pipeline import ontology_triples
from cmsgraph.store import build_lock, open_current


def rows(store: Path, name: str, **params: str) -> set[tuple[str | None, ...]]:
    table = cmsgraph.query(name, store=store, params=[f"{k}={v}" for k, v in params.items()])
    values = table.values()
    assert len(values) == len(set(values)), f"{name} returns duplicate rows"
    return set(values)


def test_entries_keep_their_line_and_cells(built_store):
    store = open_current(built_store).open()
    (solution,) = store.query(
        """PREFIX cmsg: <https://w3id.org/cmsgraph/ontology#>
        SELECT ?activity ?resources WHERE {
          ?e cmsg:sourceLine 97 ; cmsg:activityText ?activity ; cmsg:resourcesText ?resources }"""
    )
    assert solution["activity"].value.startswith("Global Gap and Resource Assessment, including:")
    assert solution["resources"].value == "Core budget: staff time"


SOURCE_GRAPH = "https://w3id.org/cmsgraph/id/graph/UNEP/CMS/COP11/Doc.16.1"


def test_every_fact_once_in_the_default_graph_and_each_source_booked(built_store):
    version = open_current(built_store)
    store = version.open()
    assert list(store.named_graphs()) == []  # queries never pay for a union of graphs
    assert version.graph_names() == [
        "https://w3id.org/cmsgraph/id/graph/gazetteer",
        "https://w3id.org/cmsgraph/ontology",
        SOURCE_GRAPH,
    ]
    assert len(store) == version.manifest["triples"]
    union = {t for name in version.graph_names() for t in version.graph_triples(name)}
    assert union == {q.triple for q in store}


def test_a_query_asking_for_a_sources_graph_by_name_gets_it(tmp_path, built_store):
    rq = tmp_path / "graph.rq"
    rq.write_text(
        "# Which report entries does the source's graph hold?\n"
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SOURCE_GRAPH}> {{\n"
        "  ?e a <https://w3id.org/cmsgraph/ontology#ReportEntry> } }\n"
    )
    assert cmsgraph.query(rq, store=built_store).values() == [("33",)]
    rq.write_text(
        "# Which graphs hold report entries, and how many?\n"
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g {\n"
        "  ?e a <https://w3id.org/cmsgraph/ontology#ReportEntry> } } GROUP BY ?g\n"
    )
    assert cmsgraph.query(rq, store=built_store).values() == [(SOURCE_GRAPH, "33")]


def test_the_build_conforms_to_the_shapes(built_store):
    (source,) = open_current(built_store).manifest["sources"]
    assert source["warnings"] == []


def test_a_graph_violating_the_shapes_is_refused(tmp_path, seed_path):
    from cmsgraph import pipeline as build_module

    original = build_module.document_triples

    def broken(*args, **kwargs):  # every entry loses its period
        return [t for t in original(*args, **kwargs) if not t.predicate.endswith("#period")]

    build_module.document_triples = broken
    try:
        with pytest.raises(ValidationError, match="SHACL"):
            cmsgraph.build([seed_path], store=tmp_path / "s")
    finally:
        build_module.document_triples = original
    assert not (tmp_path / "s" / "current").exists()


def _dump(store: Path) -> list[str]:
    data = open_current(store).open().dump(format=RdfFormat.N_QUADS)
    return sorted(data.decode("utf-8").splitlines())


def test_two_builds_give_identical_graphs(tmp_path, built_store):
    cmsgraph.build(store=tmp_path / "again")
    assert _dump(tmp_path / "again") == _dump(built_store)


def test_base_iri_is_configurable(tmp_path, seed_path):
    result = cmsgraph.build([seed_path], store=tmp_path / "s", base="http://example.org/cms")
    assert result.base == "http://example.org/cms/"
    quads = _dump(tmp_path / "s")
    data_iris = [q for q in quads if "cmsgraph/id/" in q]
    assert not data_iris
    assert any(
        q.startswith("<http://example.org/cms/document/UNEP/CMS/COP11/Doc.16.1>") for q in quads
    )


def test_ontology_parses_and_has_labels():
    quads = ontology_triples()
    subjects = {
        q.subject for q in quads if q.subject.startswith("https://w3id.org/cmsgraph/ontology#")
    }
    labelled = {
        q.subject for q in quads if q.predicate == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    assert subjects and subjects <= labelled | {
        s for s in subjects if any(q.subject == s and "prefLabel" in q.predicate for q in quads)
    }


def test_parameters_are_bound_not_pasted(built_store):
    injection = '4.4" } UNION { ?entry ?p ?o } #'
    assert rows(built_store, "funders", code=injection) == set()
    assert rows(built_store, "funders", code="4.4") == {("4.4", "Germany"), ("4.4", "Finland")}
    with pytest.raises(QueryError, match="no variable"):
        cmsgraph.query("activities", store=built_store, params={"nope": Literal("x")})


def test_a_running_build_refuses_a_second_one(tmp_path, seed_path):
    with build_lock(tmp_path / "s"), pytest.raises(StoreError, match="another build"):
        cmsgraph.build([seed_path], store=tmp_path / "s")


# --- the command line ---------------------------------------------------------------


def test_cli_build_then_query_funders_as_csv(tmp_path):
    store = tmp_path / "store"
    built = run_cli("build", "--store", store)
    assert built.returncode == 0, built.stderr
    assert "report entries" in built.stdout and "not-linked names" in built.stdout
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "cmsgraph",
            "query",
            "funders",
            "--store",
            store,
            "--format",
            "csv",
        ],
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"code,funder\r\n")  # W3C SPARQL CSV: CRLF line ends
    parsed = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert {tuple(r) for r in parsed[1:]} == code_pairs(ROW_FUNDERS)


def test_cli_formats(built_store):
    as_json = json.loads(
        run_cli("query", "activities", "--store", built_store, "--format", "json").stdout
    )
    assert as_json["head"]["vars"] == ["activity", "title"]
    assert as_json["results"]["bindings"][0]["activity"] == {"type": "literal", "value": "1"}
    tsv = run_cli("query", "budget-lines", "--store", built_store, "--format", "tsv").stdout
    assert tsv.splitlines()[:2] == ["?code\t?line", '"4.1"\t"1203"']
    table = run_cli("query", "instruments", "--store", built_store).stdout
    assert "Sharks MoU" in table and table.rstrip().endswith("rows)")


def test_cli_query_file_and_unknown_name(tmp_path, built_store):
    rq = tmp_path / "count.rq"
    rq.write_text(
        "# How many entries?\nSELECT (COUNT(*) AS ?n) WHERE { ?e a "
        "<https://w3id.org/cmsgraph/ontology#ReportEntry> }\n"
    )
    result = run_cli("query", rq, "--store", built_store, "--format", "csv")
    assert result.stdout == f"n\n{len(ROWS)}\n"  # (text mode folds the CSV's CRLF)
    unknown = run_cli("query", "nonsense", "--store", built_store)
    assert unknown.returncode == 4 and "funders" in unknown.stderr
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {")
    malformed = run_cli("query", bad, "--store", built_store)
    assert malformed.returncode == 4 and "malformed query" in malformed.stderr


def test_cli_without_a_store(tmp_path):
    result = run_cli("query", "funders", "--store", tmp_path / "none")
    assert result.returncode == 3 and "cmsgraph build" in result.stderr


def _bad_inputs(tmp_path: Path, seed_text: str) -> dict[str, tuple[Path, str]]:
    broken = seed_text.split("\n")
    broken[59] += "\tone cell too many\tand another"
    files = {
        "missing": (tmp_path / "missing.txt", None),
        "empty": (tmp_path / "empty.txt", ""),
        "binary": (tmp_path / "binary.txt", b"\x00\x01\x02PK\x03\x04"),
        "broken row": (tmp_path / "broken.txt", "\n".join(broken)),
    }
    out = {}
    for name, (path, content) in files.items():
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content)
        out[name] = (path, {"broken row": ":60: broken table row"}.get(name, ""))
    return out


def test_bad_input_leaves_the_store_untouched(tmp_path, seed_text):
    store = tmp_path / "store"
    assert run_cli("build", "--store", store).returncode == 0
    before_path, before = open_current(store).path, _dump(store)
    for name, (path, where) in _bad_inputs(tmp_path, seed_text).items():
        result = run_cli("build", path, "--store", store)
        assert result.returncode == 1, name
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        assert lines[0].startswith(f"cmsgraph: error: {path}"), (name, lines)
        assert where in lines[0], (name, lines)
    assert open_current(store).path == before_path
    assert _dump(store) == before


def test_a_killed_build_leaves_the_previous_store(tmp_path, seed_path, seed_text):
    """SIGKILL half way through writing a new version that would change the answers:
    the old version still answers as before."""
    store = tmp_path / "store"
    cmsgraph.build([seed_path], store=store)
    before = rows(store, "funders")
    sources = []
    for i in range(16):  # each funds row 1.1 from Japan: the build changes the answers
        text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", f"UNEP/CMS/COP11/Doc.{i + 60}.1")
        path = tmp_path / f"doc-{i}.txt"
        path.write_text(text.replace("Core budget: staff time\n", "Contribution from Japan\n"))
        sources.append(path)
    command = [sys.executable, "-P", "-m", "cmsgraph", "build", *map(str, sources), "--store",
               str(store), "--quiet"]  # fmt: skip
    proc = subprocess.Popen(command, start_new_session=True)
    booked = 0
    while proc.poll() is None:  # until the new version has booked a few of the sources
        partial = [p for p in (store / "versions").iterdir() if p.name.endswith(".partial")]
        booked = len(list((partial[0] / "ledger").iterdir())) if partial else 0
        if booked >= 3 + 4:  # the previous version's 3 graphs, and 4 new sources
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert booked >= 7, "the build finished before it could be killed half way"
    assert rows(store, "funders") == before
    cmsgraph.build(sources, store=store)  # the same build, left to finish, changes them
    assert ("1.1", "Japan") in rows(store, "funders") and rows(store, "funders") != before


def test_public_api_imports_lazily():
    code = (
        "import sys, cmsgraph; heavy = {'rdflib', 'pyoxigraph', 'pycountry', 'pyshacl'};"
        "print(sorted(heavy & set(sys.modules)));"
        "print(all(hasattr(cmsgraph, n) for n in cmsgraph.__all__))"
    )
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True).stdout
    assert out.split("\n")[:2] == ["[]", "True"]


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-P", "-m", "cmsgraph", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("cmsgraph ")


def test_same_years_are_one_programmes_short_and_anothers_medium_term(
    tmp_path, seed_path, seed_text
):
    older = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", "UNEP/CMS/COP10/Doc.9.1")
    older = older.replace("RESOLUTION 10.9", "RESOLUTION 9.9").replace(
        "Resolution 10.9", "Resolution 9.9"
    )
    older = older.replace(
        "short term (2012-2014); those in the medium term (2015-2017)",
        "short term (2009-2011); those in the medium term (2012-2014)",
    )
    older = older.replace("SHORT TERM: BY 2014", "SHORT TERM: BY 2011")
    older = older.replace("MEDIUM TERM: BY 2017", "MEDIUM TERM: BY 2014")
    path = tmp_path / "older.txt"
    path.write_text(older)
    store = tmp_path / "s"
    cmsgraph.build([seed_path, path], store=store)
    solutions = (
        open_current(store)
        .open()
        .query(
            """PREFIX cmsg: <https://w3id.org/cmsgraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?term WHERE { ?p a cmsg:Period ; rdfs:label ?label ; cmsg:term ?term }"""
        )
    )
    found = {(s["label"].value, s["term"].value.rsplit("#")[1]) for s in solutions}
    assert {("2012-2014", "ShortTerm"), ("2012-2014", "MediumTerm")} <= found


def test_a_query_file_with_from_reads_only_that_graph(tmp_path, built_store):
    rq = tmp_path / "from.rq"
    rq.write_text(
        "# How many report entries does the gazetteer graph hold? (none)\n"
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cmsgraph/id/graph/gazetteer>\n"
        "WHERE { ?e a <https://w3id.org/cmsgraph/ontology#ReportEntry> }\n"
    )
    assert cmsgraph.query(rq, store=built_store).values() == [("0",)]


def test_every_cell_kind_has_its_quote_and_text_properties_declared():
    """Every Field (the cells of reports and programmes, paragraphs) has its quote and
    text property in the ontology, typed, with the cell it names, and a JSON-LD term."""
    from cmsgraph.exporter import jsonld_context
    from cmsgraph.graph import quote_property, text_property
    from cmsgraph.model import Field

    ontology = {(t.subject, t.predicate): t.object for t in ontology_triples()}
    terms = {v["@id"] if isinstance(v, dict) else v for v in jsonld_context().values()}
    status_texts = {"https://w3id.org/cmsgraph/ontology#" + p for p in ("progressText", "planText")}
    for which in Field:
        quote = quote_property(which)
        assert ontology[(quote, "http://www.w3.org/2000/01/rdf-schema#subPropertyOf")].endswith(
            "#quote"
        )
        assert ontology[(quote, "https://w3id.org/cmsgraph/ontology#field")].value == which.value
        assert "cmsg:" + quote.rsplit("#", 1)[1] in terms
        text = text_property(which)
        assert (text, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") in ontology or (
            which is Field.STATUS and status_texts  # reports: progressText / planText
        ), text
