"""Generate a corpus of synthetic CMS activity reports in the seed's format (issue 6).

    python benchmarks/make_corpus.py --reports N --out DIR [--seed S] [--one-programme]

Writes ``DIR/report-0001.txt`` ... and ``DIR/corpus.json`` (what each report holds, so
tests and benchmarks can check the build against it). The reports imitate
UNEP/CMS/COP11/Doc.16.1 (``data/sources/``): a cover page, a summary stating the
periods, then per activity area an ``NR. ACTIVITY DESCRIPTION`` table and its SHORT
TERM / MEDIUM TERM (sometimes LONG TERM) sections, with the seed's irregularities at
about the seed's frequencies (see ``_P``). N = 1,000 gives about 40 MB.

Determinism: every random choice comes from a ``random.Random`` seeded with a string
built from the seed and what is being drawn (the report's index, the resolution whose
activity programme is described, the meeting) -- never the global generator, never
hash order. The same N and seed give byte-identical files; report *i* is the same in
every corpus of at least *i* reports made with the same seed (document symbols are
drawn in index order). The names come from the bundled gazetteer and pycountry, so a
change of either changes the corpus; ``corpus.json`` records the gazetteer's SHA-256.

Reports on the same resolution describe the same activity programme (area titles,
sub-activity codes and texts), as real reports do; what varies between them is the
meeting, the progress and plans, resources, references and layout.

Importable (with ``benchmarks/`` on ``sys.path``): ``from make_corpus import generate``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "MAX_SUCCESSIVE", "generate", "main"]

MANIFEST = "corpus.json"

# Probabilities of the irregularities, per report, area, section or row (seed frequency
# in the comment: UNEP/CMS/COP11/Doc.16.1 has 16 areas, 32 sections, 33 rows).
_P = {
    "crlf": 0.2,  # per report: CRLF line ends (the brief: 1 in 5)
    "bom": 0.02,  # per report: a UTF-8 byte-order mark (Windows exports)
    "label_on_data_line": 0.2,  # per section (seed 5 of 32)
    "nested_table": 1 / 16,  # per area: nested <table> repeated flat (seed 1 of 16)
    "footnotes": 1 / 16,  # per area: footnote markers and their lines (seed 1 of 16)
    "empty_resources": 0.04,  # per row (seed 1 of 33)
    "empty_status": 0.01,  # per row
    "padding": 0.02,  # per line: trailing empty cells (seed: the nested-table area)
    "one_row_section": 0.85,  # per section with several codes: one row (seed 14 of 15)
    "long_term": 0.15,  # per programme: some areas also have a LONG TERM section
    "ordinal_split": 0.3,  # per ordinal written: "18 th" instead of "18th"
    "unknown_partner": 0.12,  # per partner slot: a name the gazetteer does not know
    "unknown_funder": 0.08,  # per funder slot
    "inf_symbol": 0.05,  # per report: an information document (Inf.N) not a Doc.N
}
_FOREIGN_CODES = (0, 0, 1, 1, 1, 2)  # per programme: codes reported in another area's table


# --- meetings and document symbols -------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """A series of meetings whose documents are numbered ``UNEP/<ACR>/<Series><n>/Doc.x``."""

    acronym: str  # "CMS", "AEWA" ...
    series: str  # "COP", "StC", "MOP" ...
    numbers: range
    weight: float  # share of the corpus
    heading: str  # "{ord} MEETING OF THE CONFERENCE OF THE PARTIES"
    banner: str  # first line of the cover page
    secretariat: str  # "(Prepared by the ...)"
    year: Callable[[int], int]  # the year of meeting n
    adopts: str | None  # the series whose resolutions its reports report on, None: none


_COP_YEARS = {8: 2005, 9: 2008, 10: 2011, 11: 2014, 12: 2017, 13: 2020, 14: 2024}
_COP_PLACES = {
    9: ("Rome, Italy", 1, 12),
    10: ("Bergen, Norway", 20, 11),
    11: ("Quito, Ecuador", 4, 11),
    12: ("Manila, Philippines", 23, 10),
    13: ("Gandhinagar, India", 17, 2),
    14: ("Samarkand, Uzbekistan", 12, 2),
}
_VENUES = (
    "Bonn, Germany", "Geneva, Switzerland", "Nairobi, Kenya", "La Rochelle, France",
    "Durban, South Africa", "Abu Dhabi, United Arab Emirates", "Monaco, Monaco",
    "Trondheim, Norway", "Helsinki, Finland", "Bergen, Norway", "Brasília, Brazil",
    "Apia, Samoa", "Dakar, Senegal", "Tashkent, Uzbekistan", "Bangkok, Thailand",
    "Cairns, Australia", "Sofia, Bulgaria", "Oslo, Norway", "Costa Rica, Costa Rica",
)  # fmt: skip
_SERIES = (
    _Series("CMS", "COP", range(9, 15), 40, "{ord} MEETING OF THE CONFERENCE OF THE PARTIES",
            "CONVENTION ON MIGRATORY SPECIES", "UNEP/CMS Secretariat",
            _COP_YEARS.__getitem__, "COP"),
    _Series("CMS", "StC", range(36, 54), 15, "{ord} MEETING OF THE STANDING COMMITTEE",
            "CONVENTION ON MIGRATORY SPECIES", "UNEP/CMS Secretariat",
            lambda n: 2010 + (n - 36) // 2, "COP"),
    _Series("CMS", "ScC", range(15, 19), 8, "{ord} MEETING OF THE SCIENTIFIC COUNCIL",
            "CONVENTION ON MIGRATORY SPECIES", "UNEP/CMS Secretariat",
            {15: 2008, 16: 2010, 17: 2011, 18: 2014}.__getitem__, "COP"),
    _Series("AEWA", "MOP", range(3, 9), 8, "{ord} SESSION OF THE MEETING OF THE PARTIES",
            "AGREEMENT ON THE CONSERVATION OF AFRICAN-EURASIAN MIGRATORY WATERBIRDS",
            "UNEP/AEWA Secretariat",
            {2: 2002, 3: 2005, 4: 2008, 5: 2012, 6: 2015, 7: 2018, 8: 2022}.__getitem__, "MOP"),
    _Series("AEWA", "StC", range(7, 17), 4, "{ord} MEETING OF THE STANDING COMMITTEE",
            "AGREEMENT ON THE CONSERVATION OF AFRICAN-EURASIAN MIGRATORY WATERBIRDS",
            "UNEP/AEWA Secretariat", lambda n: 2004 + n, "MOP"),
    _Series("EUROBATS", "MoP", range(5, 10), 4, "{ord} SESSION OF THE MEETING OF THE PARTIES",
            "AGREEMENT ON THE CONSERVATION OF POPULATIONS OF EUROPEAN BATS",
            "UNEP/EUROBATS Secretariat", lambda n: 1991 + 3 * n, "MoP"),
    _Series("ASCOBANS", "MOP", range(5, 10), 4, "{ord} MEETING OF THE PARTIES",
            "AGREEMENT ON THE CONSERVATION OF SMALL CETACEANS OF THE BALTIC, NORTH EAST "
            "ATLANTIC, IRISH AND NORTH SEAS", "UNEP/ASCOBANS Secretariat",
            lambda n: 1991 + 3 * n, "MOP"),
    _Series("ACCOBAMS", "MOP", range(4, 9), 3, "{ord} MEETING OF THE PARTIES",
            "AGREEMENT ON THE CONSERVATION OF CETACEANS OF THE BLACK SEA, MEDITERRANEAN SEA "
            "AND CONTIGUOUS ATLANTIC AREA", "ACCOBAMS Permanent Secretariat",
            lambda n: 1998 + 3 * n, "MOP"),
    _Series("RAPTORS", "MOS", range(1, 4), 3, "{ord} MEETING OF THE SIGNATORIES",
            "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION OF MIGRATORY BIRDS OF PREY IN "
            "AFRICA AND EURASIA", "Coordinating Unit of the Raptors MoU",
            lambda n: 2009 + 3 * n, None),
    _Series("SHARKS", "MOS", range(1, 5), 3, "{ord} MEETING OF THE SIGNATORIES",
            "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION OF MIGRATORY SHARKS",
            "Secretariat of the Sharks MoU", lambda n: 2009 + 3 * n, None),
    _Series("DUGONG", "MOS", range(1, 5), 2, "{ord} MEETING OF THE SIGNATORIES",
            "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION AND MANAGEMENT OF DUGONGS AND "
            "THEIR HABITATS THROUGHOUT THEIR RANGE", "Dugong MoU Secretariat",
            lambda n: 2007 + 3 * n, None),
    _Series("IOSEA", "SS", range(6, 10), 2, "{ord} MEETING OF THE SIGNATORY STATES",
            "MEMORANDUM OF UNDERSTANDING ON THE CONSERVATION AND MANAGEMENT OF MARINE TURTLES "
            "AND THEIR HABITATS OF THE INDIAN OCEAN AND SOUTH-EAST ASIA",
            "IOSEA Secretariat", lambda n: 1999 + 2 * n, None),
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class _Meeting:
    series: _Series
    number: int

    @property
    def code(self) -> str:
        return f"{self.series.series}{self.number}"

    @property
    def context(self) -> str:
        return f"UNEP/{self.series.acronym}/{self.code}"

    @property
    def year(self) -> int:
        return self.series.year(self.number)


_MEETINGS = tuple(_Meeting(s, n) for s in _SERIES for n in s.numbers)
_MEETING_WEIGHTS = tuple(m.series.weight / len(m.series.numbers) for m in _MEETINGS)


def _ordinal(n: int, rng: random.Random | None = None) -> str:
    """``1st``, ``22nd``, ``18th``; with ``rng``, sometimes ``18 th`` as PDF extraction has it."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    space = " " if rng is not None and rng.random() < _P["ordinal_split"] else ""
    return f"{n}{space}{suffix}"


