"""Word documents (``.docx``), read with python-docx (and its lxml tree).

* The body in order: paragraphs (styles ``Heading``/``Title`` are headings, ``List``
  styles and numbered paragraphs list items) and tables; content controls are read
  through. Deleted text (tracked changes) and field codes are not text.
* Tables: the grid is rebuilt from ``gridBefore``, ``gridSpan`` and ``vMerge``, so a
  merged cell's text stands at every position it covers (copies marked ``merged``);
  rows marked to repeat as header (``tblHeader``) are header rows; each paragraph of a
  cell (list items included) is a line of its text; a table in a cell is a table of
  that cell.
* Footnotes: ``footnoteReference`` marks point into the footnotes part (numbered in
  the order they are referenced, as Word prints them); superscript digits are markers
  too, pointing to a paragraph that starts with the same superscript number (footnotes
  typed by hand). Footnotes are added at the end as paragraphs of style ``FOOTNOTE``.

Places: paragraph (in document order), table, row, cell. Word files have no fixed
pages and no lines.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..document import Cell, Document, Footnote, Row, Style, Table
from ..errors import InputError
from ..model import Format, Place
from ._common import (
    Builder,
    clean_lines,
    finish_row,
    position,
    sha256,
    squash,
    without_controls,
)

__all__ = ["read"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ENDNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_MARKER_RE = re.compile(r"^\s*([0-9]{1,3}|[*†‡§])\s*$")
_SKIP = {f"{_W}del", f"{_W}instrText", f"{_W}delInstrText", f"{_W}moveFrom"}


def read(data: bytes, path: str) -> Document:
    """Read a Word (``.docx``) file.

    :raises InputError: not a ``.docx`` (an old ``.doc``, an encrypted file, a PDF),
        or broken or truncated.
    """
    _check(path, data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
        body = word.element.body
        notes = _notes_part(word)
        styles = _styles(word)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(path, f"broken or truncated Word file ({_reason(exc)})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        raise InputError(path, f"broken Word file ({_reason(exc)})") from None
    if body is None:
        raise InputError(path, "broken Word file (no document body)")
    reader = _Reader(Builder(path, Format.DOCX, sha256(data)), notes, styles)
    reader.manual = reader.manual_footnotes(body)
    reader.body(body)
    reader.footnote_paragraphs()
    return reader.builder.build()


def _check(path: str, data: bytes) -> None:
    if not data.strip():
        raise InputError(path, "empty file: a Word document was expected")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            path,
            "an encrypted or old-format (.doc) Word file: save it unprotected as .docx",
        )
    if data.startswith(b"%PDF"):
        raise InputError(path, "a PDF file, not a Word document: give it the suffix .pdf")
    if not data.startswith(b"PK"):
        raise InputError(path, "not a Word document (a .docx is a ZIP package)")


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _notes_part(word: Any) -> dict[str, str]:
    """Footnote id -> text, from the footnotes part (and endnotes, ids prefixed ``e``)."""
    from lxml import etree

    found: dict[str, str] = {}
    for rel in word.part.rels.values():
        if rel.is_external or rel.reltype not in (_FOOTNOTES_RT, _ENDNOTES_RT):
            continue
        prefix = "e" if rel.reltype == _ENDNOTES_RT else ""
        root = etree.fromstring(rel.target_part.blob)
        for note in root:
            if note.get(f"{_W}type") in ("separator", "continuationSeparator"):
                continue
            lines = ["".join(_texts(p)) for p in note.iter(f"{_W}p")]
            found[prefix + (note.get(f"{_W}id") or "")] = clean_lines(lines).replace("\n", " ")
    return found


def _styles(word: Any) -> dict[str, str]:
    """Style id -> style name (``Heading1`` -> ``Heading 1``)."""
    out: dict[str, str] = {}
    for style in word.styles:
        try:
            out[style.style_id] = style.name or ""
        except (AttributeError, KeyError):
            continue
    return out


def _texts(element: Any) -> Iterator[str]:
    """The text of a paragraph or run, without footnote marks, deleted text or fields."""
    for node in _iter(element):
        tag = node.tag
        if tag == f"{_W}t":
            yield node.text or ""
        elif tag in (f"{_W}tab", f"{_W}noBreakHyphen"):
            yield " " if tag == f"{_W}tab" else "-"
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"


def _iter(element: Any) -> Iterator[Any]:
    """Descendants in document order, skipping deleted text and field codes."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _SKIP:
            continue
        yield child
        yield from _iter(child)


