"""Shared fixtures: the bundled source, and one store built from it per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cmsgraph
from cmsgraph._resources import bundled_sources

SEED_NAME = "UNEP-CMS-COP11-Doc.16.1.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    (path,) = [Path(str(f)) for f in bundled_sources() if f.name == SEED_NAME]
    return path


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text("utf-8")


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the bundled sources; tests must not write to it."""
    store = tmp_path_factory.mktemp("store") / "store"
    cmsgraph.build(store=store)
    return store


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cmsgraph ARGS`` the way a user would."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "cmsgraph", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """``rendered(name, fmt)``: a test document (``support.documents``) or the bundled
    report (``"seed"``) rendered as ``fmt`` (txt, pdf, docx, html), once per session."""
    from support.documents import DOCUMENTS, FORMATS
    from support.render import report_layout

    from cmsgraph.kinds import classify
    from cmsgraph.readers import read_document

    folder = tmp_path_factory.mktemp("rendered")
    made: dict[tuple[str, str], Path] = {}

    def render(name: str, fmt: str) -> Path:
        if (name, fmt) not in made:
            if name == "seed":
                (seed,) = [Path(str(f)) for f in bundled_sources() if f.name == SEED_NAME]
                if fmt == "txt":
                    return seed
                doc = read_document(seed)
                _, report = classify(doc)
                layout = report_layout(report, doc)
            else:
                layout = DOCUMENTS[name]
            path = folder / f"{name}.{fmt}"
            path.write_bytes(FORMATS[fmt](layout))
            made[(name, fmt)] = path
        return made[(name, fmt)]

    return render
