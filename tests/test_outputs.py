"""Outputs people use: a workbook for spreadsheets, DataFrames and HTML for notebooks,
``--out`` for every results format, the W3C CSV as the default for files."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from facts import ROWS
from pyoxigraph import BlankNode, Literal, NamedNode

import cmsgraph
from cmsgraph.results import (
    XLSX_CELL_LIMIT,
    ResultTable,
    python_value,
    results_format_for,
    serialize_results,
    write_results,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


def funders(store: Path) -> ResultTable:
    table = cmsgraph.query("funders", store=store)
    assert isinstance(table, ResultTable)
    return table


# -- the workbook ----------------------------------------------------------------------


def test_cmsgraph_query_xlsx_writes_a_workbook_with_a_header_row(built_store, tmp_path):
    out = tmp_path / "funders.xlsx"
    done = run_cli("query", "funders", "--store", built_store, "--format", "xlsx", "--out", out)
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out)["results"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["code", "funder"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert [tuple(r) for r in rows[1:]] == funders(built_store).values()
    assert ("4.4", "Germany") in {tuple(r) for r in rows[1:]}


def test_the_workbook_is_the_same_bytes_each_time(built_store, tmp_path):
    first = serialize_results(funders(built_store), "xlsx")
    time.sleep(1.1)  # a time stamp in the file would differ now
    assert serialize_results(funders(built_store), "xlsx") == first


# (term, the value its cell holds)
CELLS = [
    (Literal("12", datatype=NamedNode(XSD + "integer")), 12),
    (Literal("2.5", datatype=NamedNode(XSD + "decimal")), 2.5),
    (Literal("true", datatype=NamedNode(XSD + "boolean")), True),
    (Literal("=HYPERLINK(\"http://x\")"), '=HYPERLINK("http://x")'),  # text, not a formula
    (Literal("a\x01b"), "a\ufffdb"),  # a control character Excel cannot hold
    (NamedNode("https://w3id.org/cmsgraph/id/instrument/aewa"),
     "https://w3id.org/cmsgraph/id/instrument/aewa"),
    (BlankNode("b1"), "_:b1"),
    (Literal("Bonn", language="en"), "Bonn"),
    (None, None),
]  # fmt: skip


@pytest.mark.parametrize(("term", "value"), CELLS, ids=lambda v: repr(v)[:30])
def test_each_kind_of_term_in_a_cell(term, value, tmp_path):
    out = tmp_path / "one.xlsx"
    write_results(ResultTable(("x",), ((term,),)), out)
    cell = openpyxl.load_workbook(out)["results"]["A2"]
    assert cell.value == value
    if isinstance(value, str):
        assert cell.data_type == "s"


def test_a_value_longer_than_a_cell_is_cut_and_listed(tmp_path):
    out = tmp_path / "long.xlsx"
    write_results(ResultTable(("x",), ((Literal("x" * 100_000),),)), out)
    book = openpyxl.load_workbook(out)
    assert len(book["results"]["A2"].value) == XLSX_CELL_LIMIT
    assert "A2: 100000 characters" in [c.value for c in book["notes"]["A"]]


# -- --out for every format; the default for files is the W3C CSV ----------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("f.csv", "csv"), ("f.tsv", "tsv"), ("f.srj", "json"), ("f.json", "json"),
     ("f.srx", "xml"), ("f.xml", "xml"), ("f.xlsx", "xlsx"), ("f.txt", "table"),
     ("f.dat", "csv"), ("f", "csv")],
)  # fmt: skip
def test_out_takes_the_format_from_the_extension_else_csv(name, fmt, built_store, tmp_path):
    assert results_format_for(name) == fmt
    out = tmp_path / name
    done = run_cli("query", "funders", "--store", built_store, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == serialize_results(funders(built_store), fmt)


def test_the_default_csv_is_the_w3c_one(built_store, tmp_path):
    out = tmp_path / "funders.out"
    run_cli("query", "funders", "--store", built_store, "--out", out)
    data = out.read_bytes()
    assert data.startswith(b"code,funder\r\n") and b"\r\n4.4,Germany\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 1 + len(funders(built_store).rows)


def test_standard_output_keeps_the_text_table(built_store):
    done = run_cli("query", "funders", "--store", built_store)
    assert done.stdout.splitlines()[0].split() == ["code", "funder"]
    piped = subprocess.run(
        [sys.executable, "-P", "-m", "cmsgraph", "query", "funders", "--store", str(built_store),
         "--format", "xlsx"], capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert piped.stdout == serialize_results(funders(built_store), "xlsx")


def test_an_unwritable_out_is_an_error_and_nothing_is_left(built_store, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        done = run_cli("query", "funders", "--store", built_store, "--out", folder / "f.xlsx")
    finally:
        os.chmod(folder, 0o700)
    if os.geteuid() == 0:  # root writes anyway: the file is whole
        assert done.returncode == 0
        return
    assert done.returncode == 1 and "cannot write" in done.stderr
    assert list(folder.iterdir()) == []


def test_ask_queries_write_a_boolean(built_store, tmp_path):
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s a <https://w3id.org/cmsgraph/ontology#ReportEntry> }")
    for fmt, expected in [("csv", b"true\n"), ("json", b'"boolean": true')]:
        out = tmp_path / f"ask.{fmt}"
        run_cli("query", query, "--store", built_store, "--format", fmt, "--out", out)
        assert expected in out.read_bytes()


# -- notebooks -------------------------------------------------------------------------


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_to_pandas_gives_one_column_per_variable(built_store):
    frame = funders(built_store).to_pandas()
    assert list(frame.columns) == ["code", "funder"]
    assert len(frame) == len(funders(built_store).rows)
    assert ((frame["code"] == "4.4") & (frame["funder"] == "Germany")).any()
    entries = cmsgraph.query("entries-without-resources", store=built_store)
    assert isinstance(entries, ResultTable)
    lines = entries.to_pandas()["line"]
    assert str(lines.dtype) == "Int64"  # xsd:integer lines are numbers
    assert set(lines) <= {line for line, *_ in ROWS}


def test_repr_html_is_an_escaped_table_with_links():
    table = ResultTable(
        ("s", "label"),
        ((NamedNode("https://w3id.org/cmsgraph/id/x"), Literal("<script>alert(1)</script>")),),
    )
    html = table._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://w3id.org/cmsgraph/id/x"' in html
    assert "<th>s</th><th>label</th>" in html and "1 row." in html


def test_python_values():
    assert python_value(Literal("2014-08-14", datatype=NamedNode(XSD + "date"))).isoformat() == (
        "2014-08-14"
    )
    assert python_value(Literal("oops", datatype=NamedNode(XSD + "integer"))) == "oops"
