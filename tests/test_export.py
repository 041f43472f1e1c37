"""Export (every format round-trips to the store, byte for byte the same each time),
the VoID/DCAT description (its numbers are the store's) and the ontology docs."""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import socket
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from conftest import run_cli
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize
from rdflib.compare import isomorphic

import cmsgraph
from cmsgraph import namespaces as ns
from cmsgraph._resources import ontology_file
from cmsgraph.cli import _parser
from cmsgraph.describe import DEFAULT_LICENSE, MEDIA_TYPES, void_description
from cmsgraph.errors import CmsGraphError
from cmsgraph.exporter import FORMATS, export, jsonld_context
from cmsgraph.store import open_current

B = ns.DEFAULT_BASE
DOC = B + "document/UNEP/CMS/COP11/Doc.16.1"
OXIGRAPH_FORMAT = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
RDFLIB_FORMAT = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}


@pytest.fixture(scope="module")
def exported(built_store, tmp_path_factory) -> Path:
    """Every format exported once into one folder (``cmsgraph.<suffix>``)."""
    folder = tmp_path_factory.mktemp("export")
    for name, form in FORMATS.items():
        result = export(name, store=built_store, out=folder / f"cmsgraph{form.suffix}")
        assert result.format == name
    return folder


def data_file(folder: Path, fmt: str) -> Path:
    return folder / f"cmsgraph{FORMATS[fmt].suffix}"


def store_contents(store: Path) -> tuple[set, set]:
    """Every booked graph with its triples, and the store's triples (each once)."""
    version = open_current(store)
    quads = {
        Quad(t.subject, t.predicate, t.object, NamedNode(name))
        for name in version.graph_names()
        for t in version.graph_triples(name)
    }
    return quads, {q.triple for q in version.open()}


