"""Parse CMS activity-report documents (text extracted from the PDF) into typed records.

The format, as UNEP/CMS/COP11/Doc.16.1 has it:

* a header of short lines: the document symbol (``UNEP/CMS/COP11/Doc.16.1``), the
  date, ``11th MEETING OF THE CONFERENCE OF THE PARTIES``, the place, ``Agenda Item
  16.1``, the title, a summary and prose;
* per activity area, a table ``NR.<TAB>ACTIVITY<TAB>DESCRIPTION`` and one row
  ``number<TAB>title<TAB>objectives``;
* then period sections: a header row ``[label]<TAB>ACTIVITY<TAB>PROGRESS ON
  IMPLEMENTATION|PLAN<TAB>RESOURCES`` and data rows ``[label]<TAB>activity<TAB>
  status<TAB>resources``. The period label (``SHORT TERM: BY 2014``) stands either on
  the header row or on the first data row.

Irregularities handled here: HTML fragments and entities in cells, footnote markers
(superscript digits) and their definitions, CRLF line endings, trailing empty cells,
rows naming several sub-activity codes (``(8.1 and 8.2)``), a nested HTML table in a
cell whose rows are then repeated flat (kept once), tables in any order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import InputError
from .model import ActivityArea, DocumentInfo, ParseWarning, Period, Report, ReportEntry

__all__ = ["parse_file", "parse_text", "split_codes"]

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUPERSCRIPT_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")

# UNEP/CMS/COP11/Doc.16.1, UNEP/AEWA/MOP6/Inf.3, UNEP/CMS/Raptors/MOS2/Doc.5
_SYMBOL_RE = re.compile(r"^(UNEP/[A-Z]+(?:/[A-Za-z]+)?/[A-Za-z]+\d+)/(?:Doc|Inf)\.?\s*[\w.]+$")
_DATE_RE = re.compile(r"^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$")
_MEETING_RE = re.compile(
    r"^(\d+)\s*(?:st|nd|rd|th)\s+(?:SESSION OF THE\s+)?MEETING OF THE (CONFERENCE OF THE PARTIES"
    r"|STANDING COMMITTEE|SCIENTIFIC COUNCIL|PARTIES|SIGNATORIES)",
    re.IGNORECASE,
)
_MEETING_SERIES = {
    "CONFERENCE OF THE PARTIES": "COP",
    "STANDING COMMITTEE": "StC",
    "SCIENTIFIC COUNCIL": "ScC",
    "PARTIES": "MOP",
    "SIGNATORIES": "MOS",
}
_AGENDA_RE = re.compile(r"^Agenda Item\s+([\w.]+)", re.IGNORECASE)
_RESOLUTION_RE = re.compile(r"\bRESOLUTION\s+(\d+\.\d+)", re.IGNORECASE)
_PERIOD_LABEL_RE = re.compile(r"^(SHORT|MEDIUM|LONG)[\s-]*TERM\s*:?\s*(?:BY\s*(\d{4}))?$", re.I)
_PERIOD_RANGE_RE = re.compile(
    r"\b(short|medium|long)[\s-]term\b[^()]{0,40}\((\d{4})\s*[-–]\s*(\d{4})\)", re.IGNORECASE
)
_FOOTNOTE_DEF_RE = re.compile(rf"^([{_SUPERSCRIPTS}]+)\s*(.+)$")
# The marker and the one space before it ("CAFF ¹"); not \s*, which backtracks
# quadratically over long runs of white space (50,000 nested tags make as many breaks).
_FOOTNOTE_MARK_RE = re.compile(rf"[ \t]?([{_SUPERSCRIPTS}]+)")
_TAG_BREAK_RE = re.compile(r"<\s*(?:br|/?p|/?li|/?tr|/?ol|/?ul|/?div)\b[^<>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_ORDINAL_SPLIT_RE = re.compile(r"\b(\d+) (st|nd|rd|th)\b")
_CODE_GROUP_RE = re.compile(
    r"\(\s*(\d{1,3}\.\d{1,3}(?:\s*(?:,|and|&|\+)\s*\d{1,3}\.\d{1,3})*)\s*\)"
)
_CODE_RE = re.compile(r"\d{1,3}\.\d{1,3}")
_ODD_CODE_RE = re.compile(r"\(\s*(\d+(?:\.\d+){2,})\s*\)")
_ROW_RE = re.compile(r"<tr\b[^>]*>(.*?)(?:</tr\s*>|(?=<tr\b)|$)", re.IGNORECASE | re.DOTALL)
_CELL_RE = re.compile(
    r"<(td|th)\b[^>]*>(.*?)(?:</(?:td|th)\s*>|(?=<t[dh]\b)|$)", re.IGNORECASE | re.DOTALL
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
        start=1,
    )
}  # fmt: skip
_COLUMN_HEADERS = {"ACTIVITY", "PROGRESS ON IMPLEMENTATION", "PLAN", "RESOURCES"}
# Limits: input beyond them is refused with a clear error rather than processed for
# minutes. Real reports are far below them (the seed: 39 KB, 33 rows).
MAX_LINE = 2_000_000  # characters in one line
MAX_CELL = 1_000_000  # characters in one cell
MAX_ROWS = 20_000  # report rows in one document


def parse_file(path: str | Path) -> Report:
    """Read and parse one activity-report document.

    :raises InputError: if the file is missing, empty, binary, not text, or not an
        activity report; the message names the file and, where there is one, the line.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(str(p), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(p), "is a directory, not a document") from None
    except OSError as exc:
        raise InputError(str(p), f"cannot be read: {exc.strerror or exc}") from None
    return parse_text(_decode(str(p), data), path=str(p), sha256=hashlib.sha256(data).hexdigest())


