"""Facts read by hand from UNEP/CMS/COP11/Doc.16.1, shared by the tests."""

ST, MT = "2012-2014", "2015-2017"

# (source line, activity area whose table holds the row, period, sub-activity codes)
ROWS = [
    (60, "1", ST, ("1.1",)),
    (62, "1", MT, ("1.2",)),
    (68, "2", ST, ("2.1",)),  # period label on the data line, not the header
    (69, "2", ST, ("2.2",)),  # empty RESOURCES cell
    (71, "2", MT, ("2.3",)),
    (77, "3", ST, ("3.1",)),
    (79, "3", MT, ("3.2",)),
    (89, "4", ST, ("4.1", "4.4")),
    (91, "4", MT, ("4.2", "4.3", "4.4")),
    (97, "5", ST, ("5.1", "5.3", "16.3")),  # 16.3 reported in activity 5's table
    (99, "5", MT, ("5.2",)),
    (105, "6", ST, ("6.1", "6.2")),
    (107, "6", MT, ("6.3",)),
    (113, "7", ST, ("7.1",)),
    (115, "7", MT, ("7.2", "7.3")),
    (121, "8", ST, ("8.1", "8.2")),  # "(8.1 and 8.2)."
    (123, "8", MT, ("8.3",)),
    (129, "9", ST, ("9.1", "9.2")),
    (131, "9", MT, ("9.3", "9.4")),
    (137, "10", ST, ("10.1",)),
    (138, "10", MT, ("10.2",)),  # nested HTML table, repeated on lines 138-140: kept once
    (146, "11", ST, ("11.1",)),
    (148, "11", MT, ("11.2", "11.3")),
    (154, "12", ST, ("12.1", "12.2", "12.3", "12.5")),  # "(12.3 and 12.5)"
    (156, "12", MT, ("12.2", "12.4")),
    (162, "13", ST, ("13.1", "13.2")),
    (164, "13", MT, ("13.2",)),
    (170, "14", ST, ("14.1",)),
    (172, "14", MT, ("14.1",)),
    (178, "15", ST, ("15.1", "15.2")),
    (180, "15", MT, ("15.2", "15.3")),
    (186, "16", ST, ("16.1",)),
    (188, "16", MT, ("16.2",)),
]

C = "UNEP/CMS/COP11/"

# source line -> documents the row cites (full symbols)
CITES = {
    68: {"Doc.21.1"},
    69: {"Doc.21.1", "Inf.15"},
    77: {"Doc.19.1"},
    79: {"Doc.23.1.1", "Doc.23.4.6", "Doc.23.4.3", "Doc.23.4.1", "Inf.8"},
    89: {"Doc.19.1"},
    91: {"Doc.16.2", "Doc.19.2"},
    97: {"Doc.17.3", "Doc.22.3"},  # "See Docs 17.3 and 22.3 respectively"
    105: {"Doc.15.2"},
    107: {"Doc.15.2"},
    113: {"Doc.17.1"},
    121: {"Doc.22.1"},
    123: {"Doc.16.2"},
    137: {"Doc.14.1"},
    146: {"Doc.14.4"},  # in the RESOURCES cell: "See other sections and Doc 14.4"
    154: {"Doc.22.1", "Doc.22.2"},
    162: {"Doc.22.1", "Doc.20.1"},  # "See Docs 22.1"
    164: {"Doc.20.2"},
    170: {"Doc.14.4"},
    178: {"Doc.23.3.1", "Doc.14.4"},
    180: {"Doc.16.2"},
    186: {"Doc.15.2"},
    188: {"Doc.15.2"},
}


def expected_subactivities() -> set[tuple[str, str, str]]:
    """(code, activity area by numbering, period) for every code of every row."""
    return {(code, code.split(".")[0], period) for _, _, period, codes in ROWS for code in codes}


def expected_document_references() -> set[tuple[str, str]]:
    codes = {line: codes for line, _, _, codes in ROWS}
    return {(code, C + doc) for line, docs in CITES.items() for code in codes[line] for doc in docs}


# source line -> (entity, role) pairs the row names, read by hand: the facts the linker
# once missed. Row 91: "the Secretariat established a CMS/AEWA common Information,
# Communication and Outreach Team" -- the team is both Secretariats', so the row names
# AEWA. Row 60: "took part in the UN Environment Assembly (UNEA) ..., the newly
# constituted UN high-level platform for decision making on the environment" -- UNEA.
NAMES = {
    60: {("unea", "body")},
    91: {("cms-aewa-common-team", "body"), ("aewa", "instrument")},
}

