"""The document model: what every reader makes of a file, whatever its format.

A :class:`Document` is the header (symbol, title, meeting, date, venue, and the raw
lines they were read from) and the body, a sequence of blocks in reading order:
:class:`Paragraph` and :class:`Table`. Every block, row and cell keeps its
:class:`~cmsgraph.model.Place` (page and paragraph, or table, row and cell; the line
for ``.txt``), so whatever is later read from it can say where it came from.

What the readers (``cmsgraph.readers``) settle before a document reaches this model:

* a cell's text is plain text; its paragraphs and list items are separate lines
  (``"\\n"``), the lines a cell merely wraps onto are joined with a space;
* a merged cell is resolved: every position it covers holds its text, the copies
  marked ``merged``;
* a table that runs over pages is one table; header rows it repeats on each page
  are dropped;
* footnote markers are taken out of the text and kept, with the footnote's text, on
  the cell or paragraph that carries them; footnotes are also paragraphs of style
  ``FOOTNOTE``;
* running page headers, footers and page numbers are dropped (PDF);
* scripts and styles are dropped (HTML); nothing in a document is ever executed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from .model import Format, ParseWarning, Place

__all__ = [
    "Block",
    "Cell",
    "Document",
    "Footnote",
    "Format",
    "Header",
    "Paragraph",
    "Place",
    "Row",
    "Style",
    "Table",
]


class Style(StrEnum):
    """What a paragraph is."""

    HEADING = "heading"
    LIST_ITEM = "list-item"
    BODY = "body"
    FOOTNOTE = "footnote"


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote marker and the text it points to (None: the document has none)."""

    marker: str  # "1"
    text: str | None

    def __str__(self) -> str:
        return f"{self.marker} {self.text}" if self.text is not None else self.marker


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph, heading, list item or footnote."""

    text: str
    place: Place  # page (PDF), paragraph (1-based, in document order), line (.txt)
    style: Style = Style.BODY
    # The printed paragraph number ("5" of "5. The Secretariat ..."), kept in ``text``;
    # for a footnote, its marker (then not in ``text``)
    number: str | None = None
    footnotes: tuple[Footnote, ...] = ()  # the footnotes its markers point to


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table row."""

    text: str
    place: Place  # table, row, cell (column); page (PDF); line (.txt)
    footnotes: tuple[Footnote, ...] = ()
    merged: bool = False  # a position covered by a merged cell: a copy of its text
    tables: tuple[Table, ...] = ()  # tables nested in the cell

    @property
    def empty(self) -> bool:
        return not self.text and not self.tables


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: its cells in column order, one per column after merges are resolved."""

    cells: tuple[Cell, ...]
    place: Place  # table, row; page of its first line (PDF); line (.txt)
    source: str  # the row as it stands in the source: the line (.txt), else cells joined by tabs
    header: bool = False  # marked as a header row by the file (th, thead, Word's repeated header)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cells)


@dataclass(frozen=True, slots=True)
class Table:
    """A table: rows of cells. ``place`` gives its number, the page it starts on, its line."""

    rows: tuple[Row, ...]
    place: Place

    @property
    def columns(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Header:
    """What the top of a document says about it. Any field may be missing."""

    symbol: str | None  # "UNEP/CMS/COP11/Doc.16.1"
    title: str | None
    meeting: str | None  # meeting code: "COP11", "MOS3", "AC25"
    meeting_title: str | None  # as printed: "11th MEETING OF THE CONFERENCE OF THE PARTIES"
    date: str | None  # ISO 8601
    venue: str | None  # "Quito, Ecuador, 4-9 November 2014"
    agenda_item: str | None  # "16.1"
    lines: tuple[str, ...]  # the raw lines the header was read from, in order
    place: Place  # where it is printed: its first page (PDF) or line (.txt)


@dataclass(frozen=True, slots=True)
class Document:
    """One file, read: its format, its SHA-256, its header and its blocks in order."""

    path: str
    format: Format
    sha256: str
    header: Header
    blocks: tuple[Block, ...]
    pages: int | None = None  # PDF only
    warnings: tuple[ParseWarning, ...] = ()

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def text(self) -> str:
        """The document's text in reading order: paragraphs, and rows as tab-joined cells."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.extend("\t".join(row.texts) for row in block.rows)
        return "\n".join(parts)
