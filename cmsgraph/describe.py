"""A VoID description and DCAT-AP 3 catalogue of a store version: what the dataset is
and holds, in the form EU and partner data portals harvest.

The description follows `Describing Linked Datasets with the VoID Vocabulary
<https://www.w3.org/TR/void/>`_ (W3C Interest Group Note, 2011), `DCAT 3
<https://www.w3.org/TR/vocab-dcat-3/>`_ and its European application profile `DCAT-AP
3.0 <https://semiceu.github.io/DCAT-AP/releases/3.0.0/>`_ (SEMIC), one function per
part of it, each citing the section it implements:

* the catalogue (DCAT-AP §Catalogue: title, description, publisher, dataset,
  homepage, language, licence, dates, coverage, theme taxonomy, service);
* general metadata of the dataset (title, description, keywords, theme, publisher,
  contact point, issued and modified dates, language, spatial and temporal coverage,
  licence, sources, vocabulary);
* access metadata (data dumps, SPARQL endpoint) and the DCAT distributions (access
  URL, media type, format, licence, availability);
* structural metadata (URI space, vocabularies, example resources, statistics,
  class and property partitions).

Controlled values come from the vocabularies DCAT-AP names: the EU Publications
Office's authority tables (data themes, languages, file types, planned availability),
ADMS (publisher and licence types) and GeoNames. Each is typed with the class DCAT-AP
expects (``dct:LinguisticSystem``, ``skos:Concept`` ...) so that a validator checks the
description without fetching the vocabularies.

Every node of the description has an IRI minted under the dataset's IRI
(``BASE dataset``; the catalogue is ``BASE catalog``), never a blank node, so a server
can dereference it and two descriptions of the same store are equal triple for
triple. No clock time is included: the issued and modified dates are those of the
earliest and latest source documents, so the description is a function of the
store's content and the arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
    serialize,
)

from . import namespaces as ns
from .formats import by_key, for_suffix, formats
from .store import StoreVersion

__all__ = [
    "DEFAULT_LICENSE",
    "DEFAULT_PUBLISHER",
    "MEDIA_TYPES",
    "catalog_iri",
    "dataset_iri",
    "description_turtle",
    "schema_org_dataset",
    "void_description",
]

#: The licence the description states unless told otherwise (Creative Commons
#: Attribution 4.0): set the one your organisation publishes under.
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: The publisher the description states unless told otherwise: the cmsgraph project.
DEFAULT_PUBLISHER = ns.ONTOLOGY.rsplit("/", 1)[0]  # https://w3id.org/cmsgraph
_PUBLISHER_NAME = "cmsgraph project"

_RDF_FORMATS = formats(kind=("graph", "dataset"), use="export")
#: File extension -> IANA media type of the RDF formats a dump can be in (from the
#: table of :mod:`cmsgraph.formats`).
MEDIA_TYPES: dict[str, str] = {
    suffix: f.media_type for f in _RDF_FORMATS for suffix in (f.suffix, *f.suffixes)
}
_IANA = "https://www.iana.org/assignments/media-types/"
_SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
_DCATAP = "http://data.europa.eu/r5r/"
_VCARD = "http://www.w3.org/2006/vcard/ns#"
_EU = "http://publications.europa.eu/resource/authority/"
_ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
_ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
#: The theme of the dataset in the EU Data Theme vocabulary, and its label.
THEMES = {"ENVI": "Environment", "INTR": "International issues"}
#: Words a portal's search finds the dataset by.
KEYWORDS = (
    "Convention on Migratory Species",
    "CMS Family",
    "migratory species",
    "biodiversity",
    "conservation",
    "activity report",
    "funding",
    "knowledge graph",
)
#: The Convention's scope, where the data names no meeting venue: the Earth (GeoNames).
WORLD = ("http://sws.geonames.org/6295630/", "Earth")
#: The licences whose ADMS licence type is known (the default's is Attribution).
LICENCE_TYPES = {
    "https://creativecommons.org/licenses/by/4.0/": "Attribution",
    "https://creativecommons.org/publicdomain/zero/1.0/": "PublicDomain",
}
# The classes whose first instance (by IRI) serves as an example resource.
_EXAMPLE_CLASSES = ("ActivityReport", "ActivityArea", "SubActivity", "ReportEntry", "Instrument")
_RDF_TYPE = NamedNode(ns.RDF + "type")
Node = NamedNode | BlankNode


def _n(prefix: str, local: str) -> NamedNode:
    return NamedNode(prefix + local)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(ns.XSD + "integer"))


def catalog_iri(base: str) -> str:
    """The IRI of the DCAT catalogue listing the dataset published under ``base``.

    >>> catalog_iri("https://w3id.org/cmsgraph/id/")
    'https://w3id.org/cmsgraph/id/catalog'
    """
    return base + "catalog"


def dataset_iri(base: str) -> str:
    """The IRI of the dataset published under ``base``.

    >>> dataset_iri("https://w3id.org/cmsgraph/id/")
    'https://w3id.org/cmsgraph/id/dataset'
    """
    return base + "dataset"


@dataclass(frozen=True)
class Coverage:
    """What the source documents say about when and where: their dates, the reporting
    periods, and the places of the meetings they are for (where the data names them)."""

    first_date: str | None  # the earliest document date (xsd:date), or None
    last_date: str | None
    periods: tuple[tuple[int, int], ...]  # (start year, end year), sorted
    places: tuple[str, ...]  # IRIs of the meetings' places, sorted


_COVERAGE = f"""PREFIX cmsg: <{ns.CMSG}> PREFIX dct: <{ns.DCT}> PREFIX schema: <{ns.SCHEMA}>
"""


def coverage(store: Store) -> Coverage:
    """The dates, periods and meeting places of the store's documents (a reader of the
    local store, kept apart so the store's layout can change under it)."""

    def select(query: str) -> list[Any]:
        result = store.query(_COVERAGE + query)
        assert isinstance(result, QuerySolutions)
        return list(result)

    (row,) = select(
        "SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) "
        "WHERE { ?doc a cmsg:ActivityReport ; dct:date ?d }"
    )
    periods = select(
        "SELECT DISTINCT ?s ?e WHERE { ?p a cmsg:Period ; cmsg:startYear ?s ; cmsg:endYear ?e }"
    )
    places = select(
        "SELECT DISTINCT ?place WHERE { ?doc cmsg:forMeeting ?m . "
        "?m schema:location|dct:spatial ?place FILTER(isIRI(?place)) }"
    )
    spans = set()
    for p in periods:
        try:
            spans.add((int(p["s"].value[:4]), int(p["e"].value[:4])))
        except ValueError:
            continue
    return Coverage(
        row["first"].value[:10] if row["first"] is not None else None,
        row["last"].value[:10] if row["last"] is not None else None,
        tuple(sorted(spans)),
        tuple(sorted(r["place"].value for r in places)),
    )


