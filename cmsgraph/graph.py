"""Linked records -> RDF triples.

Each source document gives the triples of its graph, by its kind (:data:`GRAPHS`): an
activity report its entries, activity areas and what its rows cite; a programme of
work its activities, their groups and what their cells name; any other meeting
document the paragraphs that name or cite something. The gazetteer's entities and
the ontology give theirs.
The store keeps them all in one default graph, each triple once (see
:mod:`cmsgraph.store`). Every link from an entry (cites, funded by, involves, partner
...) is restated by a mention node that says which cell and which text it was read
from, so any answer can be traced to the row of the report::

    <entry> cmsg:fundedBy <country/DE> .
    <entry/mention/3> rdf:subject <entry> ; rdf:predicate cmsg:fundedBy ;
                      rdf:object <country/DE> ; cmsg:resourcesQuote "Germany" .

Four triples a mention, the least plain RDF allows: ``rdf:subject``,
``rdf:predicate`` and ``rdf:object`` restate the link (RDF reification, which every
store reads), and one quote property per cell (``cmsg:resourcesQuote``, a
sub-property of ``prov:value`` that names its cell with ``cmsg:field`` in the
ontology) says both where and what the text is. A mention's class, ``cmsg:Mention``,
follows from the quote property's ``rdfs:domain`` and is not stated again.

Triples are built with pyoxigraph terms: they load straight into the store and
serialise without going through rdflib.
"""

from __future__ import annotations

import contextlib
import re
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from . import namespaces as ns
from . import symbols
from .errors import CmsGraphError
from .gazetteer import Gazetteer
from .model import (
    DocumentInfo,
    Entity,
    Field,
    LinkedEntry,
    LinkedMeetingDocument,
    LinkedReport,
    LinkedText,
    LinkedWorkProgramme,
    Place,
    Role,
)
from .rdf import Lit, Statement, to_pyoxigraph

__all__ = [
    "GRAPHS",
    "document_triples",
    "entity_triples",
    "meeting_date",
    "order_key",
    "quote_property",
    "report_triples",
    "text_property",
]

Iri = str  # an IRI minted by ns.Iris or written here: always valid

_RDF_TYPE = ns.RDF + "type"
_RDF_SUBJECT = ns.RDF + "subject"
_RDF_PREDICATE = ns.RDF + "predicate"
_RDF_OBJECT = ns.RDF + "object"


def _n(prefix: str, local: str) -> Iri:
    return prefix + local


PREDICATE_BY_ROLE: dict[Role, Iri] = {
    Role.FUNDER: _n(ns.CMSG, "fundedBy"),
    Role.FUNDING_CHANNEL: _n(ns.CMSG, "fundingChannel"),
    Role.PARTNER: _n(ns.CMSG, "hasPartner"),
    Role.INSTRUMENT: _n(ns.CMSG, "involvesInstrument"),
    Role.CONVENTION: _n(ns.CMSG, "involvesConvention"),
    Role.BODY: _n(ns.CMSG, "involvesBody"),
    Role.MEETING: _n(ns.CMSG, "mentionsMeeting"),
    Role.COUNTRY: _n(ns.CMSG, "mentionsCountry"),
    Role.PROGRAMME: _n(ns.CMSG, "mentionsProgramme"),
    Role.CONCEPT: _n(ns.CMSG, "mentionsConcept"),
    Role.RESPONSIBLE: _n(ns.CMSG, "responsibleEntity"),
    Role.ORGANISATION: _n(ns.CMSG, "mentionsOrganisation"),
    Role.REGION: _n(ns.CMSG, "mentionsRegion"),
}
_CLASSES_BY_TYPE: dict[str, tuple[Iri, ...]] = {
    "Convention": (_n(ns.CMSG, "Convention"),),
    "Agreement": (_n(ns.CMSG, "Agreement"), _n(ns.CMSG, "Instrument")),
    "MoU": (_n(ns.CMSG, "MemorandumOfUnderstanding"), _n(ns.CMSG, "Instrument")),
    "Organisation": (_n(ns.ORG, "Organization"), _n(ns.FOAF, "Organization")),
    "Body": (_n(ns.CMSG, "Body"), _n(ns.ORG, "Organization")),
    "Meeting": (_n(ns.CMSG, "Meeting"), _n(ns.SCHEMA, "Event")),
    "Programme": (_n(ns.CMSG, "Programme"),),
    "Concept": (_n(ns.SKOS, "Concept"),),
    "Region": (_n(ns.CMSG, "Region"), _n(ns.DCT, "Location")),
    "Country": (_n(ns.CMSG, "Country"), _n(ns.DCT, "Location"), _n(ns.SCHEMA, "Country")),
}
_TERMS = {"short": "ShortTerm", "medium": "MediumTerm", "long": "LongTerm"}
_RESOURCE_KINDS = {
    "core-budget": "CoreBudget",
    "voluntary-contribution": "VoluntaryContribution",
    "staff-time": "StaffTime",
    "pending-budget-decision": "PendingBudgetDecision",
}
_STATUS_PROPERTY = {"progress": "progressText", "plan": "planText"}


