"""Every named query on a store and through ``cmsgraph query --endpoint`` on Virtuoso
loaded with the same triples: what to measure when one machine is not enough.

    python benchmarks/endpoint_bench.py --store DIR --ntriples FILE.nt [--runs 1]
        [--memory-mb MB] [--virtuoso-memory-mb MB] [--query-timeout S] [--json PATH]

``FILE.nt`` is the store's ``cmsgraph export --format ntriples`` (as ``bench.py`` leaves
it in ``--workdir``: ``nt-all/all.nt``). A private Virtuoso (``tests/support/servers.py``)
loads it with ``ld_dir``/``rdf_loader_run`` (timed) into the graph ``cmsgraph publish``
writes by default, and each named query runs ``--runs`` times from a fresh process:
``cmsgraph query NAME --store DIR``, the same text over HTTP, and ``cmsgraph query NAME
--endpoint URL --graph G``, with the rows compared. Used for the README's 10,000-report
figures, after ``bench.py --reports 10000 --workdir W`` built and exported that store:
it reuses them instead of building again. Every child is capped as in ``bench.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--ntriples", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    parser.add_argument("--memory-mb", type=int, default=max(1024, total_mb // 4))
    parser.add_argument("--virtuoso-memory-mb", type=int, default=max(2048, total_mb // 2))
    parser.add_argument("--timeout", type=float, default=3600.0, help="the load's time limit")
    parser.add_argument("--query-timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path, help="Virtuoso's folder (default: beside FILE)")
    args = parser.parse_args(argv)
    limits = bench.Limits(args.memory_mb, args.timeout, args.query_timeout)
    workdir = args.workdir or args.ntriples.parent.parent / "endpoint-bench"
    texts = bench.query_texts(workdir)
    result: dict[str, object] = {"store": str(args.store), "runs": args.runs}
    with bench.virtuoso_for_run(True, workdir, limits, args.virtuoso_memory_mb) as virtuoso:
        if virtuoso is None:
            print("Virtuoso is not installed or did not start", file=sys.stderr)
            return 1
        result["virtuoso"] = virtuoso.load(args.ntriples, "all")
        print(f"Virtuoso: {result['virtuoso']}", flush=True)
        if not virtuoso.loaded("all"):
            return 1
        result["queries"] = bench.queries(
            args.store, texts, args.runs, limits, None, virtuoso.endpoint("all")
        )
    bench.print_queries("named queries", result["queries"])  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
