"""Linked records -> RDF triples.

Each source document gives the triples of its graph (its report, entries, activity
areas and what its rows cite); the gazetteer's entities and the ontology give theirs.
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
from collections.abc import Iterable
from datetime import date
from pathlib import PurePath

from . import namespaces as ns
from .errors import CmsGraphError
from .gazetteer import Gazetteer
from .model import DocumentInfo, Entity, Field, LinkedEntry, LinkedReport, Role
from .rdf import Lit, Statement, to_pyoxigraph

__all__ = ["entity_triples", "meeting_date", "order_key", "quote_property", "report_triples"]

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


_QUOTE = {f: _n(ns.CMSG, f"{f.value}Quote") for f in Field}


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


def report_triples(linked: LinkedReport, gazetteer: Gazetteer, iris: ns.Iris) -> list[Statement]:
    """The graph of one source document."""
    report, doc = linked.report, linked.report.document
    out = _Triples()
    convention = doc.context.split("/")[1].lower()  # "UNEP/CMS/COP11" -> "cms"
    doc_node = iris.document(doc.symbol)
    out.types(doc_node, _n(ns.CMSG, "ActivityReport"), _n(ns.CMSG, "MeetingDocument"))
    out.text(doc_node, _n(ns.DCT, "identifier"), doc.symbol)
    out.text(doc_node, _n(ns.DCT, "title"), doc.title)
    out.text(doc_node, _n(ns.RDFS, "label"), doc.symbol)
    if doc.date:
        out.add(doc_node, _n(ns.DCT, "date"), _typed(doc.date, "date"))
    out.text(doc_node, _n(ns.CMSG, "agendaItem"), doc.agenda_item)
    out.text(doc_node, _n(ns.DCT, "abstract"), doc.summary)
    out.text(doc_node, _n(ns.CMSG, "sourceFile"), PurePath(report.path).name)
    out.text(doc_node, _n(ns.CMSG, "sha256"), report.sha256)
    if doc.meeting:
        meeting = _meeting(
            out, gazetteer, iris, convention, doc.meeting, doc.meeting_title, doc.place
        )
        out.add(doc_node, _n(ns.CMSG, "forMeeting"), meeting)
    if doc.resolution:
        resolution = _resolution(out, iris, convention, doc.resolution)
        out.add(doc_node, _n(ns.CMSG, "reportsOnResolution"), resolution)
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
    out.add(node, _n(ns.CMSG, "sourceLine"), _typed(str(entry.line), "integer"))
    for kind in linked.resource_kinds:
        out.add(node, _n(ns.CMSG, "resourceKind"), _n(ns.CMSG, _RESOURCE_KINDS[kind]))

    mention_count = 0

    def link(predicate: Iri, target: Iri, which: Field, text: str) -> None:
        nonlocal mention_count
        out.add(node, predicate, target)
        mention_count += 1
        mention = f"{node}/mention/{mention_count}"
        out.add(mention, _RDF_SUBJECT, node)  # a cmsg:Mention by its quote's rdfs:domain
        out.add(mention, _RDF_PREDICATE, predicate)
        out.add(mention, _RDF_OBJECT, target)
        out.add(mention, _QUOTE[which], _text(text))

    for m in linked.mentions:
        entity = gazetteer.entities[m.entity]
        link(
            PREDICATE_BY_ROLE[m.role],
            (iris.entity(entity.type, entity.id)),
            m.field,
            m.text,
        )
    for ref in linked.documents:
        link(_n(ns.CMSG, "citesDocument"), _document(out, iris, ref.value), ref.field, ref.text)
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


def _document(out: _Triples, iris: ns.Iris, symbol: str) -> Iri:
    node = iris.document(symbol)
    out.types(node, _n(ns.CMSG, "MeetingDocument"))
    out.text(node, _n(ns.DCT, "identifier"), symbol)
    out.text(node, _n(ns.RDFS, "label"), symbol)
    return node


def _resolution(out: _Triples, iris: ns.Iris, convention: str, number: str) -> Iri:
    node = iris.resolution(convention, number)
    out.types(node, _n(ns.CMSG, "Resolution"))
    out.text(node, _n(ns.SKOS, "notation"), number)
    out.text(node, _n(ns.RDFS, "label"), f"{convention.upper()} Resolution {number}")
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
    out.text(node, _n(ns.SKOS, "prefLabel"), code)
    out.text(node, _n(ns.RDFS, "label"), f"{convention.upper()} {code}")
    out.text(node, _n(ns.SKOS, "notation"), code)
    out.text(node, _n(ns.SCHEMA, "name"), title)
    out.text(node, _n(ns.SCHEMA, "location"), place)
    return node
