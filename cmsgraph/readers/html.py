"""Web pages (``.html``, ``.htm``), read with lxml.

* Scripts, styles, templates, frames and embedded objects are dropped before anything
  is read; comments too. Text is only ever read, never rendered or run.
* Blocks in reading order: headings (``h1``-``h6``), paragraphs, list items (outside
  tables), ``div``s holding text of their own, tables.
* Tables: ``rowspan``/``colspan`` resolved (each covered position holds the merged
  cell's text, marked ``merged``); rows from ``thead``, ``tbody``, ``tfoot`` in order;
  a table nested in a cell is a table of that cell; a cell's paragraphs, list items
  and line breaks are lines of its text.
* Footnotes: a marker is a ``<sup>`` (``<sup>1</sup>``, ``<sup><a href="#fn1">1</a></sup>``)
  or a link to a footnote (``<a class="footnote-ref" href="#fn1">``); footnotes are
  the items of a footnote list (an element whose class or id says ``footnote`` or
  ``endnote``) or the elements a marker links to. A marker's text is its footnote
  (by link, else by number).

Places: paragraph (in document order), table, row, cell. Web pages have no pages or
lines.
"""

from __future__ import annotations

import re
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

_DROP = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "head", "button", "select", "textarea", "input", "canvas",
)  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT_BLOCKS = {"p", "li", "dt", "dd", "pre", "caption", "figcaption", "address", "summary"}
_BLOCKS = {
    *_HEADINGS, *_TEXT_BLOCKS, "div", "section", "article", "main", "header", "footer", "nav",
    "aside", "ul", "ol", "dl", "blockquote", "table", "form", "fieldset", "figure", "body",
    "details", "hr", "center",
}  # fmt: skip
_LINE_BREAKS = {"br", "hr"}
_FOOTNOTE_CONTAINER_RE = re.compile(r"foot|endnote", re.IGNORECASE)
_MARKER_RE = re.compile(r"^\[?\(?([0-9]{1,3}|[a-z]|[*†‡§]+)\)?\]?$")
_LEADING_MARKER_RE = re.compile(r"^\[?([0-9]{1,3})[\].)]?\s+")
_BACKLINK_RE = re.compile(r"\s*[↩↑^]\ufe0e?\s*$")
_MAX_DEPTH = 120  # deeper elements are read as plain text


