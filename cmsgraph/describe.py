"""A VoID and DCAT description of a store version: what the dataset is and holds.

The description follows `Describing Linked Datasets with the VoID Vocabulary
<https://www.w3.org/TR/void/>`_ (W3C Interest Group Note, 2011) and `DCAT 3
<https://www.w3.org/TR/vocab-dcat-3/>`_, one function per part of it, each citing the
section it implements:

* general metadata (title, description, licence, publisher, sources, vocabulary);
* access metadata (data dumps, SPARQL endpoint) and the DCAT distributions;
* structural metadata (URI space, vocabularies, example resources, statistics,
  class and property partitions).

Every node of the description has an IRI minted under the dataset's IRI
(``BASE dataset``), never a blank node, so a server can dereference it and two
descriptions of the same store are equal triple for triple. No timestamp is
included: the description is a function of the store's content and the arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from . import namespaces as ns
from .store import StoreVersion

__all__ = [
    "DEFAULT_LICENSE",
    "DEFAULT_PUBLISHER",
    "MEDIA_TYPES",
    "dataset_iri",
    "description_turtle",
    "void_description",
]

#: The licence the description states unless told otherwise (Creative Commons
#: Attribution 4.0): set the one your organisation publishes under.
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: The publisher the description states unless told otherwise: the cmsgraph project.
DEFAULT_PUBLISHER = ns.ONTOLOGY.rsplit("/", 1)[0]  # https://w3id.org/cmsgraph
_PUBLISHER_NAME = "cmsgraph project"

#: File extension -> IANA media type of the RDF formats a dump can be in.
MEDIA_TYPES: dict[str, str] = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
}
_IANA = "https://www.iana.org/assignments/media-types/"
_SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
# The classes whose first instance (by IRI) serves as an example resource.
_EXAMPLE_CLASSES = ("ActivityReport", "ActivityArea", "SubActivity", "ReportEntry", "Instrument")
_RDF_TYPE = NamedNode(ns.RDF + "type")
Node = NamedNode | BlankNode


def _n(prefix: str, local: str) -> NamedNode:
    return NamedNode(prefix + local)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(ns.XSD + "integer"))


def dataset_iri(base: str) -> str:
    """The IRI of the dataset published under ``base``.

    >>> dataset_iri("https://w3id.org/cmsgraph/id/")
    'https://w3id.org/cmsgraph/id/dataset'
    """
    return base + "dataset"


def void_description(
    version: StoreVersion,
    *,
    dumps: Sequence[str] = (),
    sparql_endpoint: str | None = None,
    license: str = DEFAULT_LICENSE,
    publisher: str = DEFAULT_PUBLISHER,
) -> list[Triple]:
    """The VoID and DCAT description of the dataset in ``version``, sorted.

    :param version: the store version to describe (its content gives the statistics,
        its manifest the base IRI and the source documents).
    :param dumps: absolute IRIs of files holding the dataset (``void:dataDump`` and a
        ``dcat:Distribution`` each; the media type follows the file extension).
    :param sparql_endpoint: the IRI of a SPARQL endpoint serving the dataset.
    :param license: the IRI of the licence the dataset is published under.
    :param publisher: the IRI of the agent that publishes it.
    :raises StoreError: if the store version cannot be opened.
    :raises ValueError: if a dump, endpoint, licence or publisher is not an absolute IRI.

    >>> from cmsgraph.store import open_current
    >>> version = open_current("/tmp/store")  # doctest: +SKIP
    >>> triples = void_description(version, dumps=["https://example.org/cms.nt"])  # doctest: +SKIP
    >>> print(description_turtle(triples).decode())  # doctest: +SKIP
    """
    base = version.manifest["base"]
    dataset = NamedNode(dataset_iri(base))
    union = {quad.triple for quad in version.open()}  # a triple in two graphs counts once
    out: list[Triple] = []
    out += _general(dataset, version, license, publisher)
    out += _access(dataset, dumps, sparql_endpoint)
    out += _structure(dataset, base, union)
    # the dataset first, then its parts; rdf:type first in each
    return sorted(
        set(out),
        key=lambda t: (
            t.subject != dataset,
            str(t.subject),
            t.predicate != _RDF_TYPE,
            str(t.predicate),
            str(t.object),
        ),
    )


def _general(
    dataset: NamedNode, version: StoreVersion, license: str, publisher: str
) -> list[Triple]:
    """General metadata: `Dublin Core <https://www.w3.org/TR/void/#dublin-core>`_
    (``dct:title``, ``dct:description``, ``dct:publisher``, ``dct:source``),
    the `licence <https://www.w3.org/TR/void/#license>`_ (``dct:license``) and the
    schema the data conforms to (DCAT 3 `dct:conformsTo
    <https://www.w3.org/TR/vocab-dcat-3/#Property:resource_conforms_to>`_).
    """
    iris = ns.Iris(version.manifest["base"])
    symbols = [s["symbol"] for s in version.manifest.get("sources", [])]
    agent = NamedNode(publisher)
    out = [
        Triple(dataset, _RDF_TYPE, _n(ns.VOID, "Dataset")),
        Triple(dataset, _RDF_TYPE, _n(ns.DCAT, "Dataset")),
        Triple(
            dataset,
            _n(ns.DCT, "title"),
            Literal("cmsgraph: CMS Family activity reports as a knowledge graph", language="en"),
        ),
        Triple(
            dataset,
            _n(ns.DCT, "description"),
            Literal(
                "Activity areas, sub-activities and report entries of activity reports of "
                "the Convention on Migratory Species (CMS) and its Family of instruments, "
                "with the documents they cite, their funders, partners and instruments, "
                "each fact traceable to the row of the report it was read from. Sources: "
                + (", ".join(symbols) or "none")
                + ".",
                language="en",
            ),
        ),
        Triple(dataset, _n(ns.DCT, "license"), NamedNode(license)),
        Triple(dataset, _n(ns.DCT, "publisher"), agent),
        Triple(agent, _RDF_TYPE, _n(ns.FOAF, "Agent")),
        Triple(dataset, _n(ns.DCT, "conformsTo"), NamedNode(ns.ONTOLOGY)),
    ]
    if publisher == DEFAULT_PUBLISHER:
        out.append(Triple(agent, _n(ns.FOAF, "name"), Literal(_PUBLISHER_NAME)))
    for symbol in symbols:
        out.append(Triple(dataset, _n(ns.DCT, "source"), NamedNode(iris.document(symbol))))
    return out


def _access(dataset: NamedNode, dumps: Sequence[str], endpoint: str | None) -> list[Triple]:
    """Access metadata: `SPARQL endpoint <https://www.w3.org/TR/void/#sparql>`_
    (``void:sparqlEndpoint``, and a DCAT 3 `dcat:DataService
    <https://www.w3.org/TR/vocab-dcat-3/#Class:Data_Service>`_ with its
    ``dcat:endpointURL``) and `RDF data dumps <https://www.w3.org/TR/void/#dumps>`_
    (``void:dataDump``, and one DCAT 3 `dcat:Distribution
    <https://www.w3.org/TR/vocab-dcat-3/#Class:Distribution>`_ each, with
    ``dcat:downloadURL``, ``dcat:accessURL`` and ``dcat:mediaType``).
    """
    out: list[Triple] = []
    names: Counter[str] = Counter()
    for dump in dumps:
        url = NamedNode(dump)
        suffix = PurePosixPath(urlsplit(dump).path).suffix.lower()
        key = suffix.lstrip(".") or "dump"
        names[key] += 1
        if names[key] > 1:
            key = f"{key}-{names[key]}"
        dist = NamedNode(f"{dataset.value}/distribution/{quote(key, safe='')}")
        out += [
            Triple(dataset, _n(ns.VOID, "dataDump"), url),
            Triple(dataset, _n(ns.DCAT, "distribution"), dist),
            Triple(dist, _RDF_TYPE, _n(ns.DCAT, "Distribution")),
            Triple(dist, _n(ns.DCAT, "downloadURL"), url),
            Triple(dist, _n(ns.DCAT, "accessURL"), url),
        ]
        if suffix in MEDIA_TYPES:
            media = MEDIA_TYPES[suffix]
            out += [
                Triple(dist, _n(ns.DCAT, "mediaType"), NamedNode(_IANA + media)),
                Triple(dist, _n(ns.DCT, "title"), Literal(f"RDF dump ({media})", language="en")),
            ]
    if endpoint is not None:
        url = NamedNode(endpoint)
        service = NamedNode(f"{dataset.value}/service/sparql")
        out += [
            Triple(dataset, _n(ns.VOID, "sparqlEndpoint"), url),
            Triple(service, _RDF_TYPE, _n(ns.DCAT, "DataService")),
            Triple(service, _n(ns.DCAT, "endpointURL"), url),
            Triple(service, _n(ns.DCAT, "servesDataset"), dataset),
            Triple(service, _n(ns.DCT, "conformsTo"), NamedNode(_SPARQL_PROTOCOL)),
        ]
    return out


def _structure(dataset: NamedNode, base: str, triples: set[Triple]) -> list[Triple]:
    """Structural metadata: the `URI space and vocabularies
    <https://www.w3.org/TR/void/#vocabularies>`_ (``void:uriSpace``,
    ``void:vocabulary``), `example resources
    <https://www.w3.org/TR/void/#example-resource>`_, `statistics
    <https://www.w3.org/TR/void/#statistics>`_ (``void:triples``, ``void:entities``,
    ``void:classes``, ``void:properties``, ``void:distinctSubjects``,
    ``void:distinctObjects``) and `class- and property-based partitions
    <https://www.w3.org/TR/void/#class-property-partitions>`_.

    The dataset is the union of the store's named graphs: a triple stated in two
    graphs counts once, as in an N-Triples dump.
    """
    per_property: Counter[NamedNode] = Counter()
    members: dict[NamedNode, set[Node]] = {}
    subjects: set[Node] = set()
    objects: set[object] = set()
    for t in triples:
        subject: Node = t.subject  # type: ignore[assignment]  # no RDF-star triple terms
        per_property[t.predicate] += 1
        subjects.add(subject)
        objects.add(t.object)
        if t.predicate == _RDF_TYPE and isinstance(t.object, NamedNode):
            members.setdefault(t.object, set()).add(subject)
    entities = {s for s in subjects if isinstance(s, NamedNode) and s.value.startswith(base)}
    out = [
        Triple(dataset, _n(ns.VOID, "uriSpace"), Literal(base)),
        Triple(dataset, _n(ns.VOID, "triples"), _int(len(triples))),
        Triple(dataset, _n(ns.VOID, "entities"), _int(len(entities))),
        Triple(dataset, _n(ns.VOID, "classes"), _int(len(members))),
        Triple(dataset, _n(ns.VOID, "properties"), _int(len(per_property))),
        Triple(dataset, _n(ns.VOID, "distinctSubjects"), _int(len(subjects))),
        Triple(dataset, _n(ns.VOID, "distinctObjects"), _int(len(objects))),
    ]
    for vocabulary in _vocabularies([*per_property, *members]):
        out.append(Triple(dataset, _n(ns.VOID, "vocabulary"), NamedNode(vocabulary)))
    for cls, instances in members.items():
        part = NamedNode(f"{dataset.value}/class/{_slug(cls.value)}")
        out += [
            Triple(dataset, _n(ns.VOID, "classPartition"), part),
            Triple(part, _n(ns.VOID, "class"), cls),
            Triple(part, _n(ns.VOID, "entities"), _int(len(instances))),
        ]
    for prop, count in per_property.items():
        part = NamedNode(f"{dataset.value}/property/{_slug(prop.value)}")
        out += [
            Triple(dataset, _n(ns.VOID, "propertyPartition"), part),
            Triple(part, _n(ns.VOID, "property"), prop),
            Triple(part, _n(ns.VOID, "triples"), _int(count)),
        ]
    for local in _EXAMPLE_CLASSES:
        if examples := members.get(_n(ns.CMSG, local)):
            example = min(examples, key=lambda node: node.value)
            out.append(Triple(dataset, _n(ns.VOID, "exampleResource"), example))
    return out


def _vocabularies(terms: Iterable[NamedNode]) -> list[str]:
    """The vocabularies (by their namespace, ours by its ontology IRI) of ``terms``."""
    found = set()
    for term in terms:
        for namespace in ns.PREFIXES.values():
            if term.value.startswith(namespace):
                found.add(ns.ONTOLOGY if namespace == ns.CMSG else namespace)
                break
    return sorted(found)


def _slug(iri: str) -> str:
    """A readable, unique path segment for a class or property: ``cmsg-Country``."""
    for prefix, namespace in ns.PREFIXES.items():
        local = iri.removeprefix(namespace)
        if local != iri and local and "/" not in local and "#" not in local:
            return f"{prefix}-{quote(local, safe='')}"
    return quote(iri, safe="")


def description_turtle(triples: Iterable[Triple], *, relative_to: str | None = None) -> bytes:
    """The description as Turtle, in the order given.

    :param relative_to: a directory IRI (ending in ``/``); IRIs under it are written
        relative (``<cmsgraph.ttl>``), so the description keeps pointing at the dump
        beside it wherever the folder is copied or served from (RFC 3986 section
        5.1.3: the base is the document's own location).
    """
    data = serialize(
        list(triples), None, RdfFormat.TURTLE, prefixes=ns.PREFIXES, base_iri=relative_to
    )
    assert data is not None  # no output given: the bytes are returned
    if relative_to is None:
        return data
    # pyoxigraph states the base it relativised against; drop that line so the
    # relative IRIs resolve against wherever the file is read from.
    head, _, rest = data.partition(b"\n")
    if head != f"@base <{relative_to}> .".encode():
        raise RuntimeError(f"unexpected Turtle header {head!r}")
    return rest