# source line -> entities the row does not name, though a word of it looks like one
# (row 60's "UN high-level platform" is UNEA, not the United Nations as a partner)
NOT_NAMED = {60: {"un"}}
# Labels the named queries give, read from the rows (each checked against the text).

AREA_TITLES = {  # activity area -> title (the area table's first row, without the full stop)
    "1": "Alignment with international environmental governance reform",
    "2": "Improved partnership working",
    "3": "Enhancing scientific research and information",
    "4": "Enhance communication and seek opportunities to develop awareness of CMS Family",
    "5": "To carry out a global gap analysis at the Convention level and to assess resources "
    "appropriateness",
    "6": "Coordinated strategic plans for the CMS Family",
    "7": "Restructuring of Scientific Council to maximize expertise and knowledge capacity",
    "8": "Identify opportunities for cooperation and coordination at the local and regional "
    "level through the creation of synergies based on geography",
    "9": "Harmonization and inter-operability of information management and reporting systems "
    "where appropriate and applicable for the CMS Family",
    "10": "Strengthen the coordination and servicing of MoUs",
    "11": "Seek opportunities to coordinate meetings between institutions, working groups and "
    "across the CMS Family agreements",
    "12": "Actions to prioritize the growth of CMS and the CMS Family",
    "13": "Seek opportunities to expand and develop capacity building across the CMS Family",
    "14": "Seek opportunities to expand and enhance fundraising activities",
    "15": "Enhanced collaboration between CMS agreements via Secretariats or via merger of "
    "agreements based on either geography/ ecology or on species clusters",
    "16": "Monitoring of implementation",
}

# source line -> funders named in the RESOURCES cell (preferred labels)
ROW_FUNDERS = {
    77: {"UNEP ROE"},  # "a voluntary contribution from UNEP ROE"
    89: {"Germany", "Finland"},  # "from Germany, Finland and CMS instruments"
    105: {"UNEP DELG", "Germany", "Switzerland", "South Africa"},  # "UNEP/DELG; Germany, ..."
    121: {"EU", "Switzerland", "Germany"},  # "The EU via the GIZ has funded": GIZ is a channel
    137: {"Germany", "Finland"},  # "JPO from Germany ... JPO from Finland"
    154: {"Germany"},
    162: {"European Commission", "Finland"},  # "Voluntary contribution from EC"
}

# source line -> CMS Family instruments named anywhere in the row
ROW_INSTRUMENTS = {
    77: {"AEWA"},  # "The CMS and AEWA Secretariats"
    91: {"AEWA"},  # "a CMS/AEWA common ... Team": the team is both Secretariats' (NAMES)
    123: {"Dugong MoU", "Raptors MoU"},  # "Abu Dhabi –Dugongs and Birds of Prey"
    129: {"AEWA", "ASCOBANS", "IOSEA Marine Turtle MoU"},  # "both AEWA and IOSEA"
    131: {"AEWA"},
    137: {"Sharks MoU", "Gorilla Agreement"},
    156: {"AEWA", "West African Elephants MoU"},  # "AEWa and Elephants MoU" (sic)
    162: {"Sharks MoU", "AEWA"},
    170: {"AEWA"},  # "in cooperation with AEWA"
    178: {"AEWA"},  # "African-Eurasian Migratory Waterbird Agreement (AEWA)"
}

# source line -> organisations named as partners or actors (ACTIVITY, PROGRESS/PLAN)
ROW_PARTNERS = {
    60: {"UNEP"},  # "UNEP country and regional engagement"; the "UN ... platform" is UNEA
    68: {"UNEP Regional Offices"},
    69: {"Wild Migration"},
    77: {"IPBES", "UNEP-WCMC", "IUCN", "Wetlands International", "CAFF"},
    89: {"GIZ", "EU"},  # "(GIZ) with the financial support of the European Union"
    121: {"UNEP", "SPREP", "GIZ", "EU"},  # "the EU-funded FLERMONECA project"
    129: {"UNEP-WCMC", "European Commission"},  # "received an EC grant"
    148: {"IUCN"},
    162: {"IFAW", "FAO", "European Commission"},  # "an EC-funded project"
    186: {"UNEP-WCMC"},
}

