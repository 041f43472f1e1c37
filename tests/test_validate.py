"""The fast SPARQL validation engine reports what pySHACL (the reference) reports."""

from __future__ import annotations

import pytest

from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.graph import entity_triples, report_triples
from cmsgraph.link import link_report
from cmsgraph.namespaces import CMSG, Iris
from cmsgraph.parse import parse_file
from cmsgraph.rdf import Lit, Statement
from cmsgraph.validate import compile_shapes, summarise, validate


@pytest.fixture(scope="module")
def graph(seed_path):
    gazetteer, iris = load_gazetteer(), Iris()
    return report_triples(link_report(parse_file(seed_path), gazetteer), gazetteer, iris) + (
        entity_triples(gazetteer, iris)
    )


def _entry(quads):
    return next(q.subject for q in quads if q.object == CMSG + "ReportEntry")


BREAKAGES = {
    "conforming": lambda q: q,
    "no periods": lambda q: [x for x in q if not x.predicate.endswith("#period")],
    "no notations": lambda q: [x for x in q if not x.predicate.endswith("#notation")],
    "two periods": lambda q: ([*q, Statement(_entry(q), CMSG + "period", "http://example.org/p")]),
    "funded by a document": lambda q: ([*q, Statement(_entry(q), CMSG + "fundedBy", _entry(q))]),
    "empty quote": lambda q: [
        Statement(x.subject, x.predicate, Lit("")) if x.predicate.endswith("Quote") else x
        for x in q
    ],
    "two quotes": lambda q: [
        *q,
        *(
            Statement(x.subject, x.predicate, Lit("again"))
            for x in q
            if x.predicate.endswith("Quote")
        ),
    ],
    "mention of no entry": lambda q: [
        Statement(x.subject, x.predicate, "http://example.org/nothing")
        if x.predicate.endswith("#subject")
        else x
        for x in q
    ],
    "line zero": lambda q: [
        Statement(x.subject, x.predicate, Lit("0", x.object.datatype))
        if x.predicate.endswith("sourceLine")
        else x
        for x in q
    ],
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_engines_agree(graph, breakage):
    quads = BREAKAGES[breakage](list(graph))
    fast = validate(quads)
    reference = validate(quads, engine="pyshacl")
    assert summarise(fast) == summarise(reference)
    assert bool([v for v in fast if v.severity == "Violation"]) == (breakage != "conforming")


def test_every_shape_compiles():
    assert len(compile_shapes()) > 50
