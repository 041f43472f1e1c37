"""PDF files, read with pdfplumber (and pdfminer.six beneath it).

What a PDF holds is glyphs at positions and the lines of tables; the reader rebuilds the
document from them:

* **Tables** are found from the ruling lines (pdfplumber's table finder, fed the page's
  rectangles and lines). A cell spanning columns or rows stands at every position it
  covers (copies marked ``merged``). A table that runs over pages is joined when the
  table at the top of a page has the same columns as the one that ended the page
  before with nothing in between; the header rows it repeats there are dropped.
* **Cells**: the lines of a cell whose next word would not have fitted on the line
  before are wrapped lines and are joined with a space; a line the next word would
  have fitted on ends a paragraph or list item, which becomes a line of the cell's
  text. Bullets (``•``) start lines and are dropped.
* **Paragraphs** outside tables: lines are grouped into paragraphs by the space between
  them, font size and weight (bold lines are headings), a numbered or bulleted start,
  and lines that end short of the column (as in cells).
* **Footnotes**: superscript glyphs (smaller, raised) of at most three characters are
  markers, taken out of the text; footnotes are the small print at the foot of the
  page, each starting with its number. A marker means the footnote of that number on
  its page, else the next page that has one, else the last before.
* **Running headers and footers** (text repeated in the top or bottom margin of most
  pages) and page numbers are dropped.

Places: page, paragraph; table, row, cell with the page each row stands on.

Refused: encrypted PDFs (a password is needed to open them), PDFs without a text
layer (scans: run OCR first), broken or truncated files, files that are not PDFs.
"""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..document import Cell, Document, Footnote, Row, Style, Table
from ..errors import InputError
from ..model import Format, Place
from ._common import MAX_PAGES, Builder, clean_lines, sha256, squash, without_controls

__all__ = ["read"]

_BULLET_RE = re.compile(r"^[•▪◦●○■□➢►‣⁃]\s*")
_LIST_START_RE = re.compile(r"^(?:[•▪◦●○■□➢►‣⁃–-]\s|\(?[a-z]\)\s|\(?[ivx]{1,4}\)\s|\d{1,3}[.)]\s)")
_MARKER_RE = re.compile(r"^([0-9]{1,3}|[a-z]|[*†‡§])$")
_FOOTNOTE_START_RE = re.compile(r"^([0-9]{1,3})\s+(\S.*)$")
_HYPHEN_END_RE = re.compile(r"[a-z]-$")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?-?\s*\d{1,4}\s*-?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_PARAGRAPH_GAP = 0.55  # space between lines (in font sizes) that ends a paragraph
_MARGIN = 0.09  # the top and bottom 9 % of a page hold running headers and footers


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    middle: float = 0.0  # vertical centre
    centre: float = 0.0  # horizontal centre

    def __post_init__(self) -> None:
        self.middle = (self.top + self.bottom) / 2
        self.centre = (self.x0 + self.x1) / 2


