"""Entity linking and reference extraction, against facts read from the document."""

from __future__ import annotations

import pytest
from facts import CITES, NAMES, NOT_NAMED, C

from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.link import document_refs, link_entry, link_report
from cmsgraph.model import Field, Role
from cmsgraph.parse import parse_file

# source line -> (funders, funding channels): from the RESOURCES cell only
FUNDERS = {
    60: (set(), set()),
    77: ({"unep-roe"}, set()),
    89: (
        {"DE", "FI"},
        set(),
    ),  # "voluntary contributions from Germany, Finland and CMS instruments"
    105: ({"unep-delg", "DE", "CH", "ZA"}, set()),
    121: ({"eu", "CH", "DE"}, {"giz"}),  # "The EU via the GIZ has funded ..."
    129: (set(), set()),  # "a training session by WCMC": WCMC spends, it does not fund
    137: ({"DE", "FI"}, set()),
    154: ({"DE"}, set()),
    162: ({"ec", "FI"}, set()),
}

# source line -> budget lines
LINES = {
    89: ["1203", "2203"],
    105: ["3303"],
    113: ["2201"],
    121: ["1204"],
    129: ["1205"],
    137: ["1206"],
    162: ["2202"],
    170: ["5020"],
    60: [],
}

# source line -> instruments (CMS Family Agreements and MoUs named in the row)
INSTRUMENTS = {
    77: {"aewa"},  # "The CMS and AEWA Secretariats"
    123: {"dugong-mou", "raptors-mou"},  # "Abu Dhabi –Dugongs and Birds of Prey"
    129: {"aewa", "iosea-mou", "ascobans"},
    137: {"sharks-mou", "gorilla-agreement"},
    156: {"aewa", "west-african-elephants-mou"},  # "AEWa and Elephants MoU" (sic)
    162: {"sharks-mou", "aewa"},
    60: set(),
}

# source line -> partner organisations (named in ACTIVITY or PROGRESS/PLAN)
PARTNERS_INCLUDE = {
    77: {"ipbes", "unep-wcmc", "iucn", "wetlands-international", "caff"},
    121: {"sprep", "giz"},
    129: {"unep-wcmc", "ec"},
    148: {"iucn"},
    162: {"ifaw"},
}


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def linked(seed_path, gazetteer):
    return link_report(parse_file(seed_path), gazetteer)


def _row(linked, line):
    (entry,) = [e for e in linked.entries if e.entry.line == line]
    return entry


def _ids(entry, *roles):
    return {m.entity for m in entry.mentions if m.role in roles}


@pytest.mark.parametrize(("line", "names"), sorted(NAMES.items()))
def test_rows_name_what_was_read_by_hand(linked, line, names):
    entry = _row(linked, line)
    assert names <= {(m.entity, m.role.value) for m in entry.mentions}


@pytest.mark.parametrize(("line", "entities"), sorted(NOT_NAMED.items()))
def test_rows_do_not_name_look_alikes(linked, line, entities):
    assert not entities & {m.entity for m in _row(linked, line).mentions}


@pytest.mark.parametrize(("line", "documents"), sorted(CITES.items()))
def test_cited_documents(linked, line, documents):
    assert {r.value for r in _row(linked, line).documents} == {C + d for d in documents}


def test_rows_citing_nothing(linked):
    for entry in linked.entries:
        if entry.entry.line not in CITES:
            assert entry.documents == (), entry.entry.line


@pytest.mark.parametrize(("line", "expected"), sorted(FUNDERS.items()))
def test_funders_come_from_the_resources_cell(linked, line, expected):
    entry = _row(linked, line)
    assert (_ids(entry, Role.FUNDER), _ids(entry, Role.FUNDING_CHANNEL)) == expected
    assert all(m.field is Field.RESOURCES for m in entry.mentions if m.role is Role.FUNDER)


@pytest.mark.parametrize(("line", "expected"), sorted(LINES.items()))
def test_budget_lines(linked, line, expected):
    assert [r.value for r in _row(linked, line).budget_lines] == expected


@pytest.mark.parametrize(("line", "expected"), sorted(INSTRUMENTS.items()))
def test_instruments(linked, line, expected):
    assert _ids(_row(linked, line), Role.INSTRUMENT) == expected


