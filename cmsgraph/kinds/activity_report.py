"""Activity reports: the tables of activities under a resolution (Resolution 10.9's kind).

As UNEP/CMS/COP11/Doc.16.1 has them, whatever the file format:

* per activity area, a table ``NR. | ACTIVITY | DESCRIPTION`` and one row
  ``number | title | objectives``;
* then period sections: a header row ``[label] | ACTIVITY | PROGRESS ON
  IMPLEMENTATION or PLAN | RESOURCES`` and data rows ``[label] | activity | status |
  resources``. The period label (``SHORT TERM: BY 2014``) stands either on the header
  row or on the first data row.

Rows are read in document order across tables (a format may put an area's rows in one
table or several). Irregularities handled: rows naming several sub-activity codes
(``(8.1 and 8.2)``), a code reported under another area's table, a nested table in a
cell whose rows the line then repeats flat (kept once, ``.txt``), trailing empty cells,
footnote markers (their texts attached to the row), tables in any order. Period years
come from the document's own summary ("short term (2012-2014)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..document import Cell, Document, Paragraph, Row, Style
from ..errors import InputError
from ..header import HeaderFields, header_fields
from ..model import (
    ActivityArea,
    DocumentInfo,
    Format,
    LinkedReport,
    ParseWarning,
    Period,
    Place,
    Report,
    ReportEntry,
)
from ._base import Kind, identifier_from_path

if TYPE_CHECKING:
    from ..gazetteer import Gazetteer

__all__ = ["KIND", "read", "sniff", "split_codes"]

_PERIOD_LABEL_RE = re.compile(r"^(SHORT|MEDIUM|LONG)[\s-]*TERM\s*:?\s*(?:BY\s*(\d{4}))?$", re.I)
_PERIOD_RANGE_RE = re.compile(
    r"\b(short|medium|long)[\s-]term\b[^()]{0,40}\((\d{4})\s*[-–]\s*(\d{4})\)", re.IGNORECASE
)
_CODE_GROUP_RE = re.compile(
    r"\(\s*(\d{1,3}\.\d{1,3}(?:\s*(?:,|and|&|\+)\s*\d{1,3}\.\d{1,3})*)\s*\)"
)
_CODE_RE = re.compile(r"\d{1,3}\.\d{1,3}")
_ODD_CODE_RE = re.compile(r"\(\s*(\d+(?:\.\d+){2,})\s*\)")
_OBJECTIVE_SPLIT_RE = re.compile(r"(?:^|\s)[-–•]\s+(?=\S)")
_COLUMN_HEADERS = {"ACTIVITY", "PROGRESS ON IMPLEMENTATION", "PLAN", "RESOURCES"}
MAX_ROWS = 20_000  # report rows in one document, repeats included


def sniff(doc: Document) -> bool:
    """Whether the document has an activity table (a row ``NR. | ACTIVITY | DESCRIPTION``)."""
    return any(_is_area_header(row) for table in doc.tables() for row in table.rows)


def split_codes(activity_text: str) -> list[tuple[str, str]]:
    """The sub-activity codes an ACTIVITY cell names, each with the text that names it.

    >>> split_codes("Planning. Analysis of plans. (6.1) Development. (6.2)")
    [('6.1', 'Planning. Analysis of plans.'), ('6.2', 'Development.')]
    >>> split_codes("Regionalize efforts. (8.1 and 8.2).")
    [('8.1', 'Regionalize efforts.'), ('8.2', 'Regionalize efforts.')]
    """
    found: list[tuple[str, str]] = []
    last = 0
    for match in _CODE_GROUP_RE.finditer(activity_text):
        segment = activity_text[last : match.start()]
        segment = re.sub(r"^[\s.;)]+|^\d+\.\s+", "", segment.strip()).strip()
        segment = " ".join(segment.split())
        for code in _CODE_RE.findall(match.group(1)):
            if code not in (c for c, _ in found):
                found.append((_normalise_code(code), segment))
        last = match.end()
    return found


def _normalise_code(code: str) -> str:
    area, sub = code.split(".")
    return f"{int(area)}.{int(sub)}"


@dataclass
class _Section:
    area: ActivityArea
    period: Period | None = None
    status_kind: str | None = None


@dataclass
class _State:
    path: str
    ranges: dict[str, tuple[int, int]]
    warnings: list[ParseWarning] = field(default_factory=list)
    areas: dict[str, ActivityArea] = field(default_factory=dict)
    entries: list[ReportEntry] = field(default_factory=list)
    seen_rows: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    cells: dict[int, tuple[Cell, ...]] = field(default_factory=dict)  # entry position -> cells
    rows: int = 0  # report rows read, repeats included

    def warn(self, place: Place, message: str) -> None:
        self.warnings.append(ParseWarning(self.path, place.line or 0, message, place))

    def error(self, place: Place, message: str) -> InputError:
        if place.line is not None:
            return InputError(self.path, message, line=place.line)
        return InputError(self.path, f"{place}: {message}")


def read(doc: Document, *, strict: bool = False) -> Report:
    """The activity report a document holds.

    ``strict`` (the ``.txt`` contract of :func:`cmsgraph.parse_file`): a document
    without an activity table or without a printed symbol is an error. Otherwise a
    missing symbol is made from the file name, with a warning.

    :raises InputError: no activity table (strict), no symbol (strict), or a row that
        cannot be placed (before any period label, a broken row); the message gives
        the line (``.txt``) or the table and row.
    """
    items = list(_items(doc))
    first = next((i for i, (kind, _) in enumerate(items) if kind == "area-header"), None)
    if first is None:
        raise InputError(
            doc.path,
            "not a CMS activity report: no activity table "
            "(a line 'NR.<TAB>ACTIVITY<TAB>DESCRIPTION') found",
        )
    prose: list[str] = []
    header_lines: list[str] = []
    for _, item in items[:first]:
        if isinstance(item, Paragraph):
            lines = item.text.split("\n") if doc.format is not Format.TXT else [item.text]
            header_lines.extend(lines)
            prose.extend(line.strip() for line in lines if line.strip())
        else:
            assert isinstance(item, Row)
            text = item.source.strip() if doc.format is Format.TXT else "\t".join(item.texts)
            header_lines.append(text)
            if text.strip():
                prose.append(text.strip())
    fields = header_fields(header_lines)
    state = _State(path=doc.path, ranges=_period_ranges(doc.text()), warnings=list(doc.warnings))
    document = _document_info(doc, fields, strict, state)
    section: _Section | None = None
    expecting_area = False
    for kind, item in items[first:]:
        if kind == "area-header":
            expecting_area, section = True, None
            continue
        if isinstance(item, Paragraph):
            if item.style is not Style.FOOTNOTE:
                prose.append(item.text)
            continue
        assert isinstance(item, Row)
        if expecting_area:
            section = _Section(_parse_area(state, item))
            expecting_area = False
            continue
        if section is None:  # rows of another table after the activity tables end
            continue
        _parse_row(state, section, item)
    if not state.areas:
        raise state.error(items[first][1].place, "activity table header without an activity row")
    for area in state.areas.values():
        if not any(e.area == area.number for e in state.entries):
            state.warn(
                area.place or Place(line=area.line),
                f"activity area {area.number} has no report rows",
            )
    entries = tuple(_attach_footnotes(state, i, e) for i, e in enumerate(state.entries))
    return Report(
        path=doc.path,
        sha256=doc.sha256,
        document=document,
        areas=tuple(sorted(state.areas.values(), key=lambda a: int(a.number))),
        entries=entries,
        prose="\n".join(prose),
        warnings=tuple(state.warnings),
        format=doc.format,
    )


def _items(doc: Document) -> Iterator[tuple[str, Paragraph | Row]]:
    """The document's paragraphs and table rows in reading order, area headers marked."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield "paragraph", block
            continue
        for row in block.rows:
            yield ("area-header" if _is_area_header(row) else "row"), row


