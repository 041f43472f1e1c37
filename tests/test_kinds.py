"""Document kinds: the registry, programmes of work and prose, against facts read by hand."""

from __future__ import annotations

import pytest
from document_facts import (
    ASCOBANS_ACTIVITIES,
    ASCOBANS_COLUMNS,
    ASCOBANS_GROUPS,
    ASCOBANS_SYMBOL,
    PROSE_CELL_MENTIONS,
    PROSE_MENTIONS,
    PROSE_SYMBOL,
    SHARKS_ABBREVIATIONS,
    SHARKS_ACTIVITIES,
    SHARKS_CITATIONS,
    SHARKS_COLUMNS,
    SHARKS_GROUPS,
    SHARKS_LINKS,
    SHARKS_SYMBOL,
)

from cmsgraph.errors import InputError
from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.kinds import KINDS, classify, kind_named, link, read_and_classify
from cmsgraph.model import (
    Field,
    LinkedMeetingDocument,
    LinkedText,
    LinkedWorkProgramme,
    MeetingDocument,
    Report,
    Role,
    WorkProgramme,
)
from cmsgraph.parse import parse_file
from cmsgraph.readers import read_bytes

FORMATS = ["txt", "pdf", "docx", "html"]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_registry_order_and_the_last_kind_accepts_anything():
    assert [k.name for k in KINDS] == ["activity-report", "programme-of-work", "document"]
    assert [k.records for k in KINDS] == [Report, WorkProgramme, MeetingDocument]
    assert kind_named("programme-of-work") is KINDS[1]
    kind, records = classify(read_bytes(b"A note.\n", "note.txt"))
    assert kind.name == "document" and isinstance(records, MeetingDocument)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("seed", "activity-report"),
        ("aewa-report", "activity-report"),
        ("sharks-programme", "programme-of-work"),
        ("ascobans-work-plan", "programme-of-work"),
        ("prose", "document"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_each_document_is_read_as_its_kind(rendered, name, kind, fmt):
    found, records = read_and_classify(rendered(name, fmt))
    assert found.name == kind
    assert records.format.value == fmt


# --- programme of work: Sharks MOU columns ------------------------------------------------


@pytest.fixture(scope="module")
def sharks(rendered, gazetteer):
    def read(fmt: str) -> LinkedWorkProgramme:
        _, records = read_and_classify(rendered("sharks-programme", fmt))
        linked = link(records, gazetteer)
        assert isinstance(linked, LinkedWorkProgramme)
        return linked

    return read


def _cell(activity, which: Field) -> LinkedText:
    (cell,) = [c for c in activity.cells if c.field is which]
    return cell


@pytest.mark.parametrize("fmt", FORMATS)
def test_sharks_programme_columns_groups_and_activities(sharks, fmt):
    linked = sharks(fmt)
    programme = linked.programme
    assert programme.document.symbol == SHARKS_SYMBOL
    assert (programme.document.meeting, programme.document.date) == ("MOS3", "2018-11-14")
    assert [(c.field.value, c.header) for c in programme.columns] == SHARKS_COLUMNS
    assert [(g.number, g.title) for g in programme.groups] == SHARKS_GROUPS
    found = {
        a.number: (
            programme.groups[a.group - 1].number if a.group else None,
            a.text(Field.PRIORITY),
            a.text(Field.TIMEFRAME),
        )
        for a in programme.activities
    }
    assert found == SHARKS_ACTIVITIES
    assert [a.index for a in programme.activities] == list(range(1, 12))
    assert linked.instrument == "sharks-mou"
    assert not programme.warnings


@pytest.mark.parametrize("fmt", FORMATS)
def test_sharks_abbreviations_resolve_to_bodies_of_the_mou(sharks, fmt):
    linked = sharks(fmt)
    found = {
        a.abbreviation.short: (
            a.abbreviation.expansion,
            a.entity,
            a.abbreviation.place.row is not None,
        )
        for a in linked.abbreviations
    }
    assert found == SHARKS_ABBREVIATIONS
    new = {e.id: (e.type, e.parent, e.label) for e in linked.entities}
    assert new["sharks-mou-advisory-committee"] == (
        "Body",
        "sharks-mou",
        "Sharks MoU Advisory Committee",
    )
    assert "sharks-mou-interim-secretariat" not in new  # the gazetteer knows it


@pytest.mark.parametrize("fmt", FORMATS)
def test_sharks_mandates_become_citations(sharks, fmt):
    linked = sharks(fmt)
    for activity in linked.activities:
        number = activity.activity.number
        if number in SHARKS_CITATIONS:
            cell = _cell(activity, Field.MANDATE)
            assert {(c.kind.value, c.value) for c in cell.citations} == SHARKS_CITATIONS[number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sharks_responsible_entities_funders_partners_with_cell_and_text(sharks, fmt):
    linked = sharks(fmt)
    for activity in linked.activities:
        number = activity.activity.number
        if number not in SHARKS_LINKS:
            continue
        responsible, funders, partners, amounts = SHARKS_LINKS[number]
        cell = _cell(activity, Field.RESPONSIBLE)
        assert {m.entity for m in cell.mentions if m.role is Role.RESPONSIBLE} == responsible
        for m in cell.mentions:  # provenance: the exact text, in the cell's text
            assert cell.text[m.start : m.end] == m.text
        assert cell.place.row == activity.activity.place.row and cell.place.cell == 6
        money = _cell(activity, Field.RESOURCES)
        assert {m.entity for m in money.mentions if m.role is Role.FUNDER} == funders
        assert {(a.value, a.currency) for a in money.amounts} == amounts
        named = _cell(activity, Field.ACTIVITY)
        assert {m.entity for m in named.mentions if m.role is Role.PARTNER} == partners


def test_sharks_pdf_table_runs_over_pages_and_keeps_one_header(sharks):
    programme = sharks("pdf").programme
    pages = {a.place.page for a in programme.activities}
    assert len(pages) >= 2
    assert len(programme.activities) == 11  # the repeated header row is no activity
    assert programme.activities[1].cells[1].text.count("\n") == 1  # two paragraphs, wraps joined


# --- programme of work: ASCOBANS columns --------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_ascobans_work_plan(rendered, gazetteer, fmt):
    _, records = read_and_classify(rendered("ascobans-work-plan", fmt))
    assert isinstance(records, WorkProgramme)
    assert (records.document.symbol, records.document.meeting) == (ASCOBANS_SYMBOL, "AC25")
    assert [(c.field.value, c.header) for c in records.columns] == ASCOBANS_COLUMNS
    assert [(g.number, g.title) for g in records.groups] == ASCOBANS_GROUPS
    linked = link(records, gazetteer)
    assert isinstance(linked, LinkedWorkProgramme) and linked.instrument == "ascobans"
    found = {}
    for activity in linked.activities:
        a = activity.activity
        citations = {(c.kind.value, c.value) for cell in activity.cells for c in cell.citations}
        responsible = {
            m.entity for m in _cell(activity, Field.RESPONSIBLE).mentions
            if m.role is Role.RESPONSIBLE
        }  # fmt: skip
        found[a.number] = (
            a.group, a.text(Field.TIMEFRAME), a.text(Field.STATUS), citations, responsible,
        )  # fmt: skip
    assert found == ASCOBANS_ACTIVITIES


def test_column_words_whatever_the_order_or_wording(tmp_path):
    page = (
        "<p>UNEP/CMS/COP13/Doc.15</p><table>"
        "<tr><th>Estimated cost (EUR)</th><th>Lead</th><th>Partners</th><th>Task</th>"
        "<th>Timescale</th><th>Ref.</th></tr>"
        "<tr><td>€10,000</td><td>Secretariat</td><td>IUCN; Germany</td>"
        "<td>Translate the guidelines</td><td>2021</td><td>A.1</td></tr></table>"
    )
    _, records = classify(read_bytes(page.encode(), "pow.html"))
    assert isinstance(records, WorkProgramme)
    assert [c.field for c in records.columns] == [
        Field.RESOURCES, Field.RESPONSIBLE, Field.PARTNERS, Field.ACTIVITY, Field.TIMEFRAME,
        Field.NUMBER,
    ]  # fmt: skip
    (activity,) = records.activities
    assert (activity.number, activity.text(Field.ACTIVITY)) == ("A.1", "Translate the guidelines")
    linked = link(records, load_gazetteer())
    (partners,) = [c for c in linked.activities[0].cells if c.field is Field.PARTNERS]
    assert {(m.entity, m.role) for m in partners.mentions} == {
        ("iucn", Role.PARTNER), ("DE", Role.PARTNER),
    }  # fmt: skip


# --- prose ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prose(rendered, gazetteer):
    def read(fmt: str) -> LinkedMeetingDocument:
        _, records = read_and_classify(rendered("prose", fmt))
        linked = link(records, gazetteer)
        assert isinstance(linked, LinkedMeetingDocument)
        return linked

    return read


def _what(passage: LinkedText) -> set[tuple[str, str]]:
    found = {(m.text, m.entity) for m in passage.mentions}
    found |= {(c.text, f"{c.kind.value}:{c.value}") for c in passage.citations}
    found |= {(a.text, f"amount:{a.value} {a.currency}") for a in passage.amounts}
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_prose_mentions_with_their_paragraph_and_exact_text(prose, fmt):
    linked = prose(fmt)
    doc = linked.document.document
    assert (doc.symbol, doc.title, doc.meeting, doc.date, doc.agenda_item) == (
        PROSE_SYMBOL, "CONSERVATION OF MIGRATORY SHARKS AND RAYS", "COP12", "2017-08-10", "21.2",
    )  # fmt: skip
    by_paragraph = {p.place.paragraph: p for p in linked.passages if p.field is Field.PARAGRAPH}
    for paragraph, text, what in PROSE_MENTIONS:
        passage = by_paragraph[paragraph]
        assert (text, what) in _what(passage), (paragraph, text, what)
        assert text in passage.text
        assert passage.place.page == (1 if fmt == "pdf" else None)
        assert (passage.place.line is not None) == (fmt == "txt")
    cells = {
        (p.place.table, p.place.row, p.place.cell): p
        for p in linked.passages
        if p.field is Field.CELL
    }
    for table, row, cell, text, what in PROSE_CELL_MENTIONS:
        assert (text, what) in _what(cells[(table, row, cell)])


@pytest.mark.parametrize("fmt", FORMATS)
def test_prose_roles_and_footnote(prose, fmt):
    linked = prose(fmt)
    roles = {(m.entity, m.role) for p in linked.passages for m in p.mentions}
    assert {("iucn", Role.ORGANISATION), ("DE", Role.COUNTRY), ("cms", Role.CONVENTION),
            ("sharks-mou", Role.INSTRUMENT)} <= roles  # fmt: skip
    footnote = next(p for p in linked.document.passages if p.style == "footnote")
    assert (footnote.number, footnote.place.paragraph) == ("1", 19)


# --- documents without a symbol; the .txt contract ---------------------------------------


def test_a_document_without_a_symbol_is_named_after_its_file_with_a_warning():
    page = b"<h1>Notes on flyways</h1><p>1. AEWA and Germany met in Bonn (see Res. 11.14).</p>"
    kind, records = classify(read_bytes(page, "/data/flyway notes.html"))
    assert kind.name == "document"
    assert (records.document.symbol, records.document.printed_symbol) == ("flyway notes", False)
    assert records.document.context == ""
    (warning,) = records.warnings
    assert "no document symbol printed" in warning.message and "'flyway notes'" in warning.message
    linked = link(records, load_gazetteer())
    assert {c.value for p in linked.passages for c in p.citations} == {"11.14"}


def test_an_activity_report_without_a_symbol_is_read_with_a_warning(seed_text):
    text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", "")
    _, records = classify(read_bytes(text.encode(), "report.txt"))
    assert isinstance(records, Report) and len(records.entries) == 33
    assert records.document.symbol == "report" and not records.document.printed_symbol
    assert records.warnings[0].message.startswith("no document symbol printed")


def test_parse_file_keeps_the_txt_contract(tmp_path, seed_text):
    path = tmp_path / "prose.txt"
    path.write_text("Just some prose.\nNo tables at all.\n")
    with pytest.raises(InputError, match="not a CMS activity report"):
        parse_file(path)
    kind, _ = classify(read_bytes(path.read_bytes(), str(path)))
    assert kind.name == "document"  # the new API reads it, as prose


def test_a_sniffed_activity_table_with_a_broken_row_is_an_error_with_its_line(seed_text):
    lines = seed_text.split("\n")
    lines[59] += "\tan extra cell\tand another"
    with pytest.raises(InputError, match="broken table row") as info:
        classify(read_bytes("\n".join(lines).encode(), "broken.txt"))
    assert info.value.line == 60
