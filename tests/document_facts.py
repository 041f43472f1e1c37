"""Facts read by hand from the documents written for the tests (``support/documents.py``)."""

from __future__ import annotations

from typing import NamedTuple

# --- the AEWA activity report ---------------------------------------------------------------

AEWA_SYMBOL = "UNEP/AEWA/StC15/Doc.9"
ST, MT = "2016-2018", "2019-2021"

# (area, period, index, codes, status kind)
AEWA_ENTRIES = [
    ("1", ST, 1, ("1.1",), "progress"),
    ("1", ST, 2, ("1.2", "1.3"), "progress"),  # "(1.2 and 1.3)"
    ("1", MT, 1, ("1.4",), "plan"),
    ("2", ST, 1, ("2.1",), "progress"),
]
# codes of a row -> what its cells link to
AEWA_LINKS = {
    ("1.1",): {
        "funder": {"DE"},
        "partner": {"wetlands-international", "birdlife-international"},  # "BirdLife partners"
        "documents": {"UNEP/AEWA/StC15/Doc.8.1"},
        "budget_lines": {"2201"},
        "amounts": {("45000", "EUR")},
        "footnotes": ("1 Held in Senegal, Kenya and Tanzania.",),
    },
    ("1.2", "1.3"): {
        "funder": {"ec"},
        "funding-channel": {"giz"},
        "partner": {"unep-wcmc"},
    },
    ("1.4",): {"documents": {"UNEP/AEWA/StC15/Inf.3"}},
    ("2.1",): {"funder": {"CH", "NO"}},
}
AEWA_AREAS = [
    (
        "1",
        "Flyway-scale capacity building",
        ("To train national staff.", "To share monitoring methods."),
    ),
    (
        "2",
        "Monitoring of waterbird populations",
        ("To support the International Waterbird Census.",),
    ),
]


# --- the programme of work with the Sharks MOU's columns -----------------------------------

SHARKS_SYMBOL = "UNEP/CMS/Sharks/MOS3/Doc.8.2"
SHARKS_COLUMNS = [
    ("number", "No."),
    ("activity", "Activities"),
    ("mandate", "Mandate"),
    ("priority", "Priority ranking"),
    ("timeframe", "Time frame"),
    ("responsible", "Responsible entity"),
    ("resources", "Funding"),
]
SHARKS_GROUPS = [
    ("1", "Research, monitoring and information exchange"),
    ("2", "Conservation and management"),
    ("3", "Capacity building"),
]
# number -> (group number, priority, time frame)
SHARKS_ACTIVITIES = {
    "1.1": ("1", "High", "2019-2020"),
    "1.2": ("1", "Medium", "2019-2021"),
    "1.3": ("1", "High", "2020"),
    "2.1": ("2", "High", "2020"),
    **{f"2.{n}": ("2", "Medium", "Ongoing") for n in range(2, 8)},
    "3.1": ("3", "Low", "2021"),
}
SEC = "sharks-mou-interim-secretariat"  # the gazetteer's body of the MOU
AC = "sharks-mou-advisory-committee"  # bodies the legend defines, the gazetteer lacks
SIG = "sharks-mou-signatories"
COOP = "sharks-mou-cooperating-partners"
CWG = "sharks-mou-conservation-working-group"
# abbreviation -> (expansion, entity, defined in a footnote?)
SHARKS_ABBREVIATIONS = {
    "SEC": ("Secretariat", SEC, False),
    "AC": ("Advisory Committee", AC, False),
    "SIG": ("Signatories", SIG, False),
    "CooP": ("Cooperating Partners", COOP, False),
    "CWG": ("Conservation Working Group", CWG, True),
}
# number -> citations (kind, value) of its Mandate cell. In a MoU's document "Res." and
# "Decision" cite CMS's acts (a MoU adopts outcomes only), "Outcome" the MoU's own.
SHARKS_CITATIONS = {
    "1.1": {("outcome", "CMS/Sharks/Outcome 3.8"), ("resolution", "UNEP/CMS/Resolution 11.26")},
    "1.2": {("outcome", "CMS/Sharks/Outcome 3.2"), ("document", "UNEP/CMS/COP12/Doc.21.2")},
    "1.3": {("resolution", "UNEP/CMS/Resolution 12.22")},
    "2.1": {("decision", "UNEP/CMS/Decision 12.45"), ("outcome", "CMS/Sharks/Outcome 3.9")},
    "2.4": {("outcome", "CMS/Sharks/Outcome 2.1")},
    "3.1": {("outcome", "CMS/Sharks/Outcome 3.8")},
}
# number -> (responsible entities, funders, partners named in the activity, amounts)
SHARKS_LINKS = {
    "1.1": ({AC, SEC}, {"DE"}, {"fao", "iucn"}, {("40000", "EUR")}),
    "1.2": ({SEC, SIG}, set(), set(), set()),
    "1.3": ({CWG}, set(), set(), set()),
    "2.1": ({SEC, COOP}, {"MC", "SE"}, set(), {("25000", "USD")}),
    "2.5": ({SIG}, set(), set(), set()),
    "3.1": ({COOP, SEC}, {"ec"}, {"ifaw"}, set()),
}


