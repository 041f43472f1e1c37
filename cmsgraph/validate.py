"""SHACL validation of built graphs against ``ontology/shapes.ttl``.

Two engines check the same shapes:

* ``"sparql"`` (the default): the shapes are compiled once into SPARQL queries, one
  per constraint, and run on an in-memory pyoxigraph store holding the graph, the
  ontology (for ``rdfs:subClassOf`` in ``sh:class``) and the gazetteer entities it
  links to. It implements the part of SHACL Core the shapes use —
  `targets <https://www.w3.org/TR/shacl/#targets>`_ by ``sh:targetClass`` and
  property shapes with a predicate path and the
  `constraint components <https://www.w3.org/TR/shacl/#core-components>`_
  ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``,
  ``sh:minInclusive``, ``sh:minLength``, ``sh:pattern``, ``sh:in`` and ``sh:or`` of
  ``sh:class`` — and refuses shapes that use anything else, so a shape it cannot
  check never passes silently. It costs milliseconds per source.
* ``"pyshacl"``: the reference implementation, a few hundred milliseconds per source.
  The tests check that both engines report the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from . import namespaces as ns
from ._resources import ontology_file
from .errors import CmsGraphError

__all__ = ["Violation", "compile_shapes", "validate"]

_SH = ns.SH
_SUPPORTED = {
    _SH + p
    for p in (
        "path", "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive",
        "minLength", "pattern", "in", "or", "severity", "message", "name", "description",
    )
}  # fmt: skip
_NODE_SHAPE_KEYS = {ns.RDF + "type", _SH + "targetClass", _SH + "property"}


@dataclass(frozen=True, slots=True)
class Violation:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Check:
    severity: str
    path: str
    message: str
    query: str  # SELECT ?focus ... : one row per violating focus node (and value)


def _term(term: NamedNode | Literal | BlankNode) -> str:
    from .results import sparql_term

    return sparql_term(term)


def _objects(shapes: Store, subject: NamedNode | BlankNode, predicate: str) -> list:
    return [q.object for q in shapes.quads_for_pattern(subject, NamedNode(predicate), None)]


def _one(shapes: Store, subject: NamedNode | BlankNode, predicate: str):  # type: ignore[no-untyped-def]
    values = _objects(shapes, subject, predicate)
    return values[0] if values else None


def _list(shapes: Store, head: NamedNode | BlankNode) -> list:
    items = []
    while head != NamedNode(ns.RDF + "nil"):
        items.append(_one(shapes, head, ns.RDF + "first"))
        head = _one(shapes, head, ns.RDF + "rest")
    return items


def _instance_of(var: str, cls: str) -> str:
    return f"{var} <{ns.RDF}type>/<{ns.RDFS}subClassOf>* <{cls}>"


@cache
def compile_shapes() -> tuple[_Check, ...]:
    """Compile ``shapes.ttl`` into SPARQL checks.

    :raises CmsGraphError: if a shape uses SHACL features this engine does not check.
    """
    shapes = Store()
    shapes.extend(parse(ontology_file("shapes.ttl").read_bytes(), RdfFormat.TURTLE))
    checks: list[_Check] = []
    node_shapes = {q.subject for q in shapes.quads_for_pattern(
        None, NamedNode(ns.RDF + "type"), NamedNode(_SH + "NodeShape"))}  # fmt: skip
    for node_shape in sorted(node_shapes, key=str):
        extra = {q.predicate.value for q in shapes.quads_for_pattern(node_shape, None, None)}
        if extra - _NODE_SHAPE_KEYS:
            unsupported = sorted(extra - _NODE_SHAPE_KEYS)
            raise CmsGraphError(f"shapes.ttl: {node_shape}: unsupported {unsupported}")
        targets = [c.value for c in _objects(shapes, node_shape, _SH + "targetClass")]
        for prop in _objects(shapes, node_shape, _SH + "property"):
            for target in targets:
                checks.extend(_property_checks(shapes, prop, target))
    return tuple(checks)


def _property_checks(shapes: Store, prop: BlankNode | NamedNode, target: str) -> list[_Check]:
    keys = {q.predicate.value for q in shapes.quads_for_pattern(prop, None, None)}
    if keys - _SUPPORTED:
        unsupported = sorted(keys - _SUPPORTED)
        raise CmsGraphError(f"shapes.ttl: property shape on {target}: unsupported {unsupported}")
    path = _one(shapes, prop, _SH + "path")
    if not isinstance(path, NamedNode):
        raise CmsGraphError(f"shapes.ttl: property shape on {target}: only predicate paths")
    severity_node = _one(shapes, prop, _SH + "severity")
    severity = severity_node.value.rsplit("#", 1)[1] if severity_node else "Violation"
    custom = _one(shapes, prop, _SH + "message")
    focus = _instance_of("?focus", target)
    p = f"<{path.value}>"
    out: list[_Check] = []

    def add(message: str, query: str) -> None:
        out.append(_Check(severity, path.value, custom.value if custom else message, query))

    def value_filter(message: str, condition: str) -> None:
        add(
            message,
            f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} . ?focus {p} ?value . "
            f"FILTER ({condition}) }}",
        )

    if (n := _one(shapes, prop, _SH + "minCount")) is not None:
        add(
            f"fewer than {n.value} values",
            f"SELECT ?focus WHERE {{ {{ SELECT DISTINCT ?focus WHERE {{ {focus} }} }} "
            f"OPTIONAL {{ ?focus {p} ?value }} }} GROUP BY ?focus "
            f"HAVING (COUNT(DISTINCT ?value) < {int(n.value)})",
        )
    if (n := _one(shapes, prop, _SH + "maxCount")) is not None:
        add(
            f"more than {n.value} values",
            f"SELECT ?focus WHERE {{ {focus} . ?focus {p} ?value }} GROUP BY ?focus "
            f"HAVING (COUNT(DISTINCT ?value) > {int(n.value)})",
        )
    if (d := _one(shapes, prop, _SH + "datatype")) is not None:
        value_filter(
            f"value is not of datatype {d.value}",
            f"!isLiteral(?value) || datatype(?value) != <{d.value}>",
        )
    if (c := _one(shapes, prop, _SH + "class")) is not None:
        add(
            f"value is not an instance of {c.value}",
            f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} . ?focus {p} ?value . "
            f"FILTER NOT EXISTS {{ {_instance_of('?value', c.value)} }} }}",
        )
    if (k := _one(shapes, prop, _SH + "nodeKind")) is not None:
        tests = {"IRI": "isIRI(?value)", "Literal": "isLiteral(?value)",
                 "BlankNode": "isBlank(?value)"}  # fmt: skip
        kind = k.value.rsplit("#", 1)[1]
        if kind not in tests:
            raise CmsGraphError(f"shapes.ttl: sh:nodeKind sh:{kind} is not supported")
        value_filter(f"value is not a {kind}", f"!{tests[kind]}")
    if (m := _one(shapes, prop, _SH + "minInclusive")) is not None:
        value_filter(f"value is less than {m.value}", f"!(?value >= {_term(m)})")
    if (m := _one(shapes, prop, _SH + "minLength")) is not None:
        value_filter(
            f"value is shorter than {m.value}",
            f"isBlank(?value) || STRLEN(STR(?value)) < {int(m.value)}",
        )
    if (r := _one(shapes, prop, _SH + "pattern")) is not None:
        value_filter(
            f"value does not match {r.value!r}",
            f"isBlank(?value) || !REGEX(STR(?value), {_term(r)})",
        )
    if (head := _one(shapes, prop, _SH + "in")) is not None:
        allowed = ", ".join(_term(t) for t in _list(shapes, head))
        value_filter(f"value is not one of {allowed}", f"?value NOT IN ({allowed})")
    if (head := _one(shapes, prop, _SH + "or")) is not None:
        alternatives = []
        for member in _list(shapes, head):
            member_keys = {q.predicate.value for q in shapes.quads_for_pattern(member, None, None)}
            cls = _one(shapes, member, _SH + "class")
            if member_keys != {_SH + "class"} or cls is None:
                raise CmsGraphError("shapes.ttl: sh:or supports only alternatives of sh:class")
            alternatives.append(f"FILTER NOT EXISTS {{ {_instance_of('?value', cls.value)} }}")
        add(
            "value conforms to none of the alternatives of sh:or",
            f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} . ?focus {p} ?value . "
            f"{' '.join(alternatives)} }}",
        )
    return out


@cache
def _ontology_triples() -> tuple:
    return tuple(parse(ontology_file("cmsgraph.ttl").read_bytes(), RdfFormat.TURTLE))


def validate(quads: Iterable[Quad], *, engine: str = "sparql") -> list[Violation]:
    """Validate the triples of ``quads`` (graph names ignored); return every result.

    Results of severity ``Violation`` mean the graph must not be written.

    :raises CmsGraphError: if the shapes use features the engine cannot check.
    """
    if engine == "pyshacl":
        return _validate_pyshacl(quads)
    if engine != "sparql":
        raise CmsGraphError(f"unknown validation engine {engine!r}; 'sparql' or 'pyshacl'")
    checks = compile_shapes()
    store = Store()
    store.extend(Quad(q.subject, q.predicate, q.object) for q in quads)
    store.extend(Quad(t.subject, t.predicate, t.object) for t in _ontology_triples())
    results: set[Violation] = set()
    for check in checks:
        for row in store.query(check.query):
            results.add(Violation(check.severity, row["focus"].value, check.path, check.message))
    return sorted(results, key=lambda v: (v.severity, v.focus, v.path or "", v.message))


def _validate_pyshacl(quads: Iterable[Quad]) -> list[Violation]:
    import rdflib
    from pyshacl import validate as shacl_validate

    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=data, format="nt")
    shapes = rdflib.Graph().parse(data=ontology_file("shapes.ttl").read_bytes(), format="turtle")
    ontology = rdflib.Graph().parse(
        data=ontology_file("cmsgraph.ttl").read_bytes(), format="turtle"
    )
    _conforms, report, _text = shacl_validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    sh = rdflib.Namespace(_SH)
    out: set[Violation] = set()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        path = report.value(result, sh.resultPath)
        out.add(
            Violation(
                severity=severity,
                focus=str(report.value(result, sh.focusNode)),
                path=str(path) if path is not None else None,
                message=str(report.value(result, sh.resultMessage) or "violates a shape"),
            )
        )
    return sorted(out, key=lambda v: (v.severity, v.focus, v.path or "", v.message))


def summarise(results: Sequence[Violation]) -> set[tuple[str, str, str | None]]:
    """(severity, focus, path) of each result: what both engines must agree on."""
    return {(r.severity, r.focus, r.path) for r in results}
