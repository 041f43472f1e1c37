"""Documents as the Family publishes them, built into one graph (issue 12).

Every rendering of an activity report (PDF with tables running over pages, Word, web
page) builds to the seven contract answers of its ``.txt``; a folder of programmes of
work, reports and prose documents in mixed formats answers the ``documents``,
``citations``, ``work-programme`` and ``mentions`` queries as read by hand
(``document_facts``); an unreadable file is refused with one line and leaves the store
as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from document_facts import (
    AEWA_SYMBOL,
    ASCOBANS_SYMBOL,
    PROSE_SYMBOL,
    SHARKS_ACTIVITIES,
    SHARKS_SYMBOL,
)
from support.documents import FORMATS, PROSE
from support.render import images_only_pdf, to_docx, to_html, to_pdf

import cmsgraph
from cmsgraph.errors import InputError

CONTRACT = (
    "activities",
    "subactivities",
    "document-references",
    "funders",
    "instruments",
    "partners",
    "budget-lines",
)


def answers(store: Path, names: tuple[str, ...] = CONTRACT) -> dict[str, list[tuple]]:
    return {name: sorted(cmsgraph.query(name, store=store).values()) for name in names}


@pytest.fixture(scope="module")
def txt_answers(rendered, tmp_path_factory) -> dict[str, dict[str, list[tuple]]]:
    """The contract answers of the bundled report's and the AEWA report's .txt."""
    out = {}
    for name in ("seed", "aewa-report"):
        store = tmp_path_factory.mktemp(name) / "store"
        cmsgraph.build([rendered(name, "txt")], store=store)
        out[name] = answers(store)
    return out


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
@pytest.mark.parametrize("name", ["seed", "aewa-report"])
def test_a_report_in_every_format_builds_to_the_answers_of_its_txt(
    rendered, txt_answers, tmp_path, name, fmt
):
    result = cmsgraph.build([rendered(name, fmt)], store=tmp_path / "s")
    assert result.sources[0].format == fmt and result.sources[0].kind == "activity-report"
    assert answers(tmp_path / "s") == txt_answers[name]
    assert sum(map(len, txt_answers[name].values())) > 10  # not two empty stores compared


# -- a folder of every kind, in mixed formats ------------------------------------------


FOLDER = {  # document -> (format, kind as the documents query says it)
    "seed": ("pdf", "activity-report"),
    "aewa-report": ("docx", "activity-report"),
    "sharks-programme": ("html", "programme-of-work"),
    "ascobans-work-plan": ("pdf", "programme-of-work"),
    "prose": ("docx", "document"),
}
SYMBOLS = {
    "seed": "UNEP/CMS/COP11/Doc.16.1",
    "aewa-report": AEWA_SYMBOL,
    "sharks-programme": SHARKS_SYMBOL,
    "ascobans-work-plan": ASCOBANS_SYMBOL,
    "prose": PROSE_SYMBOL,
}


@pytest.fixture(scope="module")
def folder_store(rendered, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("family")
    for name, (fmt, _) in FOLDER.items():
        (folder / f"{name}.{fmt}").write_bytes(rendered(name, fmt).read_bytes())
    store = folder / "store"
    done = run_cli("build", folder, "--store", store)
    assert done.returncode == 0, done.stderr
    return store


def test_documents_lists_every_document_with_its_kind_and_format(folder_store):
    rows = cmsgraph.query("documents", store=folder_store).values()
    assert {(d, k, f) for d, _, k, f in rows} == {
        (SYMBOLS[name], kind, fmt) for name, (fmt, kind) in FOLDER.items()
    }
    assert len(rows) == len(FOLDER)  # one row per document


def test_citations_come_from_every_kind_as_full_symbols(folder_store):
    rows = cmsgraph.query("citations", store=folder_store).values()
    assert len(rows) == len(set(rows))
    cited = {d: {c for doc, c in rows if doc == d} for d in SYMBOLS.values()}
    assert {  # prose: paragraphs 12, 14, 18 (document_facts.PROSE_MENTIONS)
        "UNEP/CMS/COP12/Inf.11",
        "UNEP/CMS/COP12/Doc.21.1",
        "UNEP/CMS/Decision 12.45",
        "UNEP/CMS/Resolution 11.20",
        "UNEP/CMS/Resolution 12.22",
    } <= cited[PROSE_SYMBOL]
    assert {  # programme mandates (document_facts.SHARKS_CITATIONS)
        "CMS/Sharks/Outcome 3.8",
        "CMS/Sharks/Outcome 3.2",
        "UNEP/CMS/Resolution 11.26",
        "UNEP/CMS/COP12/Doc.21.2",
        "UNEP/CMS/Decision 12.45",
    } <= cited[SHARKS_SYMBOL]
    assert {"ASCOBANS/AC24/Doc.4.1", "UNEP/ASCOBANS/Resolution 8.5"} <= cited[ASCOBANS_SYMBOL]
    assert "UNEP/CMS/COP11/Doc.21.1" in cited["UNEP/CMS/COP11/Doc.16.1"]  # "See Doc 21.1"
    # the programme cites the prose document, which is in the graph: a link of the network
    assert PROSE_SYMBOL in cited[SHARKS_SYMBOL]


def test_work_programme_one_row_per_activity_and_responsible_entity(folder_store):
    rows = cmsgraph.query("work-programme", store=folder_store).values()
    sharks = [r for r in rows if r[0] == SHARKS_SYMBOL]
    assert {r[1] for r in sharks} == set(SHARKS_ACTIVITIES)
    for _, number, _, _, timeframe, priority, _ in sharks:
        assert (priority, timeframe) == SHARKS_ACTIVITIES[number][1:]
    first = {r[3] for r in sharks if r[1] == "1.1"}  # "AC, SEC": from the legend
    assert first == {"Sharks MoU Advisory Committee", "Sharks MoU Interim Secretariat"}
    (funding,) = {r[6] for r in sharks if r[1] == "1.1"}
    assert "Germany" in funding and "40,000" in funding
    ascobans = {(r[1], r[3]) for r in rows if r[0] == ASCOBANS_SYMBOL}
    assert ("3", "ASCOBANS Joint Noise Working Group") in ascobans


def test_mentions_name_each_entity_once_per_document_with_its_type(folder_store):
    rows = cmsgraph.query("mentions", store=folder_store).values()
    assert len(rows) == len(set(rows))
    prose = {(entity, kind) for d, entity, kind in rows if d == PROSE_SYMBOL}
    assert {
        ("Philippines", "Country"),
        ("Germany", "Country"),
        ("Monaco", "Country"),
        ("Switzerland", "Country"),
        ("IUCN", "Organisation"),
        ("FAO", "Organisation"),
        ("European Commission", "Organisation"),
        ("Sharks MoU", "MoU"),
        ("Sharks MoU Interim Secretariat", "Body"),
    } <= prose


def test_every_link_of_a_paragraph_says_where_and_what(folder_store):
    store = cmsgraph.store.open_current(folder_store).open()
    rows = list(
        store.query(
            """PREFIX cmsg: <https://w3id.org/cmsgraph/ontology#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?number ?page ?text WHERE {
              ?mention rdf:subject ?passage ; rdf:object <https://w3id.org/cmsgraph/id/country/MC> ;
                       cmsg:paragraphQuote ?text .
              ?passage dct:isPartOf/dct:identifier ?doc ; cmsg:paragraphNumber ?number .
              OPTIONAL { ?passage cmsg:page ?page }
              FILTER (?doc = "UNEP/CMS/COP12/Doc.21.2")
            }"""
        )
    )
    assert [(int(r["number"].value), r["text"].value) for r in rows] == [(13, "Monaco")]


# -- unreadable files ------------------------------------------------------------------


def _truncated_docx() -> bytes:
    data = to_docx(PROSE)
    return data[: len(data) // 2]


BAD = [
    ("encrypted.pdf", lambda: to_pdf(PROSE, password="secret"), "encrypted PDF"),
    ("scan.pdf", lambda: images_only_pdf(["UNEP/CMS/COP12/Doc.21.2"]), "run OCR first"),
    ("truncated.docx", _truncated_docx, "broken or truncated Word file"),
]


@pytest.mark.parametrize(("name", "make", "says"), BAD, ids=[b[0] for b in BAD])
def test_an_unreadable_file_is_refused_and_the_store_left_as_it_was(
    tmp_path, seed_path, name, make, says
):
    store = tmp_path / "store"
    cmsgraph.build([seed_path], store=store)
    before = answers(store)
    bad = tmp_path / name
    bad.write_bytes(make())
    with pytest.raises(InputError, match=says):
        cmsgraph.build([seed_path, bad], store=store)
    done = run_cli("build", seed_path, bad, "--store", store)
    assert done.returncode == 1
    assert done.stderr.startswith(f"cmsgraph: error: {bad}") and says in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert answers(store) == before


def test_a_web_page_with_scripts_is_read_as_inert_text(tmp_path):
    page = to_html(PROSE, extra_head="<script>alert('head')</script><style>p{}</style>")
    page = page.replace(b"</body>", b"<script>document.write('body')</script></body>")
    path = tmp_path / "page.html"
    path.write_bytes(page)
    store = tmp_path / "store"
    cmsgraph.build([path], store=store)
    version = cmsgraph.store.open_current(store)
    texts = " ".join(q.object.value for q in version.open() if hasattr(q.object, "datatype"))
    assert "alert(" not in texts and "document.write" not in texts and "p{}" not in texts
    assert cmsgraph.query("documents", store=store).values()[0][0] == PROSE_SYMBOL


def test_a_document_without_a_symbol_is_named_after_its_file_with_a_warning(tmp_path):
    path = tmp_path / "notes on sharks.txt"
    path.write_text("Notes\n\nGermany and FAO discussed the Sharks MoU.\n", "utf-8")
    result = cmsgraph.build([path], store=tmp_path / "store")
    (source,) = result.sources
    assert source.kind == "document" or source.kind == "meeting-document"
    assert any("symbol" in w for w in result.warnings)
    (row,) = cmsgraph.query("documents", store=tmp_path / "store").values()
    assert row[0] == "notes on sharks" and row[2:] == ("document", "txt")


def test_every_format_is_one_of_the_readers(tmp_path):
    assert set(FORMATS) == {"txt", "pdf", "docx", "html"}
