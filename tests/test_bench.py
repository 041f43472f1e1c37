"""The benchmark runs end to end at a small size and writes the figures it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def test_benchmark_at_small_size_writes_its_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--reports",
            "4",
            "--runs",
            "3",
            "--scaling",
            "2,4",
            "--json",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    for key in ("reports", "triples", "build_s", "peak_rss_mb", "baseline_build_s", "queries"):
        assert key in figures, key
    assert figures["reports"] == 4 and figures["triples"] > 10_000
    assert set(figures["queries"]) == {
        "activities",
        "subactivities",
        "document-references",
        "funders",
        "instruments",
        "partners",
        "budget-lines",
    }
    for timing in figures["queries"].values():
        assert {"p50_ms", "p95_ms", "baseline_p50_ms"} <= set(timing)
        assert 0 < timing["p50_ms"] <= timing["p95_ms"]
    assert figures["answers_agree"] is True  # cmsgraph and rdflib give the same answers
    assert "scaling_exponent" in figures
    assert "| build, total wall (s) |" in result.stdout


READ_BENCH = BENCH.parent / "read_bench.py"


def _read_bench(tmp_path: Path, runs: int) -> tuple[dict, str]:
    out = tmp_path / "read.json"
    result = subprocess.run(
        [sys.executable, "-P", str(READ_BENCH), "--runs", str(runs), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text()), result.stdout


def test_read_benchmark_times_every_format(tmp_path):
    figures, stdout = _read_bench(tmp_path, runs=1)
    assert set(figures["formats"]) == {"txt", "pdf", "docx", "html"}
    for timing in figures["formats"].values():
        assert 0 < timing["read_p50_s"] <= timing["read_and_classify_p50_s"]
    assert "| pdf |" in stdout and "PDF target (read <= 2 s)" in stdout


@pytest.mark.slow
def test_reading_the_bundled_report_as_pdf_takes_at_most_two_seconds(tmp_path):
    figures, _ = _read_bench(tmp_path, runs=5)
    assert figures["formats"]["pdf"]["read_p50_s"] <= 2.0
