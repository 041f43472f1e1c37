"""``cmsgraph build`` and ``cmsgraph remove``: sources -> parse -> link -> graph ->
validate -> store.

Each source becomes a graph of its own, booked by the store so that it can be replaced
or removed alone (all graphs share the store's one default graph; see
:mod:`cmsgraph.store`). A build re-processes only the sources whose content changed
since the last build (SHA-256 of the bytes), removes the graphs of sources no longer
given, and keeps the rest by starting the new store version as a checkpoint of the
current one; ``full=True`` rebuilds everything, and so does any change of the
gazetteer, shapes, ontology, base IRI or cmsgraph's code (the manifest's fingerprint).
Sources are processed on all cores in batches, each validated alone, and loaded while
the next batches are processed. The new version is swapped in only when it is
complete, so a failing source leaves the previous store as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse

from . import namespaces as ns
from ._resources import bundled_sources, data_file, ontology_file
from .errors import InputError, StoreError, ValidationError
from .gazetteer import Gazetteer, load_gazetteer
from .graph import document_triples, entity_triples
from .kinds import Linked, Records, read_and_classify
from .model import LinkedReport, LinkedWorkProgramme
from .rdf import Statement, from_pyoxigraph
from .readers import SUFFIXES
from .store import (
    SourceGraph,
    StoreVersion,
    build_lock,
    default_store_dir,
    open_current,
    staged_version,
)
from .validate import validate

__all__ = [
    "BuildResult",
    "NotLinked",
    "SourceSummary",
    "build",
    "collect_sources",
    "ontology_triples",
    "remove",
]

# Bump when the graph built from the same input changes, so that stores built by an
# older cmsgraph are rebuilt in full rather than patched.
PIPELINE_VERSION = 3
_PARALLEL_FROM = 4  # sources; below this, worker start-up costs more than it saves


@dataclass(frozen=True, slots=True)
class NotLinked:
    """A capitalised name or acronym that matched nothing, how often, and where first."""

    text: str
    count: int
    first: str  # "path:line"


@dataclass(frozen=True, slots=True)
class SourceSummary:
    path: str
    symbol: str
    sha256: str
    graph: str
    entries: int
    triples: int
    mentions: int
    unlinked: tuple[tuple[str, int | str], ...] = ()  # (name, .txt line or place)
    warnings: tuple[str, ...] = ()
    kind: str = "activity-report"  # the document kind (cmsgraph.kinds)
    format: str = "txt"  # the file format read (cmsgraph.readers)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote, and what staff should look at."""

    store: Path
    base: str
    sources: tuple[SourceSummary, ...]
    documents: int
    entries: int
    triples: int
    linked_mentions: int
    not_linked: tuple[NotLinked, ...]
    warnings: tuple[str, ...]
    processed: int = 0  # sources parsed in this build (the others were unchanged)
    removed: int = 0  # sources dropped because they were no longer given
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


def collect_sources(sources: Sequence[str | Path] | None) -> list[Path]:
    """The files named, the documents (``.pdf``, ``.docx``, ``.html``/``.htm``,
    ``.txt``) in the folders named (searched recursively), or the bundled sources.

    :raises InputError: if a source does not exist or a folder holds no document.
    """
    if not sources:
        return [Path(str(f)).resolve() for f in bundled_sources()]
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
            )
            if not found:
                kinds = ", ".join(sorted(SUFFIXES))
                raise InputError(str(path), f"folder holds no source documents ({kinds})")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(str(path), "no such file or directory")
    return list(dict.fromkeys(p.resolve() for p in files))


def ontology_triples() -> list[Statement]:
    """The ontology (booked as the graph named by its own IRI)."""
    data = ontology_file("cmsgraph.ttl").read_bytes()
    return list(dict.fromkeys(from_pyoxigraph(q) for q in parse(data, RdfFormat.TURTLE)))


# --- processing one source (in this process or a worker) ---------------------------


@dataclass
class _Context:
    gazetteer: Gazetteer
    iris: ns.Iris
    by_subject: dict[str, list[Statement]]  # gazetteer triples by subject IRI


@dataclass
class _Processed:
    summary: SourceSummary | None
    graph: SourceGraph | None = None
    timings: dict[str, float] = field(default_factory=dict)
    error: tuple[str, str, int | None, str] | None = None  # (kind, path, line, message)


_WORKER: _Context | None = None  # set before forking; read by the workers
_BATCH = 16  # sources per worker task