def void_description(
    version: StoreVersion,
    *,
    dumps: Sequence[str] = (),
    sparql_endpoint: str | None = None,
    license: str = DEFAULT_LICENSE,
    publisher: str = DEFAULT_PUBLISHER,
    publisher_name: str | None = None,
    homepage: str | None = None,
    contact: str | None = None,
) -> list[Triple]:
    """The VoID description and DCAT-AP 3 catalogue of the dataset in ``version``,
    sorted: the catalogue first, then the dataset, then their parts.

    :param version: the store version to describe (its content gives the statistics,
        dates and coverage, its manifest the base IRI and the source documents).
    :param dumps: absolute IRIs of files holding the dataset (``void:dataDump`` and a
        ``dcat:Distribution`` each; the media type follows the file extension).
    :param sparql_endpoint: the IRI of a SPARQL endpoint serving the dataset (a
        ``dcat:DataService`` of the catalogue, and a distribution accessed through it).
    :param license: the IRI of the licence the dataset is published under.
    :param publisher: the IRI of the agent that publishes it; ``publisher_name`` its
        name (default: "cmsgraph project" for the default publisher, else the IRI).
    :param homepage: the catalogue's home page (default: the endpoint's server, else
        the publisher).
    :param contact: a ``mailto:`` or web address to contact about the dataset
        (default: the home page).
    :raises StoreError: if the store version cannot be opened.
    :raises ValueError: if a dump, endpoint, licence or publisher is not an absolute IRI.

    >>> from cmsgraph.store import open_current
    >>> version = open_current("/tmp/store")  # doctest: +SKIP
    >>> triples = void_description(version, dumps=["https://example.org/cms.nt"])  # doctest: +SKIP
    >>> print(description_turtle(triples).decode())  # doctest: +SKIP
    """
    base = version.base
    dataset = NamedNode(dataset_iri(base))
    catalog = NamedNode(catalog_iri(base))
    store = version.open()
    found = coverage(store)
    if homepage is None:
        homepage = _server_root(sparql_endpoint) if sparql_endpoint else publisher
    out: list[Triple] = []
    out += _catalog(catalog, dataset, found, license, publisher, homepage, sparql_endpoint)
    out += _general(dataset, version, license, publisher, publisher_name)
    out += _dcat_ap(dataset, found, license, homepage if contact is None else contact)
    out += _access(dataset, dumps, sparql_endpoint, license)
    out += _structure(dataset, base, statistics(store, base))
    out += _sources(dataset, version)
    order = {str(catalog): 0, str(dataset): 1}
    return sorted(
        set(out),
        key=lambda t: (
            order.get(str(t.subject), 2),
            str(t.subject),
            t.predicate != _RDF_TYPE,
            str(t.predicate),
            str(t.object),
        ),
    )


