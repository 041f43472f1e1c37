"""Text extracted from a PDF by some tool, saved as ``.txt`` (UTF-8 or UTF-16).

The format, as UNEP/CMS/COP11/Doc.16.1 has it: one paragraph a line; table rows as
tab-separated lines (a run of them, up to a blank or prose line, is one table); cells
holding HTML fragments (``<p>``, ``<ul>``, entities), sometimes a whole nested
``<table>``; footnote markers as superscript digits (``CAFF ¹``) and footnotes as
lines of their own (``¹ Secretariat of ...``); CRLF or CR line ends.

Every block keeps its line. A cell's HTML becomes plain text (paragraphs and list
items as lines); a nested table becomes a :class:`~cmsgraph.document.Table` of the
cell. A footnote marker means the first footnote of that number *after* its line,
else the last one before it (numbering may restart per page or table).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace

from ..document import Cell, Document, Footnote, Paragraph, Row, Style, Table
from ..errors import InputError
from ..model import Format, Place
from ._common import (
    _SUPERSCRIPTS,
    MAX_CELL,
    MAX_LINE,
    SUPERSCRIPT_DIGITS,
    Builder,
    grid_row,
    without_controls,
)
from ._common import sha256 as _sha256

__all__ = ["clean_cell", "decode", "read", "read_text"]

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FOOTNOTE_DEF_RE = re.compile(rf"^([{_SUPERSCRIPTS}]+)\s*(.+)$")
# The marker and the one space before it ("CAFF ¹"); not \s*, which backtracks
# quadratically over long runs of white space (50,000 nested tags make as many breaks).
_FOOTNOTE_MARK_RE = re.compile(rf"[ \t]?([{_SUPERSCRIPTS}]+)")
_SUPERSCRIPT_RE = re.compile(rf"[{_SUPERSCRIPTS}]")
_TAG_BREAK_RE = re.compile(r"<\s*(?:br|/?p|/?li|/?tr|/?ol|/?ul|/?div)\b[^<>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_ORDINAL_SPLIT_RE = re.compile(r"\b(\d+) (st|nd|rd|th)\b")
_ROW_RE = re.compile(r"<tr\b[^>]*>(.*?)(?:</tr\s*>|(?=<tr\b)|$)", re.IGNORECASE | re.DOTALL)
_CELL_RE = re.compile(
    r"<(td|th)\b[^>]*>(.*?)(?:</(?:td|th)\s*>|(?=<t[dh]\b)|$)", re.IGNORECASE | re.DOTALL
)


def read(data: bytes, path: str) -> Document:
    """Read a ``.txt`` file's bytes.

    :raises InputError: empty, binary, not UTF-8/UTF-16 text, or beyond the limits.
    """
    return read_text(decode(path, data), path=path, sha256=_sha256(data))


def decode(path: str, data: bytes) -> str:
    """The text of a ``.txt`` file: UTF-8 (BOM or not) or UTF-16 (BOM or not).

    :raises InputError: empty, binary (a NUL byte), or another encoding.
    """
    if not data.strip():
        raise InputError(path, "empty file: a document was expected")
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
    text = raw
    if "<" in text:  # most cells of a generated or plain text have no markup: skip the scans
        text = _TAG_RE.sub(" ", _TAG_BREAK_RE.sub("\n", text))
    if "&" in text:
        text = html.unescape(text)
    markers: tuple[str, ...] = ()
    if _SUPERSCRIPT_RE.search(text):
        markers = tuple(m.translate(SUPERSCRIPT_DIGITS) for m in _FOOTNOTE_MARK_RE.findall(text))
        text = _FOOTNOTE_MARK_RE.sub("", text)
    text = _ORDINAL_SPLIT_RE.sub(r"\1\2", text)
    lines = (" ".join(part.split()) for part in text.split("\n"))
    return "\n".join(line for line in lines if line), markers


def read_text(text: str, *, path: str = "<text>", sha256: str | None = None) -> Document:
    """Read the text of a ``.txt`` document into the document model.

    :raises InputError: a line or cell beyond the limits, or too many table rows.
    """
    if sha256 is None:
        sha256 = _sha256(text.encode("utf-8"))
    builder = Builder(path, Format.TXT, sha256)
    control = _CONTROL_RE.search(text)
    if control:  # XML 1.0 (RDF/XML) cannot carry them; the graph must survive every format
        text = without_controls(text)
        where = len(re.split(r"\r\n|\r|\n", text[: control.start()]))
        builder.warn(
            "control characters replaced by U+FFFD (first on this line)", Place(line=where)
        )
    lines = re.split(r"\r\n|\r|\n", text)
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise InputError(
                path,
                f"line of {len(line):,} characters exceeds the limit of {MAX_LINE:,}",
                line=number,
            )
    footnotes: dict[str, list[tuple[int, str]]] = {}  # marker -> (line, text)
    pending: list[tuple[int, int, list[tuple[str, ...]]]] = []  # rows whose markers wait
    rows: list[tuple[int, str, list[str]]] = []  # the table being read: (line, source, cells)
    tables: list[tuple[int, list[tuple[int, str, list[str]]]]] = []  # (block index, rows)

    def close_table() -> None:
        if rows:
            tables.append((len(builder.blocks), list(rows)))
            builder.blocks.append(Table((), Place()))  # placeholder, filled in below
            rows.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close_table()
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            for cell in cells:
                if len(cell) > MAX_CELL:
                    raise InputError(
                        path,
                        f"cell of {len(cell):,} characters exceeds the limit of {MAX_CELL:,}",
                        line=number,
                    )
            rows.append((number, line.rstrip("\t"), cells))
            continue
        close_table()
        stripped = line.strip()
        if m := _FOOTNOTE_DEF_RE.match(stripped):
            marker = m.group(1).translate(SUPERSCRIPT_DIGITS)
            footnotes.setdefault(marker, []).append((number, m.group(2)))
            builder.paragraph(m.group(2), line=number, style=Style.FOOTNOTE, number=marker)
            continue
        plain, markers = _paragraph_markers(stripped)
        paragraph = builder.paragraph(plain or stripped, line=number)
        if markers and paragraph is not None:
            pending.append((len(builder.blocks) - 1, number, [markers]))
    close_table()

    def notes(line: int, markers: tuple[str, ...]) -> tuple[Footnote, ...]:
        found: list[Footnote] = []
        for marker in markers:
            definitions = footnotes.get(marker, [])
            after = [t for at, t in definitions if at > line]
            before = [t for at, t in definitions if at < line]
            texts = after[:1] or before[-1:]
            found.append(Footnote(marker, texts[0] if texts else None))
        return tuple(found)

    for index, line, (markers,) in pending:
        block = builder.blocks[index]
        assert isinstance(block, Paragraph)
        builder.blocks[index] = replace(block, footnotes=notes(line, markers))
    for index, table_rows in tables:
        table_number = builder.next_table()
        built = []
        for row_number, (line, source, cells) in enumerate(table_rows, start=1):
            place = Place(table=table_number, row=row_number, line=line)
            builder.count_row(place)
            cleaned = []
            nested: dict[int, tuple[Table, ...]] = {}
            for column, raw in enumerate(cells, start=1):
                if "<table" in raw.lower():
                    cell_place = Place(table=table_number, row=row_number, cell=column, line=line)
                    nested[column] = tuple(
                        _nested(builder, fragment, cell_place, notes) for fragment in _tables(raw)
                    )
                    raw = _strip_tables(raw)
                text, markers = clean_cell(raw)
                cleaned.append((text, notes(line, markers), False))
            built.append(grid_row(cleaned, place, source=source, tables=nested))
        builder.blocks[index] = Table(
            tuple(built), Place(table=table_number, line=table_rows[0][0])
        )
    return builder.build()


def _paragraph_markers(text: str) -> tuple[str, tuple[str, ...]]:
    if not any(c in _SUPERSCRIPTS for c in text):
        return text, ()
    markers = tuple(m.translate(SUPERSCRIPT_DIGITS) for m in _FOOTNOTE_MARK_RE.findall(text))
    return _FOOTNOTE_MARK_RE.sub("", text).strip(), markers


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


def _strip_tables(cell: str) -> str:
    """The cell without its nested tables."""
    out, start = [], 0
    lower = cell.lower()
    while (begin := lower.find("<table", start)) != -1:
        out.append(cell[start:begin])
        end = lower.find("</table", begin)
        start = len(cell) if end == -1 else lower.find(">", end) + 1 or len(cell)
    out.append(cell[start:])
    return "".join(out)


def _nested(
    builder: Builder,
    fragment: str,
    place: Place,
    notes: Callable[[int, tuple[str, ...]], tuple[Footnote, ...]],
) -> Table:
    """A nested table: its rows (rows without cells skipped); every cell of it stands at
    the place of the outer cell (the line has no finer places)."""
    assert place.line is not None
    rows = []
    for row_html in _ROW_RE.findall(fragment):
        found = _CELL_RE.findall(row_html)
        if not found:
            continue
        builder.count_row(place)
        cells = []
        for _tag, raw in found:
            text, markers = clean_cell(raw)
            cells.append(Cell(text, place, notes(place.line, markers)))
        header = all(tag.lower() == "th" for tag, _ in found)
        rows.append(Row(tuple(cells), place, "\t".join(c.text for c in cells), header))
    return Table(tuple(rows), place)
