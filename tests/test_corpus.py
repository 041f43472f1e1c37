"""The benchmark corpus generator (``benchmarks/make_corpus.py``, issue 6).

Twenty reports made with seed 1: the same bytes every time, every report parses
without a warning, the seed's irregularities all occur, and ``cmsgraph build`` reads
exactly what the generator's manifest (``corpus.json``) says it wrote.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import cmsgraph
from cmsgraph.model import Report, Role

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_corpus import _REWORDINGS, MANIFEST, MAX_SUCCESSIVE, generate, main

REPORTS, SEED = 20, 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(REPORTS, out, seed=SEED)
    return out


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / MANIFEST).read_text("utf-8"))


@pytest.fixture(scope="module")
def reports(corpus: Path, manifest: dict[str, Any]) -> dict[str, Report]:
    return {f["file"]: cmsgraph.parse_file(corpus / f["file"]) for f in manifest["files"]}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- determinism -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    paths = generate(REPORTS, tmp_path, seed=SEED)
    assert [p.name for p in paths] == [f"report-{i:04d}.txt" for i in range(1, REPORTS + 1)]
    assert _files(tmp_path) == _files(corpus)


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(corpus: Path, tmp_path: Path) -> None:
    generate(5, tmp_path, seed=SEED)
    reports = {n: b for n, b in _files(tmp_path).items() if n != MANIFEST}
    assert reports == {n: b for n, b in _files(corpus).items() if n in reports}


def test_another_seed_gives_other_reports(corpus: Path, tmp_path: Path) -> None:
    generate(3, tmp_path, seed=SEED + 1)
    for name in ("report-0001.txt", "report-0002.txt", "report-0003.txt"):
        assert (tmp_path / name).read_bytes() != (corpus / name).read_bytes()


def test_regenerating_into_a_folder_leaves_no_stale_reports(tmp_path: Path) -> None:
    generate(4, tmp_path, seed=SEED)
    generate(2, tmp_path, seed=SEED)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["report-0001.txt", "report-0002.txt"]


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--reports", "2", "--out", str(tmp_path / "new"), "--seed", "3"]) == 0
    assert re.match(r"2 files written to .*new, \d+\.\d MB, \d+\.\d s$", capsys.readouterr().out)
    assert json.loads((tmp_path / "new" / MANIFEST).read_text("utf-8"))["reports"] == 2


# --- every report parses as its manifest says ---------------------------------------------------


def test_every_report_parses_without_warnings(manifest: dict[str, Any], reports) -> None:
    for f in manifest["files"]:
        report = reports[f["file"]]
        assert report.warnings == (), f["file"]
        assert report.document.symbol == f["symbol"]
        assert len(report.areas) == f["areas"]
        assert 10 <= len(report.areas) <= 25
        assert len(report.entries) == f["entries"], f["file"]
        assert sum(len(e.footnotes) for e in report.entries) == f["footnotes"]


def test_symbols_are_unique_and_from_several_kinds_of_meeting(manifest: dict[str, Any]) -> None:
    symbols = [f["symbol"] for f in manifest["files"]]
    assert len(set(symbols)) == len(symbols)
    assert all(re.match(r"^UNEP/[A-Z]+/[A-Za-z]+\d+/(Doc|Inf)\.[\d.]+$", s) for s in symbols)
    series = {re.sub(r"\d+/.*", "", s) for s in symbols}
    assert {"UNEP/CMS/COP", "UNEP/CMS/StC"} <= series and len(series) >= 5


def test_each_report_states_its_periods(reports) -> None:
    for report in reports.values():
        terms = {e.period.term for e in report.entries}
        assert {"short", "medium"} <= terms
        for e in report.entries:
            assert e.period.end - e.period.start == 2
            assert e.status_kind == ("progress" if e.period.term == "short" else "plan")


# --- the seed's irregularities occur ----------------------------------------------------------


def test_some_files_have_crlf_line_ends(corpus: Path, manifest: dict[str, Any]) -> None:
    crlf = [f["file"] for f in manifest["files"] if f["crlf"]]
    assert crlf
    for f in manifest["files"]:
        data = (corpus / f["file"]).read_bytes()
        assert (b"\r\n" in data) is f["crlf"]
        assert f["crlf"] or b"\r" not in data


def test_nested_tables_repeat_their_rows_and_are_kept_once(corpus: Path, manifest, reports) -> None:
    nested = [f for f in manifest["files"] if f["nested_tables"]]
    assert nested
    for f in nested:
        lines = (corpus / f["file"]).read_text("utf-8").splitlines()
        table_lines = [i for i, line in enumerate(lines) if "<table" in line]
        assert len(table_lines) == f["nested_tables"]
        for i in table_lines:  # the row after the header line repeats the table's first row
            first_cell = lines[i + 2].split("\t")[0]
            assert "<td" in lines[i] and f">{first_cell}</td>" in lines[i]
            assert lines[i].count(first_cell) == 2  # in the table, then flat on the same line
    for report in reports.values():  # no sub-activity twice in one area's period
        seen = Counter((e.area, e.period.label, c) for e in report.entries for c in e.codes)
        assert max(seen.values()) == 1


def test_codes_are_reported_under_another_activity(manifest: dict[str, Any], reports) -> None:
    found = 0
    for f in manifest["files"]:
        for code in f["foreign_codes"]:
            (entry,) = [e for e in reports[f["file"]].entries if code in e.codes]
            assert entry.area != code.split(".")[0]
            found += 1
    assert found


def test_rows_name_several_codes(reports) -> None:
    entries = [e for r in reports.values() for e in r.entries]
    assert any(len(e.codes) >= 2 for e in entries)
    assert any(re.search(r"\(\d+\.\d+ and \d+\.\d+\)", e.activity_text) for e in entries)
    assert any("<ol" in e.source_text for e in entries)


def test_the_period_label_stands_on_the_header_or_the_data_line(corpus: Path) -> None:
    text = "\n".join(p.read_text("utf-8") for p in corpus.glob("*.txt"))
    label = r"(?:SHORT|MEDIUM|LONG)[ -]TERM[^\t\n]*"
    assert re.search(rf"^{label}\tACTIVITY\t", text, re.M | re.I)
    assert re.search(rf"^{label}\t(?!ACTIVITY\t|<table)", text, re.M | re.I)
    assert re.search(r"^\tACTIVITY\t(PLAN|PROGRESS ON IMPLEMENTATION)\tRESOURCES", text, re.M)


def test_cells_hold_html_entities_footnotes_and_gaps(corpus: Path, reports) -> None:
    text = "\n".join(p.read_text("utf-8") for p in corpus.glob("*.txt"))
    assert "&amp;" in text and "&nbsp;" in text and "<p>" in text
    entries = [e for r in reports.values() for e in r.entries]
    assert any(e.footnotes for e in entries)
    assert any(not e.resources_text for e in entries)
    assert re.search(r"\b\d+ th meeting of the", text)


def test_rows_cite_documents_resolutions_budget_lines_and_amounts(reports) -> None:
    gazetteer = cmsgraph.load_gazetteer()
    linked = [e for r in reports.values() for e in cmsgraph.link_report(r, gazetteer).entries]
    documents = {d.value for e in linked for d in e.documents}
    assert any(d.count("/") == 3 and "/Inf." in d for d in documents)
    assert any(e.resolutions for e in linked)
    assert any(e.budget_lines for e in linked)
    assert {a.currency for e in linked for a in e.amounts} >= {"EUR", "USD"}
    roles = {m.role for e in linked for m in e.mentions}
    assert {Role.FUNDER, Role.FUNDING_CHANNEL, Role.PARTNER, Role.INSTRUMENT} <= roles


# --- the build reads what the generator wrote --------------------------------------------------


def test_build_counts_the_entries_and_lists_the_invented_names(
    corpus: Path, manifest: dict[str, Any], tmp_path: Path
) -> None:
    result = cmsgraph.build([corpus], store=tmp_path / "s")
    assert result.documents == REPORTS
    assert result.entries == manifest["entries"] == sum(f["entries"] for f in manifest["files"])
    assert result.warnings == ()
    invented = {n for f in manifest["files"] for n in f["unknown_names"]}
    assert invented and {"Nordic Flyway Trust", "ZQBX"} & invented
    # the only names the build cannot link are those the generator knows it cannot
    assert {n.text for n in result.not_linked} == invented


# --- successive reports on one programme (issue 13) ----------------------------------------


@pytest.fixture(scope="module")
def successive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("successive")
    generate(REPORTS, out, seed=SEED, successive=MAX_SUCCESSIVE)
    return out, json.loads((out / MANIFEST).read_text("utf-8"))


def test_successive_reports_leave_the_regular_ones_as_they_were(
    corpus: Path, manifest: dict[str, Any], successive: tuple[Path, dict[str, Any]]
) -> None:
    out, with_them = successive
    regular = {n: b for n, b in _files(out).items() if n.startswith("report-")}
    assert regular == {n: b for n, b in _files(corpus).items() if n.startswith("report-")}
    assert {k: v for k, v in with_them.items() if k != "successive"} == manifest
    names = [f["file"] for f in with_them["successive"]["files"]]
    assert names == [f"successive-{i:02d}.txt" for i in range(1, MAX_SUCCESSIVE + 1)]


def test_successive_reports_parse_in_order_on_one_programme(
    successive: tuple[Path, dict[str, Any]],
) -> None:
    from cmsgraph.graph import order_key

    out, manifest = successive
    files = manifest["successive"]["files"]
    keys = []
    for f in files:
        report = cmsgraph.parse_file(out / f["file"])
        assert report.warnings == (), f["file"]
        assert (report.document.symbol, report.document.resolution) == (f["symbol"], "10.40")
        assert len(report.entries) == f["entries"]
        assert {c for e in report.entries for c in e.codes} == set(f["subactivities"])
        keys.append(order_key(report.document))
    assert keys == sorted(keys)  # written in the order the meetings were held
    other = {f["resolution"] for f in manifest["files"] if f["symbol"].startswith("UNEP/CMS/")}
    assert "10.40" not in other  # no regular report is on the successive programme


def test_successive_truth_partitions_the_codes(successive: tuple[Path, dict[str, Any]]) -> None:
    truth = successive[1]["successive"]
    files = {f["symbol"]: f["subactivities"] for f in truth["files"]}
    for pair in truth["pairs"]:
        old, new = files[pair["old"]], files[pair["new"]]
        assert set(pair["new_codes"]) == set(new) - set(old)
        assert set(pair["dropped"]) == set(old) - set(new)
        assert set(pair["continued"]) == set(old) & set(new)
        for a, b in pair["renumbered"]:  # the same sub-activity under another code
            assert a in old and b in new and a != b
            was, now = old[a]["text"], new[b]["text"]
            assert now == was or any(re.sub(p, r, was, count=1) == now for p, r in _REWORDINGS)
        for code, added in pair["funders_added"].items():
            assert set(added) == set(new[code]["funders"]) - set(old[code]["funders"])


@pytest.mark.parametrize("count", [1, MAX_SUCCESSIVE + 1, -1])
def test_successive_counts_out_of_range_are_refused(tmp_path: Path, count: int) -> None:
    with pytest.raises(ValueError, match="successive must be 0 or 2 to"):
        generate(1, tmp_path, successive=count)
    with pytest.raises(SystemExit):
        main(["--reports", "1", "--out", str(tmp_path), "--successive", str(count)])