def _text(value: str) -> Lit:
    return Lit(value)


def _typed(value: str, datatype: str) -> Lit:
    return Lit(value, ns.XSD + datatype)


def quote_property(which: Field) -> Iri:
    """The property that holds a mention's exact text read from the cell ``which``.

    >>> quote_property(Field.RESOURCES)
    'https://w3id.org/cmsgraph/ontology#resourcesQuote'
    """
    return _QUOTE[which]


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest)


# cmsg:activityQuote ... cmsg:relatedDocumentsQuote: one per Field (the ontology declares them)
_QUOTE = {f: _n(ns.CMSG, f"{_camel(f.value)}Quote") for f in Field}
# The cell texts of a row or paragraph: cmsg:activityText, cmsg:mandateText ...
_TEXT = {f: _n(ns.CMSG, f"{_camel(f.value)}Text") for f in Field}


def text_property(which: Field) -> Iri:
    """The property that holds the whole text of a cell (or paragraph) ``which``.

    >>> text_property(Field.RELATED_DOCUMENTS)
    'https://w3id.org/cmsgraph/ontology#relatedDocumentsText'
    """
    return _TEXT[which]


class _Triples:
    """Collects the statements of one graph, in order."""

    def __init__(self) -> None:
        self.triples: list[Statement] = []

    def add(self, s: Iri, p: Iri, o: Iri | Lit) -> None:
        self.triples.append(Statement(s, p, o))

    def types(self, s: Iri, *classes: Iri) -> None:
        for c in classes:
            self.triples.append(Statement(s, _RDF_TYPE, c))

    def text(self, s: Iri, p: Iri, value: str | None) -> None:
        if value:
            self.triples.append(Statement(s, p, Lit(value)))


def entity_triples(gazetteer: Gazetteer, iris: ns.Iris) -> list[Statement]:
    """The gazetteer graph: every entity with its types, labels and identifiers.

    :raises CmsGraphError: if an entity's homepage is not a valid IRI.
    """
    out = _Triples()
    for entity in sorted(gazetteer.entities.values(), key=lambda e: (e.type, e.id)):
        _entity(out, entity, gazetteer, iris)
    for statement in out.triples:  # homepages come from the gazetteer file as written
        try:
            to_pyoxigraph(statement)
        except ValueError as exc:
            raise CmsGraphError(f"gazetteer: {statement.subject}: not a valid IRI: {exc}") from None
    return out.triples


def _entity(out: _Triples, e: Entity, gazetteer: Gazetteer, iris: ns.Iris) -> None:
    node = iris.entity(e.type, e.id)
    out.types(node, *_CLASSES_BY_TYPE[e.type])
    out.text(node, _n(ns.CMSG, "entityType"), e.type)
    out.text(node, _n(ns.SKOS, "prefLabel"), e.label)
    out.text(node, _n(ns.RDFS, "label"), e.label)
    for alt in dict.fromkeys((e.name, *e.acronyms, *e.aliases)):
        if alt and alt != e.label:
            out.text(node, _n(ns.SKOS, "altLabel"), alt)
    out.text(node, _n(ns.SCHEMA, "name"), e.name)
    if e.homepage:
        out.add(node, _n(ns.FOAF, "homepage"), e.homepage)
    if e.wikidata:
        out.add(node, _n(ns.SKOS, "exactMatch"), ns.WD + e.wikidata)
    if e.parent:
        parent = gazetteer.entities[e.parent]
        out.add(node, _n(ns.ORG, "subOrganizationOf"), iris.entity(parent.type, parent.id))
    if e.instrument_of:
        out.add(node, _n(ns.CMSG, "instrumentOf"), iris.entity("Convention", e.instrument_of))
    if e.year:
        out.add(node, _n(ns.CMSG, "year"), _typed(str(e.year), "gYear"))
    if e.type == "Country":
        out.text(node, _n(ns.SKOS, "notation"), e.id)
        out.text(node, _n(ns.CMSG, "alpha3"), e.alpha3)
    if e.type == "Meeting" and e.series and e.number is not None:
        out.text(node, _n(ns.SKOS, "notation"), f"{e.series}{e.number}")


