"""``cmsgraph export``: the store as one RDF file, its description and vocabulary docs.

Formats (``FORMATS``, the export rows of the table in :mod:`cmsgraph.formats`):

* graph formats — ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml`` — hold the union of
  the store's named graphs (a triple stated in two graphs is written once);
* dataset formats — ``nquads``, ``trig`` — keep every named graph (one per source
  document, one for the gazetteer, one for the ontology).

Output is deterministic on purpose: the same store gives the same bytes, in any
process. N-Triples and N-Quads are sorted lines (canonical form, as ``LC_ALL=C sort``
orders them); Turtle, TriG and RDF/XML are grouped by sorted subject (by graph first
in TriG) with ``rdf:type`` first and then sorted predicates and objects, with the
fixed prefixes of :data:`cmsgraph.namespaces.PREFIXES`, all written by pyoxigraph's
serialisers, which keep their input's order. JSON-LD is written here (see
:func:`jsonld_document`) against the context shipped as ``ontology/context.jsonld``,
embedded in the file, so reading it never fetches anything.

A file is never half-written: the data goes to a temporary file in the target's
folder, is flushed to disk and then renamed over the target (``os.replace``), so a
failed or killed export leaves the previous file, or none.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Triple
from pyoxigraph import serialize as serialize_rdf

from . import namespaces as ns
from ._resources import ontology_file
from .describe import DEFAULT_LICENSE, DEFAULT_PUBLISHER, description_turtle, void_description
from .errors import CmsGraphError
from .formats import Format, for_suffix, formats
from .store import StoreVersion, _fsync_dir, default_store_dir, open_current

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportResult",
    "export",
    "format_for",
    "graph_bytes",
    "jsonld_context",
    "jsonld_document",
    "ontology_triples",
    "ordered",
    "serialize",
    "used_prefixes",
]

_RDF_TYPE = NamedNode(ns.RDF + "type")
_XSD_STRING = ns.XSD + "string"
DOCS_NAME = "ontology.html"
DESCRIPTION_SUFFIX = ".void.ttl"


#: The formats ``export`` writes, from the one table of :mod:`cmsgraph.formats`.
FORMATS: dict[str, Format] = {f.key: f for f in formats(use="export")}
ExportFormat = Format  # the name this module's records had before the shared table


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote. Paths are ``None`` when the data went to a stream."""

    format: str
    path: Path | None
    statements: int  # triples, or quads for nquads and trig
    description: Path | None
    documentation: Path | None


