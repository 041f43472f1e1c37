"""Benchmark: cmsgraph against a plain pyoxigraph store, Virtuoso and an rdflib pipeline,
on one generated corpus and the same triples.

    python benchmarks/bench.py --reports 1000 [--runs 5] [--json PATH] [--seed 0]
        [--one-programme 600] [--scaling 10,100,1000] [--no-baseline] [--no-virtuoso]
        [--memory-mb MB] [--virtuoso-memory-mb MB] [--timeout S] [--query-timeout S]
        [--baseline-budget S] [--workdir DIR]

Every step runs in a child process (or process group) under a memory cap
(``RLIMIT_DATA``: its heap and anonymous mappings, ``--memory-mb`` per process, default a
quarter of the machine's memory) and a time limit (``--timeout``, ``--query-timeout`` for
a query): a step that runs out of either is killed with its group and recorded as
``"memory"`` or ``"timeout"``, and the benchmark goes on. It never takes the machine
down. (A query Virtuoso is still evaluating when its client gives up goes on there.)

In one run, on the corpus made by ``make_corpus.py --reports N``:

* **cmsgraph**: ``cmsgraph build`` into a fresh store (wall time end to end, the time of
  each stage, peak RSS of the build and its workers, triples, store size on disk);
  ``cmsgraph export --format ntriples``; every named query from a fresh ``cmsgraph
  query NAME --format csv`` process, ``--runs`` times (p50, p95; ``provenance`` with
  ``--param code=4.4``); an incremental build after changing one report; ``cmsgraph
  remove`` of one report.
* **pyoxigraph peer**, the floor of the embedded store: the exported N-Triples
  bulk-loaded into a fresh pyoxigraph store, and the same query texts (parameters bound
  the same way) from a fresh Python process writing pyoxigraph's CSV.
* **Virtuoso**, what a user would pick instead (when ``virtuoso-t`` is installed): the
  same N-Triples loaded with ``ld_dir``/``rdf_loader_run`` into a graph of a server
  started by ``tests/support/servers.py``, and the same texts over HTTP (SPARQL
  protocol, CSV results) from a fresh Python process.
* **one programme**: ``--one-programme M`` reports that repeat one programme
  (``make_corpus.py --one-programme``), built, and every named query on cmsgraph, the
  peer and Virtuoso.
* **rdflib baseline**: the pipeline a user would write by hand with rdflib (cmsgraph's
  parser and linker, a plain ``rdflib.Graph``, Turtle, rdflib's SPARQL engine for the
  seven contract queries), at growing sizes (the first reports of the same corpus) up to
  N, each under the memory cap and ``--baseline-budget`` seconds: ``baseline_reports``
  is the largest size where it finished, and its figures are compared with cmsgraph's
  at that size (build, queries, answers).
* **scaling**: cmsgraph build times at each ``--scaling`` size, and the exponent k of a
  least-squares fit time ~ reports^k (1 = linear).

Ratios are cmsgraph's p50 over the other's (below 1: cmsgraph is faster), measured in
the same run on the same machine. Rows are compared as multisets across the stores.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # the Virtuoso launcher: support/servers.py

CONTRACT = ("activities", "subactivities", "document-references", "funders", "instruments",
            "partners", "budget-lines")  # fmt: skip
PARAMS = {"provenance": {"code": "4.4"}, "activity-history": {"code": "4.4"}}  # need a binding
GRAPH = "https://w3id.org/cmsgraph/id/graph/"  # + "all", "one-programme" in Virtuoso

# --- children ----------------------------------------------------------------------------

_BUILD = """
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
_REMOVE = """
import sys, cmsgraph
cmsgraph.remove([sys.argv[1]], store=sys.argv[2])
"""
_PEER_LOAD = """
import sys, pyoxigraph
store = pyoxigraph.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.N_TRIPLES)
store.flush()
store.optimize()
"""
_PEER_QUERY = """
import sys, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    text = f.read()
bound = {pyoxigraph.Variable(k): pyoxigraph.Literal(v)
         for k, v in (a.split("=", 1) for a in sys.argv[3:])}
result = store.query(text, substitutions=bound or None)
result.serialize(sys.stdout.buffer, format=pyoxigraph.QueryResultsFormat.CSV)
"""
_HTTP_QUERY = """
import sys, urllib.parse, urllib.request
with open(sys.argv[3], encoding="utf-8") as f:
    form = {"query": f.read(), "default-graph-uri": sys.argv[2]}
request = urllib.request.Request(sys.argv[1], data=urllib.parse.urlencode(form).encode(),
                                 headers={"Accept": "text/csv"})
with urllib.request.urlopen(request, timeout=float(sys.argv[4])) as response:
    sys.stdout.buffer.write(response.read())
"""