def document_triples(linked: Any, gazetteer: Gazetteer, iris: ns.Iris) -> list[Statement]:
    """The graph of one source document, by the type of its linked records (see
    :data:`GRAPHS`).

    :raises TypeError: for records of no document kind.
    """
    graph = GRAPHS.get(type(linked))
    if graph is None:
        raise TypeError(f"not the linked records of a document kind: {type(linked).__name__}")
    return graph(linked, gazetteer, iris)


_KIND_CLASSES = {
    "activity-report": ("ActivityReport", "MeetingDocument"),
    "programme-of-work": ("WorkProgramme", "MeetingDocument"),
    "document": ("MeetingDocument",),
}


def convention_of(info: DocumentInfo) -> str:
    """The instrument whose resolutions and budget lines a document's bare numbers
    name, lower case: "cms" for ``UNEP/CMS/COP11``, "aewa", "ascobans", "sharks" ...

    >>> from cmsgraph.model import DocumentInfo
    >>> info = DocumentInfo("ASCOBANS/AC25/Doc.2.1", "ASCOBANS/AC25", "", None, None, None,
    ...                     None, None, None, "")
    >>> convention_of(info)
    'ascobans'
    """
    if info.context.startswith("UNEP/") and info.context.count("/") >= 2:
        return info.context.split("/")[1].lower()  # "UNEP/CMS/Raptors/MOS2" -> "cms"
    parsed = symbols.parse_symbol(info.symbol) if info.printed_symbol else None
    return parsed.instrument.lower() if parsed and parsed.instrument else "cms"


def _document_node(
    out: _Triples,
    info: DocumentInfo,
    path: str,
    sha256: str,
    fmt: str,
    kind: str,
    gazetteer: Gazetteer,
    iris: ns.Iris,
) -> tuple[Iri, str]:
    """The document's own node, for every kind: its symbol, title, date, meeting,
    file and format. Returns the node and the document's convention."""
    convention = convention_of(info)
    doc_node = iris.document(info.symbol)
    out.types(doc_node, *(_n(ns.CMSG, c) for c in _KIND_CLASSES[kind]))
    out.text(doc_node, _n(ns.DCT, "identifier"), info.symbol)
    out.text(doc_node, _n(ns.DCT, "title"), info.title)
    out.text(doc_node, _n(ns.RDFS, "label"), info.symbol)
    if info.date:
        out.add(doc_node, _n(ns.DCT, "date"), _typed(info.date, "date"))
    out.text(doc_node, _n(ns.CMSG, "agendaItem"), info.agenda_item)
    out.text(doc_node, _n(ns.DCT, "abstract"), info.summary)
    out.text(doc_node, _n(ns.CMSG, "sourceFile"), PurePath(path).name)
    out.text(doc_node, _n(ns.CMSG, "sha256"), sha256)
    out.text(doc_node, _n(ns.CMSG, "sourceFormat"), str(fmt))
    if info.meeting:  # a meeting of the body whose symbol the document bears ("sharks-mos3")
        parsed = _parsed(info.symbol) if info.printed_symbol else None
        owner = parsed.instrument.lower() if parsed and parsed.instrument else convention
        meeting = _meeting(
            out, gazetteer, iris, owner, info.meeting, info.meeting_title, info.place
        )
        out.add(doc_node, _n(ns.CMSG, "forMeeting"), meeting)
    if info.resolution:
        resolution = _resolution(out, iris, convention, info.resolution)
        out.add(doc_node, _n(ns.CMSG, "reportsOnResolution"), resolution)
    return doc_node, convention


