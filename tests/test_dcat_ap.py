"""The export's description is a DCAT-AP 3 catalogue a portal can harvest: checked with
pySHACL against tests/shapes/dcat-ap-3.ttl (DCAT-AP 3's mandatory properties and
ranges as violations, its recommended ones as warnings; neither may occur)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate
from rdflib.namespace import SH

import cmsgraph
from cmsgraph.describe import catalog_iri, dataset_iri, schema_org_dataset, void_description
from cmsgraph.server import make_server
from cmsgraph.store import open_current

SHAPES = Path(__file__).parent / "shapes" / "dcat-ap-3.ttl"
B = "https://w3id.org/cmsgraph/id/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
EU = "http://publications.europa.eu/resource/authority/"


def problems(graph: rdflib.Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every SHACL result, warnings included."""
    shapes = rdflib.Graph().parse(SHAPES)
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=False)
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        out.append(
            (
                str(severity).rsplit("#", 1)[-1],
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath)),
            )
        )
    return sorted(out)


@pytest.fixture(scope="module")
def exported(built_store, tmp_path_factory) -> rdflib.Graph:
    out = tmp_path_factory.mktemp("dcat") / "cmsgraph.ttl"
    cmsgraph.export(
        "turtle",
        store=built_store,
        out=out,
        dump_url="https://example.org/dumps/cmsgraph.ttl",
        sparql_endpoint="https://example.org/sparql",
    )
    return rdflib.Graph().parse(out.with_name("cmsgraph.ttl.void.ttl"), format="turtle")


def test_the_export_s_catalogue_passes_dcat_ap_3(exported):
    assert problems(exported) == []


def test_the_servers_description_passes_dcat_ap_3(built_store):
    with make_server(built_store, port=0, workers=2).start() as server:
        url = server.url + ".well-known/void"
        graph = rdflib.Graph().parse(data=urllib.request.urlopen(url).read(), format="turtle")
    assert problems(graph) == []
    assert (None, DCAT.endpointURL, rdflib.URIRef(server.endpoint)) in graph


# (what the catalogue says, as a triple pattern with None for any): hand-read from the
# report and the options
FACTS = [
    (B + "catalog", str(rdflib.RDF.type), str(DCAT.Catalog)),
    (B + "catalog", str(DCAT.dataset), B + "dataset"),
    (B + "catalog", "http://xmlns.com/foaf/0.1/homepage", "https://example.org/"),  # the server
    (B + "dataset", str(DCT.issued), "2014-08-14"),  # the report's date
    (B + "dataset", str(DCT.modified), "2014-08-14"),
    (B + "dataset", str(DCT.temporal), B + "dataset/temporal/2012-2014"),
    (B + "dataset", str(DCT.temporal), B + "dataset/temporal/2015-2017"),
    (B + "dataset/temporal/2015-2017", str(DCAT.endDate), "2017-12-31"),
    (B + "dataset", str(DCAT.theme), EU + "data-theme/ENVI"),
    (B + "dataset", str(DCT.language), EU + "language/ENG"),
    (B + "dataset", str(DCT.spatial), "http://sws.geonames.org/6295630/"),
    (B + "dataset", str(DCAT.keyword), "migratory species"),
    (B + "dataset", str(DCT.license), "https://creativecommons.org/licenses/by/4.0/"),
    (B + "dataset/distribution/ttl", str(DCAT.accessURL), "https://example.org/dumps/cmsgraph.ttl"),
    (B + "dataset/distribution/ttl", str(DCAT.mediaType),
     "https://www.iana.org/assignments/media-types/text/turtle"),
    (B + "dataset/distribution/ttl", str(DCT["format"]), EU + "file-type/RDF_TURTLE"),
    (B + "dataset/distribution/ttl", str(DCT.license),
     "https://creativecommons.org/licenses/by/4.0/"),
    (B + "dataset/distribution/sparql", str(DCAT.accessService), B + "dataset/service/sparql"),
]  # fmt: skip


@pytest.mark.parametrize(("s", "p", "o"), FACTS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_the_catalogue_states(s, p, o, exported):
    assert o in {str(v) for v in exported.objects(rdflib.URIRef(s), rdflib.URIRef(p))}


def test_void_is_kept(exported):
    dataset = rdflib.URIRef(B + "dataset")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert (dataset, rdflib.RDF.type, void.Dataset) in exported
    assert exported.value(dataset, void.triples) is not None


@pytest.mark.parametrize(
    ("remove", "severity", "path"),
    [
        ((B + "dataset", str(DCT.title)), "Violation", str(DCT.title)),
        ((B + "catalog", str(DCT.publisher)), "Violation", str(DCT.publisher)),
        ((B + "dataset", str(DCAT.keyword)), "Warning", str(DCAT.keyword)),
        ((B + "dataset/distribution/ttl", str(DCAT.accessURL)), "Violation", str(DCAT.accessURL)),
        ((B + "dataset/distribution/ttl", str(DCT.license)), "Warning", str(DCT.license)),
    ],
)
def test_the_shapes_catch_what_is_missing(remove, severity, path, exported):
    """The control: without a mandatory (recommended) property, a violation (warning)."""
    broken = rdflib.Graph()
    for triple in exported:
        broken.add(triple)
    broken.remove((rdflib.URIRef(remove[0]), rdflib.URIRef(remove[1]), None))
    found = problems(broken)
    assert (severity, remove[0], path) in found


def test_the_description_is_the_same_each_time_and_names_catalogue_then_dataset(built_store):
    version = open_current(built_store)
    first = void_description(version, dumps=["https://example.org/d.nt"])
    assert first == void_description(version, dumps=["https://example.org/d.nt"])
    assert first[0].subject.value == catalog_iri(B)
    subjects = [t.subject.value for t in first]
    assert subjects.index(dataset_iri(B)) < min(
        i for i, s in enumerate(subjects) if s not in (catalog_iri(B), dataset_iri(B))
    )


def test_the_schema_org_dataset_says_the_same(built_store):
    triples = void_description(open_current(built_store), sparql_endpoint="https://x.org/sparql")
    dataset = schema_org_dataset(triples)
    assert dataset["@type"] == "Dataset" and dataset["@id"] == dataset_iri(B)
    assert dataset["temporalCoverage"] == "2012-01-01/2017-12-31"
    assert dataset["datePublished"] == dataset["dateModified"] == "2014-08-14"
    assert dataset["spatialCoverage"]["name"] == "Earth"
    assert dataset["publisher"]["name"] == "cmsgraph project"
    assert dataset["url"] == "https://x.org/"
    json.dumps(dataset)  # plain JSON
