"""What the top of a meeting document says about it: symbol, date, meeting, title ...

The first page of a CMS Family meeting document prints, in some order and layout::

    CONVENTION ON MIGRATORY SPECIES           Distribution: General
                                              UNEP/CMS/COP11/Doc.16.1
                                              14 August 2014
    11th MEETING OF THE CONFERENCE OF THE PARTIES
    Quito, Ecuador, 4-9 November 2014
    Agenda Item 16.1
    FUTURE STRUCTURE AND STRATEGIES OF CMS: ...
    Summary: ...

:func:`header_fields` reads those lines, whatever the format they were read from.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from . import symbols

__all__ = ["HeaderFields", "header_fields"]

_ACTS = frozenset({"Resolution", "Decision", "Recommendation", "Outcome"})


def _own_symbol(symbol: symbols.Symbol | None) -> symbols.Symbol | None:
    """``symbol`` if it can be a meeting document's own (an act's symbol cannot)."""
    return symbol if symbol is not None and symbol.kind not in _ACTS else None


_DATE_RE = re.compile(r"^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$")
_MEETING_RE = re.compile(
    r"^(\d+)\s*(?:st|nd|rd|th)\s+(?:SESSION OF THE\s+)?MEETING OF THE (CONFERENCE OF THE PARTIES"
    r"|STANDING COMMITTEE|SCIENTIFIC COUNCIL|PARTIES|SIGNATORIES)",
    re.IGNORECASE,
)
# "Third Meeting of the Signatories", "25th Meeting of the Advisory Committee",
# "25th ASCOBANS Advisory Committee Meeting"
_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
)
_OTHER_MEETING_RE = re.compile(
    r"^(\d+)\s*(?:st|nd|rd|th)?\s+|^(" + "|".join(_ORDINALS) + r")\s+",
    re.IGNORECASE,
)
_OTHER_BODY_RE = re.compile(
    r"\b(CONFERENCE OF THE PARTIES|STANDING COMMITTEE|SCIENTIFIC COUNCIL|ADVISORY COMMITTEE"
    r"|MEETING OF THE PARTIES|MEETING OF THE SIGNATORIES|PARTIES|SIGNATORIES)\b",
    re.IGNORECASE,
)
_MEETING_SERIES = {
    "CONFERENCE OF THE PARTIES": "COP",
    "STANDING COMMITTEE": "StC",
    "SCIENTIFIC COUNCIL": "ScC",
    "ADVISORY COMMITTEE": "AC",
    "MEETING OF THE PARTIES": "MOP",
    "MEETING OF THE SIGNATORIES": "MOS",
    "PARTIES": "MOP",
    "SIGNATORIES": "MOS",
}
_AGENDA_RE = re.compile(r"^Agenda Item\s+([\w.]+)", re.IGNORECASE)
_RESOLUTION_RE = re.compile(r"\bRESOLUTION\s+(\d+\.\d+)", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ),
        start=1,
    )
}  # fmt: skip
# Lines of the first page that are neither title nor anything else worth keeping
_BOILERPLATE_RE = re.compile(
    r"^(?:CONVENTION ON (?:THE CONSERVATION OF )?MIGRATORY SPECIES.*|Distribution:.*|"
    r"Original:.*|Agreement on the Conservation of .*|Memorandum of Understanding .*|"
    r"Summary:?|\(?Prepared by .*|Introduction|Action requested:?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class HeaderFields:
    """The header of a document. ``title`` is the line after "Agenda Item" (None without
    one); ``title_guess`` the first heading-like line that is nothing else, for documents
    that print no agenda item."""

    symbol: str | None
    context: str | None  # the symbol prefix short references resolve in: "UNEP/CMS/COP11"
    date: str | None  # ISO 8601
    meeting: str | None  # "COP11", "MOS3", "AC25"
    meeting_title: str | None
    venue: str | None
    agenda_item: str | None
    title: str | None
    title_guess: str | None
    resolution: str | None  # the resolution the title or summary names: "10.9"
    summary: str
    last: int  # index of the last line a field was read from (-1: none)


def header_fields(lines: Sequence[str]) -> HeaderFields:
    """Read the header fields from the first lines of a document.

    >>> h = header_fields(["UNEP/CMS/COP11/Doc.16.1", "14 August 2014",
    ...                    "11th MEETING OF THE CONFERENCE OF THE PARTIES", "Quito, Ecuador",
    ...                    "Agenda Item 16.1", "FUTURE STRUCTURE OF CMS"])
    >>> (h.symbol, h.context, h.date, h.meeting, h.venue, h.agenda_item, h.title)
    ('UNEP/CMS/COP11/Doc.16.1', 'UNEP/CMS/COP11', '2014-08-14', 'COP11', 'Quito, Ecuador', \
'16.1', 'FUTURE STRUCTURE OF CMS')
    """
    stripped = [ln.strip().strip("*").strip() for ln in lines]
    symbol = context = None
    date = meeting = meeting_title = venue = agenda = title = None
    used: set[int] = set()
    for i, line in enumerate(stripped):
        if symbol is None and (own := _own_symbol(symbols.parse_symbol(line))):
            symbol, context = own.full, own.context
            used.add(i)
        elif date is None and (m := _DATE_RE.match(line)) and m.group(2) in _MONTHS:
            with contextlib.suppress(ValueError):  # "31 February 2014" is no date
                date = datetime(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))).date()
                used.add(i)
        elif meeting is None and (m := _MEETING_RE.match(line)):
            meeting = f"{_MEETING_SERIES[m.group(2).upper()]}{int(m.group(1))}"
            meeting_title = line
            venue = next((s for s in stripped[i + 1 :] if s), None)
            used.update((i, _next_index(stripped, i)))
        elif agenda is None and (m := _AGENDA_RE.match(line)):
            agenda = m.group(1).rstrip(".")
            title = next((s for s in stripped[i + 1 :] if s), None)
            used.update((i, _next_index(stripped, i)))
    # Else beside other header text on a short line ("Distribution: General
    # UNEP/CMS/COP11/Doc.16.1"); never a symbol a sentence cites.
    if symbol is None:
        for i, line in enumerate(stripped):
            if len(line) > 100:
                continue
            own = next(
                (s for m in symbols.find_symbols(line) if (s := _own_symbol(m.symbol))), None
            )
            if own is not None:
                symbol, context = own.full, own.context
                used.add(i)
                break
    if meeting is None:
        for i, line in enumerate(stripped):
            if found := _other_meeting(line):
                meeting, meeting_title = found, line
                venue = next((s for s in stripped[i + 1 :] if s), None)
                used.update((i, _next_index(stripped, i)))
                break
    summary = _summary(stripped)
    resolution = None
    for candidate in (title or "", summary):
        if m := _RESOLUTION_RE.search(candidate):
            resolution = m.group(1)
            break
    if meeting is None and context is not None:
        m = re.search(r"/([A-Za-z]+)(\d+)$", context)
        meeting = f"{m.group(1)}{int(m.group(2))}" if m else None
    guess = next(
        (
            line
            for i, line in enumerate(stripped)
            if i not in used and _title_like(line) and (not used or i > min(used))
        ),
        None,
    )
    return HeaderFields(
        symbol=symbol,
        context=context,
        date=date.isoformat() if date else None,
        meeting=meeting,
        meeting_title=meeting_title,
        venue=venue,
        agenda_item=agenda,
        title=title,
        title_guess=title if title else guess,
        resolution=resolution,
        summary=summary,
        last=max(used, default=-1),
    )


def _next_index(lines: list[str], i: int) -> int:
    return next((j for j in range(i + 1, len(lines)) if lines[j]), i)


def _other_meeting(line: str) -> str | None:
    """A meeting line in the forms of the Agreements and MoUs; its code ("MOS3", "AC25")."""
    m = _OTHER_MEETING_RE.match(line)
    body = _OTHER_BODY_RE.search(line)
    if not m or not body or "MEETING" not in line.upper() or len(line) > 120:
        return None
    number = int(m.group(1)) if m.group(1) else _ORDINALS.index(m.group(2).lower()) + 1
    return f"{_MEETING_SERIES[body.group(1).upper()]}{number}"


def _title_like(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 10
        and len(line) <= 300
        and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
        and not _BOILERPLATE_RE.match(line)
        and not _DATE_RE.match(line)
    )


def _summary(lines: list[str]) -> str:
    try:
        start = next(i for i, ln in enumerate(lines) if ln.rstrip(":").lower() == "summary")
    except StopIteration:
        return ""
    out: list[str] = []
    for line in lines[start + 1 :]:
        if line.lower().startswith(("(prepared by", "introduction")) or (
            out and line.isupper() and len(line) > 20
        ):
            break
        if line:
            out.append(line)
    return "\n".join(out)
