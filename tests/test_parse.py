"""The parser against facts read by hand from UNEP/CMS/COP11/Doc.16.1, and variants of it."""

from __future__ import annotations

import re

import pytest
from facts import ROWS, ST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsgraph.errors import InputError
from cmsgraph.parse import clean_cell, parse_file, parse_text, split_codes


@pytest.fixture(scope="module")
def report(seed_path):
    return parse_file(seed_path)


def test_document_header(report):
    doc = report.document
    assert doc.symbol == "UNEP/CMS/COP11/Doc.16.1"
    assert doc.context == "UNEP/CMS/COP11"
    assert doc.date == "2014-08-14"
    assert doc.meeting == "COP11"
    assert doc.place == "Quito, Ecuador, 4-9 November 2014"
    assert doc.agenda_item == "16.1"
    assert doc.resolution == "10.9"
    assert doc.title.startswith("FUTURE STRUCTURE AND STRATEGIES OF CMS")
    assert "short term (2012-2014)" in doc.summary


def test_sixteen_activity_areas_with_titles_and_objectives(report):
    assert [a.number for a in report.areas] == [str(n) for n in range(1, 17)]
    first = report.areas[0]
    assert first.title == "Alignment with international environmental governance reform"
    assert first.objectives[0] == (
        "To support coherent international decision-making processes for environmental governance."
    )
    assert len(first.objectives) == 4
    assert len(report.areas[12].objectives) == 2  # activity 13 lists two objectives


@pytest.mark.parametrize(("line", "area", "period", "codes"), ROWS)
def test_row(report, line, area, period, codes):
    (entry,) = [e for e in report.entries if e.line == line]
    assert (entry.area, entry.period.label, entry.codes) == (area, period, codes)
    assert entry.status_kind == ("progress" if period == ST else "plan")


def test_one_entry_per_row_and_no_other(report):
    assert [e.line for e in report.entries] == [line for line, *_ in ROWS]
    assert not report.warnings


def test_nested_table_row_kept_once(report):
    assert sum("10.2" in e.codes for e in report.entries) == 1


def test_cells_are_plain_text(report):
    for entry in report.entries:
        for text in (entry.activity_text, entry.status_text, entry.resources_text):
            assert not re.search(r"</?(p|ul|li|ol|table|td|tr)\b", text), text
            assert "¹" not in text and "&nbsp;" not in text


def test_footnotes_attached_to_their_row(report):
    (row,) = [e for e in report.entries if e.line == 77]
    assert row.footnotes == (
        "1 Secretariat of the Conservation of Arctic Flora and Fauna (CAFF).",
        "2 The Multilateral Environmental Agreements and Information Knowledge Management "
        "(MEA IKM) Initiative.",
    )
    assert "cooperated with CAFF in the development" in row.status_text


def test_split_ordinal_is_joined(report):
    (row,) = [e for e in report.entries if e.line == 113]
    assert "reviewed by 18th meeting of the Scientific Council" in row.status_text


def test_subactivity_texts(report):
    (row,) = [e for e in report.entries if e.line == 89]
    assert dict(row.code_texts) == {
        "4.1": "Produce CMS website in three languages.",
        "4.4": "Parties/Signatories to begin to translate guidance documents into local "
        "languages to assist implementation.",
    }


def test_source_text_is_the_row_as_it_stands(report, seed_text):
    lines = seed_text.split("\n")
    for entry in report.entries:
        assert entry.source_text == lines[entry.line - 1].rstrip("\t")


def _keyed(report):
    return sorted((e.area, e.period.label, e.codes, e.activity_text) for e in report.entries)


def test_crlf_line_endings_parse_the_same(report, seed_text):
    crlf = parse_text(seed_text.replace("\n", "\r\n"), path="crlf.txt")
    assert _keyed(crlf) == _keyed(report)
    assert [e.line for e in crlf.entries] == [e.line for e in report.entries]


def _blocks(text: str) -> tuple[str, list[str]]:
    head, *blocks = re.split(r"(?=^NR\.\tACTIVITY\tDESCRIPTION)", text, flags=re.M)
    return head, blocks


def test_tables_in_any_order(report, seed_text):
    head, blocks = _blocks(seed_text)
    shuffled = head + "".join(reversed([b if b.endswith("\n") else b + "\n" for b in blocks]))
    assert _keyed(parse_text(shuffled, path="shuffled.txt")) == _keyed(report)