@dataclass
class _Parsed:
    path: Path
    kind: str  # the document kind's name
    records: Records
    linked: Linked
    triples: list[Statement]


def _process_batch(paths: list[Path]) -> list[_Processed]:
    """Parse, link and build the graphs of ``paths``; validate them together.

    Returns one result per path, in order, stopping at the first that fails.
    """
    assert _WORKER is not None
    context = _WORKER
    timings: defaultdict[str, float] = defaultdict(float)
    started = time.process_time()  # CPU seconds: comparable however busy the machine is

    def lap(stage: str) -> None:
        nonlocal started
        now = time.process_time()
        timings[stage] += now - started
        started = now

    parsed: list[_Parsed] = []
    failure: _Processed | None = None
    for path in paths:
        try:
            kind, records = read_and_classify(path)
            lap("parse")
            linked = kind.link(records, context.gazetteer)
            lap("link")
            triples = document_triples(linked, context.gazetteer, context.iris)
            parsed.append(_Parsed(path, kind.name, records, linked, triples))
            lap("graph")
        except InputError as exc:
            failure = _Processed(None, error=("input", exc.path, exc.line, _message(exc)))
            break
    results: list[_Processed] = []
    try:
        warnings = _validate(parsed, context.by_subject)
    except ValidationError as exc:
        return [_Processed(None, error=("validation", exc.path, exc.line, _message(exc)))]
    lap("validate")
    for item in parsed:
        symbol = item.records.document.symbol
        graph = SourceGraph.split(
            context.iris.graph(symbol), item.triples, context.iris.document(symbol) + "/"
        )
        results.append(_Processed(_summary(item, context, warnings.get(item.path, [])), graph))
    lap("serialize")
    if results:
        results[0].timings = dict(timings)
    return results + ([failure] if failure else [])


def _summary(item: _Parsed, context: _Context, shape_warnings: list[str]) -> SourceSummary:
    records, linked = item.records, item.linked
    symbol = records.document.symbol
    return SourceSummary(
        path=str(item.path),
        symbol=symbol,
        sha256=records.sha256,
        graph=context.iris.graph(symbol),
        entries=_rows(linked),
        triples=len(item.triples),
        mentions=sum(1 for t in item.triples if t.predicate == _RDF_SUBJECT),
        unlinked=tuple(
            (u.text, u.line or str(u.place) if u.place else u.line) for u in linked.unlinked
        ),
        warnings=tuple(str(w) for w in records.warnings) + tuple(shape_warnings),
        kind=item.kind,
        format=str(records.format),
    )


_RDF_SUBJECT = ns.RDF + "subject"  # one per mention: a linked name, citation or amount


def _rows(linked: Linked) -> int:
    """The rows a document was read into: report entries, programme activities, or the
    paragraphs that name or cite something."""
    if isinstance(linked, LinkedReport):
        return len(linked.entries)
    if isinstance(linked, LinkedWorkProgramme):
        return len(linked.activities)
    return sum(1 for p in linked.passages if p.mentions or p.citations or p.amounts)


def _message(exc: InputError) -> str:
    """The message of an InputError without its "path:line: " prefix."""
    prefix = f"{exc.path}:{exc.line}: " if exc.line is not None else f"{exc.path}: "
    return exc.message.removeprefix(prefix)


def _validate(
    parsed: list[_Parsed], by_subject: dict[str, list[Statement]]
) -> dict[Path, list[str]]:
    """Validate each source graph with the gazetteer entities it links to.

    One source at a time, so that the outcome never depends on which sources share a
    batch.

    :raises ValidationError: naming the source, if a shape of severity Violation fails.
    """
    warnings: dict[Path, list[str]] = {}
    for item in parsed:
        linked_entities = {
            t.object for t in item.triples if isinstance(t.object, str)
        } & by_subject.keys()
        context = [t for subject in sorted(linked_entities) for t in by_subject[subject]]
        results = validate([*item.triples, *context])
        violations = [r for r in results if r.severity == "Violation"]
        if violations:
            shown = "; ".join(str(v) for v in violations[:3])
            more = f" (and {len(violations) - 3} more)" if len(violations) > 3 else ""
            raise ValidationError(
                str(item.path), f"graph violates the SHACL shapes, nothing written: {shown}{more}"
            )
        warnings[item.path] = [f"{item.path}: shape warning: {r}" for r in results]
    return warnings


