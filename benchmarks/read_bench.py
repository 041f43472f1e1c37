"""Benchmark: reading the bundled report in every format.

    python benchmarks/read_bench.py [--runs 5] [--json PATH] [--profile pdf]

Renders UNEP/CMS/COP11/Doc.16.1 as PDF, Word and HTML the way the tests do
(``tests/support/render.py``), then times, per format, ``read_document`` (file to
document model) and ``classify`` (model to activity-report records), ``--runs`` times
each in this process after one warm-up read (imports and fonts loaded), and prints the
median and the slowest run. The target: reading the PDF takes at most 2 s.
``--profile FORMAT`` prints the 25 most expensive functions of one read.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

TARGET_PDF_S = 2.0


def render(folder: Path) -> dict[str, Path]:
    """The bundled report as .txt (itself), .pdf, .docx and .html."""
    from support.render import report_layout, to_docx, to_html, to_pdf

    from cmsgraph._resources import bundled_sources
    from cmsgraph.kinds import classify
    from cmsgraph.readers import read_document

    (seed,) = [Path(str(f)) for f in bundled_sources() if f.name.endswith("Doc.16.1.txt")]
    doc = read_document(seed)
    _, report = classify(doc)
    layout = report_layout(report, doc)
    paths = {"txt": seed}
    for fmt, write in (("pdf", to_pdf), ("docx", to_docx), ("html", to_html)):
        paths[fmt] = folder / f"{seed.stem}.{fmt}"
        paths[fmt].write_bytes(write(layout))
    return paths


def measure(path: Path, runs: int) -> dict[str, float]:
    from cmsgraph.kinds import classify
    from cmsgraph.readers import read_document

    classify(read_document(path))  # warm-up: imports, fonts, caches
    reads, totals = [], []
    for _ in range(runs):
        started = time.perf_counter()
        doc = read_document(path)
        read = time.perf_counter()
        kind, records = classify(doc)
        done = time.perf_counter()
        assert kind.name == "activity-report" and len(records.entries) == 33
        reads.append(read - started)
        totals.append(done - started)
    return {
        "read_p50_s": statistics.median(reads),
        "read_max_s": max(reads),
        "read_and_classify_p50_s": statistics.median(totals),
        "bytes": path.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--profile", choices=["txt", "pdf", "docx", "html"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cmsgraph-read-") as tmp:
        paths = render(Path(tmp))
        if args.profile:
            from cmsgraph.readers import read_document

            read_document(paths[args.profile])
            profile = cProfile.Profile()
            profile.runcall(read_document, paths[args.profile])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        figures = {fmt: measure(path, args.runs) for fmt, path in paths.items()}
    print(f"Reading UNEP/CMS/COP11/Doc.16.1, {args.runs} runs (median; slowest):")
    print("| format | size | read | read + classify |")
    print("| --- | ---: | ---: | ---: |")
    for fmt, f in figures.items():
        print(
            f"| {fmt} | {f['bytes'] / 1024:.0f} KiB | {f['read_p50_s']:.3f} s "
            f"({f['read_max_s']:.3f} s) | {f['read_and_classify_p50_s']:.3f} s |"
        )
    met = figures["pdf"]["read_p50_s"] <= TARGET_PDF_S
    print(f"PDF target (read <= {TARGET_PDF_S:g} s): {'met' if met else 'missed'}")
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "formats": figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
