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