class _Symbols:
    """Hands out unique document numbers per meeting, in report order.

    Each meeting has a pool of numbers (``Doc.16``, ``Doc.16.1``, later ``Doc.16.1.2``,
    and ``Inf.N``) shuffled by the corpus seed; reports take the next free one. A
    meeting whose pool is spent is skipped, so any corpus up to ~100,000 reports gets
    distinct symbols.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.pools: dict[tuple[str, str], list[str]] = {}

    def _pool(self, context: str, kind: str) -> list[str]:
        key = (context, kind)
        if key not in self.pools:
            rng = random.Random(f"symbols:{self.seed}:{context}:{kind}")
            if kind == "Inf":
                first = [f"{a}" for a in range(1, 41)]
                later = [f"{a}.{b}" for a in range(1, 41) for b in range(1, 10)]
            else:
                first = [f"{a}" for a in range(1, 41)]
                first += [f"{a}.{b}" for a in range(1, 41) for b in range(1, 10)]
                later = [f"{a}.{b}.{c}" for a in range(1, 41) for b in range(1, 10)
                         for c in range(1, 6)]  # fmt: skip
            rng.shuffle(first)
            rng.shuffle(later)
            self.pools[key] = later + first  # pop() takes from the end: the short ones first
        return self.pools[key]

    def draw(
        self,
        rng: random.Random,
        meetings: Sequence[_Meeting] = _MEETINGS,
        weights: Sequence[float] = _MEETING_WEIGHTS,
    ) -> tuple[_Meeting, str, str]:
        """A meeting (of ``meetings``), the kind ("Doc" or "Inf") and a number no report
        has had yet."""
        wanted = "Inf" if rng.random() < _P["inf_symbol"] else "Doc"
        for _ in range(1000):
            meeting = rng.choices(meetings, weights)[0]
            for kind in (wanted, "Doc"):
                if pool := self._pool(meeting.context, kind):
                    return meeting, kind, pool.pop()
        raise ValueError("too many reports: the document numbers of every meeting are spent")


# --- names: the gazetteer's, pycountry's, and ones nobody knows -------------------------

# Invented names (no gazetteer entry, no part of one): the build must list them as "not
# linked". Used where real reports name partners, funders and instruments.
_UNKNOWN_ORGS = (
    "Nordic Flyway Trust", "Boreal Wetlands Foundation", "Wader Research Collective",
    "Kestrel Conservation Network", "Steppe Ungulate Alliance", "Coastal Seabird Consortium",
    "Montane Bat Society", "Estuary Monitoring Cooperative", "Tidal Flats Partnership",
    "Lakeland Crane Fund", "Silver Lagoon Institute", "Highland Vulture Trust",
)  # fmt: skip
_UNKNOWN_ACRONYMS = ("ZQBX", "KWRN", "BSWF", "TFPX", "QMAC", "XVRB", "WRCL", "HVTZ")
# (as written, as the build lists it): a generic acronym ends a name ("... MoU")
_UNKNOWN_INSTRUMENTS = (
    ("Steppe Eagle MoU", "Steppe Eagle MoU"),
    ("Amur Falcon Agreement", "Amur Falcon Agreement"),
    ("Houbara Bustard MoU", "Houbara Bustard MoU"),
    ("Hawksbill Turtle Arrangement", "Hawksbill Turtle Arrangement"),
)
_DONORS = (
    "Germany", "Finland", "Switzerland", "Norway", "Netherlands", "Monaco", "France",
    "Italy", "Sweden", "United Kingdom", "Australia", "South Africa", "Belgium", "Denmark",
    "Luxembourg", "Spain", "Japan", "New Zealand", "Austria", "Czechia",
)  # fmt: skip


@dataclass(frozen=True)
class _Names:
    """Surface forms by kind, each checked to link to the entity it was taken from."""

    by_type: dict[str, tuple[tuple[str, ...], ...]]  # type -> per entity: its forms
    full_names: tuple[tuple[str, str], ...]  # (official name, label) for footnotes
    countries: tuple[str, ...]
    donors: tuple[str, ...]
    known: Callable[[str], bool]  # would the build link (or ignore) this name?
    fingerprint: str
    pools: dict[tuple[str, ...], list[tuple[str, ...]]] = field(default_factory=dict)


def _load_names() -> _Names:
    from cmsgraph._resources import data_file
    from cmsgraph.gazetteer import load_gazetteer, tokenize

    gazetteer = load_gazetteer()

    def links_to(form: str, entity_id: str) -> bool:
        words = [t.group() for t in tokenize(form)]
        return bool(words) and gazetteer.match_at(words, 0) == (entity_id, len(words))

    def known(form: str) -> bool:
        words = [t.group() for t in tokenize(form)]
        return form in gazetteer.ignore or (
            bool(words) and (hit := gazetteer.match_at(words, 0)) is not None
            and hit[1] == len(words)
        )  # fmt: skip

    by_type: dict[str, list[tuple[str, ...]]] = {}
    full_names: list[tuple[str, str]] = []
    for entity in sorted(gazetteer.entities.values(), key=lambda e: (e.type, e.id)):
        if entity.type == "Country":
            continue
        forms = [entity.label, *entity.acronyms, *entity.aliases]
        usable = tuple(dict.fromkeys(f for f in forms if links_to(f, entity.id)))
        if usable:
            by_type.setdefault(entity.type, []).append(usable)
        if entity.name and entity.name != entity.label and entity.type in (
            "Organisation", "Agreement", "Programme", "Body"
        ):  # fmt: skip
            full_names.append((entity.name, entity.label))
    countries = tuple(
        sorted(
            e.label
            for e in gazetteer.entities.values()
            if e.type == "Country"
            and "," not in e.label
            and "(" not in e.label
            and len(e.label.split()) <= 3
            and links_to(e.label, e.id)
        )
    )
    donors = tuple(d for d in _DONORS if d in countries)
    digest = hashlib.sha256(data_file("gazetteer.toml").read_bytes()).hexdigest()
    return _Names(
        by_type={k: tuple(v) for k, v in by_type.items()},
        full_names=tuple(full_names),
        countries=countries,
        donors=donors,
        known=known,
        fingerprint=digest,
    )


# --- text templates ------------------------------------------------------------------------
# Slots: {org} {inst} {body} {meet} {prog} {concept} {region} {country} {donor} (gazetteer
# and pycountry names); {partner} {funder} {instx} (sometimes a name nobody knows); {xorg}
# {xacr} (always unknown); {topic} {ref} {refs} {res} {line} {amount} {year} {month}
# {when} {decider} {cop} {scc} {stc} {mark} (a footnote marker), {what} {purpose}.

_TOPICS = (
    "population trends of migratory waterbirds", "bycatch of small cetaceans",
    "illegal killing of birds", "capacity building", "data sharing", "species action plans",
    "marine debris", "renewable energy", "ecological networks", "flyways",
    "wildlife disease", "climate change adaptation", "light pollution", "underwater noise",
    "habitat connectivity", "poisoning of birds of prey", "national reporting",
    "the conservation of migratory sharks", "sustainable use of migratory species",
    "the recruitment of new Parties", "translation of guidance documents",
    "monitoring of marine turtles", "community-based conservation",
    "the review of the listing criteria", "invasive alien species", "power lines",
    "bird collisions with wind turbines", "linear infrastructure",
)  # fmt: skip
_WHATS = (
    "dedicated national officers", "consultants and the organization of meetings",
    "a regional workshop", "the translation of the action plan",
    "field surveys in the breeding range", "a part-time coordinator",
    "the development of the online platform", "training sessions for national officers",
)  # fmt: skip
_PURPOSES = (
    "translations", "the development of the website", "meetings of the working group",
    "consultancies", "travel of delegates", "the e-community", "publications",
)  # fmt: skip

_SUB_ACTIVITIES = (
    "Closer collaboration with {org}, where appropriate, to assist with capacity building "
    "and technological support by CMS and its Family.",
    "Encourage more NGOs and private sector to become engaged in Agreements and MoUs.",
    "Explore opportunities to improve the synergies between the CMS science base and "
    "{org}, as well as learning lessons from existing data hubs.",
    "Produce guidance on {topic} in the official languages.",
    "Parties/Signatories to begin to translate guidance documents into local languages "
    "to assist implementation.",
    "CMS Secretariat to coordinate a global gap analysis on {topic}.",
    "Resource assessment of the Convention (CMS Secretariat and MoUs).",
    "Undertake an assessment of MoUs and their viability.",
    "Planning. Analysis and assessment of strategic plans.",
    "Implementation of recommendations of the gap analysis on {topic}.",
    "Regionalize conservation efforts by having local coordinators with assistance from "
    "{org}, NGOs, Parties and MEAs.",
    "MoUs/Agreements consider enhancing collaboration via sharing of office, personnel and "
    "resources (e.g. as per {inst} and {inst}).",
    "Utilization of existing data collection and management systems external to CMS (for "
    "example by {org}).",
    "Build upon current practices of harmonization of data reporting, probably utilizing "
    "the current work being undertaken by both {inst} and {inst}.",
    "Ensure appropriate staffing levels of the {body}.",
    "Prioritizing and coordinating meetings of the {body}, technical groups and working groups.",
    "Coordinate with international organizations common meetings relating to {topic} (e.g. {org}).",
    "Encourage more Range States to become Parties/Signatories to {inst}.",
    "Extending the scope of existing instruments rather than developing new ones (e.g. {inst}).",
    "Work with local and regional partners in {region} to develop capacity building.",
    "CMS to coordinate fundraising activities with partners and stakeholders, including "
    "the {prog}.",
    "Cooperation and coordination between programmes based on species clustering, thematic "
    "issues or geography as appropriate.",
    "Develop indicators for measuring the implementation of action plans on {topic}.",
    "Support the development and maintenance of the {prog}.",
    "Promote the integration of migratory species into {concept}.",
    "Review the modus operandi of the {body} in the light of {topic}.",
    "Establish a task force on {topic} with {org} and interested Range States.",
    "Strengthen the national implementation of {inst} through {concept}.",
    "Discussion of reforms at COPs and the {body}.",
    "Develop joint programmes of work with {inst} on {topic}.",
)
_LIST_LEADS = (
    "Global Gap and Resource Assessment, including:",
    "Assessments, including:",
    "The following activities:",
)
_TAGS = ("", "", "", "", " (External)", " (Internal)")

_AREA_VERBS = (
    "Alignment with", "Enhancing", "Strengthening", "Improved coordination of",
    "Coordinated approach to", "Seek opportunities to expand", "Harmonization of",
    "Monitoring of", "Actions to prioritize", "Review of", "Identify opportunities for",
)  # fmt: skip
_AREA_OBJECTS = (
    "international environmental governance reform", "partnership working",
    "scientific research and information", "communication and awareness of the CMS Family",
    "a global gap analysis at the Convention level", "strategic plans for the CMS Family",
    "the expertise of the Scientific Council", "cooperation at the local and regional level",
    "information management and reporting systems", "the servicing of MoUs",
    "meetings between institutions and working groups", "the growth of the CMS Family",
    "capacity building across the CMS Family", "fundraising activities",
    "collaboration between CMS agreements", "implementation", "species action plans",
    "national focal point networks", "data sharing with other conventions",
    "the listing of species in the appendices", "flyway conservation",
    "marine species conservation", "terrestrial mammal initiatives",
    "avian species programmes", "threats to migratory species",
    "compliance and review mechanisms", "outreach to non-Party Range States",
    "common services of the Secretariats",
)  # fmt: skip
_OBJECTIVES = (
    "To support coherent international decision-making processes for environmental "
    "governance.",
    "To expand partnership opportunities.", "To share best practice; knowledge and expertise.",
    "To utilize common resources and local knowledge.", "To coordinate conservation activities.",
    "To identify potential synergies based on common or shared work programmes.",
    "Coordination of research requirements.", "Sharing of research information and data.",
    "To prioritize resources through improved cooperation and sharing of resources.",
    "To encourage priority setting.", "To share and maximize resources.",
    "To reduce duplication of reporting.", "To analyze and compare data.",
    "To avoid duplication and promote consistency across MoUs.",
    "To reduce time commitments required to attend meetings.", "To increase attendance.",
    "To augment the growth of the CMS Family.", "To increase global coverage.",
    "To measure success.", "To consolidate funding.", "To identify funding opportunities.",
    "To aid capacity building, fundraising and implementation at the local level.",
)  # fmt: skip

_PROGRESS = (
    "The Secretariat cooperated with {partner} in the development of guidance on {topic}.",
    "The {body} took note of the progress made on {topic} and requested further work.",
    "A workshop on {topic} was held in {country} ({month} {year}) with the support of {partner}.",
    "Consultations with {country}, {country} and {country} on {topic} were completed in {year}.",
    "The Secretariat took part in the meeting of the {body} and promoted the inclusion of "
    "migratory species in {concept}.",
    "The CMS and {inst} Secretariats cooperated with {org} on {topic}.",
    "Progress was reported to {meet}; see {ref}.",
    "According to {res}, the Secretariat gave priority to {topic}.",
    "An arrangement with {partner} was made to promote CMS work in {region}, including "
    "assisting with the recruitment of new Parties and MoU signatories.",
    "Funds were raised from {funder} to support work on {topic}. See {ref}.",
    "The {prog} was extended to cover {topic} with the assistance of {org}.",
    "Attempts to raise funds for {topic} were made. However, no resources were obtained.",
    "Considering the lack of prospects to raise funds, the Secretariat undertook the "
    "assessments in-house. See {refs} respectively.",
    "Training sessions for {concept} were held in {country} in {month} {year} together with "
    "{partner}.",
    "A national officer funded by {donor} supported the implementation of {inst} activities "
    "in {region}.",
    "A draft report on {topic} was submitted to the {scc} for comments and a revised "
    "version will be submitted to the {cop}.",
    "Following the decision of the {stc}, the Secretariat established a pilot team on {topic}.",
    "Recruitment was a key activity and {country} acceded to the Convention in {year}. See {ref}",
    "In {year}, the {instx} joined the joint work programme on {topic}.",
    "The Secretariat strengthened its cooperation with the {org} in {region}, which is "
    "providing assistance in the development of {topic}.",
    "Coordination of {topic} was supported by a JPO from {donor} since {month} {year}.",
    "The Interim Secretariat to the Sharks MoU collaborated with {partner} to prepare "
    "workshops on {topic}. See {ref}",
    "An independent policy approach with regard to {topic} is presented in {ref}.",
    "The Secretariat has encouraged stakeholders to translate key documents, with the "
    "financial support of the {fundorg}.",
    "The {meet} welcomed the results on {topic} ({when}).",
    "The Secretariat&#8217;s report on {topic} was endorsed by the {body}.",
    "Guidance on {topic} was published in {year} for use by Parties &amp; Signatories.",
)
# A sentence whose organisation carries a footnote marker (seed 3.1: "CAFF ¹").
_FOOTNOTED = (
    "The Secretariat cooperated with {fnorg} {mark} in the development of an index on {topic}."
)
_PLAN = (
    "The Secretariat will continue to cooperate with {partner} on {topic}.",
    "Further collaboration within the CMS Family is planned pending the decision of the "
    "{cop} on {topic}. See {ref}.",
    "The Secretariat will undertake the assessment of {topic} if funding becomes available.",
    "A proposal on {topic} will be submitted to the {body} in {year}.",
    "The Secretariat will pursue consultations with {country} and {country} on the "
    "possibility to extend existing instruments.",
    "Operational details on {topic} will be provided in a document proposed to be developed "
    "intersessionally. See {ref}",
    "The new structure will be implemented depending on the decision of the {cop}.",
    "Increased staffing levels could be achieved pending the decision of the {cop} on "
    "budget proposals.",
    "The Secretariat will use the tools of the {prog} to expand its fundraising on {topic}.",
    "Capacity building &amp; training on {topic} will be offered to {concept}.",
    "Joint activities with {inst} and {instx} on {topic} are planned for {year}.",
    "The Secretariat will continue to encourage the translation of documents, in line with {res}.",
    "Work on {topic} will continue in cooperation with {partner} and the {body}.",
    "Regional workshops in {region} are planned with {partner}, subject to funding.",
)
_RESOURCES = (
    "Core budget: staff time",
    "Core budget: staff time and funds in line {line}",
    "Core budget: staff time; funds in line {line} for {purpose}; line {line} for {purpose} "
    "and voluntary contributions from {donor}, {donor} and {inst}.",
    "Core budget: staff time and a voluntary contribution from {funder} for {topic}",
    "Core budget: funds in line {line} and voluntary contributions from {fundorg}; {donor}, "
    "{donor} and {donor}.",
    "Core budget: staff time and funds in line {line}. The {fundorg} via the {org} has "
    "funded {what}. Voluntary contributions from {donor} and {donor} in support of {topic}.",
    "Staff time (pending decision of {decider} on budget proposals)",
    "Staff time and funds in core budget (pending decision of {decider} on budget proposals) "
    "and/or voluntary contributions",
    "Staff time (pending decision of {decider} on budget proposals) and voluntary "
    "contribution (it is estimated that approximately {amount} is needed)",
    "Voluntary contribution from {funder}.",
    "<p>Core budget: staff time and line {line}.</p> <p>Part of the funds has been spent on a "
    "training session by {org} on {topic}.</p>",
    "JPO from {donor} ({region}); part of the time of JPO from {donor} and funding from "
    "{donor} for P2 officer.",
    "{amount} from {funder} for {topic}.",
    "Core budget and voluntary contributions. See other sections and {ref}",
    "Voluntary contributions from {funder} and {funder} ({amount}).",
    "Core budget: staff time and funds in lines {line} and {line}, partially for the "
    "meeting of the {body}",
    "Core budget: staff time and see details in activity {area} above.",
    "Grant of {amount} from {funder}; staff time.",
)


# --- the activity programme of a resolution ------------------------------------------------


@dataclass(frozen=True)
class _Row:
    codes: tuple[str, ...]
    activity: str  # the ACTIVITY cell as it stands in the source (HTML)


@dataclass(frozen=True)
class _Area:
    number: int
    title: str
    description: str
    sections: tuple[tuple[str, tuple[_Row, ...]], ...]  # (term, rows), in order


@dataclass(frozen=True)
class _Programme:
    areas: tuple[_Area, ...]
    foreign: tuple[tuple[str, int], ...]  # (code, area whose table reports it)
    anchor: int  # the year its periods follow: its resolution's adoption


def _programme(
    seed: int, convention: str, resolution: str, anchor: int, names: _Names
) -> _Programme:
    """The activity areas and sub-activities of one resolution, the same in every report."""
    rng = random.Random(f"programme:{seed}:{convention}:{resolution}:{anchor}")
    fill = _Filler(rng, names, context="", decider="", meeting_year=anchor)
    n_areas = rng.randint(10, 25)
    titles = [f"{v} {o}" for v in _AREA_VERBS for o in _AREA_OBJECTS]
    long_term = rng.random() < _P["long_term"]
    # codes per area: (code, text, terms)
    subs: dict[int, list[tuple[str, str, tuple[str, ...]]]] = {}
    for area in range(1, n_areas + 1):
        count = rng.choice((2, 2, 3, 3, 3, 4, 4, 5))  # seed: 3 on average
        terms_of: list[tuple[str, ...]] = []
        for j in range(count):
            if j == 0:
                terms_of.append(("short",))
            elif j == count - 1:
                terms_of.append(("medium",))
            else:
                terms_of.append(rng.choices(
                    (("short",), ("medium",), ("short", "medium")), (45, 40, 15))[0])  # fmt: skip
        if long_term and rng.random() < 0.4:
            terms_of.append(("long",))
        subs[area] = [
            (f"{area}.{j}", fill(rng.choice(_SUB_ACTIVITIES)) + rng.choice(_TAGS), terms)
            for j, terms in enumerate(terms_of, start=1)
        ]
    # codes numbered under one area but reported in another area's table (16.3 in 5's)
    placed: dict[tuple[int, str], list[tuple[str, str, tuple[str, ...]]]] = {}
    for area, items in subs.items():
        for item in items:
            for term in item[2]:
                placed.setdefault((area, term), []).append(item)
    foreign: list[tuple[str, int]] = []
    for _ in range(rng.choice(_FOREIGN_CODES)):
        home = rng.randint(1, n_areas)
        taken = dict(foreign)
        movable = [
            it
            for it in subs[home]
            if len(it[2]) == 1 and len(placed[(home, it[2][0])]) > 1 and it[0] not in taken
        ]
        if not movable:
            continue
        item = rng.choice(movable)
        host = rng.choice([a for a in range(1, n_areas + 1) if a != home])
        term = item[2][0]
        if (host, term) not in placed:
            continue
        placed[(home, term)].remove(item)
        placed[(host, term)].append(item)
        foreign.append((item[0], host))
    areas = []
    for area in range(1, n_areas + 1):
        title = titles.pop(rng.randrange(len(titles)))
        objectives = rng.sample(_OBJECTIVES, rng.randint(2, 6))
        description = '<ul style="list-style-type: none"> - ' + " - ".join(objectives)
        sections = tuple(
            (term, _rows(rng, placed[(area, term)]))
            for term in ("short", "medium", "long")
            if placed.get((area, term))
        )
        areas.append(_Area(area, title + ".", description, sections))
    return _Programme(tuple(areas), tuple(foreign), anchor)


def _rows(rng: random.Random, items: list[tuple[str, str, tuple[str, ...]]]) -> tuple[_Row, ...]:
    """Group the sub-activities of one section into rows and write their ACTIVITY cells."""
    if len(items) == 1 or rng.random() < _P["one_row_section"]:
        groups = [items]
    else:  # split: singles, sometimes a pair
        groups, i = [], 0
        while i < len(items):
            size = 2 if len(items) - i >= 2 and rng.random() < 0.3 else 1
            groups.append(items[i : i + size])
            i += size
    rows: list[_Row] = []
    for group in groups:
        size = len(group)
        codes = tuple(code for code, _, _ in group)
        if size == 1:
            code, text, _ = group[0]
            style = rng.choices(("plain", "p", "dot"), (45, 45, 10))[0]
            cell = {"plain": f"{text} ({code})", "p": f"<p>{text} ({code})</p>",
                    "dot": f"{text} ({code})."}[style]  # fmt: skip
        else:
            single_term = all(len(terms) == 1 for _, _, terms in group)
            styles = ("p", "inline", "and", "ol") if single_term else ("p", "inline", "ol")
            weights = (50, 15, 20, 15) if single_term else (60, 20, 20)
            style = rng.choices(styles, weights)[0]
            if style == "p":
                cell = " ".join(f"<p>{t} ({c})</p>" for c, t, _ in group)
            elif style == "inline":
                cell = " ".join(f"{t} ({c})" for c, t, _ in group)
            elif style == "and":
                joiner = rng.choice((" and ", " and ", ", ", " &amp; "))
                cell = f"{group[0][1]} ({joiner.join(codes)})" + rng.choice(("", "."))
            else:
                lead = rng.choice(_LIST_LEADS)
                numbered = enumerate(group, start=1)
                items_html = " ".join(f"{n}. {t} ({c})" for n, (c, t, _) in numbered)
                cell = f'<p>{lead}</p> <ol style="list-style-type: none"> {items_html} '
        rows.append(_Row(codes, cell))
    return tuple(rows)


# --- filling templates ---------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{(\w+)\}")


class _Filler:
    """Fills template slots with names; remembers the names the build will not link."""

    def __init__(
        self,
        rng: random.Random,
        names: _Names,
        *,
        context: str,
        decider: str,
        meeting_year: int,
        period: tuple[int, int] = (2012, 2014),
    ) -> None:
        self.rng = rng
        self.names = names
        self.context = context
        self.decider = decider
        self.meeting_year = meeting_year
        self.period = period
        self.area = 1
        self.unknown: set[str] = set()  # invented names
        self.footnotes: list[str] = []  # footnote lines of the markers written since last taken
        self.footnote_number = 0
        self._pending_footnote: str | None = None
        self._last_donor = ""
        self.slots: dict[str, Callable[[], str]] = {
            "org": lambda: self._entity("Organisation"),
            "inst": lambda: self._entity("Agreement", "MoU"),
            "body": lambda: self._entity("Body"),
            "meet": lambda: self._entity("Meeting"),
            "prog": lambda: self._entity("Programme"),
            "concept": lambda: self._entity("Concept"),
            "region": lambda: self._entity("Region"),
            "country": lambda: rng.choice(names.countries),
            "donor": self._donor,
            "partner": self._partner,
            "funder": self._funder,
            "fundorg": lambda: rng.choice(
                ("EU", "European Union", "European Commission", "UNEP", "UNEP ROE", "UNEP/DELG")
            ),
            "instx": self._instrument,
            "xorg": self._unknown_org,
            "xacr": self._unknown_acronym,
            "fnorg": self._footnoted_org,
            "mark": self._mark,
            "topic": lambda: rng.choice(_TOPICS),
            "what": lambda: rng.choice(_WHATS),
            "purpose": lambda: rng.choice(_PURPOSES),
            "ref": self._ref,
            "refs": self._refs,
            "res": self._res,
            "line": lambda: (
                str(rng.choice((1, 1, 1, 2, 2, 3, 5)))
                + f"{rng.randint(0, 3)}0"
                + str(rng.randint(1, 9))
            ),
            "amount": self._amount,
            "year": lambda: str(rng.randint(*self.period)),
            "month": lambda: rng.choice(_MONTHS),
            "when": lambda: (
                f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(*self.period)}"
            ),
            "decider": lambda: self._code(self.decider),
            "cop": lambda: self._meeting_phrase("Conference of the Parties", "COP"),
            "scc": lambda: self._meeting_phrase("Scientific Council", "ScC"),
            "stc": lambda: self._meeting_phrase("Standing Committee", "StC"),
            "area": lambda: str(self.area),
        }

    def __call__(self, template: str) -> str:
        return _SLOT_RE.sub(lambda m: self.slots[m.group(1)](), template)

    def _entity(self, *types: str) -> str:
        choices = self.names.pools.get(types)
        if choices is None:
            choices = self.names.pools[types] = [f for t in types for f in self.names.by_type[t]]
        forms = self.rng.choice(choices)
        return forms[0] if len(forms) == 1 or self.rng.random() < 0.6 else self.rng.choice(forms)

    def _donor(self) -> str:
        pool = self.names.donors if self.rng.random() < 0.75 else self.names.countries
        donor = self.rng.choice(pool)
        if donor == self._last_donor:  # "from Germany, Germany and ..." reads wrong
            donor = self.rng.choice(pool)
        self._last_donor = donor
        return donor

    def _partner(self) -> str:
        if self.rng.random() < _P["unknown_partner"]:
            return self._unknown_org()
        return (
            "the " + self._entity("Organisation")
            if self.rng.random() < 0.3
            else (self._entity("Organisation", "Body"))
        )

    def _funder(self) -> str:
        roll = self.rng.random()
        if roll < _P["unknown_funder"]:
            return self._unknown_org()
        return self._donor() if roll < 0.7 else self._entity("Organisation")

    def _instrument(self) -> str:
        if self.rng.random() < 0.3:
            name, listed = self.rng.choice(_UNKNOWN_INSTRUMENTS)
            self.unknown.add(listed)
            return name
        return self._entity("Agreement", "MoU")

    def _unknown_org(self) -> str:
        name = self.rng.choice(_UNKNOWN_ORGS)
        self.unknown.add(name)
        if self.rng.random() < 0.4:
            return f"the {name} ({self._unknown_acronym()})"
        return f"the {name}"

    def _unknown_acronym(self) -> str:
        name = self.rng.choice(_UNKNOWN_ACRONYMS)
        self.unknown.add(name)
        return name

    def _footnoted_org(self) -> str:
        name, label = self.rng.choice(self.names.full_names)
        self._pending_footnote = f"{name} ({label})."
        return label

    def _mark(self) -> str:
        self.footnote_number += 1
        text = self._pending_footnote or "As at the date of this document."
        self._pending_footnote = None
        self.footnotes.append(f"{str(self.footnote_number).translate(_SUPERSCRIPT)} {text}")
        return str(self.footnote_number).translate(_SUPERSCRIPT)

    def _code(self, code: str) -> str:
        """A meeting code as written ("COP12"); the build never lists those as not linked."""
        return code

    def _meeting_phrase(self, body: str, series: str) -> str:
        """The next such meeting, as "18th meeting of the Scientific Council" or "COP12"."""
        number = {"COP": next((n for n, y in sorted(_COP_YEARS.items()) if y >= self.meeting_year),
                              14),
                  "ScC": max(15, min(18, 15 + (self.meeting_year - 2008) // 2)),
                  "StC": 36 + max(0, (self.meeting_year - 2010) * 4 // 3)}[series]  # fmt: skip
        if series == "COP" and self.rng.random() < 0.5:
            return self._code(f"COP{number}")
        if series == "StC" and self.rng.random() < 0.3:
            return self._code(f"StC{number}")
        return f"{_ordinal(number, self.rng)} meeting of the {body}"

    def _docnum(self) -> str:
        a, b = self.rng.randint(1, 30), self.rng.randint(1, 6)
        return self.rng.choice(
            (f"{a}", f"{a}.{b}", f"{a}.{b}", f"{a}.{b}.{self.rng.randint(1, 6)}")
        )

    def _ref(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return self.rng.choice(("Doc ", "Doc. ", "Doc.", "Doc ")) + self._docnum()
        if roll < 0.7:
            return f"Inf.{self.rng.randint(1, 40)}"
        if roll < 0.85 or not self.context:
            return f"Docs {self._docnum()} and {self._docnum()}"
        other = self.rng.choice(_MEETINGS).context if self.rng.random() < 0.4 else self.context
        return f"{other}/{self.rng.choice(('Doc.', 'Inf.'))}{self._docnum()}"

    def _refs(self) -> str:
        return f"Docs {self._docnum()} and {self._docnum()}"

    def _res(self) -> str:
        number = f"{self.rng.randint(8, 13)}.{self.rng.randint(1, 30)}"
        roll = self.rng.random()
        if roll < 0.5:
            return f"Res. {number}"
        if roll < 0.85:
            return f"Resolution {number}"
        return f"Resolutions {number} and {self.rng.randint(8, 13)}.{self.rng.randint(1, 30)}"

    def _amount(self) -> str:
        value = self.rng.choice((5, 8, 10, 12, 15, 20, 25, 40, 50, 75, 120, 250)) * 1000
        number = f"{value:,}"
        form = self.rng.choices(("€", "EUR ", "USD ", "US$ ", "CHF ", "euros"),
                                (50, 10, 20, 5, 5, 10))[0]  # fmt: skip
        return f"{number} euros" if form == "euros" else f"{form}{number}"

    def take_footnotes(self) -> list[str]:
        out, self.footnotes = self.footnotes, []
        return out


# --- one report ----------------------------------------------------------------------------


@dataclass
class _Report:
    name: str
    symbol: str
    text: str
    crlf: bool
    bom: bool
    facts: dict[str, Any] = field(default_factory=dict)


# With ``one_programme``: every report is on this resolution's activity programme,
# written for a CMS meeting held after its adoption.
_ONE_PROGRAMME = ("CMS", "10.9", 2011)  # (convention, resolution, year adopted)
_ONE_PROGRAMME_MEETINGS = tuple(
    m for m in _MEETINGS if m.series.acronym == _ONE_PROGRAMME[0] and m.year > _ONE_PROGRAMME[2]
)
_ONE_PROGRAMME_WEIGHTS = tuple(m.series.weight / len(m.series.numbers)
                               for m in _ONE_PROGRAMME_MEETINGS)  # fmt: skip


class _Corpus:
    """Everything shared by the reports of one corpus: names, programmes, symbols."""

    def __init__(self, seed: int, one_programme: bool = False) -> None:
        self.seed = seed
        self.one_programme = one_programme
        self.names = _load_names()
        self.symbols = _Symbols(seed)
        self.programmes: dict[tuple[str, str, int], _Programme] = {}

    def programme(self, convention: str, resolution: str, anchor: int) -> _Programme:
        key = (convention, resolution, anchor)
        if key not in self.programmes:
            self.programmes[key] = _programme(self.seed, convention, resolution, anchor,
                                              self.names)  # fmt: skip
        return self.programmes[key]

    def report(self, index: int, name: str) -> _Report:
        rng = random.Random(f"report:{self.seed}:{index}")
        if self.one_programme:
            meeting, kind, number = self.symbols.draw(
                rng, _ONE_PROGRAMME_MEETINGS, _ONE_PROGRAMME_WEIGHTS
            )
            return _write_report(self, rng, name, meeting, kind, number, _ONE_PROGRAMME[1:])
        meeting, kind, number = self.symbols.draw(rng)
        return _write_report(self, rng, name, meeting, kind, number)


def _resolution_of(meeting: _Meeting, rng: random.Random) -> tuple[str | None, int]:
    """The resolution a report at ``meeting`` reports on, and the year it was adopted."""
    series = meeting.series
    if series.adopts is None:
        return None, meeting.year - 3
    if series.adopts == series.series:  # a COP or MOP: a resolution of an earlier session
        back = 1 if rng.random() < 0.8 or meeting.number - 2 < min(series.numbers) - 1 else 2
        adopted_at = meeting.number - back
        year = _COP_YEARS[adopted_at] if series.acronym == "CMS" else series.year(adopted_at)
    else:  # a StC or ScC: a resolution of the last COP (MOP) before it
        parent = next(s for s in _SERIES if s.acronym == series.acronym
                      and s.series == series.adopts)  # fmt: skip
        years = {n: parent.year(n) for n in range(min(parent.numbers) - 1, max(parent.numbers) + 1)}
        earlier = [n for n, y in years.items() if y < meeting.year] or [min(years)]
        adopted_at = max(earlier)
        year = years[adopted_at]
    count = 30 if series.acronym == "CMS" else 15
    return f"{adopted_at}.{rng.randint(1, count)}", year


def _decider(meeting: _Meeting) -> str:
    """The meeting that decides the budget the plans depend on, as its code."""
    series = meeting.series
    if series.series in ("COP", "MOP", "MoP", "MOS", "SS"):
        return meeting.code
    parent = next(s for s in _SERIES if s.acronym == series.acronym and s.series == series.adopts)
    later = [n for n in parent.numbers if parent.year(n) >= meeting.year]
    return f"{parent.series}{min(later) if later else max(parent.numbers)}"


def _write_report(
    corpus: _Corpus,
    rng: random.Random,
    name: str,
    meeting: _Meeting,
    kind: str,
    number: str,
    on: tuple[str, int] | None = None,
) -> _Report:
    """One report; ``on``: (resolution, year adopted) instead of the meeting's own."""
    symbol = f"{meeting.context}/{kind}.{number}"
    resolution, adopted = on if on is not None else _resolution_of(meeting, rng)
    convention = meeting.series.acronym
    programme = corpus.programme(convention, resolution or f"{meeting.code}-pow", adopted)
    short = (adopted + 1, adopted + 3)
    medium = (adopted + 4, adopted + 6)
    long_ = (adopted + 7, adopted + 9)
    fill = _Filler(rng, corpus.names, context=meeting.context, decider=_decider(meeting),
                   meeting_year=meeting.year, period=short)  # fmt: skip
    lines: list[str] = []
    facts: dict[str, Any] = {"file": name, "symbol": symbol, "meeting": meeting.code,
                             "resolution": resolution}  # fmt: skip
    lines += _cover(rng, meeting, symbol, kind, number, resolution, short, medium, long_)

    entries = 0
    nested = footnotes = 0
    for area in programme.areas:
        fill.area = area.number
        area_lines, n_entries, n_nested = _area(rng, fill, area, short, medium, long_)
        lines += area_lines
        entries += n_entries
        nested += n_nested
        notes = fill.take_footnotes()
        footnotes += len(notes)
        for note in notes:
            lines += [note, ""]
    crlf = rng.random() < _P["crlf"]
    bom = rng.random() < _P["bom"]
    text = ("\r\n" if crlf else "\n").join(lines)
    facts.update(
        areas=len(programme.areas),
        entries=entries,
        nested_tables=nested,
        foreign_codes=[code for code, _ in programme.foreign],
        footnotes=footnotes,
        crlf=crlf,
        unknown_names=sorted(fill.unknown),
    )
    return _Report(name, symbol, text, crlf, bom, facts)


