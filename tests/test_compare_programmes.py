"""Programmes of work are compared the same way as activity reports (issue 13): two
successive programmes of the Sharks MOU (tests/support/documents.py), rendered in every
format, compared activity by activity (by number) against the changes read by hand
(``document_facts.SHARKS_CHANGES``); ``activity-history`` and ``changes`` follow them;
and activity reports read from PDF, Word and web pages (which have no source lines) are
compared like their ``.txt``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from document_facts import (
    AEWA_ENTRIES,
    AEWA_LINKS,
    AEWA_SYMBOL,
    ASCOBANS_ACTIVITIES,
    SHARKS_ACTIVITIES,
    SHARKS_CHANGES,
    SHARKS_LATER_ACTIVITIES,
    SHARKS_LATER_SYMBOL,
    SHARKS_ORDER,
    SHARKS_PROGRAMME_IRI,
    SHARKS_PROGRAMME_LABEL,
    SHARKS_RENUMBERED,
    SHARKS_SYMBOL,
)
from pyoxigraph import Literal

import cmsgraph
from cmsgraph.history import COLUMNS, Comparison, reports_by_programme, reports_on_programmes

FORMATS = ["txt", "pdf", "docx", "html"]
OLD, NEW = SHARKS_SYMBOL, SHARKS_LATER_SYMBOL


@pytest.fixture(scope="module")
def stores(rendered, tmp_path_factory: pytest.TempPathFactory):
    """``stores(fmt)``: a store of the two programmes rendered as ``fmt``."""
    made: dict[str, Path] = {}

    def store(fmt: str) -> Path:
        if fmt not in made:
            folder = tmp_path_factory.mktemp(f"programmes-{fmt}")
            for name in ("sharks-programme", "sharks-programme-later"):
                (folder / f"{name}.{fmt}").write_bytes(rendered(name, fmt).read_bytes())
            cmsgraph.build([folder], store=folder / "store")
            made[fmt] = folder / "store"
        return made[fmt]

    return store


@pytest.fixture(scope="module")
def comparisons(stores):
    made: dict[str, Comparison] = {}

    def comparison(fmt: str) -> Comparison:
        if fmt not in made:
            made[fmt] = cmsgraph.compare(OLD, NEW, store=stores(fmt))
        return made[fmt]

    return comparison


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_programmes_are_versions_of_the_mous_programme_in_order(stores, fmt):
    found = [r for r in reports_on_programmes(stores(fmt)) if r.kind == "programme-of-work"]
    assert [(r.symbol, r.programme, r.programme_label, r.order) for r in found] == [
        (symbol, SHARKS_PROGRAMME_IRI, SHARKS_PROGRAMME_LABEL, SHARKS_ORDER[symbol])
        for symbol in (OLD, NEW)
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("number", sorted(SHARKS_CHANGES))
def test_compare_says_how_each_activity_changed(comparisons, fmt, number):
    expected = SHARKS_CHANGES[number]
    (row,) = [c for c in comparisons(fmt).changes if c.code == number]
    assert (
        row.change,
        row.funders_added,
        row.funders_removed,
        row.responsible_added,
        row.responsible_removed,
        row.documents_added,
        row.documents_removed,
    ) == tuple(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_row_per_number_of_either_programme(comparisons, fmt):
    codes = [c.code for c in comparisons(fmt).changes]
    assert codes == sorted(SHARKS_CHANGES, key=lambda n: tuple(map(int, n.split("."))))
    assert set(codes) == set(SHARKS_ACTIVITIES) | set(SHARKS_LATER_ACTIVITIES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_status_is_the_time_frame_cell(comparisons, fmt):
    """The Sharks programmes have no Status column: their Time frame says when."""
    for row in comparisons(fmt).changes:
        old = SHARKS_ACTIVITIES.get(row.old_code or "")
        new = SHARKS_LATER_ACTIVITIES.get(row.code) if row.new else None
        assert (row.old.status_text() if row.old else None) == (old[2] if old else None)
        assert (row.new.status_text() if row.new else None) == (new[2] if new else None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_renumbered_activity_is_proposed_never_merged(comparisons, fmt):
    result = comparisons(fmt)
    assert [(p.old_code, p.new_code, p.score) for p in result.proposals] == [
        (*pair, 1.0) for pair in SHARKS_RENUMBERED
    ]
    assert result.notes == ()


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_every_row_is_traced_to_its_activity(comparisons, fmt):
    (row,) = [c for c in comparisons(fmt).changes if c.code == "1.2"]
    assert row.old is not None and row.new is not None
    assert row.old.entries == (f"https://w3id.org/cmsgraph/id/document/{OLD}/activity/2",)
    assert row.new.entries == (f"https://w3id.org/cmsgraph/id/document/{NEW}/activity/2",)
    # a text source has lines; a PDF has none, and the table leaves them empty
    cells = dict(zip(COLUMNS, comparisons(fmt).table().values()[1], strict=True))
    assert (cells["lines_old"] is None) == (fmt == "pdf")


def test_cli_csv_has_the_contract_columns_and_the_responsible_entities(stores):
    result = run_cli("compare", OLD, NEW, "--store", stores("docx"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[0].startswith(
        "code,change,funders_added,funders_removed,documents_added,documents_removed,"
        "status_old,status_new,"
    )
    assert (
        "1.2,continued,,,UNEP/CMS/COP13/Doc.26.2.2,UNEP/CMS/COP12/Doc.21.2,2019-2021,2019-2021,"
        "Sharks MoU Advisory Committee,Sharks MoU Signatories,1.2,," in lines
    )
    assert "1.1,continued,Norway,Germany,,,2019-2020,2022-2023,,,1.1,," in lines
    assert f"1.3 in {OLD} may be 1.4 in {NEW} (text similarity 1.00)" in result.stderr
    table = run_cli("compare", OLD, NEW, "--store", stores("docx"))
    assert table.stdout.splitlines()[0] == (
        f"{OLD} -> {NEW} ({SHARKS_PROGRAMME_LABEL}): 2 new, 2 dropped, 9 continued "
        "(2 with other funders, responsible entities or documents)"
    )


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_changes_lists_the_activities_new_and_dropped(stores, fmt):
    table = cmsgraph.query("changes", store=stores(fmt))
    assert not isinstance(table, bool)
    expected = sorted(
        (n, c.change) for n, c in SHARKS_CHANGES.items() if c.change in ("new", "dropped")
    )
    assert table.values() == [
        (SHARKS_PROGRAMME_LABEL, OLD, NEW, number, change) for number, change in expected
    ]


@pytest.mark.parametrize("fmt", ["docx", "txt"])
def test_activity_history_follows_an_activity_across_the_programmes(stores, fmt):
    table = cmsgraph.query("activity-history", store=stores(fmt), params={"code": Literal("1.1")})
    assert not isinstance(table, bool)
    assert table.values() == [
        ("1.1", SHARKS_PROGRAMME_LABEL, OLD, "MOS3", "2018-11-14", None, "Germany", "2019-2020"),
        ("1.1", SHARKS_PROGRAMME_LABEL, NEW, "MOS4", "2022-01-07", None, "Norway", "2022-2023"),
    ]
    dropped = cmsgraph.query("activity-history", store=stores(fmt), params=["code=2.7"])
    assert not isinstance(dropped, bool)
    assert [r[2] for r in dropped.values()] == [OLD]  # reported once, then no more


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_status_column_comes_before_the_time_frame(rendered, tmp_path, fmt):
    """ASCOBANS' work plan has both: its Status ("Ongoing") is the status, not its
    Timing ("Annual")."""
    cmsgraph.build([rendered("ascobans-work-plan", fmt)], store=tmp_path / "store")
    (reports,) = reports_by_programme(tmp_path / "store").values()
    (plan,) = reports
    assert {code: r.status_text() for code, r in plan.rows.items()} == {
        number: facts[2] for number, facts in ASCOBANS_ACTIVITIES.items()
    }
    assert plan.report.programme_label == "ASCOBANS programme of work"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_an_activity_report_without_source_lines_is_compared_by_its_rows(rendered, tmp_path, fmt):
    """Rows of a report read from PDF, Word or HTML have no source line: compare reads
    them all the same (their lines 0, the table's lines empty)."""
    cmsgraph.build([rendered("aewa-report", fmt)], store=tmp_path / "store")
    (reports,) = reports_by_programme(tmp_path / "store").values()
    (report,) = reports
    assert report.report.symbol == AEWA_SYMBOL
    codes = {code for *_, codes, _ in AEWA_ENTRIES for code in codes}
    assert set(report.rows) == codes
    funders = {"DE": "Germany", "ec": "European Commission", "CH": "Switzerland", "NO": "Norway"}
    for row_codes, links in AEWA_LINKS.items():
        for code in row_codes:
            assert report.rows[code].funders == {funders[f] for f in links.get("funder", ())}
            assert report.rows[code].lines == (0,)


def test_a_programme_compared_with_a_report_shares_no_activity(stores, rendered, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "sharks.html").write_bytes(rendered("sharks-programme", "html").read_bytes())
    (folder / "aewa.html").write_bytes(rendered("aewa-report", "html").read_bytes())
    cmsgraph.build([folder], store=folder / "store")
    result = cmsgraph.compare(AEWA_SYMBOL, OLD, store=folder / "store")
    assert {c.change for c in result.changes} == {"new", "dropped"}
    assert any("no sub-activity is the same by its code" in n for n in result.notes)