def _run(
    paths: list[Path], progress: Callable[[int, int, Path], None] | None
) -> Iterator[_Processed]:
    """Process ``paths`` in order, in batches, on all cores when there are enough of them."""
    batches = [paths[i : i + _BATCH] for i in range(0, len(paths), _BATCH)]
    workers = min(os.cpu_count() or 1, len(batches))
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(paths) < _PARALLEL_FROM or workers < 2 or not can_fork:
        results: Iterator[list[_Processed]] = map(_process_batch, batches)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_process_batch, batches)
    done = 0
    try:
        for batch in results:
            for processed in batch:
                if processed.error is not None:
                    kind, where, line, message = processed.error
                    error = ValidationError if kind == "validation" else InputError
                    raise error(where, message, line=line)
                done += 1
                if progress and processed.summary is not None:
                    progress(done, len(paths), Path(processed.summary.path))
                yield processed
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


# --- the build -----------------------------------------------------------------------


def _fingerprint(base: str, gazetteer: str | Path | None) -> str:
    """What a store's graphs depend on besides the sources: when it changes, all are rebuilt.

    That is the base IRI, the gazetteer, shapes and ontology, and cmsgraph's own code
    (so that an upgrade never keeps graphs an older parser or linker made).
    """
    digest = hashlib.sha256(f"{PIPELINE_VERSION}\n{base}\n".encode())
    for module in _modules(files("cmsgraph")):
        digest.update(hashlib.sha256(module.read_bytes()).digest())
    gazetteer_bytes = Path(gazetteer).read_bytes() if gazetteer else data_file(
        "gazetteer.toml").read_bytes()  # fmt: skip
    for part in (gazetteer_bytes, ontology_file("shapes.ttl").read_bytes(),
                 ontology_file("cmsgraph.ttl").read_bytes()):  # fmt: skip
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _modules(folder: Traversable) -> Iterator[Traversable]:
    """The package's Python files, its sub-packages' (readers, kinds ...) included."""
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.is_dir() and item.name != "__pycache__":
            yield from _modules(item)
        elif item.name.endswith(".py"):
            yield item


def _previous(root: Path, fingerprint: str, full: bool) -> StoreVersion | None:
    if full or not (root / "current").exists():
        return None
    try:
        version = open_current(root)
    except StoreError:
        return None
    if version.header.get("fingerprint") != fingerprint:
        return None
    return version


