"""The embedded on-disk store: one default graph, immutable versions swapped in atomically.

Layout of a store directory::

    STORE/
      current -> versions/v...        symlink to the version readers open (swapped with rename(2))
      versions/v.../oxigraph/         RocksDB (pyoxigraph): ONE default graph holding every
                                      triple of every source, the gazetteer and the ontology,
                                      each once
      versions/v.../ledger/G.ledger   per source graph G: what it owns and what it shares
      versions/v.../refcounts         how many graphs state each shared triple
      versions/v.../manifest.json     what was built: base IRI, sources and their hashes,
                                      counts, warnings, not-linked names
      versions/v.../version.json      its format, base IRI and counts: all a query reads
                                      (the manifest is megabytes at thousands of sources)
      versions/v.../.readers          held (flock, shared) by every reader of the version
      .lock                           held (flock) by the build writing a new version

**Why one default graph.** A query sees the default graph. Kept as one named graph per
source, the default graph is their union, which pyoxigraph evaluates by merging and
de-duplicating across all graphs at query time: seconds per query at 1,000 sources,
and answers with one row per graph that states a shared triple. In one plain default
graph every fact is stored once and queries use the plain indexes (and loading costs
3 index writes a triple instead of 6).

**Bookkeeping per source** keeps each source removable and replaceable alone, exactly.
A source's triples are of two kinds:

* *owned*: about subjects minted under the source's own document IRI (its entries,
  their mentions and amounts: ``.../document/SYMBOL/...``). No other source can state
  anything about them, so removing the source removes every triple of those subjects.
  The ledger lists the owned subjects.
* *shared*: about things other sources may describe identically: activity areas,
  sub-activities, periods, resolutions, cited documents, meetings, budget lines, the
  document itself (which other sources cite). The ledger keeps these triples, and
  ``refcounts`` counts for each (by a 16-byte BLAKE2b of its N-Triples line) how many
  graphs state it; removing a source deletes only those whose count falls to zero.

The gazetteer and the ontology are graphs in the same bookkeeping (everything they state
is shared). A source's graph can be assembled again from its ledger and the store
(:meth:`StoreVersion.graph_triples`), which is how ``export --format nquads`` and
queries that name a source's graph (``GRAPH <...>``, ``FROM``) get it.

**Versions.** A build writes a new version next to the current one, a checkpoint (hard
links) of it when only some sources changed, and only when everything succeeded points
``current`` at it; a failed or killed build leaves ``current`` as it was. Published
versions are never written again. Every reader holds a shared lock on the version it
opened (:func:`open_current`), and a build removes an old version only when it can
take that lock exclusively, so a reader keeps answering from the version it opened
while builds come and go; versions still held are removed by a later build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import zlib
from _blake2 import blake2b as _blake2b  # hashlib's own; hashlib loads OpenSSL (3 ms a query)
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, Triple, parse

from .errors import StoreError
from .rdf import Statement, ntriples

__all__ = [
    "SourceGraph",
    "StagedVersion",
    "StoreVersion",
    "default_store_dir",
    "open_current",
    "open_version",
    "staged_version",
]

FORMAT = 3  # the layout above; older stores (one named graph per source) are rebuilt
_MANIFEST = "manifest.json"
_HEADER = "version.json"  # the manifest's few fields a reader needs first (format, base)
_READERS = ".readers"
_LEDGER = "ledger"
_REFCOUNTS = "refcounts"
_LOAD_BYTES = 48 << 20  # N-Triples buffered before a bulk load
_SMALL_LOAD = 8 << 20  # below this, a transactional load instead of new SST files


def default_store_dir() -> Path:
    """``$CMSGRAPH_STORE``, else ``$XDG_DATA_HOME/cmsgraph/store`` (~/.local/share/...)."""
    if env := os.environ.get("CMSGRAPH_STORE"):
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cmsgraph" / "store"


def triple_key(line: bytes) -> bytes:
    """The refcount key of a triple: a BLAKE2b-128 of its canonical N-Triples line."""
    return _blake2b(line, digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class SourceGraph:
    """One graph as the store books it: a source document, the gazetteer or the ontology.

    Made by :meth:`split` where the graph is built (in a build's worker processes), so
    that the process loading the store only writes files and counts: ``owned`` and
    ``shared`` are N-Triples, ``ledger`` the graph's ledger file (see the module
    docstring), ``shared_keys`` the refcount keys of the shared triples (16 bytes each).
    """

    name: str
    owned: bytes
    shared: bytes
    ledger: bytes
    shared_keys: bytes
    owned_count: int

    @classmethod
    def split(cls, name: str, triples: Sequence[Statement], own_prefix: str | None) -> SourceGraph:
        """Book ``triples`` (without duplicates) under ``name``: those about subjects
        whose IRI starts with ``own_prefix`` are owned, the rest shared."""
        owned: list[Statement] = []
        shared: list[Statement] = []
        for t in triples:
            if own_prefix and t.subject.startswith(own_prefix):
                owned.append(t)
            else:
                shared.append(t)
        shared_nt = ntriples(shared)
        subjects = "".join(f"<{s}>\n" for s in dict.fromkeys(t.subject for t in owned))
        return cls(
            name=name,
            owned=ntriples(owned),
            shared=shared_nt,
            ledger=zlib.compress(subjects.encode() + b"\n" + shared_nt, 1),
            shared_keys=b"".join(triple_key(line) for line in shared_nt.splitlines()),
            owned_count=len(owned),
        )


def _read_ledger(path: Path) -> tuple[list[str], bytes]:
    """(owned subjects, shared N-Triples) of a ledger file: the subjects as ``<IRI>``
    lines, an empty line, the N-Triples, compressed (see :meth:`SourceGraph.split`)."""
    data = b"\n" + zlib.decompress(path.read_bytes())
    head, _, shared = data.partition(b"\n\n")
    subjects = [line[1:-1].decode() for line in head.splitlines() if line]
    return subjects, shared


def _ledger_name(graph: str) -> str:
    from hashlib import sha256

    return sha256(graph.encode()).hexdigest()[:32] + ".ledger"


class _Pin:
    """A shared lock on a version's ``.readers`` file: the version is not removed while
    it is held. Released by :meth:`release` or when garbage-collected."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle: IO[bytes] | None = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing drops the flock
            self._handle = None

    def __del__(self) -> None:
        self.release()