def another_cop(seed_text: str) -> str:
    """A report of the same format for COP12, with 18 activity areas and other periods."""
    text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", "UNEP/CMS/COP12/Doc.20.1")
    text = text.replace("11th MEETING", "12th MEETING").replace("14 August 2014", "3 July 2017")
    text = text.replace("(2012-2014)", "(2015-2017)", 2).replace(
        "(2015-2017) and", "(2018-2020) and"
    )
    text = text.replace("SHORT TERM: BY 2014", "SHORT TERM: BY 2017")
    text = text.replace("MEDIUM TERM: BY 2017", "MEDIUM TERM: BY 2020")
    text = text.replace("RESOLUTION 10.9", "RESOLUTION 11.3")
    extra = (
        "NR.\tACTIVITY\tDESCRIPTION\n"
        "17\tNew area seventeen.\t<ul> - To do seventeen things. - To share them.\n\n"
        "\tACTIVITY\tPROGRESS ON IMPLEMENTATION\tRESOURCES\n"
        "SHORT TERM: BY 2017\tFirst thing. (17.1)\tDone with IUCN. See Doc 9.9.\t"
        "Voluntary contribution from Norway.\n"
        "NR.\tACTIVITY\tDESCRIPTION\n"
        "18\tNew area eighteen.\t<ul> - One aim.\n"
        "LONG TERM: BY 2023\tACTIVITY\tPLAN\tRESOURCES\n"
        "\tLater thing. (18.1)\tWill be done.\t\n"
    )
    return text + "\n" + extra


def test_another_cop_with_more_activities(seed_text):
    other = parse_text(another_cop(seed_text), path="cop12.txt")
    assert other.document.symbol == "UNEP/CMS/COP12/Doc.20.1"
    assert other.document.context == "UNEP/CMS/COP12"
    assert other.document.meeting == "COP12"
    assert other.document.resolution == "11.3"
    assert len(other.areas) == 18
    periods = {(e.period.term, e.period.label) for e in other.entries}
    assert periods == {("short", "2015-2017"), ("medium", "2018-2020"), ("long", "2021-2023")}
    (row,) = [e for e in other.entries if e.codes == ("17.1",)]
    assert row.period.label == "2015-2017" and row.resources_text.endswith("Norway.")


def test_split_codes_with_lists_and_footnotes():
    assert split_codes("A. (1.1, 1.2 and 1.3)") == [("1.1", "A."), ("1.2", "A."), ("1.3", "A.")]
    assert split_codes("Nothing here") == []
    assert split_codes("Padded (04.01)") == [("4.1", "Padded")]