def _cover(
    rng: random.Random,
    meeting: _Meeting,
    symbol: str,
    kind: str,
    number: str,
    resolution: str | None,
    short: tuple[int, int],
    medium: tuple[int, int],
    long_: tuple[int, int],
) -> list[str]:
    """The cover page, summary and introduction: everything before the first table."""
    series = meeting.series
    mrng = random.Random(f"meeting:{meeting.context}")  # the same place in every report
    if series.acronym == "CMS" and series.series == "COP":
        venue, day, month = _COP_PLACES[meeting.number]
    else:
        venue, day, month = mrng.choice(_VENUES), mrng.randint(1, 24), mrng.randint(1, 12)
    year = meeting.year
    place = f"{venue}, {day}-{day + mrng.randint(2, 5)} {_MONTHS[month - 1]} {year}"
    doc_month = month - rng.randint(1, 4)
    doc_year = year if doc_month >= 1 else year - 1
    date = f"{rng.randint(1, 28)} {_MONTHS[(doc_month - 1) % 12]} {doc_year}"
    agenda = number if kind == "Doc" else f"{rng.randint(3, 25)}.{rng.randint(1, 4)}"
    agenda = ".".join(agenda.split(".")[:2])
    dash = "–" if rng.random() < 0.1 else "-"
    s, m, lt = (f"{a}{dash}{b}" for a, b in (short, medium, long_))
    under = f"UNDER RESOLUTION {resolution}" if resolution else "UNDER THE PROGRAMME OF WORK"
    subject = rng.choice((
        "FUTURE STRUCTURE AND STRATEGIES OF CMS: SHORT- AND MEDIUM-TERM ACTIVITIES",
        "PROGRESS IN THE IMPLEMENTATION OF SHORT- AND MEDIUM-TERM ACTIVITIES",
        "REPORT ON ACTIVITIES", "IMPLEMENTATION OF THE ACTIVITIES",
        "STRATEGIC DEVELOPMENT OF THE FAMILY: ACTIVITIES",
    ))  # fmt: skip
    title = f"{subject} {under}"
    instrument = "Resolution " + resolution if resolution else "The programme of work"
    summary = (
        f"{instrument} provided a set of activities to guide the future organization and the "
        f"strategic development of the {series.acronym} Family. The activities are divided "
        f"into those for implementation in the short term ({s}); those in the medium term "
        f"({m}) and long term ({lt})."
    )
    previous = f"{_ordinal(meeting.number - 1)} Meeting"
    lines = [
        "", "", "", "", series.banner, "", "Distribution: General", "", symbol, date, "",
        "Original: English", "", series.heading.format(ord=_ordinal(meeting.number)), "",
        place, "", f"Agenda Item {agenda}", "", title, "", "Summary:", "", summary, "",
        "The implementation of this resolution contributes to the attainment of the "
        "provisions of many other resolutions.", "",
        f"This document reports on implementation of short-term activities ({s}) and "
        f"indicates the Secretariat's plan for carrying out medium-term activities ({m}) "
        f"(as at {_MONTHS[(doc_month - 1) % 12]} {doc_year}).", "",
        f"**{subject}:", f"{under}**", "", f"(Prepared by the {series.secretariat})", "",
        "Introduction", "",
        f"1. The {previous} of the Parties adopted a set of activities based on options for "
        f"the future organization and the strategic development of the Family. The "
        f"activities are divided into those for implementation in the short term; those in "
        f"the medium term and long term.", "",
        "2. The Annex to this document provides a brief overview of the implementation of "
        "short-term activities as detailed progress reports were provided to earlier "
        "meetings. Further details can also be found in other documents the reference of "
        "which is provided.", "",
        "Financial Implications", "",
        f"3. The activities for implementation in {s} were to be carried out with means "
        "provided by the core budget (including staff time) and voluntary contributions. "
        f"Detailed information is included in {meeting.context}/Doc.{rng.randint(10, 20)}.1 "
        f"and {meeting.context}/Doc.{rng.randint(10, 20)}.4.", "",
        "Action requested:", "",
        f"The {_BODIES[series.series]} is requested to:", "",
        f"- (a) Note the efforts made towards the implementation of the short-term {s} "
        "activities.",
        f"- (b) Provide any comments to guide the Secretariat further regarding the "
        f"implementation of medium-term {m} activities.", "",
    ]  # fmt: skip
    return lines