def _decode(path: str, data: bytes) -> str:
    if not data.strip():
        raise InputError(path, "empty file: an activity report was expected")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"invalid UTF-16 text at byte {exc.start}") from None
    if b"\x00" in data:
        if (text := _utf16_without_bom(data)) is not None:
            return text
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, "binary file (NUL byte): a text document was expected", line=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            path, f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x})", line=line
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Text that is UTF-16 without a byte-order mark: NULs on every other byte."""
    sample = data[:4096]
    if len(data) % 2 or len(sample) < 4:
        return None
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) > 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in text else text
    return None


def clean_cell(raw: str) -> tuple[str, tuple[str, ...]]:
    """Turn a cell's HTML fragment into plain text; return it with its footnote markers.

    Paragraph-level tags become line breaks, other tags go, entities are decoded,
    superscript footnote markers are removed (and returned), and "18 th" becomes "18th".

    >>> clean_cell("<p>Cooperated with CAFF ¹ in the&nbsp;Index.</p> <p>See Doc 19.1.</p>")
    ('Cooperated with CAFF in the Index.\\nSee Doc 19.1.', ('1',))
    """
    text = _TAG_BREAK_RE.sub("\n", raw)
    text = _TAG_RE.sub(" ", text)
    text = html.unescape(text)
    markers = tuple(m.translate(_SUPERSCRIPT_DIGITS) for m in _FOOTNOTE_MARK_RE.findall(text))
    text = _FOOTNOTE_MARK_RE.sub("", text)
    text = _ORDINAL_SPLIT_RE.sub(r"\1\2", text)
    lines = (" ".join(part.split()) for part in text.split("\n"))
    return "\n".join(line for line in lines if line), markers


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
    seen_rows: dict[tuple[str, str, str, str, str], int] = field(default_factory=dict)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    footnotes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # (line, text)
    markers: dict[int, tuple[str, ...]] = field(default_factory=dict)  # entry position -> markers
    rows: int = 0  # table rows read, repeats included

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.path, line, message))


def parse_text(text: str, *, path: str = "<text>", sha256: str | None = None) -> Report:
    """Parse the text of an activity report.

    :raises InputError: if the text is not an activity report (no activity table, no
        document symbol) or a table row cannot be placed (the message gives the line).
    """
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    control = _CONTROL_RE.search(text)
    if control:  # XML 1.0 (RDF/XML) cannot carry them; the graph must survive every format
        text = _CONTROL_RE.sub("\ufffd", text)
    lines = re.split(r"\r\n|\r|\n", text)
    first_table = next((i for i, ln in enumerate(lines) if _is_area_header(ln)), None)
    if first_table is None:
        raise InputError(
            path,
            "not a CMS activity report: no activity table "
            "(a line 'NR.<TAB>ACTIVITY<TAB>DESCRIPTION') found",
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise InputError(
                path,
                f"line of {len(line):,} characters exceeds the limit of {MAX_LINE:,}",
                line=number,
            )
    header_lines = lines[:first_table]
    document = _parse_header(path, header_lines)
    state = _State(path=path, ranges=_period_ranges(text))
    if control:
        where = len(re.split(r"\r\n|\r|\n", text[: control.start()]))
        state.warn(where, "control characters replaced by U+FFFD (first on this line)")
    prose: list[str] = [ln.strip() for ln in header_lines if ln.strip()]
    section: _Section | None = None
    expecting_area = False
    for number, line in enumerate(lines[first_table:], start=first_table + 1):
        if not line.strip():
            continue
        if _is_area_header(line):
            expecting_area, section = True, None
            continue
        cells = [c.strip() for c in line.split("\t")]
        if expecting_area:
            section = _Section(_parse_area(state, number, cells))
            expecting_area = False
            continue
        footnote = _FOOTNOTE_DEF_RE.match(line.strip())
        if "\t" not in line:
            if footnote:
                marker = footnote.group(1).translate(_SUPERSCRIPT_DIGITS)
                state.footnotes.setdefault(marker, []).append((number, footnote.group(2)))
            else:
                prose.append(line.strip())
            continue
        assert section is not None  # an area row always follows the area header
        _parse_table_line(state, section, number, line, cells)
    if not state.areas:
        raise InputError(
            path, "activity table header without an activity row", line=first_table + 1
        )
    for area in state.areas.values():
        if not any(e.area == area.number for e in state.entries):
            state.warn(area.line, f"activity area {area.number} has no report rows")
    entries = tuple(_attach_footnotes(state, i, e) for i, e in enumerate(state.entries))
    return Report(
        path=path,
        sha256=sha256,
        document=document,
        areas=tuple(sorted(state.areas.values(), key=lambda a: int(a.number))),
        entries=entries,
        prose="\n".join(prose),
        warnings=tuple(state.warnings),
    )


def _is_area_header(line: str) -> bool:
    cells = [c.strip().upper() for c in line.split("\t") if c.strip()]
    return cells[:3] == ["NR.", "ACTIVITY", "DESCRIPTION"]


def _parse_header(path: str, lines: list[str]) -> DocumentInfo:
    stripped = [ln.strip().strip("*").strip() for ln in lines]
    symbol = context = None
    date = meeting = meeting_title = place = agenda = title = None
    for i, line in enumerate(stripped):
        if symbol is None and (m := _SYMBOL_RE.match(line)):
            symbol, context = line, m.group(1)
        elif date is None and (m := _DATE_RE.match(line)) and m.group(2) in _MONTHS:
            with contextlib.suppress(ValueError):  # "31 February 2014" is no date
                date = datetime(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))).date()
        elif meeting is None and (m := _MEETING_RE.match(line)):
            meeting = f"{_MEETING_SERIES[m.group(2).upper()]}{int(m.group(1))}"
            meeting_title = line
            place = next((s for s in stripped[i + 1 :] if s), None)
        elif agenda is None and (m := _AGENDA_RE.match(line)):
            agenda = m.group(1).rstrip(".")
            title = next((s for s in stripped[i + 1 :] if s), None)
    if symbol is None or context is None:
        raise InputError(
            path,
            "no document symbol (a line like 'UNEP/CMS/COP11/Doc.16.1') before the first "
            "activity table",
        )
    if title is None:
        title = symbol
    summary = _summary(stripped)
    resolution = None
    for candidate in (title, summary):
        if m := _RESOLUTION_RE.search(candidate):
            resolution = m.group(1)
            break
    if meeting is None:
        m = re.search(r"/([A-Za-z]+)(\d+)$", context)
        meeting = f"{m.group(1)}{int(m.group(2))}" if m else None
    return DocumentInfo(
        symbol=symbol,
        context=context,
        title=title,
        date=date.isoformat() if date else None,
        meeting=meeting,
        meeting_title=meeting_title,
        place=place,
        agenda_item=agenda,
        resolution=resolution,
        summary=summary,
    )


def _summary(lines: list[str]) -> str:
    try:
        start = next(i for i, ln in enumerate(lines) if ln.rstrip(":").lower() == "summary")
    except StopIteration:
        return ""
    out: list[str] = []
    for line in lines[start + 1 :]:
        if line.lower().startswith(("(prepared by", "introduction")) or (
            out and line.isupper() and len(line) > 20
        ):
            break
        if line:
            out.append(line)
    return "\n".join(out)


def _period_ranges(text: str) -> dict[str, tuple[int, int]]:
    ranges: dict[str, tuple[int, int]] = {}
    for m in _PERIOD_RANGE_RE.finditer(text[:200_000]):
        ranges.setdefault(m.group(1).lower(), (int(m.group(2)), int(m.group(3))))
    return ranges


def _parse_area(state: _State, number: int, cells: list[str]) -> ActivityArea:
    cells = [c for c in cells if c] + ["", "", ""]
    if not re.fullmatch(r"\d{1,3}", cells[0]):
        raise InputError(
            state.path,
            f"expected an activity-area row 'NUMBER<TAB>TITLE<TAB>DESCRIPTION' after the "
            f"'NR.' header, found {cells[0][:40]!r}",
            line=number,
        )
    area_number = str(int(cells[0]))
    title, _ = clean_cell(cells[1])
    description, _ = clean_cell(cells[2])
    objectives = tuple(
        " ".join(part.split())
        for part in re.split(r"(?:^|\s)-\s+(?=\S)", description)
        if part.strip()
    )
    if not title:
        state.warn(number, f"activity area {area_number} has no title")
    title = " ".join(title.split()).rstrip(".")
    if area_number in state.areas:
        state.warn(
            number,
            f"activity area {area_number} appears again (first at line "
            f"{state.areas[area_number].line}); its rows join the same area",
        )
        return state.areas[area_number]
    area = ActivityArea(area_number, title, objectives, number)
    state.areas[area_number] = area
    return area


def _period(state: _State, number: int, label: str) -> Period:
    m = _PERIOD_LABEL_RE.match(label)
    assert m is not None
    term = m.group(1).lower()
    by = int(m.group(2)) if m.group(2) else None
    known = state.ranges.get(term)
    if known and (by is None or known[1] == by):
        return Period(term, *known)
    if by is None:
        raise InputError(
            state.path,
            f"period label {label!r} gives no year and the document states no {term}-term range",
            line=number,
        )
    if known:
        state.warn(
            number,
            f"{label!r} disagrees with the {term} term {known[0]}-{known[1]} "
            f"stated in the document; using {by - 2}-{by}",
        )
    return Period(term, by - 2, by)


def _parse_table_line(
    state: _State, section: _Section, number: int, line: str, cells: list[str]
) -> None:
    if _PERIOD_LABEL_RE.match(cells[0]):
        section.period = _period(state, number, cells[0])
        section.status_kind = None
        cells = cells[1:]
    elif not cells[0]:
        cells = cells[1:]
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        return
    if _is_column_header(cells[:3]):
        section.status_kind = "plan" if cells[1].upper() == "PLAN" else "progress"
        cells = cells[3:]
        if not cells:
            return
    if section.period is None:
        raise InputError(
            state.path,
            f"report row in activity area {section.area.number} before any period label "
            "('SHORT TERM: BY 2014' or 'MEDIUM TERM: BY 2017')",
            line=number,
        )
    for row in _rows(state, number, cells):
        _add_row(state, section, number, line, row)


def _is_column_header(cells: list[str]) -> bool:
    return (
        len(cells) >= 3
        and cells[0].upper() == "ACTIVITY"
        and cells[2].upper() == "RESOURCES"
        and cells[1].upper() in _COLUMN_HEADERS
    )


def _rows(state: _State, number: int, cells: list[str]) -> Iterator[list[str]]:
    """Split a line's cells into report rows of three cells (activity, status, resources).

    A cell holding a nested ``<table>`` contributes that table's rows; the cells after
    it repeat the table flat (header, then rows) and are kept only where they differ.
    """
    for cell in cells:
        if len(cell) > MAX_CELL:
            raise InputError(
                state.path,
                f"cell of {len(cell):,} characters exceeds the limit of {MAX_CELL:,}",
                line=number,
            )
    if any("<table" in c.lower() for c in cells):
        rest: list[str] = []
        for cell in cells:
            tables = _tables(cell)
            if not tables:
                rest.append(cell)
                continue
            for table in tables:
                for row_html in _ROW_RE.findall(table):
                    row = [c for _, c in _CELL_RE.findall(row_html)]
                    plain = [clean_cell(c)[0] for c in row]
                    if row and not _is_column_header(plain):
                        yield _three(state, number, row)
        cells = rest  # empty cells kept: they hold their column
        while cells and not cells[0]:
            cells = cells[1:]
        while cells:
            chunk, cells = cells[:3], cells[3:]
            if not _is_column_header(chunk):
                yield _three(state, number, chunk)
        return
    if len(cells) > 3:
        raise InputError(
            state.path,
            f"broken table row: {len(cells)} cells where ACTIVITY, STATUS and RESOURCES "
            "(3) were expected",
            line=number,
        )
    yield _three(state, number, cells)


def _tables(cell: str) -> list[str]:
    """The ``<table>...</table>`` fragments of a cell (an unclosed one runs to the end).

    A plain scan rather than a lazy regex, which would be quadratic on many unclosed
    tables.
    """
    lower, found, start = cell.lower(), [], 0
    while (begin := lower.find("<table", start)) != -1:
        end = lower.find("</table", begin)
        end = len(cell) if end == -1 else lower.find(">", end) + 1 or len(cell)
        found.append(cell[begin:end])
        start = end
    return found


def _three(state: _State, number: int, cells: list[str]) -> list[str]:
    if len(cells) > 3:
        raise InputError(
            state.path, f"broken table row: {len(cells)} cells where 3 were expected", line=number
        )
    return [*cells, "", "", ""][:3]


def _add_row(state: _State, section: _Section, number: int, line: str, row: list[str]) -> None:
    assert section.period is not None
    (activity, m1), (status, m2), (resources, m3) = (clean_cell(c) for c in row)
    period = section.period
    state.rows += 1
    if state.rows > MAX_ROWS:
        raise InputError(
            state.path, f"more than {MAX_ROWS:,} report rows: refused as too large", line=number
        )
    key = (section.area.number, period.label, activity, status, resources)
    if key in state.seen_rows:
        return  # the flat repeat of a nested table's row (see _rows)
    state.seen_rows[key] = number
    if not activity:
        state.warn(number, "report row with an empty ACTIVITY cell")
    code_texts = split_codes(activity)
    for odd in _ODD_CODE_RE.findall(activity):
        state.warn(number, f"unusual sub-activity code ({odd}) is not of the form N.N; ignored")
    if activity and not code_texts:
        state.warn(
            number, "no sub-activity code '(N.N)' in the ACTIVITY cell; row kept without one"
        )
    counter = (section.area.number, period.label)
    state.counters[counter] = state.counters.get(counter, 0) + 1
    status_kind = section.status_kind or ("progress" if period.term == "short" else "plan")
    markers = m1 + m2 + m3
    if markers:
        state.markers[len(state.entries)] = markers
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
            line=number,
            source_text=line.rstrip("\t"),
        )
    )


def _attach_footnotes(state: _State, position: int, entry: ReportEntry) -> ReportEntry:
    """Give a row the texts of its footnote markers.

    Numbering may restart (per page, per table), so a marker means the first footnote
    of that number *after* the row, else the last one before it.
    """
    texts = []
    for marker in state.markers.get(position, ()):
        definitions = state.footnotes.get(marker, [])
        after = [text for line, text in definitions if line > entry.line]
        before = [text for line, text in definitions if line < entry.line]
        if after or before:
            texts.append(f"{marker} {(after or before[-1:])[0]}")
        else:
            state.warn(entry.line, f"footnote marker {marker} has no footnote text")
    return dataclasses.replace(entry, footnotes=tuple(texts)) if texts else entry
