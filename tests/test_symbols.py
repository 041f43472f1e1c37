"""Document symbols of the CMS Family, read from the bodies' own document lists."""

from __future__ import annotations

import dataclasses
import doctest

import pytest
from pyoxigraph import NamedNode

from cmsgraph import symbols
from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.link import link_entry
from cmsgraph.model import Field, Role
from cmsgraph.namespaces import Iris
from cmsgraph.parse import parse_file
from cmsgraph.symbols import citations, context, normalise, parse_symbol, resolve

# symbol as the body prints it -> (full symbol, instrument, series, meeting, kind, number,
# revision, context). Every one a real symbol, read on the body's document lists.
SYMBOLS = {
    # CMS Conference of the Parties, Standing Committee, Scientific Council and its
    # Sessional Committee, the Central Asian Mammals Initiative, negotiation meetings
    "UNEP/CMS/COP11/Doc.16.1": (
        "UNEP/CMS/COP11/Doc.16.1", "CMS", "COP", 11, "Doc", "16.1", "", "UNEP/CMS/COP11"),
    "UNEP/CMS/COP10/Inf.10.2": (
        "UNEP/CMS/COP10/Inf.10.2", "CMS", "COP", 10, "Inf", "10.2", "", "UNEP/CMS/COP10"),
    "UNEP/CMS/StC41/Doc 6.9": (
        "UNEP/CMS/StC41/Doc.6.9", "CMS", "StC", 41, "Doc", "6.9", "", "UNEP/CMS/StC41"),
    "UNEP/CMS/ScC18/Doc.10.1": (
        "UNEP/CMS/ScC18/Doc.10.1", "CMS", "ScC", 18, "Doc", "10.1", "", "UNEP/CMS/ScC18"),
    "UNEP/CMS/ScC-SC1/Doc.10.2.3/Rev.1": (
        "UNEP/CMS/ScC-SC1/Doc.10.2.3/Rev.1", "CMS", "ScC-SC", 1, "Doc", "10.2.3", "Rev.1",
        "UNEP/CMS/ScC-SC1"),
    "UNEP/CMS/CAMI/Doc.4": (
        "UNEP/CMS/CAMI/Doc.4", "CAMI", "", None, "Doc", "4", "", "UNEP/CMS/CAMI"),
    "UNEP/CMS/MS2/Doc.1/Rev.1": (
        "UNEP/CMS/MS2/Doc.1/Rev.1", "CMS", "MS", 2, "Doc", "1", "Rev.1", "UNEP/CMS/MS2"),
    "UNEP/CMS/SA-2/Inf/11": (
        "UNEP/CMS/SA-2/Inf.11", "CMS", "SA", 2, "Inf", "11", "", "UNEP/CMS/SA-2"),
    # the MoUs' meetings of signatories and their outcomes
    "CMS/Sharks/MOS2/Doc.8.2.1": (
        "CMS/Sharks/MOS2/Doc.8.2.1", "Sharks", "MOS", 2, "Doc", "8.2.1", "", "CMS/Sharks/MOS2"),
    "CMS/Sharks/Outcome 1.4": (
        "CMS/Sharks/Outcome 1.4", "Sharks", "", None, "Outcome", "1.4", "", "CMS/Sharks"),
    "UNEP/CMS/Raptors/MOS2/8": (
        "UNEP/CMS/Raptors/MOS2/8", "Raptors", "MOS", 2, "", "8", "", "UNEP/CMS/Raptors/MOS2"),
    "CMS/Dugong/MOS3/11.1/Add.1": (
        "CMS/Dugong/MOS3/11.1/Add.1", "Dugong", "MOS", 3, "", "11.1", "Add.1", "CMS/Dugong/MOS3"),
    "CMS/IOSEA/MOS8/Doc.8.1": (
        "CMS/IOSEA/MOS8/Doc.8.1", "IOSEA", "MOS", 8, "Doc", "8.1", "", "CMS/IOSEA/MOS8"),
    # the Agreements
    "UNEP/GA/MOP2/Doc.14/Rev.1": (
        "UNEP/GA/MOP2/Doc.14/Rev.1", "Gorilla", "MOP", 2, "Doc", "14", "Rev.1", "UNEP/GA/MOP2"),
    "ASCOBANS/AC25/Doc.1.2a/Rev.1": (
        "ASCOBANS/AC25/Doc.1.2a/Rev.1", "ASCOBANS", "AC", 25, "Doc", "1.2a", "Rev.1",
        "ASCOBANS/AC25"),
    "AC22/Doc.1.2.b Rev.1": (
        "ASCOBANS/AC22/Doc.1.2.b/Rev.1", "ASCOBANS", "AC", 22, "Doc", "1.2.b", "Rev.1",
        "ASCOBANS/AC22"),
    "AC23/Doc.1.2.b_rev.1": (
        "ASCOBANS/AC23/Doc.1.2.b/Rev.1", "ASCOBANS", "AC", 23, "Doc", "1.2.b", "Rev.1",
        "ASCOBANS/AC23"),
    "AEWA/MOP 6.3 Rev.2": (
        "AEWA/MOP 6.3 Rev.2", "AEWA", "MOP", 6, "Doc", "3", "Rev.2", "AEWA/MOP6"),
    "AEWA/MOP7 Inf.1": ("AEWA/MOP7 Inf.1", "AEWA", "MOP", 7, "Inf", "1", "", "AEWA/MOP7"),
    "AEWA/TC 6.2": ("AEWA/TC 6.2", "AEWA", "TC", 6, "Doc", "2", "", "AEWA/TC6"),
    "AEWA/TC5 Inf. 5.3": ("AEWA/TC5 Inf.5.3", "AEWA", "TC", 5, "Inf", "5.3", "", "AEWA/TC5"),
    "Doc.EUROBATS.MoP7.11.Annex": (
        "Doc.EUROBATS.MoP7.11.Annex", "EUROBATS", "MoP", 7, "Doc", "11", "Annex",
        "EUROBATS.MoP7"),
    "Inf.EUROBATS.AC7.25.Rev.2": (
        "Inf.EUROBATS.AC7.25.Rev.2", "EUROBATS", "AC", 7, "Inf", "25", "Rev.2", "EUROBATS.AC7"),
    "Doc.EUROBATS.StC9-AC19.Record": (
        "Doc.EUROBATS.StC9-AC19.Record", "EUROBATS", "StC", 9, "Doc", "Record", "",
        "EUROBATS.StC9-AC19"),
    "Doc.EUROBATS.MOP2.6": (
        "Doc.EUROBATS.MoP2.6", "EUROBATS", "MoP", 2, "Doc", "6", "", "EUROBATS.MoP2"),
    "ACAP MoP5 Doc 05 Rev 2": (
        "ACAP/MoP5 Doc 05 Rev 2", "ACAP", "MoP", 5, "Doc", "05", "Rev 2", "ACAP/MoP5"),
    "ACAP AC14 Doc 02": ("ACAP/AC14 Doc 02", "ACAP", "AC", 14, "Doc", "02", "", "ACAP/AC14"),
    # acts: one symbol per act, however it is cited
    "ACCOBAMS-MOP8/2022/Resolution 8.8": (
        "ACCOBAMS/Resolution 8.8", "ACCOBAMS", "", None, "Resolution", "8.8", "", "ACCOBAMS"),
    "UNEP/CMS/Resolution 12.28": (
        "UNEP/CMS/Resolution 12.28", "CMS", "", None, "Resolution", "12.28", "", "UNEP/CMS"),
    "UNEP/ASCOBANS/Resolution 8.1 (Rev.MOP9)": (
        "UNEP/ASCOBANS/Resolution 8.1", "ASCOBANS", "", None, "Resolution", "8.1", "Rev.MOP9",
        "UNEP/ASCOBANS"),
    "UNEP/AEWA/MOP7/Res. 7.1": (
        "UNEP/AEWA/Resolution 7.1", "AEWA", "", None, "Resolution", "7.1", "", "UNEP/AEWA"),
}  # fmt: skip