def report_triples(linked: LinkedReport, gazetteer: Gazetteer, iris: ns.Iris) -> list[Statement]:
    """The graph of one activity report."""
    report, doc = linked.report, linked.report.document
    out = _Triples()
    doc_node, convention = _document_node(
        out, doc, report.path, report.sha256, report.format, "activity-report", gazetteer, iris
    )
    for entity_id in linked.document_mentions:
        entity = gazetteer.entities[entity_id]
        out.add(doc_node, _n(ns.CMSG, "mentions"), iris.entity(entity.type, entity.id))
    for symbol in linked.document_refs:
        out.add(doc_node, _n(ns.DCT, "references"), _document(out, iris, symbol))

    scope = iris.programme(convention, doc.resolution, doc.symbol)
    out.add(doc_node, _n(ns.CMSG, "reportsOnProgramme"), scope)
    out.add(doc_node, _n(ns.CMSG, "orderKey"), _typed(str(order_key(doc)), "integer"))
    areas = {a.number for a in report.areas}
    for area in report.areas:
        node = iris.activity(scope, area.number)
        out.types(node, _n(ns.CMSG, "ActivityArea"), _n(ns.SKOS, "Concept"))
        out.text(node, _n(ns.SKOS, "notation"), area.number)
        out.text(node, _n(ns.SKOS, "prefLabel"), area.title)
        out.text(node, _n(ns.RDFS, "label"), f"{area.number}. {area.title}")
        for objective in area.objectives:
            out.text(node, _n(ns.CMSG, "objective"), objective)
        out.add(node, _n(ns.PROV, "wasDerivedFrom"), doc_node)
        if area.line:  # a .txt source's line; other formats have none
            out.add(node, _n(ns.CMSG, "sourceLine"), _typed(str(area.line), "integer"))
        if doc.resolution:
            out.add(node, _n(ns.DCT, "source"), iris.resolution(convention, doc.resolution))

    periods: dict[str, Iri] = {}
    subactivities: dict[str, Iri] = {}
    for linked_entry in linked.entries:
        entry = linked_entry.entry
        period = periods.get(entry.period.label)
        if period is None:
            period = periods[entry.period.label] = iris.period(scope, entry.period.label)
            out.types(period, _n(ns.CMSG, "Period"))
            out.text(period, _n(ns.RDFS, "label"), entry.period.label)
            out.add(period, _n(ns.CMSG, "term"), _n(ns.CMSG, _TERMS[entry.period.term]))
            out.add(period, _n(ns.CMSG, "startYear"), _typed(str(entry.period.start), "gYear"))
            out.add(period, _n(ns.CMSG, "endYear"), _typed(str(entry.period.end), "gYear"))
        for code, text in entry.code_texts:
            if code not in subactivities:
                subactivities[code] = _subactivity(out, iris, scope, code, text, areas)
            out.text(subactivities[code], _n(ns.SKOS, "definition"), text)
        _entry(
            out, linked_entry, doc.symbol, period, subactivities, scope, convention, gazetteer, iris
        )
    _summarise(out, doc_node)
    return _dedupe(out.triples)


def _subactivity(
    out: _Triples, iris: ns.Iris, scope: str, code: str, text: str, areas: set[str]
) -> Iri:
    """A sub-activity, under the area its number names (added if the report lacks it)."""
    node = iris.subactivity(scope, code)
    area_number = code.split(".")[0]
    area_node = iris.activity(scope, area_number)
    out.types(node, _n(ns.CMSG, "SubActivity"), _n(ns.SKOS, "Concept"))
    out.text(node, _n(ns.SKOS, "notation"), code)
    out.text(node, _n(ns.SKOS, "prefLabel"), code)
    out.text(node, _n(ns.RDFS, "label"), f"{code} {text}".strip())
    out.add(node, _n(ns.SKOS, "broader"), area_node)
    if area_number not in areas:  # numbered under an area this report lacks
        areas.add(area_number)
        out.types(area_node, _n(ns.CMSG, "ActivityArea"), _n(ns.SKOS, "Concept"))
        out.text(area_node, _n(ns.SKOS, "notation"), area_number)
    return node


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_MONTH = "(" + "|".join(_MONTH_NAMES) + ")"
# "4-9 November 2014", "30 October - 2 November 2013", "21 November 2012"
_MEETING_DAYS_RE = re.compile(
    rf"\b(\d{{1,2}})\s*(?:{_MONTH}\s*)?(?:[-–]\s*\d{{1,2}}\s*)?{_MONTH}\s+(\d{{4}})\b"
)