_BODIES = {
    "COP": "Conference of the Parties", "StC": "Standing Committee", "ScC": "Scientific Council",
    "MOP": "Meeting of the Parties", "MoP": "Meeting of the Parties",
    "MOS": "Meeting of Signatories", "SS": "Meeting of Signatory States",
}  # fmt: skip
_HEADERS = {"short": "PROGRESS ON IMPLEMENTATION", "medium": "PLAN", "long": "PLAN"}


def _label(rng: random.Random, term: str, end: int) -> str:
    word = term.upper()
    return rng.choices(
        (f"{word} TERM: BY {end}", f"{word}-TERM: BY {end}", f"{word} TERM",
         f"{word.title()} term: by {end}"),
        (85, 5, 5, 5),
    )[0]  # fmt: skip


def _area(
    rng: random.Random,
    fill: _Filler,
    area: _Area,
    short: tuple[int, int],
    medium: tuple[int, int],
    long_: tuple[int, int],
) -> tuple[list[str], int, int]:
    """The lines of one activity area; the number of report rows and nested tables."""
    lines = ["NR.\tACTIVITY\tDESCRIPTION", f"{area.number}\t{area.title}\t{area.description}", ""]
    periods = {"short": short, "medium": medium, "long": long_}
    nested_term = None
    if rng.random() < _P["nested_table"]:
        nested_term = "medium" if rng.random() < 0.75 else "short"
    pad = "\t" * 6 if nested_term else ""
    entries = nested = 0
    with_footnote = rng.random() < _P["footnotes"]
    for term, rows in area.sections:
        period = periods[term]
        fill.period = period
        label = _label(rng, term, period[1])
        header = f"ACTIVITY\t{_HEADERS[term]}\tRESOURCES"
        cells = [(row.activity, *_status_and_resources(rng, fill, term, with_footnote and i == 0))
                 for i, row in enumerate(rows)]  # fmt: skip
        with_footnote = False
        entries += len(rows)
        if term == nested_term:
            nested += 1
            cells = [(a, s or "No report.", r or "Staff time") for a, s, r in cells]
            lines += _nested_section(rng, label, header, cells, pad)
            continue
        on_data_line = rng.random() < _P["label_on_data_line"]
        lines.append(("\t" if on_data_line else label + "\t") + header + pad)
        for i, (activity, status, resources) in enumerate(cells):
            first = label if (on_data_line and i == 0) else ""
            line = f"{first}\t{activity}\t{status}\t{resources}"
            if pad or rng.random() < _P["padding"]:
                line += pad or "\t" * rng.randint(1, 3)
            lines.append(line)
    lines.append("")
    return lines, entries, nested


