"""What every reader shares: limits, paragraph styles, numbering, and the document builder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Block, Cell, Document, Footnote, Header, Paragraph, Row, Style, Table
from ..errors import InputError
from ..header import header_fields
from ..model import Format, ParseWarning, Place

# Limits: input beyond them is refused with a clear error rather than processed for
# minutes. Real documents are far below them (the bundled report: 39 KB, 33 rows).
MAX_LINE = 2_000_000  # characters in one line (.txt)
MAX_CELL = 1_000_000  # characters in one cell
MAX_ROWS = 20_000  # table rows in one document, nested tables included
MAX_PAGES = 5_000  # pages of one PDF
HEADER_LINES = 60  # the header is read from the document's first lines

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")
_NUMBERED_RE = re.compile(r"^(\d{1,3})\.\s+\S")
_LIST_ITEM_RE = re.compile(
    r"^(?:[-–•▪◦●○]\s*|\*\s+|\(?[a-z]\)\s+|\(?[ivx]{1,4}\)\s+|\d{1,2}\)\s+)\S"
)
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def squash(text: str) -> str:
    """White space runs (no-break spaces included) as one space, ends trimmed."""
    return _SPACE_RE.sub(" ", text).strip()


def clean_lines(lines: Sequence[str]) -> str:
    """Lines squashed, empty ones dropped, joined by newlines: a cell's or paragraph's text."""
    out = (squash(line) for line in lines)
    return "\n".join(line for line in out if line)


def without_controls(text: str) -> str:
    """Control characters (which XML 1.0, and so RDF/XML, cannot carry) as U+FFFD."""
    return _CONTROL_RE.sub("\ufffd", text)


def paragraph_style(text: str, *, heading: bool = False) -> tuple[Style, str | None]:
    """The style of a paragraph from its text (and the file's own heading mark), and its
    printed number ("5" of "5. The Secretariat ...").

    >>> paragraph_style("5. The Secretariat reported.")
    (<Style.BODY: 'body'>, '5')
    >>> paragraph_style("(a) Note the efforts made")
    (<Style.LIST_ITEM: 'list-item'>, None)
    """
    number = m.group(1) if (m := _NUMBERED_RE.match(text)) else None
    if heading:
        return Style.HEADING, number
    if number is None and _LIST_ITEM_RE.match(text):
        return Style.LIST_ITEM, None
    letters = [c for c in text if c.isalpha()]
    if (
        number is None
        and len(letters) >= 4
        and len(text.split()) >= 2
        and all(c.isupper() for c in letters)
    ):
        return Style.HEADING, None
    return Style.BODY, number


@dataclass
class Builder:
    """Collects a document's blocks in reading order and numbers their places.

    Readers add paragraphs and tables; rows and cells come with their column numbers
    already resolved (see :meth:`table`). :meth:`build` reads the header.
    """

    path: str
    format: Format
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    rows: int = 0
    pages: int | None = None

    def error(self, message: str, place: Place | None = None) -> InputError:
        line = place.line if place is not None else None
        where = place is not None and place.line is None and str(place)
        return InputError(self.path, f"{where}: {message}" if where else message, line=line)

    def warn(self, message: str, place: Place | None = None) -> None:
        line = place.line if place is not None and place.line is not None else 0
        self.warnings.append(ParseWarning(self.path, line, message, place))

    def paragraph(
        self,
        text: str,
        *,
        page: int | None = None,
        line: int | None = None,
        style: Style | None = None,
        heading: bool = False,
        number: str | None = None,
        footnotes: tuple[Footnote, ...] = (),
    ) -> Paragraph | None:
        """Add a paragraph (None if its text is empty); its style from its text unless given."""
        if not text:
            return None
        if len(text) > MAX_CELL:
            raise self.error(
                f"paragraph of {len(text):,} characters exceeds the limit of {MAX_CELL:,}",
                Place(page=page, paragraph=self.paragraphs + 1, line=line),
            )
        self.paragraphs += 1
        found_style, found_number = paragraph_style(text, heading=heading)
        paragraph = Paragraph(
            text=text,
            place=Place(page=page, paragraph=self.paragraphs, line=line),
            style=style or found_style,
            number=number if number is not None else found_number,
            footnotes=footnotes,
        )
        self.blocks.append(paragraph)
        return paragraph

    def next_table(self) -> int:
        self.tables += 1
        return self.tables

    def count_row(self, place: Place) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise self.error(f"more than {MAX_ROWS:,} table rows: refused as too large", place)

    def check_cell(self, text: str, place: Place) -> None:
        if len(text) > MAX_CELL:
            raise self.error(
                f"cell of {len(text):,} characters exceeds the limit of {MAX_CELL:,}", place
            )

    def table(self, table: Table) -> None:
        if table.rows:
            self.blocks.append(table)

    def build(self) -> Document:
        return Document(
            path=self.path,
            format=self.format,
            sha256=self.sha256,
            header=read_header(self.blocks),
            blocks=tuple(self.blocks),
            pages=self.pages,
            warnings=tuple(self.warnings),
        )


def grid_row(
    texts: Sequence[tuple[str, tuple[Footnote, ...], bool]],
    place: Place,
    *,
    source: str | None = None,
    header: bool = False,
    tables: Mapping[int, tuple[Table, ...]] | None = None,
) -> Row:
    """A row from its cells' (text, footnotes, merged) in column order."""
    cells = tuple(
        Cell(
            text=text,
            place=Place(page=place.page, table=place.table, row=place.row, cell=i, line=place.line),
            footnotes=notes,
            merged=merged,
            tables=tables.get(i, ()) if tables else (),
        )
        for i, (text, notes, merged) in enumerate(texts, start=1)
    )
    return Row(
        cells=cells,
        place=place,
        source=source if source is not None else "\t".join(c.text for c in cells),
        header=header,
    )


def position(where: Place, row: int, cell: int, *, nested: bool) -> Place:
    """The place of a cell of a table at ``where``; a nested table's cells all stand
    at the outer cell's place."""
    return where if nested else Place(page=where.page, table=where.table, row=row, cell=cell)


def finish_row(
    grid: Mapping[tuple[int, int], Cell], row: int, where: Place, *, nested: bool, header: bool
) -> Row:
    """Row ``row`` of a grid of cells (positions no cell covers are empty cells)."""
    width = max((c for (r, c) in grid if r == row), default=0)
    cells = tuple(
        grid.get((row, c)) or Cell("", position(where, row, c, nested=nested))
        for c in range(1, width + 1)
    )
    place = where if nested else Place(page=where.page, table=where.table, row=row)
    return Row(cells, place, "\t".join(c.text for c in cells), header)


def read_file(path: str | Path) -> bytes:
    """A source file's bytes.

    :raises InputError: missing, a folder, or unreadable.
    """
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a document") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def read_header(blocks: Sequence[Block]) -> Header:
    """The header, from the lines of the document's first blocks (paragraphs and the
    cells of header tables) up to its first numbered paragraph."""
    lines: list[str] = []
    first: Place | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.style is Style.BODY and block.number is not None and lines:
                break
            if block.style is Style.FOOTNOTE:
                continue
            first = first or block.place
            lines.extend(block.text.split("\n"))
        else:
            if len(block.rows) > 4 and lines:
                break
            first = first or block.place
            for row in block.rows[:4]:
                for cell in row.cells:
                    if not cell.merged:
                        lines.extend(cell.text.split("\n"))
        if len(lines) >= HEADER_LINES:
            break
    lines = lines[:HEADER_LINES]
    fields = header_fields(lines)
    return Header(
        symbol=fields.symbol,
        title=fields.title_guess,
        meeting=fields.meeting,
        meeting_title=fields.meeting_title,
        date=fields.date,
        venue=fields.venue,
        agenda_item=fields.agenda_item,
        lines=tuple(lines),
        place=first or Place(),
    )