def meeting_date(place: str | None) -> date | None:
    """The first day of the meeting, read from the line under the meeting's name.

    >>> meeting_date("Quito, Ecuador, 4-9 November 2014")
    datetime.date(2014, 11, 4)
    >>> meeting_date("Bonn, Germany, 30 October - 2 November 2013")
    datetime.date(2013, 10, 30)
    >>> meeting_date("Bonn, Germany") is None
    True
    """
    m = _MEETING_DAYS_RE.search(place or "")
    if m is None:
        return None
    day, first_month, month, year = m.groups()
    with contextlib.suppress(ValueError):  # "31 February" is no date
        return date(int(year), _MONTH_NAMES.index(first_month or month) + 1, int(day))
    return None


def order_key(doc: DocumentInfo) -> int:
    """Where a document stands among the reports on its programme: by the meeting it
    was prepared for (its first day), then by its own date, as one integer
    ``YYYYMMDDYYYYMMDD`` (``cmsg:orderKey``). Without a meeting date the document's own
    date stands for both; without either, 0.

    >>> order_key(DocumentInfo("UNEP/CMS/COP11/Doc.16.1", "UNEP/CMS/COP11", "t",
    ...     "2014-08-14", "COP11", None, "Quito, Ecuador, 4-9 November 2014", None, "10.9", ""))
    2014110420140814
    """
    own = date.fromisoformat(doc.date) if doc.date else None
    meeting = meeting_date(doc.place) or own
    return _yyyymmdd(meeting) * 100_000_000 + _yyyymmdd(own)


def _yyyymmdd(day: date | None) -> int:
    return day.year * 10_000 + day.month * 100 + day.day if day else 0


def _dedupe(triples: Iterable[Statement]) -> list[Statement]:
    return list(dict.fromkeys(triples))


def _entry(
    out: _Triples,
    linked: LinkedEntry,
    symbol: str,
    period: Iri,
    subactivities: dict[str, Iri],
    scope: str,
    convention: str,
    gazetteer: Gazetteer,
    iris: ns.Iris,
) -> None:
    entry = linked.entry
    doc_node = iris.document(symbol)
    node = iris.entry(symbol, entry.area, entry.period.label, entry.index)
    out.types(node, _n(ns.CMSG, "ReportEntry"))  # a prov:Entity by subclass
    codes = ", ".join(entry.codes) or "no code"
    out.text(node, _n(ns.RDFS, "label"), f"{codes} ({entry.period.label})")
    out.add(node, _n(ns.PROV, "wasDerivedFrom"), doc_node)
    out.add(node, _n(ns.CMSG, "reportedUnder"), iris.activity(scope, entry.area))
    out.add(node, _n(ns.CMSG, "period"), period)
    out.add(node, _n(ns.CMSG, "rowIndex"), _typed(str(entry.index), "integer"))
    for code in entry.codes:
        out.add(node, _n(ns.CMSG, "reportsOn"), subactivities[code])
    out.text(node, _n(ns.CMSG, "activityText"), entry.activity_text)
    out.text(node, _n(ns.CMSG, _STATUS_PROPERTY[entry.status_kind]), entry.status_text)
    out.text(node, _n(ns.CMSG, "resourcesText"), entry.resources_text)
    for footnote in entry.footnotes:
        out.text(node, _n(ns.CMSG, "footnote"), footnote)
    _place(out, node, entry.place, entry.line)
    for kind in linked.resource_kinds:
        out.add(node, _n(ns.CMSG, "resourceKind"), _n(ns.CMSG, _RESOURCE_KINDS[kind]))
    link = _Links(out, node).add
    for m in linked.mentions:
        entity = gazetteer.entities[m.entity]
        link(
            PREDICATE_BY_ROLE[m.role],
            (iris.entity(entity.type, entity.id)),
            m.field,
            m.text,
        )
    for ref in linked.documents:
        link(*_cited(out, iris, convention, ref.value), ref.field, ref.text)
    for ref in linked.resolutions:
        target = _resolution(out, iris, convention, ref.value)
        link(_n(ns.CMSG, "citesResolution"), target, ref.field, ref.text)
    for ref in linked.budget_lines:
        line = iris.budget_line(convention, ref.value)
        out.types(line, _n(ns.CMSG, "BudgetLine"))
        out.text(line, _n(ns.SKOS, "notation"), ref.value)
        out.text(line, _n(ns.RDFS, "label"), f"{convention.upper()} budget line {ref.value}")
        link(_n(ns.CMSG, "usesBudgetLine"), line, ref.field, ref.text)
    for number, amount in enumerate(linked.amounts, start=1):
        money = f"{node}/amount/{number}"
        out.types(money, _n(ns.SCHEMA, "MonetaryAmount"))
        out.add(money, _n(ns.SCHEMA, "value"), _typed(amount.value, "decimal"))
        out.text(money, _n(ns.SCHEMA, "currency"), amount.currency)
        out.text(money, _n(ns.RDFS, "label"), amount.text)
        link(_n(ns.CMSG, "amount"), money, amount.field, amount.text)


