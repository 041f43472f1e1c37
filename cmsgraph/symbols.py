"""Document symbols of the CMS Family: recognise, normalise, parse, resolve in a context.

One grammar for every symbol the linker (and, later, the header parser) meets: meeting
documents, information documents, resolutions, decisions and MoU outcomes, and the short
references ("See Doc 21.1", "Docs 17.3 and 22.3", "Inf.15") that only make sense in the
citing document's *context* (the meeting its own symbol names, ``UNEP/CMS/COP11``).

Each body keeps its own convention; the normalised *full symbol* is the body's printed
form with spacing and punctuation made regular, so that every way of citing a document
meets at one string (and so one IRI: ``Iris.document(full)``).

Supported forms: each example is a real symbol, as the body prints it (read on cms.int,
unep-aewa.org, ascobans.org, eurobats.org, acap.aq, accobams.org and gorilla.cms.int
document lists), then ``->`` its full symbol where normalising changes it:

=====================  =================================================================
body                   examples
=====================  =================================================================
CMS COP                ``UNEP/CMS/COP11/Doc.16.1``, ``UNEP/CMS/COP10/Inf.10.2``
CMS StC, ScC           ``UNEP/CMS/StC41/Doc 6.9`` -> ``UNEP/CMS/StC41/Doc.6.9``,
                       ``UNEP/CMS/ScC18/Doc.10.1``
CMS ScC-SC             ``UNEP/CMS/ScC-SC1/Doc.10.2.3/Rev.1``
CMS CAMI               ``UNEP/CMS/CAMI/Doc.4`` (its meeting has no number)
CMS negotiation mtgs   ``UNEP/CMS/MS2/Doc.1/Rev.1``,
                       ``UNEP/CMS/SA-2/Inf/11`` -> ``UNEP/CMS/SA-2/Inf.11``
Sharks MOU             ``CMS/Sharks/MOS2/Doc.8.2.1``; outcomes ``CMS/Sharks/Outcome 1.4``
Raptors MOU            ``UNEP/CMS/Raptors/MOS2/8`` (no "Doc")
Dugong MOU             ``CMS/Dugong/MOS3/11.1/Add.1`` (no "Doc")
IOSEA MOU              ``CMS/IOSEA/MOS8/Doc.8.1``
Gorilla Agreement      ``UNEP/GA/MOP2/Doc.14/Rev.1``
ASCOBANS AC, MOP       ``ASCOBANS/AC25/Doc.1.2a/Rev.1``; up to AC24 without the prefix:
                       ``AC22/Doc.1.2.b Rev.1`` -> ``ASCOBANS/AC22/Doc.1.2.b/Rev.1``
AEWA MOP, StC, TC      ``AEWA/MOP 6.3 Rev.2``, ``AEWA/MOP7 Inf.1``, ``AEWA/TC 6.2``,
                       ``AEWA/TC5 Inf. 5.3`` -> ``AEWA/TC5 Inf.5.3``
EUROBATS MoP, AC, StC  ``Doc.EUROBATS.MoP7.11.Annex``, ``Inf.EUROBATS.AC7.25.Rev.2``,
                       ``Doc.EUROBATS.StC9-AC19.Record``,
                       ``Doc.EUROBATS.MOP2.6`` -> ``Doc.EUROBATS.MoP2.6``
ACAP MoP, AC           ``MoP5 Doc 05 Rev 2``, ``AC14 Doc 02``, cited with ACAP's name
                       (the bare form is CITES's too): ``ACAP AC14 Doc 02`` ->
                       ``ACAP/AC14 Doc 02``
ACCOBAMS               ``ACCOBAMS-MOP8/2022/Resolution 8.8`` -> ``ACCOBAMS/Resolution 8.8``
CMS resolutions        ``UNEP/CMS/Resolution 12.28``, ``Res. 11.26``,
                       ``Resolution 12.9 (Rev.COP13)`` -> ``UNEP/CMS/Resolution 12.9``
CMS decisions          ``Decision 13.22``, ``Decisions 12.103 to 12.104`` ->
                       ``UNEP/CMS/Decision 13.22`` ...
CMS recommendations    ``CMS COP Recommendation 8.16`` -> ``UNEP/CMS/Recommendation 8.16``
AEWA resolutions       ``UNEP/AEWA/MOP7/Res. 7.1``, ``AEWA Resolution 7.1`` ->
                       ``UNEP/AEWA/Resolution 7.1``
ASCOBANS resolutions   ``UNEP/ASCOBANS/Resolution 8.1 (Rev.MOP9)`` ->
                       ``UNEP/ASCOBANS/Resolution 8.1``
short references       ``Doc 21.1``, ``Docs 17.3 and 22.3``, ``Inf.15``: in the citing
                       document's context, in that body's convention (``Doc 14`` in
                       ``AEWA/MOP6`` is ``AEWA/MOP 6.14``)
=====================  =================================================================

Resolutions, decisions, recommendations and outcomes (*acts*) are normalised to one
symbol per act, ``<prefix>/<Kind> <number>``, whatever way they are cited (the full
symbol of the act's document, the instrument's name and number, or the number alone
in a context): a revision ("(Rev.COP13)") is the same act revised, kept as
``Symbol.revision``. Numbers lose padding zeros ("Resolution 12.01" is 12.1).

Not found in any document list, so not supported: symbols for the Wadden Sea Seals
Agreement (its Trilateral Seal Expert Group publishes reports, not numbered meeting
documents), ACCOBAMS documents other than resolutions (only the resolution form was
confirmed; ``ACCOBAMS-SC12/2018/Doc 03``-style symbols follow the same grammar and
are read, but no example was confirmed), AEWA's in-document short form
``Doc TC 14.2 Rev. 3``.

Public functions: :func:`find_symbols`, :func:`parse_symbol`, :func:`normalise`,
:func:`context`, :func:`resolve`, :func:`citations` and :func:`reference_spans`.
``parse_symbol(line)`` and ``context(symbol)`` are what a document header parser needs:
the document's own symbol and the context its short references resolve in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MEETING_CODE_RE",
    "Citation",
    "Symbol",
    "SymbolMatch",
    "act_symbol",
    "citations",
    "context",
    "find_symbols",
    "normalise",
    "parse_symbol",
    "reference_spans",
    "resolve",
]

# Instruments as symbols spell them (lower case) -> the name used in parts and acts
_INSTRUMENTS = {
    "cms": "CMS",
    "aewa": "AEWA",
    "ascobans": "ASCOBANS",
    "eurobats": "EUROBATS",
    "accobams": "ACCOBAMS",
    "acap": "ACAP",
    "ga": "Gorilla",
    "gorilla": "Gorilla",
    "cami": "CAMI",
}
# The prefix of the acts (resolutions, decisions ...) an instrument adopts
_ACT_PREFIX = {
    "CMS": "UNEP/CMS",
    "AEWA": "UNEP/AEWA",
    "ASCOBANS": "UNEP/ASCOBANS",
    "EUROBATS": "UNEP/EUROBATS",
    "Gorilla": "UNEP/GA",
    "ACCOBAMS": "ACCOBAMS",
    "ACAP": "ACAP",
}
# Meeting series whose documents carry no "Doc." before their number
_KINDLESS = frozenset({("Dugong", "MOS"), ("Raptors", "MOS")})

_NUM = r"\d+(?:\.\d+)*"
_REV = r"(?:Rev|Add|Corr)\.?\s?\d+"

# UNEP/CMS/COP11/Doc.16.1, CMS/Sharks/MOS2/Doc.8.2.1, ASCOBANS/AC25/Doc.1.2a/Rev.1 ...
_SLASH = (
    r"(?<![\w/.-])(?P<s_pfx>(?:UNEP/)?[A-Z][A-Za-z]*(?:/[A-Z][A-Za-z]+)?)"
    r"/(?P<s_meet>CAMI|[A-Za-z]+(?:-[A-Za-z]+)?-?\d+)"
    r"/(?:(?P<s_kind>Doc|Inf)(?:\.\s?|/|\s)?)?"
    rf"(?P<s_num>{_NUM}(?:\.?[a-z](?![A-Za-z]))?)"
    rf"(?P<s_rev>(?:(?:/|\s)(?:{_REV}))*)"
)
# AC22/Doc.1.2.b Rev.1: ASCOBANS before it prefixed its symbols
_ASCOBANS_OLD = (
    r"(?<![\w/.-])(?P<o_meet>AC\d+)/(?P<o_kind>Doc|Inf)\.?\s?"
    rf"(?P<o_num>{_NUM}(?:\.?[a-z](?![A-Za-z]))?)(?P<o_rev>(?:(?:/|\s|_)(?i:{_REV}))*)"
)
# AEWA/MOP 6.3 Rev.2, AEWA/MOP7 Inf.1, AEWA/TC5 Inf. 5.3
_AEWA = (
    r"\bAEWA/(?P<a_series>MOP|MoP|StC|TC)\s?(?P<a_meet>\d+)"
    rf"(?:\s?(?P<a_inf>Inf)\.?\s?(?P<a_inum>{_NUM})|\.(?P<a_num>{_NUM}))"
    rf"(?P<a_rev>(?:\s(?:{_REV}))*)"
)
# Doc.EUROBATS.MoP7.11.Annex, Inf.EUROBATS.AC7.25.Rev.2, Doc.EUROBATS.StC9-AC19.Record
_EUROBATS = (
    r"(?<![\w.])(?:(?P<e_kind>Doc|Inf)\.)?EUROBATS\.(?P<e_meet>(?:MoP|MOP|AC|StC)\d+(?:-AC\d+)?)"
    r"\.(?P<e_num>\d+(?:\.\d+)*|Record)(?P<e_rev>(?:\.(?:Rev\.\d+|Annex\d*))*)"
)
# ACAP AC14 Doc 02, ACAP MoP5 Doc 05 Rev 2
_ACAP = (
    r"\bACAP[/\s]\s*(?P<c_meet>(?:AC|MoP|SBWG|PaCSWG)\d+)\s+(?P<c_kind>Doc|Inf)\s+(?P<c_num>\d+)"
    r"(?:\s+Rev\s+(?P<c_rev>\d+))?"
)
# ACCOBAMS-MOP8/2022/Resolution 8.8 (and Doc/Inf in the same shape)
_ACCOBAMS = (
    r"\bACCOBAMS-(?P<b_meet>(?:MOP|SC|BU)\d+)/(?P<b_year>\d{4})/"
    rf"(?P<b_kind>Resolution|Res\.|Doc|Inf)\s?(?P<b_num>{_NUM})"
)
# UNEP/CMS/Resolution 12.28, UNEP/AEWA/MOP7/Res. 7.1, CMS/Sharks/Outcome 1.4
_ACT_SYMBOL = (
    r"(?<![\w/])(?:(?:UNEP/)?(?P<t_instr>[A-Z]+)(?:/(?:MOP|MoP|COP)\d+)?"
    r"/(?P<t_kind>Resolution|Res\.|Decision|Recommendation)"
    r"|CMS/(?P<t_mou>[A-Z][A-Za-z]+)/(?P<t_out>Outcome))"
    r"\s?(?P<t_num>\d+\.\d+)"
)
_FULL_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_ACT_SYMBOL, _EUROBATS, _AEWA, _ACAP, _ACCOBAMS, _SLASH))
    + "|"
    + f"(?:{_ASCOBANS_OLD})"
)
_ACT_REVISION_RE = re.compile(r"\s*\(\s*Rev\.\s?(?P<rev>[A-Za-z]+)\s?(?P<n>\d+)\s*\)")

# Short references, resolved in the citing document's context (unchanged grammar)
_SHORT_REF_RE = re.compile(
    r"\b(Docs?|Inf)\b\.?\s*(\d+(?:\.\d+)*)"
    r"((?:\s*(?:,|and|&)\s*(?:(?:Docs?|Inf)\b\.?\s*)?\d+(?:\.\d+)*)*)"
)
_LIST_ITEM_RE = re.compile(r"(?:(Docs?|Inf)\b\.?\s*)?(\d+(?:\.\d+)*)")
# Acts: "Res. 10.21", "Resolution 12.9 (Rev.COP13)", "Decisions 12.103 to 12.104",
# "AEWA Resolution 7.1", "CMS COP Recommendation 8.16"
_ACT_RE = re.compile(
    r"(?:\b(?P<instr>CMS|AEWA|ASCOBANS|EUROBATS|ACCOBAMS|ACAP)\s+(?:(?:COP|MOP|MoP)\s+)?)?"
    r"\b(?P<kind>Res\.|Resolutions?|Decisions?|Recommendations?|Outcomes?)\s*"
    r"(?P<first>\d+\.\d+)(?P<rev>\s*\(\s*Rev\.\s?[A-Za-z]+\s?\d+\s*\))?"
    r"(?P<rest>(?:\s*(?:,|and|&|to)\s*\d+\.\d+(?:\s*\(\s*Rev\.\s?[A-Za-z]+\s?\d+\s*\))?)*)"
)
_ACT_WORD_RE = re.compile(r"Res\.|Resolution|Decision|Recommendation|Outcome")
_ACT_ITEM_RE = re.compile(r"(\d+\.\d+)(\s*\(\s*Rev\.\s?[A-Za-z]+\s?\d+\s*\))?")
_ACT_KINDS = {
    "res.": "Resolution",
    "resolution": "Resolution",
    "resolutions": "Resolution",
    "decision": "Decision",
    "decisions": "Decision",
    "recommendation": "Recommendation",
    "recommendations": "Recommendation",
    "outcome": "Outcome",
    "outcomes": "Outcome",
}

#: Meeting codes ("COP12", "StC42", "ScC-SC4", "MOP6", "TC14") name meetings, not names
MEETING_CODE_RE = re.compile(r"\b(?:COP|StC|ScC-SC|ScC|MOP|MoP|MOS|SS|TC|AC|SC|BU|TAG)\s?\d+\b")

# Contexts, to resolve short references in: one per family of conventions
_CONTEXT_RES = (
    ("aewa", re.compile(r"^AEWA/(?P<series>\w+?)(?P<meet>\d+)$")),
    ("eurobats", re.compile(r"^EUROBATS\.(?P<meet>\S+)$")),
    ("acap", re.compile(r"^ACAP/(?P<meet>\S+)$")),
    ("accobams", re.compile(r"^ACCOBAMS-(?P<meet>\S+)$")),
)


@dataclass(frozen=True, slots=True)
class Symbol:
    """A document symbol, in parts.

    ``full`` is the normalised symbol (IRI-ready: ``Iris.document(full)``); ``context``
    is where the document's own short references resolve; ``instrument`` is the body
    ("CMS", "AEWA", "Sharks" ...), ``series`` and ``meeting`` the meeting ("COP", 11;
    empty and ``None`` for acts and for CAMI), ``kind`` the document type ("Doc",
    "Inf", "Resolution", "Decision", "Recommendation", "Outcome", or "" where the body
    prints none) and ``number`` its number; ``revision`` "Rev.1", "Add.1", "Rev.COP13".
    """

    full: str
    instrument: str
    series: str
    meeting: int | None
    kind: str
    number: str
    revision: str = ""
    context: str = ""


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    """A full symbol found in a text, with its span."""

    start: int
    end: int
    text: str
    symbol: Symbol


@dataclass(frozen=True, slots=True)
class Citation:
    """What a piece of text cites, resolved in the citing document's context.

    ``kind`` is "document" (``value`` a full symbol) or "resolution" (``value`` the
    number of a resolution of the citing document's own instrument, "10.21"). ``text``
    is the citing text: the whole list for "Docs 17.3 and 22.3".
    """

    kind: str
    text: str
    value: str
    start: int
    end: int
    resolved: bool = True  # False: a short reference read without a context to resolve it


def _instrument(name: str) -> str:
    return _INSTRUMENTS.get(name.lower(), name)


def _split_series(code: str) -> tuple[str, int | None]:
    """ "COP11" -> ("COP", 11); "ScC-SC1" -> ("ScC-SC", 1); "SA-2" -> ("SA", 2)."""
    m = re.fullmatch(r"(?P<s>[A-Za-z]+(?:-[A-Za-z]+)?)-?(?P<n>\d+)", code)
    if not m:
        return "", None
    return m.group("s"), int(m.group("n"))


def _revision(text: str, sep: str) -> str:
    """ " Rev.2/Add.1", "_rev.1" -> "<sep>Rev.2<sep>Add.1"."""
    parts = re.findall(r"(?i)(rev|add|corr)\.?\s?(\d+)", text or "")
    return "".join(f"{sep}{kind.capitalize()}.{n}" for kind, n in parts)


def _act_number(number: str) -> str:
    """Padding zeros go: "12.01" -> "12.1"."""
    return ".".join(str(int(p)) for p in number.split("."))


def _act(instrument: str, kind: str, number: str, revision: str = "") -> Symbol:
    prefix = _ACT_PREFIX.get(instrument, f"UNEP/{instrument}")
    if kind == "Outcome":
        prefix = f"CMS/{instrument}"
    number = _act_number(number)
    return Symbol(
        full=f"{prefix}/{kind} {number}",
        instrument=instrument,
        series="",
        meeting=None,
        kind=kind,
        number=number,
        revision=revision,
        context=prefix,
    )


def act_symbol(instrument: str, kind: str, number: str) -> str:
    """The full symbol of an act (a resolution, decision, recommendation or outcome).

    >>> act_symbol("cms", "Resolution", "10.9"), act_symbol("Sharks", "Outcome", "3.8")
    ('UNEP/CMS/Resolution 10.9', 'CMS/Sharks/Outcome 3.8')
    """
    return _act(_instrument(instrument), kind, number).full


def _act_revision(text: str | None) -> str:
    m = _ACT_REVISION_RE.match(text or "")
    return f"Rev.{m.group('rev')}{m.group('n')}" if m else ""


def _from_match(m: re.Match[str]) -> Symbol | None:
    g = m.groupdict()
    if g["t_num"]:  # an act's own symbol
        if g["t_out"]:
            return _act(_instrument(g["t_mou"] or ""), "Outcome", g["t_num"])
        kind = _ACT_KINDS[(g["t_kind"] or "").lower()]
        return _act(_instrument(g["t_instr"] or ""), kind, g["t_num"])
    if g["e_meet"]:  # EUROBATS
        meet = g["e_meet"].replace("MOP", "MoP")
        series, number = _split_series(meet.split("-")[0])
        kind = g["e_kind"] or ""
        rev = g["e_rev"] or ""
        full = f"{kind + '.' if kind else ''}EUROBATS.{meet}.{g['e_num']}{rev}"
        return Symbol(full, "EUROBATS", series, number, kind, g["e_num"], rev.lstrip("."),
                      f"EUROBATS.{meet}")  # fmt: skip
    if g["a_meet"]:  # AEWA
        series = "MOP" if g["a_series"] in ("MOP", "MoP") else g["a_series"]
        n = int(g["a_meet"])
        rev = _revision(g["a_rev"], " ")
        if g["a_inf"]:
            full, kind, num = f"AEWA/{series}{n} Inf.{g['a_inum']}{rev}", "Inf", g["a_inum"]
        else:
            full, kind, num = f"AEWA/{series} {n}.{g['a_num']}{rev}", "Doc", g["a_num"]
        return Symbol(full, "AEWA", series, n, kind, num, rev.strip(), f"AEWA/{series}{n}")
    if g["c_meet"]:  # ACAP
        series, meet = _split_series(g["c_meet"])
        rev = f"Rev {int(g['c_rev'])}" if g["c_rev"] else ""
        padded = f"{int(g['c_num']):02d}"
        full = f"ACAP/{g['c_meet']} {g['c_kind']} {padded}{' ' + rev if rev else ''}"
        return Symbol(full, "ACAP", series, meet, g["c_kind"], padded, rev, f"ACAP/{g['c_meet']}")
    if g["b_meet"]:  # ACCOBAMS
        kind = g["b_kind"]
        if kind in ("Resolution", "Res."):
            return _act("ACCOBAMS", "Resolution", g["b_num"])
        series, meet = _split_series(g["b_meet"])
        ctx = f"ACCOBAMS-{g['b_meet']}/{g['b_year']}"
        return Symbol(f"{ctx}/{kind} {g['b_num']}", "ACCOBAMS", series, meet, kind, g["b_num"],
                      "", ctx)  # fmt: skip
    if g["o_meet"]:  # ASCOBANS, before the prefix
        series, meet = _split_series(g["o_meet"])
        rev = _revision(g["o_rev"], "/")
        ctx = f"ASCOBANS/{g['o_meet']}"
        full = f"{ctx}/{g['o_kind']}.{g['o_num']}{rev}"
        return Symbol(full, "ASCOBANS", series, meet, g["o_kind"], g["o_num"], rev.lstrip("/"), ctx)
    return _slash(g)


def _slash(g: dict[str, str | None]) -> Symbol | None:
    pfx, meet, kind, num = g["s_pfx"] or "", g["s_meet"] or "", g["s_kind"] or "", g["s_num"]
    segments = [s for s in pfx.split("/") if s != "UNEP"]
    if not segments or num is None:
        return None
    instrument = _instrument(segments[-1])
    if meet == "CAMI":
        instrument, series, number = "CAMI", "", None
    else:
        series, number = _split_series(meet)
    if not kind and (instrument, series) not in _KINDLESS:
        return None  # "A/B1/2" is no symbol unless the body prints its symbols so
    rev = _revision(g["s_rev"] or "", "/")
    ctx = f"{pfx}/{meet}"
    full = f"{ctx}/{kind + '.' if kind else ''}{num}{rev}"
    return Symbol(full, instrument, series, number, kind, num, rev.lstrip("/"), ctx)


def find_symbols(text: str) -> list[SymbolMatch]:
    """The full symbols in ``text``, in order, with their spans.

    >>> [m.symbol.full for m in find_symbols("See UNEP/CMS/COP11/Doc 14.1 and AEWA/MOP7 Inf.1.")]
    ['UNEP/CMS/COP11/Doc.14.1', 'AEWA/MOP7 Inf.1']
    """
    if "/" not in text and "EUROBATS" not in text and "ACAP" not in text:
        return []
    found: list[SymbolMatch] = []
    for m in _FULL_RE.finditer(text):
        symbol = _from_match(m)
        if symbol is None:
            continue
        end = m.end()
        if symbol.kind in _ACT_KINDS.values() and (r := _ACT_REVISION_RE.match(text, end)):
            symbol = _with_revision(symbol, _act_revision(r.group()))
            end = r.end()
        found.append(SymbolMatch(m.start(), end, text[m.start() : end], symbol))
    return found


def _with_revision(symbol: Symbol, revision: str) -> Symbol:
    return Symbol(symbol.full, symbol.instrument, symbol.series, symbol.meeting, symbol.kind,
                  symbol.number, revision, symbol.context)  # fmt: skip


def parse_symbol(text: str) -> Symbol | None:
    """The symbol ``text`` is (the whole of it, spaces around aside), or ``None``.

    For a document header: ``parse_symbol(line)`` is the document's own symbol, and
    ``.context`` where its short references resolve.

    >>> s = parse_symbol("UNEP/CMS/COP11/Doc.16.1")
    >>> (s.instrument, s.series, s.meeting, s.kind, s.number, s.context)
    ('CMS', 'COP', 11, 'Doc', '16.1', 'UNEP/CMS/COP11')
    >>> parse_symbol("Resolution 10.9") is None  # a resolution's number is no symbol
    True
    """
    stripped = text.strip()
    found = find_symbols(stripped)
    if len(found) == 1 and (found[0].start, found[0].end) == (0, len(stripped)):
        return found[0].symbol
    return None


def normalise(text: str) -> str | None:
    """The full symbol ``text`` is, normalised; ``None`` if it is none.

    >>> normalise("AC22/Doc.1.2.b Rev.1")
    'ASCOBANS/AC22/Doc.1.2.b/Rev.1'
    >>> normalise("UNEP/AEWA/MOP7/Res. 7.1")
    'UNEP/AEWA/Resolution 7.1'
    """
    symbol = parse_symbol(text)
    return symbol.full if symbol else None


def context(symbol: Symbol | str) -> str:
    """The context short references in a document resolve in: its meeting.

    >>> context("UNEP/CMS/ScC-SC1/Doc.6.1")
    'UNEP/CMS/ScC-SC1'
    >>> context("Doc.EUROBATS.MoP7.11")
    'EUROBATS.MoP7'

    :raises ValueError: if ``symbol`` is a string that is no symbol.
    """
    if isinstance(symbol, str):
        parsed = parse_symbol(symbol)
        if parsed is None:
            raise ValueError(f"not a document symbol: {symbol!r}")
        symbol = parsed
    return symbol.context


def _in_context(kind: str, number: str, ctx: str) -> str:
    """The full symbol of document ``kind`` ``number`` of the meeting ``ctx``."""
    for family, pattern in _CONTEXT_RES:
        if m := pattern.match(ctx):
            if family == "aewa":
                series, meet = m.group("series"), m.group("meet")
                return f"AEWA/{series}{meet} Inf.{number}" if kind == "Inf" else (
                    f"AEWA/{series} {meet}.{number}")  # fmt: skip
            if family == "eurobats":
                return f"{kind}.EUROBATS.{m.group('meet')}.{number}"
            if family == "acap":
                padded = f"{int(number):02d}" if number.isdigit() else number
                return f"{ctx} {kind} {padded}"
            return f"{ctx}/{kind} {number}"  # ACCOBAMS
    pfx, _, meet = ctx.rpartition("/")
    segments = [s for s in pfx.split("/") if s != "UNEP"]
    if (
        segments
        and kind == "Doc"
        and (_instrument(segments[-1]), _split_series(meet)[0]) in _KINDLESS
    ):
        return f"{ctx}/{number}"
    return f"{ctx}/{kind}.{number}"


def resolve(reference: str, ctx: str) -> list[str]:
    """The full symbols a short reference names, in context ``ctx``.

    >>> resolve("Docs 17.3 and 22.3", "UNEP/CMS/COP11")
    ['UNEP/CMS/COP11/Doc.17.3', 'UNEP/CMS/COP11/Doc.22.3']
    >>> resolve("Doc 14", "AEWA/MOP6"), resolve("Inf.1", "AEWA/MOP6")
    (['AEWA/MOP 6.14'], ['AEWA/MOP6 Inf.1'])
    """
    return [c.value for c in _short_refs(reference, ctx)]


def _short_refs(text: str, ctx: str) -> list[Citation]:
    out: list[Citation] = []
    for m in _SHORT_REF_RE.finditer(text):
        kind = "Inf" if m.group(1) == "Inf" else "Doc"
        span = (m.group(), m.start(), m.end())
        value = _in_context(kind, m.group(2), ctx)
        out.append(Citation("document", span[0], value, *span[1:], resolved=bool(ctx)))
        for item in _LIST_ITEM_RE.finditer(m.group(3)):
            if item.group(1):
                kind = "Inf" if item.group(1) == "Inf" else "Doc"
            value = _in_context(kind, item.group(2), ctx)
            out.append(Citation("document", span[0], value, *span[1:], resolved=bool(ctx)))
    return out


@lru_cache(maxsize=1024)
def _context_instrument(ctx: str) -> str:
    """The instrument whose resolutions a context's bare "Res. 10.21" cites."""
    symbol = parse_symbol(f"{ctx}/Doc.1") or parse_symbol(f"{ctx}.1")
    if symbol is None:
        for family, pattern in _CONTEXT_RES:
            if pattern.match(ctx):
                return _instrument(family)
        segments = [s for s in ctx.split("/") if s != "UNEP"]
        return _instrument(segments[0]) if segments else ""
    return "CMS" if symbol.instrument == "CAMI" else symbol.instrument


def _acts(text: str, ctx: str) -> list[Citation]:
    out: list[Citation] = []
    if not _ACT_WORD_RE.search(text):
        return out
    own = _context_instrument(ctx)
    for m in _ACT_RE.finditer(text):
        kind = _ACT_KINDS[m.group("kind").lower()]
        instrument = _instrument(m.group("instr")) if m.group("instr") else own
        if not m.group("instr") and kind != "Outcome" and own and own not in _ACT_PREFIX:
            instrument = "CMS"  # a MoU adopts outcomes only: its "Decision 12.45" is CMS's
        if kind == "Outcome" and (m.group("instr") or own in _ACT_PREFIX):
            continue  # outcomes are the MoUs': "Outcome 3.8" means one only in a MoU's context
        start = m.start("kind")
        items = [(m.group("first"), m.group("rev")), *_ACT_ITEM_RE.findall(m.group("rest"))]
        for number, rev in items:
            if not m.group("instr") and "COP" in (rev or ""):
                instrument = "CMS"  # "(Rev.COP13)": revised by a CMS COP, so a CMS act
            if kind == "Resolution" and instrument == own:
                value, what = _act_number(number), "resolution"
            else:
                value, what = _act(instrument, kind, number).full, "document"
            out.append(Citation(what, text[start : m.end()], value, start, m.end()))
    return out


_DIGIT = re.compile(r"\d")


def citations(text: str, ctx: str) -> list[Citation]:
    """Everything ``text`` cites, resolved in context ``ctx``: full symbols first, then
    short references, then resolutions and other acts.

    >>> [c.value for c in citations("See Docs 17.3 and 22.3; Inf.15.", "UNEP/CMS/COP11")]
    ['UNEP/CMS/COP11/Doc.17.3', 'UNEP/CMS/COP11/Doc.22.3', 'UNEP/CMS/COP11/Inf.15']
    >>> [(c.kind, c.value) for c in citations("Res. 10.21 and AEWA Resolution 7.1",
    ...                                       "UNEP/CMS/COP11")]
    [('resolution', '10.21'), ('document', 'UNEP/AEWA/Resolution 7.1')]
    """
    if _DIGIT.search(text) is None:  # every citation has a number
        return []
    full = find_symbols(text)
    out = [_cite_symbol(m, ctx) for m in full]
    masked = _mask(text, [(m.start, m.end) for m in full]) if full else text
    out.extend(_short_refs(masked, ctx))
    out.extend(_acts(masked, ctx))
    return out


def _cite_symbol(m: SymbolMatch, ctx: str) -> Citation:
    """A full symbol cited; a resolution of the context's own instrument by its number."""
    s = m.symbol
    if s.kind == "Resolution" and s.instrument == _context_instrument(ctx):
        return Citation("resolution", m.text, s.number, m.start, m.end)
    return Citation("document", m.text, s.full, m.start, m.end)


def reference_spans(text: str, ctx: str = "") -> list[tuple[int, int]]:
    """The spans of ``text`` that cite documents (to keep them from entity matching).

    An act's span starts at its kind word: in "AEWA Resolution 7.1" AEWA is still named.
    """
    return [(c.start, c.end) for c in citations(text, ctx)]


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