def pin(path: Path) -> _Pin | None:
    """Hold a reader's shared lock on the version at ``path``; None if it is gone."""
    try:
        handle = open(path / _READERS, "rb")  # noqa: SIM115 (held by the pin)
    except OSError:
        return None
    fcntl.flock(handle, fcntl.LOCK_SH)
    if not (path / _MANIFEST).exists():  # removed between open() and flock()
        handle.close()
        return None
    return _Pin(handle)


@dataclass(frozen=True)
class StoreVersion:
    """A published version of a store, pinned for as long as this object lives."""

    root: Path
    path: Path
    header: dict[str, Any]  # format, base, fingerprint, triples (see _HEADER)
    _pin: _Pin | None = field(default=None, repr=False, compare=False)

    @property
    def base(self) -> str:
        """The base IRI the version was built with."""
        return str(self.header["base"])

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """What was built (base IRI, sources, graphs, counts), read on first use.

        :raises StoreError: if it cannot be read.
        """
        return _read_json(self.root, self.path / _MANIFEST)

    @property
    def oxigraph_path(self) -> Path:
        return self.path / "oxigraph"

    def open(self) -> Store:
        """Open the version read-only.

        :raises StoreError: if the oxigraph files cannot be opened.
        """
        try:
            return Store.read_only(str(self.oxigraph_path))
        except OSError as exc:
            raise StoreError(f"{self.root}: cannot open the store: {exc}") from None

    def release(self) -> None:
        """Let a build remove this version (readers normally just drop the object)."""
        if self._pin is not None:
            self._pin.release()

    def graph_names(self) -> list[str]:
        """Every graph the version books: the sources, the gazetteer, the ontology."""
        return list(self.manifest.get("graphs", ()))

    def ledger(self, name: str) -> tuple[list[str], bytes]:
        """The bookkeeping of one booked graph: its owned subjects (IRIs) and its shared
        triples (N-Triples, one a line).

        :raises StoreError: if the version books no graph of that name.
        """
        ledger = self.path / _LEDGER / _ledger_name(name)
        if name not in self.manifest.get("graphs", ()) or not ledger.exists():
            raise StoreError(f"{self.root}: no graph {name} in the store")
        return _read_ledger(ledger)

    def graph_triples(self, name: str, store: Store | None = None) -> list[Triple]:
        """The triples of one booked graph, assembled from its ledger and the store.

        :raises StoreError: if the version books no graph of that name.
        """
        subjects, shared = self.ledger(name)
        db = store if store is not None else self.open()
        out = [q.triple for s in subjects
               for q in db.quads_for_pattern(NamedNode(s), None, None, DefaultGraph())]  # fmt: skip
        out.extend(q.triple for q in parse(shared, RdfFormat.N_TRIPLES))
        return out

    def for_query(
        self,
        store: Store,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union_alias: str | None = None,
    ) -> tuple[Store, dict[str, Any]]:
        """The store to run query ``text`` on, and the dataset arguments for
        ``Store.query``.

        A query sees the store's default graph, every fact once. One that names graphs,
        in its text (``FROM``, ``FROM NAMED``, ``GRAPH``) or through the SPARQL
        Protocol's ``default-graph-uri`` / ``named-graph-uri`` (``default_graphs``,
        ``named_graphs``), runs on the dataset of the booked graphs it names (all of
        them for ``GRAPH ?g``), assembled in memory from the bookkeeping: see
        :meth:`dataset`. ``union_alias`` (the graph ``cmsgraph publish`` writes the
        whole store to) names the store's default graph.
        """
        from ._sparql_scan import named_graphs as graphs_in
        from ._sparql_scan import scan_query

        if default_graphs is None and named_graphs is None:
            if not scan_query(text).names_graphs:
                return store, {}  # the usual case: no need to read the manifest
            booked = self.graph_names()
            iris, any_graph = graphs_in(text)
            wanted = booked if any_graph else [g for g in booked if g in iris]
            return self.dataset(wanted, store), {}
        default, named = list(default_graphs or ()), list(named_graphs or ())
        if named == [] and default and set(default) == {union_alias}:
            return store, {}  # the whole store, as published
        booked = self.graph_names()
        wanted = (
            booked if union_alias in default else [g for g in booked if g in {*default, *named}]
        )
        memory = self.dataset(wanted, store)
        kwargs: dict[str, Any] = {
            "default_graph": [
                DefaultGraph() if g == union_alias else NamedNode(g) for g in default
            ],
            "named_graphs": [NamedNode(g) for g in named],
        }
        return memory, kwargs

    def dataset(self, names: Iterable[str], store: Store | None = None) -> Store:
        """An in-memory store holding the graphs ``names`` as named graphs, and their
        union as its default graph: the dataset for a query that names graphs."""
        db = store if store is not None else self.open()
        out = Store()
        for name in names:
            graph = NamedNode(name)
            triples = self.graph_triples(name, db)
            out.extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            out.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
        return out