# --- the work plan with ASCOBANS' columns ---------------------------------------------------

ASCOBANS_SYMBOL = "ASCOBANS/AC25/Doc.2.1"  # printed "AC25/Doc.2.1", the older form
ASCOBANS_COLUMNS = [
    ("activity", "Work plan activity"),
    ("mandate", "Link to extant resolutions"),
    ("responsible", "Action by"),
    ("timeframe", "Timing"),
    ("status", "Status"),
    ("related-documents", "Related documents"),
]
ASCOBANS_GROUPS = [(None, "Bycatch"), (None, "Underwater noise")]
# number (from the activity text) -> (group, timing, status, citations, responsible)
ASCOBANS_ACTIVITIES = {
    "1": (
        1,
        "Annual",
        "Ongoing",
        {
            ("resolution", "8.5"),
            ("document", "ASCOBANS/AC24/Doc.4.1"),
            ("document", "ASCOBANS/AC25/Doc.2.2"),
        },
        {"ascobans-ac"},
    ),
    "2": (1, "2020-2021", "Started", {("resolution", "8.5"), ("resolution", "8.6")}, set()),
    "3": (
        2,
        "By AC27",
        "Not started",
        {("resolution", "8.11"), ("document", "UNEP/CMS/COP12/Doc.24.2.2")},
        {"ascobans-joint-noise-working-group", "ascobans-ac"},
    ),
}


# --- the meeting document in prose ---------------------------------------------------------

PROSE_SYMBOL = "UNEP/CMS/COP12/Doc.21.2"
# (paragraph, exact text, what it is: an entity id, or citation kind:value, or amount)
# Paragraph numbers count the document's paragraphs (its header lines are paragraphs
# 1-10); the footnote is paragraph 19 (at the page foot, after the text).
PROSE_MENTIONS = [
    (1, "CONVENTION ON MIGRATORY SPECIES", "cms"),
    (7, "Philippines", "PH"),
    (12, "Conference of the Parties", "cms-cop"),
    (12, "Resolution 11.20", "resolution:11.20"),
    (12, "Sharks MoU Interim Secretariat", "sharks-mou-interim-secretariat"),
    (12, "Sharks MoU Interim Secretariat", "sharks-mou"),
    (12, "UNEP/CMS/COP12/Inf.11", "document:UNEP/CMS/COP12/Inf.11"),
    (13, "Germany", "DE"),
    (13, "Monaco", "MC"),
    (13, "IUCN", "iucn"),
    (13, "€120,000", "amount:120000 EUR"),
    (14, "FAO", "fao"),
    (14, "European Commission", "ec"),
    (14, "Doc 21.1", "document:UNEP/CMS/COP12/Doc.21.1"),
    (14, "Decision 12.45", "decision:UNEP/CMS/Decision 12.45"),
    (18, "Res. 12.22", "resolution:12.22"),
    (19, "International Union for Conservation of Nature", "iucn"),
    (19, "Switzerland", "CH"),
]
# (table, row, cell, exact text, what)
PROSE_CELL_MENTIONS = [
    (1, 2, 1, "Germany", "DE"),
    (1, 2, 2, "€100,000", "amount:100000 EUR"),
    (1, 3, 1, "Monaco", "MC"),
    (1, 3, 2, "€20,000", "amount:20000 EUR"),
]


