"""The named queries: what each answers on the bundled report (read by hand), and the
same rows as the same query on the same triples in one plain pyoxigraph graph, for many
reports that repeat one programme (issue 11)."""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from facts import (
    AREA_TITLES,
    MT,
    PROVENANCE_4_4,
    ROW_BUDGET_LINES,
    ROW_FUNDERS,
    ROW_INSTRUMENTS,
    ROW_PARTNERS,
    ST,
    C,
    code_pairs,
    expected_cited_documents,
    expected_document_references,
    expected_funders_by_activities,
    expected_instruments_sharing_partners,
    expected_subactivities,
)
from pyoxigraph import Literal, RdfFormat, Store, Variable

import cmsgraph
from cmsgraph.results import format_results
from cmsgraph.sparql import NamedQuery, named_queries, write_query_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_corpus import generate

Row = tuple[str | None, ...]
PARAMS = {"provenance": {"code": "4.4"}, "activity-history": {"code": "4.4"}}  # want a binding


def answer(store: Path, name: str, **params: str) -> list[Row]:
    """The rows of a named query, in order; a query never repeats a row."""
    table = cmsgraph.query(name, store=store, params=[f"{k}={v}" for k, v in params.items()])
    assert not isinstance(table, bool)
    rows = table.values()
    assert len(rows) == len(set(rows)), f"{name} repeats rows"
    return rows


def code_key(code: str | None) -> tuple[int, int]:
    """Codes sort as numbers: 4.2 before 4.10, 9.1 before 10.1."""
    area, _, number = (code or "").partition(".")
    return int(area), int(number)


def by_code(*labels: int) -> Callable[[Row], tuple[Any, ...]]:
    return lambda row: (code_key(row[0]), *(row[i] for i in labels))


def in_order(rows: Sequence[Row], key: Callable[[Row], Any]) -> bool:
    return list(rows) == sorted(rows, key=key)


def members(text: str | None) -> frozenset[str]:
    """The members of a GROUP_CONCAT, whose order no store promises."""
    return frozenset((text or "").split(", "))


def normal(rows: list[Row]) -> Counter[Row]:
    """Rows as a multiset, the members of each GROUP_CONCAT ("a, b", "a; b", "a | b")
    sorted."""

    def cell(value: str | None) -> str | None:
        for separator in (", ", "; ", " | "):
            if value and separator in value:
                value = separator.join(sorted(value.split(separator)))
        return value

    return Counter(tuple(cell(v) for v in row) for row in rows)


# --- what each named query answers on UNEP/CMS/COP11/Doc.16.1 --------------------------


def check_activities(rows: list[Row]) -> None:
    assert rows == [(n, AREA_TITLES[n]) for n in sorted(AREA_TITLES, key=int)]


def check_subactivities(rows: list[Row]) -> None:
    # 16.3 belongs to activity 16 by its number although activity 5's table reports it
    assert ("16.3", "16", ST) in rows
    assert rows == sorted(expected_subactivities(), key=by_code(2))


def check_document_references(rows: list[Row]) -> None:
    assert set(rows) == expected_document_references()
    assert in_order(rows, by_code())  # by code only: documents come in the store's order


def pairs(by_line: dict[int, set[str]]) -> Callable[[list[Row]], None]:
    def check(rows: list[Row]) -> None:
        assert rows == sorted(code_pairs(by_line), key=by_code(1))

    return check


def check_cited_documents(rows: list[Row]) -> None:
    cited = expected_cited_documents()
    assert [(doc, int(n or 0), members(areas)) for doc, n, areas in rows] == sorted(
        ((doc, n, frozenset(areas)) for doc, (n, areas) in cited.items()),
        key=lambda row: (-row[1], row[0]),
    )
    assert rows[0][:2] == (C + "Doc.15.2", "4")  # cited most: by rows 105, 107, 186, 188