def open_current(root: str | Path) -> StoreVersion:
    """The version ``current`` points to, pinned (see :class:`StoreVersion`).

    :raises StoreError: if there is no built store at ``root``.
    """
    root = Path(root)
    current = root / "current"
    for _attempt in range(50):
        if not current.exists():
            break
        version = open_version(current.resolve())
        if version is not None:
            return version
        # a build swapped ``current`` and removed that version meanwhile: look again
    raise StoreError(f"{root}: no store here (run 'cmsgraph build' first, or pass --store DIR)")


def open_version(path: str | Path) -> StoreVersion | None:
    """The published version at ``path`` (``STORE/versions/v...``), pinned; None if a
    build has removed it.

    :raises StoreError: if its manifest cannot be read or it has an older layout.
    """
    path = Path(path)
    root = path.parent.parent
    held = pin(path)
    if held is None:
        return None
    try:  # a version written before version.json was: its manifest holds the same
        header = _read_json(root, path / (_HEADER if (path / _HEADER).exists() else _MANIFEST))
    except StoreError:
        held.release()
        raise
    if header.get("format", 0) < FORMAT:
        held.release()
        raise StoreError(
            f"{root}: the store was built by an older cmsgraph in another layout; "
            "run 'cmsgraph build' again"
        )
    return StoreVersion(root, path, header, held)