def export(
    fmt: str | None = None,
    *,
    store: str | Path | None = None,
    out: str | Path | IO[bytes] | None = None,
    license: str | None = None,
    publisher: str | None = None,
    dump_url: str | None = None,
    sparql_endpoint: str | None = None,
    publisher_name: str | None = None,
    homepage: str | None = None,
    contact: str | None = None,
) -> ExportResult:
    """Write the store in ``fmt``; beside a file, its description and ontology docs.

    :param fmt: one of :data:`FORMATS` (``turtle``, ``ntriples``, ``nquads``, ``trig``,
        ``jsonld``, ``rdfxml``); by default the one whose usual extension ``out`` has
        (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``), else Turtle.
    :param store: the store directory (default: the default store).
    :param out: a file path; ``"-"``, ``None`` or a binary stream write the data only
        to that stream (standard output by default). Beside a file ``PATH`` go
        ``PATH.void.ttl`` (VoID/DCAT description, see :mod:`cmsgraph.describe`) and
        ``ontology.html`` (the vocabulary's documentation).
    :param license: the licence IRI the description states (default
        :data:`~cmsgraph.describe.DEFAULT_LICENSE`, CC BY 4.0).
    :param publisher: the publisher IRI the description states (default
        :data:`~cmsgraph.describe.DEFAULT_PUBLISHER`, the cmsgraph project).
    :param dump_url: the URL the file will be published at; by default the
        description points at the file by its name, relative to the description.
    :param sparql_endpoint: a SPARQL endpoint serving the same data, for the description.
    :param publisher_name: the publisher's name (DCAT-AP: mandatory for an agent).
    :param homepage: the catalogue's home page; ``contact``: a ``mailto:`` or web address
        for the dataset's contact point (see :func:`~cmsgraph.describe.void_description`).
    :raises ValueError: if ``fmt`` is not a known format.
    :raises StoreError: if there is no store.
    :raises CmsGraphError: if the output cannot be written (the target is untouched).

    >>> export("nquads", store="/tmp/store", out="dist/cmsgraph.nq")  # doctest: +SKIP
    ExportResult(format='nquads', path=PosixPath('dist/cmsgraph.nq'), statements=7300, ...)
    """
    if fmt is None:
        fmt = format_for(out)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    form = FORMATS[fmt]
    version = open_current(store if store is not None else default_store_dir())
    db = version.open()
    written = [0]
    write: Callable[[IO[bytes]], object]
    if form.key in ("ntriples", "nquads"):  # sorted lines, made without Python terms

        def write(f: IO[bytes]) -> None:
            written[0] = _write_lines(version, db, form.key, f)

    else:
        statements = _statements(version, db, form)
        written[0] = len(statements)
        write = _writer(form, statements)
    if out is None or out == "-" or not isinstance(out, str | Path):
        stream = sys.stdout.buffer if out is None or out == "-" else out
        write(stream)  # type: ignore[arg-type]
        stream.flush()  # type: ignore[union-attr]
        return ExportResult(fmt, None, written[0], None, None)

    path = Path(out)
    atomic_write(path, write)
    folder = path.resolve().parent.as_uri() + "/"
    dump = dump_url or path.resolve().as_uri()
    description = void_description(
        version,
        dumps=[dump],
        sparql_endpoint=sparql_endpoint,
        license=license or DEFAULT_LICENSE,
        publisher=publisher or DEFAULT_PUBLISHER,
        publisher_name=publisher_name,
        homepage=homepage,
        contact=contact,
    )
    description_path = path.with_name(path.name + DESCRIPTION_SUFFIX)
    data = description_turtle(description, relative_to=folder)
    atomic_write(description_path, lambda f: f.write(data))
    docs_path = path.with_name(DOCS_NAME)
    html = _ontology_html(version, db)
    atomic_write(docs_path, lambda f: f.write(html))
    return ExportResult(fmt, path, written[0], description_path, docs_path)


def format_for(out: object) -> str:
    """The format a file name asks for by its extension, else ``"turtle"``.

    >>> format_for("dist/cmsgraph.nq"), format_for("-")
    ('nquads', 'turtle')
    """
    if isinstance(out, str | Path):
        form = for_suffix(Path(out).name, list(FORMATS.values()))
        if form is not None:
            return form.key
    return "turtle"


def _triple_key(t: Triple | Quad) -> tuple[str, bool, str, str]:
    """Grouped by subject, ``rdf:type`` first, then by predicate and object."""
    return (str(t.subject), t.predicate != _RDF_TYPE, str(t.predicate), str(t.object))


def _quad_key(q: Quad) -> tuple[str, str, bool, str, str]:
    return (str(q.graph_name), *_triple_key(q))


def _statements(
    version: StoreVersion, store: Store, form: ExportFormat
) -> list[Triple] | list[Quad]:
    """Every triple of the store, each once (graph formats), or every booked graph with
    its triples (dataset formats: a triple stated by two sources is in both graphs),
    sorted: as lines for N-Triples and N-Quads (their canonical order), else grouped by
    graph and subject."""
    canonical = form.rdf_format in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)
    if form.dataset:
        quads = [
            Quad(t.subject, t.predicate, t.object, NamedNode(name))
            for name in version.graph_names()
            for t in version.graph_triples(name, store)
        ]
        return sorted(quads, key=str if canonical else _quad_key)
    return sorted((quad.triple for quad in store), key=str if canonical else _triple_key)


