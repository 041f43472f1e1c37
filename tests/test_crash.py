"""Crash safety: a build killed at any moment, or two builds at once, lose nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cmsgraph
from cmsgraph.store import open_current


def _sources(folder: Path, seed_text: str, count: int, tag: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = seed_text.replace("UNEP/CMS/COP11/Doc.16.1", f"UNEP/CMS/COP11/Doc.{i + 100}.1")
        text = text.replace("Core budget: staff time\n", f"Contribution from {tag}\n", 1)
        path = folder / f"doc-{i:03d}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def _answers(store: Path) -> dict[str, list[tuple[str | None, ...]]]:
    return {
        named.name: cmsgraph.query(named.name, store=store).values()
        for named in cmsgraph.named_queries()
        if "bind it" not in named.text
    }


def _build(sources: list[Path], store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-P",
            "-m",
            "cmsgraph",
            "build",
            *map(str, sources),
            "--store",
            str(store),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its worker processes die with it
    )


@pytest.mark.slow
def test_builds_killed_at_twenty_random_moments(tmp_path, seed_text):
    store = tmp_path / "store"
    cmsgraph.build(_sources(tmp_path / "old", seed_text, 5, "Norway"), store=store)
    before = _answers(store)
    new = _sources(tmp_path / "new", seed_text, 40, "Japan")

    started = time.monotonic()
    assert _build(new, tmp_path / "timing").wait() == 0
    duration = time.monotonic() - started
    after = _answers(tmp_path / "timing")  # what a build that got through gives

    rnd = random.Random(20)
    moments = sorted(rnd.uniform(0.05, duration) for _ in range(20))
    killed = 0
    for moment in moments:
        version = os.readlink(store / "current")
        proc = _build(new, store)
        time.sleep(moment)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        if os.readlink(store / "current") != version:
            # the build swapped ``current`` (its commit point) before it finished or was
            # killed on its way out: the store must be the new one, whole
            assert _answers(store) == after, f"a mixed store after a kill at {moment:.2f} s"
            assert proc.returncode in (0, -signal.SIGKILL)
            cmsgraph.build(_sources(tmp_path / "old", seed_text, 5, "Norway"), store=store)
            continue  # the old store is back for the next round
        assert _answers(store) == before, f"store changed after a kill at {moment:.2f} s"
    assert killed >= 15, f"only {killed} of 20 builds were still running when killed"
    # and the store is not wedged: the next build runs and cleans up the partial versions
    cmsgraph.build(new, store=store)
    assert not [p for p in (store / "versions").iterdir() if p.name.endswith(".partial")]
    assert ("1.1", "Japan") in cmsgraph.query("funders", store=store).values()


def test_two_builds_at_once_one_waits_its_turn_or_is_refused(tmp_path, seed_text):
    store = tmp_path / "store"
    sources = _sources(tmp_path / "src", seed_text, 30, "Japan")
    first, second = _build(sources, store), _build(sources[:10], store)
    codes = sorted([first.wait(), second.wait()])
    errors = (first.stderr.read() + second.stderr.read()).decode()
    assert codes in ([0, 0], [0, 3]), errors
    if codes == [0, 3]:
        assert "another build is writing this store" in errors
    documents = len(open_current(store).manifest["sources"])
    assert documents in (10, 30)
    assert len(cmsgraph.query("activities", store=store).values()) == 16