def build(
    sources: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    base: str | None = None,
    gazetteer: str | Path | None = None,
    full: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``sources`` into the store at ``store``.

    The store then holds exactly ``sources``; unchanged ones are not processed again.

    :param sources: files or folders; by default the bundled source documents.
    :param store: the store directory (default: :func:`~cmsgraph.store.default_store_dir`).
    :param base: the base IRI of the data (default ``$CMSGRAPH_BASE`` or the built-in one).
    :param gazetteer: a gazetteer file to use instead of the bundled one.
    :param full: process every source again, even those unchanged since the last build.
    :param progress: called with (sources done, sources to process, path) after each one.
    :raises InputError: a source is missing, unreadable or not an activity report.
    :raises ValidationError: a source's graph violates the SHACL shapes.
    :raises StoreError: the store is being written by another build or cannot be written.
    """
    global _WORKER
    started = time.perf_counter()
    root = Path(store) if store is not None else default_store_dir()
    iris = ns.Iris(ns.resolve_base(base))
    files = collect_sources(sources)
    fingerprint = _fingerprint(iris.base, gazetteer)
    timings: defaultdict[str, float] = defaultdict(float)
    with build_lock(root):
        previous = _previous(root, fingerprint, full)
        known = {s["path"]: s for s in previous.manifest["sources"]} if previous else {}
        t = time.perf_counter()
        hashes = {p: _sha256(p) for p in files}
        timings["hash"] = time.perf_counter() - t
        kept = [SourceSummary(**_tuples(known[str(p)])) for p in files
                if str(p) in known and known[str(p)]["sha256"] == hashes[p]]  # fmt: skip
        kept_paths = {s.path for s in kept}
        todo = [p for p in files if str(p) not in kept_paths]

        gaz = load_gazetteer(gazetteer)
        gazetteer_triples = entity_triples(gaz, iris)
        by_subject: dict[str, list[Statement]] = {}
        for triple in gazetteer_triples:
            by_subject.setdefault(triple.subject, []).append(triple)
        _WORKER = _Context(gaz, iris, by_subject)
        summaries: dict[str, SourceSummary] = {s.path: s for s in kept}
        gone = [s["graph"] for path, s in known.items() if path not in kept_paths]
        try:
            with staged_version(root, base_version=previous) as staged:
                if previous is None:
                    staged.add(SourceGraph.split(iris.gazetteer_graph, gazetteer_triples, None))
                    staged.add(SourceGraph.split(ns.ONTOLOGY, ontology_triples(), None))
                else:
                    previous.release()  # staged: the build no longer reads it
                t = time.perf_counter()
                for graph in gone:  # before anything is added: a changed source
                    staged.remove(graph)  # keeps its subjects' IRIs
                timings["remove"] = time.perf_counter() - t
                read_from = {s.symbol: s.path for s in kept}
                for processed in _run(todo, progress):
                    assert processed.summary is not None and processed.graph is not None
                    _check_unique_symbol(processed.summary, read_from)
                    summaries[processed.summary.path] = processed.summary
                    for stage, seconds in processed.timings.items():
                        timings[stage] += seconds
                    t = time.perf_counter()
                    staged.add(processed.graph)  # loads while the workers go on
                    timings["load"] += time.perf_counter() - t
                t = time.perf_counter()
                ordered = [summaries[str(p)] for p in files]
                version = staged.publish(_manifest(iris.base, fingerprint, ordered))
                timings["load"] += time.perf_counter() - t
        finally:
            _WORKER = None
    timings["total"] = time.perf_counter() - started
    return _result(version, processed=len(todo), removed=len(known) - len(kept),
                   timings=dict(timings))  # fmt: skip


def remove(sources: Sequence[str | Path], *, store: str | Path | None = None) -> BuildResult:
    """Drop sources (given by path, file name or document symbol) from the store.

    :raises InputError: if a source is not in the store.
    :raises StoreError: if there is no store, or another build is writing it.
    """
    root = Path(store) if store is not None else default_store_dir()
    with build_lock(root):
        current = open_current(root)
        entries = current.manifest["sources"]
        gone: list[dict[str, Any]] = []
        for source in sources:
            wanted = str(source)
            resolved = str(Path(wanted).resolve())
            match = [s for s in entries if wanted in (s["symbol"], Path(s["path"]).name)
                     or s["path"] == resolved]  # fmt: skip
            if not match:
                raise InputError(wanted, f"not in the store at {root}")
            gone.extend(s for s in match if s not in gone)
        keep = [SourceSummary(**_tuples(s)) for s in entries if s not in gone]
        manifest = _manifest(current.base, current.header["fingerprint"], keep)
        with staged_version(root, base_version=current) as staged:
            current.release()
            for entry in gone:
                staged.remove(entry["graph"])
            version = staged.publish(manifest)
    return _result(version, processed=0, removed=len(gone), timings={})


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def _tuples(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out["unlinked"] = tuple(tuple(u) for u in record.get("unlinked", ()))
    out["warnings"] = tuple(record.get("warnings", ()))
    return out


def _check_unique_symbol(summary: SourceSummary, read_from: dict[str, str]) -> None:
    """Refuse a second source with the symbol of one already read (``read_from``)."""
    if (first := read_from.setdefault(summary.symbol, summary.path)) != summary.path:
        raise InputError(summary.path, f"document {summary.symbol} was already read from {first}")


def _manifest(base: str, fingerprint: str, summaries: list[SourceSummary]) -> dict[str, Any]:
    return {
        "format": 3,
        "base": base,
        "fingerprint": fingerprint,
        "sources": [
            {name: getattr(s, name) for name in SourceSummary.__slots__} for s in summaries
        ],
    }


def _result(
    version: StoreVersion, *, processed: int, removed: int, timings: dict[str, float]
) -> BuildResult:
    summaries = [SourceSummary(**_tuples(s)) for s in version.manifest["sources"]]
    unlinked: Counter[str] = Counter()
    first: dict[str, str] = {}
    for s in summaries:
        for name, where in s.unlinked:  # a .txt line, else a place ("page 2, paragraph 5")
            unlinked[name] += 1
            first.setdefault(name, f"{s.path}:{where}" if isinstance(where, int) else
                             f"{s.path} ({where})")  # fmt: skip
    return BuildResult(
        store=version.root,
        base=version.base,
        sources=tuple(summaries),
        documents=len(summaries),
        entries=sum(s.entries for s in summaries),
        triples=version.header["triples"],
        linked_mentions=sum(s.mentions for s in summaries),
        not_linked=tuple(
            NotLinked(name, count, first[name])
            for name, count in sorted(unlinked.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        warnings=tuple(w for s in summaries for w in s.warnings),
        processed=processed,
        removed=removed,
        timings=timings,
    )
