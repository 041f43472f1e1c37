"""Access to the files that ship inside the package (ontology, queries, data).

They live at the top of the repository and are mapped into the package by
``pyproject.toml`` (``cmsgraph.ontology`` -> ``ontology/`` ...), so they are read the
same way from a wheel, an editable install or a source checkout.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["bundled_sources", "data_file", "ontology_file", "query_dir"]


def ontology_file(name: str) -> Traversable:
    return files("cmsgraph.ontology") / name


def query_dir() -> Traversable:
    return files("cmsgraph.queries")


def data_file(name: str) -> Traversable:
    return files("cmsgraph.data") / name


def bundled_sources() -> list[Traversable]:
    """The source documents bundled with the package, sorted by name."""
    folder = files("cmsgraph.data.sources")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
