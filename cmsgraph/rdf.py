"""RDF statements as plain Python values, and their N-Triples.

The graph stage builds thousands of triples per source, the validator reads each of
them and the store books them by their N-Triples line. pyoxigraph's terms validate
and copy on every construction and attribute access, which cost more than the
parsing and linking together, so the graph is built from plain values instead:

* an IRI is a ``str`` (minted by :class:`cmsgraph.namespaces.Iris`, so always valid);
* a literal is a :class:`Lit` (lexical form, datatype IRI, language tag);
* a triple is a :class:`Statement` (subject IRI, predicate IRI, object).

Only the store parses them, from the N-Triples :func:`ntriples` writes (`RDF 1.1
N-Triples <https://www.w3.org/TR/n-triples/>`_): one statement a line, the same line
for the same statement, which is what the store's refcounts of shared triples key on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from .namespaces import XSD

__all__ = ["Lit", "Statement", "from_pyoxigraph", "line", "ntriples", "to_pyoxigraph"]

XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Lit(NamedTuple):
    """A literal: its lexical form, datatype IRI and language tag."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None


class Statement(NamedTuple):
    """A triple: subject IRI, predicate IRI, object (an IRI or a :class:`Lit`)."""

    subject: str
    predicate: str
    object: str | Lit


# N-Triples §2.3 (STRING_LITERAL_QUOTE): ", \, LF and CR are escaped; other C0 control
# characters are written as \u escapes, so a line never breaks in a reader.
_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in range(0x20) if c not in (0x0A, 0x0D, 0x09)})


def _object(term: str | Lit) -> str:
    if isinstance(term, str):
        return f"<{term}>"
    text = term.value.translate(_ESCAPES)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype == XSD_STRING:
        return f'"{text}"'
    return f'"{text}"^^<{term.datatype}>'


def line(statement: Statement) -> str:
    """The N-Triples line of ``statement``, without its line end.

    >>> line(Statement("http://a/s", "http://a/p", Lit('say "hi"\\n')))
    '<http://a/s> <http://a/p> "say \\\\"hi\\\\"\\\\n" .'
    """
    return f"<{statement[0]}> <{statement[1]}> {_object(statement[2])} ."


def ntriples(statements: Iterable[Statement]) -> bytes:
    """The N-Triples document of ``statements``, in their order (lines as :func:`line`)."""
    out = []
    for s, p, o in statements:
        if o.__class__ is str:  # the common case, inline
            out.append(f"<{s}> <{p}> <{o}> .\n")
        else:
            out.append(f"<{s}> <{p}> {_object(o)} .\n")
    return "".join(out).encode("utf-8")


def to_pyoxigraph(statement: Statement) -> Triple:
    """The pyoxigraph triple of ``statement`` (validates its IRIs).

    :raises ValueError: if an IRI or language tag is malformed.
    """
    s, p, o = statement
    if isinstance(o, Lit):
        term: NamedNode | Literal = (
            Literal(o.value, language=o.language)
            if o.language
            else Literal(o.value, datatype=NamedNode(o.datatype))
        )
    else:
        term = NamedNode(o)
    return Triple(NamedNode(s), NamedNode(p), term)


def from_pyoxigraph(triple: Triple | Quad) -> Statement:
    """The statement of a pyoxigraph triple (or quad: its graph is dropped).

    :raises ValueError: for blank nodes and quoted triples, which cmsgraph never writes.
    """
    s, p, o = triple.subject, triple.predicate, triple.object
    if isinstance(s, BlankNode | Triple) or isinstance(o, BlankNode | Triple):
        raise ValueError(f"not a plain IRI/literal triple: {triple}")
    if isinstance(o, Literal):
        return Statement(s.value, p.value, Lit(o.value, o.datatype.value, o.language))
    return Statement(s.value, p.value, o.value)
