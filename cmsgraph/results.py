"""SPARQL 1.1 query results: one table model, and every way of writing it.

Local results (pyoxigraph), the server's and remote ones (SPARQL JSON) all become a
:class:`ResultTable` of pyoxigraph terms, so every output format is written by the
same code whichever store answered and whoever asked (the command line, the server):

* JSON as in `SPARQL 1.1 Query Results JSON Format
  <https://www.w3.org/TR/sparql11-results-json/>`_ (§3.2.2 for the terms);
* XML as in `SPARQL Query Results XML Format <https://www.w3.org/TR/rdf-sparql-XMLres/>`_
  (written by pyoxigraph from the JSON);
* CSV and TSV as in `SPARQL 1.1 Query Results CSV and TSV Formats
  <https://www.w3.org/TR/sparql11-results-csv-tsv/>`_ (CSV: plain values, CRLF line
  ends, RFC 4180 quoting, blank nodes as ``_:label``; TSV: terms in SPARQL syntax,
  ``?var`` header) — the default for tools, kept exactly to the note;
* an Excel workbook (Office Open XML, ECMA-376) for spreadsheets: a header row, typed
  cells, the same bytes for the same results;
* an aligned text table for people at a terminal;
* for notebooks, :meth:`ResultTable.to_pandas` (pandas is the optional extra
  ``cmsgraph[pandas]``) and an HTML table (``_repr_html_``).

Which keys exist, with their media types and file extensions, is the table of
:mod:`cmsgraph.formats`.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, BinaryIO

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .formats import formats

if TYPE_CHECKING:
    import pandas

__all__ = [
    "FORMATS",
    "ResultTable",
    "Term",
    "format_results",
    "python_value",
    "results_format_for",
    "serialize_results",
    "sparql_term",
    "term_from_json",
    "term_json",
    "write_results",
]

Term = NamedNode | BlankNode | Literal
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: The result formats the command line writes (``cmsgraph query --format``).
FORMATS = tuple(f.key for f in formats(kind="results", use="cli"))
#: A cell of an Excel sheet holds at most this many characters (ECMA-376, Excel's limit).
XLSX_CELL_LIMIT = 32_767
_HTML_ROWS = 50  # rows shown in a notebook


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

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per variable, in order.

        Cells are Python values (:func:`python_value`: numbers, booleans and dates from
        their XSD datatypes, IRIs and other literals as strings, unbound as ``None``),
        columns get pandas' nullable dtypes (``convert_dtypes``).

        :raises ImportError: pandas is not installed (``pip install 'cmsgraph[pandas]'``).

        >>> cmsgraph.query("funders").to_pandas().head(2)  # doctest: +SKIP
          code      funder
        0  3.1  UNEP ROE
        1  4.1   Finland
        """
        try:
            import pandas
        except ImportError as exc:
            raise ImportError(
                "ResultTable.to_pandas() needs pandas: pip install 'cmsgraph[pandas]'"
            ) from exc
        data = [[python_value(t) for t in row] for row in self.rows]
        frame = pandas.DataFrame(data, columns=list(self.variables), dtype=object)
        return frame.convert_dtypes()

    def _repr_html_(self) -> str:
        """An HTML table for notebooks (Jupyter calls it): escaped text, ``http(s)`` IRIs
        as links, the first rows only."""
        from html import escape

        head = "".join(f"<th>{escape(v)}</th>" for v in self.variables)
        body = []
        for row in self.rows[:_HTML_ROWS]:
            cells = "".join(f"<td>{_html_cell(t)}</td>" for t in row)
            body.append(f"<tr>{cells}</tr>")
        n = len(self.rows)
        note = f"{n} row{'s' if n != 1 else ''}"
        if n > _HTML_ROWS:
            note += f"; the first {_HTML_ROWS} are shown"
        return (
            f'<table class="cmsgraph-results"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table><p>{note}.</p>"
        )

    def __len__(self) -> int:
        return len(self.rows)


