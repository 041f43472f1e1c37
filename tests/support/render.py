"""Render test documents as PDF (fpdf2), Word (python-docx) and HTML, the way the CMS
Family publishes them: ruled tables whose header row repeats on every page, cells whose
text wraps, merged cells, list items in cells, footnotes (at the page foot in PDF, in
the footnotes part in Word, in a footnote list in HTML), a running header and page
numbers (PDF).

A document is a :class:`Layout`: header lines, then paragraphs and tables in order.
:func:`report_layout` lays out an activity report from its records, so that the
renderings of the bundled report can be compared with its ``.txt``.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cmsgraph.document import Document, Paragraph, Style
from cmsgraph.model import Report

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


@dataclass
class Para:
    text: str
    style: str = "body"  # "heading" | "list" | "body"
    notes: list[tuple[str, str]] = field(default_factory=list)  # (marker, footnote text)


@dataclass
class TCell:
    lines: list[str]
    notes: list[tuple[str, str]] = field(default_factory=list)
    rowspan: int = 1
    colspan: int = 1
    bullets: bool = False  # the lines are list items
    bold: bool = False


@dataclass
class TTable:
    rows: list[list[TCell]]  # cells covered by a span are left out, as in HTML
    widths: list[float]  # relative column widths
    header_rows: int = 1  # repeated on each page (PDF) / marked as header (Word, HTML)


@dataclass
class Layout:
    blocks: list[Para | TTable]
    running_header: str = ""  # printed at the top of every PDF page after the first
    landscape: bool = False


# --- layouts ------------------------------------------------------------------------------


def report_layout(report: Report, doc: Document, *, rowspan_labels: bool = True) -> Layout:
    """The activity report as the Secretariat lays it out: its text, then per activity
    area a table ``NR. | ACTIVITY | DESCRIPTION`` and a table of its rows by period
    (the period label on the header row, spanning the first data row when
    ``rowspan_labels``). ``doc`` (the ``.txt`` read) gives the paragraphs and the
    footnote markers of each cell."""
    blocks: list[Para | TTable] = []
    tables_done = False
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if block.style is Style.FOOTNOTE:
                continue
            if not tables_done or block.text:
                blocks.append(Para(block.text, _style(block)))
            continue
        if not tables_done:
            blocks.extend(_area_tables(report, doc, rowspan_labels))
            tables_done = True
    return Layout(blocks, running_header=report.document.symbol)


def _style(paragraph: Paragraph) -> str:
    if paragraph.style is Style.HEADING:
        return "heading"
    if paragraph.style is Style.LIST_ITEM:
        return "list"
    return "body"


def _notes_by_line(doc: Document) -> dict[int, list[tuple[str, str]]]:
    """Footnotes (marker, text) of the cells of each source line."""
    out: dict[int, list[tuple[str, str]]] = {}
    for table in doc.tables():
        for row in table.rows:
            for cell in row.cells:
                for note in cell.footnotes:
                    if note.text is not None and row.place.line is not None:
                        out.setdefault(row.place.line, []).append((note.marker, note.text))
    return out


def _area_tables(report: Report, doc: Document, rowspan_labels: bool) -> list[Para | TTable]:
    notes = _notes_by_line(doc)
    out: list[Para | TTable] = []
    for area in report.areas:
        area_table = TTable(
            rows=[
                [TCell(["NR."], bold=True), TCell(["ACTIVITY"], bold=True),
                 TCell(["DESCRIPTION"], bold=True)],
                [TCell([area.number]), TCell([area.title + "."]),
                 TCell(list(area.objectives), bullets=True)],
            ],
            widths=[1, 5, 9],
        )  # fmt: skip
        out.append(area_table)
        rows: list[list[TCell]] = []
        for period_label, term, entries in _periods(report, area.number):
            label = f"{term.upper()} TERM: BY {period_label.split('-')[1]}"
            progress = entries[0].status_kind == "progress"
            status = "PROGRESS ON IMPLEMENTATION" if progress else "PLAN"
            span = 2 if rowspan_labels else 1
            rows.append(
                [
                    TCell([label], bold=True, rowspan=span),
                    TCell(["ACTIVITY"], bold=True),
                    TCell([status], bold=True),
                    TCell(["RESOURCES"], bold=True),
                ]
            )
            for i, entry in enumerate(entries):
                cells = [
                    TCell(entry.activity_text.split("\n") if entry.activity_text else []),
                    TCell(entry.status_text.split("\n") if entry.status_text else []),
                    TCell(entry.resources_text.split("\n") if entry.resources_text else []),
                ]
                row_notes = notes.get(entry.line, [])
                if row_notes:
                    target = next(c for c in cells[1:] + cells if c.lines)
                    target.notes = row_notes
                rows.append(cells if (i == 0 and span == 2) else [TCell([]), *cells])
        out.append(TTable(rows=rows, widths=[3.4, 4.6, 5.6, 3.2], header_rows=1))
        out.append(Para(""))
    return out


def _periods(report: Report, area: str) -> list[tuple[str, str, list]]:
    found: dict[str, tuple[str, list]] = {}
    for entry in report.entries:
        if entry.area == area:
            found.setdefault(entry.period.label, (entry.period.term, []))[1].append(entry)
    return [(label, term, entries) for label, (term, entries) in found.items()]


# --- HTML ---------------------------------------------------------------------------------


def to_html(layout: Layout, *, title: str = "", extra_head: str = "") -> bytes:
    """An HTML page: paragraphs, headings, lists, tables with rowspan/colspan, ``<sup>``
    footnote markers linking to a footnote list at the end."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", extra_head, "</head><body>"]  # fmt: skip
    notes: list[tuple[str, str]] = []

    def marks(found: list[tuple[str, str]]) -> str:
        refs = []
        for marker, text in found:
            notes.append((marker, text))
            n = len(notes)
            refs.append(f'<sup><a href="#fn{n}" id="fnref{n}">{html.escape(marker)}</a></sup>')
        return "".join(refs)

    in_list = False
    for block in layout.blocks:
        if isinstance(block, Para):
            if block.style == "list" and not in_list:
                out.append("<ul>")
                in_list = True
            elif block.style != "list" and in_list:
                out.append("</ul>")
                in_list = False
            if not block.text:
                continue
            text = html.escape(block.text) + marks(block.notes)
            tag = {"heading": "h2", "list": "li"}.get(block.style, "p")
            out.append(f"<{tag}>{text}</{tag}>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        out.append('<table border="1">')
        for r, row in enumerate(block.rows):
            head = r < block.header_rows
            out.append("<tr>")
            for cell in row:
                tag = "th" if head else "td"
                spans = "".join(
                    f' {name}="{value}"'
                    for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if value > 1
                )
                item = "li" if cell.bullets else "p"
                body = "".join(f"<{item}>{html.escape(x)}</{item}>" for x in cell.lines)
                if cell.bullets:
                    body = f"<ul>{body}</ul>"
                if cell.notes:
                    end = f"</{item}>"
                    refs = marks(cell.notes)
                    body = body.replace(end, refs + end, 1) if end in body else body + refs
                if cell.bold:
                    body = f"<strong>{body}</strong>"
                out.append(f"<{tag}{spans}>{body}</{tag}>")
            out.append("</tr>")
        out.append("</table>")
    if in_list:
        out.append("</ul>")
    if notes:
        out.append('<section class="footnotes"><hr><ol>')
        for n, (_, text) in enumerate(notes, start=1):
            out.append(f'<li id="fn{n}">{html.escape(text)} <a href="#fnref{n}">↩</a></li>')
        out.append("</ol></section>")
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")


# --- Word ---------------------------------------------------------------------------------


def to_docx(layout: Layout) -> bytes:
    """A Word document: styled paragraphs, ruled tables (header rows repeated), merged
    cells, bulleted paragraphs in cells and real footnotes (the footnotes part)."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    notes: list[str] = []

    def add_notes(paragraph, found: list[tuple[str, str]]) -> None:
        for _marker, text in found:
            notes.append(text)
            run = paragraph.add_run()
            rpr = OxmlElement("w:rPr")
            valign = OxmlElement("w:vertAlign")
            valign.set(qn("w:val"), "superscript")
            rpr.append(valign)
            run._r.append(rpr)
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), str(len(notes)))
            run._r.append(ref)

    for block in layout.blocks:
        if isinstance(block, Para):
            if not block.text:
                continue
            style = {"heading": "Heading 2", "list": "List Bullet"}.get(block.style)
            paragraph = document.add_paragraph(block.text, style=style)
            add_notes(paragraph, block.notes)
            continue
        width = max(sum(c.colspan for c in row) for row in block.rows[:1]) if block.rows else 0
        width = max(width, len(block.widths))
        table = document.add_table(rows=len(block.rows), cols=width)
        table.style = "Table Grid"
        occupied: set[tuple[int, int]] = set()
        for r, row in enumerate(block.rows):
            c = 0
            for cell in row:
                while (r, c) in occupied:
                    c += 1
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((r + dr, c + dc))
                lines = cell.lines or [""]
                first = True
                for line in lines:
                    paragraph = target.paragraphs[0] if first else target.add_paragraph()
                    if cell.bullets:
                        paragraph.style = document.styles["List Bullet"]
                    run = paragraph.add_run(line)
                    run.bold = cell.bold or None
                    if first:
                        add_notes(paragraph, cell.notes)
                    first = False
                c += cell.colspan
            if r < block.header_rows:
                trpr = table.rows[r]._tr.get_or_add_trPr()
                header = OxmlElement("w:tblHeader")
                trpr.append(header)
        document.add_paragraph("")
    if notes:
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        items = "".join(
            f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t>'
            f"</w:r></w:p></w:footnote>"
            for n, text in enumerate(notes, start=1)
        )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f"<w:continuationSeparator/></w:r></w:p></w:footnote>{items}</w:footnotes>"
        )
        part = Part(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), document.part.package
        )
        document.part.relate_to(part, RT.FOOTNOTES)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (Path(folder) / name).exists():
            return Path(folder) / name
    raise FileNotFoundError(f"{name} (Debian package fonts-dejavu-core) is needed to render PDFs")


_BODY, _TABLE, _NOTE, _RUNNING = 10.0, 8.0, 7.0, 7.0  # font sizes (pt)
_PT = 25.4 / 72  # mm per point


def to_pdf(layout: Layout, *, password: str | None = None) -> bytes:
    """A PDF: paragraphs with space between them, ruled tables drawn cell by cell, their
    header rows repeated after each page break, spanned rows kept on one page, footnote
    markers as superscripts, footnotes in small print at the foot of the page, a
    running header and page numbers. ``password``: encrypted, with that user password."""
    writer = _PdfWriter(layout)
    writer.render()
    if password is not None:
        writer.pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    return bytes(writer.pdf.output())


class _PdfWriter:
    margin = 20.0
    pad = 1.5

    def __init__(self, layout: Layout) -> None:
        from fpdf import FPDF

        running = layout.running_header

        class _Pdf(FPDF):
            def header(self) -> None:
                if running and self.page_no() > 1:
                    self.set_font("dejavu", size=_RUNNING)
                    self.set_xy(self.l_margin, 10)
                    self.cell(self.epw, 4, running, align="R")

            def footer(self) -> None:
                self.set_font("dejavu", size=_RUNNING)
                self.set_xy(self.l_margin, self.h - 12)
                self.cell(self.epw, 4, str(self.page_no()), align="C")

        self.layout = layout
        self.pdf = _Pdf(orientation="L" if layout.landscape else "P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(self.margin, self.margin, self.margin)
        self.pdf.add_font("dejavu", "", str(font_path()))
        self.pdf.add_font("dejavu", "B", str(font_path(bold=True)))
        self.pdf.set_creator("cmsgraph tests")
        self.pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
        self.notes: list[tuple[str, str]] = []  # footnotes of the current page
        self.y = self.margin

    # page handling
    def new_page(self) -> None:
        if self.pdf.page:
            self.flush_notes()
        self.pdf.add_page()
        self.y = self.margin

    def bottom(self, extra_notes: Sequence[tuple[str, str]] = ()) -> float:
        notes = [*self.notes, *extra_notes]
        height = 0.0
        if notes:
            height = 3 + sum(len(self.wrap(f"{m} {t}", self.pdf.epw, _NOTE)) for m, t in notes) * (
                _NOTE * _PT * 1.3
            )
        return self.pdf.h - self.margin - height

    def flush_notes(self) -> None:
        if not self.notes:
            return
        top = self.bottom()
        pdf = self.pdf
        pdf.line(self.margin, top + 1, self.margin + 50, top + 1)
        y = top + 3
        lh = _NOTE * _PT * 1.3
        for marker, text in self.notes:
            for line in self.wrap(f"{marker} {text}", pdf.epw, _NOTE):
                pdf.set_font("dejavu", size=_NOTE)
                pdf.set_xy(self.margin, y)
                pdf.cell(pdf.epw, lh, line)
                y += lh
        self.notes = []

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        self.pdf.set_font("dejavu", "B" if bold else "", size=size)
        if not text:
            return []
        lines: list[str] = self.pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")
        return lines

    def render(self) -> None:
        self.new_page()
        for block in self.layout.blocks:
            if isinstance(block, Para):
                self.paragraph(block)
            else:
                self.table(block)
        self.flush_notes()

    # paragraphs
    def paragraph(self, para: Para) -> None:
        if not para.text:
            self.y += 2
            return
        size = 11.0 if para.style == "heading" else _BODY
        bold = para.style == "heading"
        indent = 6.0 if para.style == "list" else 0.0
        lines = self.wrap(para.text, self.pdf.epw - indent, size, bold)
        lh = size * _PT * 1.35
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            notes = para.notes if last else []
            if self.y + lh > self.bottom(notes):
                self.new_page()
            self.pdf.set_font("dejavu", "B" if bold else "", size=size)
            self.pdf.set_xy(self.margin + indent, self.y)
            self.pdf.cell(self.pdf.epw - indent, lh, line)
            if notes:
                x = self.margin + indent + self.pdf.get_string_width(line)
                self.markers(x, self.y, lh, size, notes)
            self.y += lh
        self.y += size * _PT * 0.9

    def markers(
        self, x: float, y: float, lh: float, size: float, notes: Sequence[tuple[str, str]]
    ) -> None:
        pdf = self.pdf
        pdf.set_font("dejavu", size=size * 0.6)
        for marker, text in notes:
            pdf.text(x + 0.3, y + lh * 0.45, marker)
            x += pdf.get_string_width(marker) + 0.5
            self.notes.append((marker, text))

    # tables
    def table(self, table: TTable) -> None:
        pdf = self.pdf
        total = sum(table.widths)
        widths = [pdf.epw * w / total for w in table.widths]
        grid = _grid(table)
        lh = _TABLE * _PT * 1.3
        heights = []
        for r, row in enumerate(grid):
            height = 0.0
            for c, (cell, origin) in enumerate(row):
                if cell is None or origin != (r, c) or cell.rowspan > 1:
                    continue
                width = sum(widths[c : c + cell.colspan]) - 2 * self.pad
                height = max(height, self.cell_height(cell, width, lh))
            heights.append(max(height, lh + 2 * self.pad))
        # a row-spanning cell's lines must fit its rows: grow the last one
        for r, row in enumerate(grid):
            for c, (cell, origin) in enumerate(row):
                if cell is None or origin != (r, c) or cell.rowspan == 1:
                    continue
                width = sum(widths[c : c + cell.colspan]) - 2 * self.pad
                need = self.cell_height(cell, width, lh)
                have = sum(heights[r : r + cell.rowspan])
                if need > have:
                    heights[r + cell.rowspan - 1] += need - have
        # a header row repeated alone must hold the whole of a cell that spans below it
        self.repeat_heights = {}
        for h in range(table.header_rows):
            need = heights[h]
            for c, (cell, origin) in enumerate(grid[h]):
                if cell is not None and origin == (h, c) and cell.rowspan > 1:
                    width = sum(widths[c : c + cell.colspan]) - 2 * self.pad
                    need = max(need, self.cell_height(cell, width, lh))
            self.repeat_heights[h] = need
        header = list(range(table.header_rows))
        r = 0
        while r < len(grid):
            # rows held together by a row span
            end = r + 1
            while any(
                cell is not None and origin[0] < end and origin[0] + cell.rowspan > end
                for row in grid[r:end]
                for cell, origin in row
            ):
                end += 1
            group_height = sum(heights[r:end])
            group_notes = [
                note
                for row in grid[r:end]
                for cell, _ in row
                if cell is not None
                for note in cell.notes
            ]
            if self.y + group_height > self.bottom(group_notes) and self.y > self.margin + 1:
                self.new_page()
                if r >= table.header_rows:
                    for h in header:
                        self.draw_row(grid, h, widths, heights, lh, repeat=True)
            for i in range(r, end):
                self.draw_row(grid, i, widths, heights, lh)
            r = end
        self.y += 3

    def cell_height(self, cell: TCell, width: float, lh: float) -> float:
        n = sum(max(1, len(self.wrap(x, width, _TABLE, cell.bold))) for x in cell.lines)
        gaps = 0 if cell.bullets else max(0, len(cell.lines) - 1)
        return n * lh + gaps * lh * self.para_gap + 2 * self.pad

    para_gap = 0.5  # space between the paragraphs of a cell, in lines

    def draw_row(self, grid, r: int, widths, heights, lh: float, repeat: bool = False) -> None:
        pdf = self.pdf
        x = self.margin
        for c, (cell, origin) in enumerate(grid[r]):
            w = widths[c]
            if cell is not None and origin == (r, c):
                cw = sum(widths[c : c + cell.colspan])
                ch = self.repeat_heights[r] if repeat else sum(heights[r : r + cell.rowspan])
                pdf.rect(x, self.y, cw, ch)
                y = self.y + self.pad
                for n, text in enumerate(cell.lines):
                    wrapped = self.wrap(text, cw - 2 * self.pad, _TABLE, cell.bold) or [""]
                    for k, line in enumerate(wrapped):
                        bullet = cell.bullets and k == 0
                        pdf.set_font("dejavu", "B" if cell.bold else "", size=_TABLE)
                        pdf.set_xy(x + self.pad, y)
                        shown = ("• " if bullet else "") + line
                        pdf.cell(cw - 2 * self.pad, lh, shown)
                        if n == 0 and k == 0 and cell.notes and not repeat:
                            width = pdf.get_string_width(shown)
                            self.markers(x + self.pad + width, y, lh, _TABLE, cell.notes)
                        y += lh
                    if not cell.bullets:
                        y += lh * self.para_gap
            x += w
        self.y += self.repeat_heights[r] if repeat else heights[r]


def _grid(table: TTable) -> list[list[tuple[TCell | None, tuple[int, int]]]]:
    """Each row's positions: (the cell covering it, the position where that cell starts)."""
    width = len(table.widths)
    grid: list[list[tuple[TCell | None, tuple[int, int]]]] = [
        [(None, (r, c)) for c in range(width)] for r in range(len(table.rows))
    ]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
                    grid[r + dr][c + dc] = (cell, (r, c))
            c += cell.colspan
    return grid


def images_only_pdf(lines: Iterable[str]) -> bytes:
    """A PDF whose pages are pictures of text (a scan): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((100, 100 + 40 * i), line, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
    for _ in range(2):
        pdf.add_page()
        pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


# --- .txt (text extracted from a PDF, as the bundled report) --------------------------------

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def to_txt(layout: Layout) -> bytes:
    """The ``.txt`` format: a paragraph a line, table rows as tab-separated lines with
    HTML fragments in cells (``<p>``, ``<ul><li>``), footnote markers as superscript
    digits and footnotes as lines after the table or paragraph. A merged cell's text
    stands in every position it covers."""
    out: list[str] = []
    notes: list[tuple[str, str]] = []

    def marks(found: list[tuple[str, str]]) -> str:
        notes.extend(found)
        return "".join(" " + marker.translate(_SUPERSCRIPT) for marker, _ in found)

    def flush() -> None:
        for marker, text in notes:
            out.extend(["", f"{marker.translate(_SUPERSCRIPT)} {text}"])
        notes.clear()

    for block in layout.blocks:
        if isinstance(block, Para):
            if block.text:
                out.extend(["", block.text + marks(block.notes)])
            continue
        out.append("")
        for r, row in enumerate(_grid(block)):
            cells = []
            for c, (cell, origin) in enumerate(row):
                if cell is None:
                    cells.append("")
                    continue
                lines = [html.escape(x, quote=False) for x in cell.lines]
                if cell.bullets:
                    text = "<ul>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>"
                elif len(lines) > 1:
                    text = " ".join(f"<p>{x}</p>" for x in lines)
                else:
                    text = "".join(lines)
                if cell.notes and origin == (r, c):
                    text += marks(cell.notes)
                cells.append(text)
            out.append("\t".join(cells))
    flush()  # the footnotes at the end, as at the foot of the (only) page
    return ("\n".join(out).strip("\n") + "\n").encode("utf-8")
