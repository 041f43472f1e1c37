"""Readers: every format into one document model.

The bundled report and the activity report written for the tests, rendered as PDF
(tables breaking over pages with their header row repeated, wrapped cells, merged
cells, footnotes at the page foot), Word and HTML, read to the same records as their
``.txt``; unreadable files are refused with one-line errors; any bytes give a document
or such an error.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from document_facts import AEWA_AREAS, AEWA_ENTRIES, AEWA_LINKS, AEWA_SYMBOL
from facts import ROWS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.documents import PROSE
from support.render import images_only_pdf, to_docx, to_html, to_pdf

from cmsgraph.document import Paragraph, Style, Table
from cmsgraph.errors import InputError
from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.kinds import KINDS, classify, link
from cmsgraph.model import Format, LinkedReport, Report, Role
from cmsgraph.parse import parse_file
from cmsgraph.readers import SUFFIXES, read_bytes, read_document

RENDERINGS = ["pdf", "docx", "html"]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _report(path: Path) -> Report:
    kind, records = classify(read_document(path))
    assert kind.name == "activity-report"
    assert isinstance(records, Report)
    return records


def contract_view(linked: LinkedReport) -> dict[str, object]:
    """What the seven contract queries read (activities, subactivities, funders,
    instruments, partners, document-references, budget-lines), places left out."""
    report = linked.report
    doc = report.document

    def key(entry):
        return (entry.area, entry.period.label, entry.index)

    def links(*roles: Role) -> set[tuple[object, ...]]:
        return {
            (*key(e.entry), m.entity, m.role.value)
            for e in linked.entries
            for m in e.mentions
            if m.role in roles
        }

    return {
        "document": (
            doc.symbol,
            doc.context,
            doc.title,
            doc.date,
            doc.meeting,
            doc.meeting_title,
            doc.place,
            doc.agenda_item,
            doc.resolution,
            doc.printed_symbol,
        ),
        "summary": " ".join(doc.summary.split()),
        "areas": [(a.number, a.title, a.objectives) for a in report.areas],
        "entries": [
            (*key(e), e.period.term, e.codes, e.code_texts, e.status_kind, e.footnotes)
            for e in report.entries
        ],
        "funders": links(Role.FUNDER, Role.FUNDING_CHANNEL),
        "instruments": links(Role.INSTRUMENT),
        "partners": links(Role.PARTNER),
        "documents": {(*key(e.entry), r.value) for e in linked.entries for r in e.documents},
        "budget_lines": {(*key(e.entry), r.value) for e in linked.entries for r in e.budget_lines},
        "resolutions": {(*key(e.entry), r.value) for e in linked.entries for r in e.resolutions},
        "amounts": {
            (*key(e.entry), a.value, a.currency) for e in linked.entries for a in e.amounts
        },
    }


# --- the bundled report in every format ----------------------------------------------------


@pytest.fixture(scope="module")
def seed_report(seed_path) -> Report:
    return _report(seed_path)


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_bundled_report_reads_to_the_answers_of_its_txt(rendered, seed_report, gazetteer, fmt):
    other = _report(rendered("seed", fmt))
    assert other.format is Format(fmt)
    assert contract_view(link(other, gazetteer)) == contract_view(link(seed_report, gazetteer))
    assert not other.warnings


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_bundled_report_cells_read_the_same_text(rendered, seed_report, fmt):
    other = _report(rendered("seed", fmt))
    texts = [(e.activity_text, e.status_text, e.resources_text) for e in other.entries]
    assert texts == [
        (e.activity_text, e.status_text, e.resources_text) for e in seed_report.entries
    ]
    assert " ".join(other.prose.split()) == " ".join(seed_report.prose.split())


def test_txt_through_the_registry_is_parse_files_report(seed_path, seed_report):
    assert seed_report == parse_file(seed_path)


def test_bundled_report_as_txt_gives_the_rows_of_facts(seed_report):
    assert [(e.line, e.area, e.period.label, e.codes) for e in seed_report.entries] == ROWS
    assert all(e.place is not None and e.place.line == e.line for e in seed_report.entries)


def test_bundled_pdf_tables_break_over_pages_with_a_repeated_header(rendered):
    doc = read_document(rendered("seed", "pdf"))
    assert doc.format is Format.PDF and doc.pages and doc.pages > 10
    joined = [t for t in doc.tables() if len({r.place.page for r in t.rows}) > 1]
    assert joined, "no table ran over a page"
    for table in joined:
        first = table.rows[0]
        assert first.header  # repeated on the next page, where it was dropped
        assert [r.texts for r in table.rows].count(first.texts) == 1
    # every activity table row is one row: 16 area tables, 16 period tables
    assert len(list(doc.tables())) == 32


def test_bundled_pdf_drops_running_headers_and_page_numbers(rendered):
    doc = read_document(rendered("seed", "pdf"))
    texts = [p.text for p in doc.paragraphs()]
    assert texts.count("UNEP/CMS/COP11/Doc.16.1") == 1  # the header's, not each page's
    assert not [t for t in texts if re.fullmatch(r"\d+", t)]


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_footnotes_stand_with_their_cell_and_as_footnote_paragraphs(rendered, fmt):
    doc = read_document(rendered("seed", fmt))
    notes = [p for p in doc.paragraphs() if p.style is Style.FOOTNOTE]
    assert [(p.number, p.text[:30]) for p in notes] == [
        ("1", "Secretariat of the Conservatio"),
        ("2", "The Multilateral Environmental"),
    ]
    (cell,) = [c for t in doc.tables() for r in t.rows for c in r.cells if c.footnotes]
    assert [n.marker for n in cell.footnotes] == ["1", "2"]
    assert "CAFF" in cell.text and "¹" not in cell.text


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_merged_period_label_stands_in_both_rows_marked_merged(rendered, fmt):
    doc = read_document(rendered("seed", fmt))
    table = next(t for t in doc.tables() if t.rows[0].texts[0] == "SHORT TERM: BY 2014")
    label, copy = table.rows[0].cells[0], table.rows[1].cells[0]
    assert (label.text, label.merged) == ("SHORT TERM: BY 2014", False)
    assert (copy.text, copy.merged) == ("SHORT TERM: BY 2014", True)


@pytest.mark.parametrize("fmt", ["txt", *RENDERINGS])
def test_list_items_in_cells_are_lines(rendered, fmt):
    doc = read_document(rendered("seed", fmt))
    area = next(t for t in doc.tables() if t.rows[0].texts[:1] == ("NR.",))
    description = area.rows[1].cells[2].text
    if fmt == "txt":  # the extracted text has them inline: "- To support ... - To catalyze"
        assert description.count(" - ") == 3
    else:
        assert description.split("\n")[0] == (
            "To support coherent international decision-making processes for environmental "
            "governance."
        )
        assert len(description.split("\n")) == 4


# --- places --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "where"),
    [
        ("txt", "table 2, row 2, line 29"),
        ("pdf", "page 1, table 2, row 2"),
        ("docx", "table 2, row 2"),
        ("html", "table 2, row 2"),
    ],
)
def test_each_reader_records_its_places(rendered, fmt, where):
    report = _report(rendered("aewa-report", fmt))
    first = report.entries[0]
    assert str(first.place) == where
    doc = read_document(rendered("aewa-report", fmt))
    symbol = next(p for p in doc.paragraphs() if p.text == AEWA_SYMBOL)
    assert symbol.place.paragraph == 3
    assert symbol.place.page == (1 if fmt == "pdf" else None)
    assert symbol.place.line == (5 if fmt == "txt" else None)
    cell = next(t for t in doc.tables()).rows[1].cells[2]
    assert (cell.place.table, cell.place.row, cell.place.cell) == (1, 2, 3)


# --- the activity report written for the tests ---------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", *RENDERINGS])
def test_aewa_report_facts(rendered, gazetteer, fmt):
    report = _report(rendered("aewa-report", fmt))
    doc = report.document
    assert (doc.symbol, doc.context, doc.meeting, doc.date, doc.resolution) == (
        AEWA_SYMBOL, "UNEP/AEWA/StC15", "StC15", "2019-05-02", "6.14",
    )  # fmt: skip
    assert [(a.number, a.title, a.objectives) for a in report.areas] == AEWA_AREAS
    assert [
        (e.area, e.period.label, e.index, e.codes, e.status_kind) for e in report.entries
    ] == AEWA_ENTRIES
    linked = link(report, gazetteer)
    for entry in linked.entries:
        facts = AEWA_LINKS[entry.entry.codes]
        for role in ("funder", "funding-channel", "partner"):
            if role in facts:
                found = {m.entity for m in entry.mentions if m.role.value == role}
                assert found == facts[role], (entry.entry.codes, role)
        if "documents" in facts:
            assert {r.value for r in entry.documents} == facts["documents"]
        if "budget_lines" in facts:
            assert {r.value for r in entry.budget_lines} == facts["budget_lines"]
        if "amounts" in facts:
            assert {(a.value, a.currency) for a in entry.amounts} == facts["amounts"]
        assert entry.entry.footnotes == facts.get("footnotes", ())


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_aewa_report_reads_to_the_answers_of_its_txt(rendered, gazetteer, fmt):
    txt = link(_report(rendered("aewa-report", "txt")), gazetteer)
    other = link(_report(rendered("aewa-report", fmt)), gazetteer)
    assert contract_view(other) == contract_view(txt)


# --- unreadable files ----------------------------------------------------------------------


def _truncated_docx() -> bytes:
    data = to_docx(PROSE)
    return data[: len(data) // 2]


def _docx_with_broken_xml() -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(to_docx(PROSE))) as zin,
        zipfile.ZipFile(buffer, "w") as zout,
    ):
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    return buffer.getvalue()


BAD_FILES = [
    ("encrypted.pdf", lambda: to_pdf(PROSE, password="secret"),
     "encrypted PDF: a password is needed to open it"),
    ("scan.pdf", lambda: images_only_pdf(["UNEP/CMS/COP12/Doc.21.2", "A scanned page"]),
     "no text layer (a scan?): run OCR first"),
    ("truncated.pdf", lambda: to_pdf(PROSE)[:3000], "broken or truncated PDF"),
    ("text.pdf", lambda: b"Just text, no PDF.", "not a PDF file"),
    ("truncated.docx", _truncated_docx, "broken or truncated Word file"),
    ("broken.docx", _docx_with_broken_xml, "broken Word file"),
    ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
     "an encrypted or old-format (.doc) Word file"),
    ("a-pdf.docx", lambda: to_pdf(PROSE), "a PDF file, not a Word document"),
    ("binary.html", lambda: b"<html>\x00\x01\x02</html>", "binary file (NUL byte)"),
    ("a-docx.html", lambda: to_docx(PROSE), "a ZIP (Word?) file, not a web page"),
    ("empty.html", lambda: b"  \n", "empty file"),
    ("binary.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (NUL byte)"),
    ("report.doc", lambda: b"whatever", "unsupported file type '.doc'"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unreadable_files_are_refused_with_one_line(tmp_path, name, make, message):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError) as info:
        read_document(path)
    text = str(info.value)
    assert text.startswith(f"{path}:") and message in text and "\n" not in text


def test_scripts_and_styles_in_a_web_page_are_dropped_and_text_is_inert(tmp_path):
    hostile = (
        '<p onclick="alert(1)">See <script>alert("x")</script>Doc 21.1'
        "<style>p{color:red}</style> &lt;script&gt;alert(2)&lt;/script&gt;</p>"
    )
    page = to_html(PROSE, extra_head="<script>document.write('<p>injected</p>')</script>")
    page = page.replace(b"</body>", hostile.encode() + b"</body>")
    path = tmp_path / "hostile.html"
    path.write_bytes(page)
    doc = read_document(path)
    texts = [p.text for p in doc.paragraphs()]
    assert texts[-1] == "See Doc 21.1 <script>alert(2)</script>"  # escaped text stays text
    assert not [t for t in texts if "injected" in t or 'alert("x")' in t or "color:red" in t]
    kind, records = classify(doc)
    assert kind.name == "document" and records.document.symbol == "UNEP/CMS/COP12/Doc.21.2"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "gone.pdf")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


# --- any bytes: a document or a clear error ------------------------------------------------

_PREFIXES = {
    ".pdf": [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"],
    ".docx": [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"],
    ".html": [b"", b"<html><body><table><tr><td>", b"<p>UNEP/CMS/COP11/Doc.1 <sup>1</sup>"],
    ".htm": [b""],
    ".txt": [b"", b"NR.\tACTIVITY\tDESCRIPTION\n", b"UNEP/CMS/COP11/Doc.16.1\n"],
}


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_bytes_give_records_or_a_clear_error(suffix, data):
    prefix = data.draw(st.sampled_from(_PREFIXES[suffix]))
    body = data.draw(st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
    path = f"fuzz{suffix}"
    try:
        kind, records = classify(read_bytes(prefix + body, path))
    except InputError as exc:
        assert str(exc).startswith(f"{path}") and "\n" not in str(exc)
    else:
        assert records.path == path and kind in KINDS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.floats(0.05, 0.95), flips=st.lists(st.integers(0, 10**6), max_size=5))
def test_damaged_renderings_give_records_or_a_clear_error(rendered, cut, flips):
    for fmt in ("pdf", "docx"):
        data = bytearray(rendered("prose", fmt).read_bytes())
        for at in flips:
            data[at % len(data)] ^= 0xFF
        path = f"damaged.{fmt}"
        try:
            classify(read_bytes(bytes(data[: int(len(data) * cut)]), path))
        except InputError as exc:
            assert str(exc).startswith(path) and "\n" not in str(exc)


def test_document_model_blocks_in_reading_order(rendered):
    doc = read_document(rendered("prose", "docx"))
    kinds = ["table" if isinstance(b, Table) else b.style.value for b in doc.blocks]
    assert kinds[10:] == [
        "heading", "body", "body", "body", "table", "heading", "body", "list-item",
        "list-item", "footnote",
    ]  # fmt: skip
    assert all(isinstance(b, Paragraph) for b in doc.blocks[:10])
    assert doc.header.symbol == "UNEP/CMS/COP12/Doc.21.2"
    assert doc.header.title == "CONSERVATION OF MIGRATORY SHARKS AND RAYS"
    assert (doc.header.meeting, doc.header.date, doc.header.agenda_item) == (
        "COP12", "2017-08-10", "21.2",
    )  # fmt: skip
    assert doc.header.venue == "Manila, Philippines, 23-28 October 2017"
    assert doc.header.lines[2] == "UNEP/CMS/COP12/Doc.21.2"
    assert len(doc.sha256) == 64


def test_word_footnotes_typed_by_hand_as_superscripts(tmp_path):
    import docx

    word = docx.Document()
    word.add_paragraph("UNEP/CMS/COP12/Doc.9")
    paragraph = word.add_paragraph("1. Funded by Norway")
    paragraph.add_run("1").font.superscript = True
    paragraph.add_run(" and Sweden.")
    note = word.add_paragraph()
    note.add_run("1").font.superscript = True
    note.add_run(" Through the Norwegian Environment Agency.")
    path = tmp_path / "typed.docx"
    word.save(path)
    doc = read_document(path)
    body, footnote = list(doc.paragraphs())[1:]
    assert body.text == "1. Funded by Norway and Sweden."
    assert [(n.marker, n.text) for n in body.footnotes] == [
        ("1", "Through the Norwegian Environment Agency.")
    ]
    assert (footnote.style, footnote.number) == (Style.FOOTNOTE, "1")


def test_web_page_footnotes_as_paragraphs_starting_with_their_number(tmp_path):
    path = tmp_path / "typed.html"
    path.write_text(
        "<p>UNEP/CMS/COP12/Doc.9</p><table><tr><td>Row</td><td>Paid by Norway<sup>2</sup>"
        "</td></tr></table><p><sup>2</sup> Through the Norwegian Environment Agency.</p>"
    )
    doc = read_document(path)
    (table,) = doc.tables()
    cell = table.rows[0].cells[1]
    assert (cell.text, [(n.marker, n.text) for n in cell.footnotes]) == (
        "Paid by Norway",
        [("2", "Through the Norwegian Environment Agency.")],
    )
    assert list(doc.paragraphs())[-1].style is Style.FOOTNOTE