def _server_root(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}/"


def _date(value: str) -> Literal:
    return Literal(value, datatype=NamedNode(ns.XSD + "date"))


def _typed(node: NamedNode, cls: str, *more: Triple) -> list[Triple]:
    return [Triple(node, _RDF_TYPE, NamedNode(cls)), *more]


def _catalog(
    catalog: NamedNode,
    dataset: NamedNode,
    found: Coverage,
    license: str,
    publisher: str,
    homepage: str,
    endpoint: str | None,
) -> list[Triple]:
    """The `DCAT-AP 3 Catalogue <https://semiceu.github.io/DCAT-AP/releases/3.0.0/#Catalogue>`_:
    mandatory title, description, publisher and dataset; recommended homepage,
    language, licence, release and modification dates, geographical coverage, theme
    taxonomy; the SPARQL service when there is one."""
    page = NamedNode(homepage)
    taxonomy = NamedNode(_EU + "data-theme")
    out = [
        *_typed(catalog, ns.DCAT + "Catalog"),
        Triple(catalog, _n(ns.DCT, "title"), Literal("cmsgraph catalogue", language="en")),
        Triple(
            catalog,
            _n(ns.DCT, "description"),
            Literal(
                "The knowledge graph of activity reports of the Convention on Migratory "
                "Species and its Family of instruments, as published by cmsgraph.",
                language="en",
            ),
        ),
        Triple(catalog, _n(ns.DCT, "publisher"), NamedNode(publisher)),
        Triple(catalog, _n(ns.DCAT, "dataset"), dataset),
        Triple(catalog, _n(ns.FOAF, "homepage"), page),
        *_typed(page, ns.FOAF + "Document"),
        Triple(catalog, _n(ns.DCT, "license"), NamedNode(license)),
        Triple(catalog, _n(ns.DCT, "language"), NamedNode(_EU + "language/ENG")),
        Triple(catalog, _n(ns.DCAT, "themeTaxonomy"), taxonomy),
        *_typed(taxonomy, ns.SKOS + "ConceptScheme"),
        Triple(taxonomy, _n(ns.DCT, "title"), Literal("Data theme", language="en")),
    ]
    out += _dates(catalog, found)
    out += [Triple(catalog, _n(ns.DCT, "spatial"), NamedNode(p)) for p in _places(found)]
    if endpoint is not None:
        out.append(Triple(catalog, _n(ns.DCAT, "service"), _service_iri(dataset)))
    return out


def _dates(subject: NamedNode, found: Coverage) -> list[Triple]:
    out = []
    if found.first_date:
        out.append(Triple(subject, _n(ns.DCT, "issued"), _date(found.first_date)))
    if found.last_date:
        out.append(Triple(subject, _n(ns.DCT, "modified"), _date(found.last_date)))
    return out


