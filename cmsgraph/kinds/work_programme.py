"""Programmes of work and work plans: tables of numbered activities.

Every instrument of the Family keeps one, each with its own columns: the Sharks MOU's
``No. | Activities | Mandate | Priority ranking | Time frame | Responsible entity |
Funding``, ASCOBANS' ``Work plan activity | Link to extant resolutions | Action by |
Timing | Status | Related documents``. Columns are recognised by the words of the
header row, whatever their order or wording (see :data:`COLUMN_WORDS`).

* A table is a programme table when its header row (one of its first three rows) names
  an activity column and two other known columns. A table without a header row that
  follows a programme table with as many columns continues it; rows repeating the
  header are skipped.
* A row whose filled cells all hold one text (a merged cell across the row, or a
  heading repeated in every cell), or whose only text is a title in the No. column,
  is a section heading: it opens a group ("1. Research and monitoring"). A numbered
  heading paragraph between programme tables does too.
* Every other row with text is an activity: its number from the No. column, else from
  the start of the activity text ("1.2 Develop ..."), and the text of each recognised
  column, with its place.
* Abbreviations the document defines in a legend, a footnote or a table of
  abbreviations ("SEC = Secretariat; AC = Advisory Committee") are kept; linking
  resolves them to the bodies of the instrument (``cmsgraph.link.link_work_programme``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..document import Document, Paragraph, Row, Style, Table
from ..model import (
    Abbreviation,
    CellText,
    Column,
    Field,
    LinkedWorkProgramme,
    ParseWarning,
    Place,
    ProgrammeActivity,
    ProgrammeGroup,
    WorkProgramme,
)
from ._base import Kind, document_info, passages

if TYPE_CHECKING:
    from ..gazetteer import Gazetteer

__all__ = ["COLUMN_WORDS", "KIND", "column_field", "read", "sniff"]

# The words that name each column, tried in this order (the first that matches wins):
# "Action by" is the responsible entity before "action" can make it the activity.
COLUMN_WORDS: tuple[tuple[Field, str], ...] = (
    (Field.NUMBER, r"^(?:no|nr|n°|#|number|ref|item|id|code)\.?$"),
    (Field.RESPONSIBLE, r"action by|responsib|\blead\b|\bactors?\b|implementer|executing|\bwho\b"),
    (Field.PARTNERS, r"partner|collaborat|in cooperation|\bsupport(?:ed)? by"),
    (Field.RELATED_DOCUMENTS, r"related doc|^documents?$|further information|^references?$"),
    (Field.MANDATE, r"mandate|resolution|link to|legal basis|decision|recommendation|basis"),
    (Field.PRIORITY, r"priority"),
    (Field.TIMEFRAME, r"time ?frame|timing|time ?scale|timeline|deadline|schedule|^when$|^period$"),
    (Field.RESOURCES, r"funding|resource|cost|budget|financ"),
    (Field.STATUS, r"status|progress"),
    (Field.ACTIVITY, r"activit|task|action|output|measure|description"),
)
_COLUMN_RES = tuple((which, re.compile(words, re.IGNORECASE)) for which, words in COLUMN_WORDS)
_GROUP_RE = re.compile(
    r"^(?:(?:objective|section|part|goal|theme|area)\s+)?"
    r"((?:\d{1,2}(?:\.\d{1,2})*)|[A-Z]|[IVX]{1,4})[.):]?\s+(\S.*)$",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.)]?(?:\s+|$)")
_ABBREVIATION = r"[A-Z][A-Za-z&]{0,9}"
_DEFINITION_RE = re.compile(
    rf"^\s*({_ABBREVIATION})\s*(?:=|:|–|—|-)\s*([A-Za-z][^=;\n]*?)\s*[.;,]?\s*$"
)
_LEGEND_RE = re.compile(r"^(?:legend|abbreviations?|acronyms?|key)\b\s*:?\s*", re.IGNORECASE)


def column_field(header: str) -> Field | None:
    """The field a column header names, by its words.

    >>> [column_field(h) for h in ("No.", "Action by", "Link to extant resolutions", "Timing")]
    [<Field.NUMBER: 'number'>, <Field.RESPONSIBLE: 'responsible'>, <Field.MANDATE: 'mandate'>, \
<Field.TIMEFRAME: 'timeframe'>]
    """
    text = " ".join(header.replace("\n", " ").split()).strip(" :*")
    if not text or len(text) > 60:
        return None
    return next((which for which, pattern in _COLUMN_RES if pattern.search(text)), None)


def _header(row: Row) -> dict[int, Field] | None:
    """The fields of a header row's columns (1-based), if the row is a programme header."""
    found: dict[int, Field] = {}
    filled = 0
    for column, cell in enumerate(row.cells, start=1):
        if not cell.text or cell.merged:
            continue
        filled += 1
        which = column_field(cell.text)
        if which is not None and which not in found.values():
            found[column] = which
    fields = set(found.values())
    if Field.ACTIVITY not in fields or len(fields) < 3 or len(found) < 0.6 * filled:
        return None
    return found