def _is_area_header(row: Row) -> bool:
    cells = [c.text.strip().upper() for c in row.cells if c.text.strip() and not c.merged]
    return cells[:3] == ["NR.", "ACTIVITY", "DESCRIPTION"]


def _document_info(
    doc: Document, fields: HeaderFields, strict: bool, state: _State
) -> DocumentInfo:
    symbol, context, printed = fields.symbol, fields.context, True
    if symbol is None or context is None:
        if strict:
            raise InputError(
                doc.path,
                "no document symbol (a line like 'UNEP/CMS/COP11/Doc.16.1') before the first "
                "activity table",
            )
        symbol, context, printed = identifier_from_path(doc.path), "", False
        state.warn(
            doc.header.place,
            f"no document symbol printed: identified by its file name as {symbol!r}",
        )
    return DocumentInfo(
        symbol=symbol,
        context=context,
        title=fields.title if fields.title is not None else symbol,
        date=fields.date,
        meeting=fields.meeting,
        meeting_title=fields.meeting_title,
        place=fields.venue,
        agenda_item=fields.agenda_item,
        resolution=fields.resolution,
        summary=fields.summary,
        printed_symbol=printed,
    )


def _period_ranges(text: str) -> dict[str, tuple[int, int]]:
    ranges: dict[str, tuple[int, int]] = {}
    for m in _PERIOD_RANGE_RE.finditer(text[:200_000]):
        ranges.setdefault(m.group(1).lower(), (int(m.group(2)), int(m.group(3))))
    return ranges