def _read_json(root: Path, path: Path) -> dict[str, Any]:
    """:raises StoreError: if ``path`` cannot be read as a JSON object."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{root}: the store's manifest cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise StoreError(f"{root}: the store's manifest cannot be read: not a JSON object")
    return data


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the store's build lock, or refuse at once if another build holds it.

    :raises StoreError: if another process is building into ``root``.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / ".lock", "a+")  # noqa: SIM115 (held for the whole block)
    except OSError as exc:
        raise StoreError(f"{root}: cannot create the store directory: {exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreError(
                f"{root}: another build is writing this store ({holder}); "
                "wait for it to finish and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


class StagedVersion:
    """A new version being written next to ``current``; see :func:`staged_version`."""

    def __init__(self, root: Path, base_version: StoreVersion | None) -> None:
        self.root = root
        self.name = f"v{time.time_ns()}"
        self.path = root / "versions" / f"{self.name}.partial"
        (self.path / _LEDGER).mkdir(parents=True)
        self.graphs: dict[str, None] = {}  # booked graph names, in order
        self.owned_triples = 0
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        if base_version is None:
            self.refcounts: dict[bytes, int] = {}
            self._store: Store | None = Store(str(self.path / "oxigraph"))
            self._fresh = True
            return
        self._fresh = False
        self._base = base_version
        base_version.open().backup(str(self.path / "oxigraph"))  # hard links: no copy
        self._store = Store(str(self.path / "oxigraph"))
        with open(base_version.path / _REFCOUNTS, "rb") as f:
            import pickle  # here: a reader never needs it (nor hashlib)

            self.refcounts, self.owned_triples = pickle.load(f)
        self.graphs = dict.fromkeys(base_version.manifest["graphs"])
        for graph in self.graphs:  # kept graphs: their ledgers are linked, not copied
            name = _ledger_name(graph)
            os.link(base_version.path / _LEDGER / name, self.path / _LEDGER / name)

    @property
    def store(self) -> Store:
        assert self._store is not None
        return self._store

    def add(self, graph: SourceGraph) -> None:
        """Book a graph and queue its triples for loading (loaded in big batches)."""
        if graph.name in self.graphs:
            raise StoreError(f"{self.root}: graph {graph.name} is already in the store")
        self.graphs[graph.name] = None
        (self.path / _LEDGER / _ledger_name(graph.name)).write_bytes(graph.ledger)
        self.owned_triples += graph.owned_count
        counts = self.refcounts
        keys = graph.shared_keys
        for i in range(0, len(keys), 16):
            key = keys[i : i + 16]
            counts[key] = counts.get(key, 0) + 1
        self._queue(graph.owned)
        self._queue(graph.shared)

    def remove(self, name: str) -> None:
        """Remove a booked graph: its owned subjects' triples, and the shared triples no
        other graph states. Call before adding anything in this version."""
        ledger = self.path / _LEDGER / _ledger_name(name)
        if name not in self.graphs:
            raise StoreError(f"{self.root}: no graph {name} in the store")
        subjects, shared = _read_ledger(ledger)
        store = self.store
        for subject in subjects:
            quads = list(store.quads_for_pattern(NamedNode(subject), None, None, DefaultGraph()))
            self.owned_triples -= len(quads)
            for quad in quads:
                store.remove(quad)
        gone = []
        for line in shared.splitlines():
            key = triple_key(line)
            left = self.refcounts[key] - 1
            if left:
                self.refcounts[key] = left
            else:
                del self.refcounts[key]
                gone.append(line)
        for quad in parse(b"\n".join(gone), RdfFormat.N_TRIPLES):  # in the default graph
            store.remove(quad)
        ledger.unlink()
        del self.graphs[name]

    def _queue(self, ntriples: bytes) -> None:
        if ntriples:
            self._pending.append(ntriples)
            self._pending_bytes += len(ntriples)
            if self._pending_bytes >= _LOAD_BYTES:
                self.flush_pending()

    def flush_pending(self) -> None:
        """Load what is queued (the GIL is released while it loads)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        if self._fresh or len(data) >= _SMALL_LOAD:
            self.store.bulk_load(data, format=RdfFormat.N_TRIPLES, lenient=True)
        else:  # a few sources into an existing store: no tiny files for RocksDB to merge
            self.store.load(data, format=RdfFormat.N_TRIPLES)

    @property
    def triples(self) -> int:
        """Triples in the version: every owned one, and each shared one once."""
        return self.owned_triples + len(self.refcounts)

    def publish(self, manifest: dict[str, Any]) -> StoreVersion:
        """Complete the version (with ``manifest``, its ``graphs`` and ``triples``) and
        swap it in."""
        self.flush_pending()
        store = self.store
        store.flush()
        if self._fresh:
            store.optimize()  # compacts the bulk-loaded files; a patch leaves them be
        manifest = {**manifest, "format": FORMAT, "graphs": list(self.graphs),
                    "triples": self.triples}  # fmt: skip
        self._store = None  # closes it
        with open(self.path / _REFCOUNTS, "wb") as f:
            import pickle

            pickle.dump((self.refcounts, self.owned_triples), f, protocol=pickle.HIGHEST_PROTOCOL)
        (self.path / _READERS).touch()
        header = {k: manifest[k] for k in ("format", "base", "fingerprint", "triples")}
        for name, data in ((_HEADER, header), (_MANIFEST, manifest)):  # the manifest last:
            (self.path / name).write_text(  # a version without one is not finished
                json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
            )
        versions = self.root / "versions"
        self.path.rename(versions / self.name)
        _fsync_dir(versions)
        link = self.root / f".current.{self.name}"
        link.symlink_to(Path("versions") / self.name)
        os.replace(link, self.root / "current")  # the atomic swap
        _fsync_dir(self.root)
        published = open_current(self.root)
        remove_stale(self.root)
        return published


