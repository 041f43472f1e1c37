"""Helpers shared by the tests of change over time (tests/test_compare*.py, the views).

:func:`later_report` makes, from the bundled report, the report a Secretariat might
issue next on the same programme, with changes read off by hand (:data:`LATER_CHANGES`);
:func:`successive_corpus` writes the generator's successive reports with their truth.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from make_corpus import MANIFEST, generate

__all__ = ["LATER", "LATER_CHANGES", "SEED", "Expected", "later_report", "successive_corpus"]

SEED = "UNEP/CMS/COP11/Doc.16.1"
LATER = "UNEP/CMS/COP11/Inf.16.1"  # for the same meeting, dated later: after the seed


class Expected(NamedTuple):
    """How one code changes from one report to the next."""

    change: str
    funders_added: tuple[str, ...] = ()
    funders_removed: tuple[str, ...] = ()
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()


# What changes from the seed to the later report, by code; every other code is
# continued with the same funders and documents.
LATER_CHANGES = {
    "2.2": Expected("dropped"),  # its row (line 69) is gone
    "2.4": Expected("new"),  # a row added after 2.3's
    "4.1": Expected("continued", ("Norway",), ("Germany",)),  # row 89: "from Norway, Finland"
    "4.4": Expected("continued", ("Norway",), ("Germany",)),  # the same row
    "7.1": Expected("continued", documents_added=("UNEP/CMS/COP11/Doc.22.2",)),  # "See Doc 22.2."
    "16.1": Expected("dropped"),  # row 186 renumbered 16.1 -> 16.4, its text the same
    "16.4": Expected("new"),
}


def later_report(seed_text: str) -> str:
    """The bundled report as a later report on Resolution 10.9 would have it."""
    lines = seed_text.split("\n")

    def at(number: int) -> int:  # the 0-based index of the seed's line ``number``
        return number - 1

    assert lines[at(9)] == SEED and lines[at(10)] == "14 August 2014"
    lines[at(9)], lines[at(10)] = LATER, "20 October 2014"
    assert "from Germany, Finland and CMS instruments" in lines[at(89)]
    lines[at(89)] = lines[at(89)].replace("from Germany, Finland", "from Norway, Finland")
    cells = lines[at(113)].split("\t")
    assert "(7.1)" in cells[1]
    cells[2] += " See Doc 22.2."
    lines[at(113)] = "\t".join(cells)
    assert "(16.1)" in lines[at(186)]
    lines[at(186)] = lines[at(186)].replace("(16.1)", "(16.4)")
    assert "(2.3)" in lines[at(71)] and "(2.2)" in lines[at(69)]
    new_row = (
        "\t<p>Engage indigenous and local communities in the monitoring of flyways. (2.4)</p>"
        "\t<p>The Secretariat will approach partners in 2015.</p>\t<p>Staff time</p>"
    )
    lines.insert(at(71) + 1, new_row)
    del lines[at(69)]
    return "\n".join(lines)


def successive_corpus(out: Path, *, regular: int, successive: int, seed: int) -> dict[str, Any]:
    """Write a corpus with successive reports; return its ``successive`` truth."""
    generate(regular, out, seed=seed, successive=successive)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    truth: dict[str, Any] = manifest["successive"]
    return truth