def _places(found: Coverage) -> tuple[str, ...]:
    return found.places or (WORLD[0],)


def _general(
    dataset: NamedNode,
    version: StoreVersion,
    license: str,
    publisher: str,
    publisher_name: str | None = None,
) -> list[Triple]:
    """General metadata: `Dublin Core <https://www.w3.org/TR/void/#dublin-core>`_
    (``dct:title``, ``dct:description``, ``dct:publisher``, ``dct:source``),
    the `licence <https://www.w3.org/TR/void/#license>`_ (``dct:license``) and the
    schema the data conforms to (DCAT 3 `dct:conformsTo
    <https://www.w3.org/TR/vocab-dcat-3/#Property:resource_conforms_to>`_).
    """
    iris = ns.Iris(version.base)
    symbols = [s["symbol"] for s in version.manifest.get("sources", [])]
    agent = NamedNode(publisher)
    licence = NamedNode(license)
    name = publisher_name or (_PUBLISHER_NAME if publisher == DEFAULT_PUBLISHER else publisher)
    out = [
        Triple(dataset, _RDF_TYPE, _n(ns.VOID, "Dataset")),
        Triple(dataset, _RDF_TYPE, _n(ns.DCAT, "Dataset")),
        Triple(
            dataset,
            _n(ns.DCT, "title"),
            Literal("cmsgraph: CMS Family meeting documents as a knowledge graph", language="en"),
        ),
        Triple(
            dataset,
            _n(ns.DCT, "description"),
            Literal(
                "Activity reports, programmes of work and other meeting documents of the "
                "Convention on Migratory Species (CMS) and its Family of instruments: "
                "activity areas, sub-activities, report entries and programme activities "
                "with the documents they cite, their funders, partners, responsible "
                "entities and instruments, each fact traceable to the row, cell or "
                "paragraph it was read from. Sources: " + (", ".join(symbols) or "none") + ".",
                language="en",
            ),
        ),
        Triple(dataset, _n(ns.DCT, "license"), licence),
        *_typed(licence, ns.DCT + "LicenseDocument"),
        Triple(dataset, _n(ns.DCT, "publisher"), agent),
        Triple(agent, _RDF_TYPE, _n(ns.FOAF, "Agent")),
        Triple(agent, _n(ns.FOAF, "name"), Literal(name)),
        Triple(dataset, _n(ns.DCT, "conformsTo"), NamedNode(ns.ONTOLOGY)),
    ]
    if license in LICENCE_TYPES:
        out.append(
            Triple(
                licence, _n(ns.DCT, "type"), NamedNode(_ADMS_LICENCE_TYPE + LICENCE_TYPES[license])
            )
        )
    if publisher == DEFAULT_PUBLISHER:
        kind = NamedNode(_ADMS_PUBLISHER_TYPE + "NonProfitOrganisation")
        out += [
            Triple(agent, _n(ns.DCT, "type"), kind),
            *_typed(kind, ns.SKOS + "Concept"),
            Triple(
                kind, _n(ns.SKOS, "prefLabel"), Literal("Non-Profit Organisation", language="en")
            ),
        ]
    for symbol in symbols:
        out.append(Triple(dataset, _n(ns.DCT, "source"), NamedNode(iris.document(symbol))))
    return out