def _nested_section(
    rng: random.Random, label: str, header: str, cells: list[tuple[str, str, str]], pad: str
) -> list[str]:
    """A section whose rows sit in a nested HTML table, then repeat flat (seed lines 138-140)."""
    x0, x1, x2, x3 = 212, rng.randint(900, 1100), rng.randint(1500, 1700), 1965
    y = rng.randint(200, 1200)

    def bbox(left: int, right: int, top: int, bottom: int) -> str:
        return f'data-bbox="{left} {top} {right} {bottom}"'

    head = " ".join(
        f"<th {bbox(a, b, y, y + 56)}>{h}</th>"
        for (a, b), h in zip(((x0, x1), (x1, x2), (x2, x3)), header.split("\t"), strict=True)
    )
    body = []
    top = y + 56
    for row in cells:
        bottom = top + rng.randint(120, 400)
        tds = " ".join(
            f"<td {bbox(a, b, top, bottom)}>{c}</td>"
            for (a, b), c in zip(((x0, x1), (x1, x2), (x2, x3)), row, strict=True)
        )
        body.append(f"<tr> {tds} </tr>")
        top = bottom
    table = (
        '<table border="1" style="width: 100%; border-collapse: collapse;"> <thead> <tr> '
        f"{head} </tr> </thead> <tbody> {' '.join(body)} </tbody> </table>"
    )
    flat = "\t".join("\t".join(row) for row in cells)
    lines = [f"{label}\t{table}\t{header}\t{flat}\t\t", header + pad + "\t"]
    lines += ["\t".join(row) + pad + "\t" for row in cells]
    return lines


