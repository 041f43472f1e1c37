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
    from .describe import void_description
    from .document import Document
    from .exporter import ExportResult, export
    from .gazetteer import Gazetteer, load_gazetteer
    from .history import Change, Comparison, Proposal, compare, read_matches, write_review
    from .kinds import classify
    from .link import link_report
    from .parse import parse_file, parse_text
    from .pipeline import BuildResult, build, remove
    from .readers import read_document
    from .remote import PublishResult, publish
    from .results import ResultTable, write_results
    from .server import Server, make_server, serve
    from .sparql import NamedQuery, named_queries, query
    from .viz import SiteResult, network_graph, to_pyvis, write_site

__all__ = [
    "BuildResult",
    "Change",
    "CmsGraphError",
    "Comparison",
    "Document",
    "ExportResult",
    "Gazetteer",
    "InputError",
    "NamedQuery",
    "Proposal",
    "PublishResult",
    "QueryError",
    "RemoteError",
    "ResultTable",
    "Server",
    "SiteResult",
    "StoreError",
    "ValidationError",
    "build",
    "classify",
    "compare",
    "export",
    "link_report",
    "load_gazetteer",
    "make_server",
    "named_queries",
    "network_graph",
    "parse_file",
    "parse_text",
    "publish",
    "query",
    "read_document",
    "read_matches",
    "remove",
    "serve",
    "to_pyvis",
    "void_description",
    "write_results",
    "write_review",
    "write_site",
]

_LAZY = {
    "BuildResult": "pipeline",
    "build": "pipeline",
    "remove": "pipeline",
    "Gazetteer": "gazetteer",
    "load_gazetteer": "gazetteer",
    "link_report": "link",
    "parse_file": "parse",
    "read_document": "readers",
    "classify": "kinds",
    "Document": "document",
    "parse_text": "parse",
    "NamedQuery": "sparql",
    "named_queries": "sparql",
    "query": "sparql",
    "ResultTable": "results",
    "write_results": "results",
    "Server": "server",
    "make_server": "server",
    "serve": "server",
    "PublishResult": "remote",
    "publish": "remote",
    "ExportResult": "exporter",
    "export": "exporter",
    "void_description": "describe",
    "SiteResult": "viz",
    "network_graph": "viz",
    "to_pyvis": "viz",
    "write_site": "viz",
    "Change": "history",
    "Comparison": "history",
    "Proposal": "history",
    "compare": "history",
    "read_matches": "history",
    "write_review": "history",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name == "__version__":
        from importlib.metadata import version

        return version("cmsgraph")
    raise AttributeError(f"module 'cmsgraph' has no attribute {name!r}")