def _dcat_ap(dataset: NamedNode, found: Coverage, license: str, contact: str) -> list[Triple]:
    """The recommended properties of a `DCAT-AP 3 Dataset
    <https://semiceu.github.io/DCAT-AP/releases/3.0.0/#Dataset>`_ beyond the general
    metadata: keywords, themes (EU Data Theme), contact point (a ``vcard:Kind``),
    release and modification dates (the earliest and latest source document), language
    (EU Languages), geographical coverage (the documents' meeting places, else the
    Earth) and temporal coverage (one ``dct:PeriodOfTime`` per reporting period)."""
    point = NamedNode(dataset.value + "/contact")
    english = NamedNode(_EU + "language/ENG")
    out = [Triple(dataset, _n(ns.DCAT, "keyword"), Literal(k, language="en")) for k in KEYWORDS]
    for code, label in THEMES.items():
        theme = NamedNode(_EU + "data-theme/" + code)
        out += [
            Triple(dataset, _n(ns.DCAT, "theme"), theme),
            *_typed(theme, ns.SKOS + "Concept"),
            Triple(theme, _n(ns.SKOS, "prefLabel"), Literal(label, language="en")),
            Triple(theme, _n(ns.SKOS, "inScheme"), NamedNode(_EU + "data-theme")),
        ]
    out += [
        Triple(dataset, _n(ns.DCAT, "contactPoint"), point),
        *_typed(point, _VCARD + "Organization"),
        *_typed(point, _VCARD + "Kind"),
        Triple(point, NamedNode(_VCARD + "fn"), Literal(_PUBLISHER_NAME)),
        Triple(
            point,
            NamedNode(_VCARD + ("hasEmail" if contact.startswith("mailto:") else "hasURL")),
            NamedNode(contact),
        ),
        Triple(dataset, _n(ns.DCT, "language"), english),
        *_typed(english, ns.DCT + "LinguisticSystem"),
    ]
    out += _dates(dataset, found)
    for place in _places(found):
        node = NamedNode(place)
        out += [Triple(dataset, _n(ns.DCT, "spatial"), node), *_typed(node, ns.DCT + "Location")]
        if place == WORLD[0]:
            out.append(Triple(node, _n(ns.SKOS, "prefLabel"), Literal(WORLD[1], language="en")))
    for start, end in found.periods:
        period = NamedNode(f"{dataset.value}/temporal/{start}-{end}")
        out += [
            Triple(dataset, _n(ns.DCT, "temporal"), period),
            *_typed(period, ns.DCT + "PeriodOfTime"),
            Triple(period, _n(ns.DCAT, "startDate"), _date(f"{start:04d}-01-01")),
            Triple(period, _n(ns.DCAT, "endDate"), _date(f"{end:04d}-12-31")),
        ]
    return out


def _service_iri(dataset: NamedNode) -> NamedNode:
    return NamedNode(f"{dataset.value}/service/sparql")


def _distribution(
    dist: NamedNode, url: NamedNode, media: str, code: str | None, license: str, what: str
) -> list[Triple]:
    """One `DCAT-AP 3 Distribution <https://semiceu.github.io/DCAT-AP/releases/3.0.0/#Distribution>`_:
    mandatory access URL; recommended description, format (EU File Type), licence and
    availability; its IANA media type."""
    media_node = NamedNode(_IANA + media)
    stable = NamedNode(_EU + "planned-availability/STABLE")
    out = [
        *_typed(dist, ns.DCAT + "Distribution"),
        Triple(dist, _n(ns.DCAT, "accessURL"), url),
        Triple(dist, _n(ns.DCAT, "mediaType"), media_node),
        *_typed(media_node, ns.DCT + "MediaType"),
        Triple(dist, _n(ns.DCT, "license"), NamedNode(license)),
        Triple(dist, _n(ns.DCT, "title"), Literal(f"{what} ({media})", language="en")),
        Triple(
            dist,
            _n(ns.DCT, "description"),
            Literal(f"The whole dataset: {what.lower()} in {media}.", language="en"),
        ),
        Triple(dist, NamedNode(_DCATAP + "availability"), stable),
        *_typed(stable, ns.SKOS + "Concept"),
        Triple(stable, _n(ns.SKOS, "prefLabel"), Literal("stable", language="en")),
    ]
    if code:
        file_type = NamedNode(_EU + "file-type/" + code)
        out += [
            Triple(dist, _n(ns.DCT, "format"), file_type),
            *_typed(file_type, ns.DCT + "MediaTypeOrExtent"),
        ]
    return out


