"""Every IRI cmsgraph mints or uses, and the prefixes it binds. Nothing else
hard-codes an IRI string.

Data IRIs live under one configurable base (``--base``, ``CMSGRAPH_BASE``); the
vocabulary has a fixed namespace of its own so that the meaning of a property does
not change with where a dataset is published.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["CMSG", "DEFAULT_BASE", "PREFIXES", "Iris", "resolve_base"]

DEFAULT_BASE = "https://w3id.org/cmsgraph/id/"
ONTOLOGY = "https://w3id.org/cmsgraph/ontology"
CMSG = ONTOLOGY + "#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "cmsg": CMSG,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dct": DCT,
    "prov": PROV,
    "foaf": FOAF,
    "org": ORG,
    "schema": SCHEMA,
    "dcat": DCAT,
    "void": VOID,
    "sh": SH,
    "wd": WD,
}

# Entity types (gazetteer "type") -> (IRI folder, vocabulary class local names)
ENTITY_FOLDERS: dict[str, str] = {
    "Convention": "convention",
    "Agreement": "instrument",
    "MoU": "instrument",
    "Organisation": "organisation",
    "Body": "body",
    "Meeting": "meeting",
    "Programme": "programme",
    "Concept": "concept",
    "Region": "region",
    "Country": "country",
}


def resolve_base(base: str | None = None) -> str:
    """The data base IRI: the argument, else ``$CMSGRAPH_BASE``, else the default.

    >>> resolve_base("http://example.org/cms")
    'http://example.org/cms/'
    """
    value = base or os.environ.get("CMSGRAPH_BASE") or DEFAULT_BASE
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        from .errors import CmsGraphError

        raise CmsGraphError(f"base IRI {value!r} is not an absolute http(s) IRI")
    return value if value.endswith(("/", "#")) else value + "/"


def _seg(text: str) -> str:
    return quote(text, safe="/.-_~")


@dataclass(frozen=True, slots=True)
class Iris:
    """Mints the stable IRIs of the data under one base."""

    base: str = DEFAULT_BASE

    def document(self, symbol: str) -> str:
        return f"{self.base}document/{_seg(symbol)}"

    def graph(self, symbol: str) -> str:
        return f"{self.base}graph/{_seg(symbol)}"

    @property
    def gazetteer_graph(self) -> str:
        return f"{self.base}graph/gazetteer"

    def work_activity(self, symbol: str, index: int) -> str:
        """An activity (row) of a programme of work, by its position in the programme."""
        return f"{self.document(symbol)}/activity/{index}"

    def group(self, symbol: str, index: int) -> str:
        """A section heading of a programme of work, by its position."""
        return f"{self.document(symbol)}/group/{index}"

    def passage(self, symbol: str, index: int) -> str:
        """A paragraph (or a cell of an unrecognised table) of a document, by position."""
        return f"{self.document(symbol)}/passage/{index}"

    def entry(self, symbol: str, area: str, period: str, index: int) -> str:
        return f"{self.document(symbol)}/entry/{_seg(area)}-{_seg(period)}-{index}"

    def programme(self, convention: str, resolution: str | None, symbol: str) -> str:
        """The scope activity areas are numbered in: the resolution, else the document."""
        if resolution:
            return self.resolution(convention, resolution)
        return self.document(symbol)

    def programme_of_work(self, instrument: str) -> str:
        """An instrument's programme of work across its versions (the scope its
        programme-of-work documents number their activities in), by the instrument's id."""
        return f"{self.base}programme-of-work/{_seg(instrument)}"

    def activity(self, scope: str, number: str) -> str:
        return f"{scope}/activity/{_seg(number)}"

    def subactivity(self, scope: str, code: str) -> str:
        return f"{scope}/subactivity/{_seg(code)}"

    def resolution(self, convention: str, number: str) -> str:
        return f"{self.base}resolution/{_seg(convention)}/{_seg(number)}"

    def period(self, scope: str, label: str) -> str:
        """A period of a programme: "2012-2014" is the short term of one resolution and
        the medium term of another, so periods are scoped like activity areas."""
        return f"{scope}/period/{_seg(label)}"

    def budget_line(self, convention: str, line: str) -> str:
        return f"{self.base}budget-line/{_seg(convention)}/{_seg(line)}"

    def entity(self, type_: str, ident: str) -> str:
        return f"{self.base}{ENTITY_FOLDERS[type_]}/{_seg(ident)}"
