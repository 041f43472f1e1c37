"""Typed records shared by every stage: what the parser reads and the linker adds.

The data flows parse -> link -> graph -> store; each stage imports only from the
stages before it and from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ActivityArea",
    "Amount",
    "DocumentInfo",
    "Entity",
    "Field",
    "LinkedEntry",
    "LinkedReport",
    "Mention",
    "ParseWarning",
    "Period",
    "Reference",
    "Report",
    "ReportEntry",
    "Role",
    "UnlinkedMention",
]


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period of the programme, e.g. short term 2012-2014."""

    term: str  # "short" | "medium" | "long"
    start: int
    end: int

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class ActivityArea:
    """A numbered activity area (the table headed ``NR. ACTIVITY DESCRIPTION``)."""

    number: str
    title: str
    objectives: tuple[str, ...]
    line: int


class Field(StrEnum):
    """The cell of a report row a piece of text comes from."""

    ACTIVITY = "activity"
    STATUS = "status"  # PROGRESS ON IMPLEMENTATION (short term) or PLAN (medium term)
    RESOURCES = "resources"


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One row of a period table: the sub-activities it names and what was done or planned."""

    area: str  # the activity area whose table the row stands in
    period: Period
    index: int  # 1-based position among the rows of (area, period)
    codes: tuple[str, ...]  # sub-activity codes named in the ACTIVITY cell, e.g. ("8.1", "8.2")
    code_texts: tuple[tuple[str, str], ...]  # (code, the activity text that names it)
    activity_text: str
    status_text: str
    status_kind: str  # "progress" | "plan"
    resources_text: str
    line: int
    source_text: str  # the row as it stands in the source (cells joined by tabs)
    footnotes: tuple[str, ...] = ()  # texts of the footnotes the row's markers point to

    def text(self, which: Field) -> str:
        if which is Field.ACTIVITY:
            return self.activity_text
        if which is Field.STATUS:
            return self.status_text
        return self.resources_text


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the document header says about the document itself."""

    symbol: str  # "UNEP/CMS/COP11/Doc.16.1"
    context: str  # the symbol prefix short references resolve in: "UNEP/CMS/COP11"
    title: str
    date: str | None  # ISO 8601
    meeting: str | None  # meeting code: "COP11"
    meeting_title: str | None
    place: str | None
    agenda_item: str | None
    resolution: str | None  # the resolution reported on: "10.9"
    summary: str


@dataclass(frozen=True, slots=True)
class ParseWarning:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    """A parsed activity report."""

    path: str
    sha256: str
    document: DocumentInfo
    areas: tuple[ActivityArea, ...]
    entries: tuple[ReportEntry, ...]
    prose: str  # the text outside the tables (introduction, financial implications ...)
    warnings: tuple[ParseWarning, ...] = ()


class Role(StrEnum):
    """What a linked mention says about the report entry it stands in."""

    FUNDER = "funder"
    FUNDING_CHANNEL = "funding-channel"
    PARTNER = "partner"
    INSTRUMENT = "instrument"
    CONVENTION = "convention"
    BODY = "body"
    MEETING = "meeting"
    COUNTRY = "country"
    PROGRAMME = "programme"
    CONCEPT = "concept"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing the gazetteer (or pycountry) knows."""

    id: str  # stable slug; countries use their ISO 3166-1 alpha-2 code
    type: str  # Convention | Agreement | MoU | Organisation | Body | Meeting | Programme
    #            | Concept | Region | Country
    label: str
    name: str | None = None
    acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    homepage: str | None = None
    wikidata: str | None = None
    parent: str | None = None
    instrument_of: str | None = None
    year: int | None = None
    alpha3: str | None = None  # countries
    series: str | None = None  # meetings: "COP", "StC", "ScC"
    number: int | None = None  # meetings


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a cell that names an entity, with the role it plays for the entry."""

    field: Field
    start: int
    end: int
    text: str
    entity: str  # Entity.id
    role: Role


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited document, resolution or budget line, with the text that cites it.

    ``value`` is the document's full symbol ("UNEP/CMS/COP11/Doc.21.1"), the
    resolution number ("10.21") or the budget line ("1203").
    """

    field: Field
    text: str
    value: str


@dataclass(frozen=True, slots=True)
class Amount:
    field: Field
    text: str
    value: str  # decimal as text, e.g. "25000"
    currency: str  # ISO 4217, e.g. "EUR"


@dataclass(frozen=True, slots=True)
class UnlinkedMention:
    """A capitalised name or acronym that matched nothing in the gazetteer."""

    text: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class LinkedEntry:
    entry: ReportEntry
    mentions: tuple[Mention, ...] = ()
    documents: tuple[Reference, ...] = ()
    resolutions: tuple[Reference, ...] = ()
    budget_lines: tuple[Reference, ...] = ()
    amounts: tuple[Amount, ...] = ()
    resource_kinds: tuple[str, ...] = ()  # "core-budget", "voluntary-contribution", "staff-time"


@dataclass(frozen=True, slots=True)
class LinkedReport:
    report: Report
    entries: tuple[LinkedEntry, ...]
    document_mentions: tuple[str, ...] = ()  # entity ids named in the prose
    document_refs: tuple[str, ...] = ()  # full symbols cited in the prose
    unlinked: tuple[UnlinkedMention, ...] = field(default=())
