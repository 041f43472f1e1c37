"""Benchmark: cmsgraph against an rdflib-only pipeline, on the same generated corpus.

    python benchmarks/bench.py --reports 1000 [--json PATH] [--seed 0] [--runs 20]
                               [--scaling 10,100,1000] [--no-baseline]

In one run, on one corpus made by ``make_corpus.py``:

* **cmsgraph**: ``cmsgraph build`` into a fresh store, in a child process so that its
  peak RSS (its own and its workers') is its alone; per-stage times (CPU seconds
  summed over the worker processes: parse, link, graph, validate, serialize; wall
  seconds for hash and load), total wall time, triples, store size on disk; then an
  incremental build after changing one report; then each of the seven contract
  queries ``--runs`` times (p50, p95).
* **baseline**: the pipeline a user would write by hand with rdflib — the same
  extracted records (cmsgraph's parser and linker) added to a plain in-memory
  ``rdflib.Graph``, written out as Turtle, and the same queries answered by rdflib's
  SPARQL engine (``--runs`` times each). Its answers are compared with cmsgraph's.
* **scaling**: cmsgraph build times at each ``--scaling`` size and the exponent k of
  a least-squares fit time ~ reports^k (1 = linear).

Ratios are against the baseline measured in the same run, on the same machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CONTRACT = ("activities", "subactivities", "document-references", "funders", "instruments",
            "partners", "budget-lines")  # fmt: skip

_BUILD_CHILD = """
import json, resource, sys, time
import cmsgraph
started = time.perf_counter()
result = cmsgraph.build(sys.argv[1:-1], store=sys.argv[-1])
wall = time.perf_counter() - started
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"wall": wall, "rss_kb": rss, "triples": result.triples,
                  "entries": result.entries, "processed": result.processed,
                  "timings": result.timings}))
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = (len(ordered) - 1) * q
    low, high = math.floor(index), math.ceil(index)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build_child(sources: list[Path], store: Path) -> dict[str, Any]:
    """Run one cmsgraph build in a child process; return its figures."""
    out = subprocess.run([sys.executable, "-P", "-c", _BUILD_CHILD, *map(str, sources), str(store)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_queries(store: Path, runs: int) -> dict[str, dict[str, Any]]:
    import cmsgraph
    from cmsgraph.sparql import load_query, run_local
    from cmsgraph.store import open_current

    opened = open_current(store).open()
    out = {}
    for name in CONTRACT:
        named = load_query(name)
        times, result = [], None
        for _ in range(runs):
            started = time.perf_counter()
            result = run_local(opened, named, {})
            times.append((time.perf_counter() - started) * 1000)
        assert isinstance(result, cmsgraph.ResultTable)
        out[name] = {"p50_ms": _percentile(times, 0.5), "p95_ms": _percentile(times, 0.95),
                     "rows": len(result.rows), "answer": sorted(result.values())}  # fmt: skip
    return out


def baseline(
    sources: list[Path], workdir: Path, runs: int, budget_s: float = 60.0
) -> dict[str, Any]:
    """The hand-written pipeline: same records, plain rdflib Graph, Turtle, rdflib SPARQL.

    Each query runs ``runs`` times, or as often as ``budget_s`` seconds allow (at least
    3): on millions of triples one rdflib query can take tens of seconds. The number of
    runs made is reported with the timings.
    """
    import rdflib

    from cmsgraph.gazetteer import load_gazetteer
    from cmsgraph.graph import entity_triples, report_triples
    from cmsgraph.link import link_report
    from cmsgraph.namespaces import Iris
    from cmsgraph.parse import parse_file
    from cmsgraph.pipeline import ontology_triples
    from cmsgraph.sparql import load_query

    stages = dict.fromkeys(("parse", "link", "graph", "write"), 0.0)
    started = time.perf_counter()
    gazetteer, iris = load_gazetteer(), Iris()
    graph = rdflib.Graph()

    def term(t: Any) -> rdflib.term.Node:
        if isinstance(t, str):
            return rdflib.URIRef(t)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype))

    def add(quads: list[Any]) -> None:
        for q in quads:
            graph.add((term(q.subject), term(q.predicate), term(q.object)))

    t = time.perf_counter()
    add(entity_triples(gazetteer, iris) + ontology_triples())
    stages["graph"] += time.perf_counter() - t
    for path in sources:
        t = time.perf_counter()
        report = parse_file(path)
        stages["parse"] += time.perf_counter() - t
        t = time.perf_counter()
        linked = link_report(report, gazetteer)
        stages["link"] += time.perf_counter() - t
        t = time.perf_counter()
        add(report_triples(linked, gazetteer, iris))
        stages["graph"] += time.perf_counter() - t
    t = time.perf_counter()
    graph.serialize(destination=str(workdir / "baseline.ttl"), format="turtle")
    stages["write"] = time.perf_counter() - t
    build_s = time.perf_counter() - started
    queries = {}
    for name in CONTRACT:
        text = load_query(name).text
        times, rows = [], []
        spent = 0.0
        while len(times) < runs and (len(times) < 3 or spent < budget_s):
            t = time.perf_counter()
            rows = [tuple(None if v is None else str(v) for v in row) for row in graph.query(text)]
            times.append((time.perf_counter() - t) * 1000)
            spent += times[-1] / 1000
        queries[name] = {"p50_ms": _percentile(times, 0.5), "p95_ms": _percentile(times, 0.95),
                         "answer": sorted(rows), "runs": len(times)}  # fmt: skip
    return {"build_s": build_s, "stages": stages, "triples": len(graph), "queries": queries,
            "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}  # fmt: skip


def _fit_exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def run(reports: int, *, seed: int, runs: int, scaling: list[int], with_baseline: bool,
        workdir: Path) -> dict[str, Any]:  # fmt: skip
    from make_corpus import generate

    corpus = workdir / f"corpus-{reports}"
    t = time.perf_counter()
    sources = generate(reports, corpus, seed=seed)
    generate_s = time.perf_counter() - t
    size_mb = sum(p.stat().st_size for p in sources) / 1e6
    store = workdir / f"store-{reports}"
    shutil.rmtree(store, ignore_errors=True)  # a full build: never patch an earlier store

    print(f"corpus: {reports} reports, {size_mb:.1f} MB, generated in {generate_s:.1f} s",
          flush=True)  # fmt: skip
    full = build_child(sources, store)
    print(f"cmsgraph build: {full['wall']:.2f} s, {full['triples']:,} triples", flush=True)
    changed = sources[len(sources) // 2]
    changed.write_text(changed.read_text("utf-8").replace("Germany", "Norway", 1), "utf-8")
    incremental = build_child(sources, store)
    print(f"incremental build after changing one report: {incremental['wall']:.2f} s "
          f"({incremental['processed']} processed)", flush=True)  # fmt: skip
    queries = time_queries(store, runs)
    result: dict[str, Any] = {
        "reports": reports,
        "corpus_mb": round(size_mb, 2),
        "triples": full["triples"],
        "entries": full["entries"],
        "build_s": round(full["wall"], 3),
        "stages_cpu_s": {k: round(v, 3) for k, v in full["timings"].items()},
        "peak_rss_mb": round(full["rss_kb"] / 1024, 1),
        "store_mb": round(_du(store) / 1e6, 1),
        "incremental_build_s": round(incremental["wall"], 3),
        "queries": {
            n: {"p50_ms": round(q["p50_ms"], 2), "p95_ms": round(q["p95_ms"], 2), "rows": q["rows"]}
            for n, q in queries.items()
        },
        "runs": runs,
    }
    if with_baseline:
        print("baseline (rdflib) ...", flush=True)
        base = baseline(sources, workdir, runs)
        result["baseline_build_s"] = round(base["build_s"], 3)
        result["baseline_stages_s"] = {k: round(v, 3) for k, v in base["stages"].items()}
        result["baseline_triples"] = base["triples"]
        result["baseline_peak_rss_mb"] = round(base["rss_kb"] / 1024, 1)
        result["answers_agree"] = all(
            queries[n]["answer"] == base["queries"][n]["answer"] for n in CONTRACT
        )
        for name in CONTRACT:
            result["queries"][name]["baseline_p50_ms"] = round(base["queries"][name]["p50_ms"], 2)
            result["queries"][name]["baseline_p95_ms"] = round(base["queries"][name]["p95_ms"], 2)
            result["queries"][name]["baseline_runs"] = base["queries"][name]["runs"]
        result["build_speedup"] = round(base["build_s"] / full["wall"], 1)
    points = []
    for n in scaling:
        if n == reports:  # already measured above
            points.append((n, full["wall"]))
            continue
        srcs = generate(n, workdir / f"scale-{n}", seed=seed)
        shutil.rmtree(workdir / f"scale-store-{n}", ignore_errors=True)
        figures = build_child(srcs, workdir / f"scale-store-{n}")
        points.append((n, figures["wall"]))
        print(f"scaling: {n} reports built in {figures['wall']:.2f} s", flush=True)
    if len(points) >= 2:
        result["scaling"] = {str(n): round(t, 3) for n, t in points}
        result["scaling_exponent"] = round(_fit_exponent(points), 2)
    return result


def _pair(p50: float, p95: float, runs: int) -> str:
    return f"{p50:.0f} / {p95:.0f} ({runs} runs)"


def print_table(r: dict[str, Any]) -> None:
    base = "baseline_build_s" in r
    print()
    print(f"Benchmark: {r['reports']} reports ({r['corpus_mb']} MB), {r['triples']:,} triples, "
          f"{r['runs']} runs per query")  # fmt: skip
    print()
    print("| measure | cmsgraph | rdflib baseline | ratio |")
    print("| --- | ---: | ---: | ---: |")
    ratio = f"{r['baseline_build_s'] / r['build_s']:.1f}x" if base else ""
    print(f"| build, total wall (s) | {r['build_s']:.2f} | "
          f"{r.get('baseline_build_s', float('nan')):.2f} | {ratio} |")  # fmt: skip
    for stage, seconds in r["stages_cpu_s"].items():
        if stage == "total":
            continue
        b = r.get("baseline_stages_s", {}).get(stage)
        print(f"| stage {stage} (s{' cpu' if stage not in ('hash', 'load') else ''}) | "
              f"{seconds:.2f} | {'' if b is None else f'{b:.2f}'} | |")  # fmt: skip
    if base:
        print(f"| stage write Turtle (s) | | {r['baseline_stages_s']['write']:.2f} | |")
    print(f"| peak RSS (MB) | {r['peak_rss_mb']:.0f} | {r.get('baseline_peak_rss_mb', '')} | |")
    print(f"| store on disk (MB) | {r['store_mb']:.0f} | | |")
    print(f"| incremental build, 1 report changed (s) | {r['incremental_build_s']:.2f} | | |")
    for name, q in r["queries"].items():
        b = q.get("baseline_p50_ms")
        ratio = f"{b / q['p50_ms']:.0f}x" if b else ""
        print(
            f"| query {name} p50 / p95 (ms) | {q['p50_ms']:.1f} / {q['p95_ms']:.1f} | "
            f"{'' if b is None else _pair(b, q['baseline_p95_ms'], q['baseline_runs'])} | {ratio} |"
        )
    if base:
        print(f"\nanswers of the seven queries agree with the baseline: {r['answers_agree']}")
    if "scaling" in r:
        sizes = ", ".join(f"{n}: {t:.2f} s" for n, t in r["scaling"].items())
        print(f"scaling ({sizes}): time ~ reports^{r['scaling_exponent']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=20, help="runs per query (>= 20 for p95)")
    parser.add_argument(
        "--scaling",
        default="10,100,1000",
        help="comma-separated corpus sizes for the growth fit ('' for none)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--workdir", type=Path, help="keep corpora and stores here")
    args = parser.parse_args(argv)
    scaling = [int(n) for n in args.scaling.split(",") if n.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cmsgraph-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.reports, seed=args.seed, runs=args.runs, scaling=scaling,
                     with_baseline=not args.no_baseline, workdir=workdir)  # fmt: skip
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