def _status_and_resources(
    rng: random.Random, fill: _Filler, term: str, footnote: bool
) -> tuple[str, str]:
    """The PROGRESS (or PLAN) and RESOURCES cells of one row."""
    templates = _PROGRESS if term == "short" else _PLAN
    paragraphs = []
    for p in range(rng.choices((1, 2, 3, 4), (40, 38, 17, 5))[0]):
        count = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
        sentences = [fill(rng.choice(templates)) for _ in range(count)]
        if footnote and p == 0:
            for _ in range(rng.choice((1, 1, 2))):  # seed 3.1 has two markers
                sentences.insert(1, fill(_FOOTNOTED))
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.3:  # "See Doc 22.1" without its full stop, as the seed has it
        paragraphs[-1] = paragraphs[-1].removesuffix(".")
    if len(paragraphs) == 1 and rng.random() < 0.4:
        status = paragraphs[0]
    else:
        parts = [f"<p>{p}</p>" for p in paragraphs]
        if rng.random() < 0.05:  # a list between paragraphs (seed 10.1)
            items = " ".join(f"- {fill(rng.choice(templates))}" for _ in range(rng.randint(2, 4)))
            parts.insert(1, f'<ul style="list-style-type: none"> {items}</ul>')
        status = " ".join(parts)
    status = _nbsp(rng, status)
    if rng.random() < _P["empty_status"]:
        status = ""
    resources = fill(rng.choice(_RESOURCES))
    if rng.random() < 0.3:
        resources = f"<p>{resources}</p>" if not resources.startswith("<p>") else resources
    if rng.random() < _P["empty_resources"]:
        resources = ""
    return status, resources