def test_clean_cell_decodes_entities_and_drops_tags():
    text, markers = clean_cell("<p>A &amp; B &lt;b&gt; ³</p><br/>C")
    assert (text, markers) == ("A & B <b>\nC", ("3",))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
        (b"Just some prose.\nNo tables at all.\n", "not a CMS activity report"),
        (b"NR.\tACTIVITY\tDESCRIPTION\n1\tT\tD\n", "no document symbol"),
    ],
)
def test_bad_input_names_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        parse_file(path)
    assert str(info.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


def test_broken_row_gives_its_line(seed_text):
    lines = seed_text.split("\n")
    lines[59] = lines[59] + "\tan extra cell\tand another"  # line 60: 6 cells
    with pytest.raises(InputError, match="broken table row") as info:
        parse_text("\n".join(lines), path="broken.txt")
    assert info.value.line == 60
    assert str(info.value).startswith("broken.txt:60: ")


def test_row_before_any_period_label_is_an_error(seed_text):
    text = seed_text.replace("SHORT TERM: BY 2014\tACTIVITY\tPROGRESS", "\tACTIVITY\tPROGRESS", 1)
    with pytest.raises(InputError, match="before any period label") as info:
        parse_text(text, path="x.txt")
    assert info.value.line == 60


def test_row_without_code_is_kept_with_a_warning(seed_text):
    text = seed_text.replace("IEG reform process. (1.1)", "IEG reform process.")
    report = parse_text(text, path="x.txt")
    (row,) = [e for e in report.entries if e.line == 60]
    assert row.codes == ()
    assert [(w.line, "no sub-activity code" in w.message) for w in report.warnings] == [(60, True)]


def test_odd_code_is_warned(seed_text):
    text = seed_text.replace("process. (1.1)", "process. (1.1) (99.99.99)")
    report = parse_text(text, path="x.txt")
    assert any("99.99.99" in w.message and w.line == 60 for w in report.warnings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("NR.ACTIVITYDESCRIPTION\t\n 1234567890()<p>/UNEPCMSOPDoc")),
        max_size=400,
    )
)
def test_any_text_gives_a_report_or_a_clear_error(text):
    try:
        parse_text(text, path="fuzz.txt")
    except InputError as exc:
        assert str(exc).startswith("fuzz.txt")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_seed_gives_a_report_or_a_clear_error(seed_text, data):
    lines = seed_text.split("\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    cut = data.draw(st.integers(0, len(lines[index])))
    junk = data.draw(st.text(max_size=30))
    lines[index] = lines[index][:cut] + junk + lines[index][cut:]
    try:
        parse_text("\n".join(lines), path="m.txt")
    except InputError as exc:
        assert str(exc).startswith("m.txt")


def test_control_characters_are_replaced_with_a_warning(seed_text):
    text = seed_text.replace("IEG reform process.", "IEG \x1b[31mreform\x0c process.")
    report = parse_text(text, path="x.txt")
    (row,) = [e for e in report.entries if e.line == 60]
    assert "\x1b" not in row.source_text and "\ufffd[31mreform" in row.source_text
    assert [(w.line, "control characters" in w.message) for w in report.warnings] == [(60, True)]


@pytest.mark.parametrize(
    ("heading", "symbol", "meeting", "context"),
    [
        ("6th SESSION OF THE MEETING OF THE PARTIES", "UNEP/AEWA/MOP6/Doc.12", "MOP6",
         "UNEP/AEWA/MOP6"),
        ("2nd MEETING OF THE SIGNATORIES", "UNEP/CMS/Raptors/MOS2/Doc.5", "MOS2",
         "UNEP/CMS/Raptors/MOS2"),
        ("41st MEETING OF THE STANDING COMMITTEE", "UNEP/CMS/StC41/Doc.7", "StC41",
         "UNEP/CMS/StC41"),
    ],
)  # fmt: skip
def test_family_meetings_and_symbols(seed_text, heading, symbol, meeting, context):
    text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", symbol).replace(
        "11th MEETING OF THE CONFERENCE OF THE PARTIES", heading
    )
    doc = parse_text(text, path="x.txt").document
    assert (doc.symbol, doc.meeting, doc.context) == (symbol, meeting, context)
    assert doc.place == "Quito, Ecuador, 4-9 November 2014"


def test_footnote_numbering_may_restart(seed_text):
    text = seed_text.replace(
        "Core budget: funds in line 3303", "Core budget ¹: funds in line 3303", 1
    )  # activity 6, line 105
    text = text.replace(
        "NR.\tACTIVITY\tDESCRIPTION\n7\t",
        "¹ A second footnote one.\n\nNR.\tACTIVITY\tDESCRIPTION\n7\t",
        1,
    )
    report = parse_text(text, path="x.txt")
    (row3,) = [e for e in report.entries if e.line == 77]
    (row6,) = [e for e in report.entries if e.line == 105]
    assert row3.footnotes[0].startswith("1 Secretariat of the Conservation of Arctic Flora")
    assert row6.footnotes == ("1 A second footnote one.",)


def test_nested_table_with_an_empty_cell_adds_no_entry(seed_text):
    plan = "Increased staffing levels in the Secretariat"
    lines = seed_text.split("\n")
    for i in (137, 139):  # the nested table's cell and its flat repeat on lines 138, 140
        lines[i] = re.sub(
            r"Increased staffing levels.*?mainly through the Migratory Species "
            r"Champion Programme\.",
            "",
            lines[i],
        )
    text = "\n".join(lines)
    assert plan not in text
    report = parse_text(text, path="x.txt")
    rows = [e for e in report.entries if "10.2" in e.codes]
    assert len(rows) == 1 and rows[0].status_text == ""
    assert rows[0].resources_text.startswith("Staff time and funds in core budget")
