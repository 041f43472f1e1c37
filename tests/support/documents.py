"""Documents written for the tests, laid out once and rendered in every format.

* ``AEWA_REPORT``: an activity report of the AEWA Standing Committee (two activity
  areas, two periods, a row naming two codes, a footnote, list items in cells, a
  period label spanning its header and first row).
* ``SHARKS_PROGRAMME``: a programme of work with the Sharks MOU's columns, section
  headings spanning the table, a legend of abbreviations, an abbreviation defined in
  a footnote; long enough to run over pages in PDF (its header row repeated).
* ``SHARKS_PROGRAMME_LATER``: the MOU's next programme of work (MOS4), the first with
  known changes: activities new, dropped and renumbered, a funder swapped, a
  responsible entity and a cited document replaced, a time frame changed.
* ``ASCOBANS_WORK_PLAN``: a work plan with ASCOBANS' columns (no number column).
* ``PROSE``: a Secretariat report in prose, with a footnote, a list and a small table.

The facts read from them by hand are in ``tests/document_facts.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from support.render import Layout, Para, TCell, TTable, to_docx, to_html, to_pdf, to_txt

FORMATS: dict[str, Callable[[Layout], bytes]] = {
    "txt": to_txt,
    "pdf": to_pdf,
    "docx": to_docx,
    "html": to_html,
}


def _h(*texts: str) -> list[TCell]:
    return [TCell([t], bold=True) for t in texts]


def _c(*texts: str) -> list[TCell]:
    return [TCell([t] if t else []) for t in texts]


def _header(*lines: str) -> list[Para | TTable]:
    return [Para(line) for line in lines]


# --- an activity report -------------------------------------------------------------------

AEWA_REPORT = Layout(
    [
        *_header(
            "AGREEMENT ON THE CONSERVATION OF AFRICAN-EURASIAN MIGRATORY WATERBIRDS",
            "Distribution: General",
            "UNEP/AEWA/StC15/Doc.9",
            "2 May 2019",
            "Original: English",
            "15th MEETING OF THE STANDING COMMITTEE",
            "Bonn, Germany, 3-4 July 2019",
            "Agenda Item 9",
            "REPORT ON THE ACTIVITIES UNDER RESOLUTION 6.14",
            "Summary:",
            "This document reports on activities in the short term (2016-2018) and plans "
            "for the medium term (2019-2021).",
            "(Prepared by the UNEP/AEWA Secretariat)",
        ),
        TTable(
            [
                _h("NR.", "ACTIVITY", "DESCRIPTION"),
                [
                    TCell(["1"]),
                    TCell(["Flyway-scale capacity building."]),
                    TCell(
                        ["To train national staff.", "To share monitoring methods."],
                        bullets=True,
                    ),
                ],
            ],
            [1, 5, 9],
        ),
        TTable(
            [
                [
                    TCell(["SHORT TERM: BY 2018"], bold=True, rowspan=2),
                    *_h("ACTIVITY", "PROGRESS ON IMPLEMENTATION", "RESOURCES"),
                ],
                [
                    TCell(["Train the trainers in the African region. (1.1)"]),
                    TCell(
                        [
                            "Three workshops were held with Wetlands International and "
                            "BirdLife partners; see Doc 8.1.",
                            "The manual was translated into French.",
                        ],
                        notes=[("1", "Held in Senegal, Kenya and Tanzania.")],
                    ),
                    TCell(
                        ["Voluntary contribution from Germany (€45,000); core budget line 2201."]
                    ),
                ],
                [
                    TCell([]),
                    TCell(["Develop an online course. (1.2 and 1.3)"]),
                    TCell(["Course published with UNEP-WCMC."]),
                    TCell(["Voluntary contribution from the European Commission via the GIZ."]),
                ],
                [
                    TCell(["MEDIUM TERM: BY 2021"], bold=True),
                    *_h("ACTIVITY", "PLAN", "RESOURCES"),
                ],
                [
                    TCell([]),
                    TCell(["Extend the course to Central Asia. (1.4)"]),
                    TCell(["Will be done with the CMS Secretariat, see Inf.3."]),
                    TCell(["Staff time (pending decision of MOP7)."]),
                ],
            ],
            [3.4, 4.6, 5.6, 3.2],
            header_rows=1,
        ),
        TTable(
            [
                _h("NR.", "ACTIVITY", "DESCRIPTION"),
                [
                    TCell(["2"]),
                    TCell(["Monitoring of waterbird populations."]),
                    TCell(["To support the International Waterbird Census."], bullets=True),
                ],
            ],
            [1, 5, 9],
        ),
        TTable(
            [
                [
                    TCell(["SHORT TERM: BY 2018"], bold=True),
                    *_h("ACTIVITY", "PROGRESS ON IMPLEMENTATION", "RESOURCES"),
                ],
                [
                    TCell([]),
                    TCell(["Support census coordinators. (2.1)"]),
                    TCell(["Small grants were awarded in 12 countries."]),
                    TCell(["Voluntary contributions from Switzerland and Norway."]),
                ],
            ],
            [3.4, 4.6, 5.6, 3.2],
            header_rows=1,
        ),
    ],
    running_header="UNEP/AEWA/StC15/Doc.9",
)


# --- a programme of work with the Sharks MOU's columns --------------------------------------

_SHARKS_COLUMNS = _h(
    "No.", "Activities", "Mandate", "Priority ranking", "Time frame", "Responsible entity",
    "Funding",
)  # fmt: skip


def _group(text: str, width: int = 7) -> list[TCell]:
    return [TCell([text], bold=True, colspan=width)]


_FILLER = (
    "This includes the collection of landings, discards and trade data, their review "
    "by the Advisory Committee and publication on the website of the MOU."
)


def _sharks(header: list[str], rows: list[list[TCell]]) -> Layout:
    """A programme of work of the Sharks MOU: its header lines (the symbol third), its
    table of activities, its legend."""
    return Layout(
        [
            *_header(*header),
            TTable([_SHARKS_COLUMNS, *rows], [0.6, 3.7, 2.8, 1.3, 1.3, 1.6, 2.4], header_rows=1),
            Para(
                "Legend: SEC = Secretariat; AC = Advisory Committee; SIG = Signatories; "
                "CooP = Cooperating Partners"
            ),
        ],
        running_header=header[2],
        landscape=True,
    )


def _database(mandate: str, responsible: str) -> list[TCell]:  # activity 1.2
    return [
        TCell(["1.2"]),
        TCell(["Develop a database of shark and ray bycatch data.", _FILLER]),
        TCell([mandate]),
        TCell(["Medium"]),
        TCell(["2019-2021"]),
        TCell([responsible], notes=[("1", "CWG = Conservation Working Group")]),
        TCell(["Core budget"]),
    ]


def _national_plans(last: int) -> list[list[TCell]]:  # activities 2.2 ... 2.{last}
    return [
        _c(
            f"2.{n}",
            f"Support Signatories in implementing national plan of action number "
            f"{n - 1}. {_FILLER}",
            "CMS/Sharks/Outcome 2.1",
            "Medium",
            "Ongoing",
            "SIG",
            "",
        )
        for n in range(2, last + 1)
    ]


def _mediterranean(timeframe: str, funder: str) -> list[TCell]:  # activity 1.1
    return _c(
        "1.1",
        "Compile information on the status of migratory shark populations in "
        "the Mediterranean, in cooperation with FAO and IUCN.",
        "CMS/Sharks/Outcome 3.8; Res. 11.26",
        "High",
        timeframe,
        "AC, SEC",
        f"Voluntary contribution from {funder} (€40,000)",
    )


_ANNEX_1 = "Review the list of species in Annex 1 with the CWG."
_WEST_AFRICA = _c(
    "2.1",
    "Organize a workshop on CITES listings for sharks and rays in West Africa.",
    "Decision 12.45; CMS/Sharks/Outcome 3.9",
    "High",
    "2020",
    "SEC, CooP",
    "Monaco and Sweden; USD 25,000 still needed",
)
_OBSERVERS = _c(
    "3.1",
    "Train fisheries observers in the Indian Ocean with IFAW.",
    "CMS/Sharks/Outcome 3.8",
    "Low",
    "2021",
    "CooP, SEC",
    "European Commission",
)

SHARKS_PROGRAMME = _sharks(
    [
        "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION OF MIGRATORY SHARKS",
        "Distribution: General",
        "UNEP/CMS/Sharks/MOS3/Doc.8.2",
        "14 November 2018",
        "Original: English",
        "THIRD MEETING OF THE SIGNATORIES",
        "Monaco, 10-14 December 2018",
        "Agenda Item 8.2",
        "PROGRAMME OF WORK FOR THE PERIOD 2019-2021",
        "(Prepared by the Secretariat)",
        "1. The Signatories adopted this Programme of Work by CMS/Sharks/Outcome 3.1.",
    ],
    [
        _group("1. Research, monitoring and information exchange"),
        _mediterranean("2019-2020", "Germany"),
        _database("Outcome 3.2; UNEP/CMS/COP12/Doc.21.2", "SEC, SIG"),
        _c("1.3", _ANNEX_1, "Res. 12.22", "High", "2020", "CWG", ""),
        _group("2. Conservation and management"),
        _WEST_AFRICA,
        *_national_plans(7),
        _group("3. Capacity building"),
        _OBSERVERS,
    ],
)

# The next programme (document_facts.SHARKS_LATER_CHANGES): 1.1 funded by Norway instead
# of Germany, in 2022-2023; 1.2 by the Secretariat and the Advisory Committee (no longer
# the Signatories), mandated by a COP13 document instead of a COP12 one; 1.3 renumbered
# 1.4, its text the same; 2.7 dropped; 3.2 new; everything else as it was.
SHARKS_PROGRAMME_LATER = _sharks(
    [
        "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION OF MIGRATORY SHARKS",
        "Distribution: General",
        "UNEP/CMS/Sharks/MOS4/Doc.8.2",
        "7 January 2022",
        "Original: English",
        "FOURTH MEETING OF THE SIGNATORIES",
        "Bonn, Germany, 14-18 February 2022",
        "Agenda Item 8.2",
        "PROGRAMME OF WORK FOR THE PERIOD 2022-2024",
        "(Prepared by the Secretariat)",
        "1. The Signatories adopted this Programme of Work by CMS/Sharks/Outcome 4.1.",
    ],
    [
        _group("1. Research, monitoring and information exchange"),
        _mediterranean("2022-2023", "Norway"),
        _database("Outcome 3.2; UNEP/CMS/COP13/Doc.26.2.2", "SEC, AC"),
        _c("1.4", _ANNEX_1, "Res. 12.22", "High", "2020", "CWG", ""),
        _group("2. Conservation and management"),
        _WEST_AFRICA,
        *_national_plans(6),
        _group("3. Capacity building"),
        _OBSERVERS,
        _c(
            "3.2",
            "Develop an e-learning module on shark identification for customs officers.",
            "CMS/Sharks/Outcome 4.4",
            "Medium",
            "2022-2023",
            "SEC",
            "Voluntary contribution from Australia",
        ),
    ],
)


# --- a work plan with ASCOBANS' columns -----------------------------------------------------

ASCOBANS_WORK_PLAN = Layout(
    [
        *_header(
            "ASCOBANS",
            "AC25/Doc.2.1",
            "25th ASCOBANS Advisory Committee Meeting",
            "Stralsund, Germany, 17-19 September 2019",
            "WORK PLAN OF THE ADVISORY COMMITTEE 2020-2023",
        ),
        TTable(
            [
                _h(
                    "Work plan activity",
                    "Link to extant resolutions",
                    "Action by",
                    "Timing",
                    "Status",
                    "Related documents",
                ),
                _group("Bycatch", 6),
                _c(
                    "1. Review new information on bycatch of harbour porpoises.",
                    "Res. 8.5",
                    "AC, Parties",
                    "Annual",
                    "Ongoing",
                    "AC24/Doc.4.1; AC25/Doc.2.2",
                ),
                _c(
                    "2. Cooperate with HELCOM on bycatch reduction measures.",
                    "Res. 8.5; Res. 8.6",
                    "Secretariat",
                    "2020-2021",
                    "Started",
                    "",
                ),
                _group("Underwater noise", 6),
                _c(
                    "3. Update the noise guidelines with the JNG.",
                    "Resolution 8.11",
                    "JNG, AC",
                    "By AC27",
                    "Not started",
                    "UNEP/CMS/COP12/Doc.24.2.2",
                ),
            ],
            [3.4, 2.2, 1.6, 1.3, 1.3, 3.2],
            header_rows=1,
        ),
        Para("Abbreviations: AC = Advisory Committee; JNG = Joint Noise Working Group."),
    ],
    running_header="AC25/Doc.2.1",
    landscape=True,
)


# --- a meeting document in prose -----------------------------------------------------------

PROSE = Layout(
    [
        *_header(
            "CONVENTION ON MIGRATORY SPECIES",
            "Distribution: General",
            "UNEP/CMS/COP12/Doc.21.2",
            "10 August 2017",
            "Original: English",
            "12th MEETING OF THE CONFERENCE OF THE PARTIES",
            "Manila, Philippines, 23-28 October 2017",
            "Agenda Item 21.2",
            "CONSERVATION OF MIGRATORY SHARKS AND RAYS",
            "(Prepared by the Secretariat)",
        ),
        Para("Background", "heading"),
        Para(
            "1. At its 11th meeting the Conference of the Parties adopted Resolution 11.20 "
            "on the conservation of migratory sharks and rays. The Sharks MoU Interim "
            "Secretariat reported progress in UNEP/CMS/COP12/Inf.11."
        ),
        Para(
            "2. Germany and Monaco provided voluntary contributions of €120,000 to this work, "
            "channelled through IUCN.",
            notes=[("1", "International Union for Conservation of Nature, Gland, Switzerland.")],
        ),
        Para(
            "3. The Secretariat cooperated with FAO and the European Commission; see Doc 21.1 "
            "and Decision 12.45."
        ),
        TTable(
            [_h("Contributor", "Amount"), _c("Germany", "€100,000"), _c("Monaco", "€20,000")],
            [3, 2],
        ),
        Para("Recommended actions", "heading"),
        Para("The Conference of the Parties is invited to:"),
        Para("(a) take note of this report;", "list"),
        Para("(b) adopt the draft decisions in Annex 1, in line with Res. 12.22.", "list"),
    ],
    running_header="UNEP/CMS/COP12/Doc.21.2",
)

DOCUMENTS: dict[str, Layout] = {
    "aewa-report": AEWA_REPORT,
    "sharks-programme": SHARKS_PROGRAMME,
    "sharks-programme-later": SHARKS_PROGRAMME_LATER,
    "ascobans-work-plan": ASCOBANS_WORK_PLAN,
    "prose": PROSE,
}