class _Links:
    """States the links of one row or paragraph (``node``), each restated by a mention
    node with its quote (see the module docstring)."""

    def __init__(self, out: _Triples, node: Iri) -> None:
        self.out, self.node, self.count = out, node, 0

    def add(self, predicate: Iri, target: Iri, which: Field, text: str) -> None:
        out, node = self.out, self.node
        out.add(node, predicate, target)
        self.count += 1
        mention = f"{node}/mention/{self.count}"
        out.add(mention, _RDF_SUBJECT, node)  # a cmsg:Mention by its quote's rdfs:domain
        out.add(mention, _RDF_PREDICATE, predicate)
        out.add(mention, _RDF_OBJECT, target)
        out.add(mention, _QUOTE[which], _text(text))


def _place(out: _Triples, node: Iri, place: Place | None, line: int = 0) -> None:
    """Where a row or paragraph stands in its file: the line of a .txt source, else the
    page (PDF), paragraph, table, row and cell (``Place``: 1-based)."""
    line = line or (place.line if place and place.line else 0)
    if line:  # a .txt line says where the row is: its table and row would say it again
        out.add(node, _n(ns.CMSG, "sourceLine"), _typed(str(line), "integer"))
        return
    if place is None:
        return
    for value, local in ((place.page, "page"), (place.paragraph, "paragraphNumber"),
                         (place.table, "tableNumber"), (place.row, "rowNumber"),
                         (place.cell, "cellNumber")):  # fmt: skip
        if value:
            out.add(node, _n(ns.CMSG, local), _typed(str(value), "integer"))


def _summarise(out: _Triples, doc_node: Iri) -> None:
    """The document names every entity its rows and paragraphs name (``cmsg:mentions``)
    and references every document they cite (``dct:references``): one triple per pair,
    for the questions asked of documents as wholes (the citation network, who a
    document names)."""
    cites = {_n(ns.CMSG, "citesDocument"), _n(ns.CMSG, "citesResolution")}
    named = set(PREDICATE_BY_ROLE.values())
    below = doc_node + "/"
    found: list[Statement] = []
    for s, p, o in out.triples:
        if not s.startswith(below) or not isinstance(o, str):
            continue
        if p in cites and o != doc_node:
            found.append(Statement(doc_node, _n(ns.DCT, "references"), o))
        elif p in named:
            found.append(Statement(doc_node, _n(ns.CMSG, "mentions"), o))
    out.triples.extend(found)


# --- Programmes of work ---------------------------------------------------------------


