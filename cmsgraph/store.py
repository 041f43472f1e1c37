"""The embedded on-disk store: immutable versions swapped in atomically.

Layout of a store directory::

    STORE/
      current -> versions/v...   symlink to the version readers open (swapped with rename(2))
      versions/v.../oxigraph/    the pyoxigraph (RocksDB) store of that version
      versions/v.../manifest.json  what was built: base IRI, sources and their hashes,
                                   counts, warnings, not-linked names
      .lock                      held (flock) by the build writing a new version

A build writes a new version next to the current one and only when everything
succeeded points ``current`` at it; a failed or killed build leaves ``current`` as
it was. Published versions are never written again, so readers open them read-only
while a build runs, and a second build started at the same time is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, Store

from .errors import StoreError

__all__ = [
    "StagedVersion",
    "StoreVersion",
    "default_store_dir",
    "open_current",
    "staged_version",
    "write_version",
]

_MANIFEST = "manifest.json"


def default_store_dir() -> Path:
    """``$CMSGRAPH_STORE``, else ``$XDG_DATA_HOME/cmsgraph/store`` (~/.local/share/...)."""
    if env := os.environ.get("CMSGRAPH_STORE"):
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cmsgraph" / "store"


@dataclass(frozen=True)
class StoreVersion:
    """A published version of a store: its oxigraph directory and its manifest."""

    root: Path
    path: Path
    manifest: dict[str, Any]

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


def open_current(root: str | Path) -> StoreVersion:
    """The version ``current`` points to.

    :raises StoreError: if there is no built store at ``root``.
    """
    root = Path(root)
    current = root / "current"
    if not current.exists():
        raise StoreError(f"{root}: no store here (run 'cmsgraph build' first, or pass --store DIR)")
    path = current.resolve()
    try:
        manifest = json.loads((path / _MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{root}: the store's manifest cannot be read: {exc}") from None
    return StoreVersion(root, path, manifest)


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

    def __init__(
        self, root: Path, base_version: StoreVersion | None, drop_graphs: Iterable[str]
    ) -> None:
        self.root = root
        self.name = f"v{time.time_ns()}"
        self.path = root / "versions" / f"{self.name}.partial"
        self.path.mkdir(parents=True)
        if base_version is not None:
            base_version.open().backup(str(self.path / "oxigraph"))
        self._store: Store | None = Store(str(self.path / "oxigraph"))
        for graph in drop_graphs:
            self._store.remove_graph(NamedNode(graph))

    def load(self, nquads: bytes) -> None:
        """Bulk-load a chunk of N-Quads (the GIL is released while it loads)."""
        assert self._store is not None
        if nquads:
            self._store.bulk_load(nquads, format=RdfFormat.N_QUADS)

    def publish(self, manifest: dict[str, Any]) -> StoreVersion:
        """Complete the version (with ``manifest`` plus its ``triples``) and swap it in."""
        assert self._store is not None
        self._store.flush()
        self._store.optimize()
        manifest = {**manifest, "triples": len(self._store)}
        self._store = None  # closes it
        (self.path / _MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
        )
        versions = self.root / "versions"
        self.path.rename(versions / self.name)
        _fsync_dir(versions)
        link = self.root / f".current.{self.name}"
        link.symlink_to(Path("versions") / self.name)
        os.replace(link, self.root / "current")  # the atomic swap
        _fsync_dir(self.root)
        _remove_stale(self.root, keep=self.name)
        return open_current(self.root)


@contextlib.contextmanager
def staged_version(
    root: str | Path,
    *,
    base_version: StoreVersion | None = None,
    drop_graphs: Iterable[str] = (),
) -> Iterator[StagedVersion]:
    """Write a new version: empty, or a checkpoint of ``base_version`` (hard links, fast)
    minus ``drop_graphs``. Nothing is visible until :meth:`StagedVersion.publish`; if the
    block raises, the partial version is removed. Call under :func:`build_lock`.

    :raises StoreError: if the store cannot be written.
    """
    root = Path(root)
    staged: StagedVersion | None = None
    try:
        staged = StagedVersion(root, base_version, drop_graphs)
        yield staged
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"{root}: cannot write the store: {exc}") from None
    finally:
        if staged is not None and staged.path.exists():
            staged._store = None
            shutil.rmtree(staged.path, ignore_errors=True)


def write_version(
    root: str | Path,
    nquads: Iterable[bytes],
    manifest: dict[str, Any],
    *,
    base_version: StoreVersion | None = None,
    drop_graphs: Iterable[str] = (),
) -> StoreVersion:
    """Write a whole new version from N-Quads chunks and publish it (see staged_version)."""
    with staged_version(root, base_version=base_version, drop_graphs=drop_graphs) as staged:
        for chunk in nquads:
            staged.load(chunk)
        return staged.publish(manifest)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale(root: Path, keep: str) -> None:
    """Remove versions other than ``keep`` and leftovers of killed builds."""
    for child in (root / "versions").iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
    for child in root.glob(".current.*"):
        with contextlib.suppress(OSError):
            child.unlink()
