"""cmsgraph: CMS Family activity reports as a queryable, publishable RDF knowledge graph.

The public API is small and typed; the command line calls it and nothing else::

    >>> import cmsgraph
    >>> result = cmsgraph.build(store="/tmp/store")          # doctest: +SKIP
    >>> cmsgraph.query("funders", store="/tmp/store").values()[:1]  # doctest: +SKIP
    [('3.1', 'UNEP Regional Office for Europe')]

Importing the package does no work: names are loaded on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    CmsGraphError,
    InputError,
    QueryError,
    RemoteError,
    StoreError,
    ValidationError,
)

if TYPE_CHECKING:
    from .gazetteer import Gazetteer, load_gazetteer
    from .link import link_report
    from .parse import parse_file, parse_text
    from .pipeline import BuildResult, build, remove
    from .results import ResultTable
    from .sparql import NamedQuery, named_queries, query

__all__ = [
    "BuildResult",
    "CmsGraphError",
    "Gazetteer",
    "InputError",
    "NamedQuery",
    "QueryError",
    "RemoteError",
    "ResultTable",
    "StoreError",
    "ValidationError",
    "build",
    "link_report",
    "load_gazetteer",
    "named_queries",
    "parse_file",
    "parse_text",
    "query",
    "remove",
]

_LAZY = {
    "BuildResult": "pipeline",
    "build": "pipeline",
    "remove": "pipeline",
    "Gazetteer": "gazetteer",
    "load_gazetteer": "gazetteer",
    "link_report": "link",
    "parse_file": "parse",
    "parse_text": "parse",
    "NamedQuery": "sparql",
    "named_queries": "sparql",
    "query": "sparql",
    "ResultTable": "results",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name == "__version__":
        from importlib.metadata import version

        return version("cmsgraph")
    raise AttributeError(f"module 'cmsgraph' has no attribute {name!r}")