def _filled(row: Row) -> list[Cell]:
    """The row's cells, copies of merged cells left out (they stand once, at their origin)."""
    return [c for c in row.cells if not c.merged]


def _parse_area(state: _State, row: Row) -> ActivityArea:
    cells = [c.text for c in _filled(row) if not c.empty] + ["", "", ""]
    if not re.fullmatch(r"\d{1,3}\.?", cells[0]):
        raise state.error(
            row.place,
            f"expected an activity-area row 'NUMBER<TAB>TITLE<TAB>DESCRIPTION' after the "
            f"'NR.' header, found {cells[0][:40]!r}",
        )
    area_number = str(int(cells[0].rstrip(".")))
    title, description = cells[1], cells[2]
    objectives = tuple(
        " ".join(part.split())
        for line in description.split("\n")
        for part in _OBJECTIVE_SPLIT_RE.split(line)
        if part.strip()
    )
    if not title:
        state.warn(row.place, f"activity area {area_number} has no title")
    title = " ".join(title.split()).rstrip(".")
    if area_number in state.areas:
        first = state.areas[area_number]
        where = f"line {first.line}" if first.line else str(first.place)
        state.warn(
            row.place,
            f"activity area {area_number} appears again (first at {where}); "
            "its rows join the same area",
        )
        return state.areas[area_number]
    area = ActivityArea(area_number, title, objectives, row.place.line or 0, row.place)
    state.areas[area_number] = area
    return area


def _period(state: _State, place: Place, label: str) -> Period:
    m = _PERIOD_LABEL_RE.match(label)
    assert m is not None
    term = m.group(1).lower()
    by = int(m.group(2)) if m.group(2) else None
    known = state.ranges.get(term)
    if known and (by is None or known[1] == by):
        return Period(term, *known)
    if by is None:
        raise state.error(
            place,
            f"period label {label!r} gives no year and the document states no {term}-term range",
        )
    if known:
        state.warn(
            place,
            f"{label!r} disagrees with the {term} term {known[0]}-{known[1]} "
            f"stated in the document; using {by - 2}-{by}",
        )
    return Period(term, by - 2, by)


def _parse_row(state: _State, section: _Section, row: Row) -> None:
    cells = _filled(row)
    if cells and _PERIOD_LABEL_RE.match(cells[0].text):
        section.period = _period(state, row.place, cells[0].text)
        section.status_kind = None
        cells = cells[1:]
    elif cells and cells[0].empty:
        cells = cells[1:]
    while cells and cells[-1].empty:
        cells.pop()
    if not cells:
        return
    if _is_column_header([c.text for c in cells[:3]]):
        section.status_kind = "plan" if cells[1].text.upper() == "PLAN" else "progress"
        cells = cells[3:]
        if not cells:
            return
    if section.period is None:
        raise state.error(
            row.place,
            f"report row in activity area {section.area.number} before any period label "
            "('SHORT TERM: BY 2014' or 'MEDIUM TERM: BY 2017')",
        )
    for three in _rows(state, row, cells):
        _add_row(state, section, row, three)