def _find_header(table: Table) -> tuple[int, dict[int, Field]] | None:
    for index, row in enumerate(table.rows[:3]):
        columns = _header(row)
        if columns is not None:
            return index, columns
    return None


def sniff(doc: Document) -> bool:
    """Whether a table of the document has a programme-of-work header row."""
    return any(_find_header(table) is not None for table in doc.tables())


def read(doc: Document) -> WorkProgramme:
    """The programme's columns, groups, activities and abbreviations. Never raises."""
    warnings: list[ParseWarning] = list(doc.warnings)
    info = document_info(doc, warnings)
    columns: tuple[Column, ...] = ()
    mapping: dict[int, Field] = {}
    header_texts: tuple[str, ...] = ()
    groups: list[ProgrammeGroup] = []
    activities: list[ProgrammeActivity] = []
    programme_tables: set[int] = set()
    last_block_was_programme = False
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if (
                programme_tables
                and block.style is Style.HEADING
                and (m := _GROUP_RE.match(block.text))
            ):
                groups.append(ProgrammeGroup(m.group(1), m.group(2).strip(), block.place))
            last_block_was_programme = last_block_was_programme and block.style is Style.FOOTNOTE
            continue
        found = _find_header(block)
        if found is not None:
            start, mapping = found
            header_row = block.rows[start]
            header_texts = header_row.texts
            if not columns:
                columns = tuple(
                    Column(which, header_row.cells[i - 1].text, i) for i, which in mapping.items()
                )
            rows: Sequence[Row] = block.rows[start + 1 :]
        elif last_block_was_programme and block.columns == len(header_texts):
            rows = block.rows  # the programme goes on in another table
        else:
            last_block_was_programme = False
            continue
        programme_tables.add(id(block))
        last_block_was_programme = True
        for row in rows:
            if row.texts == header_texts:
                continue  # the header, repeated
            heading = _heading(row, mapping)
            if heading is not None:
                number, title = heading
                groups.append(ProgrammeGroup(number, title, row.place))
                continue
            activity = _activity(row, mapping, len(activities) + 1, len(groups) or None)
            if activity is None:
                continue
            if not activity.text(Field.ACTIVITY):
                warnings.append(
                    ParseWarning(
                        doc.path,
                        row.place.line or 0,
                        "programme row without an activity text; kept",
                        row.place,
                    )
                )
            activities.append(activity)
    return WorkProgramme(
        path=doc.path,
        sha256=doc.sha256,
        format=doc.format,
        document=info,
        columns=columns,
        groups=tuple(groups),
        activities=tuple(activities),
        abbreviations=tuple(_abbreviations(doc, programme_tables)),
        passages=tuple(passages(doc, skip=lambda table: id(table) in programme_tables)),
        warnings=tuple(warnings),
    )