@dataclass
class Ran:
    """One child process: how it ended, how long it took, what it wrote."""

    status: str  # "ok", "timeout", "memory", "error"
    seconds: float
    stdout: bytes
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout.decode().strip().splitlines()[-1])


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    timeout: float  # a step (a build, an export, a load)
    query_timeout: float = 120.0  # one query


def run_child(cmd: Sequence[str | Path], limits: Limits, timeout: float | None = None) -> Ran:
    """Run ``cmd`` in a new process group under ``limits``; kill the group when it is
    over time, and whatever is left of it when it ends."""
    from support.servers import memory_cap

    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=memory_cap(limits.memory_mb),
    )
    try:
        out, err = proc.communicate(timeout=timeout or limits.timeout)
        status = "ok" if proc.returncode == 0 else None
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        status = "timeout"
    finally:
        _kill_group(proc.pid)  # workers a killed or crashed child left behind
    seconds = time.perf_counter() - started
    text = err.decode("utf-8", "replace")
    if status is None:
        memory = ("MemoryError", "Cannot allocate memory", "bad_alloc", "out of memory")
        status = "memory" if any(m in text for m in memory) else "error"
    return Ran(status, seconds, out, text[-2000:])


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _py(*args: object) -> list[str]:
    """A fresh Python (``-P``: the checkout is not on ``sys.path``) with these arguments."""
    return [sys.executable, "-P", *map(str, args)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = (len(ordered) - 1) * q
    low, high = math.floor(index), math.ceil(index)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def _normal(rows: Iterable[Sequence[str]]) -> Counter[tuple[str, ...]]:
    """Rows as a multiset, the members of each GROUP_CONCAT ("a, b", "a; b", "a | b")
    sorted: stores may order them differently."""

    def cell(value: str) -> str:
        for separator in (", ", "; ", " | "):
            if separator in value:
                value = separator.join(sorted(value.split(separator)))
        return value

    return Counter(tuple(cell(v) for v in row) for row in rows)


def _rows(data: bytes) -> Counter[tuple[str, ...]]:
    """CSV results as rows (see :func:`_normal`)."""
    return _normal(list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))[1:])


# --- the parts -----------------------------------------------------------------------------


def build(sources: Sequence[Path], store: Path, limits: Limits) -> dict[str, Any]:
    """cmsgraph build in a child: wall, stages, peak RSS, triples, store size."""
    ran = run_child(_py("-c", _BUILD, *sources, store), limits)
    if not ran.ok:
        return {"status": ran.status, "seconds": round(ran.seconds, 2), "stderr": ran.stderr}
    figures = ran.json()
    return {
        "status": "ok",
        "wall_s": round(figures["wall"], 3),
        "stages_s": {k: round(v, 3) for k, v in figures["timings"].items()},
        "peak_rss_mb": round(figures["rss_kb"] / 1024, 1),
        "triples": figures["triples"],
        "entries": figures["entries"],
        "processed": figures["processed"],
        "store_mb": round(_du(store) / 1e6, 1),
    }


def query_texts(workdir: Path) -> dict[str, tuple[Path, Path]]:
    """Every named query as run on the peers, one file each: its text (parameters are
    then bound as cmsgraph binds them locally, as pyoxigraph substitutions), and its text
    with parameters bound as cmsgraph binds them on a remote store (a VALUES block of
    escaped terms opening the WHERE clause)."""
    from pyoxigraph import Literal

    from cmsgraph.remote import _bind  # the VALUES writer of cmsgraph's remote queries
    from cmsgraph.sparql import named_queries

    folder = workdir / "queries"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for named in named_queries():
        params = {k: Literal(v) for k, v in PARAMS.get(named.name, {}).items()}
        local, remote = folder / f"{named.name}.rq", folder / f"{named.name}.remote.rq"
        local.write_text(named.text, "utf-8")
        remote.write_text(_bind(named.text, params), "utf-8")
        out[named.name] = (local, remote)
    return out