def _nbsp(rng: random.Random, text: str) -> str:
    """Sometimes a non-breaking space before a year, as extraction leaves it (``&nbsp;``)."""
    if rng.random() < 0.15:
        text = re.sub(r" (\d{4})\b", r"&nbsp;\1", text, count=1)
    return text


# --- successive reports on one programme, with known changes (issue 13) --------------------

SUCCESSIVE_RESOLUTION = "10.40"  # CMS: regular reports draw Res. 10.1-10.30, never this one
_SUCCESSIVE_ADOPTED = 2011  # at COP10: short term 2012-2014, medium 2015-2017, long 2018-2020
# The meetings reported to, one a year (so the order by meeting is the order written).
_SUCCESSIVE_MEETINGS = (("StC", 40), ("StC", 42), ("COP", 11), ("StC", 46), ("StC", 48),
                        ("COP", 12), ("StC", 52))  # fmt: skip
MAX_SUCCESSIVE = len(_SUCCESSIVE_MEETINGS)
_CITABLE = tuple(f"UNEP/CMS/{m}/Doc.{a}.{b}" for m in ("COP10", "StC38", "StC39", "ScC17")
                 for a in range(10, 25) for b in (1, 2, 3))  # fmt: skip
# A renumbered sub-activity is sometimes reworded as well: (pattern, replacement)
_REWORDINGS = ((r"^Produce\b", "Prepare and publish"), (r"^Encourage\b", "Continue to encourage"),
               (r"^Develop\b", "Further develop"), (r"^Support\b", "Continue to support"),
               (r"\.$", ", as appropriate."))  # fmt: skip


@dataclass
class _Item:
    """One sub-activity of one version of the programme."""

    origin: int  # the same sub-activity across versions, whatever its code
    number: int  # its code is "{area}.{number}"
    text: str
    template: str
    terms: tuple[str, ...]
    funders: tuple[str, ...]
    documents: tuple[str, ...]


_Version = dict[int, list[_Item]]  # area -> its sub-activities, in order


def _code(area: int, item: _Item) -> str:
    return f"{area}.{item.number}"


class _Successive:
    """The versions of one programme, each the last with known changes."""

    def __init__(self, seed: int, names: _Names) -> None:
        self.seed = seed
        self.names = names
        rng = random.Random(f"successive:{seed}:programme")
        self.fill = _Filler(rng, names, context="UNEP/CMS/COP10", decider="COP11",
                            meeting_year=_SUCCESSIVE_ADOPTED)  # fmt: skip
        self.rng = rng
        self.texts: set[str] = set()
        self.origins = 0
        titles = [f"{v} {o}" for v in _AREA_VERBS for o in _AREA_OBJECTS]
        self.areas: dict[int, tuple[str, str]] = {}  # number -> (title, description)
        version: _Version = {}
        for area in range(1, rng.randint(6, 9) + 1):
            title = titles.pop(rng.randrange(len(titles)))
            objectives = rng.sample(_OBJECTIVES, rng.randint(2, 4))
            self.areas[area] = (title + ".", '<ul style="list-style-type: none"> - '
                                + " - ".join(objectives))  # fmt: skip
            count = rng.choice((2, 3, 3, 4))
            version[area] = [self._new_item(rng, j, version) for j in range(1, count + 1)]
        self.versions = [version]

    def _new_item(self, rng: random.Random, number: int, *versions: _Version) -> _Item:
        """A new sub-activity whose template no sub-activity of ``versions`` has: a
        dropped one and a new one of one template (the same words, another name) would
        look like one renumbered, and the truth would say otherwise."""
        taken = {i.template for v in versions for items in v.values() for i in items}
        text, template = "", ""
        while not text or text in self.texts:  # no two sub-activities say the same
            free = [t for t in _SUB_ACTIVITIES if t not in taken] or list(_SUB_ACTIVITIES)
            template = self.rng.choice(free)
            taken.add(template)
            text = self.fill(template)
        self.texts.add(text)
        self.origins += 1
        return _Item(
            origin=self.origins,
            number=number,
            text=text,
            template=template,
            terms=rng.choices((("short",), ("medium",), ("short", "medium")), (45, 35, 20))[0],
            funders=tuple(rng.sample(self.names.donors, rng.choice((0, 1, 1, 2, 2, 3)))),
            documents=tuple(sorted(rng.sample(_CITABLE, rng.choice((0, 0, 1, 1, 2))))),
        )

    def step(self) -> dict[str, Any]:
        """Add the next version; return what changed, as (area, origin) events."""
        rng = random.Random(f"successive:{self.seed}:step:{len(self.versions)}")
        old = self.versions[-1]
        new: _Version = {a: [_Item(**vars(i)) for i in items] for a, items in old.items()}

        def roomy() -> list[int]:  # areas that can lose one and keep a row
            return [a for a, items in new.items() if len(items) >= 2]

        def top(area: int) -> int:
            used = [i.number for v in self.versions for i in v.get(area, ())]
            return max(used + [i.number for i in new[area]])

        for _ in range(rng.choice((1, 2))):  # completed or dropped: the code is not reused
            area = rng.choice(roomy())
            new[area].pop(rng.randrange(len(new[area])))
        area = rng.choice(roomy())  # renumbered: moved to a new code, maybe reworded
        moved = new[area].pop(rng.randrange(len(new[area])))
        target = rng.choice(sorted(new))
        moved.number = top(target) + 1
        if rng.random() < 0.5:
            pattern, replacement = rng.choice(
                [r for r in _REWORDINGS if re.search(r[0], moved.text)] or [_REWORDINGS[-1]]
            )
            moved.text = re.sub(pattern, replacement, moved.text, count=1)  # fmt: skip
        new[target].append(moved)
        if rng.random() < 0.6:  # renumbered: a sub-activity inserted, the later ones shift
            area = rng.choice([a for a, items in new.items() if len(items) >= 2])
            at = rng.randrange(len(new[area]) - 1)
            inserted = self._new_item(rng, new[area][at].number, old, new)
            for item in new[area][at:]:
                item.number += 1
            new[area].insert(at, inserted)
        for _ in range(rng.choice((1, 2))):  # new sub-activities, at the end of an area
            area = rng.choice(sorted(new))
            new[area].append(self._new_item(rng, top(area) + 1, old, new))
        items = [i for a in sorted(new) for i in new[a]]
        for item in rng.sample(items, 3):  # funders come and go
            others = [d for d in self.names.donors if d not in item.funders]
            kept = list(item.funders)
            if kept and rng.random() < 0.7:
                kept.pop(rng.randrange(len(kept)))
            if rng.random() < 0.8 or not kept:
                kept.append(rng.choice(others))
            item.funders = tuple(kept)
        for item in rng.sample(items, 2):  # documents cited, added or no longer
            docs = set(item.documents)
            if docs and rng.random() < 0.5:
                docs.discard(rng.choice(sorted(docs)))
            else:
                docs.add(rng.choice(_CITABLE))
            item.documents = tuple(sorted(docs))
        self.versions.append(new)
        return self.truth(old, new)

    @staticmethod
    def codes(version: _Version) -> dict[str, _Item]:
        return {_code(a, i): i for a in sorted(version) for i in version[a]}

    def truth(self, old: _Version, new: _Version) -> dict[str, Any]:
        """What ``cmsgraph compare`` must find between two versions (codes in order)."""
        before, after = self.codes(old), self.codes(new)
        where = {i.origin: c for c, i in before.items()}
        both = [c for c in after if c in before]

        def diff(attr: str, x: dict[str, _Item], y: dict[str, _Item]) -> dict[str, list[str]]:
            """For the codes in both: what ``x``'s sub-activity has that ``y``'s lacks."""
            out = {}
            for c in both:
                if extra := sorted(set(getattr(x[c], attr)) - set(getattr(y[c], attr))):
                    out[c] = extra
            return out

        return {
            "new_codes": [c for c in after if c not in before],
            "dropped": [c for c in before if c not in after],
            "continued": both,
            "renumbered": [
                [where[i.origin], c]
                for c, i in after.items()
                if i.origin in where and where[i.origin] != c
            ],
            "funders_added": diff("funders", after, before),
            "funders_removed": diff("funders", before, after),
            "documents_added": diff("documents", after, before),
            "documents_removed": diff("documents", before, after),
        }


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _successive_report(
    corpus: _Corpus, series: _Successive, version: _Version, index: int, name: str
) -> _Report:
    """Report ``index`` (1-based) on the successive programme, stating ``version``."""
    rng = random.Random(f"successive:{corpus.seed}:report:{index}")
    kind, number_of = _SUCCESSIVE_MEETINGS[index - 1]
    meeting = next(m for m in _MEETINGS if m.series.acronym == "CMS"
                   and m.series.series == kind and m.number == number_of)  # fmt: skip
    number = corpus.symbols._pool(meeting.context, "Doc").pop()  # after every regular report
    symbol = f"{meeting.context}/Doc.{number}"
    a = _SUCCESSIVE_ADOPTED
    short, medium, long_ = (a + 1, a + 3), (a + 4, a + 6), (a + 7, a + 9)
    fill = _Filler(rng, corpus.names, context=meeting.context, decider=_decider(meeting),
                   meeting_year=meeting.year, period=short)  # fmt: skip
    lines = _cover(rng, meeting, symbol, "Doc", number, SUCCESSIVE_RESOLUTION, short, medium,
                   long_)  # fmt: skip
    periods = {"short": short, "medium": medium, "long": long_}
    entries = 0
    for area in sorted(version):
        title, description = series.areas[area]
        lines += ["NR.\tACTIVITY\tDESCRIPTION", f"{area}\t{title}\t{description}", ""]
        for term in ("short", "medium"):
            items = [i for i in version[area] if term in i.terms]
            if not items:
                continue
            label = _label(rng, term, periods[term][1])
            lines.append(f"{label}\tACTIVITY\t{_HEADERS[term]}\tRESOURCES")
            templates = [t for t in (_PROGRESS if term == "short" else _PLAN) if "{ref" not in t]
            for item in items:
                status = " ".join(fill(rng.choice(templates)) for _ in range(rng.randint(1, 2)))
                if item.documents:
                    status += f" See {_and(item.documents)}."
                resources = "Core budget: staff time"
                if item.funders:
                    resources += f" and voluntary contributions from {_and(item.funders)}."
                lines.append(f"\t{item.text} ({_code(area, item)})\t{status}\t{resources}")
                entries += 1
        lines.append("")
    facts = {
        "file": name,
        "symbol": symbol,
        "meeting": meeting.code,
        "resolution": SUCCESSIVE_RESOLUTION,
        "entries": entries,
        "unknown_names": sorted(fill.unknown),
        "subactivities": {
            code: {"text": i.text, "funders": sorted(i.funders), "documents": list(i.documents)}
            for code, i in series.codes(version).items()
        },
    }
    return _Report(name, symbol, "\n".join(lines), crlf=False, bom=False, facts=facts)


