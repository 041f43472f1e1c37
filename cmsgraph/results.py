"""SPARQL 1.1 query results: one table model, and its serialisations.

Local results (pyoxigraph) and remote ones (SPARQLWrapper's JSON) both become a
:class:`ResultTable` of pyoxigraph terms, so every output format is written by the
same code whichever store answered:

* CSV and TSV as in `SPARQL 1.1 Query Results CSV and TSV Formats
  <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_ (CSV: plain values, blank nodes
  as ``_:label``, CRLF line ends, RFC 4180 quoting — byte for byte what pyoxigraph's
  CSV writer gives, which :func:`cmsgraph.sparql.write_results` streams for local
  queries; TSV: terms in SPARQL syntax, ``?var`` header);
* JSON as in `SPARQL 1.1 Query Results JSON Format
  <https://www.w3.org/TR/sparql11-results-json/>`_;
* an aligned text table for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

__all__ = ["FORMATS", "ResultTable", "Term", "format_results", "term_from_json"]

Term = NamedNode | BlankNode | Literal
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
FORMATS = ("table", "csv", "tsv", "json")


@dataclass(frozen=True)
class ResultTable:
    """The solutions of a SELECT query: variable names and rows (``None`` = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRI, lexical form, blank node label)."""
        return [tuple(None if t is None else t.value for t in row) for row in self.rows]

    @classmethod
    def from_solutions(cls, variables: Sequence[str], solutions: Iterable[object]) -> ResultTable:
        rows = tuple(tuple(sol[v] for v in variables) for sol in solutions)  # type: ignore[index]
        return cls(tuple(variables), rows)


def term_from_json(binding: dict[str, str]) -> Term:
    """A term from a SPARQL JSON results binding (also Virtuoso's ``typed-literal``)."""
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(value)
    if "xml:lang" in binding:
        return Literal(value, language=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != _XSD_STRING:
        return Literal(value, datatype=NamedNode(datatype))
    return Literal(value)


def format_results(table: ResultTable, fmt: str) -> str:
    """Serialise ``table`` as ``table``, ``csv``, ``tsv`` or ``json``."""
    if fmt == "csv":
        return _csv(table)
    if fmt == "tsv":
        return _tsv(table)
    if fmt == "json":
        return _json(table)
    if fmt == "table":
        return _text_table(table)
    raise ValueError(f"unknown results format {fmt!r}; one of {', '.join(FORMATS)}")


def _csv_field(value: str) -> str:
    if any(c in value for c in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):  # "_:label", as pyoxigraph's writer has it
        return f"_:{term.value}"
    return _csv_field(term.value)


def _csv(table: ResultTable) -> str:
    lines = [",".join(_csv_field(v) for v in table.variables)]
    for row in table.rows:
        lines.append(",".join(_csv_value(t) for t in row))
    return "".join(line + "\r\n" for line in lines)


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def sparql_term(term: Term) -> str:
    """A term in SPARQL/Turtle syntax, as TSV results and VALUES blocks need it.

    >>> sparql_term(Literal('say "hi"\\tthere'))
    '"say \\\\"hi\\\\"\\\\tthere"'
    """
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    text = f'"{_escape(term.value)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
        return f"{text}^^<{term.datatype.value}>"
    return text


def _tsv(table: ResultTable) -> str:
    lines = ["\t".join(f"?{v}" for v in table.variables)]
    for row in table.rows:
        lines.append("\t".join("" if t is None else sparql_term(t) for t in row))
    return "".join(line + "\n" for line in lines)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(table: ResultTable) -> str:
    bindings = [
        {v: _json_term(t) for v, t in zip(table.variables, row, strict=True) if t is not None}
        for row in table.rows
    ]
    doc = {"head": {"vars": list(table.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _text_table(table: ResultTable, width: int = 80) -> str:
    def show(value: str | None) -> str:
        if value is None:
            return ""
        flat = " ".join(value.split())
        return flat if len(flat) <= width else flat[: width - 1] + "…"

    cells = [[show(v) for v in row] for row in table.values()]
    headers = list(table.variables)
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"