def time_query(cmd: Sequence[str | Path], runs: int, limits: Limits) -> dict[str, Any]:
    """``runs`` fresh processes: p50/p95 (ms), rows; the status of the first failure."""
    times, answer = [], b""
    for _ in range(runs):
        ran = run_child(cmd, limits, timeout=limits.query_timeout)
        if not ran.ok:
            return {"status": ran.status, "seconds": round(ran.seconds, 2), "stderr": ran.stderr}
        times.append(ran.seconds)
        answer = ran.stdout
    rows = _rows(answer)
    return {
        "status": "ok",
        "p50_ms": _ms(_percentile(times, 0.5)),
        "p95_ms": _ms(_percentile(times, 0.95)),
        "rows": sum(rows.values()),
        "_rows": rows,
    }


def queries(
    store: Path,
    texts: dict[str, tuple[Path, Path]],
    runs: int,
    limits: Limits,
    peer: Path | None,
    virtuoso: tuple[str, str] | None,
) -> dict[str, dict[str, Any]]:
    """Every named query on cmsgraph, the peer and Virtuoso; ratios and row agreement."""
    out: dict[str, dict[str, Any]] = {}
    for name, (path, bound) in texts.items():
        pairs = [f"{k}={v}" for k, v in PARAMS.get(name, {}).items()]
        params = [a for pair in pairs for a in ("--param", pair)]
        figures = {
            "cmsgraph": time_query(
                _py("-m", "cmsgraph", "query", name, "--store", store, "--format", "csv", *params),
                runs,
                limits,
            )
        }
        if peer is not None:
            figures["peer"] = time_query(_py("-c", _PEER_QUERY, peer, path, *pairs), runs, limits)
        if virtuoso is not None:
            url, graph = virtuoso
            figures["virtuoso"] = time_query(
                _py("-c", _HTTP_QUERY, url, graph, bound, limits.query_timeout), runs, limits
            )
            # what a user runs when one machine is not enough: the named query, asked there
            figures["endpoint"] = time_query(
                _py("-m", "cmsgraph", "query", name, "--endpoint", url, "--graph", graph,
                    "--format", "csv", "--timeout", limits.query_timeout, *params),
                runs,
                limits,
            )  # fmt: skip
        ours = figures["cmsgraph"]
        for other in ("peer", "virtuoso", "endpoint"):
            theirs = figures.get(other)
            if ours["status"] == "ok" and theirs and theirs["status"] == "ok":
                figures[f"ratio_{other}"] = round(ours["p50_ms"] / theirs["p50_ms"], 2)
                figures[f"same_rows_{other}"] = ours["_rows"] == theirs["_rows"]
        for result in figures.values():
            if isinstance(result, dict):
                result.pop("_rows", None)
        out[name] = figures
        print(
            f"  {name}: "
            + ", ".join(
                f"{k} {v['p50_ms']:.0f} ms" if v.get("status") == "ok" else f"{k} {v.get('status')}"
                for k, v in figures.items()
                if isinstance(v, dict)
            ),
            flush=True,
        )
    return out


