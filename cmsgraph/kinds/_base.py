"""What a document kind is: a name, a test, a reader of records and a linker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..document import Document, Paragraph, Table
from ..header import header_fields
from ..model import DocumentInfo, Field, ParseWarning, Passage

if TYPE_CHECKING:
    from ..gazetteer import Gazetteer

R = TypeVar("R")
L = TypeVar("L")


@dataclass(frozen=True, slots=True)
class Kind(Generic[R, L]):
    """A document kind.

    ``sniff(doc)`` says whether the kind can read the document; ``read(doc)`` turns it
    into the kind's records (raising :class:`~cmsgraph.errors.InputError` only for a
    document it sniffed but cannot place); ``link(records, gazetteer)`` links them.
    """

    name: str  # "activity-report", "programme-of-work", "document"
    label: str  # for people: "activity report"
    records: type[R]  # what ``read`` returns
    sniff: Callable[[Document], bool]
    read: Callable[[Document], R]
    link: Callable[[R, Gazetteer], L]


AnyKind = Kind[Any, Any]


def identifier_from_path(path: str) -> str:
    """The identifier of a document that prints no symbol: its file name without suffix.

    >>> identifier_from_path("/data/Sharks work programme.pdf")
    'Sharks work programme'
    """
    return PurePath(path).stem or PurePath(path).name or "document"


def document_info(doc: Document, warnings: list[ParseWarning]) -> DocumentInfo:
    """The document's own description from its header; a document that prints no symbol
    is identified by its file name, with a warning appended to ``warnings``."""
    fields = header_fields(doc.header.lines)
    symbol, context, printed = doc.header.symbol, fields.context, True
    if symbol is None or context is None:
        symbol, context, printed = identifier_from_path(doc.path), "", False
        warnings.append(
            ParseWarning(
                doc.path,
                doc.header.place.line or 0,
                f"no document symbol printed: identified by its file name as {symbol!r}",
                doc.header.place,
            )
        )
    return DocumentInfo(
        symbol=symbol,
        context=context,
        title=doc.header.title or symbol,
        date=doc.header.date,
        meeting=doc.header.meeting,
        meeting_title=doc.header.meeting_title,
        place=doc.header.venue,
        agenda_item=doc.header.agenda_item,
        resolution=fields.resolution,
        summary=fields.summary,
        printed_symbol=printed,
    )


def passages(doc: Document, *, skip: Callable[[Table], bool] | None = None) -> list[Passage]:
    """The document's paragraphs (footnotes included) and the cells of its tables (each
    cell once, nested tables included), in reading order; ``skip`` leaves tables out."""
    out: list[Passage] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(
                Passage(Field.PARAGRAPH, block.text, block.place, str(block.style), block.number)
            )
        elif skip is None or not skip(block):
            out.extend(_cell_passages(block))
    return out


def _cell_passages(table: Table) -> Iterator[Passage]:
    for row in table.rows:
        for cell in row.cells:
            if cell.text and not cell.merged:
                yield Passage(Field.CELL, cell.text, cell.place)
            for nested in cell.tables:
                yield from _cell_passages(nested)
