"""What the store says about one IRI, for the linked-data pages: the triples with it
as subject and as object (a symmetric bounded description), the graphs stating them,
labels, and whether a term has a page of its own.

The lowest layer of :mod:`cmsgraph._serve`: it reads the store and imports nothing
else of the server (:mod:`~cmsgraph._serve.pages` renders what it finds).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple

from .. import namespaces as ns
from ..store import StoreVersion

__all__ = ["LABEL_PREDICATES", "Facts", "facts", "known", "labeller"]

# What names a thing on its page, best first.
LABEL_PREDICATES = [
    NamedNode(ns.SKOS + "prefLabel"),
    NamedNode(ns.RDFS + "label"),
    NamedNode(ns.SCHEMA + "name"),
    NamedNode(ns.DCT + "title"),
    NamedNode(ns.FOAF + "name"),
    NamedNode(ns.SKOS + "notation"),
    NamedNode(ns.DCT + "identifier"),
]


def _triple_key(t: Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


@dataclass
class Facts:
    """What the store says about one IRI (each list sorted, each triple once)."""

    node: NamedNode
    outgoing: list[Triple]
    incoming: list[Triple]
    graphs: list[NamedNode]  # the graphs stating them
    graph_size: int | None  # it names a graph of that many quads (capped), or None
    predicate_uses: int  # triples using it as their property (capped)
    truncated: bool

    @property
    def found(self) -> bool:
        return bool(
            self.outgoing or self.incoming or self.graph_size is not None or self.predicate_uses
        )


def facts(store: Store, node: NamedNode, limit: int, version: StoreVersion | None = None) -> Facts:
    """The triples with ``node`` as subject and as object, at most ``limit`` each, and,
    when ``node`` names a graph ``version`` books, that graph's size."""
    graphs: set[NamedNode] = set()
    truncated = False

    def collect(quads: Iterable[Any]) -> list[Triple]:
        nonlocal truncated
        seen: set[Triple] = set()
        for quad in quads:
            if isinstance(quad.graph_name, NamedNode):
                graphs.add(quad.graph_name)
            seen.add(quad.triple)
            if len(seen) > limit:
                truncated = True
                seen.discard(quad.triple)
                break
        return sorted(seen, key=_triple_key)

    outgoing = collect(store.quads_for_pattern(node, None, None, None))
    incoming = collect(store.quads_for_pattern(None, None, node, None))
    graph_size = None
    if version is not None and node.value in version.graph_names():
        graph_size = min(len(version.graph_triples(node.value, store)), limit + 1)
    uses = _count(store.quads_for_pattern(None, node, None, None), limit)
    return Facts(node, outgoing, incoming, sorted(graphs, key=str), graph_size, uses, truncated)


def _count(items: Iterable[object], cap: int) -> int:
    return sum(1 for _ in itertools.islice(items, cap + 1))


def labeller(store: Store) -> Callable[[object], str | None]:
    """A cached ``term -> label`` (English or untagged first, then any), or None."""
    cache: dict[object, str | None] = {}

    def label(term: object) -> str | None:
        if not isinstance(term, NamedNode | BlankNode):
            return None
        if term not in cache:
            cache[term] = None
            for predicate in LABEL_PREDICATES:
                values = [
                    q.object
                    for q in store.quads_for_pattern(term, predicate, None, None)
                    if isinstance(q.object, Literal)
                ]
                if values:
                    preferred = [v for v in values if (v.language or "en").startswith("en")]
                    cache[term] = min(v.value for v in (preferred or values))
                    break
        return cache[term]

    return label


def known(store: Store, term: NamedNode, graphs: Collection[str] = ()) -> bool:
    """Whether the store says anything about ``term`` (it has a page of its own), or
    ``term`` names one of the booked ``graphs``."""
    return (
        next(iter(store.quads_for_pattern(term, None, None, None)), None) is not None
        or term.value in graphs
    )
