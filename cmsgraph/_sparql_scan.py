"""What a SPARQL request is, found from its tokens, before anything runs it.

The server must refuse SPARQL Update (and ``LOAD``) and, unless allowed, federated
``SERVICE`` calls, which pyoxigraph would otherwise really make (it has an HTTP
client; verified: a ``SERVICE <http://127.0.0.1:PORT/>`` query connects to that
port). pyoxigraph parses and runs a query in one call and exposes no algebra, so the
query is scanned here with the terminals of the `SPARQL 1.1 grammar
<https://www.w3.org/TR/sparql11-query/#grammar>`_ (§19.8: IRIREF, the four string
forms, comments, variables, PNAME_NS/PNAME_LN, BLANK_NODE_LABEL, LANGTAG, numbers).
A keyword can then only be a bare word token: ``?service``, ``ex:service``,
``<http://x/SERVICE>``, ``"SERVICE"`` and ``# SERVICE`` are not keywords, and
``SERVICE`` as a bare word can only be the ServiceGraphPattern of §18.2.

Two readings are scanned and their findings joined, so that the refusal fails
closed: the text as sent, and the text after the codepoint escapes of §19.2
(``\\u0053ERVICE``) are replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QueryShape", "named_graphs", "scan_query", "tokens"]

# Terminals of SPARQL 1.1 §19.8, longest match first where they overlap.
_ESC = r"""(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"""
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\r\n]|\\.)*'
               |"(?:[^"\\\r\n]|\\.)*")
    | (?P<var>[?$][\w\u00b7]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<bnode>_:[\w\-\u00b7.]*[\w\-\u00b7])
    | (?P<pname>(?:[^\W\d_][\w\-\u00b7.]*)?:
                (?:(?:[\w:]|{_ESC})(?:(?:[\w\-:\u00b7.]|{_ESC})*(?:[\w\-:\u00b7]|{_ESC}))?)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
# SPARQL 1.1 Update §3: the operations (and WITH, which opens DELETE/INSERT).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


def tokens(text: str) -> list[tuple[str, str]]:
    """The (kind, text) tokens of ``text``, whitespace and comments dropped.

    >>> [kind for kind, _ in tokens('ASK { ?service ex:service "SERVICE" } # SERVICE')]
    ['word', 'other', 'var', 'pname', 'string', 'other']
    """
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group()))
    return out


def _unescape_codepoints(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group()
        return chr(code)

    return _CODEPOINT.sub(repl, text)


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What the scanner found in a request's text."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, an update keyword, or None
    update: bool  # an update operation (INSERT, DELETE, LOAD, CLEAR ...)
    service: bool  # a SERVICE clause (a federated call to another endpoint)
    dataset: bool  # FROM / FROM NAMED: the query names its own dataset
    graph: bool = False  # a GRAPH pattern

    @property
    def names_graphs(self) -> bool:
        """Whether the query asks for named graphs (FROM, FROM NAMED or GRAPH)."""
        return self.dataset or self.graph

    @property
    def graph_result(self) -> bool:
        """CONSTRUCT and DESCRIBE give RDF graphs; SELECT and ASK give results."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _words(text: str) -> list[str]:
    return [value.upper() for kind, value in tokens(text) if kind == "word"]


def scan_query(text: str) -> QueryShape:
    """The shape of ``text``: its form and whether it updates, federates or names graphs.

    >>> scan_query("PREFIX s: <http://x/> SELECT * { ?s s:p ?o . SERVICE <http://y/> {} }")
    QueryShape(form='SELECT', update=False, service=True, dataset=False, graph=False)
    >>> scan_query("LOAD <http://example.org/data.ttl>").update
    True
    """
    readings = [_words(text)]
    unescaped = _unescape_codepoints(text)
    if unescaped != text:
        readings.append(_words(unescaped))
    first = next((w for w in readings[0] if w not in ("BASE", "PREFIX")), None)
    found: set[str] = set()
    for words in readings:
        found.update(words)
    return QueryShape(
        form=first,
        update=bool(found & UPDATE_KEYWORDS) or (first is not None and first in UPDATE_KEYWORDS),
        service="SERVICE" in found,
        dataset="FROM" in found,
        graph="GRAPH" in found,
    )


def named_graphs(text: str) -> tuple[set[str], bool]:
    """The graph IRIs a query names after FROM, FROM NAMED and GRAPH (prefixed names
    expanded with its PREFIX declarations), and whether a GRAPH takes a variable.

    >>> iris, _ = named_graphs("PREFIX g: <http://x/> SELECT * FROM <http://y> { GRAPH g:a {} }")
    >>> sorted(iris)
    ['http://x/a', 'http://y']
    >>> named_graphs("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    (set(), True)
    """
    found = tokens(text)
    prefixes: dict[str, str] = {}
    for i in range(len(found) - 2):
        if (
            found[i][0] == "word"
            and found[i][1].upper() == "PREFIX"
            and (found[i + 1][0], found[i + 2][0]) == ("pname", "iri")
        ):
            prefixes[found[i + 1][1][:-1]] = found[i + 2][1][1:-1]
    iris: set[str] = set()
    any_graph = False
    for i, (kind, value) in enumerate(found[:-1]):
        if kind != "word" or value.upper() not in ("FROM", "NAMED", "GRAPH"):
            continue
        after_kind, after = found[i + 1]
        if after_kind == "iri":
            iris.add(after[1:-1])
        elif after_kind == "pname" and after.split(":", 1)[0] in prefixes:
            prefix, local = after.split(":", 1)
            iris.add(prefixes[prefix] + local)
        elif after_kind == "var" and value.upper() == "GRAPH":
            any_graph = True
    return iris, any_graph