def read(data: bytes, path: str) -> Document:
    """Read a web page.

    :raises InputError: empty, binary, or not a web page at all (a PDF or ZIP file).
    """
    text = _decode(path, data)
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(path, f"not a readable web page: {exc}") from None
    for element in list(root.iter(*_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    for comment in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        comment.drop_tree()
    body = root.find("body")
    reader = _Reader(Builder(path, Format.HTML, sha256(data)), _footnotes(root))
    reader.walk(body if body is not None else root, 0)
    return reader.builder.build()


def _decode(path: str, data: bytes) -> str:
    if not data.strip():
        raise InputError(path, "empty file: a web page was expected")
    if data.startswith(b"%PDF"):
        raise InputError(path, "a PDF file, not a web page: give it the suffix .pdf")
    if data.startswith(b"PK\x03\x04"):
        raise InputError(path, "a ZIP (Word?) file, not a web page: a .docx is read as .docx")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return without_controls(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputError(path, f"invalid UTF-16 text at byte {exc.start}") from None
    if b"\x00" in data:
        raise InputError(path, "binary file (NUL byte): a web page was expected")
    head = data[:4096].decode("ascii", "replace")
    declared = re.search(r"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", head, re.IGNORECASE)
    for encoding in ("utf-8-sig", declared.group(1) if declared else None, "cp1252", "latin-1"):
        if encoding is None:
            continue
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses it in a str
        return without_controls(text)
    raise AssertionError("latin-1 decodes everything")  # pragma: no cover


@dataclass
class _Notes:
    by_id: dict[str, Footnote] = field(default_factory=dict)
    by_number: dict[str, Footnote] = field(default_factory=dict)
    elements: dict[Any, Footnote] = field(default_factory=dict)  # footnote element -> note


def _footnotes(root: Any) -> _Notes:
    """The page's footnotes: items of footnote lists, and elements markers link to."""
    notes = _Notes()
    targets = {
        a.get("href", "")[1:]
        for a in root.iter("a")
        if a.get("href", "").startswith("#") and _is_marker_link(a)
    }
    containers = [
        e
        for e in root.iter()
        if isinstance(e.tag, str)
        and _FOOTNOTE_CONTAINER_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
        and e.tag not in {"a", "sup"}
    ]
    candidates: list[Any] = []
    for container in containers:
        items = [e for e in container.iter("li", "p") if e is not container]
        candidates.extend(items if items else [container])
    candidates.extend(e for e in root.iter() if isinstance(e.tag, str) and e.get("id") in targets)
    # footnotes typed as paragraphs that start with their superscript number
    candidates.extend(
        e
        for e in root.iter("p", "div")
        if _leading_sup(e) is not None and squash(e.text_content()) != squash(e[0].text_content())
    )
    for ordinal, element in enumerate(dict.fromkeys(candidates), start=1):
        lines, _, _ = _lines(element, 0, skip_markers=True)
        text = _BACKLINK_RE.sub("", " ".join(lines))
        leading = _leading_sup(element)
        if leading is not None:
            marker = leading
        elif m := _LEADING_MARKER_RE.match(text):
            marker, text = m.group(1), text[m.end() :]
        elif element.tag == "li" and (parent := element.getparent()) is not None:
            start = _span(parent.get("start")) if parent.get("start") else 1
            siblings = [e for e in parent if e.tag == "li"]
            marker = str(start + siblings.index(element))
        else:
            marker = str(ordinal)
        if not text:
            continue
        note = Footnote(marker, squash(text))
        notes.elements[element] = note
        notes.by_number.setdefault(marker, note)
        if element.get("id"):
            notes.by_id[element.get("id")] = note
        for a in element.iter("a"):
            if a.get("id"):
                notes.by_id.setdefault(a.get("id"), note)
    return notes


def _leading_sup(element: Any) -> str | None:
    """The marker of a footnote that starts with a superscript number (``<sup>1</sup>``)."""
    if (element.text or "").strip() or not len(element) or element[0].tag != "sup":
        return None
    m = _MARKER_RE.match(squash(element[0].text_content()))
    return m.group(1) if m else None


def _is_marker_link(a: Any) -> bool:
    text = squash(a.text_content())
    return bool(_MARKER_RE.match(text)) or "footnote" in (a.get("class") or "")


@dataclass
class _Reader:
    builder: Builder
    notes: _Notes
    in_footnotes: bool = False

    def walk(self, element: Any, depth: int) -> None:
        """Emit the blocks of ``element`` in reading order."""
        if element in self.notes.elements:
            note = self.notes.elements[element]
            self.builder.paragraph(note.text or "", style=Style.FOOTNOTE, number=note.marker)
            return
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            self.table(element, depth)
            return
        if tag in _HEADINGS or tag in _TEXT_BLOCKS or depth > _MAX_DEPTH:
            self.text_block(element, tag, depth)
            return
        # A container: its own text between child blocks forms paragraphs
        run: list[Any] = []
        if element.text and element.text.strip():
            run.append(element.text)
        for child in element:
            child_tag = child.tag if isinstance(child.tag, str) else ""
            if child_tag in _LINE_BREAKS:  # <br> between runs of text ends a paragraph
                self.inline_run(run)
                run = []
            elif child_tag in _BLOCKS or child in self.notes.elements:
                self.inline_run(run)
                run = []
                self.walk(child, depth + 1)
            else:
                run.append(child)
            if child.tail and child.tail.strip():
                run.append(child.tail)
        self.inline_run(run)

    def inline_run(self, run: list[Any]) -> None:
        lines: list[str] = []
        notes: list[Footnote] = []
        for item in run:
            if isinstance(item, str):
                lines.append(item)
            else:
                found, markers, _ = _lines(item, 0, tail=False)
                lines.append(" ".join(found))
                notes.extend(self.resolve(markers))
        text = squash(" ".join(lines))
        self.builder.paragraph(text, footnotes=tuple(notes))

    def text_block(self, element: Any, tag: str, depth: int) -> None:
        """A paragraph, heading or list item; its ``<br>`` lines and nested list items
        are paragraphs of their own (footnote markers go with the first)."""
        lines, markers, nested = _lines(element, 0, tail=False, keep_tables=True)
        style = (
            Style.HEADING
            if tag in _HEADINGS
            else Style.LIST_ITEM
            if tag in {"li", "dt", "dd"}
            else None
        )
        notes = tuple(self.resolve(markers))
        for line in lines:
            self.builder.paragraph(line, style=style, footnotes=notes)
            notes = ()
        for table in nested:
            self.table(table, depth + 1)

    def resolve(self, markers: list[tuple[str, str | None]]) -> Iterator[Footnote]:
        for marker, target in markers:
            note = (self.notes.by_id.get(target) if target else None) or self.notes.by_number.get(
                marker
            )
            yield Footnote(marker, note.text if note else None)

    def table(self, element: Any, depth: int) -> None:
        number = self.builder.next_table()
        table = self.grid(element, Place(table=number), depth)
        self.builder.table(table)

    def grid(self, element: Any, where: Place, depth: int) -> Table:
        """A table with its spans resolved; ``where`` is its place (a nested table: the
        outer cell's)."""
        nested_table = where.row is not None
        rows: list[tuple[Any, bool]] = []
        for part in element:
            tag = part.tag if isinstance(part.tag, str) else ""
            if tag == "tr":
                rows.append((part, False))
            elif tag in {"thead", "tbody", "tfoot"}:
                rows.extend((tr, tag == "thead") for tr in part if tr.tag == "tr")
        grid: dict[tuple[int, int], Cell] = {}
        out: list[Row] = []
        for r, (tr, in_head) in enumerate(rows, start=1):
            self.builder.count_row(where if nested_table else Place(table=where.table, row=r))
            c = 1
            tags = []
            for td in tr:
                if td.tag not in {"td", "th"}:
                    continue
                tags.append(td.tag)
                while (r, c) in grid:
                    c += 1
                place = position(where, r, c, nested=nested_table)
                lines, markers, nested = _lines(td, 0, keep_tables=True)
                text = clean_lines(lines)
                self.builder.check_cell(text, place)
                cell = Cell(
                    text=text,
                    place=place,
                    footnotes=tuple(self.resolve(markers)),
                    tables=tuple(self.grid(t, place, depth + 1) for t in nested),
                )
                rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if dr or dc:
                            at = position(where, r + dr, c + dc, nested=nested_table)
                            copy = Cell(text, at, cell.footnotes, True)
                            grid.setdefault((r + dr, c + dc), copy)
                grid[(r, c)] = cell
                c += colspan
            header = in_head or (bool(tags) and all(t == "th" for t in tags))
            out.append(finish_row(grid, r, where, nested=nested_table, header=header))
        return Table(tuple(out), where)


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def _lines(
    element: Any,
    depth: int,
    *,
    tail: bool = False,
    skip_markers: bool = False,
    keep_tables: bool = False,
) -> tuple[list[str], list[tuple[str, str | None]], list[Any]]:
    """An element's text as lines (block children and ``<br>`` break them), its footnote
    markers (marker, linked id) taken out of the text, and (``keep_tables``) the tables
    nested in it, left out of the text."""
    lines: list[str] = [""]
    markers: list[tuple[str, str | None]] = []
    tables: list[Any] = []

    def add(text: str | None) -> None:
        if text:
            lines[-1] += text

    def visit(node: Any, level: int) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if level > 0:
            if tag == "table" and keep_tables:
                tables.append(node)
                return
            marker = _marker(node)
            if marker is not None:
                if not skip_markers:
                    markers.append(marker)
                return
        if level > _MAX_DEPTH:
            add(" ".join(node.itertext()))
            return
        block = level > 0 and (tag in _BLOCKS or tag in _TEXT_BLOCKS)
        if block:
            lines.append("")
        if tag in _LINE_BREAKS:
            lines.append("")
        add(node.text)
        for child in node:
            visit(child, level + 1)
            add(child.tail)
        if block:
            lines.append("")

    visit(element, depth)
    if tail:
        add(element.tail)
    return [squash(line) for line in lines if squash(line)], markers, tables


def _marker(node: Any) -> tuple[str, str | None] | None:
    """A footnote marker: ``<sup>1</sup>``, ``<sup><a href="#fn1">1</a></sup>``,
    ``<a class="footnote-ref" href="#fn1">[1]</a>``."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag not in {"sup", "a"}:
        return None
    text = squash(node.text_content())
    m = _MARKER_RE.match(text)
    if tag == "sup":
        if m is None:
            return None
        link = next((a for a in node.iter("a") if a.get("href", "").startswith("#")), None)
        return m.group(1), link.get("href")[1:] if link is not None else None
    href = node.get("href", "")
    if (
        href.startswith("#")
        and m is not None
        and ("footnote" in (node.get("class") or "") or "fn" in href.lower())
    ):
        return m.group(1), href[1:]
    return None