def check_funders_by_activities(rows: list[Row]) -> None:
    funders = expected_funders_by_activities()
    assert [(f, int(a or 0), int(e or 0), members(s)) for f, a, e, s in rows] == sorted(
        ((f, a, e, frozenset(s)) for f, (a, e, s) in funders.items()),
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    assert rows[0][:3] == ("Germany", "5", "5")  # areas 4, 6, 8, 10 and 12


def check_entries_without_resources(rows: list[Row]) -> None:
    assert rows == [("2.2", ST, C + "Doc.16.1", "69")]  # its RESOURCES cell is empty


def check_instruments_sharing_partners(rows: list[Row]) -> None:
    assert rows == sorted(expected_instruments_sharing_partners())
    assert ("AEWA", "Sharks MoU", "IFAW") in rows  # both named with IFAW in row 162


def check_provenance(rows: list[Row]) -> None:
    assert set(rows) == {("4.4", p, str(n), *rest) for p, n, *rest in PROVENANCE_4_4}
    assert in_order(rows, key=lambda r: (r[1], int(r[2] or 0), r[3], r[4]))
    assert {(r[1], r[2]) for r in rows} == {(ST, "89"), (MT, "91")}


CHECKS: dict[str, Callable[[list[Row]], None]] = {
    "activities": check_activities,
    "subactivities": check_subactivities,
    "document-references": check_document_references,
    "funders": pairs(ROW_FUNDERS),
    "instruments": pairs(ROW_INSTRUMENTS),
    "partners": pairs(ROW_PARTNERS),
    "budget-lines": pairs(ROW_BUDGET_LINES),
    "cited-documents": check_cited_documents,
    "funders-by-activities": check_funders_by_activities,
    "entries-without-resources": check_entries_without_resources,
    "instruments-sharing-partners": check_instruments_sharing_partners,
    "provenance": check_provenance,
}


# Named queries whose answers are checked beside the feature they serve, on documents
# made for it (other kinds, successive reports): where, with the facts read by hand.
CHECKED_IN = {
    "activity-history": "test_compare.py",
    "changes": "test_compare.py",
    "citations": "test_documents_build.py",
    "documents": "test_documents_build.py",
    "mentions": "test_documents_build.py",
    "work-programme": "test_documents_build.py",
}


def test_every_named_query_says_its_question_and_has_a_content_check() -> None:
    for named in named_queries():
        assert named.question, f"{named.name}.rq has no question comment"
    assert {q.name for q in named_queries()} == set(CHECKS) | set(CHECKED_IN)
    for name, module in CHECKED_IN.items():
        assert f'cmsgraph.query("{name}"' in (Path(__file__).parent / module).read_text()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_what_each_named_query_answers(built_store: Path, name: str) -> None:
    CHECKS[name](answer(built_store, name, **PARAMS.get(name, {})))


CONTRACT = ("activities", "subactivities", "document-references", "funders", "instruments",
            "partners", "budget-lines")  # fmt: skip


@pytest.mark.parametrize("name", CONTRACT)
def test_a_parameter_keeps_the_rows_with_that_value(built_store: Path, name: str) -> None:
    """Binding any variable of a contract query (--param) keeps exactly the rows that
    have that value: parameters join with the answers (as on a remote store), even where
    the query binds the variable inside an OPTIONAL."""
    table = cmsgraph.query(name, store=built_store)
    assert not isinstance(table, bool)
    rows = table.values()
    for i, variable in enumerate(table.variables):
        value = rows[len(rows) // 2][i]
        assert value is not None
        bound = answer(built_store, name, **{variable: value})
        assert bound == [row for row in rows if row[i] == value], variable


# --- many reports on one programme: the same rows as one plain graph ---------------------

REPORTS = 40


def plain_store(built: Path) -> Store:
    """The triples of a built store (``export --format ntriples``) in a plain in-memory
    pyoxigraph store: one default graph, no bookkeeping."""
    data = io.BytesIO()
    cmsgraph.export("ntriples", store=built, out=data)
    plain = Store()
    plain.load(data.getvalue(), format=RdfFormat.N_TRIPLES)
    return plain


@pytest.fixture(scope="module")
def one_programme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    """40 generated reports on the programme of CMS Res. 10.9, built by cmsgraph, and the
    same triples in one plain graph."""
    work = tmp_path_factory.mktemp("one-programme")
    # and 4 successive reports on another programme, whose changes are known
    sources = generate(REPORTS, work / "corpus", seed=11, successive=4, one_programme=True)
    store = work / "store"
    cmsgraph.build(sources, store=store)
    return store, plain_store(store)


@pytest.fixture(scope="module")
def bundled(built_store: Path) -> tuple[Path, Store]:
    return built_store, plain_store(built_store)


def test_the_reports_share_one_programme(one_programme: tuple[Path, Store]) -> None:
    _, plain = one_programme
    (row,) = plain.query(
        "SELECT (COUNT(DISTINCT ?sub) AS ?subs) (COUNT(DISTINCT ?entry) AS ?entries) WHERE {"
        " ?entry <https://w3id.org/cmsgraph/ontology#reportsOn> ?sub"
        ' FILTER STRSTARTS(STR(?sub), "https://w3id.org/cmsgraph/id/resolution/cms/10.9/") }'
    )
    assert int(row["subs"].value) < 100  # one programme's codes, not one set per report
    assert int(row["entries"].value) > 20 * int(row["subs"].value)


def plain_rows(store: Store, named: NamedQuery) -> list[Row]:
    params = PARAMS.get(named.name, {})
    solutions = store.query(
        named.text, substitutions={Variable(k): Literal(v) for k, v in params.items()} or None
    )
    return [tuple(None if t is None else t.value for t in s) for s in solutions]  # type: ignore[union-attr]


NO_PROGRAMMES_OF_WORK = {"work-programme"}  # the generator writes activity reports only


@pytest.mark.parametrize("name", [q.name for q in named_queries()])
def test_the_same_rows_as_one_plain_graph(one_programme: tuple[Path, Store], name: str) -> None:
    store, plain = one_programme
    named = next(q for q in named_queries() if q.name == name)
    expected = normal(plain_rows(plain, named))
    if name not in NO_PROGRAMMES_OF_WORK:
        assert expected, f"{name} has no answer on {REPORTS} reports: the comparison is empty"
    assert normal(answer(store, name, **PARAMS.get(name, {}))) == expected


# --- the reworked shapes answer what the plain question says ---------------------------

P = """PREFIX cmsg: <https://w3id.org/cmsgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct:  <http://purl.org/dc/terms/>
"""
CODE = "?entry cmsg:reportsOn/skos:notation ?code ."

# Each named query as the question says it, in the plainest SPARQL (property paths, one
# group, no ORDER BY): slow on 1,000 reports, but plainly right.
PLAIN = {
    "activities": "SELECT DISTINCT ?activity ?title WHERE {"
    " ?area a cmsg:ActivityArea ; skos:notation ?activity ; skos:prefLabel ?title }",
    "subactivities": "SELECT DISTINCT ?code ?activity ?period WHERE {"
    " ?entry cmsg:reportsOn ?sub ; cmsg:period/rdfs:label ?period ."
    " ?sub skos:notation ?code ; skos:broader/skos:notation ?activity }",
    "document-references": "SELECT DISTINCT ?code ?document WHERE {"
    f" {CODE} ?entry cmsg:citesDocument/dct:identifier ?document }}",
    "funders": f"SELECT DISTINCT ?code ?funder WHERE {{ {CODE}"
    " ?entry cmsg:fundedBy/skos:prefLabel ?funder }",
    "instruments": f"SELECT DISTINCT ?code ?instrument WHERE {{ {CODE}"
    " ?entry cmsg:involvesInstrument/skos:prefLabel ?instrument }",
    "partners": f"SELECT DISTINCT ?code ?partner WHERE {{ {CODE}"
    " ?entry cmsg:hasPartner/skos:prefLabel ?partner }",
    "budget-lines": f"SELECT DISTINCT ?code ?line WHERE {{ {CODE}"
    " ?entry cmsg:usesBudgetLine/skos:notation ?line }",
    "cited-documents": "SELECT ?document (COUNT(DISTINCT ?entry) AS ?citations)"
    ' (GROUP_CONCAT(DISTINCT ?area; separator=", ") AS ?activities) WHERE {'
    " ?entry cmsg:citesDocument/dct:identifier ?document ;"
    " cmsg:reportedUnder/skos:notation ?area } GROUP BY ?document",
    "funders-by-activities": "SELECT ?funder (COUNT(DISTINCT ?area) AS ?activities)"
    " (COUNT(DISTINCT ?entry) AS ?entries)"
    ' (GROUP_CONCAT(DISTINCT ?area; separator=", ") AS ?areas) WHERE {'
    " ?entry cmsg:fundedBy/skos:prefLabel ?funder ;"
    " cmsg:reportedUnder/skos:notation ?area } GROUP BY ?funder",
    "entries-without-resources": "SELECT ?codes ?period ?document ?line WHERE {"
    ' { SELECT ?entry (GROUP_CONCAT(DISTINCT ?code; separator=", ") AS ?codes) WHERE {'
    " ?entry a cmsg:ReportEntry FILTER NOT EXISTS { ?entry cmsg:resourcesText ?r }"
    " OPTIONAL { ?entry cmsg:reportsOn/skos:notation ?code } } GROUP BY ?entry }"
    " ?entry cmsg:period/rdfs:label ?period ; cmsg:sourceLine ?line ;"
    " prov:wasDerivedFrom/dct:identifier ?document }",
    "instruments-sharing-partners": "SELECT DISTINCT ?instrument ?other ?partner WHERE {"
    " ?e1 cmsg:involvesInstrument/skos:prefLabel ?instrument ; cmsg:hasPartner ?p ."
    " ?e2 cmsg:involvesInstrument/skos:prefLabel ?other ; cmsg:hasPartner ?p ."
    " ?p skos:prefLabel ?partner FILTER (STR(?instrument) < STR(?other)) }",
    "provenance": "SELECT DISTINCT ?code ?period ?line ?relation ?target ?field ?text WHERE {"
    f" {CODE} ?entry cmsg:period/rdfs:label ?period ; cmsg:sourceLine ?line ."
    " ?mention rdf:subject ?entry ; rdf:predicate ?p ; rdf:object ?o ; ?quote ?text ."
    " ?quote cmsg:field ?field . ?p rdfs:label ?relation ."
    " OPTIONAL { ?o skos:prefLabel ?preferred } OPTIONAL { ?o rdfs:label ?plain }"
    " BIND (COALESCE(?preferred, ?plain, STR(?o)) AS ?target) }",
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_fast_shape_answers_as_the_plain_one(
    one_programme: tuple[Path, Store], bundled: tuple[Path, Store], name: str
) -> None:
    assert set(PLAIN) == set(CHECKS)
    for built, graph in (one_programme, bundled):
        expected = plain_rows(graph, NamedQuery(name, "", P + PLAIN[name]))
        assert expected, name
        assert set(normal(answer(built, name, **PARAMS.get(name, {})))) == set(normal(expected))


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_streamed_csv_is_the_csv_of_the_result_table(built_store: Path, name: str) -> None:
    """``cmsgraph query --format csv`` streams pyoxigraph's CSV writer; it gives the bytes
    the result table gives (and remote results are written with)."""
    params = [f"{k}={v}" for k, v in PARAMS.get(name, {}).items()]
    streamed = io.BytesIO()
    assert write_query_results(name, streamed, "csv", store=built_store, params=params) == "csv"
    table = cmsgraph.query(name, store=built_store, params=params)
    assert not isinstance(table, bool)
    assert streamed.getvalue() == format_results(table, "csv").encode("utf-8")