def _html_cell(term: Term | None) -> str:
    from html import escape

    if term is None:
        return ""
    text = escape(term.value if not isinstance(term, BlankNode) else f"_:{term.value}")
    if isinstance(term, NamedNode) and term.value.startswith(("http://", "https://")):
        return f'<a href="{text}" rel="noopener noreferrer">{text}</a>'
    return text


def python_value(term: Term | None) -> object:
    """A term as the Python value a spreadsheet or a DataFrame cell wants: ``int`` for
    the XSD integer types, ``float`` for decimals and doubles, ``bool``, ``date`` and
    ``datetime`` (as written, time zones kept); anything else, IRIs included, as its
    string; ``None`` for unbound. A malformed literal stays a string.

    >>> python_value(Literal("7", datatype=NamedNode(_XSD + "integer")))
    7
    >>> python_value(NamedNode("https://w3id.org/cmsgraph/id/instrument/aewa"))
    'https://w3id.org/cmsgraph/id/instrument/aewa'
    """
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, Literal):
        return term.value
    kind = term.datatype.value.removeprefix(_XSD)
    text = term.value
    try:
        if kind in _INTEGERS:
            return int(text)
        if kind in ("decimal", "double", "float"):
            return float(text)  # correctly rounded, as float(Decimal(text)) would be
        if kind == "boolean" and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        if kind == "date":
            return _dt.date.fromisoformat(text)
        if kind == "dateTime":
            return _dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    return text


_INTEGERS = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte",
}  # fmt: skip


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


