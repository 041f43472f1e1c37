"""Readers never see a store vanish: each keeps answering from the version it opened,
and a build removes an old version only once no reader holds it (issue 11)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import cmsgraph
from cmsgraph.store import open_current


def _variants(folder: Path, seed_text: str, count: int, funder: str) -> list[Path]:
    """``count`` copies of the seed under other symbols, row 1.1 funded by ``funder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", f"UNEP/CMS/COP11/Doc.{i + 50}.1")
        text = text.replace("Core budget: staff time\n", f"Contribution from {funder}\n", 1)
        path = folder / f"doc-{i}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def _funders(store: Path) -> frozenset[tuple[str | None, ...]]:
    return frozenset(cmsgraph.query("funders", store=store).values())


def test_queries_keep_answering_while_builds_replace_the_store(tmp_path, seed_text):
    norway = _variants(tmp_path / "norway", seed_text, 4, "Norway")
    japan = _variants(tmp_path / "japan", seed_text, 4, "Japan")
    for name, sources in (("norway", norway), ("japan", japan)):
        cmsgraph.build(sources, store=tmp_path / f"only-{name}")
    answers = {_funders(tmp_path / "only-norway"), _funders(tmp_path / "only-japan")}
    assert len(answers) == 2  # the builds below change the answers
    store = tmp_path / "store"
    cmsgraph.build(norway, store=store)

    done = threading.Event()
    seen: list[frozenset[tuple[str | None, ...]]] = []
    failures: list[BaseException] = []

    def api_reader() -> None:
        while not done.is_set():
            try:
                seen.append(_funders(store))
            except BaseException as exc:  # any failure fails the test
                failures.append(exc)

    cli_outputs: list[subprocess.CompletedProcess[str]] = []

    def cli_reader() -> None:
        while not done.is_set():
            cli_outputs.append(
                subprocess.run(
                    [
                        sys.executable,
                        "-P",
                        "-m",
                        "cmsgraph",
                        "query",
                        "funders",
                        "--store",
                        str(store),
                        "--format",
                        "csv",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
            )

    readers = [threading.Thread(target=api_reader), threading.Thread(target=cli_reader)]
    for reader in readers:
        reader.start()
    try:
        for round_ in range(8):  # every build publishes a version and retires the last
            cmsgraph.build(japan if round_ % 2 == 0 else norway, store=store)
    finally:
        done.set()
        for reader in readers:
            reader.join(120)
    assert failures == []
    assert seen and set(seen) <= answers
    assert cli_outputs and all(p.returncode == 0 for p in cli_outputs), [
        p.stderr for p in cli_outputs if p.returncode
    ]
    csv_answers = {p.stdout for p in cli_outputs}
    assert len(csv_answers) <= 2
    # every retired version is gone once its readers are: only ``current`` is left
    cmsgraph.build(japan, store=store)
    assert [p.name for p in (store / "versions").iterdir()] == [open_current(store).path.name]


def test_a_version_held_by_a_reader_outlives_later_builds(tmp_path, seed_text):
    norway = _variants(tmp_path / "norway", seed_text, 2, "Norway")
    japan = _variants(tmp_path / "japan", seed_text, 2, "Japan")
    store = tmp_path / "store"
    cmsgraph.build(norway, store=store)
    held = open_current(store)  # a reader (a notebook, serve) holding this version
    db = held.open()
    cmsgraph.build(japan, store=store)
    cmsgraph.build(norway, store=store)
    assert held.path.exists() and held.path != open_current(store).path
    rows = {s["funder"].value for s in db.query(
        "PREFIX cmsg: <https://w3id.org/cmsgraph/ontology#> "
        "SELECT ?funder WHERE { ?e cmsg:fundedBy/<http://www.w3.org/2004/02/skos/core#prefLabel> "
        "?funder }")}  # fmt: skip
    assert "Norway" in rows  # still the version it opened
    del db
    held.release()
    cmsgraph.build(japan, store=store)
    assert not held.path.exists()
