"""The ``cmsgraph`` command: thin wrappers around the Python API.

Only this module turns errors into messages and exit statuses (see
:mod:`cmsgraph.errors` for the table); every command is a call to the API.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CmsGraphError

if TYPE_CHECKING:
    from .pipeline import BuildResult

__all__ = ["main"]

log = logging.getLogger("cmsgraph")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cmsgraph")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"cmsgraph {_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmsgraph",
        description="Turn CMS Family activity reports into a queryable RDF knowledge graph.",
        epilog="Exit status: 0 ok, 1 input error, 2 usage error, 3 store error, "
        "4 query error, 5 remote error.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    store_help = "the store directory (default: $CMSGRAPH_STORE or ~/.local/share/cmsgraph/store)"

    p = sub.add_parser("build", help="build the knowledge graph into the store")
    p.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="source files or folders (default: the bundled documents)",
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument(
        "--base",
        help="base IRI of the data (default: $CMSGRAPH_BASE or https://w3id.org/cmsgraph/id/)",
    )
    p.add_argument("--gazetteer", type=Path, help="a gazetteer file instead of the bundled one")
    p.add_argument(
        "--full",
        action="store_true",
        help="process every source again, even those unchanged since the last build",
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors (no summary, no progress)"
    )
    p.add_argument("--warnings", action="store_true", help="print every parse warning")
    p.set_defaults(run=_build)

    p = sub.add_parser("remove", help="drop sources (path, file name or symbol) from the store")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--store", type=Path, help=store_help)
    p.set_defaults(run=_remove)

    p = sub.add_parser("query", help="run a named query or a query file")
    p.add_argument(
        "query",
        metavar="NAME|FILE.rq",
        help="a named query (see 'cmsgraph queries') or a SPARQL query file",
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE (a string; <...> for an IRI); repeatable",
    )
    p.add_argument("--endpoint", help="query this SPARQL 1.1 endpoint instead of the store")
    p.add_argument("--graph", help="with --endpoint: the named graph the data was published to")
    p.set_defaults(run=_query)

    p = sub.add_parser("queries", help="list the named queries and the questions they answer")
    p.set_defaults(run=_queries)

    # -- viz (issue 4): subparser registration goes here --

    # -- export (issue 5): subparser registration goes here --

    # -- serve (issue 5): subparser registration goes here --

    # -- publish (issue 5): subparser registration goes here --

    return parser


class _Progress:
    """Files done, rate and time left, redrawn on one terminal line (stderr)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int, path: Path) -> None:
        log.info("%d/%d %s", done, total, path)
        if not sys.stderr.isatty():
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        sys.stderr.write(f"\r  {done}/{total} sources  {rate:,.1f}/s  {left:,.0f} s left  ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _build(args: argparse.Namespace) -> int:
    from .pipeline import build

    progress = None if args.quiet else _Progress()
    try:
        result = build(
            args.sources,
            store=args.store,
            base=args.base,
            gazetteer=args.gazetteer,
            full=args.full,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    if not args.quiet:
        _summary(result, show_warnings=args.warnings)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from .pipeline import remove

    result = remove(args.sources, store=args.store)
    print(
        f"Removed {result.removed} source(s); the store holds {result.documents} document(s), "
        f"{result.triples} triples."
    )
    return 0


def _summary(result: BuildResult, *, show_warnings: bool) -> None:
    names = ", ".join(s.symbol for s in result.sources[:5])
    more = f" and {result.documents - 5} more" if result.documents > 5 else ""
    print(f"Built {result.store} from {result.documents} document(s): {names}{more}")
    rows = [
        ("documents", result.documents),
        ("  processed", result.processed),
        ("  unchanged", result.documents - result.processed),
        ("report entries", result.entries),
        ("triples", result.triples),
        ("linked mentions", result.linked_mentions),
        ("not-linked names", len(result.not_linked)),
        ("warnings", len(result.warnings)),
    ]
    for label, value in rows:
        print(f"  {label:<18}{value:>8}")
    if result.not_linked:
        print("Not linked (capitalised names and acronyms no gazetteer entry matches):")
        for item in result.not_linked[:50]:
            print(f"  {item.count:>3}  {item.text}  (first at {item.first})")
        if len(result.not_linked) > 50:
            print(f"  ... and {len(result.not_linked) - 50} more")
    if result.warnings:
        if show_warnings:
            print("Warnings:")
            for warning in result.warnings:
                print(f"  {warning}")
        else:
            print(f"{len(result.warnings)} warning(s); run with --warnings to see them.")


def _query(args: argparse.Namespace) -> int:
    from .results import format_results
    from .sparql import query

    result = query(
        args.query, store=args.store, params=args.param, endpoint=args.endpoint, graph=args.graph
    )
    if isinstance(result, bool):
        print("true" if result else "false")
    else:
        sys.stdout.write(format_results(result, args.format))
    return 0


def _queries(args: argparse.Namespace) -> int:
    from .sparql import named_queries

    for named in named_queries():
        print(f"{named.name:<30} {named.question}")
    return 0


# -- viz (issue 4): command function goes here --


# -- export (issue 5): command function goes here --


# -- serve (issue 5): command function goes here --


# -- publish (issue 5): command function goes here --


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="cmsgraph: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.run(args))
    except CmsGraphError as exc:
        print(f"cmsgraph: error: {exc}", file=sys.stderr)
        if exc.hint:
            print(f"cmsgraph: hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cmsgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise is: no traceback unless asked for
        if args.verbose:
            raise
        print(
            f"cmsgraph: internal error: {type(exc).__name__}: {exc} "
            "(run with --verbose for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 70
