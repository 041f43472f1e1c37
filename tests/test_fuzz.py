"""Mutation fuzzing (benchmarks/fuzz.py): every mutated report builds or fails clearly.

The default run takes a slice of every kind of mutation; the full run (1,000 cases)
is marked slow, and CI runs it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fuzz


def _check(outcomes):
    summary = fuzz.summarise(outcomes)
    failures = [f"case {o.case} ({o.mutator}): {o.detail}" for o in outcomes
                if o.result == "failure"]  # fmt: skip
    assert not failures, "\n".join(failures)
    return summary


def test_every_kind_of_mutation_once(tmp_path):
    outcomes = [
        fuzz.run_case(case, tmp_path, timeout=60) for case in fuzz.cases(len(fuzz.MUTATORS))
    ]
    summary = _check(outcomes)
    assert set(summary["by_mutator"]) == set(fuzz.MUTATORS)
    expected = {
        "empty": "error",
        "nul_bytes": "error",
        "million_rows": "error",
        "huge_cell": "error",
    }
    for o in outcomes:
        if o.mutator in expected:
            assert o.result == expected[o.mutator], o
            assert ":" in o.detail.split(str(tmp_path), 1)[1]  # names the file (and line)


def test_utf16_without_a_byte_order_mark_is_read(tmp_path, seed_text):
    import cmsgraph

    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(seed_text.encode(encoding))
        assert cmsgraph.build([path], store=tmp_path / encoding).entries == 33


@pytest.mark.slow
def test_a_thousand_mutated_reports():
    summary = _check(fuzz.run(1000, seed=0, timeout=60))  # the slowest case takes < 1 s
    assert summary["cases"] == 1000
