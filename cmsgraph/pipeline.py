"""``cmsgraph build``: sources -> parse -> link -> graph -> validate -> store.

Everything is read, linked and validated before anything is written; the store
is then written as a new version and swapped in (see :mod:`cmsgraph.store`), so a
source that fails leaves the previous store exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from . import namespaces as ns
from ._resources import bundled_sources, ontology_file
from .errors import InputError, ValidationError
from .gazetteer import load_gazetteer
from .graph import entity_quads, report_quads
from .link import link_report
from .model import LinkedReport
from .parse import parse_file
from .store import build_lock, default_store_dir, write_version
from .validate import validate

__all__ = ["BuildResult", "NotLinked", "SourceSummary", "build", "collect_sources"]


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


def collect_sources(sources: Sequence[str | Path] | None) -> list[Path]:
    """The files named, the ``*.txt`` files in the folders named, or the bundled sources.

    :raises InputError: if a source does not exist or a folder holds no ``.txt`` file.
    """
    if not sources:
        return [Path(str(f)) for f in bundled_sources()]
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not found:
                raise InputError(str(path), "folder holds no .txt source documents")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(str(path), "no such file or directory")
    return list(dict.fromkeys(files))


def build(
    sources: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    base: str | None = None,
    gazetteer: str | Path | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``sources`` into the store at ``store``.

    :param sources: files or folders; by default the bundled source documents.
    :param store: the store directory (default: :func:`~cmsgraph.store.default_store_dir`).
    :param base: the base IRI of the data (default ``$CMSGRAPH_BASE`` or the built-in one).
    :param gazetteer: a gazetteer file to use instead of the bundled one.
    :param progress: called with (files done, files total, file) after each source.
    :raises InputError: a source is missing, unreadable or not an activity report.
    :raises ValidationError: a source's graph violates the SHACL shapes.
    :raises StoreError: the store is being written by another build or cannot be written.
    """
    root = Path(store) if store is not None else default_store_dir()
    iris = ns.Iris(ns.resolve_base(base))
    files = collect_sources(sources)
    gaz = load_gazetteer(gazetteer)
    gazetteer_quads = entity_quads(gaz, iris)
    by_subject: dict[str, list[Quad]] = {}
    for quad in gazetteer_quads:
        by_subject.setdefault(quad.subject.value, []).append(quad)

    quads: list[Quad] = [*gazetteer_quads, *ontology_quads()]
    summaries: list[SourceSummary] = []
    warnings: list[str] = []
    unlinked: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    entries = mentions = 0
    symbols: dict[str, Path] = {}
    for done, path in enumerate(files, start=1):
        linked = link_report(parse_file(path), gaz)
        symbol = linked.report.document.symbol
        if symbol in symbols:
            raise InputError(
                str(path), f"document {symbol} was already read from {symbols[symbol]}"
            )
        symbols[symbol] = path
        doc_quads = report_quads(linked, gaz, iris)
        warnings.extend(str(w) for w in linked.report.warnings)
        warnings.extend(_validate(path, doc_quads, by_subject))
        quads.extend(doc_quads)
        entries += len(linked.entries)
        mentions += _count_links(linked)
        for name in linked.unlinked:
            unlinked[name.text] += 1
            first_seen.setdefault(name.text, f"{name.path}:{name.line}")
        summaries.append(
            SourceSummary(
                path=str(path),
                symbol=symbol,
                sha256=linked.report.sha256,
                graph=iris.graph(symbol),
                entries=len(linked.entries),
                triples=len(doc_quads),
            )
        )
        if progress:
            progress(done, len(files), path)

    not_linked = tuple(
        NotLinked(text, count, first_seen[text])
        for text, count in sorted(unlinked.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    triples = len({q.triple for q in quads})
    manifest = {
        "format": 1,
        "base": iris.base,
        "sources": [_as_dict(s) for s in summaries],
        "counts": {
            "documents": len(summaries),
            "entries": entries,
            "triples": triples,
            "linked_mentions": mentions,
        },
        "not_linked": [_as_dict(n) for n in not_linked],
        "warnings": warnings,
    }
    with build_lock(root):
        write_version(root, quads, manifest)
    return BuildResult(
        store=root,
        base=iris.base,
        sources=tuple(summaries),
        documents=len(summaries),
        entries=entries,
        triples=triples,
        linked_mentions=mentions,
        not_linked=not_linked,
        warnings=tuple(warnings),
    )


def _as_dict(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


def ontology_quads() -> list[Quad]:
    """The ontology, in a graph named by its own IRI."""
    graph = NamedNode(ns.ONTOLOGY)
    data = ontology_file("cmsgraph.ttl").read_bytes()
    return [Quad(t.subject, t.predicate, t.object, graph) for t in parse(data, RdfFormat.TURTLE)]


def _validate(path: Path, doc_quads: list[Quad], by_subject: dict[str, list[Quad]]) -> list[str]:
    """Validate one source graph with the gazetteer entities it links to.

    :raises ValidationError: if a shape of severity Violation is violated.
    """
    linked_entities = {
        q.object.value for q in doc_quads if isinstance(q.object, NamedNode)
    } & by_subject.keys()
    context = [q for subject in sorted(linked_entities) for q in by_subject[subject]]
    results = validate([*doc_quads, *context])
    violations = [r for r in results if r.severity == "Violation"]
    if violations:
        shown = "; ".join(str(v) for v in violations[:3])
        more = f" (and {len(violations) - 3} more)" if len(violations) > 3 else ""
        raise ValidationError(
            str(path), f"graph violates the SHACL shapes, nothing written: {shown}{more}"
        )
    return [f"{path}: shape warning: {r}" for r in results]


def _count_links(linked: LinkedReport) -> int:
    return sum(
        len(e.mentions)
        + len(e.documents)
        + len(e.resolutions)
        + len(e.budget_lines)
        + len(e.amounts)
        for e in linked.entries
    )