@pytest.fixture()
def no_network(monkeypatch) -> list[object]:
    """Record, and refuse, every attempt to open a network connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


# -- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_back_as_the_store(fmt, exported, built_store):
    quads, triples = store_contents(built_store)
    got = set(parse(path=data_file(exported, fmt), format=OXIGRAPH_FORMAT[fmt]))
    if FORMATS[fmt].dataset:  # the named graphs are kept
        assert got == quads
    else:  # the union of the named graphs, in the default graph
        assert all(isinstance(q.graph_name, DefaultGraph) for q in got)
        assert {q.triple for q in got} == triples


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_is_isomorphic_to_the_store_for_rdflib(fmt, exported, built_store, no_network):
    quads, triples = store_contents(built_store)
    path = data_file(exported, fmt)
    if FORMATS[fmt].dataset:
        dataset = rdflib.Dataset()
        dataset.parse(path, format=RDFLIB_FORMAT[fmt])
        graphs = {q.graph_name.value for q in quads}
        for graph in graphs:
            expected = rdflib.Graph().parse(
                data=serialize(
                    [q.triple for q in quads if q.graph_name.value == graph],
                    format=RdfFormat.N_TRIPLES,
                ),
                format="nt",
            )
            assert isomorphic(dataset.graph(rdflib.URIRef(graph)), expected), graph
    else:
        expected = rdflib.Graph().parse(
            data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt"
        )
        assert isomorphic(rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt]), expected)
    assert no_network == []


def test_every_statement_is_written_once(exported, built_store):
    quads, triples = store_contents(built_store)
    for fmt, form in FORMATS.items():
        written = list(parse(path=data_file(exported, fmt), format=OXIGRAPH_FORMAT[fmt]))
        assert len(written) == len(quads if form.dataset else triples), fmt


# -- determinism ------------------------------------------------------------------------


def test_two_exports_in_two_processes_are_byte_identical(built_store, exported, tmp_path):
    script = (
        "import sys\n"
        "from cmsgraph.cli import main\n"
        "from cmsgraph.exporter import FORMATS\n"
        "for name, form in FORMATS.items():\n"
        "    out = f'{sys.argv[2]}/cmsgraph{form.suffix}'\n"
        "    assert main(['export', '--store', sys.argv[1], '--format', name, '--out', out]) == 0\n"
    )
    folders = []
    for seed in ("1", "2"):
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-P", "-c", script, str(built_store), str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        folders.append(folder)
    names = sorted(p.name for p in exported.iterdir())
    # data, description and docs; the descriptions name their dump by a relative IRI,
    # so they are the same whatever folder they were written to
    assert len(names) == 2 * len(FORMATS) + 1
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == names
        for name in names:
            assert (folder / name).read_bytes() == (exported / name).read_bytes(), name


def test_ntriples_and_nquads_are_sorted_lines(exported):
    for fmt in ("ntriples", "nquads"):
        lines = data_file(exported, fmt).read_bytes().splitlines()
        assert lines == sorted(lines)  # byte order, as LC_ALL=C sort


@pytest.mark.parametrize("fmt", ["ntriples", "nquads"])
def test_a_large_export_merges_sorted_runs_into_the_same_bytes(
    fmt, built_store, exported, tmp_path, monkeypatch
):
    """Past RUN_BYTES, lines are sorted in runs on disk and merged: memory stays bounded,
    and the file is the one a single sort writes."""
    import cmsgraph.exporter

    runs: list[int] = []
    merge = cmsgraph.exporter.write_sorted

    def small_runs(lines, out, tmp, run_bytes=0):
        count = merge(lines, out, tmp, run_bytes=64 << 10)
        runs.append(len(list(tmp.glob("run-*"))))
        return count

    monkeypatch.setattr(cmsgraph.exporter, "write_sorted", small_runs)
    out = tmp_path / f"cmsgraph{FORMATS[fmt].suffix}"
    result = export(fmt, store=built_store, out=out)
    assert runs and runs[0] > 10  # really merged from many runs
    assert out.read_bytes() == data_file(exported, fmt).read_bytes()
    assert result.statements == len(out.read_bytes().splitlines())


def test_turtle_groups_each_subject_once_with_fixed_prefixes(exported):
    text = data_file(exported, "turtle").read_text("utf-8")
    for prefix, namespace in ns.PREFIXES.items():
        assert f"@prefix {prefix}: <{namespace}> ." in text
    subjects = [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("<")]
    assert len(subjects) == len(set(subjects))
    assert subjects == sorted(subjects)


# -- JSON-LD ----------------------------------------------------------------------------


def nodes(exported: Path) -> dict[str, dict]:
    document = json.loads(data_file(exported, "jsonld").read_text("utf-8"))
    return {node["id"]: node for node in document["@graph"]}


def as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def test_jsonld_keys_are_the_readable_terms_of_the_context(exported):
    terms = {k for k in jsonld_context() if not k.startswith("@")}
    keys = {key for node in nodes(exported).values() for key in node}
    assert keys <= terms  # no property is left as a compact or full IRI
    assert {"id", "type", "label", "funder", "partner", "cites", "instrument"} <= keys


def test_jsonld_reads_like_the_report(exported):
    by_id = nodes(exported)
    entries = [
        n
        for n in by_id.values()
        if B + "resolution/cms/10.9/subactivity/4.4" in as_list(n.get("reportsOn", []))
    ]
    assert entries
    for entry in entries:
        assert "ReportEntry" in as_list(entry["type"])
        assert entry["derivedFrom"] == DOC
        assert isinstance(entry["sourceLine"], str)  # typed by the context (xsd:integer)
    # Germany and Finland fund 4.4 (its RESOURCES cell)
    funders = {f for entry in entries for f in as_list(entry.get("funder", []))}
    assert {B + "country/DE", B + "country/FI"} <= funders
    assert by_id[DOC]["identifier"] == "UNEP/CMS/COP11/Doc.16.1"
    assert by_id["cmsg:fundedBy"]["type"] == "owl:ObjectProperty"


def test_jsonld_embeds_its_context_and_never_fetches(built_store, tmp_path, no_network):
    out = tmp_path / "cmsgraph.jsonld"
    export("jsonld", store=built_store, out=out)
    document = json.loads(out.read_text("utf-8"))
    assert document["@context"] == jsonld_context()  # an object, not a URL to fetch
    shipped = json.loads(ontology_file("context.jsonld").read_text("utf-8"))
    assert shipped["@context"] == document["@context"]
    rdflib.Graph().parse(out, format="json-ld")
    list(parse(path=out, format=RdfFormat.JSON_LD))
    assert no_network == []


def test_the_network_guard_catches_a_remote_context(no_network):
    remote = '{"@context": "http://example.invalid/context.jsonld", "@id": "http://a/"}'
    with pytest.raises(Exception):  # noqa: B017 (rdflib wraps the refusal in its own error)
        rdflib.Graph().parse(data=remote, format="json-ld")
    assert no_network  # so a silent fetch by the tests above would have been caught


# -- the VoID/DCAT description ----------------------------------------------------------


def description(path: Path) -> Store:
    store = Store()
    store.load(path=path, format=RdfFormat.TURTLE, base_iri=path.as_uri())
    return store


def one(store: Store, sparql: str) -> dict:
    (row,) = list(store.query(sparql, use_default_graph_as_union=True))
    return row


def counts(store: Store, sparql: str) -> dict[str, int]:
    rows = store.query(sparql, use_default_graph_as_union=True)
    return {row[0].value: int(row[1].value) for row in rows}


PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in ns.PREFIXES.items())
DISTINCT_TRIPLES = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def test_void_numbers_are_the_stores(exported, built_store):
    void = description(exported / "cmsgraph.ttl.void.ttl")
    data = open_current(built_store).open()
    d = one(
        void,
        PREFIXES + "SELECT * { ?d a void:Dataset ; void:triples ?t ; void:distinctSubjects ?s ;"
        " void:distinctObjects ?o ; void:classes ?c ; void:properties ?p }",
    )
    actual = one(
        data,
        "SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?ds) (COUNT(DISTINCT ?o) AS ?do) "
        "(COUNT(DISTINCT ?p) AS ?dp) WHERE " + DISTINCT_TRIPLES,
    )
    assert int(d["t"].value) == int(actual["t"].value)
    assert int(d["t"].value) == len(data_file(exported, "ntriples").read_bytes().splitlines())
    assert int(d["s"].value) == int(actual["ds"].value)
    assert int(d["o"].value) == int(actual["do"].value)
    assert int(d["p"].value) == int(actual["dp"].value)

    classes = counts(
        void,
        PREFIXES + "SELECT ?c ?n { ?d void:classPartition [ void:class ?c ; void:entities ?n ] }",
    )
    assert classes == counts(
        data, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    )
    assert int(d["c"].value) == len(classes)
    properties = counts(
        void,
        PREFIXES
        + "SELECT ?p ?n { ?d void:propertyPartition [ void:property ?p ; void:triples ?n ] }",
    )
    assert properties == counts(
        data, "SELECT ?p (COUNT(*) AS ?n) WHERE " + DISTINCT_TRIPLES + " GROUP BY ?p"
    )


@pytest.mark.parametrize(
    ("cls", "entities"),
    [("ActivityArea", 16), ("SubActivity", 46), ("ReportEntry", 33), ("ActivityReport", 1)],
)
def test_void_counts_what_the_report_holds(cls, entities, exported):
    void = description(exported / "cmsgraph.nq.void.ttl")
    n = one(
        void,
        PREFIXES + f"SELECT ?n {{ ?d void:classPartition [ void:class cmsg:{cls} ;"
        " void:entities ?n ] }",
    )["n"]
    assert int(n.value) == entities


def test_description_points_at_its_dump_and_its_sources(exported):
    for fmt, form in FORMATS.items():
        path = exported / f"cmsgraph{form.suffix}.void.ttl"
        void = description(path)
        row = one(
            void,
            PREFIXES + "SELECT * { ?d a void:Dataset, dcat:Dataset ; void:dataDump ?dump ;"
            " dct:license ?licence ; dct:publisher ?publisher ; dct:title ?title ;"
            " dct:source ?source ; dcat:distribution ?dist . ?dist a dcat:Distribution ;"
            " dcat:downloadURL ?dump ; dcat:mediaType ?media }",
        )
        # the dump is named relative to the description: it resolves to the file beside it
        assert row["dump"].value == data_file(exported, fmt).as_uri()
        assert row["media"].value.endswith("/" + MEDIA_TYPES[form.suffix])
        assert row["licence"].value == DEFAULT_LICENSE
        assert row["source"].value == DOC
        assert row["d"].value == B + "dataset"
        examples = {
            r["e"].value for r in void.query(PREFIXES + "SELECT ?e { ?d void:exampleResource ?e }")
        }
        assert DOC in examples


def test_void_description_for_a_server(built_store):
    """The call the SPARQL server makes: absolute dump IRIs and an endpoint."""
    signature = inspect.signature(void_description)
    assert list(signature.parameters)[:3] == ["version", "dumps", "sparql_endpoint"]
    triples = void_description(
        open_current(built_store),
        dumps=["https://example.org/dumps/cms.nq"],
        sparql_endpoint="https://example.org/sparql",
    )
    assert all(isinstance(t, Triple) for t in triples)
    assert triples == sorted(set(triples), key=triples.index)  # no duplicates
    dataset = NamedNode(B + "dataset")
    void = NamedNode(ns.VOID + "sparqlEndpoint")
    assert Triple(dataset, void, NamedNode("https://example.org/sparql")) in triples
    services = [t.subject for t in triples if t.object == NamedNode(ns.DCAT + "DataService")]
    assert services
    assert triples == void_description(
        open_current(built_store),
        dumps=["https://example.org/dumps/cms.nq"],
        sparql_endpoint="https://example.org/sparql",
    )


def test_licence_and_publisher_are_options(built_store, tmp_path):
    out = tmp_path / "cms.ttl"
    done = run_cli(
        "export", "--store", built_store, "--out", out,
        "--license", "https://example.org/licence", "--publisher", "https://example.org/us",
        "--dump-url", "https://example.org/cms.ttl",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    row = one(
        description(tmp_path / "cms.ttl.void.ttl"),
        PREFIXES + "SELECT * { ?d dct:license ?l ; dct:publisher ?p ; void:dataDump ?dump }",
    )
    assert (row["l"].value, row["p"].value) == (
        "https://example.org/licence",
        "https://example.org/us",
    )
    assert row["dump"].value == "https://example.org/cms.ttl"
    bad = run_cli("export", "--store", built_store, "--out", out, "--license", "not an IRI")
    assert bad.returncode == 2
    assert "not an absolute IRI" in bad.stderr


# -- files are whole or absent -----------------------------------------------------------


def test_a_failing_serialiser_leaves_the_previous_file(built_store, tmp_path, monkeypatch):
    out = tmp_path / "cmsgraph.ttl"
    export(store=built_store, out=out)
    before = out.read_bytes()

    def half(statements, output, *args, **kwargs):
        output.write(before[: len(before) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cmsgraph.exporter.serialize_rdf", half)
    with pytest.raises(CmsGraphError, match="No space left on device"):
        export(store=built_store, out=out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cmsgraph.ttl",
        "cmsgraph.ttl.void.ttl",
        "ontology.html",
    ]  # no temporary file left either

    new = tmp_path / "new.trig"

    def broken(*args, **kwargs):
        raise RuntimeError("a bug half way")

    monkeypatch.setattr("cmsgraph.exporter.serialize_rdf", broken)
    with pytest.raises(RuntimeError):
        export(store=built_store, out=new)
    assert not new.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


KILL_MIDWAY = """
import os, signal, sys
import cmsgraph.exporter as exporter

