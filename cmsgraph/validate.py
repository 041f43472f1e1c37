"""SHACL validation of built graphs against ``ontology/shapes.ttl``.

Two engines check the same shapes:

* ``"compiled"`` (the default): the shapes are compiled once into constraint checks
  evaluated over an index of the graph, the ontology (for ``rdfs:subClassOf`` in
  ``sh:class``) and the gazetteer entities it links to. It implements the part of
  SHACL Core the shapes use —
  `targets <https://www.w3.org/TR/shacl/#targets>`_ by ``sh:targetClass`` and
  ``sh:targetSubjectsOf``, and
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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, parse

from . import namespaces as ns
from ._resources import ontology_file
from .errors import CmsGraphError
from .rdf import Lit, Statement, from_pyoxigraph, ntriples

__all__ = ["Violation", "compile_shapes", "validate"]

_SH = ns.SH
_SUPPORTED = {
    _SH + p
    for p in (
        "path", "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive",
        "minLength", "pattern", "in", "or", "severity", "message", "name", "description",
    )
}  # fmt: skip
_NODE_SHAPE_KEYS = {
    ns.RDF + "type", _SH + "targetClass", _SH + "targetSubjectsOf", _SH + "property"
}  # fmt: skip
_NODE_KINDS = {"IRI": str, "Literal": Lit}  # the data has no blank nodes
_RDF_TYPE = ns.RDF + "type"
Term = str | Lit  # an IRI or a literal (see cmsgraph.rdf)


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
    """One constraint component of one property shape, for one target class."""

    severity: str
    path: str
    message: str
    # Focus nodes (SHACL §2.1.3): instances of a class and its subclasses
    # ("class", classes), or the subjects of a predicate ("subjectsOf", {predicate}).
    target: tuple[str, frozenset[str]]
    kind: str  # minCount, maxCount, datatype, class, nodeKind, minInclusive, ...
    parameter: Any  # int, IRI, frozenset of IRIs or terms, compiled regex ...


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


@cache
def _subclasses() -> dict[str, frozenset[str]]:
    """Each class of the ontology with all its subclasses (reflexive, transitive)."""
    direct: dict[str, set[str]] = {}
    for t in _ontology_triples():
        if t.predicate == ns.RDFS + "subClassOf" and isinstance(t.object, str):
            direct.setdefault(t.object, set()).add(t.subject)
    closure: dict[str, frozenset[str]] = {}

    def walk(cls: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        found = {cls}
        for sub in direct.get(cls, ()):
            if sub not in seen:
                found |= walk(sub, seen | {cls})
        return frozenset(found)

    for cls in direct:
        closure[cls] = walk(cls)
    return closure


def _closure(cls: str) -> frozenset[str]:
    return _subclasses().get(cls, frozenset({cls}))


@cache
def compile_shapes() -> tuple[_Check, ...]:
    """Compile ``shapes.ttl`` into constraint checks.

    :raises CmsGraphError: if a shape uses SHACL features this engine does not check.
    """
    shapes = Store()
    shapes.extend(parse(ontology_file("shapes.ttl").read_bytes(), RdfFormat.TURTLE))
    checks: list[_Check] = []
    node_shapes: set[NamedNode | BlankNode] = {q.subject for q in shapes.quads_for_pattern(  # type: ignore[misc]
        None, NamedNode(ns.RDF + "type"), NamedNode(_SH + "NodeShape"))}  # fmt: skip
    for node_shape in sorted(node_shapes, key=str):
        extra = {q.predicate.value for q in shapes.quads_for_pattern(node_shape, None, None)}
        if extra - _NODE_SHAPE_KEYS:
            unsupported = sorted(extra - _NODE_SHAPE_KEYS)
            raise CmsGraphError(f"shapes.ttl: {node_shape}: unsupported {unsupported}")
        targets = [
            ("class", _closure(c.value)) for c in _objects(shapes, node_shape, _SH + "targetClass")
        ]
        targets += [("subjectsOf", frozenset({p.value}))
                    for p in _objects(shapes, node_shape, _SH + "targetSubjectsOf")]  # fmt: skip
        for prop in _objects(shapes, node_shape, _SH + "property"):
            for target in targets:
                checks.extend(_property_checks(shapes, prop, target))
    return tuple(checks)


def _property_checks(
    shapes: Store, prop: BlankNode | NamedNode, target: tuple[str, frozenset[str]]
) -> list[_Check]:
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
    out: list[_Check] = []

    def add(kind: str, parameter: Any, message: str) -> None:
        text = custom.value if custom else message
        out.append(_Check(severity, path.value, text, target, kind, parameter))

    if (n := _one(shapes, prop, _SH + "minCount")) is not None:
        add("minCount", int(n.value), f"fewer than {n.value} values")
    if (n := _one(shapes, prop, _SH + "maxCount")) is not None:
        add("maxCount", int(n.value), f"more than {n.value} values")
    if (d := _one(shapes, prop, _SH + "datatype")) is not None:
        add("datatype", d.value, f"value is not of datatype {d.value}")
    if (c := _one(shapes, prop, _SH + "class")) is not None:
        add("class", (_closure(c.value),), f"value is not an instance of {c.value}")
    if (k := _one(shapes, prop, _SH + "nodeKind")) is not None:
        kind = k.value.rsplit("#", 1)[1]
        if kind not in _NODE_KINDS:
            raise CmsGraphError(f"shapes.ttl: sh:nodeKind sh:{kind} is not supported")
        add("nodeKind", _NODE_KINDS[kind], f"value is not a {kind}")
    if (m := _one(shapes, prop, _SH + "minInclusive")) is not None:
        add("minInclusive", Decimal(m.value), f"value is less than {m.value}")
    if (m := _one(shapes, prop, _SH + "minLength")) is not None:
        add("minLength", int(m.value), f"value is shorter than {m.value}")
    if (r := _one(shapes, prop, _SH + "pattern")) is not None:
        add("pattern", re.compile(r.value), f"value does not match {r.value!r}")
    if (head := _one(shapes, prop, _SH + "in")) is not None:
        allowed = _list(shapes, head)
        terms = frozenset(
            Lit(t.value, t.datatype.value, t.language) if isinstance(t, Literal) else t.value
            for t in allowed
        )
        add("in", terms, f"value is not one of {', '.join(map(str, allowed))}")
    if (head := _one(shapes, prop, _SH + "or")) is not None:
        alternatives = []
        for member in _list(shapes, head):
            member_keys = {q.predicate.value for q in shapes.quads_for_pattern(member, None, None)}
            cls = _one(shapes, member, _SH + "class")
            if member_keys != {_SH + "class"} or cls is None:
                raise CmsGraphError("shapes.ttl: sh:or supports only alternatives of sh:class")
            alternatives.append(_closure(cls.value))
        add("class", tuple(alternatives), "value conforms to none of the alternatives of sh:or")
    return out


@cache
def _ontology_triples() -> tuple[Statement, ...]:
    data = ontology_file("cmsgraph.ttl").read_bytes()
    return tuple(from_pyoxigraph(t) for t in parse(data, RdfFormat.TURTLE))


_Index = tuple[dict[str, dict[str, list[Term]]], dict[str, set[str]]]


def _index(triples: Iterable[Statement]) -> _Index:
    """(values by subject and predicate, classes by subject) of ``triples``."""
    values: dict[str, dict[str, list[Term]]] = {}
    types: dict[str, set[str]] = {}
    for subject, predicate, obj in triples:
        by_predicate = values.get(subject)
        if by_predicate is None:
            by_predicate = values[subject] = {}
        found = by_predicate.get(predicate)
        if found is None:
            by_predicate[predicate] = [obj]
        else:
            found.append(obj)
        if predicate == _RDF_TYPE:
            held = types.get(subject)
            if held is None:
                types[subject] = {obj}  # type: ignore[arg-type]
            else:
                held.add(obj)  # type: ignore[arg-type]
    return values, types


@cache
def _ontology_index() -> _Index:
    return _index(_ontology_triples())


def validate(triples: Iterable[Statement], *, engine: str = "compiled") -> list[Violation]:
    """Validate ``triples``; return every result.

    The data is checked together with the ontology (pySHACL's ``ont_graph``): its
    classes type the values the data links to (``cmsg:CoreBudget`` is a
    ``skos:Concept``), and its terms are focus nodes like any other.

    Results of severity ``Violation`` mean the graph must not be written.

    :raises CmsGraphError: if the shapes use features the engine cannot check.
    """
    if engine == "pyshacl":
        return _validate_pyshacl(triples)
    if engine != "compiled":
        raise CmsGraphError(f"unknown validation engine {engine!r}; 'compiled' or 'pyshacl'")
    checks = compile_shapes()
    values, types = _index(triples)
    ontology_values, ontology_types = _ontology_index()
    for subject, held in ontology_types.items():  # the few typed terms of the ontology
        types[subject] = held | types.get(subject, set())
    for subject, by_predicate in ontology_values.items():
        if subject in values:
            merged = {**by_predicate}
            for predicate, objects in values[subject].items():
                merged[predicate] = merged.get(predicate, []) + objects
            values[subject] = merged
    results: set[Violation] = set()
    for target, (minimums, by_path) in _plan(checks).items():
        how, targets = target
        if how == "class":
            focus = [s for s, ts in types.items() if not ts.isdisjoint(targets)]
        else:
            focus = [
                s for s, vs in (*values.items(), *ontology_values.items())
                if not targets.isdisjoint(vs)
            ]  # fmt: skip
        for node in focus:
            node_values = values.get(node) or ontology_values.get(node) or {}
            for check in minimums:  # a value the node lacks: checked for every node
                if not _conforms(check, node_values.get(check.path, ()), types):
                    results.add(Violation(check.severity, node, check.path, check.message))
            for path, objects in node_values.items():  # the values it has: by their path
                for check in by_path.get(path, ()):
                    if not _conforms(check, objects, types):
                        results.add(Violation(check.severity, node, check.path, check.message))
    return sorted(results, key=lambda v: (v.severity, v.focus, v.path or "", v.message))


_Plan = dict[tuple[str, frozenset[str]], tuple[list[_Check], dict[str, list[_Check]]]]


@cache
def _plan(checks: tuple[_Check, ...]) -> _Plan:
    """The checks grouped by target: the ``sh:minCount`` ones, which every focus node
    must pass, and the others by path, which only the values a node has can fail; so
    a node costs as much as its data, not as many checks as the shapes hold."""
    plan: _Plan = {}
    for check in checks:
        minimums, by_path = plan.setdefault(check.target, ([], {}))
        if check.kind == "minCount":
            minimums.append(check)
        else:
            by_path.setdefault(check.path, []).append(check)
    return plan


def _conforms(check: _Check, objects: Sequence[Term], types: dict[str, set[str]]) -> bool:
    """Whether one focus node's values satisfy one constraint (SHACL Core section 4)."""
    kind, parameter = check.kind, check.parameter
    if kind == "minCount":  # distinct values; the lists rarely hold a value twice
        return len(objects) >= parameter and (parameter <= 1 or len(set(objects)) >= parameter)
    if kind == "maxCount":
        return len(objects) <= parameter or len(set(objects)) <= parameter
    if not objects:
        return True
    for value in objects:
        is_literal = isinstance(value, Lit)
        text: str = value.value if is_literal else value  # type: ignore[union-attr,assignment]
        if kind == "datatype":
            ok = is_literal and value.datatype == parameter  # type: ignore[union-attr]
        elif kind == "class":  # each alternative is a class with its subclasses
            held = set() if is_literal else types.get(text, set())
            ok = any(not held.isdisjoint(classes) for classes in parameter)
        elif kind == "nodeKind":
            ok = isinstance(value, parameter)
        elif kind == "minInclusive":
            number = _number(text) if is_literal else None
            ok = number is not None and number >= parameter
        elif kind == "minLength":
            ok = len(text) >= parameter
        elif kind == "pattern":
            ok = parameter.search(text) is not None
        elif kind == "in":
            ok = value in parameter
        else:
            raise CmsGraphError(f"unknown constraint {kind}")
        if not ok:
            return False
    return True


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _validate_pyshacl(triples: Iterable[Statement]) -> list[Violation]:
    import rdflib
    from pyshacl import validate as shacl_validate

    data = ntriples(triples)
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
