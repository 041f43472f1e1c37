"""Typed records shared by every stage: what the parser reads and the linker adds.

The data flows parse -> link -> graph -> store; each stage imports only from the
stages before it and from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Abbreviation",
    "AbbreviationLink",
    "ActivityArea",
    "Amount",
    "CellText",
    "Citation",
    "CitationKind",
    "Column",
    "DocumentInfo",
    "Entity",
    "Field",
    "Format",
    "LinkedActivity",
    "LinkedEntry",
    "LinkedMeetingDocument",
    "LinkedReport",
    "LinkedText",
    "LinkedWorkProgramme",
    "MeetingDocument",
    "Mention",
    "ParseWarning",
    "Passage",
    "Period",
    "Place",
    "ProgrammeActivity",
    "ProgrammeGroup",
    "Reference",
    "Report",
    "ReportEntry",
    "Role",
    "UnlinkedMention",
    "WorkProgramme",
]


class Format(StrEnum):
    """The file formats a document is read from (one reader each, ``cmsgraph.readers``)."""

    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    TXT = "txt"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a piece of a document stands: what a reader of the file needs to find it.

    Numbers are 1-based. ``page`` for PDF (the others have no fixed pages);
    ``paragraph`` counts the document's paragraphs in order (footnotes included);
    ``table``, ``row`` and ``cell`` (the column) locate a table cell, ``row`` and
    ``cell`` counted after merged cells are resolved and repeated header rows dropped;
    ``line`` is the source line of a ``.txt`` file.
    """

    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        """``page 3, table 2, row 4, cell 2``; ``line 60``.

        >>> str(Place(page=3, table=2, row=4, cell=2))
        'page 3, table 2, row 4, cell 2'
        """
        parts = (
            ("page", self.page),
            ("paragraph", self.paragraph),
            ("table", self.table),
            ("row", self.row),
            ("cell", self.cell),
            ("line", self.line),
        )
        return ", ".join(f"{name} {value}" for name, value in parts if value is not None)


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
    line: int  # the source line (.txt); 0 in formats without lines: see ``place``
    place: Place | None = None  # the area's row: table, row (page in PDF; line in .txt)


class Field(StrEnum):
    """The cell (column) or the kind of block a piece of text comes from.

    Activity reports use ACTIVITY, STATUS and RESOURCES; programmes of work the
    columns their header row names (ACTIVITY, NUMBER, MANDATE ... RELATED_DOCUMENTS;
    the funding column is RESOURCES); other documents PARAGRAPH (paragraphs and
    footnotes) and CELL (cells of tables no kind recognises).
    """

    ACTIVITY = "activity"
    STATUS = "status"  # PROGRESS ON IMPLEMENTATION (short term) or PLAN (medium term); Status
    RESOURCES = "resources"  # RESOURCES; Funding, Resources, Estimated cost
    NUMBER = "number"  # No., Nr.
    MANDATE = "mandate"  # Mandate, Link to (extant) resolutions
    PRIORITY = "priority"  # Priority, Priority ranking
    TIMEFRAME = "timeframe"  # Time frame, Timing, Timescale, Deadline
    RESPONSIBLE = "responsible"  # Responsible entity, Lead, Action by
    PARTNERS = "partners"  # Partners, Collaborators
    RELATED_DOCUMENTS = "related-documents"  # Related documents
    PARAGRAPH = "paragraph"  # a paragraph of prose (or a footnote)
    CELL = "cell"  # a cell of a table that no document kind recognises


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
    place: Place | None = None  # the row: table, row (page in PDF; line in .txt)

    def text(self, which: Field) -> str:
        """The text of one of the row's cells ("" for fields a report row has not)."""
        if which is Field.ACTIVITY:
            return self.activity_text
        if which is Field.STATUS:
            return self.status_text
        if which is Field.RESOURCES:
            return self.resources_text
        return ""


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
    # False when the document prints no symbol and ``symbol`` was made from the file
    # name (the build warns); ``context`` is then "" and short references stay unresolved
    printed_symbol: bool = True


@dataclass(frozen=True, slots=True)
class ParseWarning:
    path: str
    line: int  # the source line (.txt); 0 where the format has none: see ``place``
    message: str
    place: Place | None = None

    def __str__(self) -> str:
        if self.line:
            where = f"{self.path}:{self.line}"
        elif self.place is not None and str(self.place):
            where = f"{self.path}: {self.place}"
        else:
            where = self.path
        return f"{where}: warning: {self.message}"


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
    format: Format = Format.TXT


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
    RESPONSIBLE = "responsible"  # named in a programme's Responsible entity / Action by column
    ORGANISATION = "organisation"  # an organisation named in prose: neither funder nor partner


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
    line: int  # the source line (.txt); 0 where the format has none: see ``place``
    place: Place | None = None


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