def half(statements, output, *args, **kwargs):
    output.write(b"@prefix cmsg: <https://w3id.org/cmsgraph/ontology#> .\\n<https://")
    output.flush()
    os.fsync(output.fileno())
    os.kill(os.getpid(), signal.SIGKILL)

exporter.serialize_rdf = half
exporter.export("turtle", store=sys.argv[1], out=sys.argv[2])
"""


@pytest.mark.parametrize("previous", [True, False], ids=["over-a-file", "new-file"])
def test_a_killed_export_leaves_the_previous_file_or_none(previous, built_store, tmp_path):
    out = tmp_path / "cmsgraph.ttl"
    if previous:
        export(store=built_store, out=out)
    before = out.read_bytes() if previous else None
    done = subprocess.run(
        [sys.executable, "-P", "-c", KILL_MIDWAY, str(built_store), str(out)], timeout=300
    )
    assert done.returncode == -signal.SIGKILL
    if previous:
        assert out.read_bytes() == before
    else:
        assert not out.exists()


def test_a_new_file_gets_the_usual_permissions(built_store, tmp_path):
    out = tmp_path / "cmsgraph.nt"
    export(store=built_store, out=out)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


# -- command line and API ----------------------------------------------------------------


def test_cli_writes_the_data_alone_to_standard_output(built_store, tmp_path):
    done = run_cli("export", "--store", built_store, "--format", "ntriples", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(store_contents(built_store)[1])
    assert lines == sorted(lines)
    assert list(tmp_path.iterdir()) == []  # no description without a file to describe


def test_cli_takes_the_format_from_the_extension(built_store, tmp_path):
    done = run_cli("export", "--store", built_store, "--out", tmp_path / "cms.nq")
    assert done.returncode == 0, done.stderr
    assert f"({len(store_contents(built_store)[0])} quads, nquads)" in done.stdout
    assert {q.graph_name for q in parse(path=tmp_path / "cms.nq", format=RdfFormat.N_QUADS)} == {
        NamedNode(B + "graph/UNEP/CMS/COP11/Doc.16.1"),
        NamedNode(B + "graph/gazetteer"),
        NamedNode(ns.ONTOLOGY),
    }


def test_cli_offers_every_format():
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    (fmt,) = [a for a in sub.choices["export"]._actions if a.dest == "format"]
    assert list(fmt.choices) == list(FORMATS)


def test_cli_export_errors(tmp_path):
    missing = run_cli("export", "--store", tmp_path / "none")
    assert missing.returncode == 3
    assert "no store here" in missing.stderr


def test_unwritable_target_is_an_error_with_a_hint(built_store, tmp_path):
    done = run_cli("export", "--store", built_store, "--out", tmp_path / "no" / "such" / "x.ttl")
    assert done.returncode == 1
    assert "cannot write the export" in done.stderr
    assert "Traceback" not in done.stderr


def test_public_api():
    assert cmsgraph.export is export
    assert "export" in cmsgraph.__all__ and "void_description" in cmsgraph.__all__
    assert cmsgraph.ExportResult.__name__ == "ExportResult"
    assert cmsgraph.void_description is void_description


# -- ontology documentation --------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.ids.update(v for k, v in attrs if k == "id" and v)


def test_ontology_docs_document_every_term(exported, built_store):
    page = (exported / "ontology.html").read_text("utf-8")
    parser = _Ids()
    parser.feed(page)
    ontology = open_current(built_store).graph_triples(ns.ONTOLOGY)
    terms = {
        q.subject.value
        for q in ontology
        if q.predicate.value == ns.RDF + "type"
        and q.object.value
        in (ns.OWL + "Class", ns.OWL + "ObjectProperty", ns.OWL + "DatatypeProperty")
    }
    assert len(terms) > 50
    for term in terms:
        assert term.removeprefix(ns.CMSG) in parser.ids, term
    assert "funded by" in page and "report entry" in page
    assert not parser.tags & {"script", "link", "img", "iframe"}  # self-contained, nothing fetched
