"""The ``cmsgraph`` command: thin wrappers around the Python API.

Only this module turns errors into messages and exit statuses (see
:mod:`cmsgraph.errors` for the table); every command is a call to the API.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CmsGraphError
from .formats import formats

if TYPE_CHECKING:
    from .pipeline import BuildResult
    from .results import ResultTable

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
    p.add_argument(
        "--format",
        choices=[f.key for f in formats(kind="results", use="cli")],
        help="table (for people, the default on standard output), W3C SPARQL csv or tsv, "
        "SPARQL json or xml, xlsx (an Excel workbook); with --out, the default is the one "
        "its extension names (.txt .srj/.json .srx/.xml .csv .tsv .xlsx), else csv",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write the results to FILE (never half-written) instead of standard output",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE (a string; <...> for an IRI); repeatable",
    )
    p.add_argument("--endpoint", help="query this SPARQL 1.1 endpoint instead of the store")
    p.add_argument("--graph", help="with --endpoint: the named graph the data was published to")
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=60.0,
        metavar="SECONDS",
        help="with --endpoint: give up when the endpoint has not answered in this time "
        "(default: 60)",
    )
    p.set_defaults(run=_query)

    p = sub.add_parser("queries", help="list the named queries and the questions they answer")
    p.set_defaults(run=_queries)

    # -- compare (issue 13): subparser registration goes here --
    p = sub.add_parser(
        "compare",
        help="what changed between two reports on a programme: sub-activities new, dropped "
        "and continued, funders and cited documents added and removed",
        description="Compare two reports on one programme, one row per sub-activity code. "
        "A code in both reports is the same sub-activity (continued); where a report "
        "renumbers or rewords, matches are proposed by text similarity, never applied "
        "unless confirmed in a review file.",
    )
    p.add_argument("old", metavar="OLD", help="the earlier report: a document symbol or source")
    p.add_argument("new", metavar="NEW", help="the later report: a document symbol or source")
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument(
        "--format",
        choices=[f.key for f in formats(kind="results", use="cli")],
        default="table",
        help="table (for people, with a summary line; the default), W3C SPARQL csv or tsv, "
        "SPARQL json or xml, xlsx (an Excel workbook, for a pipe)",
    )
    p.add_argument(
        "--matches",
        type=Path,
        metavar="FILE",
        help="a review file: its confirmed matches are compared as one sub-activity, its "
        "rejected ones are not proposed again",
    )
    p.add_argument(
        "--proposals",
        type=Path,
        metavar="FILE",
        help="add the proposed matches to this review file (created; decisions in it are kept)",
    )
    p.set_defaults(run=_compare)

    # -- viz (issue 4): subparser registration goes here --
    p = sub.add_parser(
        "viz", help="write interactive network views: a static HTML site that works offline"
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out/viz"),
        metavar="DIR",
        help="the folder to write the site into (default: out/viz); open DIR/index.html",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=1500,
        metavar="N",
        help="draw the whole graph up to N nodes; above, offer search and focused views "
        "(default: 1500)",
    )
    p.set_defaults(run=_viz)

    # -- export (issue 5): subparser registration goes here --
    p = sub.add_parser(
        "export",
        help="write the graph as an RDF file, with its VoID / DCAT-AP description and docs",
    )
    p.add_argument(
        "--format",
        choices=[f.key for f in formats(use="export")],
        help="default: the one --out's extension names (.ttl .nt .nq .trig .jsonld .rdf), "
        "else turtle; nquads and trig keep the named graphs, the others hold their union",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="the file to write (default: standard output, the data only); "
        "PATH.void.ttl and ontology.html are written beside it",
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument(
        "--license", type=_iri, metavar="IRI", help="the dataset's licence (default: CC BY 4.0)"
    )
    p.add_argument(
        "--publisher",
        type=_iri,
        metavar="IRI",
        help="the dataset's publisher (default: the cmsgraph project)",
    )
    p.add_argument(
        "--dump-url",
        type=_iri,
        metavar="URL",
        help="where the file will be published (default: its name, relative to the description)",
    )
    p.add_argument(
        "--sparql-endpoint", type=_iri, metavar="URL", help="an endpoint serving the same data"
    )
    p.add_argument("--publisher-name", metavar="NAME", help="the publisher's name")
    p.add_argument(
        "--homepage",
        type=_iri,
        metavar="URL",
        help="the catalogue's home page (default: the endpoint's server, else the publisher)",
    )
    p.add_argument(
        "--contact",
        type=_iri,
        metavar="URL",
        help="mailto: or web address of the dataset's contact point (default: the home page)",
    )
    p.set_defaults(run=_export)

    # -- serve (issue 5): subparser registration goes here --
    p = sub.add_parser(
        "serve",
        help="serve the graph: a read-only SPARQL endpoint and a page for every IRI",
        description="Serve the store over HTTP: a SPARQL 1.1 Protocol endpoint at /sparql "
        "(read-only: updates, LOAD and SERVICE are refused), the linked-data page of every "
        "IRI under the base (HTML, Turtle, JSON-LD, N-Triples), /.well-known/void.",
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port", type=_port, default=8000, help="port to listen on; 0 picks a free one (8000)"
    )
    p.add_argument(
        "--timeout",
        type=_positive_float,
        default=10.0,
        metavar="SECONDS",
        help="stop a query running longer than this (default: 10)",
    )
    p.add_argument(
        "--max-rows",
        type=_positive_int,
        default=100_000,
        metavar="N",
        help="refuse results of more than N rows or triples (default: 100000)",
    )
    p.add_argument(
        "--max-query-bytes",
        type=_positive_int,
        default=65_536,
        metavar="N",
        help="refuse request bodies (413) and query strings (414) above N bytes (default: 65536)",
    )
    p.add_argument(
        "--allow-service",
        action="store_true",
        help="let queries call other endpoints with SERVICE (refused by default)",
    )
    p.add_argument(
        "--workers", type=_positive_int, metavar="N", help="query worker processes (default: 2-4)"
    )
    p.add_argument(
        "--max-connections",
        type=_positive_int,
        default=128,
        metavar="N",
        help="connections served at once; more get 503 (default: 128)",
    )
    p.add_argument(
        "--max-memory",
        type=_non_negative_int,
        default=1024,
        metavar="MB",
        help="memory a query worker may use; a query needing more is stopped (default: 1024; "
        "0: no limit)",
    )
    p.add_argument(
        "--base", type=_iri, metavar="IRI", help="the base IRI given pages (default: the store's)"
    )
    p.add_argument(
        "--path-prefix",
        metavar="PATH",
        help="the local path the base IRI maps to (default: the base's path)",
    )
    p.set_defaults(run=_serve)

    # -- publish (issue 5): subparser registration goes here --
    p = sub.add_parser(
        "publish",
        help="replace a named graph of a SPARQL 1.1 store (Oxigraph, Virtuoso ...) with the graph",
        description="Upload the graph (the union of the store's graphs) into one named graph "
        "of a remote store: staged in a temporary graph, verified, then swapped in with one "
        "MOVE, so a failed upload leaves the previous graph as it was. Credentials: "
        "--user/--password or $CMSGRAPH_USER/$CMSGRAPH_PASSWORD (never printed).",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the server's base URL (http://127.0.0.1:7878) or its SPARQL query endpoint",
    )
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="the named graph to replace (default: BASE graph/all, BASE being the store's base)",
    )
    p.add_argument("--store", type=Path, help=store_help)
    p.add_argument("--gsp", metavar="URL", help="the Graph Store Protocol endpoint, if not found")
    p.add_argument("--update", metavar="URL", help="the SPARQL Update endpoint, if not found")
    p.add_argument("--user", help="user name (default: $CMSGRAPH_USER)")
    p.add_argument(
        "--password",
        help="password (default: $CMSGRAPH_PASSWORD, which other users cannot see in ps; "
        "asked for on a terminal when only --user is given)",
    )
    p.add_argument(
        "--auth",
        choices=["auto", "digest", "basic"],
        default="auto",
        help="auto: answer the server's challenge (default); basic: send with every request",
    )
    p.add_argument(
        "--method",
        choices=["auto", "gsp", "update", "put"],
        default="auto",
        help="gsp: stage through the Graph Store Protocol; update: through INSERT DATA; "
        "put: one PUT straight into the graph (no staging); auto: gsp if available",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for each response (default: 60)",
    )
    p.set_defaults(run=_publish)

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
    kinds = Counter(s.kind for s in result.sources)
    formats = Counter(s.format for s in result.sources)
    rows = [
        ("documents", result.documents),
        ("  processed", result.processed),
        ("  unchanged", result.documents - result.processed),
        *((f"  {kind}", n) for kind, n in sorted(kinds.items()) if len(kinds) > 1),
        *((f"  from {fmt}", n) for fmt, n in sorted(formats.items()) if len(formats) > 1),
        # entries of reports; with other kinds, their activities and linked paragraphs too
        ("report entries" if set(kinds) <= {"activity-report"} else "rows read", result.entries),
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
    from .sparql import write_query_results

    fmt = args.format if args.out is not None else args.format or "table"
    if args.out is None:
        _refuse_a_workbook_on_a_terminal(fmt)
        sys.stdout.flush()
    write_query_results(args.query, sys.stdout.buffer if args.out is None else args.out, fmt,
                        store=args.store, params=args.param, endpoint=args.endpoint,
                        graph=args.graph, timeout=args.timeout)  # fmt: skip
    if args.out is None:
        sys.stdout.buffer.flush()
    return 0


def _refuse_a_workbook_on_a_terminal(fmt: str) -> None:
    """:raises CmsGraphError: (status 2) for a workbook on a terminal."""
    if fmt == "xlsx" and sys.stdout.isatty():
        usage = CmsGraphError(
            "a workbook is not for a terminal", hint="write it to a file: --out FILE.xlsx"
        )
        usage.exit_code = 2
        raise usage


def _print_results(result: ResultTable | bool, fmt: str) -> None:
    """Write results to standard output in the results format ``fmt``.

    :raises CmsGraphError: (status 2) for a workbook on a terminal.
    """
    from .results import serialize_results

    _refuse_a_workbook_on_a_terminal(fmt)
    sys.stdout.flush()
    sys.stdout.buffer.write(serialize_results(result, fmt))
    sys.stdout.buffer.flush()


def _queries(args: argparse.Namespace) -> int:
    from .sparql import named_queries

    for named in named_queries():
        print(f"{named.name:<30} {named.question}")
    return 0


# -- compare (issue 13): command function goes here --
def _compare(args: argparse.Namespace) -> int:
    from .history import compare, write_review

    result = compare(args.old, args.new, store=args.store, matches=args.matches)
    if args.format == "table":
        counts = {k: len(result.by_change(k)) for k in ("new", "dropped", "continued")}
        changed = sum(c.changed for c in result.changes)
        other = "funders or documents"
        if result.new.kind == "programme-of-work":  # its activities have responsible entities
            other = "funders, responsible entities or documents"
        print(
            f"{result.old.symbol} -> {result.new.symbol} ({result.new.programme_label}): "
            f"{counts['new']} new, {counts['dropped']} dropped, {counts['continued']} "
            f"continued ({changed} with other {other})"
        )
    _print_results(result.table(), args.format)
    for note in result.notes:
        print(f"cmsgraph: note: {note}", file=sys.stderr)
    for p in result.confirmed:
        print(f"cmsgraph: note: {p.old_code} -> {p.new_code} confirmed in {args.matches}",
              file=sys.stderr)  # fmt: skip
    for p in result.proposals:
        print(
            f"cmsgraph: note: {p.old_code} in {result.old.symbol} may be {p.new_code} in "
            f"{result.new.symbol} (text similarity {p.score:.2f}); not applied",
            file=sys.stderr,
        )
    if args.proposals is not None:
        added = write_review(args.proposals, [result])
        print(f"cmsgraph: {added} proposed match(es) added to {args.proposals}: confirm or "
              "reject them there, then run again with --matches", file=sys.stderr)  # fmt: skip
    elif result.proposals:
        print("cmsgraph: hint: review them with --proposals FILE, apply with --matches FILE",
              file=sys.stderr)  # fmt: skip
    return 0


# -- viz (issue 4): command function goes here --
def _viz(args: argparse.Namespace) -> int:
    from .viz import write_site

    site = write_site(store=args.store, out=args.out, max_nodes=args.max_nodes)
    whole = "" if site.whole_graph_drawn else " (too large to draw whole: see the focused views)"
    print(
        f"Wrote {site.path}: {site.nodes} nodes, {site.edges} links{whole}, "
        f"{site.views} focused views; a citation network of {site.documents} documents and "
        f"{site.citations} citations; {site.programme_activities} programme activities"
    )
    print(f"Open {site.index}")
    return 0


# -- export (issue 5): command function goes here --
def _export(args: argparse.Namespace) -> int:
    from .exporter import export

    result = export(
        args.format,
        store=args.store,
        out=args.out,
        license=args.license,
        publisher=args.publisher,
        dump_url=args.dump_url,
        sparql_endpoint=args.sparql_endpoint,
        publisher_name=args.publisher_name,
        homepage=args.homepage,
        contact=args.contact,
    )
    if result.path is not None:
        unit = "quads" if result.format in ("nquads", "trig") else "triples"
        print(f"Wrote {result.path} ({result.statements} {unit}, {result.format})")
        print(f"  description    {result.description}")
        print(f"  ontology docs  {result.documentation}")
    return 0


def _iri(value: str) -> str:
    """An argument that must be an absolute IRI (a usage error otherwise)."""
    import re

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an absolute IRI")
    return value


# -- serve (issue 5): command function goes here --
def _serve(args: argparse.Namespace) -> int:
    import signal

    from .server import make_server

    server = make_server(
        args.store,
        host=args.host,
        port=args.port,
        base=args.base,
        path_prefix=args.path_prefix,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_query_bytes=args.max_query_bytes,
        allow_service=args.allow_service,
        workers=args.workers,
        max_connections=args.max_connections,
        max_memory_mb=args.max_memory,
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Serving the graph at {server.url}")
    print(f"  SPARQL endpoint  {server.endpoint}")
    print(f"  resource pages   {server.page_prefix}...")
    print(f"  description      {server.url}.well-known/void")
    print("Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("cmsgraph: stopped", file=sys.stderr)
    finally:
        server.shutdown()
    return 0


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def _non_negative_int(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number >= 0")
    return int(value)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return number


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return int(value)


# -- publish (issue 5): command function goes here --
def _publish(args: argparse.Namespace) -> int:
    import os

    from .remote import ENV_PASSWORD, publish

    password = args.password
    if args.user and password is None and not os.environ.get(ENV_PASSWORD) and sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Password for {args.user}: ")
    result = publish(
        store=args.store,
        endpoint=args.endpoint,
        graph=args.graph,
        gsp=args.gsp,
        update=args.update,
        user=args.user,
        password=password,
        auth=args.auth,
        timeout=args.timeout,
        method=args.method,
        progress=lambda done, total: log.info("uploaded part %d of %d", done, total),
    )
    how = {"gsp": "Graph Store Protocol", "update": "SPARQL Update", "put": "one PUT"}
    print(
        f"Published {result.triples} triples to <{result.graph}> at {result.endpoint} "
        f"in {result.seconds:.2f} s ({how[result.method]}; the graph held "
        f"{result.previous} triples before)"
    )
    print(f"Query it: cmsgraph query funders --endpoint {result.endpoint} --graph {result.graph}")
    return 0


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