def peer_load(nt: Path, folder: Path, limits: Limits) -> dict[str, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    ran = run_child(_py("-c", _PEER_LOAD, nt, folder), limits)
    return {"status": ran.status, "load_s": round(ran.seconds, 2)}


def export_ntriples(store: Path, nt: Path, limits: Limits) -> dict[str, Any]:
    ran = run_child(
        _py("-m", "cmsgraph", "export", "--format", "ntriples", "--store", store, "--out", nt),
        limits,
    )
    figures: dict[str, Any] = {"status": ran.status, "seconds": round(ran.seconds, 2)}
    if ran.ok:
        figures["mb"] = round(nt.stat().st_size / 1e6, 1)
    return figures


def baseline_child(reports: int, corpus: Path, runs: int, budget: float) -> dict[str, Any]:
    """The hand-written pipeline on the first ``reports`` reports of ``corpus`` (run in a
    child by :func:`baseline`): same records, plain rdflib Graph, Turtle, rdflib SPARQL.

    Each contract query runs ``runs`` times, or as often as a share of ``budget`` allows
    (at least once); the runs made are reported with the timings.
    """
    import resource

    import rdflib

    from cmsgraph.gazetteer import load_gazetteer
    from cmsgraph.graph import entity_triples, report_triples
    from cmsgraph.link import link_report
    from cmsgraph.namespaces import Iris
    from cmsgraph.parse import parse_file
    from cmsgraph.pipeline import ontology_triples
    from cmsgraph.sparql import load_query

    sources = sorted(corpus.glob("report-*.txt"))[:reports]
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

    def add(triples: list[Any]) -> None:
        for t in triples:
            graph.add((term(t.subject), term(t.predicate), term(t.object)))

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
    graph.serialize(destination=str(corpus.parent / f"baseline-{reports}.ttl"), format="turtle")
    stages["write"] = time.perf_counter() - t
    build_s = time.perf_counter() - started
    answers = {}
    for name in CONTRACT:
        text = load_query(name).text
        times: list[float] = []
        rows: list[tuple[str, ...]] = []
        while len(times) < runs and (not times or sum(times) < budget / 2 / len(CONTRACT)):
            t = time.perf_counter()
            rows = [tuple("" if v is None else str(v) for v in row)  # type: ignore[union-attr]
                    for row in graph.query(text)]  # fmt: skip
            times.append(time.perf_counter() - t)
        answers[name] = {
            "p50_ms": _ms(_percentile(times, 0.5)),
            "p95_ms": _ms(_percentile(times, 0.95)),
            "runs": len(times),
            "rows": sorted(rows),
        }
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "build_s": round(build_s, 3),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "triples": len(graph),
        "peak_rss_mb": round(rss / 1024, 1),
        "queries": answers,
    }


def baseline(
    corpus: Path, sizes: list[int], runs: int, limits: Limits, budget: float, workdir: Path
) -> dict[str, Any]:
    """The rdflib baseline at growing sizes, each under the memory cap and ``budget``
    seconds, until one does not finish; compared with cmsgraph at the largest that did."""
    attempts: list[dict[str, Any]] = []
    best: tuple[int, dict[str, Any]] | None = None
    for size in sizes:
        cmd = _py(
            __file__,
            "--baseline-child",
            size,
            "--corpus",
            corpus,
            "--runs",
            runs,
            "--baseline-budget",
            budget,
        )
        ran = run_child(cmd, limits, timeout=budget)
        attempts.append({"reports": size, "status": ran.status, "seconds": round(ran.seconds, 1)})
        print(
            f"baseline (rdflib) at {size} reports: {ran.status} in {ran.seconds:.1f} s", flush=True
        )
        if not ran.ok:
            break
        best = (size, ran.json())
    result: dict[str, Any] = {
        "reports": best[0] if best else 0,
        "attempts": attempts,
        "memory_mb": limits.memory_mb,
        "budget_s": budget,
    }
    if best is None:
        return result
    size, figures = best
    sources = sorted(corpus.glob("report-*.txt"))[:size]
    store = workdir / f"store-baseline-{size}"
    shutil.rmtree(store, ignore_errors=True)
    ours = build(sources, store, limits)
    mine = {
        name: time_query(
            _py("-m", "cmsgraph", "query", name, "--store", store, "--format", "csv"), runs, limits
        )
        for name in CONTRACT
    }
    result.update({k: figures[k] for k in ("build_s", "stages_s", "triples", "peak_rss_mb")})
    result["cmsgraph_build_s"] = ours.get("wall_s")
    if ours.get("wall_s"):
        result["build_ratio"] = round(ours["wall_s"] / figures["build_s"], 3)
    result["queries"] = {}
    agree = True
    for name in CONTRACT:
        theirs, cms = figures["queries"][name], mine[name]
        entry = {k: theirs[k] for k in ("p50_ms", "p95_ms", "runs")}
        if cms["status"] == "ok":
            entry["cmsgraph_p50_ms"] = cms["p50_ms"]
            entry["ratio"] = round(cms["p50_ms"] / theirs["p50_ms"], 3)
            agree &= cms["_rows"] == _normal(theirs["rows"])
        else:
            agree = False
        result["queries"][name] = entry
    result["answers_agree"] = agree
    return result


def _fit_exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def _virtuoso_installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