def work_programme_triples(
    linked: LinkedWorkProgramme, gazetteer: Gazetteer, iris: ns.Iris
) -> list[Statement]:
    """The graph of one programme of work: the document, its groups (section headings)
    and its activities (rows) with each cell's text and what it names and cites.

    Successive programmes of work of one instrument are versions of one programme
    (``B programme-of-work/<instrument>``, a ``cmsg:WorkProgrammeSeries``): each states
    it as ``cmsg:reportsOnProgramme``, with its place in time (``cmsg:orderKey``), so
    that ``cmsgraph compare`` follows its activities by number as it follows a
    resolution's sub-activities across reports."""
    programme, info = linked.programme, linked.programme.document
    out = _Triples()
    doc_node, convention = _document_node(
        out, info, programme.path, programme.sha256, programme.format, "programme-of-work",
        gazetteer, iris,
    )  # fmt: skip
    scope = doc_node  # without an instrument, a programme of its own (as reports do)
    if linked.instrument:
        entity = gazetteer.entities[linked.instrument]
        out.add(doc_node, _n(ns.CMSG, "programmeOf"), iris.entity(entity.type, entity.id))
        scope = iris.programme_of_work(entity.id)
        out.types(scope, _n(ns.CMSG, "WorkProgrammeSeries"))
        out.text(scope, _n(ns.RDFS, "label"), f"{entity.label} programme of work")
    out.add(doc_node, _n(ns.CMSG, "reportsOnProgramme"), scope)
    out.add(doc_node, _n(ns.CMSG, "orderKey"), _typed(str(order_key(info)), "integer"))
    for entity in linked.entities:  # bodies its legend defines and the gazetteer lacks
        _entity(out, entity, gazetteer, iris)
    entities = ChainMap({e.id: e for e in linked.entities}, gazetteer.entities)
    for index, group in enumerate(programme.groups, start=1):
        node = iris.group(info.symbol, index)
        out.types(node, _n(ns.CMSG, "ActivityGroup"))
        out.add(node, _n(ns.DCT, "isPartOf"), doc_node)
        out.text(node, _n(ns.SKOS, "prefLabel"), group.title)
        out.text(node, _n(ns.SKOS, "notation"), group.number)
        out.text(node, _n(ns.RDFS, "label"), f"{group.number or ''} {group.title}".strip())
        _place(out, node, group.place)
    for la in linked.activities:
        activity = la.activity
        node = iris.work_activity(info.symbol, activity.index)
        out.types(node, _n(ns.CMSG, "ProgrammeActivity"))  # a prov:Entity by subclass
        out.add(node, _n(ns.PROV, "wasDerivedFrom"), doc_node)
        out.add(node, _n(ns.CMSG, "rowIndex"), _typed(str(activity.index), "integer"))
        out.text(node, _n(ns.SKOS, "notation"), activity.number)
        text = activity.text(Field.ACTIVITY)
        label = " ".join(text.split())[:120] or f"activity {activity.index}"
        if activity.number and not label.startswith(activity.number):  # "1. Review ..."
            label = f"{activity.number} {label}"
        out.text(node, _n(ns.RDFS, "label"), label)
        if activity.group:
            out.add(node, _n(ns.CMSG, "inGroup"), iris.group(info.symbol, activity.group))
        _place(out, node, activity.place)
        for cell in activity.cells:
            if cell.field is not Field.NUMBER:
                out.text(node, _TEXT[cell.field], cell.text)
            for footnote in cell.footnotes:
                out.text(node, _n(ns.CMSG, "footnote"), footnote)
        links = _Links(out, node)
        for linked_text in la.cells:
            _link_text(out, links, linked_text, convention, entities, iris, info.symbol)
    _summarise(out, doc_node)
    return _dedupe(out.triples)


# --- Any other meeting document --------------------------------------------------------


def meeting_document_triples(
    linked: LinkedMeetingDocument, gazetteer: Gazetteer, iris: ns.Iris
) -> list[Statement]:
    """The graph of any other meeting document: the document, and each paragraph (or
    cell of a table no kind reads) that names, cites or costs something, with its
    place and text."""
    document, info = linked.document, linked.document.document
    out = _Triples()
    doc_node, convention = _document_node(
        out, info, document.path, document.sha256, document.format, "document",
        gazetteer, iris,
    )  # fmt: skip
    for index, linked_text in enumerate(linked.passages, start=1):
        if not (linked_text.mentions or linked_text.citations or linked_text.amounts):
            continue  # a paragraph that names nothing adds nothing to the graph
        node = iris.passage(info.symbol, index)
        out.types(node, _n(ns.CMSG, "Passage"))
        out.add(node, _n(ns.DCT, "isPartOf"), doc_node)
        out.text(node, _TEXT[linked_text.field], linked_text.text)
        _place(out, node, linked_text.place)
        _link_text(
            out, _Links(out, node), linked_text, convention, gazetteer.entities, iris, info.symbol
        )
    _summarise(out, doc_node)
    return _dedupe(out.triples)


def _link_text(
    out: _Triples,
    links: _Links,
    linked: LinkedText,
    convention: str,
    entities: Mapping[str, Entity],
    iris: ns.Iris,
    own: str,
) -> None:
    """What one cell or paragraph names (by role), cites and costs, each a link of
    ``links.node`` with its mention (the cell's field and the exact text). ``entities``:
    the gazetteer's, and those the document defines; ``own``: the document's symbol."""
    for m in linked.mentions:
        entity = entities[m.entity]
        links.add(PREDICATE_BY_ROLE[m.role], iris.entity(entity.type, entity.id), m.field, m.text)
    for c in linked.citations:
        if c.value != own:  # a document's own symbol, printed in its header, cites nothing
            links.add(*_cited(out, iris, convention, c.value), c.field, c.text)
    for number, amount in enumerate(linked.amounts, start=links.count + 1):
        money = f"{links.node}/amount/{number}"
        out.types(money, _n(ns.SCHEMA, "MonetaryAmount"))
        out.add(money, _n(ns.SCHEMA, "value"), _typed(amount.value, "decimal"))
        out.text(money, _n(ns.SCHEMA, "currency"), amount.currency)
        out.text(money, _n(ns.RDFS, "label"), amount.text)
        links.add(_n(ns.CMSG, "amount"), money, amount.field, amount.text)