def term_json(term: object) -> dict[str, Any]:
    """A term as in `SPARQL 1.1 Query Results JSON §3.2.2
    <https://www.w3.org/TR/sparql11-results-json/#select-encode-terms>`_ (and a quoted
    triple as the RDF-star / SPARQL 1.2 ``triple`` type)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def serialize_results(result: ResultTable | bool, key: str, *, pretty: bool = True) -> bytes:
    """``result`` (solutions, or an ASK's boolean) in the results format ``key``.

    :param pretty: JSON with indentation (for people); the server sends it compact.
    :raises ValueError: unknown format, or one that cannot hold a boolean (text table
        and workbook write ``true``/``false`` as one cell).
    """
    if key == "json":
        return _json(result, pretty)
    if key == "xml":
        return _xml(result)
    if isinstance(result, bool):
        if key in ("csv", "tsv", "table"):
            return b"true\n" if result else b"false\n"
        if key == "xlsx":
            return _xlsx(ResultTable(("boolean",), ((Literal(str(result).lower()),),)))
        raise ValueError(f"the results format {key!r} has no form for a boolean")
    if key == "csv":
        return _csv(result).encode("utf-8")
    if key == "tsv":
        return _tsv(result).encode("utf-8")
    if key == "table":
        return _text_table(result).encode("utf-8")
    if key == "xlsx":
        return _xlsx(result)
    raise ValueError(f"unknown results format {key!r}; one of {', '.join(FORMATS)}")


def results_format_for(out: object) -> str:
    """The results format a file name asks for by its extension, else ``"csv"`` (W3C
    CSV, the default for tools).

    >>> results_format_for("funders.xlsx"), results_format_for("funders.out")
    ('xlsx', 'csv')
    """
    from .formats import for_suffix

    if isinstance(out, str | PurePath):
        form = for_suffix(PurePath(out).name, formats(kind="results", use="cli"))
        if form is not None:
            return form.key
    return "csv"


def write_results(
    result: ResultTable | bool, out: str | PurePath | BinaryIO, fmt: str | None = None
) -> str:
    """Write ``result`` to the file ``out`` (never half-written: a temporary file is
    renamed over it) or to a binary stream; return the format used.

    :param fmt: a results format (:data:`FORMATS`); by default the one ``out``'s
        extension names, else ``csv``.
    :raises ValueError: unknown format.
    :raises CmsGraphError: the file cannot be written (it is left as it was).

    >>> write_results(cmsgraph.query("funders"), "funders.xlsx")  # doctest: +SKIP
    'xlsx'
    """
    from pathlib import Path

    key = fmt or results_format_for(out)
    if key not in FORMATS:
        raise ValueError(f"unknown results format {key!r}; one of {', '.join(FORMATS)}")
    data = serialize_results(result, key)
    if isinstance(out, str | PurePath):
        from .exporter import atomic_write

        atomic_write(Path(out), lambda f: f.write(data), what="the results")
    else:
        out.write(data)
    return key


def format_results(table: ResultTable, fmt: str) -> str:
    """Serialise ``table`` as text: ``table``, ``csv``, ``tsv``, ``json`` or ``xml``."""
    if fmt == "xlsx":
        raise ValueError("a workbook is not text: use serialize_results()")
    return serialize_results(table, fmt).decode("utf-8")


# -- CSV and TSV ----------------------------------------------------------------------


def _csv_value(term: Term) -> str:
    """SPARQL 1.1 CSV §2: IRIs and literals as their plain value, blank nodes ``_:b``."""
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _csv_field(value: str) -> str:
    if any(c in value for c in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(table: ResultTable) -> str:
    lines = [",".join(_csv_field(v) for v in table.variables)]
    for row in table.rows:
        lines.append(",".join("" if t is None else _csv_field(_csv_value(t)) for t in row))
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


# -- JSON and XML ---------------------------------------------------------------------


def _json_document(result: ResultTable | bool) -> dict[str, Any]:
    if isinstance(result, bool):
        return {"head": {}, "boolean": result}
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json(result: ResultTable | bool, pretty: bool) -> bytes:
    doc = _json_document(result)
    if pretty:
        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml(result: ResultTable | bool) -> bytes:
    from pyoxigraph import QueryResultsFormat, parse_query_results

    parsed = parse_query_results(_json(result, False), format=QueryResultsFormat.JSON)
    return parsed.serialize(format=QueryResultsFormat.XML) or b""


# -- text table -----------------------------------------------------------------------


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


# -- Excel workbook -------------------------------------------------------------------

#: Every part of the workbook gets this time stamp (the earliest a ZIP file can hold),
#: and the document properties a fixed date: the same results give the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DATE = _dt.datetime(2000, 1, 1)


def _xlsx(table: ResultTable) -> bytes:
    """One sheet ``results``: a bold, frozen header row of the variable names, then one
    row per solution with typed cells (:func:`python_value`). Text is never read as a
    formula (a cell starting with ``=`` stays text), control characters Excel cannot
    hold become U+FFFD, and a value longer than a cell holds is cut with ``…`` and
    listed on a second sheet ``notes``."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "results"
    sheet.append(list(table.variables))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    cut: list[str] = []
    widths = [len(v) for v in table.variables]
    for r, row in enumerate(table.rows, start=2):
        for c, term in enumerate(row, start=1):
            value = python_value(term)
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                if len(value) > XLSX_CELL_LIMIT:
                    cut.append(f"{cell.coordinate}: {len(value)} characters")
                    value = value[: XLSX_CELL_LIMIT - 1] + "…"
                cell.value = value
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value
                if isinstance(value, _dt.datetime | _dt.date):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss" if isinstance(
                        value, _dt.datetime) else "yyyy-mm-dd"  # fmt: skip
            widths[c - 1] = max(widths[c - 1], min(len(str(value)), 60))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width + 2
    if table.variables:
        sheet.auto_filter.ref = sheet.dimensions
    if cut:
        notes = book.create_sheet("notes")
        notes.append([f"Values longer than a cell holds ({XLSX_CELL_LIMIT} characters), cut:"])
        for item in cut:
            notes.append([item])
    book.properties.creator = "cmsgraph"
    book.properties.created = book.properties.modified = _FIXED_DATE
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """The same ZIP archive with every entry's time stamp fixed, and the document's
    modification date too (openpyxl stamps it with the time of saving)."""
    import re

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + _FIXED_DATE.isoformat().encode() + rb"Z\g<2>",
                    content,
                )
            target.writestr(fixed, content)
    return out.getvalue()
