"""The gazetteer covers the Family's partners: read in text by their names and acronyms."""

from __future__ import annotations

import dataclasses

import pytest

from cmsgraph.gazetteer import load_gazetteer
from cmsgraph.link import link_entry
from cmsgraph.model import Role
from cmsgraph.parse import parse_file

# The conventions of the Biodiversity Liaison Group (whc.unesco.org glossary; cms.int
# news of its 11th meeting, 2016), by name and by acronym
BLG = [
    ("the Convention on Biological Diversity", "cbd"),
    ("CBD", "cbd"),
    ("the Washington Convention", "cites"),
    ("CITES", "cites"),
    ("the Bonn Convention", "cms"),
    ("the International Treaty on Plant Genetic Resources for Food and Agriculture", "itpgrfa"),
    ("ITPGRFA", "itpgrfa"),
    ("the Convention on Wetlands", "ramsar"),
    ("Ramsar", "ramsar"),
    ("the World Heritage Convention", "whc"),
    ("WHC", "whc"),
    ("the International Plant Protection Convention", "ippc"),
    ("IPPC", "ippc"),
]

# Organisations the MoUs list as cooperating partners (where the note says it was read),
# and IGOs and NGOs that work with CMS
PARTNERS = [
    ("Humane Society International", "hsi"),  # Sharks MOU, MOS1 (2012)
    ("HSI", "hsi"),
    ("the Manta Trust", "manta-trust"),  # Sharks MOU applicants before MOS2
    ("Project AWARE", "project-aware"),
    ("Shark Advocates International", "shark-advocates-international"),
    ("the Shark Trust", "shark-trust"),
    ("Divers for Sharks", "divers-for-sharks"),  # Sharks MOU, 2020
    ("the Save Our Seas Foundation", "save-our-seas"),
    ("Fauna & Flora International", "ffi"),  # Saiga MoU
    ("FFI", "ffi"),
    ("the Frankfurt Zoological Society", "fzs"),
    ("the International Council for Game and Wildlife Conservation", "cic"),  # Bukhara Deer, Saiga
    ("CIC", "cic"),
    ("the IUCN Species Survival Commission", "iucn-ssc"),
    ("the Wildlife Conservation Society", "wcs"),
    ("WCS", "wcs"),
    ("WWF International", "wwf"),
    ("the International Crane Foundation", "icf"),  # Siberian Crane MoU
    ("ICF", "icf"),
    ("BirdLife International", "birdlife-international"),
    ("Whale and Dolphin Conservation", "wdc"),
    ("WDCS", "wdc"),
    ("OceanCare", "oceancare"),
    ("the Born Free Foundation", "born-free"),
    ("IFAW", "ifaw"),
    ("the RSPB", "rspb"),
    ("NABU", "nabu"),
    ("SPREP", "sprep"),
    ("ICES", "ices"),
    ("HELCOM", "helcom"),
    ("the Global Environment Facility", "gef"),
    ("UNESCO", "unesco"),
    ("UNDP", "undp"),
    ("the UNEP Regional Office for Africa", "unep-roa"),
    ("the World Commission on Protected Areas", "iucn-wcpa"),
    ("the Environment Agency – Abu Dhabi", "ead"),
    ("the International Whaling Commission", "iwc"),
    ("IWC", "iwc"),
]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def row(seed_path):
    (entry,) = [e for e in parse_file(seed_path).entries if e.line == 60]
    return entry


def _named(row, gazetteer, text):
    entry = dataclasses.replace(
        row, activity_text="", resources_text="", status_text=f"We met {text} in Bonn."
    )
    linked, unlinked = link_entry(entry, gazetteer, "UNEP/CMS/COP11")
    return {(m.entity, m.role) for m in linked.mentions}, unlinked


@pytest.mark.parametrize(("text", "entity"), BLG)
def test_biodiversity_liaison_group_conventions(row, gazetteer, text, entity):
    named, unlinked = _named(row, gazetteer, text)
    assert named == {(entity, Role.CONVENTION)}
    assert unlinked == []


@pytest.mark.parametrize(("text", "entity"), PARTNERS)
def test_partners_by_name_and_acronym(row, gazetteer, text, entity):
    named, unlinked = _named(row, gazetteer, text)
    assert (entity, Role.PARTNER) in named
    assert unlinked == []


def test_lower_case_phrases_are_not_partners(row, gazetteer):
    named, _ = _named(row, gazetteer, "animals born free to save our seas")
    assert named == set()


def test_every_entity_has_a_label_and_the_homepages_are_https(gazetteer):
    for entity in gazetteer.entities.values():
        assert entity.label
        assert entity.homepage is None or entity.homepage.startswith("https://")


def test_the_bundled_build_lists_no_not_linked_names(tmp_path):
    import cmsgraph

    assert cmsgraph.build(store=tmp_path / "store").not_linked == ()