# --- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from make_corpus import generate

    limits = Limits(args.memory_mb, args.timeout, args.query_timeout)
    corpus = workdir / f"corpus-{args.reports}"
    t = time.perf_counter()
    sources = generate(args.reports, corpus, seed=args.seed)
    size_mb = sum(p.stat().st_size for p in sources) / 1e6
    print(
        f"corpus: {args.reports} reports, {size_mb:.1f} MB, generated in "
        f"{time.perf_counter() - t:.1f} s",
        flush=True,
    )
    result: dict[str, Any] = {
        "reports": args.reports,
        "corpus_mb": round(size_mb, 2),
        "runs": args.runs,
        "seed": args.seed,
        "limits": {
            "memory_mb": limits.memory_mb,
            "timeout_s": limits.timeout,
            "query_timeout_s": limits.query_timeout,
        },
    }

    texts = query_texts(workdir)
    with virtuoso_for_run(
        not args.no_virtuoso, workdir, limits, args.virtuoso_memory_mb
    ) as virtuoso:
        result.update(measure("all", sources, workdir, texts, args.runs, limits, virtuoso))
        if result["build"]["status"] != "ok":
            return result
        if args.one_programme:
            n = args.one_programme
            programme = generate(n, workdir / f"one-programme-{n}", seed=args.seed,
                                 one_programme=True)  # fmt: skip
            result["one_programme"] = {
                "reports": n,
                **measure("one-programme", programme, workdir, texts, args.runs, limits, virtuoso),
            }
    result["triples"] = result["build"]["triples"]
    result["entries"] = result["build"]["entries"]
    store = workdir / "store-all"

    changed = sources[len(sources) // 2]
    text = changed.read_text("utf-8")
    edited = text.replace("Germany", "Norway", 1)
    changed.write_text(edited if edited != text else text + "\n", "utf-8")  # another hash
    incremental = build(sources, store, limits)
    result["incremental_build"] = {
        "status": incremental["status"],
        "seconds": incremental.get("wall_s"),
        "processed": incremental.get("processed"),
    }
    print(f"incremental build after changing one report: {result['incremental_build']}", flush=True)
    removed = run_child(_py("-c", _REMOVE, sources[-1].name, store), limits)
    result["remove"] = {"status": removed.status, "seconds": round(removed.seconds, 2)}
    print(f"remove of one report: {result['remove']}", flush=True)

    if not args.no_baseline:
        ladder = [n for n in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if n < args.reports]
        result["baseline"] = baseline(
            corpus, [*ladder, args.reports], args.runs, limits, args.baseline_budget, workdir
        )
        result["baseline_reports"] = result["baseline"]["reports"]

    points = []
    for n in [int(x) for x in args.scaling.split(",") if x.strip()]:
        if n == args.reports:
            points.append((n, result["build"]["wall_s"]))
            continue
        srcs = (
            sorted(corpus.glob("report-*.txt"))[:n]
            if n < args.reports
            else generate(n, workdir / f"scale-{n}", seed=args.seed)
        )
        scale_store = workdir / f"scale-store-{n}"
        shutil.rmtree(scale_store, ignore_errors=True)
        figures = build(srcs, scale_store, limits)
        if figures["status"] == "ok":
            points.append((n, figures["wall_s"]))
            print(f"scaling: {n} reports built in {figures['wall_s']:.2f} s", flush=True)
    if len(points) >= 2:
        result["scaling"] = {str(n): round(t, 3) for n, t in points}
        result["scaling_exponent"] = round(_fit_exponent(points), 2)
    return result


def measure(
    name: str,
    sources: Sequence[Path],
    workdir: Path,
    texts: dict[str, tuple[Path, Path]],
    runs: int,
    limits: Limits,
    virtuoso: Virtuoso | None,
) -> dict[str, Any]:
    """Build ``sources`` into a fresh store, export it, load the export into the peers,
    and time every named query on the three."""
    store = workdir / f"store-{name}"
    shutil.rmtree(store, ignore_errors=True)  # a full build: never patch an earlier store
    figures: dict[str, Any] = {"build": build(sources, store, limits)}
    b = figures["build"]
    print(f"{name}: cmsgraph build {b['status']}, {b.get('wall_s', b.get('seconds'))} s, "
          f"{b.get('triples', 0):,} triples", flush=True)  # fmt: skip
    if b["status"] != "ok":
        return figures
    nt = workdir / f"nt-{name}" / "all.nt"
    nt.parent.mkdir(parents=True, exist_ok=True)
    figures["export"] = export_ntriples(store, nt, limits)
    peer = workdir / f"peer-{name}"
    figures["peer"] = peer_load(nt, peer, limits)
    endpoint = None
    if virtuoso is not None:
        figures["virtuoso"] = virtuoso.load(nt, name)
        endpoint = virtuoso.endpoint(name) if virtuoso.loaded(name) else None
    loaded = f"export {figures['export']}, peer {figures['peer']}"
    print(f"{name}: {loaded}, Virtuoso {figures.get('virtuoso')}; queries:", flush=True)
    figures["queries"] = queries(
        store, texts, runs, limits, peer if figures["peer"]["status"] == "ok" else None, endpoint
    )
    return figures


class Virtuoso:
    """A Virtuoso server of ``tests/support/servers.py`` and the graphs loaded into it."""

    def __init__(self, info: Any, workdir: Path, limits: Limits) -> None:
        self.info, self.workdir, self.limits = info, workdir, limits
        self.graphs: dict[str, dict[str, Any]] = {}

    def load(self, nt: Path, name: str) -> dict[str, Any]:
        """Load ``nt`` into graph ``name`` with ld_dir/rdf_loader_run (timed)."""
        from support.servers import virtuoso_load

        folder = self.workdir / f"load-{name}"  # under the server's DirsAllowed
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / nt.name
        target.unlink(missing_ok=True)
        try:
            os.link(nt, target)
        except OSError:  # another file system
            shutil.copy(nt, target)
        started = time.perf_counter()
        try:
            virtuoso_load(self.info, folder, GRAPH + name, timeout=self.limits.timeout)
            figures = {"status": "ok", "load_s": round(time.perf_counter() - started, 2)}
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            figures = {"status": "error", "error": str(exc)[-500:]}
        self.graphs[name] = figures
        return figures

    def loaded(self, name: str) -> bool:
        return self.graphs.get(name, {}).get("status") == "ok"

    def endpoint(self, name: str) -> tuple[str, str]:
        return self.info.query_url, GRAPH + name


#: Virtuoso's ResultSetMaxRows in the benchmark: above any named query's rows (mentions
#: has some 1.5 million at 10,000 reports); cmsgraph refuses a result cut at the limit.
VIRTUOSO_MAX_ROWS = 100_000_000


@contextlib.contextmanager
def virtuoso_for_run(
    wanted: bool, workdir: Path, limits: Limits, memory_mb: int | None = None
) -> Iterator[Virtuoso | None]:
    """A Virtuoso server for the run (stopped after it), or None when not wanted, not
    installed or not starting. It is capped at ``memory_mb`` (default: the children's
    cap), a third of which is its page cache."""
    if not wanted or not _virtuoso_installed():
        yield None
        return
    from support.servers import ServerUnavailable, virtuoso_server

    memory_mb = memory_mb or limits.memory_mb
    try:
        # a third of its memory as Virtuoso's page cache (8 KB pages), the rest for
        # queries: with half, a query at 10,000 reports ran out of its 6 GB cap
        buffers = max(50000, memory_mb * 1024 // 8 // 3)
        with virtuoso_server(
            workdir / "virtuoso", memory_mb=memory_mb, buffers=buffers, max_rows=VIRTUOSO_MAX_ROWS
        ) as info:
            yield Virtuoso(info, workdir / "virtuoso", limits)
    except ServerUnavailable as exc:
        print(f"Virtuoso did not start: {exc}", flush=True)
        yield None


# --- the report ----------------------------------------------------------------------------


def _cell(figures: dict[str, Any] | None, ratio: float | None = None) -> str:
    if not figures:
        return ""
    if figures.get("status") != "ok":
        return str(figures.get("status"))
    text = f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f}"
    return text + (f" ({ratio:.2f}x)" if ratio is not None else "")


def print_queries(title: str, queries_: dict[str, dict[str, Any]]) -> None:
    print()
    print(f"{title}: p50 / p95 ms from a fresh process (cmsgraph / other)")
    print()
    print("| query | rows | cmsgraph | pyoxigraph peer | Virtuoso | cmsgraph --endpoint "
          "Virtuoso | same rows |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, q in queries_.items():
        ours = q["cmsgraph"]
        same = "/".join(
            str(q[k])
            for k in ("same_rows_peer", "same_rows_virtuoso", "same_rows_endpoint")
            if k in q
        )
        print(
            f"| {name} | {ours.get('rows', '')} | {_cell(ours)} | "
            f"{_cell(q.get('peer'), q.get('ratio_peer'))} | "
            f"{_cell(q.get('virtuoso'), q.get('ratio_virtuoso'))} | "
            f"{_cell(q.get('endpoint'), q.get('ratio_endpoint'))} | {same} |"
        )


def print_report(r: dict[str, Any]) -> None:
    b = r["build"]
    print()
    print(
        f"Benchmark: {r['reports']} reports ({r['corpus_mb']} MB), "
        f"{r.get('triples', 0):,} triples, {r['runs']} runs per query, "
        f"children capped at {r['limits']['memory_mb']} MB / {r['limits']['timeout_s']:.0f} s"
    )
    print()
    print("| measure | value |")
    print("| --- | ---: |")
    if b["status"] != "ok":
        print(f"| build | {b['status']} |")
        return
    print(f"| build, end to end (s) | {b['wall_s']:.2f} |")
    for stage, seconds in b["stages_s"].items():
        if stage != "total":
            print(f"| stage {stage} (s) | {seconds:.2f} |")
    print(f"| peak RSS, build and workers (MB) | {b['peak_rss_mb']:.0f} |")
    print(f"| store on disk (MB) | {b['store_mb']:.0f} |")
    for key, label in (
        ("export", "export to N-Triples (s)"),
        ("incremental_build", "incremental build, 1 report changed (s)"),
        ("remove", "remove of 1 report (s)"),
    ):
        f = r.get(key, {})
        print(f"| {label} | {f.get('seconds') if f.get('status') == 'ok' else f.get('status')} |")
    print(f"| pyoxigraph peer: bulk load (s) | {r['peer'].get('load_s')} ({r['peer']['status']}) |")
    if "virtuoso" in r:
        v = r["virtuoso"]
        print(f"| Virtuoso: ld_dir + rdf_loader_run (s) | {v.get('load_s', v['status'])} |")
    print_queries(f"{r['reports']} reports", r["queries"])
    if "one_programme" in r:
        op = r["one_programme"]
        if op["build"]["status"] == "ok":
            print(
                f"\none programme: {op['reports']} reports, built in "
                f"{op['build']['wall_s']:.1f} s, {op['build']['triples']:,} triples"
            )
            print_queries(f"{op['reports']} reports on one programme", op["queries"])
    if "baseline" in r:
        bl = r["baseline"]
        tried = ", ".join(f"{a['reports']}: {a['status']}" for a in bl["attempts"])
        print(
            f"\nrdflib baseline ({bl['memory_mb']} MB, {bl['budget_s']:.0f} s a size; {tried}):"
            f" baseline_reports = {bl['reports']}"
        )
        if bl["reports"]:
            print(
                f"  build {bl['build_s']:.2f} s (cmsgraph {bl['cmsgraph_build_s']} s), peak RSS "
                f"{bl['peak_rss_mb']:.0f} MB, answers agree with cmsgraph: {bl['answers_agree']}"
            )
            for name, q in bl["queries"].items():
                print(
                    f"  {name}: rdflib p50 {q['p50_ms']:.0f} ms ({q['runs']} runs), cmsgraph "
                    f"{q.get('cmsgraph_p50_ms', '?')} ms (ratio {q.get('ratio', '?')})"
                )
    if "scaling" in r:
        sizes = ", ".join(f"{n}: {t:.2f} s" for n, t in r["scaling"].items())
        print(f"\nscaling ({sizes}): time ~ reports^{r['scaling_exponent']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per query")
    parser.add_argument(
        "--one-programme",
        type=int,
        default=600,
        metavar="M",
        help="also M reports repeating one programme (0: skip)",
    )
    parser.add_argument(
        "--scaling",
        default="10,100,1000",
        help="comma-separated corpus sizes for the growth fit ('' for none)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip Virtuoso")
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=max(1024, total_mb // 4),
        help="memory cap of every child process (default: a quarter of RAM)",
    )
    parser.add_argument(
        "--virtuoso-memory-mb",
        type=int,
        help="memory cap of the Virtuoso server (default: --memory-mb), a third its page cache",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="time limit of a build, export or load (s)"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=120.0,
        help="time limit of one query, from a fresh process (s); over it: 'timeout'",
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=600.0,
        help="seconds the rdflib baseline may take at each size",
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora and stores here")
    parser.add_argument("--baseline-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_child:
        figures = baseline_child(args.baseline_child, args.corpus, args.runs, args.baseline_budget)
        print(json.dumps(figures))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cmsgraph-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result["machine"] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "memory_mb": total_mb,
    }
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