def _is_column_header(texts: list[str]) -> bool:
    return (
        len(texts) >= 3
        and texts[0].upper() == "ACTIVITY"
        and texts[2].upper() == "RESOURCES"
        and texts[1].upper() in _COLUMN_HEADERS
    )


def _rows(state: _State, row: Row, cells: list[Cell]) -> Iterator[list[Cell]]:
    """Split a row's cells into report rows of three cells (activity, status, resources).

    A cell holding a nested table contributes that table's rows; the cells after it
    repeat the table flat (header, then rows) and are kept only where they differ.
    """
    if any(c.tables for c in cells):
        rest: list[Cell] = []
        for cell in cells:
            if not cell.tables:
                rest.append(cell)
                continue
            for table in cell.tables:
                for nested in table.rows:
                    if nested.cells and not _is_column_header(list(nested.texts)):
                        yield _three(state, row, list(nested.cells))
        cells = rest  # empty cells kept: they hold their column
        while cells and cells[0].empty:
            cells = cells[1:]
        while cells:
            chunk, cells = cells[:3], cells[3:]
            if not _is_column_header([c.text for c in chunk]):
                yield _three(state, row, chunk)
        return
    if len(cells) > 3:
        raise state.error(
            row.place,
            f"broken table row: {len(cells)} cells where ACTIVITY, STATUS and RESOURCES "
            "(3) were expected",
        )
    yield _three(state, row, cells)


def _three(state: _State, row: Row, cells: list[Cell]) -> list[Cell]:
    if len(cells) > 3:
        raise state.error(row.place, f"broken table row: {len(cells)} cells where 3 were expected")
    while len(cells) < 3:
        cells = [*cells, Cell("", row.place)]
    return cells


def _add_row(state: _State, section: _Section, row: Row, cells: list[Cell]) -> None:
    assert section.period is not None
    activity, status, resources = (c.text for c in cells)
    period = section.period
    state.rows += 1
    if state.rows > MAX_ROWS:
        raise state.error(row.place, f"more than {MAX_ROWS:,} report rows: refused as too large")
    key = (section.area.number, period.label, activity, status, resources)
    if key in state.seen_rows:
        return  # the flat repeat of a nested table's row (see _rows)
    state.seen_rows.add(key)
    if not activity:
        state.warn(row.place, "report row with an empty ACTIVITY cell")
    code_texts = split_codes(activity)
    for odd in _ODD_CODE_RE.findall(activity):
        state.warn(row.place, f"unusual sub-activity code ({odd}) is not of the form N.N; ignored")
    if activity and not code_texts:
        state.warn(
            row.place, "no sub-activity code '(N.N)' in the ACTIVITY cell; row kept without one"
        )
    counter = (section.area.number, period.label)
    state.counters[counter] = state.counters.get(counter, 0) + 1
    status_kind = section.status_kind or ("progress" if period.term == "short" else "plan")
    if any(c.footnotes for c in cells):
        state.cells[len(state.entries)] = tuple(cells)
    state.entries.append(
        ReportEntry(
            area=section.area.number,
            period=period,
            index=state.counters[counter],
            codes=tuple(code for code, _ in code_texts),
            code_texts=tuple(code_texts),
            activity_text=activity,
            status_text=status,
            status_kind=status_kind,
            resources_text=resources,
            line=row.place.line or 0,
            source_text=row.source,
            place=row.place,
        )
    )


def _attach_footnotes(state: _State, position: int, entry: ReportEntry) -> ReportEntry:
    """Give a row the texts of its footnote markers (the readers found them)."""
    texts = []
    for cell in state.cells.get(position, ()):
        for note in cell.footnotes:
            if note.text is not None:
                texts.append(str(note))
            else:
                state.warn(
                    entry.place or Place(), f"footnote marker {note.marker} has no footnote text"
                )
    return replace(entry, footnotes=tuple(texts)) if texts else entry


def _link(records: Report, gazetteer: Gazetteer) -> LinkedReport:
    from ..link import link_report

    return link_report(records, gazetteer)


KIND = Kind(
    name="activity-report",
    label="activity report",
    records=Report,
    sniff=sniff,
    read=read,
    link=_link,
)