# --- Programmes of work and other meeting documents -------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph (or footnote) of a document, or a cell of a table no kind recognises."""

    field: Field  # Field.PARAGRAPH or Field.CELL
    text: str
    place: Place  # page and paragraph (table, row, cell for a cell; line in .txt)
    style: str = "body"  # "heading" | "list-item" | "body" | "footnote" (document.Style)
    number: str | None = None  # the printed paragraph number ("5"), a footnote's marker


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a programme of work, recognised by the words of its header."""

    field: Field
    header: str  # as printed: "Responsible entity", "Action by"
    index: int  # 1-based position in the table


@dataclass(frozen=True, slots=True)
class CellText:
    """The text of one cell of a programme row, with the column it stands in."""

    field: Field
    text: str
    place: Place  # table, row, cell (page in PDF; line in .txt)
    footnotes: tuple[str, ...] = ()  # "1 text" for each footnote marker in the cell


@dataclass(frozen=True, slots=True)
class ProgrammeGroup:
    """A section heading between the rows of a programme ("2. Research and monitoring")."""

    number: str | None  # "2"
    title: str  # "Research and monitoring"
    place: Place


@dataclass(frozen=True, slots=True)
class ProgrammeActivity:
    """One numbered activity (row) of a programme of work."""

    index: int  # 1-based position in the programme
    number: str | None  # as printed: "1.2", "12"
    group: int | None  # 1-based index into WorkProgramme.groups; None before any heading
    cells: tuple[CellText, ...]  # the recognised columns' cells, in column order
    place: Place  # the row: table, row (page in PDF; line in .txt)
    source_text: str  # the row's cells joined by tabs (the line, in .txt)

    def text(self, which: Field) -> str:
        """The text of the cell(s) of one column ("" if the programme has no such column)."""
        return "\n".join(c.text for c in self.cells if c.field is which and c.text)


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """An abbreviation the document defines in a legend or footnote ("SEC = Secretariat")."""

    short: str  # "SEC"
    expansion: str  # "Secretariat"
    place: Place  # where the definition stands


@dataclass(frozen=True, slots=True)
class WorkProgramme:
    """A programme of work or work plan: a table of numbered activities."""

    path: str
    sha256: str
    format: Format
    document: DocumentInfo
    columns: tuple[Column, ...]
    groups: tuple[ProgrammeGroup, ...]
    activities: tuple[ProgrammeActivity, ...]
    abbreviations: tuple[Abbreviation, ...]
    passages: tuple[Passage, ...]  # the text around the table(s): paragraphs, footnotes
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingDocument:
    """Any other meeting document: its header and its text, paragraph by paragraph."""

    path: str
    sha256: str
    format: Format
    document: DocumentInfo
    passages: tuple[Passage, ...]  # paragraphs, footnotes and the cells of its tables
    warnings: tuple[ParseWarning, ...] = ()


class CitationKind(StrEnum):
    """What a citation cites."""

    DOCUMENT = "document"  # a meeting document by symbol: "UNEP/CMS/COP12/Doc.21.2"
    RESOLUTION = "resolution"  # "Res. 11.26", "Resolution 8.5"
    DECISION = "decision"  # "Decision 12.3"
    RECOMMENDATION = "recommendation"  # "Recommendation 5.2"
    OUTCOME = "outcome"  # an outcome of a meeting of Signatories: "CMS/Sharks/Outcome 3.8"


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited document, resolution, decision, recommendation or outcome.

    ``value``: a document's full symbol; a resolution's, decision's or
    recommendation's number ("11.26"); an outcome as printed, prefix included
    ("CMS/Sharks/Outcome 3.8").
    """

    kind: CitationKind
    field: Field
    text: str  # the exact text that cites it
    value: str


@dataclass(frozen=True, slots=True)
class LinkedText:
    """What one cell or paragraph names, with its place: the provenance of every link."""

    field: Field
    place: Place
    text: str
    mentions: tuple[Mention, ...] = ()  # offsets into ``text``
    citations: tuple[Citation, ...] = ()
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkedActivity:
    activity: ProgrammeActivity
    cells: tuple[LinkedText, ...]  # one per cell of ``activity.cells``, in the same order


@dataclass(frozen=True, slots=True)
class AbbreviationLink:
    abbreviation: Abbreviation
    entity: str | None  # Entity.id it resolves to; None if it names nothing known


@dataclass(frozen=True, slots=True)
class LinkedWorkProgramme:
    programme: WorkProgramme
    instrument: str | None  # Entity.id of the instrument (Agreement, MoU, CMS) it belongs to
    activities: tuple[LinkedActivity, ...]
    passages: tuple[LinkedText, ...]
    abbreviations: tuple[AbbreviationLink, ...] = ()
    # Bodies of the instrument the legend defines and the gazetteer lacks (e.g. the
    # Advisory Committee of an MoU); their ids are "<instrument>-<slug>"
    entities: tuple[Entity, ...] = ()
    unlinked: tuple[UnlinkedMention, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkedMeetingDocument:
    document: MeetingDocument
    passages: tuple[LinkedText, ...]
    unlinked: tuple[UnlinkedMention, ...] = ()
