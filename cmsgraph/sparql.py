"""Named SPARQL queries (``queries/*.rq``) and running them with bound parameters.

Parameters are bound as RDF terms, never pasted into the query text: locally through
pyoxigraph's ``substitutions`` (SEP-0007), remotely through a ``VALUES`` block built
from escaped terms (see :mod:`cmsgraph.remote`). A substitution binds the variable
before the query is evaluated, inside sub-selects and ``OPTIONAL`` too (which is what
makes a bound ``?code`` fast); the named queries are written so that both give the same
answers (see "Named queries" in README.md).

:func:`query` returns a :class:`~cmsgraph.results.ResultTable`;
:func:`write_query_results` writes the results in a results format, and streams a local
query's CSV straight from pyoxigraph's writer (the same bytes as the table's CSV,
without making a Python object of every term).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, BinaryIO

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Variable,
)

from ._resources import query_dir
from .errors import QueryError, StoreError
from .results import ResultTable, Term
from .store import StoreVersion, default_store_dir, open_current

__all__ = [
    "NamedQuery",
    "load_query",
    "named_queries",
    "parse_param",
    "query",
    "write_query_results",
]


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    question: str  # the leading comment: the question the query answers
    text: str


def _question(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(line for line in lines if line).removeprefix("Question:").strip()


def named_queries() -> list[NamedQuery]:
    """Every named query shipped in ``queries/``, sorted by name."""
    out = []
    for f in sorted(query_dir().iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            text = f.read_text("utf-8")
            out.append(NamedQuery(f.name.removesuffix(".rq"), _question(text), text))
    return out


def load_query(name_or_file: str | Path) -> NamedQuery:
    """A named query (``funders``) or a query file (``my.rq``).

    :raises QueryError: if there is no such named query or file.
    """
    value = str(name_or_file)
    if value.endswith(".rq") or "/" in value or Path(value).is_file():
        path = Path(value)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read the query file: {exc}") from None
        return NamedQuery(path.stem, _question(text), text)
    for named in named_queries():
        if named.name == value:
            return named
    names = ", ".join(q.name for q in named_queries())
    raise QueryError(f"no named query {value!r}; the named queries are: {names}")


def parse_param(item: str) -> tuple[str, Term]:
    """``name=value`` -> (name, term). ``<...>`` makes an IRI, anything else a string.

    >>> parse_param("code=4.4")
    ('code', <Literal value=4.4 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>)
    >>> parse_param("funder=<https://w3id.org/cmsgraph/id/country/DE>")[1]
    <NamedNode value=https://w3id.org/cmsgraph/id/country/DE>

    :raises QueryError: if ``item`` is not ``name=value`` or the IRI is malformed.
    """
    name, sep, value = item.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"parameter {item!r} is not of the form name=value")
    if value.startswith("<") and value.endswith(">"):
        try:
            return name, NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {exc}") from None
    return name, Literal(value)


def query(
    name_or_file: str | Path,
    *,
    store: str | Path | None = None,
    params: Mapping[str, Term] | Sequence[str] | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: float = 60.0,
) -> ResultTable | bool:
    """Run a named query or a query file; return its solutions (or ``bool`` for ASK).

    :param store: the local store directory (default: the default store).
    :param params: variable bindings, as ``{"code": Literal("4.4")}`` or ``["code=4.4"]``.
    :param endpoint: run against this SPARQL 1.1 endpoint instead of the local store.
    :param graph: with ``endpoint``: the named graph the data was published to.
    :raises QueryError: unknown query, malformed query, bad parameter.
    :raises StoreError: no store at ``store``.
    :raises RemoteError: the endpoint failed.

    >>> table = query("activities")  # doctest: +SKIP
    >>> table.values()[0]  # doctest: +SKIP
    ('1', 'Alignment with international environmental governance reform')
    """
    named = load_query(name_or_file)
    bindings = _bindings(named, params)
    if endpoint is not None:
        from .remote import remote_query

        return remote_query(endpoint, named.text, bindings, graph=graph, timeout=timeout)
    version = open_current(store if store is not None else default_store_dir())
    try:
        return run_local(version.open(), named, bindings, version=version)
    finally:
        version.release()


def write_query_results(
    name_or_file: str | Path,
    out: str | PurePath | BinaryIO,
    fmt: str | None = None,
    *,
    store: str | Path | None = None,
    params: Mapping[str, Term] | Sequence[str] | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: float = 60.0,
) -> str:
    """Run a query as :func:`query` does and write its results as
    :func:`~cmsgraph.results.write_results` does: to the file ``out`` (never
    half-written) or a binary stream, in ``fmt`` (default: by ``out``'s extension, else
    ``csv``); return the format written.

    A local query's CSV is streamed from pyoxigraph's writer: the same bytes as the
    result table's CSV, without a Python object for every term (on 58,000 rows of
    document-references, that is as long again as the query).

    :raises QueryError: unknown query, malformed query, bad parameter.
    :raises StoreError: no store at ``store``, or it cannot be read.
    :raises RemoteError: the endpoint failed.
    :raises ValueError: unknown format.
    :raises CmsGraphError: the file cannot be written (it is left as it was).
    """
    from .results import results_format_for, write_results

    key = fmt or results_format_for(out)
    if key != "csv" or endpoint is not None:
        table = query(name_or_file, store=store, params=params, endpoint=endpoint,
                      graph=graph, timeout=timeout)  # fmt: skip
        return write_results(table, out, key)
    named = load_query(name_or_file)
    bindings = _bindings(named, params)
    version = open_current(store if store is not None else default_store_dir())
    try:
        with _evaluating(named):
            evaluated = _evaluate(version.open(), named, bindings, version=version)
        if isinstance(evaluated, QueryBoolean):
            return write_results(bool(evaluated), out, key)
        solutions = evaluated

        def stream(to: IO[bytes]) -> None:
            with _evaluating(named, writing=True):  # rows are evaluated as they are written
                solutions.serialize(to, format=QueryResultsFormat.CSV)

        if isinstance(out, str | PurePath):
            from .exporter import atomic_write

            atomic_write(Path(out), stream, what="the results")
        else:
            stream(out)
        return key
    finally:
        version.release()


def _bindings(
    named: NamedQuery, params: Mapping[str, Term] | Sequence[str] | None
) -> dict[str, Term]:
    if params is None:
        return {}
    items = (
        dict(parse_param(p) for p in params) if not isinstance(params, Mapping) else dict(params)
    )
    body = "\n".join(ln for ln in named.text.splitlines() if not ln.lstrip().startswith("#"))
    for name in items:
        if not re.search(rf"[?$]{re.escape(name)}\b", body):
            raise QueryError(f"query {named.name!r} has no variable ?{name} to bind")
    return items


def run_local(
    store: object,
    named: NamedQuery,
    bindings: Mapping[str, Term],
    *,
    version: StoreVersion | None = None,
) -> ResultTable | bool:
    """Run ``named`` on a pyoxigraph store.

    The store's default graph holds every fact once (see :mod:`cmsgraph.store`), and a
    query sees it as is. A query that names graphs (``FROM``, ``FROM NAMED``,
    ``GRAPH``) runs, when ``version`` is given, on the dataset of the graphs it names
    (see :meth:`~cmsgraph.store.StoreVersion.for_query`).
    """
    with _evaluating(named):
        result = _evaluate(store, named, bindings, version=version)
        if isinstance(result, QueryBoolean):
            return bool(result)
        variables = [v.value for v in result.variables]
        return ResultTable.from_solutions(variables, result)  # evaluated here, row by row


def _evaluate(
    store: object,
    named: NamedQuery,
    bindings: Mapping[str, Term],
    *,
    version: StoreVersion | None = None,
) -> QuerySolutions | QueryBoolean:
    """The pyoxigraph result of ``named`` (see :func:`run_local`): its solutions are
    evaluated as they are read (in :func:`_evaluating`)."""
    if version is not None:
        store, _ = version.for_query(store, named.text)  # type: ignore[arg-type]
    result = store.query(  # type: ignore[attr-defined]
        named.text, substitutions={Variable(k): v for k, v in bindings.items()} or None
    )
    if not isinstance(result, QuerySolutions | QueryBoolean):
        raise QueryError(f"{named.name}: only SELECT and ASK give results to print")
    return result


@contextlib.contextmanager
def _evaluating(named: NamedQuery, *, writing: bool = False) -> Iterator[None]:
    """Turn pyoxigraph's errors while a query is parsed or evaluated into ours; while
    ``writing`` its rows, an ``OSError`` is the output's and is left as it is."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"{named.name}: malformed query: {exc}") from None
    except OSError as exc:
        if writing:
            raise
        raise QueryError(f"{named.name}: the query failed: {exc}") from None
    except RuntimeError as exc:  # RocksDB could not read the store's files
        raise StoreError(f"{named.name}: the store cannot be read: {exc}") from None
