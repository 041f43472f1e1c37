"""Mutation fuzzing: mutated copies of the bundled report, each built for real.

    python benchmarks/fuzz.py [--cases 1000] [--seed 0] [--timeout 60] [--json PATH]

Every case must end either in a build (possibly with warnings) or in a
:class:`cmsgraph.CmsGraphError` whose message is one line naming the file (and the
line, where the fault has one). Anything else — another exception (a traceback for
a user) or a case running past ``--timeout`` — is a failure; the exit status is 1
if there is any. Mutations: truncation anywhere, flipped bytes, invalid UTF-8,
UTF-16 with and without BOM, NUL bytes, shuffled, missing and extra columns, a 10 MB
cell, deeply nested and unclosed HTML, a million-row table, codes like 99.99.99,
empty and whitespace-only files, shuffled lines, duplicated tables, CR-only line
ends, control characters and line separators.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cmsgraph
from cmsgraph._resources import bundled_sources

Mutator = Callable[[bytes, random.Random], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data))]


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 20)):
        out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def invalid_utf8(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data))
    return data[:at] + rnd.choice([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80"]) + data[at:]


def utf16(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encoded = text.encode(rnd.choice(["utf-16", "utf-16-le", "utf-16-be"]))
    if rnd.random() < 0.3:  # and broken: an odd number of bytes, or a lone surrogate
        encoded = encoded[:-1] if rnd.random() < 0.5 else encoded + b"\x00\xd8"
    return encoded


def nul_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data))
    return data[:at] + b"\x00" * rnd.randint(1, 4) + data[at:]


def shuffle_columns(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    for i in rnd.sample(range(len(lines)), k=min(10, len(lines))):
        cells = lines[i].split(b"\t")
        rnd.shuffle(cells)
        lines[i] = b"\t".join(cells)
    return b"\n".join(lines)


def drop_column(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    for i in rnd.sample(range(len(lines)), k=min(10, len(lines))):
        cells = lines[i].split(b"\t")
        if len(cells) > 1:
            del cells[rnd.randrange(len(cells))]
        lines[i] = b"\t".join(cells)
    return b"\n".join(lines)


def extra_columns(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    lines[i] += b"\textra" * rnd.randint(1, 5)
    return b"\n".join(lines)


def huge_cell(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    rows = [i for i, ln in enumerate(lines) if ln.count(b"\t") >= 3 and b"ACTIVITY" not in ln]
    i = rnd.choice(rows)
    cells = lines[i].split(b"\t")
    cells[2] = b"<p>" + b"word " * (10 * 1024 * 1024 // 5) + b"</p>"
    lines[i] = b"\t".join(cells)
    return b"\n".join(lines)


def deep_html(data: bytes, rnd: random.Random) -> bytes:
    depth = rnd.choice([1000, 50_000])
    tag = rnd.choice([b"<p>", b"<ul><li>", b"<table><tr><td>", b"<div "])
    return data.replace(b"(1.1)", b"(1.1)" + tag * depth, 1)


def unclosed_html(data: bytes, rnd: random.Random) -> bytes:
    junk = rnd.choice([b"<table", b"<p class='", b"</td></tr></table>" * 50, b"<!--", b"<tr><td>"])
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    lines[i] = lines[i] + junk
    return b"\n".join(lines)


def million_rows(data: bytes, rnd: random.Random) -> bytes:
    row = b"\tGrow the table. (1.1)\tDone.\tCore budget: line 1203\n"
    at = data.index(b"MEDIUM TERM: BY 2017")
    return data[:at] + row * 1_000_000 + data[at:]


def odd_codes(data: bytes, rnd: random.Random) -> bytes:
    code = rnd.choice([b"(99.99.99)", b"(0.0)", b"(999.999)", b"(1.1.1.1.1)", b"(-1.2)", b"()"])
    return data.replace(b"(1.1)", code, 1)


def empty(data: bytes, rnd: random.Random) -> bytes:
    return rnd.choice([b"", b"   ", b"\n\n\t\n", b"\r\n" * 100, b"\xef\xbb\xbf"])


def shuffle_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    head, body = lines[:55], lines[55:]
    rnd.shuffle(body)
    return b"\n".join(head + body)


def duplicate_table(data: bytes, rnd: random.Random) -> bytes:
    start = data.index(b"NR.\tACTIVITY\tDESCRIPTION\n4\t")
    end = data.index(b"NR.\tACTIVITY\tDESCRIPTION\n5\t")
    return data + b"\n" + data[start:end]


def cr_only(data: bytes, rnd: random.Random) -> bytes:
    return data.replace(b"\n", rnd.choice([b"\r", b"\r\n", b"\n\r"]))


def control_chars(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 30)):
        at = rnd.randrange(len(out))
        out[at:at] = rnd.choice(["\x0b", "\x0c", "\u2028", "\u202e", "\x1b[31m", "\ufeff"]).encode()
    return bytes(out)


MUTATORS: dict[str, Mutator] = {
    f.__name__: f
    for f in (
        truncate,
        flip_bytes,
        invalid_utf8,
        utf16,
        nul_bytes,
        shuffle_columns,
        drop_column,
        extra_columns,
        huge_cell,
        deep_html,
        unclosed_html,
        million_rows,
        odd_codes,
        empty,
        shuffle_lines,
        duplicate_table,
        cr_only,
        control_chars,
    )
}
_HEAVY = {"huge_cell", "million_rows"}  # a few of each are enough


@dataclass(frozen=True)
class Case:
    number: int
    mutator: str
    data: bytes


def cases(count: int, seed: int = 0) -> Iterator[Case]:
    """``count`` mutated reports, the same for the same seed; every mutator is used."""
    original = Path(str(bundled_sources()[0])).read_bytes()
    rnd = random.Random(seed)
    names = sorted(MUTATORS)
    light = [n for n in names if n not in _HEAVY]
    for number in range(count):
        if number < len(names):
            name = names[number]
        elif number % 200 < len(_HEAVY):
            name = sorted(_HEAVY)[number % 200]
        else:
            name = rnd.choice(light)
        case_rnd = random.Random(f"{seed}:{number}")
        data = original
        for _ in range(1 if name in _HEAVY else case_rnd.choice([1, 1, 1, 2])):
            data = MUTATORS[name](data, case_rnd)
        yield Case(number, name, data)


@dataclass(frozen=True)
class Outcome:
    case: int
    mutator: str
    result: str  # "built" | "error" | "failure"
    detail: str
    seconds: float


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def run_case(case: Case, workdir: Path, timeout: float) -> Outcome:
    """Build one case into a fresh store; classify how it ended."""
    path = workdir / f"case-{case.number:05d}.txt"
    path.write_bytes(case.data)
    store = workdir / f"store-{case.number:05d}"
    started = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = cmsgraph.build([path], store=store)
        outcome = ("built", f"{result.entries} entries, {len(result.warnings)} warnings")
    except cmsgraph.CmsGraphError as exc:
        message = str(exc)
        good = "\n" not in message and message.startswith(str(path))
        outcome = ("error", message) if good else ("failure", f"unclear error: {message!r}")
    except _Timeout:
        outcome = ("failure", f"no answer within {timeout} s")
    except Exception as exc:  # the very thing this hunts for
        outcome = ("failure", f"{type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        path.unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
    return Outcome(case.number, case.mutator, outcome[0], outcome[1][:300],
                   time.perf_counter() - started)  # fmt: skip


def run(count: int, seed: int = 0, timeout: float = 60.0) -> list[Outcome]:
    workdir = Path(tempfile.mkdtemp(prefix="cmsgraph-fuzz-"))
    try:
        return [run_case(case, workdir, timeout) for case in cases(count, seed)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarise(outcomes: list[Outcome]) -> dict[str, object]:
    by_mutator: dict[str, Counter[str]] = {}
    for o in outcomes:
        by_mutator.setdefault(o.mutator, Counter())[o.result] += 1
    return {
        "cases": len(outcomes),
        "built": sum(o.result == "built" for o in outcomes),
        "errors": sum(o.result == "error" for o in outcomes),
        "failures": sum(o.result == "failure" for o in outcomes),
        "slowest_s": round(max((o.seconds for o in outcomes), default=0.0), 2),
        "by_mutator": {m: dict(c) for m, c in sorted(by_mutator.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run(args.cases, args.seed, args.timeout)
    summary = summarise(outcomes)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{summary['cases']} cases in {summary['seconds']} s: {summary['built']} built, "
          f"{summary['errors']} clear errors, {summary['failures']} failures; "
          f"slowest case {summary['slowest_s']} s")  # fmt: skip
    print("| mutation | built | clear error | failure |")
    print("| --- | ---: | ---: | ---: |")
    for name, counts in summary["by_mutator"].items():  # type: ignore[union-attr]
        print(f"| {name} | {counts.get('built', 0)} | {counts.get('error', 0)} | "
              f"{counts.get('failure', 0)} |")  # fmt: skip
    for o in outcomes:
        if o.result == "failure":
            print(f"FAILURE case {o.case} ({o.mutator}): {o.detail}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