@pytest.mark.parametrize(("printed", "parts"), sorted(SYMBOLS.items()))
def test_symbols_parse_into_parts(printed, parts):
    symbol = parse_symbol(printed)
    assert symbol is not None
    assert (
        symbol.full, symbol.instrument, symbol.series, symbol.meeting, symbol.kind,
        symbol.number, symbol.revision, symbol.context,
    ) == parts  # fmt: skip
    assert normalise(printed) == parts[0]
    assert context(printed) == parts[-1]


@pytest.mark.parametrize("printed", sorted(SYMBOLS))
def test_full_symbols_are_iri_ready_and_stable(printed):
    full = SYMBOLS[printed][0]
    NamedNode(Iris().document(full))  # raises on anything an IRI cannot hold
    assert normalise(full) == full  # a normalised symbol normalises to itself


@pytest.mark.parametrize(
    "text",
    [
        "Resolution 10.9",  # a number, not a symbol
        "UNEP/DELG",  # an organisation
        "CBD/COP/DEC/14/8",  # another convention's decision
        "AC30 Doc. 12",  # CITES's Animals Committee; ACAP's needs its name
        "EU/COP13/2",  # no body prints symbols without a document type so
        "UNEP/CMS/COP11/Doc.16.1 and more",  # not the whole text
    ],
)
def test_what_is_not_a_symbol(text):
    assert parse_symbol(text) is None