# source line -> core-budget lines named in the RESOURCES cell
ROW_BUDGET_LINES = {
    89: {"1203", "2203"},
    105: {"3303"},
    113: {"2201"},
    121: {"1204"},
    129: {"1205"},
    137: {"1206"},
    162: {"2202"},
    170: {"5020"},
}

# provenance of 4.4 (rows 89 and 91): (period, line, relation, target, cell, text read)
PROVENANCE_4_4 = {
    (ST, 89, "cites document", C + "Doc.19.1", "status", "Doc 19.1"),
    (ST, 89, "funded by", "Finland", "resources", "Finland"),
    (ST, 89, "funded by", "Germany", "resources", "Germany"),
    (ST, 89, "has partner", "EU", "status", "European Union"),
    (ST, 89, "has partner", "GIZ", "status", "German Society for International Cooperation"),
    (ST, 89, "involves convention", "CMS", "activity", "CMS"),
    (ST, 89, "involves convention", "CMS", "status", "CMS"),
    (ST, 89, "involves convention", "CMS", "resources", "CMS"),
    (ST, 89, "mentions concept", "National Focal Points", "status", "National Focal Points"),
    (ST, 89, "mentions programme", "CMS Family Website", "status", "CMS Family website"),
    (ST, 89, "mentions programme", "FLERMONECA", "status", "FLERMONECA project"),
    (ST, 89, "uses budget line", "CMS budget line 1203", "resources", "line 1203"),
    (ST, 89, "uses budget line", "CMS budget line 2203", "resources", "line 2203"),
    (MT, 91, "cites document", C + "Doc.16.2", "status", "Doc. 16.2"),
    (MT, 91, "cites document", C + "Doc.19.2", "status", "Doc. 19.2"),
    (MT, 91, "involves body", "CMS COP", "status", "COP"),
    (MT, 91, "involves body", "CMS/AEWA Common Team", "status",
     "CMS/AEWA common Information, Communication and Outreach Team"),
    (MT, 91, "involves convention", "CMS", "activity", "CMS"),
    (MT, 91, "involves instrument", "AEWA", "status",
     "CMS/AEWA common Information, Communication and Outreach Team"),
    (MT, 91, "involves convention", "CMS", "status", "CMS"),
    (MT, 91, "mentions concept", "CMS Family", "status", "CMS Family"),
    (MT, 91, "mentions meeting", "CMS COP11", "resources", "COP11"),
    (MT, 91, "mentions meeting", "StC41", "status", "41st Standing Committee meeting"),
    (MT, 91, "mentions programme", "CMS Family Communication Strategy", "status",
     "Communication Strategy for the CMS Family"),
    (MT, 91, "mentions programme", "CMS Family Website", "activity", "CMS Family websites"),
}  # fmt: skip


def code_pairs(by_line: dict[int, set[str]]) -> set[tuple[str, str]]:
    """(code, name) for every code of every row naming ``name``."""
    codes = {line: codes for line, _, _, codes in ROWS}
    return {(code, name) for line, names in by_line.items() for code in codes[line]
            for name in names}  # fmt: skip


def expected_cited_documents() -> dict[str, tuple[int, set[str]]]:
    """document -> (rows citing it, the areas whose tables hold those rows)."""
    area = {line: area for line, area, _, _ in ROWS}
    out: dict[str, tuple[int, set[str]]] = {}
    for line, docs in CITES.items():
        for doc in docs:
            count, areas = out.get(C + doc, (0, set()))
            out[C + doc] = (count + 1, areas | {area[line]})
    return out


def expected_funders_by_activities() -> dict[str, tuple[int, int, set[str]]]:
    """funder -> (areas, rows, the areas) over the rows whose RESOURCES name it."""
    area = {line: area for line, area, _, _ in ROWS}
    out: dict[str, tuple[int, int, set[str]]] = {}
    for line, funders in ROW_FUNDERS.items():
        for funder in funders:
            _, count, areas = out.get(funder, (0, 0, set()))
            areas = areas | {area[line]}
            out[funder] = (len(areas), count + 1, areas)
    return out


def expected_instruments_sharing_partners() -> set[tuple[str, str, str]]:
    """(instrument, other, partner): two instruments each named in a row with the partner."""
    with_partner: dict[str, set[str]] = {}
    for line, partners in ROW_PARTNERS.items():
        for partner in partners:
            with_partner.setdefault(partner, set()).update(ROW_INSTRUMENTS.get(line, ()))
    return {(a, b, partner) for partner, instruments in with_partner.items()
            for a in instruments for b in instruments if a < b}  # fmt: skip