@dataclass
class _Line:
    """A line of text: its characters (superscripts taken out as markers)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word: float  # width of its first word
    markers: list[str] = field(default_factory=list)


@dataclass
class _PageTable:
    bbox: tuple[float, float, float, float]
    columns: list[float]  # x0 of each column
    rows: list[list[tuple[str, list[str], bool]]]  # (text, markers, merged) per column
    tops: list[float]


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line]  # outside tables, in reading order
    tables: list[_PageTable]


def read(data: bytes, path: str) -> Document:
    """Read a PDF.

    :raises InputError: not a PDF, encrypted, broken or truncated, or without a text
        layer (a scan).
    """
    if not data.strip():
        raise InputError(path, "empty file: a PDF was expected")
    if b"%PDF-" not in data[:1024]:
        raise InputError(path, "not a PDF file (no %PDF header)")
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _open_error(path, exc) from None
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        raise InputError(path, f"broken or truncated PDF ({_reason(exc)})") from None
    builder = Builder(path, Format.PDF, sha256(data))
    try:
        pages = _pages(path, pdf)
    finally:
        pdf.close()
    builder.pages = len(pages)
    if not any(line.text.strip() for page in pages for line in page.lines) and not any(
        text for page in pages for table in page.tables for row in table.rows for text, _, _ in row
    ):
        raise InputError(path, "no text layer (a scan?): run OCR first")
    _Assembler(builder, pages).run()
    return builder.build()


def _open_error(path: str, exc: Exception) -> InputError:
    inner = exc.args[0] if exc.args else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return InputError(path, "encrypted PDF: a password is needed to open it")
    return InputError(path, f"broken or truncated PDF ({_reason(inner)})")


def _reason(exc: object) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _pages(path: str, pdf: Any) -> list[_Page]:
    try:
        count = len(pdf.pages)
    except Exception as exc:
        raise InputError(path, f"broken or truncated PDF ({_reason(exc)})") from None
    if count > MAX_PAGES:
        raise InputError(path, f"more than {MAX_PAGES:,} pages: refused as too large")
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            layout = page.layout
        except Exception as exc:
            if "Password" in type(exc).__name__ or "Encrypt" in type(exc).__name__:
                raise InputError(path, "encrypted PDF: a password is needed to open it") from None
            raise InputError(path, f"page {number}: broken PDF ({_reason(exc)})") from None
        try:
            chars, edges = _objects(layout, float(page.height))
            out.append(_read_page(page, number, chars, edges))
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError) as exc:
            # pdfplumber's table finder on degenerate geometry of a damaged file
            raise InputError(path, f"page {number}: broken PDF ({_reason(exc)})") from None
    return out


def _objects(layout: Any, height: float) -> tuple[list[_Char], list[dict[str, Any]]]:
    """The page's characters and the edges of its rectangles and lines (pdfminer's
    layout objects, read directly: much faster than pdfplumber's object dictionaries)."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect

    chars: list[_Char] = []
    edges: list[dict[str, Any]] = []
    stack = [layout]
    while stack:
        container = stack.pop()
        for obj in container:
            if isinstance(obj, LTChar):
                text = obj.get_text()
                if text:
                    chars.append(
                        _Char(
                            text, obj.x0, obj.x1, height - obj.y1, height - obj.y0,
                            round(obj.size, 1), "bold" in obj.fontname.lower(),
                        )
                    )  # fmt: skip
            elif isinstance(obj, LTRect | LTLine) or (
                isinstance(obj, LTCurve) and len(getattr(obj, "pts", ())) == 2
            ):
                kind = "rect" if isinstance(obj, LTRect) else "line"
                edges.append(
                    {
                        "object_type": kind,
                        "x0": obj.x0,
                        "x1": obj.x1,
                        "top": height - obj.y1,
                        "bottom": height - obj.y0,
                        "width": obj.x1 - obj.x0,
                        "height": obj.y1 - obj.y0,
                        "doctop": height - obj.y1,
                        "y0": obj.y0,
                        "y1": obj.y1,
                    }
                )
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return chars, edges


def _read_page(page: Any, number: int, chars: list[_Char], edges: list[dict[str, Any]]) -> _Page:
    tables = _find_tables(page, chars, edges)
    boxes = [t.bbox for t in tables]
    outside: list[_Char] = []
    inside: list[list[_Char]] = [[] for _ in tables]
    for c in chars:
        for i, box in enumerate(boxes):
            if _inside(c, box):
                inside[i].append(c)
                break
        else:
            outside.append(c)
    found = [_fill(table, inside[i]) for i, table in enumerate(tables)]
    return _Page(number, float(page.height), _lines(outside), found)