# --- the Sharks MOU's next programme of work (MOS4) -----------------------------------------

SHARKS_LATER_SYMBOL = "UNEP/CMS/Sharks/MOS4/Doc.8.2"
# Both are versions of one programme: the MOU's (cmsg:reportsOnProgramme), in this order
SHARKS_PROGRAMME_IRI = "https://w3id.org/cmsgraph/id/programme-of-work/sharks-mou"
SHARKS_PROGRAMME_LABEL = "Sharks MoU programme of work"
# MOS3 opened on 10 December 2018 (its document: 14 November 2018), MOS4 on 14 February
# 2022 (7 January 2022): cmsg:orderKey, YYYYMMDD of the meeting then of the document
SHARKS_ORDER = {SHARKS_SYMBOL: 2018_12_10_2018_11_14, SHARKS_LATER_SYMBOL: 2022_02_14_2022_01_07}
# number -> (group number, priority, time frame), as in SHARKS_ACTIVITIES
SHARKS_LATER_ACTIVITIES = {
    "1.1": ("1", "High", "2022-2023"),
    "1.2": ("1", "Medium", "2019-2021"),
    "1.4": ("1", "High", "2020"),  # 1.3, renumbered
    "2.1": ("2", "High", "2020"),
    **{f"2.{n}": ("2", "Medium", "Ongoing") for n in range(2, 7)},  # 2.7 dropped
    "3.1": ("3", "Low", "2021"),
    "3.2": ("3", "Medium", "2022-2023"),  # new
}


class ActivityChange(NamedTuple):
    """How one activity changes from the MOS3 programme to the MOS4 one (by number)."""

    change: str  # "continued" | "new" | "dropped"
    funders_added: tuple[str, ...] = ()
    funders_removed: tuple[str, ...] = ()
    responsible_added: tuple[str, ...] = ()
    responsible_removed: tuple[str, ...] = ()
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()


SHARKS_CHANGES = {
    # "Voluntary contribution from Germany (€40,000)" -> "... from Norway (€40,000)"
    "1.1": ActivityChange("continued", ("Norway",), ("Germany",)),
    # Responsible "SEC, SIG" -> "SEC, AC"; Mandate "Outcome 3.2; UNEP/CMS/COP12/Doc.21.2"
    # -> "Outcome 3.2; UNEP/CMS/COP13/Doc.26.2.2"
    "1.2": ActivityChange(
        "continued",
        responsible_added=("Sharks MoU Advisory Committee",),
        responsible_removed=("Sharks MoU Signatories",),
        documents_added=("UNEP/CMS/COP13/Doc.26.2.2",),
        documents_removed=("UNEP/CMS/COP12/Doc.21.2",),
    ),
    "1.3": ActivityChange("dropped"),  # "Review the list of species in Annex 1 ..." ...
    "1.4": ActivityChange("new"),  # ... now numbered 1.4, word for word
    **{f"2.{n}": ActivityChange("continued") for n in range(1, 7)},
    "2.7": ActivityChange("dropped"),  # national plan of action number 6: gone
    "3.1": ActivityChange("continued"),
    "3.2": ActivityChange("new"),  # "Develop an e-learning module ... customs officers."
}
SHARKS_RENUMBERED = [("1.3", "1.4")]  # proposed by text similarity (1.00), never merged