def test_symbols_found_in_running_text():
    text = (
        "As explained in document CMS/Sharks/MOS2/Doc.8.2.1, and in Docs. AEWA/MOP 6.3 "
        "Rev.2 and AEWA/MOP 6.4 Rev.2 (see also Inf.EUROBATS.AC7.25.Rev.2)."
    )
    assert [c.value for c in citations(text, "UNEP/CMS/COP11")] == [
        "CMS/Sharks/MOS2/Doc.8.2.1",
        "AEWA/MOP 6.3 Rev.2",
        "AEWA/MOP 6.4 Rev.2",
        "Inf.EUROBATS.AC7.25.Rev.2",
    ]


# (short reference, citing document's context) -> full symbols
SHORT = [
    ("See Doc 21.1", "UNEP/CMS/COP11", ["UNEP/CMS/COP11/Doc.21.1"]),
    (
        "Docs 17.3 and 22.3",
        "UNEP/CMS/COP11",
        ["UNEP/CMS/COP11/Doc.17.3", "UNEP/CMS/COP11/Doc.22.3"],
    ),
    ("Inf.15", "UNEP/CMS/COP11", ["UNEP/CMS/COP11/Inf.15"]),
    ("Doc 14.4, Inf.8", "UNEP/CMS/StC41", ["UNEP/CMS/StC41/Doc.14.4", "UNEP/CMS/StC41/Inf.8"]),
    ("Doc 6.1", "UNEP/CMS/ScC-SC1", ["UNEP/CMS/ScC-SC1/Doc.6.1"]),
    ("Doc 8.1", "CMS/Sharks/MOS3", ["CMS/Sharks/MOS3/Doc.8.1"]),
    ("Docs 10.1 and 10.2", "CMS/Dugong/MOS3", ["CMS/Dugong/MOS3/10.1", "CMS/Dugong/MOS3/10.2"]),
    ("Doc 14 and Inf.1", "AEWA/MOP6", ["AEWA/MOP 6.14", "AEWA/MOP6 Inf.1"]),
    ("Doc 11", "EUROBATS.MoP7", ["Doc.EUROBATS.MoP7.11"]),
    ("Doc 2", "ACAP/AC14", ["ACAP/AC14 Doc 02"]),
    ("Doc.1.3", "ASCOBANS/AC25", ["ASCOBANS/AC25/Doc.1.3"]),
    ("Docs 3 and 4", "UNEP/CMS/CAMI", ["UNEP/CMS/CAMI/Doc.3", "UNEP/CMS/CAMI/Doc.4"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "ctx", "symbols"), SHORT)
def test_short_references_resolve_in_the_citing_context(text, ctx, symbols):
    assert resolve(text, ctx) == symbols
    # and what a short reference resolves to is a symbol of the same shape
    assert [normalise(s) for s in symbols] == symbols


# (text, citing document's context) -> what it cites: resolutions of the context's own
# instrument by number (as the graph mints them), every other act by its full symbol
ACTS = [
    ("Res. 11.26", "UNEP/CMS/COP11", [("resolution", "11.26")]),
    ("Resolution 12.9 (Rev.COP13)", "UNEP/CMS/COP13", [("resolution", "12.9")]),
    ("Resolution 12.01", "UNEP/CMS/COP13", [("resolution", "12.1")]),
    ("Resolutions 10.21 and 10.22", "UNEP/CMS/COP11",
     [("resolution", "10.21"), ("resolution", "10.22")]),
    ("Decision 13.22", "UNEP/CMS/COP13", [("document", "UNEP/CMS/Decision 13.22")]),
    ("Decisions 12.103 to 12.104", "UNEP/CMS/COP12",
     [("document", "UNEP/CMS/Decision 12.103"), ("document", "UNEP/CMS/Decision 12.104")]),
    ("AEWA Resolution 7.1", "UNEP/CMS/COP13", [("document", "UNEP/AEWA/Resolution 7.1")]),
    ("AEWA Resolution 7.1", "AEWA/MOP7", [("resolution", "7.1")]),
    ("UNEP/AEWA/MOP7/Res. 7.1", "UNEP/CMS/COP13", [("document", "UNEP/AEWA/Resolution 7.1")]),
    ("UNEP/CMS/Resolution 12.28", "UNEP/CMS/COP13", [("resolution", "12.28")]),
    ("CMS COP Recommendation 8.16", "CMS/Sharks/MOS1",
     [("document", "UNEP/CMS/Recommendation 8.16")]),
    ("Resolution 11.24 (Rev. COP13)", "AEWA/MOP7", [("document", "UNEP/CMS/Resolution 11.24")]),
    ("CMS/Sharks/Outcome 3.8", "UNEP/CMS/COP13", [("document", "CMS/Sharks/Outcome 3.8")]),
    ("Outcome 3.8", "CMS/Sharks/MOS3", [("document", "CMS/Sharks/Outcome 3.8")]),
    ("Outcome 3.8", "UNEP/CMS/COP13", []),  # the COP adopts no outcomes
]  # fmt: skip


@pytest.mark.parametrize(("text", "ctx", "cited"), ACTS)
def test_resolutions_decisions_and_outcomes(text, ctx, cited):
    assert [(c.kind, c.value) for c in citations(text, ctx)] == cited


def test_the_documentation_examples_hold():
    assert doctest.testmod(symbols).failed == 0


@pytest.fixture(scope="module")
def row(seed_path):
    (entry,) = [e for e in parse_file(seed_path).entries if e.line == 60]
    return entry


def test_an_instrument_named_before_its_act_is_still_named(row):
    odd = dataclasses.replace(row, status_text="Parties adopted AEWA Resolution 7.1 in 2018.")
    linked, unlinked = link_entry(odd, load_gazetteer(), "UNEP/CMS/COP13")
    assert [r.value for r in linked.documents] == ["UNEP/AEWA/Resolution 7.1"]
    assert ("aewa", Role.INSTRUMENT) in {(m.entity, m.role) for m in linked.mentions}
    assert unlinked == []


def test_symbols_are_not_names(row):
    odd = dataclasses.replace(
        row,
        activity_text="See CMS/Sharks/MOS3/Doc.5.1, Doc.EUROBATS.MoP7.11 and ACAP AC14 Doc 02.",
        status_text="",
        resources_text="",
    )
    linked, unlinked = link_entry(odd, load_gazetteer(), "UNEP/CMS/COP13")
    assert unlinked == []
    assert {r.field for r in linked.documents} == {Field.ACTIVITY}
    assert len(linked.documents) == 3