def _write_successive(corpus: _Corpus, out: Path, count: int) -> tuple[list[Path], dict[str, Any]]:
    """Write ``count`` successive reports on one programme; return their paths and truth."""
    series = _Successive(corpus.seed, corpus.names)
    pairs = [series.step() for _ in range(count - 1)]
    files, paths = [], []
    for index, version in enumerate(series.versions, start=1):
        name = f"successive-{index:02d}.txt"
        report = _successive_report(corpus, series, version, index, name)
        path = out / name
        path.write_bytes(report.text.encode("utf-8"))
        paths.append(path)
        files.append({**report.facts, "bytes": path.stat().st_size})
    truth = {
        "resolution": SUCCESSIVE_RESOLUTION,
        "files": files,
        "pairs": [{"old": old["symbol"], "new": new["symbol"], **pair}
                  for pair, old, new in zip(pairs, files[:-1], files[1:], strict=True)],
    }  # fmt: skip
    return paths, truth


# --- the corpus ----------------------------------------------------------------------------


def generate(
    reports: int, out: Path, seed: int = 0, successive: int = 0, *, one_programme: bool = False
) -> list[Path]:
    """Write ``reports`` activity reports to ``out`` (created); return their paths, in order.

    Also writes ``out/corpus.json``: per report its file, symbol, meeting, resolution,
    number of areas and of report rows (what ``cmsgraph build`` counts as entries),
    nested tables, codes reported under another area, footnotes, CRLF, and the names
    the build will list as not linked. Earlier ``report-*.txt`` files in ``out`` are
    removed, so that the folder holds exactly this corpus.

    Each programme's periods follow its resolution's adoption year, as in real reports:
    2012-2014 is the short term of Res. 10.x and the medium term of Res. 9.x.

    With ``one_programme``, every report is on the activity programme of CMS Resolution
    10.9 (the same areas, codes and sub-activity texts) and written for a CMS meeting
    after 2011; symbols, meetings, progress, funders and references vary as usual. This
    is the worst case for the queries: thousands of entries on each sub-activity.
    ``corpus.json`` then says ``"one_programme": "CMS Resolution 10.9"``.

    With ``successive`` = K > 1, also writes ``successive-01.txt`` ... ``successive-K.txt``
    (up to :data:`MAX_SUCCESSIVE`): K reports on one programme (CMS Resolution 10.40, which
    no other report is on) to successive meetings, each stating the programme as the one
    before changed in known ways -- sub-activities new, dropped, renumbered (moved to a new
    code, sometimes reworded; or shifted by one inserted before them), funders and cited
    documents added and removed. ``corpus.json`` then has a ``successive`` entry with each
    report's sub-activities (text, funders, documents) and, per consecutive pair, what
    ``cmsgraph compare`` must find (``new_codes``, ``dropped``, ``continued``,
    ``renumbered`` old -> new, ``funders_added`` ... per code). Without either the output
    is as before, byte for byte.

    :raises ValueError: if ``reports`` is negative or larger than the meetings' document
        numbers allow (about 100,000), or ``successive`` is 1 or more than
        :data:`MAX_SUCCESSIVE`.

    >>> import tempfile
    >>> paths = generate(2, Path(tempfile.mkdtemp()), seed=7)
    >>> [p.name for p in paths]
    ['report-0001.txt', 'report-0002.txt']
    """
    if reports < 0:
        raise ValueError("reports must be >= 0")
    if successive == 1 or not 0 <= successive <= MAX_SUCCESSIVE:
        raise ValueError(f"successive must be 0 or 2 to {MAX_SUCCESSIVE}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in (*out.glob("report-*.txt"), *out.glob("successive-*.txt")):
        stale.unlink()
    corpus = _Corpus(seed, one_programme)
    width = max(4, len(str(reports)))
    paths: list[Path] = []
    manifest: list[dict[str, Any]] = []
    total = 0
    for index in range(1, reports + 1):
        name = f"report-{index:0{width}d}.txt"
        report = corpus.report(index, name)
        data = ("\ufeff" if report.bom else "").encode() + report.text.encode("utf-8")
        path = out / name
        path.write_bytes(data)
        paths.append(path)
        total += len(data)
        manifest.append({**report.facts, "bytes": len(data)})
    summary = {
        "generator": "benchmarks/make_corpus.py",
        "reports": reports,
        "seed": seed,
        "bytes": total,
        "entries": sum(r["entries"] for r in manifest),
        "gazetteer_sha256": corpus.names.fingerprint,
        "files": manifest,
    }
    if one_programme:
        convention, resolution, _ = _ONE_PROGRAMME
        summary["one_programme"] = f"{convention} Resolution {resolution}"
    if successive:
        written, summary["successive"] = _write_successive(corpus, out, successive)
        paths += written
    (out / MANIFEST).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``make_corpus.py --reports N --out DIR [--seed S] [--successive K]
    [--one-programme]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="number of reports")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--successive",
        type=int,
        default=0,
        metavar="K",
        help=f"also write K (2-{MAX_SUCCESSIVE}) successive reports on one programme with "
        "known changes, recorded in corpus.json (default 0: none)",
    )
    parser.add_argument(
        "--one-programme",
        action="store_true",
        help="every report on the programme of CMS Resolution 10.9 (same areas and codes)",
    )
    args = parser.parse_args(argv)
    if args.reports < 0:
        parser.error("--reports must be >= 0")
    if args.successive == 1 or not 0 <= args.successive <= MAX_SUCCESSIVE:
        parser.error(f"--successive must be 0 or 2 to {MAX_SUCCESSIVE}")
    started = time.perf_counter()
    paths = generate(args.reports, args.out, seed=args.seed, successive=args.successive,
                     one_programme=args.one_programme)  # fmt: skip
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files written to {args.out}, {size / 1e6:.1f} MB, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