@contextlib.contextmanager
def staged_version(
    root: str | Path, *, base_version: StoreVersion | None = None
) -> Iterator[StagedVersion]:
    """Write a new version: empty, or a checkpoint of ``base_version`` (hard links, fast)
    with its bookkeeping. Nothing is visible until :meth:`StagedVersion.publish`; if
    the block raises, the partial version is removed. Call under :func:`build_lock`.

    :raises StoreError: if the store cannot be written.
    """
    root = Path(root)
    staged: StagedVersion | None = None
    try:
        staged = StagedVersion(root, base_version)
        yield staged
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"{root}: cannot write the store: {exc}") from None
    finally:
        if staged is not None and staged.path.exists():
            staged._store = None
            shutil.rmtree(staged.path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale(root: Path) -> list[Path]:
    """Remove the versions ``current`` no longer points to and no reader holds, and
    leftovers of killed builds; return those still held by readers.

    Call under the build lock (a partial version may otherwise be a running build's).
    """
    current = (root / "current").resolve()
    held: list[Path] = []
    versions = root / "versions"
    if not versions.is_dir():
        return held
    for child in versions.iterdir():
        if child == current:
            continue
        try:
            handle = open(child / _READERS, "rb")  # noqa: SIM115
        except OSError:  # a partial version, or one whose removal was cut short
            shutil.rmtree(child, ignore_errors=True)
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(child)
                continue
            with contextlib.suppress(OSError):
                (child / _MANIFEST).unlink()  # first: a reader that pins it later retries
            shutil.rmtree(child, ignore_errors=True)
    for child in root.glob(".current.*"):
        with contextlib.suppress(OSError):
            child.unlink()
    return held