def _heading(row: Row, mapping: dict[int, Field]) -> tuple[str | None, str] | None:
    """(number, title) if the row is a section heading."""
    filled = [c for c in row.cells if c.text]
    if not filled:
        return None
    spans_the_row = len({c.text for c in filled}) == 1 and len(filled) >= 2 and len(row.cells) >= 3
    titles_the_number_column = (
        len(filled) == 1
        and mapping.get(filled[0].place.cell or 0) is Field.NUMBER
        and re.search(r"[A-Za-z]{3}", filled[0].text) is not None
    )
    title = filled[0].text if spans_the_row or titles_the_number_column else None
    if title is None:
        return None
    title = " ".join(title.split())
    if m := _GROUP_RE.match(title):
        return m.group(1), m.group(2).strip()
    return None, title


def _activity(
    row: Row, mapping: dict[int, Field], index: int, group: int | None
) -> ProgrammeActivity | None:
    cells: list[CellText] = []
    for column, which in sorted(mapping.items()):
        if column > len(row.cells):
            continue
        cell = row.cells[column - 1]
        notes = tuple(str(n) for n in cell.footnotes if n.text is not None)
        cells.append(CellText(which, cell.text, cell.place, notes))
    if not any(c.text for c in cells):
        return None
    number_cell = next((c.text for c in cells if c.field is Field.NUMBER and c.text), None)
    number = number_cell.rstrip(".") if number_cell else None
    if number is None:
        activity_text = next((c.text for c in cells if c.field is Field.ACTIVITY), "")
        if m := _NUMBER_RE.match(activity_text):
            number = m.group(1)
    return ProgrammeActivity(
        index=index,
        number=number,
        group=group,
        cells=tuple(cells),
        place=row.place,
        source_text=row.source,
    )


def _abbreviations(doc: Document, programme_tables: set[int]) -> Iterator[Abbreviation]:
    """Definitions in legends, footnotes (of paragraphs and cells) and abbreviation tables."""
    seen: set[str] = set()

    def emit(found: Iterator[tuple[str, str]], place: Place) -> Iterator[Abbreviation]:
        for short, expansion in found:
            if short not in seen:
                seen.add(short)
                yield Abbreviation(short, expansion, place)

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            legend = block.style is Style.FOOTNOTE or bool(_LEGEND_RE.match(block.text))
            if legend or block.text.count("=") >= 2:
                yield from emit(_definitions(block.text, strict=not legend), block.place)
            continue
        for row in block.rows:
            for cell in row.cells:
                for note in cell.footnotes:
                    if note.text:
                        yield from emit(_definitions(note.text, strict=False), cell.place)
            if id(block) in programme_tables or block.columns != 2:
                continue
            short, expansion = (c.text.strip() for c in row.cells[:2])
            if re.fullmatch(_ABBREVIATION, short) and _is_abbreviation(short) and expansion:
                yield from emit(iter([(short, " ".join(expansion.split()))]), row.place)


def _definitions(text: str, *, strict: bool) -> Iterator[tuple[str, str]]:
    """``SEC = Secretariat; AC = Advisory Committee`` -> (SEC, Secretariat), (AC, ...).
    ``strict``: only ``=`` defines (outside legends, a colon or dash means other things).
    """
    body = _LEGEND_RE.sub("", text.strip())
    for item in re.split(r"[;\n]|,\s+(?=[A-Z][A-Za-z&]{0,9}\s*(?:=|:|–|—))", body):
        m = _DEFINITION_RE.match(item)
        if m is None or not _is_abbreviation(m.group(1)):
            continue
        if strict and "=" not in item:
            continue
        yield m.group(1), " ".join(m.group(2).split()).rstrip(".")


def _is_abbreviation(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2


def _link(records: WorkProgramme, gazetteer: Gazetteer) -> LinkedWorkProgramme:
    from ..link import link_work_programme

    return link_work_programme(records, gazetteer)


KIND = Kind(
    name="programme-of-work",
    label="programme of work",
    records=WorkProgramme,
    sniff=sniff,
    read=read,
    link=_link,
)
