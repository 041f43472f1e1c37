"""Benchmark ``cmsgraph compare`` and ``cmsgraph query activity-history`` (issue 13).

    python benchmarks/compare_bench.py --store DIR [--old SYMBOL --new SYMBOL]
                                       [--code C ...] [--runs N] [--json PATH]

Each run is a fresh process, as a user at a terminal starts it
(``python -P -m cmsgraph compare OLD NEW --store DIR --format csv``, output to a pipe),
timed wall-clock from start to exit; so is ``cmsgraph --version``, the cost of starting
Python and cmsgraph at all, to read the others against. The target (issue 13): each
at most 2 s on a store of 1,000 generated reports. Without ``--old``/``--new``, the
pair is the last two reports of the programme with the most reports. Without
``--code``, 1.1 (every programme of the generator has it: the longest history) and
4.4.

Prints a Markdown table; ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TARGET_S = 2.0


def _pair(store: Path) -> tuple[str, str]:
    from cmsgraph.history import reports_on_programmes

    reports = reports_on_programmes(store)
    programme, count = Counter(r.programme for r in reports).most_common(1)[0]
    if count < 2:
        raise SystemExit(f"{store}: no programme has two reports to compare")
    ours = [r for r in reports if r.programme == programme]
    return ours[-2].symbol, ours[-1].symbol


def _time(command: Sequence[str], runs: int) -> dict[str, Any]:
    seconds, out = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()}")
        out = done.stdout
    rows = max(0, len(list(csv.reader(io.StringIO(out.decode("utf-8"))))) - 1)
    return {
        "p50_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "runs": runs,
        "rows": rows,
        "met": max(seconds) <= TARGET_S,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store")
    parser.add_argument("--old", help="the earlier report (default: see above)")
    parser.add_argument("--new", help="the later report")
    parser.add_argument("--code", action="append", help="activity-history's code (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if (args.old is None) != (args.new is None):
        parser.error("give both --old and --new, or neither")
    old, new = (args.old, args.new) if args.old else _pair(args.store)
    cli = [sys.executable, "-P", "-m", "cmsgraph"]
    store = ["--store", str(args.store)]
    commands = {"cmsgraph --version (start-up)": [*cli, "--version"]}
    commands[f"compare {old} {new}"] = [*cli, "compare", old, new, *store, "--format", "csv"]
    for code in args.code or ["1.1", "4.4"]:
        commands[f"query activity-history --param code={code}"] = [
            *cli,
            "query",
            "activity-history",
            "--param",
            f"code={code}",
            *store,
            "--format",
            "csv",
        ]
    manifest = json.loads((args.store / "current" / "manifest.json").read_text("utf-8"))
    figures: dict[str, Any] = {
        "store": str(args.store),
        "reports": len(manifest.get("sources", [])),
        "triples": manifest.get("triples"),
        "target_s": TARGET_S,
        "commands": {name: _time(command, args.runs) for name, command in commands.items()},
    }
    print(
        f"{figures['reports']} reports, {figures['triples']:,} triples; each a fresh process, "
        f"{args.runs} runs\n"
    )
    print("| command | rows | p50 (s) | max (s) | ≤ 2 s |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, t in figures["commands"].items():
        met = "" if "start-up" in name else ("met" if t["met"] else "missed")
        print(f"| `{name}` | {t['rows']} | {t['p50_s']:.2f} | {t['max_s']:.2f} | {met} |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