#: Lines sorted in memory at a time. A larger export is sorted in runs of this size,
#: each written to a temporary file, and the runs merged: memory stays bounded (10,000
#: reports are some 6 GB of N-Triples) and the bytes are those of one sort.
RUN_BYTES = 512 << 20


def _write_lines(version: StoreVersion, store: Store, key: str, out: IO[bytes]) -> int:
    """Write the store as sorted N-Triples lines, or every booked graph's triples as
    sorted N-Quads lines (``key``), the canonical order of both formats (``LC_ALL=C
    sort``); return how many.

    The store writes its triples (to a temporary file, read back a line at a time); a
    graph's are those about its owned subjects and the shared ones its ledger keeps
    (see :mod:`cmsgraph.store`).
    """
    with tempfile.TemporaryDirectory(prefix="cmsgraph-export-") as tmp:
        dump = Path(tmp) / "dump.nt"
        store.dump(str(dump), format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
        with open(dump, "rb") as triples:
            lines: Iterable[bytes] = triples
            if key == "nquads":
                lines = _quads(version, triples)
            return write_sorted(lines, out, Path(tmp))


def _quads(version: StoreVersion, triples: Iterable[bytes]) -> Iterator[bytes]:
    """N-Quads lines: each booked graph's shared triples, then each triple of the
    store (``<s> <p> <o> .``) in the graph that owns its subject."""
    owner: dict[bytes, bytes] = {}
    for name in version.graph_names():
        subjects, shared = version.ledger(name)
        tail = b" <" + name.encode() + b"> .\n"
        owner.update((f"<{s}>".encode(), tail) for s in subjects)
        yield from (line[:-3] + tail for line in shared.splitlines(keepends=True))
    for line in triples:
        if (graph := owner.get(line[: line.index(b" ")])) is not None:
            yield line[:-3] + graph


def write_sorted(
    lines: Iterable[bytes], out: IO[bytes], tmp: Path, run_bytes: int = RUN_BYTES
) -> int:
    """Write ``lines`` to ``out`` in byte order, sorting runs of ``run_bytes`` in memory
    and merging them from files in ``tmp``; return how many lines were written.

    >>> import io, tempfile
    >>> buffer = io.BytesIO()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_sorted([b"c\\n", b"a\\n", b"b\\n"], buffer, Path(tmp), run_bytes=2)
    3
    >>> buffer.getvalue()
    b'a\\nb\\nc\\n'
    """
    runs: list[Path] = []
    chunk: list[bytes] = []
    size = count = 0
    for line in lines:
        chunk.append(line)
        size += len(line)
        count += 1
        if size >= run_bytes:
            chunk.sort()
            runs.append(tmp / f"run-{len(runs)}")
            with open(runs[-1], "wb") as f:
                f.writelines(chunk)
            chunk, size = [], 0
    chunk.sort()
    if not runs:
        out.writelines(chunk)
        return count
    with contextlib.ExitStack() as files:
        merged = heapq.merge(chunk, *(files.enter_context(open(r, "rb")) for r in runs))
        out.writelines(merged)
    return count


def _writer(
    form: ExportFormat, statements: list[Triple] | list[Quad]
) -> Callable[[IO[bytes]], object]:
    return lambda f: serialize(statements, form.key, f)


def ordered(statements: Iterable[Triple] | Iterable[Quad], key: str) -> list[Any]:
    """``statements`` once each, in the documented order of the format ``key``
    (:data:`cmsgraph.formats.Format.order`): sorted lines for N-Triples and N-Quads,
    else grouped by graph and subject, ``rdf:type`` first."""
    form = FORMATS[key]
    canonical = form.key in ("ntriples", "nquads")
    if form.dataset:
        return sorted(set(statements), key=str if canonical else _quad_key)  # type: ignore[arg-type]
    triples = {s.triple if isinstance(s, Quad) else s for s in statements}
    return sorted(triples, key=str if canonical else _triple_key)


def serialize(
    statements: Sequence[Triple] | Sequence[Quad],
    key: str,
    out: IO[bytes] | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
) -> bytes | None:
    """Write ``statements`` in the format ``key``, in the order given (see
    :func:`ordered`): pyoxigraph's serialisers keep their input's order; JSON-LD is
    :func:`jsonld_document`. Turtle, TriG and RDF/XML get ``prefixes`` (default: all
    of :data:`cmsgraph.namespaces.PREFIXES`). Returns the bytes when ``out`` is None."""
    form = FORMATS[key]
    if key == "jsonld":
        data = jsonld_document(statements)  # type: ignore[arg-type]
        if out is None:
            return data
        out.write(data)
        return None
    canonical = key in ("ntriples", "nquads")
    chosen = None if canonical else dict(ns.PREFIXES if prefixes is None else prefixes)
    return serialize_rdf(statements, out, form.rdf_format, prefixes=chosen)


def graph_bytes(triples: Iterable[Triple], key: str) -> bytes:
    """``triples`` (each once, in the format's order) as the server sends them, with
    only the prefixes they use. JSON-LD is the export's compaction with its context
    embedded: a reader never fetches a context."""
    statements = ordered(triples, key)
    if key == "jsonld":
        with contextlib.suppress(Exception):  # an RDF-star triple term: plain JSON-LD
            return jsonld_document(statements)
        return serialize_rdf(statements, None, RdfFormat.JSON_LD) or b""
    return serialize(statements, key, prefixes=used_prefixes(statements)) or b""


def used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The prefixes of :data:`namespaces.PREFIXES` that ``triples`` use."""
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, Literal)}
    stems = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}  # a few dozen
    return {
        prefix: namespace
        for prefix, namespace in ns.PREFIXES.items()
        if any(stem.startswith(namespace) for stem in stems)
    }


def atomic_write(
    path: Path, write: Callable[[IO[bytes]], object], *, what: str = "the export"
) -> None:
    """Call ``write`` on a temporary file beside ``path``, fsync it, rename it to ``path``.

    The target is either its previous content or the complete new one, whatever
    happens (an exception in ``write``, a full disk, a killed process).

    :raises CmsGraphError: if the file cannot be written; the temporary file is removed.
    """
    folder = path.parent
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
            dir=folder, prefix=f".{path.name}.", suffix=".part", delete=False
        )
    except OSError as exc:
        raise CmsGraphError(
            f"{path}: cannot write {what}: {exc.strerror or exc}",
            hint="check that the folder exists and is writable",
        ) from None
    temp = Path(handle.name)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fchmod(handle.fileno(), _file_mode(path))
            os.fsync(handle.fileno())
        os.replace(temp, path)
        _fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise CmsGraphError(f"{path}: cannot write {what}: {exc.strerror or exc}") from None
        raise


def _file_mode(path: Path) -> int:
    """The target's mode if it exists, else what a new file gets (0666 less the umask)."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def ontology_triples(version: StoreVersion, store: Store | None = None) -> list[Triple]:
    """The triples of the store's ontology graph (read by the export and the server)."""
    return version.graph_triples(ns.ONTOLOGY, store)


def _ontology_html(version: StoreVersion, store: Store) -> bytes:
    from .ontodoc import ontology_html

    return ontology_html(ontology_triples(version, store)).encode("utf-8")


# -- JSON-LD ----------------------------------------------------------------------------


@cache
def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context shipped as ``ontology/context.jsonld`` (its ``@context`` value)."""
    return json.loads(ontology_file("context.jsonld").read_text("utf-8"))["@context"]  # type: ignore[no-any-return]


class _Compactor:
    """Turns terms into the keys and values of the shipped context.

    The context defines a term for every property of the data (with ``@type: @id``
    for IRI values and a datatype where there is one), a prefix for each namespace and
    ``@vocab`` for the cmsgraph vocabulary (so classes read ``"type": "ReportEntry"``).
    A value that does not fit its term's coercion is written as an explicit value or
    node object, which `JSON-LD 1.1 expansion
    <https://www.w3.org/TR/json-ld11-api/#value-expansion>`_ leaves as it is.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes = {
            name: iri
            for name, iri in context.items()
            if isinstance(iri, str) and not name.startswith("@") and iri.endswith(("/", "#"))
        }
        self.vocab: str | None = context.get("@vocab")
        self.terms: dict[str, tuple[str, str | None]] = {}  # property IRI -> (term, coercion)
        for name, definition in sorted(context.items()):
            if name.startswith("@") or not isinstance(definition, dict):
                continue
            iri = self.expand(definition["@id"])
            coercion = definition.get("@type")
            if coercion not in (None, "@id"):
                coercion = self.expand(coercion)
            self.terms.setdefault(iri, (name, coercion))
        self.names = set(context)

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        return self.prefixes[prefix] + local if sep and prefix in self.prefixes else value

    def iri(self, iri: str) -> str:
        """An IRI as a compact IRI (``skos:Concept``) where a prefix fits, else whole."""
        for prefix, namespace in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            local = iri.removeprefix(namespace)
            if local != iri and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def type_name(self, iri: str) -> str:
        """A class IRI relative to ``@vocab`` (``ReportEntry``) unless a term is so named."""
        if self.vocab and iri.startswith(self.vocab):
            local = iri.removeprefix(self.vocab)
            if local and local not in self.names and not any(c in local for c in ":/#?"):
                return local
        return self.iri(iri)

    def key(self, predicate: str) -> tuple[str, str | None]:
        return self.terms.get(predicate) or (self.iri(predicate), None)

    def node(self, term: NamedNode | BlankNode) -> str:
        """A node's identifier: a compact or whole IRI, or ``_:label``."""
        return self.iri(term.value) if isinstance(term, NamedNode) else f"_:{term.value}"

    def value(self, term: NamedNode | BlankNode | Literal, coercion: str | None) -> object:
        if not isinstance(term, Literal):
            return self.node(term) if coercion == "@id" else {"id": self.node(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == coercion or (datatype == _XSD_STRING and coercion is None):
            return term.value
        if datatype == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(datatype)}


def jsonld_document(triples: Iterable[Triple]) -> bytes:
    """`JSON-LD 1.1 <https://www.w3.org/TR/json-ld11/>`_ of ``triples``, compacted with
    the shipped context, which is embedded (``@context`` is an object, not a URL that a
    reader would have to fetch).

    One node object per subject in ``@graph``, sorted by ``id``; its keys are ``id``,
    ``type`` and then the terms in sorted order; several values of a key form a sorted
    array (arrays without ``@list`` are unordered in JSON-LD), a single value stands
    alone.

    >>> from pyoxigraph import Triple, NamedNode, Literal
    >>> t = Triple(NamedNode("https://example.org/x"),
    ...            NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x"))
    >>> json.loads(jsonld_document([t]))["@graph"]
    [{'id': 'https://example.org/x', 'label': 'x'}]
    """
    context = jsonld_context()
    compactor = _Compactor(context)
    nodes = []
    for subject, group in groupby(sorted(triples, key=_triple_key), key=lambda t: t.subject):
        node: dict[str, Any] = {"id": compactor.node(subject)}
        values: dict[str, list[object]] = {}
        for t in group:
            if t.predicate == _RDF_TYPE and isinstance(t.object, NamedNode):
                values.setdefault("type", []).append(compactor.type_name(t.object.value))
                continue
            key, coercion = compactor.key(t.predicate.value)
            values.setdefault(key, []).append(compactor.value(t.object, coercion))  # type: ignore[arg-type]
        for key in sorted(values, key=lambda k: (k != "type", k)):
            items = sorted(values[key], key=_json_sort_key)
            node[key] = items[0] if len(items) == 1 else items
        nodes.append(node)
    nodes.sort(key=lambda n: n["id"])  # by the id as written (compact IRIs included)
    document = {"@context": context, "@graph": nodes}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _json_sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