@pytest.mark.parametrize(("line", "expected"), sorted(PARTNERS_INCLUDE.items()))
def test_partners(linked, line, expected):
    assert expected <= _ids(_row(linked, line), Role.PARTNER)


def test_partners_and_funders_are_distinct_roles(linked):
    # Row 8.1/8.2 names GIZ as actor in its progress text and as channel in its resources
    entry = _row(linked, 121)
    assert "giz" in _ids(entry, Role.PARTNER)
    assert "giz" not in _ids(entry, Role.FUNDER)


def test_resolutions_amounts_and_resource_kinds(linked):
    assert [r.value for r in _row(linked, 69).resolutions] == ["10.21"]
    (amount,) = _row(linked, 99).amounts
    assert (amount.value, amount.currency, amount.text) == ("25000", "EUR", "€25,000")
    assert _row(linked, 60).resource_kinds == ("core-budget", "staff-time")
    assert "pending-budget-decision" in _row(linked, 62).resource_kinds
    assert _row(linked, 69).resource_kinds == ()


def test_meetings_and_countries(linked):
    assert "cms-stc41" in _ids(_row(linked, 91), Role.MEETING)  # "41st Standing Committee meeting"
    assert "cms-scc18" in _ids(
        _row(linked, 97), Role.MEETING
    )  # "18th meeting of the Scientific Council"
    assert {"ZA", "KG"} <= _ids(_row(linked, 146), Role.COUNTRY)


def test_prose_mentions_and_references(linked):
    assert {"aewa", "acap", "ascobans", "eurobats", "sharks-mou"} <= set(linked.document_mentions)
    assert {C + "Doc.14.1", C + "Doc.14.2", C + "Doc.14.4"} <= set(linked.document_refs)


def test_bundled_document_has_no_unlinked_names(linked):
    assert [u.text for u in linked.unlinked] == []


def test_unknown_names_are_reported(gazetteer, linked):
    entry = _row(linked, 60).entry
    import dataclasses

    odd = dataclasses.replace(
        entry, status_text="Met the Flyway Friends Network and the ZQXW Secretariat in Bonn."
    )
    _, unlinked = link_entry(odd, gazetteer, "UNEP/CMS/COP11")
    assert "Flyway Friends Network" in unlinked
    assert "ZQXW" in unlinked


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("See Doc 21.1.", ["Doc.21.1"]),
        ("See Doc. 16.2", ["Doc.16.2"]),
        ("See Docs 17.3 and 22.3 respectively", ["Doc.17.3", "Doc.22.3"]),
        ("see Inf.15.", ["Inf.15"]),
        ("Flyways (Doc.23.1.1); Debris (Doc.23.4.6)", ["Doc.23.1.1", "Doc.23.4.6"]),
        ("in UNEP/CMS/COP11/Doc.14.1 and UNEP/CMS/COP10/Inf.10.2", None),
    ],
)
def test_document_reference_forms(text, symbols):
    found = [r.value for r in document_refs(text, Field.STATUS, "UNEP/CMS/COP11")]
    if symbols is None:
        assert found == ["UNEP/CMS/COP11/Doc.14.1", "UNEP/CMS/COP10/Inf.10.2"]
    else:
        assert found == [C + s for s in symbols]


def test_gazetteer_holds_every_cms_family_instrument(gazetteer):
    agreements = {e.id for e in gazetteer.by_type("Agreement")}
    mous = gazetteer.by_type("MoU")
    assert {"aewa", "ascobans", "eurobats", "acap", "accobams", "gorilla-agreement"} <= agreements
    assert len(agreements) == 7 and len(mous) == 19
    assert all(e.instrument_of == "cms" for e in gazetteer.by_type("Agreement", "MoU"))


def test_countries_come_from_pycountry(gazetteer):
    countries = gazetteer.by_type("Country")
    assert len(countries) >= 249
    assert gazetteer.entities["KG"].label == "Kyrgyzstan"


def test_amounts_meeting_codes_and_generic_acronyms_are_not_unknown_names(gazetteer, linked):
    import dataclasses

    entry = dataclasses.replace(
        _row(linked, 60).entry,
        status_text="The Steppe Eagle MoU got USD 10,000 and US$ 5,000 at COP13 and MOP6.",
    )
    _, unlinked = link_entry(entry, gazetteer, "UNEP/CMS/COP11")
    assert unlinked == ["Steppe Eagle MoU"]