def _access(
    dataset: NamedNode, dumps: Sequence[str], endpoint: str | None, license: str = DEFAULT_LICENSE
) -> list[Triple]:
    """Access metadata: `SPARQL endpoint <https://www.w3.org/TR/void/#sparql>`_
    (``void:sparqlEndpoint``, a DCAT 3 `dcat:DataService
    <https://www.w3.org/TR/vocab-dcat-3/#Class:Data_Service>`_ with its
    ``dcat:endpointURL``, and a distribution accessed through it) and `RDF data dumps
    <https://www.w3.org/TR/void/#dumps>`_ (``void:dataDump``, and one DCAT 3
    `dcat:Distribution <https://www.w3.org/TR/vocab-dcat-3/#Class:Distribution>`_
    each, with ``dcat:downloadURL``, ``dcat:accessURL``, ``dcat:mediaType`` and the
    DCAT-AP recommended properties).
    """
    out: list[Triple] = []
    names: Counter[str] = Counter()
    for dump in dumps:
        url = NamedNode(dump)
        name = PurePosixPath(urlsplit(dump).path).name
        suffix = PurePosixPath(name).suffix.lower()
        key = suffix.lstrip(".") or "dump"
        names[key] += 1
        if names[key] > 1:
            key = f"{key}-{names[key]}"
        dist = NamedNode(f"{dataset.value}/distribution/{quote(key, safe='')}")
        out += [
            Triple(dataset, _n(ns.VOID, "dataDump"), url),
            Triple(dataset, _n(ns.DCAT, "distribution"), dist),
            Triple(dist, _n(ns.DCAT, "downloadURL"), url),
        ]
        form = for_suffix(name, _RDF_FORMATS)
        if form is not None:
            out += _distribution(dist, url, form.media_type, form.eu_file_type, license, "RDF dump")
        else:
            out += [
                *_typed(dist, ns.DCAT + "Distribution"),
                Triple(dist, _n(ns.DCAT, "accessURL"), url),
            ]
    if endpoint is not None:
        url = NamedNode(endpoint)
        service = _service_iri(dataset)
        dist = NamedNode(f"{dataset.value}/distribution/sparql")
        out += [
            Triple(dataset, _n(ns.VOID, "sparqlEndpoint"), url),
            Triple(service, _RDF_TYPE, _n(ns.DCAT, "DataService")),
            Triple(service, _n(ns.DCT, "title"), Literal("SPARQL endpoint", language="en")),
            Triple(service, _n(ns.DCAT, "endpointURL"), url),
            Triple(service, _n(ns.DCAT, "endpointDescription"), url),
            Triple(service, _n(ns.DCAT, "servesDataset"), dataset),
            Triple(service, _n(ns.DCT, "conformsTo"), NamedNode(_SPARQL_PROTOCOL)),
            Triple(service, _n(ns.DCT, "license"), NamedNode(license)),
            Triple(dataset, _n(ns.DCAT, "distribution"), dist),
            Triple(dist, _n(ns.DCAT, "accessService"), service),
            *_distribution(dist, url, by_key("json").media_type, None, license, "SPARQL endpoint"),
        ]
    return out