@dataclass
class _Reader:
    builder: Builder
    notes: dict[str, str]
    styles: dict[str, str]
    numbers: dict[str, str] = field(default_factory=dict)  # footnote id -> printed number
    manual: dict[str, str] = field(default_factory=dict)  # marker -> text (typed by hand)
    manual_elements: set[Any] = field(default_factory=set)

    def body(self, element: Any) -> None:
        for child in element:
            if child.tag == f"{_W}p":
                self.paragraph(child)
            elif child.tag == f"{_W}tbl":
                number = self.builder.next_table()
                self.builder.table(self.table(child, Place(table=number), nested=False))
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self.body(content)

    def paragraph(self, p: Any) -> None:
        text, markers = self.runs(p)
        if p in self.manual_elements:
            marker, note = next(iter(self._manual_definition(p).items()))
            self.builder.paragraph(note, style=Style.FOOTNOTE, number=marker)
            return
        style_id = p.find(f"{_W}pPr/{_W}pStyle")
        name = self.styles.get(style_id.get(f"{_W}val"), "") if style_id is not None else ""
        style = None
        if name.startswith(("Heading", "Title")) or name == "Subtitle":
            style = Style.HEADING
        elif name.startswith("List") or p.find(f"{_W}pPr/{_W}numPr") is not None:
            style = Style.LIST_ITEM
        elif name.startswith(("Footnote", "Endnote")):
            style = Style.FOOTNOTE
        for line in text.split("\n") or [""]:
            self.builder.paragraph(squash(line), style=style, footnotes=tuple(markers))
            markers = []

    def runs(self, p: Any) -> tuple[str, list[Footnote]]:
        """A paragraph's text and its footnote markers (taken out of the text)."""
        parts: list[str] = []
        markers: list[Footnote] = []
        for run in _iter(p):
            if run.tag != f"{_W}r":
                continue
            ref = run.find(f"{_W}footnoteReference")
            if ref is None:
                ref = run.find(f"{_W}endnoteReference")
            if ref is not None:
                prefix = "e" if ref.tag.endswith("endnoteReference") else ""
                key = prefix + (ref.get(f"{_W}id") or "")
                number = self.numbers.setdefault(key, str(len(self.numbers) + 1))
                markers.append(Footnote(number, self.notes.get(key)))
                continue
            text = "".join(_texts(run))
            if _superscript(run) and (m := _MARKER_RE.match(text)):
                markers.append(Footnote(m.group(1), self.manual.get(m.group(1))))
                continue
            parts.append(text)
        return without_controls("".join(parts)), markers

    def manual_footnotes(self, body: Any) -> dict[str, str]:
        """Footnotes typed by hand: paragraphs that start with a superscript number."""
        found: dict[str, str] = {}
        for p in body.iter(f"{_W}p"):
            definition = self._manual_definition(p)
            if definition:
                self.manual_elements.add(p)
                for marker, text in definition.items():
                    found.setdefault(marker, text)
        return found

    def _manual_definition(self, p: Any) -> dict[str, str]:
        runs = [r for r in _iter(p) if r.tag == f"{_W}r" and "".join(_texts(r)).strip()]
        if len(runs) < 2 or not _superscript(runs[0]):
            return {}
        m = _MARKER_RE.match("".join(_texts(runs[0])))
        if m is None:
            return {}
        text = squash("".join("".join(_texts(r)) for r in runs[1:]))
        return {m.group(1): text} if text else {}

    def footnote_paragraphs(self) -> None:
        """The footnotes of the footnotes part, in the order they are numbered."""
        for key, number in self.numbers.items():
            text = self.notes.get(key)
            if text:
                self.builder.paragraph(text, style=Style.FOOTNOTE, number=number)

    def cell_text(self, tc: Any) -> tuple[str, list[Footnote], list[Any]]:
        lines: list[str] = []
        markers: list[Footnote] = []
        tables: list[Any] = []
        for child in tc:
            if child.tag == f"{_W}p":
                text, found = self.runs(child)
                lines.extend(text.split("\n"))
                markers.extend(found)
            elif child.tag == f"{_W}tbl":
                tables.append(child)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    text, found, nested = self.cell_text(content)
                    lines.extend(text.split("\n"))
                    markers.extend(found)
                    tables.extend(nested)
        return clean_lines(lines), markers, tables

    def table(self, tbl: Any, where: Place, *, nested: bool) -> Table:
        grid: dict[tuple[int, int], Cell] = {}
        rows: list[Row] = []
        trs = [tr for tr in tbl if tr.tag == f"{_W}tr"]
        for r, tr in enumerate(trs, start=1):
            self.builder.count_row(where if nested else Place(table=where.table, row=r))
            before = tr.find(f"{_W}trPr/{_W}gridBefore")
            c = 1 + (_int(before.get(f"{_W}val")) if before is not None else 0)
            for tc in (e for e in tr if e.tag in (f"{_W}tc", f"{_W}sdt")):
                if tc.tag == f"{_W}sdt":
                    content = tc.find(f"{_W}sdtContent")
                    tc = content.find(f"{_W}tc") if content is not None else None
                    if tc is None:
                        continue
                span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
                span = max(1, min(_int(span_el.get(f"{_W}val")) if span_el is not None else 1, 64))
                vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
                continues = vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue"
                place = position(where, r, c, nested=nested)
                if continues and (r - 1, c) in grid:
                    above = grid[(r - 1, c)]
                    cell = Cell(above.text, place, above.footnotes, True)
                    for dc in range(span):
                        grid[(r, c + dc)] = Cell(above.text, place, above.footnotes, True)
                else:
                    text, markers, tables = self.cell_text(tc)
                    self.builder.check_cell(text, place)
                    cell = Cell(
                        text,
                        place,
                        tuple(markers),
                        tables=tuple(self.table(t, place, nested=True) for t in tables),
                    )
                    grid[(r, c)] = cell
                    for dc in range(1, span):
                        at = position(where, r, c + dc, nested=nested)
                        grid[(r, c + dc)] = Cell(text, at, cell.footnotes, True)
                c += span
            header = tr.find(f"{_W}trPr/{_W}tblHeader") is not None
            rows.append(finish_row(grid, r, where, nested=nested, header=header))
        return Table(tuple(rows), where)


def _superscript(run: Any) -> bool:
    align = run.find(f"{_W}rPr/{_W}vertAlign")
    return align is not None and align.get(f"{_W}val") == "superscript"


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
