"""Following sub-activities across reports (issue 13): ``cmsgraph compare``, the review
file of proposed matches, and the named queries ``activity-history`` and ``changes``.

Two sets of facts: the bundled report and a later report made from it by hand
(tests/support/history.py says what changed), and the generator's successive reports on
one programme, whose truth ``corpus.json`` records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from facts import ROWS
from pyoxigraph import Literal
from support.history import LATER, LATER_CHANGES, SEED, later_report, successive_corpus

import cmsgraph
from cmsgraph.errors import InputError, QueryError, StoreError
from cmsgraph.graph import order_key
from cmsgraph.history import COLUMNS, Comparison, read_matches, write_review
from cmsgraph.parse import parse_file

# -- the bundled report and a later one -----------------------------------------------------


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, seed_path: Path, seed_text: str) -> Path:
    folder = tmp_path_factory.mktemp("two-reports")
    (folder / seed_path.name).write_bytes(seed_path.read_bytes())
    (folder / "UNEP-CMS-COP11-Inf.16.1.txt").write_text(later_report(seed_text), "utf-8")
    return folder


@pytest.fixture(scope="module")
def store(sources: Path) -> Path:
    store = sources / "store"
    cmsgraph.build([sources], store=store)
    return store


@pytest.fixture(scope="module")
def comparison(store: Path) -> Comparison:
    return cmsgraph.compare(SEED, LATER, store=store)


def test_the_later_report_comes_after_the_seed(sources: Path) -> None:
    seed = parse_file(sources / "UNEP-CMS-COP11-Doc.16.1.txt").document
    later = parse_file(sources / "UNEP-CMS-COP11-Inf.16.1.txt").document
    # COP11 opened on 4 November 2014; the documents are of 14 August and 20 October
    assert order_key(seed) == 2014_11_04_2014_08_14
    assert order_key(later) == 2014_11_04_2014_10_20


@pytest.mark.parametrize("code", sorted(LATER_CHANGES))
def test_compare_says_how_each_changed_code_changed(comparison: Comparison, code: str) -> None:
    expected = LATER_CHANGES[code]
    (row,) = [c for c in comparison.changes if c.code == code]
    assert row.change == expected.change
    assert row.funders_added == expected.funders_added
    assert row.funders_removed == expected.funders_removed
    assert row.documents_added == expected.documents_added
    assert row.documents_removed == expected.documents_removed


def test_every_other_code_is_continued_as_it_was(comparison: Comparison) -> None:
    others = [c for c in comparison.changes if c.code not in LATER_CHANGES]
    seed_codes = {code for _, _, _, codes in ROWS for code in codes}
    assert {c.code for c in others} == seed_codes - set(LATER_CHANGES)
    for c in others:
        assert (c.change, c.old_code, c.changed) == ("continued", c.code, False), c.code


def test_a_changed_code_is_traced_to_its_rows(comparison: Comparison) -> None:
    (row,) = [c for c in comparison.changes if c.code == "4.4"]
    assert row.old is not None and row.new is not None
    assert row.old.lines == (89, 91)  # 4.4 stands in a short- and a medium-term row
    assert row.new.lines == (89, 91)  # one row was removed above and one added: even
    assert all("/document/UNEP/CMS/COP11/Inf.16.1/entry/" in e for e in row.new.entries)
    assert row.old.periods == ("2012-2014", "2015-2017")


def test_the_renumbered_code_is_proposed_never_merged(comparison: Comparison) -> None:
    assert [(p.old_code, p.new_code, p.score) for p in comparison.proposals] == [
        ("16.1", "16.4", 1.0)
    ]
    assert comparison.proposals[0].old_text.startswith("Utilization of systems of assessment")
    assert {c.code: c.change for c in comparison.changes if c.code.startswith("16.")} == {
        "16.1": "dropped",
        "16.2": "continued",
        "16.3": "continued",
        "16.4": "new",
    }


def test_the_table_has_the_contract_columns(comparison: Comparison) -> None:
    table = comparison.table()
    assert table.variables[:8] == (
        "code",
        "change",
        "funders_added",
        "funders_removed",
        "documents_added",
        "documents_removed",
        "status_old",
        "status_new",
    )
    assert table.variables == COLUMNS
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in table.values()}
    assert len(rows) == len(table.rows)  # one row per code
    assert rows["4.4"]["funders_added"] == "Norway"
    assert rows["2.2"]["status_new"] is None and rows["2.4"]["status_old"] is None
    assert rows["2.2"]["status_old"].startswith("The Secretariat focused on strengthening")
    assert len(rows["2.2"]["status_old"]) <= 161  # shortened
    assert rows["4.4"]["lines_old"] == "89; 91"


# -- the command line -------------------------------------------------------------------------


def test_cli_csv(store: Path) -> None:
    result = run_cli("compare", SEED, LATER, "--store", store, "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert "4.4,continued,Norway,Germany,,," in result.stdout
    assert "16.1 in UNEP/CMS/COP11/Doc.16.1 may be 16.4 in UNEP/CMS/COP11/Inf.16.1" in (
        result.stderr
    )


def test_cli_json_and_table(store: Path) -> None:
    result = run_cli("compare", SEED, LATER, "--store", store, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == list(COLUMNS)
    codes = [b["code"]["value"] for b in doc["results"]["bindings"]]
    assert codes[:3] == ["1.1", "1.2", "2.1"] and "16.4" in codes
    table = run_cli("compare", SEED, LATER, "--store", store)
    first = table.stdout.splitlines()[0]
    assert first == (
        f"{SEED} -> {LATER} (CMS Resolution 10.9): 2 new, 2 dropped, 44 continued "
        "(3 with other funders or documents)"
    )


def test_cli_takes_source_paths_and_file_names(store: Path, sources: Path) -> None:
    by_path = run_cli(
        "compare",
        sources / "UNEP-CMS-COP11-Doc.16.1.txt",
        "UNEP-CMS-COP11-Inf.16.1.txt",
        "--store",
        store,
        "--format",
        "csv",
    )
    by_symbol = run_cli("compare", SEED, LATER, "--store", store, "--format", "csv")
    assert by_path.returncode == 0, by_path.stderr
    assert by_path.stdout == by_symbol.stdout


@pytest.mark.parametrize("args", [("UNEP/CMS/COP99/Doc.1", LATER), (SEED, "nothing.txt")])
def test_cli_unknown_document_is_a_one_line_error_exit_4(
    store: Path, args: tuple[str, str]
) -> None:
    result = run_cli("compare", *args, "--store", store)
    assert result.returncode == 4
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    missing = args[0] if "COP99" in args[0] else args[1]
    assert line.startswith(f"cmsgraph: error: no document '{missing}' in the store at ")


def test_without_a_store_exit_3(tmp_path: Path) -> None:
    result = run_cli("compare", SEED, LATER, "--store", tmp_path / "none")
    assert result.returncode == 3
    with pytest.raises(StoreError):
        cmsgraph.compare(SEED, LATER, store=tmp_path / "none")


def test_the_api_raises_a_query_error_for_an_unknown_document(store: Path) -> None:
    with pytest.raises(QueryError, match=r"no document 'UNEP/CMS/COP99/Doc\.1'"):
        cmsgraph.compare("UNEP/CMS/COP99/Doc.1", LATER, store=store)


def test_comparing_the_other_way_round_says_so(store: Path) -> None:
    backwards = cmsgraph.compare(LATER, SEED, store=store)
    assert f"{LATER} comes after {SEED} (by meeting and date)" in backwards.notes
    assert {c.code for c in backwards.by_change("new")} == {"2.2", "16.1"}


# -- the review file --------------------------------------------------------------------------


def test_proposals_go_to_a_review_file_that_keeps_decisions(store: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.toml"
    result = run_cli("compare", SEED, LATER, "--store", store, "--proposals", review)
    assert result.returncode == 0, result.stderr
    assert "1 proposed match(es) added to" in result.stderr
    (match,) = read_matches(review)
    assert (match.old, match.new, match.old_code, match.new_code) == (SEED, LATER, "16.1", "16.4")
    assert (match.decision, match.score) == ("proposed", 1.0)
    first = review.read_bytes()
    run_cli("compare", SEED, LATER, "--store", store, "--proposals", review)
    assert review.read_bytes() == first  # nothing new: the same bytes
    confirmed = first.replace(b'decision = "proposed"', b'decision = "confirmed"')
    review.write_bytes(confirmed + b'note = "renumbered at COP11"\n')
    comparison = cmsgraph.compare(SEED, LATER, store=store)
    assert write_review(review, [comparison]) == 0
    (kept,) = read_matches(review)
    assert (kept.decision, kept.note) == ("confirmed", "renumbered at COP11")


def test_a_confirmed_match_is_compared_as_one_sub_activity(store: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.toml"
    write_review(review, [cmsgraph.compare(SEED, LATER, store=store)])
    review.write_text(review.read_text().replace('"proposed"', '"confirmed"'))
    result = cmsgraph.compare(SEED, LATER, store=store, matches=review)
    (row,) = [c for c in result.changes if c.code == "16.4"]
    assert (row.change, row.old_code, row.renumbered) == ("continued", "16.1", True)
    assert not [c for c in result.changes if c.code == "16.1"]
    assert result.proposals == ()
    assert [(p.old_code, p.new_code, p.decision) for p in result.confirmed] == [
        ("16.1", "16.4", "confirmed")
    ]
    csv = run_cli("compare", SEED, LATER, "--store", store, "--format", "csv", "--matches", review)
    assert "\n16.4,continued,,,,," in csv.stdout and ",16.1,186,186\n" in csv.stdout


def test_a_rejected_match_is_not_proposed_again(store: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.toml"
    write_review(review, [cmsgraph.compare(SEED, LATER, store=store)])
    review.write_text(review.read_text().replace('"proposed"', '"rejected"'))
    result = cmsgraph.compare(SEED, LATER, store=store, matches=review)
    assert result.proposals == ()
    assert {c.code: c.change for c in result.changes if c.code in ("16.1", "16.4")} == {
        "16.1": "dropped",
        "16.4": "new",
    }


@pytest.mark.parametrize(
    "text, message, line",
    [
        (
            '[[match]]\nold = "a"\nnew = "b"\nold_code = "1.1"\nnew_code = "1.2"\n'
            'decision = "maybe"\n',
            "decision 'maybe' is not one of proposed, confirmed, rejected",
            1,
        ),
        (
            '# x\n\n[[match]]\nold = "a"\nnew = "b"\nold_code = "1.1"\n',
            "a match without new_code",
            3,
        ),
        ("[[match]\n", "not a review file", 1),
    ],
)
def test_a_broken_review_file_is_an_input_error(
    store: Path, tmp_path: Path, text: str, message: str, line: int
) -> None:
    review = tmp_path / "review.toml"
    review.write_text(text)
    with pytest.raises(InputError) as caught:
        read_matches(review)
    assert message in str(caught.value) and caught.value.line == line
    result = run_cli("compare", SEED, LATER, "--store", store, "--matches", review)
    assert result.returncode == 1
    assert result.stderr.startswith(f"cmsgraph: error: {review}:{line}: ")


# -- named queries on the bundled report ----------------------------------------------------


def test_activity_history_of_4_4(store: Path) -> None:
    table = cmsgraph.query("activity-history", store=store, params=["code=4.4"])
    assert not isinstance(table, bool)
    assert table.variables == (
        "code",
        "programme",
        "document",
        "meeting",
        "date",
        "period",
        "funders",
        "status",
    )
    rows = [(*r[:6], set((r[6] or "").split("; ")) - {""}) for r in table.values()]
    assert rows == [
        (
            "4.4",
            "CMS Resolution 10.9",
            SEED,
            "COP11",
            "2014-08-14",
            "2012-2014",
            {"Germany", "Finland"},
        ),
        ("4.4", "CMS Resolution 10.9", SEED, "COP11", "2014-08-14", "2015-2017", set()),
        (
            "4.4",
            "CMS Resolution 10.9",
            LATER,
            "COP11",
            "2014-10-20",
            "2012-2014",
            {"Norway", "Finland"},
        ),
        ("4.4", "CMS Resolution 10.9", LATER, "COP11", "2014-10-20", "2015-2017", set()),
    ]
    assert table.values()[0][7].startswith("The CMS Family website was released in March 2014")


def test_changes_between_the_seed_and_the_later_report(store: Path) -> None:
    table = cmsgraph.query("changes", store=store)
    assert not isinstance(table, bool)
    assert table.variables == ("programme", "old", "new", "code", "change")
    assert table.values() == [
        ("CMS Resolution 10.9", SEED, LATER, code, LATER_CHANGES[code].change)
        for code in ("2.2", "2.4", "16.1", "16.4")
    ]


# -- ground truth at scale: the generator's successive reports -------------------------------


@pytest.fixture(scope="module")
def successive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("successive")
    truth = successive_corpus(folder / "corpus", regular=3, successive=7, seed=11)
    cmsgraph.build([folder / "corpus"], store=folder / "store")
    return folder / "store", truth


def _pairs(successive: tuple[Path, dict[str, Any]]) -> list[dict[str, Any]]:
    return list(successive[1]["pairs"])


@pytest.mark.parametrize("pair", range(6))
def test_compare_finds_the_generators_changes(
    successive: tuple[Path, dict[str, Any]], pair: int
) -> None:
    store, truth = successive
    expected = truth["pairs"][pair]
    result = cmsgraph.compare(expected["old"], expected["new"], store=store)
    assert [c.code for c in result.by_change("new")] == expected["new_codes"]
    assert [c.code for c in result.by_change("dropped")] == expected["dropped"]
    assert [c.code for c in result.by_change("continued")] == expected["continued"]
    for column in ("funders_added", "funders_removed", "documents_added", "documents_removed"):
        found = {c.code: list(getattr(c, column)) for c in result.changes if getattr(c, column)}
        assert found == expected[column], column
    # every renumbering is proposed, and nothing else
    proposed = sorted([p.old_code, p.new_code] for p in result.proposals)
    assert proposed == sorted(expected["renumbered"])
    assert result.notes == ()


def test_the_generators_pairs_have_each_kind_of_change(
    successive: tuple[Path, dict[str, Any]],
) -> None:
    pairs = _pairs(successive)
    assert all(p["new_codes"] and p["dropped"] and p["renumbered"] for p in pairs)
    assert any(p["funders_added"] and p["funders_removed"] for p in pairs)
    assert any(p["documents_added"] for p in pairs) and any(p["documents_removed"] for p in pairs)
    shifted = [p for p in pairs if any(a in p["continued"] for a, _ in p["renumbered"])]
    assert shifted  # a code kept, its sub-activity moved on: only the texts tell


def test_changes_query_matches_the_truth(successive: tuple[Path, dict[str, Any]]) -> None:
    store, truth = successive
    table = cmsgraph.query("changes", store=store)
    assert not isinstance(table, bool)
    found = [r for r in table.values() if r[0] == "CMS Resolution 10.40"]
    expected = [
        ("CMS Resolution 10.40", p["old"], p["new"], code, change)
        for p in truth["pairs"]
        for code, change in sorted(
            [(c, "new") for c in p["new_codes"]] + [(c, "dropped") for c in p["dropped"]],
            key=lambda t: (tuple(int(x) for x in t[0].split(".")), t[1]),
        )
    ]
    assert found == expected


def test_activity_history_follows_a_code_through_every_report(
    successive: tuple[Path, dict[str, Any]],
) -> None:
    store, truth = successive
    files = truth["files"]
    code = next(c for c in files[0]["subactivities"] if all(c in f["subactivities"] for f in files))
    table = cmsgraph.query("activity-history", store=store, params={"code": Literal(code)})
    assert not isinstance(table, bool)
    ours = [r for r in table.values() if r[1] == "CMS Resolution 10.40"]
    documents = list(dict.fromkeys(r[2] for r in ours))
    assert documents == [f["symbol"] for f in files]  # in order: by meeting, then date
    for f in files:
        funders = {r[6] for r in ours if r[2] == f["symbol"]}
        expected = f["subactivities"][code]["funders"]
        assert {frozenset((x or "").split("; ")) - {""} for x in funders} == {frozenset(expected)}


def test_proposals_find_every_renumbering_of_many_generated_programmes() -> None:
    """Recall and precision of the proposals over 20 generated programmes (6 pairs each),
    on the sub-activities' texts alone (no store): every renumbering is found."""
    from make_corpus import _load_names, _Successive

    from cmsgraph.history import Reported, ReportOnProgramme, ReportRows, compare_rows

    names = _load_names()
    found = missed = other = 0
    for seed in range(20):
        series = _Successive(seed, names)
        truths = [series.step() for _ in range(6)]
        sides = []
        for i, version in enumerate(series.versions):
            report = ReportOnProgramme(f"d{i}", f"d{i}", "p", "P", None, None, i, "activity-report")
            rows = {
                c: Reported(c, (), (), (), item.text, (), frozenset(), frozenset())
                for c, item in series.codes(version).items()
            }
            sides.append(ReportRows(report, rows))
        for truth, old, new in zip(truths, sides, sides[1:], strict=False):
            proposed = {(p.old_code, p.new_code) for p in compare_rows(old, new).proposals}
            renumbered = {(a, b) for a, b in truth["renumbered"]}
            found += len(proposed & renumbered)
            missed += len(renumbered - proposed)
            other += len(proposed - renumbered)
    assert found > 250 and missed == 0
    assert other <= found // 100  # the generator avoids most look-alikes, not all


def test_the_benchmark_times_compare_and_history_from_fresh_processes(
    store: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_bench.py"
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            str(script),
            "--store",
            str(store),
            "--runs",
            "1",
            "--json",
            str(out),
            "--code",
            "4.4",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text("utf-8"))
    assert figures["reports"] == 2 and figures["target_s"] == 2.0
    commands = figures["commands"]
    assert commands[f"compare {SEED} {LATER}"]["rows"] == 48  # one per code of either
    assert commands["query activity-history --param code=4.4"]["rows"] == 4
    assert all(0 < c["p50_s"] <= c["max_s"] for c in commands.values())
    assert f"| `compare {SEED} {LATER}` | 48 |" in result.stdout