def schema_org_dataset(triples: Iterable[Triple]) -> dict[str, Any]:
    """The description as a `schema.org Dataset <https://schema.org/Dataset>`_ for
    search engines (the JSON-LD block of the server's home page), mapped from the
    DCAT-AP triples: name, description, identifier, keywords, licence, publisher and
    creator, dates, language, temporal and spatial coverage, the catalogue it is in and
    its distributions.

    ``@context`` is the string ``https://schema.org/`` as search engines expect; the
    block is read as data, never fetched by cmsgraph.
    """
    values: dict[tuple[str, str], list[Any]] = {}
    for t in triples:
        values.setdefault((t.subject.value, t.predicate.value), []).append(t.object)  # type: ignore[union-attr]

    def get(subject: str, prefix: str, local: str) -> list[Any]:
        return sorted(values.get((subject, prefix + local), []), key=str)

    def text(subject: str, prefix: str, local: str) -> str | None:
        found = get(subject, prefix, local)
        return found[0].value if found else None

    datasets = [s for (s, p), o in values.items() if p == ns.RDF + "type"
                and NamedNode(ns.DCAT + "Dataset") in o]  # fmt: skip
    if not datasets:
        return {}
    d = datasets[0]
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": d,
        "identifier": d,
        "name": text(d, ns.DCT, "title"),
        "description": text(d, ns.DCT, "description"),
        "keywords": [k.value for k in get(d, ns.DCAT, "keyword")],
        "license": text(d, ns.DCT, "license"),
        "inLanguage": "en",
        "isAccessibleForFree": True,
    }
    publisher = text(d, ns.DCT, "publisher")
    if publisher:
        agent = {"@type": "Organization", "@id": publisher, "url": publisher,
                 "name": text(publisher, ns.FOAF, "name") or publisher}  # fmt: skip
        out["publisher"] = out["creator"] = agent
    if issued := text(d, ns.DCT, "issued"):
        out["datePublished"] = issued
    if modified := text(d, ns.DCT, "modified"):
        out["dateModified"] = modified
    starts = [text(p.value, ns.DCAT, "startDate") or "" for p in get(d, ns.DCT, "temporal")]
    ends = [text(p.value, ns.DCAT, "endDate") or "" for p in get(d, ns.DCT, "temporal")]
    if starts:
        out["temporalCoverage"] = f"{min(starts)}/{max(ends)}"
    places = [
        {"@type": "Place", "@id": p.value, "name": text(p.value, ns.SKOS, "prefLabel") or p.value}
        for p in get(d, ns.DCT, "spatial")
    ]
    if places:
        out["spatialCoverage"] = places[0] if len(places) == 1 else places
    catalogs = [s for (s, p), o in values.items() if p == ns.DCAT + "dataset"
                and NamedNode(d) in o]  # fmt: skip
    if catalogs:
        out["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "@id": catalogs[0],
            "name": text(catalogs[0], ns.DCT, "title"),
            "url": text(catalogs[0], ns.FOAF, "homepage"),
        }
        out["url"] = text(catalogs[0], ns.FOAF, "homepage")
    downloads = []
    for dist in get(d, ns.DCAT, "distribution"):
        url = text(dist.value, ns.DCAT, "downloadURL")
        media = text(dist.value, ns.DCAT, "mediaType")
        if url and media:
            downloads.append({"@type": "DataDownload", "contentUrl": url,
                              "encodingFormat": media.removeprefix(_IANA)})  # fmt: skip
    if downloads:
        out["distribution"] = downloads
    return {k: v for k, v in out.items() if v not in (None, [], {})}


_KIND_TITLES = {
    "activity-report": "activity reports",
    "programme-of-work": "programmes of work and work plans",
    "document": "other meeting documents",
}
_FORMAT_TYPES = {  # IANA media types of the formats sources are read from
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "txt": "text/plain",
}


def _sources(dataset: NamedNode, version: StoreVersion) -> list[Triple]:
    """The source documents by kind and by file format, each a `subset
    <https://www.w3.org/TR/void/#subset>`_ of the dataset with its count
    (``void:entities``): how many activity reports, programmes of work and other
    documents, read from how many PDF, Word, web-page and text files."""
    sources = version.manifest.get("sources", [])
    out: list[Triple] = []
    for facet, values, title in (
        ("kind", Counter(s.get("kind", "activity-report") for s in sources), _KIND_TITLES),
        ("format", Counter(s.get("format", "txt") for s in sources), None),
    ):
        for value, count in sorted(values.items()):
            part = NamedNode(f"{dataset.value}/sources/{facet}/{_slug(value)}")
            label = (title or {}).get(value) or f"sources read from {value} files"
            out += [
                Triple(dataset, _n(ns.VOID, "subset"), part),
                Triple(part, _RDF_TYPE, _n(ns.VOID, "Dataset")),
                Triple(part, _n(ns.DCT, "title"), Literal(label, language="en")),
                Triple(part, _n(ns.VOID, "entities"), _int(count)),
            ]
            if facet == "kind":
                out.append(Triple(part, _n(ns.CMSG, "documentKind"), Literal(value)))
            else:
                out.append(Triple(part, _n(ns.CMSG, "sourceFormat"), Literal(value)))
                if media := _FORMAT_TYPES.get(value):
                    iana = NamedNode(f"http://www.iana.org/assignments/media-types/{media}")
                    out.append(Triple(part, _n(ns.DCT, "format"), iana))
    return out


