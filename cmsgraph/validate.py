"""SHACL validation of a built graph against ``ontology/shapes.ttl`` (pySHACL).

Each source graph is validated together with the gazetteer graph (where the types
of the entities it links to are stated) and the ontology (for subclass reasoning
of ``sh:class``), so validation cost grows with one source, not with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pyoxigraph import Quad, RdfFormat, serialize

from ._resources import ontology_file

__all__ = ["Violation", "validate"]


@dataclass(frozen=True, slots=True)
class Violation:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        return f"{where}: {self.message}"


@cache
def _shapes_and_ontology() -> tuple[object, object]:
    import rdflib

    shapes = rdflib.Graph().parse(
        data=ontology_file("shapes.ttl").read_text("utf-8"), format="turtle"
    )
    ontology = rdflib.Graph().parse(
        data=ontology_file("cmsgraph.ttl").read_text("utf-8"), format="turtle"
    )
    return shapes, ontology


def validate(quads: Iterable[Quad]) -> list[Violation]:
    """Validate the triples of ``quads`` (graph names ignored); return every result.

    Results of severity ``Violation`` mean the graph must not be written.
    """
    import rdflib
    from pyshacl import validate as shacl_validate

    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=data, format="nt")
    shapes, ontology = _shapes_and_ontology()
    _conforms, results, _text = shacl_validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out: list[Violation] = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        path = results.value(result, SH.resultPath)
        out.append(
            Violation(
                severity=severity,
                focus=str(results.value(result, SH.focusNode)),
                path=str(path) if path is not None else None,
                message=str(results.value(result, SH.resultMessage) or "violates a shape"),
            )
        )
    return sorted(out, key=lambda v: (v.severity, v.focus, v.path or "", v.message))