def _inside(c: _Char, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= c.centre <= box[2] and box[1] <= c.middle <= box[3]


def _find_tables(page: Any, chars: list[_Char], edges: list[dict[str, Any]]) -> list[Any]:
    """Ruled tables, by pdfplumber's table finder given the page's own edges."""
    from pdfplumber.utils import obj_to_edges

    vertical = [e for o in edges for e in obj_to_edges(o) if e["orientation"] == "v"]
    horizontal = [e for o in edges for e in obj_to_edges(o) if e["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    tables = [
        t for t in page.find_tables(settings) if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2
    ]
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def _fill(table: Any, chars: list[_Char]) -> _PageTable:
    """The table's rows: each position's text (merged positions copy their cell)."""
    rows = table.rows
    columns = sorted({cell[0] for row in rows for cell in row.cells if cell is not None})
    tops = [min(cell[1] for cell in row.cells if cell is not None) for row in rows]
    origins: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    for r, row in enumerate(rows):
        for cell in row.cells:
            if cell is not None:
                origins[(r, bisect.bisect_left(columns, cell[0] - 0.5))] = cell
    by_cell: dict[tuple[int, int], list[_Char]] = {key: [] for key in origins}
    for c in chars:
        r = bisect.bisect_right(tops, c.middle) - 1
        col = bisect.bisect_right(columns, c.centre) - 1
        box = origins.get((r, col))
        if box and _inside(c, box):
            by_cell[(r, col)].append(c)
            continue
        for key in _spanning(origins, r, col):  # a merged cell
            if _inside(c, origins[key]):
                by_cell[key].append(c)
                break
    texts = {key: _cell_text(by_cell[key], origins[key]) for key in origins}
    grid: list[list[tuple[str, list[str], bool]]] = []
    for r in range(len(rows)):
        line: list[tuple[str, list[str], bool]] = []
        for col in range(len(columns)):
            if (r, col) in texts:
                text, markers = texts[(r, col)]
                line.append((text, markers, False))
                continue
            cover = next(
                (
                    key
                    for key in _spanning(origins, r, col)
                    if origins[key][2] > columns[col] + 0.5 and origins[key][3] > tops[r] + 0.5
                ),
                None,
            )
            line.append((texts[cover][0], texts[cover][1], True) if cover else ("", [], False))
        grid.append(line)
    return _PageTable(tuple(table.bbox), columns, grid, tops)


def _spanning(origins: dict[tuple[int, int], Any], r: int, col: int) -> Iterator[tuple[int, int]]:
    """Cells that start above or to the left of (r, col) and may span it, nearest first."""
    for dr in range(0, r + 1):
        for dc in range(0, col + 1):
            if (dr or dc) and (r - dr, col - dc) in origins:
                yield (r - dr, col - dc)


def _cell_text(chars: list[_Char], box: tuple[float, float, float, float]) -> tuple[str, list[str]]:
    lines = _lines(chars, split_columns=False)
    if not lines:
        return "", []
    left = min(line.x0 for line in lines)
    right = box[2] - max(0.0, left - box[0])
    out: list[str] = []
    markers: list[str] = []
    for i, line in enumerate(lines):
        markers.extend(line.markers)
        text = _BULLET_RE.sub("", line.text)
        gap = line.top - lines[i - 1].bottom if i else 0.0
        if i and (gap > _PARAGRAPH_GAP * line.size or not _wraps(lines[i - 1], line, right)):
            out.append(text)
        elif out:
            out[-1] = _join(out[-1], text)
        else:
            out.append(text)
    return clean_lines(out), markers


def _join(before: str, after: str) -> str:
    """A wrapped line joined to the next: with a space, but none after a hyphen that
    broke a compound word ("decision-" + "making"). Elsewhere a line-end hyphen may be
    a dash before a space ("short- and", "(23- 27 June"): the space stays."""
    if _HYPHEN_END_RE.search(before) and after[:1].islower():
        return before + after
    return f"{before} {after}"


def _wraps(before: _Line, line: _Line, right: float) -> bool:
    """Whether ``line`` continues ``before`` (its first word did not fit on it)."""
    if _LIST_START_RE.match(line.text) or abs(before.size - line.size) > 0.6:
        return False
    space = 0.3 * before.size
    return before.x1 + space + line.first_word > right - 0.5


def _lines(chars: Sequence[_Char], *, split_columns: bool = True) -> list[_Line]:
    """Characters grouped into lines (top to bottom); superscripts become markers; with
    ``split_columns``, text far apart on one line (two columns) gives two lines."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: c.middle)
    groups: list[list[_Char]] = []
    reference = 0.0
    size = 0.0
    for c in ordered:
        if groups and abs(c.middle - reference) < 0.5 * max(size, c.size):
            groups[-1].append(c)
            if c.size > size:
                reference, size = c.middle, c.size
        else:
            groups.append([c])
            reference, size = c.middle, c.size
    lines: list[_Line] = []
    for group in groups:
        group.sort(key=lambda c: c.x0)
        for part in _split(group) if split_columns else [group]:
            line = _line(part)
            if line is not None:
                lines.append(line)
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def _split(group: list[_Char]) -> Iterator[list[_Char]]:
    start = 0
    for i in range(1, len(group)):
        if group[i].x0 - group[i - 1].x1 > 4 * max(group[i].size, group[i - 1].size):
            yield group[start:i]
            start = i
    yield group[start:]


def _line(chars: list[_Char]) -> _Line | None:
    size = max(c.size for c in chars)
    main = [c for c in chars if c.size >= 0.8 * size]
    middle = sorted(c.middle for c in main)[len(main) // 2]
    text: list[str] = []
    markers: list[str] = []
    sup: list[str] = []
    previous: _Char | None = None
    for c in chars:
        raised = c.size < 0.8 * size and c.middle < middle - 0.12 * size
        if raised and c.text.strip():
            if sup and previous is not None and c.x0 - previous.x1 > 0.25 * c.size:
                sup.append(" ")  # "¹ ²": two markers
            sup.append(c.text)
            previous = c
            continue
        if sup:
            markers.extend(_markers(sup, text))
            sup = []
        if previous is not None and c.x0 - previous.x1 > 0.2 * c.size and c.text != " ":
            text.append(" ")
        text.append(c.text)
        previous = c
    if sup:
        markers.extend(_markers(sup, text))
    joined = squash(without_controls("".join(text)))
    if not joined and not markers:
        return None
    kept = [c for c in main if c.text.strip()] or main
    first_end = next(
        (kept[i - 1].x1 for i in range(1, len(kept)) if kept[i].x0 - kept[i - 1].x1 > 0.2 * size),
        kept[-1].x1,
    )
    return _Line(
        text=joined,
        x0=kept[0].x0,
        x1=kept[-1].x1,
        top=min(c.top for c in main),
        bottom=max(c.bottom for c in main),
        size=size,
        bold=all(c.bold for c in kept),
        first_word=first_end - kept[0].x0,
        markers=markers,
    )


def _markers(sup: list[str], text: list[str]) -> list[str]:
    """Superscript characters as footnote markers ("1", "1,2" -> 1, 2); an ordinal's
    ending ("18th") stays text."""
    raw = "".join(sup)
    parts = [p for p in re.split(r"[\s,;]+", raw) if p]
    if parts and all(_MARKER_RE.match(p) for p in parts):
        return parts
    text.append(raw)
    return []


@dataclass
class _Assembler:
    """Pages to blocks: running headers and footnotes out, paragraphs joined, tables
    joined across pages."""

    builder: Builder
    pages: list[_Page]
    notes: dict[int, dict[str, str]] = field(default_factory=dict)  # page -> marker -> text

    def run(self) -> None:
        running = self.running_lines()
        body_size = self.body_size(running)
        # ("p", [(page, line) ...]) | ("t", [(page, table part) ...]) | ("f", (page, notes))
        blocks: list[tuple[str, Any]] = []
        for page in self.pages:
            lines = [ln for ln in page.lines if id(ln) not in running]
            lines, foot = self.split_footnotes(page, lines, body_size)
            self.notes[page.number] = foot
            items: list[tuple[float, str, Any]] = [(ln.top, "l", ln) for ln in lines]
            items += [(t.bbox[1], "t", t) for t in page.tables]
            items.sort(key=lambda item: item[0])
            for position, (_, kind, item) in enumerate(items):
                if kind == "t":
                    previous = next((b for b in reversed(blocks) if b[0] != "f"), None)
                    if (
                        position == 0
                        and previous is not None
                        and previous[0] == "t"
                        and previous[1][-1][0] == page.number - 1
                        and _same_columns(previous[1][-1][1], item)
                    ):
                        previous[1].append((page.number, item))
                    else:
                        blocks.append(("t", [(page.number, item)]))
                elif blocks and blocks[-1][0] == "p" and blocks[-1][1][-1][0] == page.number:
                    blocks[-1][1].append((page.number, item))
                else:
                    # a paragraph may go on from the page before (footnotes between)
                    previous = next((b for b in reversed(blocks) if b[0] != "f"), None)
                    if position == 0 and previous is not None and previous[0] == "p":
                        previous[1].append((page.number, item))
                    else:
                        blocks.append(("p", [(page.number, item)]))
            if foot:
                blocks.append(("f", (page.number, foot)))
        for kind, value in blocks:
            if kind == "t":
                self.table(value)
            elif kind == "p":
                self.paragraphs(value)
            else:
                page_number, foot = value
                for marker, text in foot.items():
                    self.builder.paragraph(
                        squash(text), page=page_number, style=Style.FOOTNOTE, number=marker
                    )

    def running_lines(self) -> set[int]:
        """Lines in the top or bottom margin repeated on most pages, and page numbers."""
        pages_with: Counter[str] = Counter()
        candidates: list[tuple[_Line, str]] = []
        for page in self.pages:
            keys = set()
            for line in page.lines:
                if line.top < _MARGIN * page.height or line.bottom > (1 - _MARGIN) * page.height:
                    key = re.sub(r"\d+", "#", line.text.lower())
                    candidates.append((line, key))
                    keys.add(key)
            pages_with.update(keys)
        need = max(2, len(self.pages) // 2)
        return {
            id(line)
            for line, key in candidates
            if pages_with[key] >= need or _PAGE_NUMBER_RE.match(line.text)
        }

    def body_size(self, running: set[int]) -> float:
        sizes: Counter[float] = Counter()
        for page in self.pages:
            for line in page.lines:
                if id(line) not in running:
                    sizes[line.size] += len(line.text)
        return sizes.most_common(1)[0][0] if sizes else 10.0

    def split_footnotes(
        self, page: _Page, lines: list[_Line], body_size: float
    ) -> tuple[list[_Line], dict[str, str]]:
        """The page's footnotes: small print below everything else, each starting with
        its number."""
        floor = max((t.bbox[3] for t in page.tables), default=0.0)
        start = len(lines)
        for i in range(len(lines) - 1, -1, -1):
            line = lines[i]
            if line.size >= body_size - 0.5 or line.top < floor:
                break
            start = i
        foot = lines[start:]
        while foot and not (foot[0].markers or _FOOTNOTE_START_RE.match(foot[0].text)):
            foot = foot[1:]
            start += 1
        notes: dict[str, str] = {}
        current: str | None = None
        for line in foot:
            m = _FOOTNOTE_START_RE.match(line.text)
            if line.markers and line.x0 <= min(ln.x0 for ln in foot) + 1:
                current = line.markers[0]
                notes[current] = line.text
            elif m:
                current = m.group(1)
                notes[current] = m.group(2)
            elif current is not None:
                notes[current] += " " + line.text
        if not notes:
            return lines, {}
        return lines[:start], notes

    def resolve(self, page: int, markers: Sequence[str]) -> tuple[Footnote, ...]:
        found = []
        for marker in markers:
            text = self.notes.get(page, {}).get(marker)
            if text is None:
                later = [p for p in sorted(self.notes) if p > page and marker in self.notes[p]]
                earlier = [p for p in sorted(self.notes) if p < page and marker in self.notes[p]]
                where = later[:1] or earlier[-1:]
                text = self.notes[where[0]][marker] if where else None
            found.append(Footnote(marker, text))
        return tuple(found)

    def paragraphs(self, lines: list[tuple[int, _Line]]) -> None:
        right: dict[int, float] = {}
        for page, line in lines:
            right[page] = max(right.get(page, 0.0), line.x1)
        groups: list[list[tuple[int, _Line]]] = []
        for page, line in lines:
            if groups and self.continues(groups[-1][-1], (page, line), right):
                groups[-1].append((page, line))
            else:
                groups.append([(page, line)])
        for group in groups:
            text = ""
            for _, ln in group:
                part = _BULLET_RE.sub("", ln.text)
                text = _join(text, part) if text else part
            text = squash(text)
            page = group[0][0]
            markers = [(p, m) for p, ln in group for m in ln.markers]
            bulleted = bool(_BULLET_RE.match(group[0][1].text))
            self.builder.paragraph(
                text,
                page=page,
                heading=all(ln.bold for _, ln in group),
                style=Style.LIST_ITEM if bulleted else None,
                footnotes=tuple(n for p, m in markers for n in self.resolve(p, [m])),
            )

    def continues(
        self, before: tuple[int, _Line], after: tuple[int, _Line], right: dict[int, float]
    ) -> bool:
        (page, line), (next_page, next_line) = before, after
        if line.bold != next_line.bold:
            return False
        if next_page == page and next_line.top - line.bottom > _PARAGRAPH_GAP * line.size:
            return False
        return _wraps(line, next_line, right[page])

    def table(self, parts: list[tuple[int, _PageTable]]) -> None:
        number = self.builder.next_table()
        first = parts[0][1]
        header = first.rows[:1]
        rows: list[tuple[int, list[tuple[str, list[str], bool]]]] = []
        repeated = False
        for index, (page, part) in enumerate(parts):
            part_rows = part.rows
            if index and header and _texts(part_rows[0]) == _texts(header[0]):
                part_rows = part_rows[1:]
                repeated = True
            rows.extend((page, row) for row in part_rows)
        built: list[Row] = []
        for r, (page, cells) in enumerate(rows, start=1):
            place = Place(page=page, table=number, row=r)
            self.builder.count_row(place)
            made = []
            for c, (text, markers, merged) in enumerate(cells, start=1):
                cell_place = Place(page=page, table=number, row=r, cell=c)
                self.builder.check_cell(text, cell_place)
                made.append(Cell(text, cell_place, self.resolve(page, markers), merged))
            built.append(
                Row(tuple(made), place, "\t".join(c.text for c in made), r == 1 and repeated)
            )
        self.builder.table(Table(tuple(built), Place(page=parts[0][0], table=number)))


def _texts(row: list[tuple[str, list[str], bool]]) -> list[str]:
    return [text for text, _, _ in row]


def _same_columns(a: _PageTable, b: _PageTable) -> bool:
    return len(a.columns) == len(b.columns) and all(
        abs(x - y) < 2.0 for x, y in zip(a.columns, b.columns, strict=True)
    )