@dataclass(frozen=True)
class Statistics:
    """What `VoID's statistics <https://www.w3.org/TR/void/#statistics>`_ count, read
    from the store with SPARQL (the store holds each triple once)."""

    triples: int
    entities: int  # distinct subjects under the base IRI
    subjects: int
    objects: int
    per_property: dict[NamedNode, int]
    per_class: dict[NamedNode, int]  # instances of each class
    examples: dict[NamedNode, NamedNode]  # the first instance (by IRI) of each class


def statistics(store: Store, base: str) -> Statistics:
    """The VoID statistics of the store's default graph (a reader of the local store)."""

    def select(query: str, **bindings: Any) -> list[Any]:
        substitutions = {Variable(k): v for k, v in bindings.items()} or None
        result = store.query(query, substitutions=substitutions)
        assert isinstance(result, QuerySolutions)
        return list(result)

    (row,) = select(
        "SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) "
        "WHERE { ?s ?p ?o }"
    )
    (entities,) = select(  # ?base is bound (pyoxigraph binds projected variables only)
        "SELECT ?base (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s WHERE { ?s ?p ?o } } "
        "FILTER (isIRI(?s) && STRSTARTS(STR(?s), ?base)) } GROUP BY ?base",
        base=Literal(base),
    )
    per_property = {
        r["p"]: int(r["n"].value)
        for r in select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    }
    classes = select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?first) "
        "WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c"
    )
    return Statistics(
        triples=int(row["t"].value),
        entities=int(entities["n"].value),
        subjects=int(row["s_"].value),
        objects=int(row["o_"].value),
        per_property=per_property,
        per_class={r["c"]: int(r["n"].value) for r in classes},
        examples={r["c"]: NamedNode(r["first"].value) for r in classes},
    )


def _structure(dataset: NamedNode, base: str, stats: Statistics) -> list[Triple]:
    """Structural metadata: the `URI space and vocabularies
    <https://www.w3.org/TR/void/#vocabularies>`_ (``void:uriSpace``,
    ``void:vocabulary``), `example resources
    <https://www.w3.org/TR/void/#example-resource>`_, `statistics
    <https://www.w3.org/TR/void/#statistics>`_ (``void:triples``, ``void:entities``,
    ``void:classes``, ``void:properties``, ``void:distinctSubjects``,
    ``void:distinctObjects``) and `class- and property-based partitions
    <https://www.w3.org/TR/void/#class-property-partitions>`_.

    The dataset is everything the store holds, each triple once, as in an N-Triples dump.
    """
    out = [
        Triple(dataset, _n(ns.VOID, "uriSpace"), Literal(base)),
        Triple(dataset, _n(ns.VOID, "triples"), _int(stats.triples)),
        Triple(dataset, _n(ns.VOID, "entities"), _int(stats.entities)),
        Triple(dataset, _n(ns.VOID, "classes"), _int(len(stats.per_class))),
        Triple(dataset, _n(ns.VOID, "properties"), _int(len(stats.per_property))),
        Triple(dataset, _n(ns.VOID, "distinctSubjects"), _int(stats.subjects)),
        Triple(dataset, _n(ns.VOID, "distinctObjects"), _int(stats.objects)),
    ]
    for vocabulary in _vocabularies([*stats.per_property, *stats.per_class]):
        out.append(Triple(dataset, _n(ns.VOID, "vocabulary"), NamedNode(vocabulary)))
    for cls, count in stats.per_class.items():
        part = NamedNode(f"{dataset.value}/class/{_slug(cls.value)}")
        out += [
            Triple(dataset, _n(ns.VOID, "classPartition"), part),
            Triple(part, _n(ns.VOID, "class"), cls),
            Triple(part, _n(ns.VOID, "entities"), _int(count)),
        ]
    for prop, count in stats.per_property.items():
        part = NamedNode(f"{dataset.value}/property/{_slug(prop.value)}")
        out += [
            Triple(dataset, _n(ns.VOID, "propertyPartition"), part),
            Triple(part, _n(ns.VOID, "property"), prop),
            Triple(part, _n(ns.VOID, "triples"), _int(count)),
        ]
    for local in _EXAMPLE_CLASSES:
        if example := stats.examples.get(_n(ns.CMSG, local)):
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
