"""The benchmark runs end to end at a small size and writes the figures it promises; its
children are held to their memory and time limits."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cmsgraph

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench import Limits, run_child

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

NAMED = {q.name for q in cmsgraph.named_queries()}


@pytest.mark.integration  # starts a Virtuoso server when virtuoso-t is installed
def test_benchmark_at_small_size_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench.py"), "--reports", "4", "--runs", "1",
         "--one-programme", "4", "--scaling", "2,4", "--memory-mb", "3072",
         "--baseline-budget", "300", "--json", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    assert figures["reports"] == 4 and figures["triples"] > 10_000
    assert figures["limits"] == {"memory_mb": 3072, "timeout_s": 1800.0, "query_timeout_s": 120.0}
    build = figures["build"]
    assert build["status"] == "ok" and build["wall_s"] > 0 and build["peak_rss_mb"] > 0
    assert {"parse", "link", "graph", "validate", "load"} <= set(build["stages_s"])
    assert build["store_mb"] > 0
    assert figures["export"]["status"] == "ok" and figures["export"]["mb"] > 0
    assert figures["incremental_build"]["processed"] == 1  # one report changed
    assert figures["remove"]["status"] == "ok"
    assert figures["peer"]["status"] == "ok"
    virtuoso = shutil.which("virtuoso-t") is not None
    assert ("virtuoso" in figures) is virtuoso
    # with Virtuoso, the named queries are also asked through cmsgraph query --endpoint
    engines = {"cmsgraph", "peer", "virtuoso", "endpoint"} if virtuoso else {"cmsgraph", "peer"}
    for case in (figures, figures["one_programme"]):
        assert set(case["queries"]) == NAMED
        for name, q in case["queries"].items():
            for engine in engines:
                assert q[engine]["status"] == "ok", (name, engine, q[engine])
                assert 0 < q[engine]["p50_ms"] <= q[engine]["p95_ms"]
            assert q["ratio_peer"] > 0 and q["same_rows_peer"] is True, name
            if virtuoso:
                assert q["ratio_virtuoso"] > 0 and q["same_rows_virtuoso"] is True, name
                assert q["same_rows_endpoint"] is True, name
    assert figures["one_programme"]["reports"] == 4
    baseline = figures["baseline"]
    assert figures["baseline_reports"] == baseline["reports"] == 4
    assert [(a["reports"], a["status"]) for a in baseline["attempts"]] == [(4, "ok")]
    assert baseline["answers_agree"] is True  # cmsgraph and rdflib give the same answers
    assert all(q["ratio"] > 0 for q in baseline["queries"].values())
    assert "scaling_exponent" in figures
    assert (
        "| query | rows | cmsgraph | pyoxigraph peer | Virtuoso | cmsgraph --endpoint Virtuoso "
        "| same rows |" in result.stdout
    )
    assert "baseline_reports = 4" in result.stdout


def test_a_child_over_its_memory_cap_is_recorded_not_fatal() -> None:
    hog = "x = bytearray(1024 * 1024 * 1024)"  # 1 GB, over a 256 MB cap
    ran = run_child([sys.executable, "-c", hog], Limits(memory_mb=256, timeout=60))
    assert ran.status == "memory" and "MemoryError" in ran.stderr


def test_a_child_over_its_time_is_killed_with_its_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    sleeper = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    started = time.perf_counter()
    ran = run_child([sys.executable, "-c", sleeper], Limits(memory_mb=512, timeout=2))
    assert ran.status == "timeout" and time.perf_counter() - started < 30
    grandchild = int(pid_file.read_text())
    for _ in range(50):  # killed with the group: gone once reaped by init
        if not Path(f"/proc/{grandchild}").exists():
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{grandchild}").exists() or _zombie(grandchild)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_a_failing_child_is_an_error_with_its_message() -> None:
    ran = run_child([sys.executable, "-c", "raise SystemExit('no such store')"], Limits(512, 60))
    assert ran.status == "error" and "no such store" in ran.stderr


READ_BENCH = BENCHMARKS / "read_bench.py"


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
