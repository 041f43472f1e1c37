"""Each source booked alone in one default graph: incremental builds and removal give
exactly what a full build gives (the same triples, counts and answers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

import cmsgraph
from cmsgraph.errors import InputError
from cmsgraph.store import open_current


def _variants(folder: Path, seed_text: str, count: int) -> list[Path]:
    """Copies of the seed under other symbols, each with a different funder in row 1.1."""
    folder.mkdir(parents=True, exist_ok=True)
    funders = ["Germany", "Norway", "Monaco", "Italy", "Chile", "Kenya"]
    paths = []
    for i in range(count):
        text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", f"UNEP/CMS/COP11/Doc.16.{i + 1}")
        text = text.replace("Core budget: staff time\n", f"Contribution from {funders[i]}\n", 1)
        path = folder / f"doc-{i + 1}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def _dump(store: Path) -> list[str]:
    version = open_current(store)
    lines = sorted(version.open().dump(format=RdfFormat.N_QUADS).decode().splitlines())
    assert version.manifest["triples"] == len(lines)  # the bookkeeping counts exactly
    return lines


def _answers(store: Path) -> dict[str, list[tuple[str | None, ...]]]:
    out = {}
    for named in cmsgraph.named_queries():
        if "bind it" not in named.text:
            out[named.name] = cmsgraph.query(named.name, store=store).values()
    return out


@pytest.fixture
def sources(tmp_path, seed_text):
    return _variants(tmp_path / "src", seed_text, 5)


def test_unchanged_sources_are_not_processed_again(tmp_path, sources):
    store = tmp_path / "s"
    first = cmsgraph.build(sources, store=store)
    assert (first.processed, first.documents) == (5, 5)
    again = cmsgraph.build(sources, store=store)
    assert (again.processed, again.documents, again.triples) == (0, 5, first.triples)


def test_changing_one_source_equals_a_full_rebuild(tmp_path, sources):
    store = tmp_path / "s"
    cmsgraph.build(sources, store=store)
    sources[2].write_text(
        sources[2].read_text().replace("Contribution from Monaco", "Contribution from Japan")
    )
    result = cmsgraph.build(sources, store=store)
    assert result.processed == 1
    assert ("1.1", "Japan") in cmsgraph.query("funders", store=store).values()
    assert ("1.1", "Monaco") not in cmsgraph.query("funders", store=store).values()
    cmsgraph.build(sources, store=tmp_path / "full", full=True)
    assert _dump(store) == _dump(tmp_path / "full")
    assert _answers(store) == _answers(tmp_path / "full")


def test_sources_no_longer_given_are_dropped(tmp_path, sources):
    store = tmp_path / "s"
    cmsgraph.build(sources, store=store)
    result = cmsgraph.build(sources[:3], store=store)
    assert (result.processed, result.removed, result.documents) == (0, 2, 3)
    cmsgraph.build(sources[:3], store=tmp_path / "full")
    assert _dump(store) == _dump(tmp_path / "full")


def test_remove_one_source(tmp_path, sources):
    store = tmp_path / "s"
    cmsgraph.build(sources, store=store)
    result = cmsgraph.remove(["UNEP/CMS/COP11/Doc.16.2", sources[4].name], store=store)
    assert (result.removed, result.documents) == (2, 3)
    cmsgraph.build([sources[0], sources[2], sources[3]], store=tmp_path / "full")
    assert _dump(store) == _dump(tmp_path / "full")
    with pytest.raises(InputError, match="not in the store"):
        cmsgraph.remove(["nothing.txt"], store=store)


def test_a_new_base_rebuilds_everything(tmp_path, sources):
    store = tmp_path / "s"
    cmsgraph.build(sources, store=store)
    result = cmsgraph.build(sources, store=store, base="http://example.org/other/")
    assert result.processed == 5
    assert not [q for q in _dump(store) if "w3id.org/cmsgraph/id/" in q]


def test_parallel_and_sequential_builds_agree(tmp_path, sources, monkeypatch):
    from cmsgraph import pipeline

    cmsgraph.build(sources, store=tmp_path / "parallel")
    monkeypatch.setattr(pipeline, "_PARALLEL_FROM", 10_000)
    cmsgraph.build(sources, store=tmp_path / "sequential")
    assert _dump(tmp_path / "parallel") == _dump(tmp_path / "sequential")


def test_a_bad_source_among_many_names_itself_and_writes_nothing(tmp_path, sources):
    store = tmp_path / "s"
    cmsgraph.build(sources, store=store)
    before = _dump(store)
    sources[3].write_bytes(b"\x00binary")
    with pytest.raises(InputError) as info:
        cmsgraph.build(sources, store=store)
    assert info.value.path == str(sources[3].resolve())
    assert _dump(store) == before


def test_cli_remove_and_quiet_build(tmp_path, sources):
    from conftest import run_cli

    store = tmp_path / "s"
    quiet = run_cli("build", *sources, "--store", store, "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    removed = run_cli("remove", sources[0], "--store", store)
    assert removed.returncode == 0 and "holds 4 document(s)" in removed.stdout