# The graph of each kind's linked records: a new kind is one entry here
GRAPHS: dict[type, Callable[[Any, Gazetteer, ns.Iris], list[Statement]]] = {
    LinkedReport: report_triples,
    LinkedWorkProgramme: work_programme_triples,
    LinkedMeetingDocument: meeting_document_triples,
}


def _cited(out: _Triples, iris: ns.Iris, convention: str, value: str) -> tuple[Iri, Iri]:
    """The property and node of a citation. A resolution is a ``cmsg:Resolution`` of its
    instrument, whether cited by number in its own instrument's documents ("10.21") or
    by full symbol in another's ("UNEP/CMS/Resolution 12.22" in a MoU's programme): one
    node either way. Any other document or act is its document node."""
    if "/" not in value:
        return _n(ns.CMSG, "citesResolution"), _resolution(out, iris, convention, value)
    parsed = _parsed(value)
    if parsed is not None and parsed.kind == "Resolution" and parsed.instrument:
        node = _resolution(out, iris, parsed.instrument.lower(), parsed.number)
        return _n(ns.CMSG, "citesResolution"), node
    return _n(ns.CMSG, "citesDocument"), _document(out, iris, value)


@lru_cache(maxsize=4096)
def _parsed(symbol: str) -> symbols.Symbol | None:
    return symbols.parse_symbol(symbol)


# A cited act is a document of its own class too (cmsg:Decision ...), by its symbol's kind
_ACT_CLASSES = {
    "Decision": "Decision",
    "Recommendation": "Recommendation",
    "Outcome": "Outcome",
    "Resolution": "Resolution",
}


def _act_class(symbol: str) -> str | None:
    parsed = _parsed(symbol)
    return _ACT_CLASSES.get(parsed.kind) if parsed else None


def _document(out: _Triples, iris: ns.Iris, symbol: str) -> Iri:
    node = iris.document(symbol)
    out.types(node, _n(ns.CMSG, "MeetingDocument"))
    if cls := _act_class(symbol):
        out.types(node, _n(ns.CMSG, cls))
    out.text(node, _n(ns.DCT, "identifier"), symbol)
    out.text(node, _n(ns.RDFS, "label"), symbol)
    return node


def _resolution(out: _Triples, iris: ns.Iris, convention: str, number: str) -> Iri:
    node = iris.resolution(convention, number)
    out.types(node, _n(ns.CMSG, "Resolution"))
    out.text(node, _n(ns.SKOS, "notation"), number)
    out.text(node, _n(ns.RDFS, "label"), f"{convention.upper()} Resolution {number}")
    out.text(node, _n(ns.DCT, "identifier"), symbols.act_symbol(convention, "Resolution", number))
    return node


def _meeting(
    out: _Triples,
    gazetteer: Gazetteer,
    iris: ns.Iris,
    convention: str,
    code: str,
    title: str | None,
    place: str | None,
) -> Iri:
    """The meeting a document was prepared for: the gazetteer's, else one minted here."""
    for entity in gazetteer.by_type("Meeting"):
        if (
            entity.series
            and f"{entity.series}{entity.number}" == code
            and (entity.id.startswith(convention + "-"))
        ):
            return iris.entity("Meeting", entity.id)
    node = iris.entity("Meeting", f"{convention}-{code.lower()}")
    out.types(node, *_CLASSES_BY_TYPE["Meeting"])
    out.text(node, _n(ns.CMSG, "entityType"), "Meeting")
    out.text(node, _n(ns.SKOS, "prefLabel"), code)
    out.text(node, _n(ns.RDFS, "label"), f"{convention.upper()} {code}")
    out.text(node, _n(ns.SKOS, "notation"), code)
    out.text(node, _n(ns.SCHEMA, "name"), title)
    out.text(node, _n(ns.SCHEMA, "location"), place)
    return node
