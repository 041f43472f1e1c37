"""Entity linking: what each report row names, and the role it plays for the row.

For every row it finds

* gazetteer entities and countries, with a role that depends on the cell: in the
  RESOURCES cell a country or organisation is a *funder* (or a *funding channel*
  when it stands after "via": "The EU via the GIZ has funded ..."); in the ACTIVITY
  and PROGRESS/PLAN cells an organisation is a *partner*; instruments, bodies,
  meetings, programmes, concepts, regions and countries keep their own role;
* document references ("See Doc 21.1", "Docs 17.3 and 22.3", "Inf.15", full symbols
  of any Family body), resolved to full symbols in the citing document's context
  (``UNEP/CMS/COP11``) by :mod:`.symbols`, which holds the symbol grammar;
* resolutions ("Res. 10.21"), decisions and outcomes (cited as documents),
  core-budget lines ("line 1203"), money amounts
  ("€25,000") and the kinds of resources (core budget, voluntary contributions, staff
  time);
* capitalised names and acronyms that match nothing ("not linked"), so that staff can
  grow the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from . import symbols
from .gazetteer import Gazetteer, tokenize
from .model import (
    Abbreviation,
    AbbreviationLink,
    Amount,
    Citation,
    CitationKind,
    DocumentInfo,
    Entity,
    Field,
    LinkedActivity,
    LinkedEntry,
    LinkedMeetingDocument,
    LinkedReport,
    LinkedText,
    LinkedWorkProgramme,
    MeetingDocument,
    Mention,
    Passage,
    Place,
    Reference,
    Report,
    ReportEntry,
    Role,
    UnlinkedMention,
    WorkProgramme,
)

__all__ = [
    "amounts_in",
    "citations",
    "document_refs",
    "link_entry",
    "link_meeting_document",
    "link_report",
    "link_work_programme",
    "scan_text",
]

_BUDGET_LINE_RE = re.compile(r"\blines?\s+(\d{4})\b((?:\s*(?:,|and|&)\s*\d{4}\b)*)", re.I)
_AMOUNT_RE = re.compile(
    r"(?P<cur>€|EUR|USD|US\$|\$|CHF|£)\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d{1,2}))?"
    r"|(?P<num2>\d{1,3}(?:,\d{3})+|\d+)\s?(?P<cur2>EUR|euros?|USD|CHF)\b"
)
_CURRENCY_HINT_RE = re.compile(r"[€$£]|EUR|USD|CHF|euro")
_DIGIT_RE = re.compile(r"\d")
_CURRENCIES = {
    "€": "EUR",
    "EUR": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "USD": "USD",
    "US$": "USD",
    "$": "USD",
    "CHF": "CHF",
    "£": "GBP",
}
_RESOURCE_KINDS = (
    ("core-budget", re.compile(r"\b(?:core|CMS) budget\b", re.I)),
    (
        "voluntary-contribution",
        re.compile(
            r"\b(?:voluntary )?contributions?\b|\bfunded\b|"
            r"\bfunding from\b|\bgrant\b",
            re.I,
        ),
    ),
    ("staff-time", re.compile(r"\bstaff time\b", re.I)),
)
_PENDING_RE = re.compile(r"\bpending (?:the )?decision\b", re.I)

_ROLE_BY_TYPE = {
    "Agreement": Role.INSTRUMENT,
    "MoU": Role.INSTRUMENT,
    "Convention": Role.CONVENTION,
    "Organisation": Role.PARTNER,
    "Body": Role.BODY,
    "Meeting": Role.MEETING,
    "Country": Role.COUNTRY,
    "Programme": Role.PROGRAMME,
    "Concept": Role.CONCEPT,
    "Region": Role.REGION,
}
_CONNECTORS = frozenset({"of", "for", "the", "on", "de", "du", "des", "la", "to"})
# Spans that are not unknown names either, though the gazetteer may know them ("COP11");
# meeting codes ("COP12", "StC42", "MOP6") name meetings, not unknown organisations
_NOT_NAMES_RES = (_AMOUNT_RE, symbols.MEETING_CODE_RE)
_SENTENCE_ENDS = ".!?:;(\n"


def link_report(report: Report, gazetteer: Gazetteer) -> LinkedReport:
    """Link every row of a parsed report, and the entities its prose names."""
    context = report.document.context
    entries: list[LinkedEntry] = []
    unlinked: list[UnlinkedMention] = []
    for entry in report.entries:
        linked, names = link_entry(entry, gazetteer, context)
        entries.append(linked)
        unlinked.extend(UnlinkedMention(name, report.path, entry.line) for name in names)
    cited = symbols.citations(report.prose, context)
    found, _ = _scan(report.prose, Field.STATUS, gazetteer, cited)
    prose_entities = dict.fromkeys(m.entity for m in found)
    prose_refs = dict.fromkeys(c.value for c in cited if c.kind == "document")
    prose_refs.pop(report.document.symbol, None)
    return LinkedReport(
        report=report,
        entries=tuple(entries),
        document_mentions=tuple(prose_entities),
        document_refs=tuple(prose_refs),
        unlinked=tuple(unlinked),
    )


def link_entry(
    entry: ReportEntry, gazetteer: Gazetteer, context: str
) -> tuple[LinkedEntry, list[str]]:
    """Link one report row; also return the capitalised names that matched nothing."""
    mentions: list[Mention] = []
    documents: list[Reference] = []
    resolutions: list[Reference] = []
    budget_lines: list[Reference] = []
    unlinked: list[str] = []
    for which in Field:
        text = entry.text(which)
        if not text:
            continue
        cited = symbols.citations(text, context)
        found, names = _scan(text, which, gazetteer, cited)
        mentions.extend(found)
        unlinked.extend(names)
        for c in cited:
            (resolutions if c.kind == "resolution" else documents).append(
                Reference(which, c.text, c.value)
            )
        budget_lines.extend(_numbers(_BUDGET_LINE_RE, text, which, r"\d{4}"))
    resources = entry.resources_text
    kinds = [kind for kind, pattern in _RESOURCE_KINDS if pattern.search(resources)]
    if _PENDING_RE.search(resources):
        kinds.append("pending-budget-decision")
    return (
        LinkedEntry(
            entry=entry,
            mentions=tuple(_unique_mentions(mentions)),
            documents=_unique(documents),
            resolutions=_unique(resolutions),
            budget_lines=_unique(budget_lines),
            amounts=tuple(_amounts(entry)),
            resource_kinds=tuple(kinds),
        ),
        unlinked,
    )


def _unique(refs: list[Reference]) -> tuple[Reference, ...]:
    """One reference per value: the first, which is where the row first cites it."""
    first: dict[str, Reference] = {}
    for ref in refs:
        first.setdefault(ref.value, ref)
    return tuple(first.values())


def document_refs(text: str, which: Field, context: str) -> Iterator[Reference]:
    """Documents cited in ``text``, as full symbols in ``context`` (see :mod:`.symbols`).

    >>> [r.value for r in document_refs("See Docs 17.3 and 22.3; Inf.15.", Field.STATUS,
    ...                                    "UNEP/CMS/COP11")]
    ['UNEP/CMS/COP11/Doc.17.3', 'UNEP/CMS/COP11/Doc.22.3', 'UNEP/CMS/COP11/Inf.15']
    """
    for c in symbols.citations(text, context):
        if c.kind == "document" and c.resolved:  # no context: short references stay unresolved
            yield Reference(which, c.text, c.value)


def _numbers(pattern: re.Pattern[str], text: str, which: Field, number: str) -> Iterator[Reference]:
    for m in pattern.finditer(text):
        for value in (m.group(1), *re.findall(number, m.group(2))):
            yield Reference(which, m.group(), value)


def _amounts(entry: ReportEntry) -> Iterator[Amount]:
    for which in Field:
        yield from amounts_in(entry.text(which), which)


def amounts_in(text: str, which: Field) -> Iterator[Amount]:
    """Money amounts in ``text``.

    >>> [(a.value, a.currency) for a in amounts_in("about €25,000 and USD 1,500.50", Field.CELL)]
    [('25000', 'EUR'), ('1500.50', 'USD')]
    """
    if not _CURRENCY_HINT_RE.search(text):  # no amount without a currency: skip the scan
        return
    for m in _AMOUNT_RE.finditer(text):
        number = (m.group("num") or m.group("num2")).replace(",", "")
        if m.group("dec"):
            number += "." + m.group("dec")
        symbol = m.group("cur") or m.group("cur2")
        currency = _CURRENCIES.get(symbol) or _CURRENCIES[symbol.lower()]
        yield Amount(which, m.group(), number, currency)


def _scan(
    text: str,
    which: Field,
    gazetteer: Gazetteer,
    cited: list[symbols.Citation] | None = None,
) -> tuple[list[Mention], list[str]]:
    """The entity mentions of one cell, and its capitalised names that matched nothing.

    References ("See Doc 21.1", "Res. 10.21", "line 1203") are blanked out first (same
    length, so offsets hold): they name documents, not entities. ``cited`` are the
    cell's citations when the caller has them already.
    """
    if cited is None:
        cited = symbols.citations(text, "")
    masked = text
    if cited:
        chars = list(text)
        for c in cited:
            chars[c.start : c.end] = " " * (c.end - c.start)
        masked = "".join(chars)
    masked = _BUDGET_LINE_RE.sub(lambda m: " " * len(m.group()), masked)
    tokens = tokenize(masked)
    words = [t.group() for t in tokens]
    lowered = [w.lower() for w in words]
    covered = [False] * len(tokens)
    mentions: list[Mention] = []
    starts = gazetteer.lengths  # the lower-cased first words of every form
    i = 0
    while i < len(tokens):
        if lowered[i] not in starts:  # most words start no name: decided at once
            i += 1
            continue
        hit = gazetteer.match_at(words, i, lowered)
        if hit is None:
            i += 1
            continue
        entity_id, n = hit
        start, end = tokens[i].start(), tokens[i + n - 1].end()
        surface = text[start:end]
        entity = gazetteer.entities[entity_id]
        mentions.append(
            Mention(which, start, end, surface, entity_id, _role(text, start, which, entity.type))
        )
        instrument = _instrument_of_part(gazetteer, entity_id)
        if instrument is not None:  # "AEWA Secretariat" involves AEWA
            mentions.append(Mention(which, start, end, surface, instrument, Role.INSTRUMENT))
        if n > 2 and "/" in words[i : i + n]:  # "CMS/AEWA common ... Team" names AEWA too
            for part in _joined_instruments(gazetteer, words, i, n):
                mentions.append(Mention(which, start, end, surface, part, Role.INSTRUMENT))
        covered[i : i + n] = [True] * n
        i += n
    spans = (
        [m.span() for pattern in _NOT_NAMES_RES for m in pattern.finditer(masked)]
        if _DIGIT_RE.search(masked)  # amounts and meeting codes have digits
        else []
    )
    if spans:
        for j, token in enumerate(tokens):
            if any(start <= token.start() < end for start, end in spans):
                covered[j] = True
    return mentions, list(_unlinked(masked, tokens, words, covered, gazetteer))


def _role(text: str, start: int, which: Field, entity_type: str) -> Role:
    """The role of an entity named at ``start``: by type, and for resources by context.

    In the RESOURCES cell a country or organisation gives money ("contributions from
    Germany"), unless the money goes *via* it ("The EU via the GIZ has funded") or is
    spent *by* it ("a training session by WCMC").
    """
    if which is Field.RESOURCES and entity_type in ("Country", "Organisation"):
        before = text[max(0, start - 12) : start].lower()
        if re.search(r"\bvia(?: the)?\s*$", before):
            return Role.FUNDING_CHANNEL
        if re.search(r"\bby(?: the)?\s*$", before):
            return Role.PARTNER
        return Role.FUNDER
    return _ROLE_BY_TYPE[entity_type]


def _instrument_of_part(gazetteer: Gazetteer, entity_id: str) -> str | None:
    """The Agreement or MoU a body belongs to (through its parents), if any."""
    entity = gazetteer.entities[entity_id]
    seen = {entity_id}
    while entity.type == "Body" and entity.parent and entity.parent not in seen:
        seen.add(entity.parent)
        entity = gazetteer.entities[entity.parent]
        if entity.type in ("Agreement", "MoU"):
            return entity.id
    return None


def _joined_instruments(gazetteer: Gazetteer, words: list[str], i: int, n: int) -> Iterator[str]:
    """The Agreements and MoUs named by the words joined by a slash inside a longer name.

    "CMS/AEWA common Information, Communication and Outreach Team" is one body, and it
    is the two Secretariats': the name involves AEWA as well as CMS.
    """
    for j in range(i + 1, i + n - 1):
        if words[j] != "/":
            continue
        for k in (j - 1, j + 1):
            hit = gazetteer.match_at(words, k)
            if hit is not None and hit[1] == 1:
                entity = gazetteer.entities[hit[0]]
                if entity.type in ("Agreement", "MoU"):
                    yield entity.id


def _unique_mentions(mentions: list[Mention]) -> Iterator[Mention]:
    """One mention per (entity, role, cell): the first, which is where the text names it."""
    seen: set[tuple[str, Role, Field]] = set()
    for m in mentions:
        key = (m.entity, m.role, m.field)
        if key not in seen:
            seen.add(key)
            yield m


def _is_acronym(word: str) -> bool:
    if word.islower() or not word[0].isalpha():  # the common case, decided at once
        return False
    return sum(c.isupper() for c in word) >= 2


def _unlinked(
    text: str,
    tokens: list[re.Match[str]],
    words: list[str],
    covered: list[bool],
    gazetteer: Gazetteer,
) -> Iterator[str]:
    """Capitalised names (two or more capitalised words) and acronyms no form covers."""
    run: list[int] = []

    def flush() -> Iterator[str]:
        while run and words[run[-1]] in _CONNECTORS:
            run.pop()
        capitals = [i for i in run if words[i][0].isupper()]
        name = text[tokens[run[0]].start() : tokens[run[-1]].end()] if run else ""
        if len(capitals) >= 2 and name not in gazetteer.ignore:
            yield name
        run.clear()

    for i, word in enumerate(words):
        if covered[i] or not word[0].isalnum():
            if run:
                yield from flush()
            continue
        if word.islower():  # most words: neither a name nor an acronym
            if run and word in _CONNECTORS:
                run.append(i)
            elif run:
                yield from flush()
            continue
        if _is_acronym(word):
            if run and word in gazetteer.ignore:  # "Steppe Eagle MoU": a generic acronym
                run.append(i)  # ends a name rather than cutting it short
                continue
            if run:
                yield from flush()
            if word not in gazetteer.ignore:
                yield word
            continue
        if word[0].isupper():
            if not run and _starts_sentence(text, tokens, i):
                continue  # a sentence starts with a capital; that says nothing
            run.append(i)
        elif run and word in _CONNECTORS:
            run.append(i)
        elif run:
            yield from flush()
    yield from flush()


def _starts_sentence(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    if i == 0:
        return True
    previous = tokens[i - 1]
    return previous.group() in _SENTENCE_ENDS or "\n" in text[previous.end() : tokens[i].start()]


# --- Any text, programmes of work and other meeting documents ---------------------------
#
# The same scanning as for report rows, for a text of any field with its place: what it
# names (with a role that depends on the column), what it cites and the amounts it gives.

# The role an entity plays by the column it is named in (others: by its type, as in reports)
_RESPONSIBLE_TYPES = frozenset(
    {"Organisation", "Body", "Country", "Agreement", "MoU", "Convention"}
)
_PARTNER_TYPES = frozenset({"Organisation", "Body", "Country"})
_REPORT_FIELDS = frozenset({Field.ACTIVITY, Field.STATUS, Field.RESOURCES})


_ACT_KINDS = {
    "Resolution": CitationKind.RESOLUTION,
    "Decision": CitationKind.DECISION,
    "Recommendation": CitationKind.RECOMMENDATION,
    "Outcome": CitationKind.OUTCOME,
}


def citations(text: str, which: Field, context: str) -> Iterator[Citation]:
    """Documents, resolutions, decisions, recommendations and outcomes cited in ``text``
    (read by :func:`cmsgraph.symbols.citations`).

    Short document references resolve in ``context`` (the citing document's symbol
    prefix); with an empty context only full symbols are documents. A resolution of
    the citing document's own instrument is its number; any other act its full symbol.

    >>> [(c.kind.value, c.value) for c in citations(
    ...     "CMS/Sharks/Outcome 3.8; Res. 11.26; UNEP/CMS/COP12/Doc.21.2", Field.MANDATE, "")]
    [('outcome', 'CMS/Sharks/Outcome 3.8'), ('document', 'UNEP/CMS/COP12/Doc.21.2'), \
('resolution', '11.26')]
    """
    for c in symbols.citations(text, context):
        if not c.resolved:
            continue
        if c.kind == "resolution":
            yield Citation(CitationKind.RESOLUTION, which, c.text, c.value)
            continue
        parsed = symbols.parse_symbol(c.value)
        kind = _ACT_KINDS.get(parsed.kind, CitationKind.DOCUMENT) if parsed else None
        yield Citation(kind or CitationKind.DOCUMENT, which, c.text, c.value)


def scan_text(
    text: str,
    which: Field,
    gazetteer: Gazetteer,
    *,
    context: str = "",
    place: Place | None = None,
) -> tuple[LinkedText, list[str]]:
    """What any text names, cites and costs, with ``place`` for provenance; also the
    capitalised names that matched nothing.

    The role of an entity depends on the field: in RESOURCES a country or organisation
    funds (as in report rows); in RESPONSIBLE every organisation, body, country or
    instrument is responsible; in PARTNERS organisations, bodies and countries are
    partners; in ACTIVITY and STATUS an organisation is a partner; in other fields
    (paragraphs included) an organisation is just named (``Role.ORGANISATION``).

    >>> from cmsgraph.gazetteer import load_gazetteer
    >>> linked, _ = scan_text("IUCN and Germany; see Res. 11.26", Field.PARTNERS, load_gazetteer())
    >>> [(m.text, m.entity, m.role.value) for m in linked.mentions], linked.citations[0].value
    ([('IUCN', 'iucn', 'partner'), ('Germany', 'DE', 'partner')], '11.26')
    """
    cited = symbols.citations(text, context)
    found, names = _scan(text, which, gazetteer, cited)
    mentions = list(_unique_mentions(list(_field_roles(found, which, gazetteer))))
    return (
        LinkedText(
            field=which,
            place=place or Place(),
            text=text,
            mentions=tuple(mentions),
            citations=tuple(_unique_citations(citations(text, which, context))),
            amounts=tuple(amounts_in(text, which)),
        ),
        names,
    )


def _field_roles(mentions: list[Mention], which: Field, gazetteer: Gazetteer) -> Iterator[Mention]:
    """Mentions with the role their field gives them (report fields keep theirs)."""
    if which in _REPORT_FIELDS:
        yield from mentions
        return
    spans: set[tuple[int, int]] = set()
    for m in mentions:
        derived = (m.start, m.end) in spans  # "Sharks MoU Secretariat" also involves the MoU
        spans.add((m.start, m.end))
        kind = gazetteer.entities[m.entity].type
        role = m.role
        if not derived:
            if which is Field.RESPONSIBLE and kind in _RESPONSIBLE_TYPES:
                role = Role.RESPONSIBLE
            elif which is Field.PARTNERS and kind in _PARTNER_TYPES:
                role = Role.PARTNER
            elif kind == "Organisation":
                role = Role.ORGANISATION
        yield Mention(m.field, m.start, m.end, m.text, m.entity, role)


def _unique_citations(found: Iterable[Citation]) -> Iterator[Citation]:
    seen: set[tuple[CitationKind, str]] = set()
    for c in found:
        if (c.kind, c.value) not in seen:
            seen.add((c.kind, c.value))
            yield c


def _unlinked_at(names: list[str], path: str, place: Place) -> Iterator[UnlinkedMention]:
    return (UnlinkedMention(name, path, place.line or 0, place) for name in names)


def _link_passages(
    passages: Iterable[Passage], gazetteer: Gazetteer, context: str, path: str
) -> tuple[list[LinkedText], list[UnlinkedMention]]:
    linked: list[LinkedText] = []
    unlinked: list[UnlinkedMention] = []
    for passage in passages:
        found, names = scan_text(
            passage.text, passage.field, gazetteer, context=context, place=passage.place
        )
        linked.append(found)
        if not passage.text.isupper():  # in a title in capitals every word looks an acronym
            unlinked.extend(_unlinked_at(names, path, passage.place))
    return linked, unlinked


def link_meeting_document(document: MeetingDocument, gazetteer: Gazetteer) -> LinkedMeetingDocument:
    """Every paragraph, footnote and table cell of a meeting document, linked."""
    passages, unlinked = _link_passages(
        document.passages, gazetteer, document.document.context, document.path
    )
    return LinkedMeetingDocument(document, tuple(passages), tuple(unlinked))


def link_work_programme(programme: WorkProgramme, gazetteer: Gazetteer) -> LinkedWorkProgramme:
    """Every cell of every activity of a programme of work, and the text around it, linked.

    The programme's instrument is the first Agreement or MoU (else Convention) its
    symbol, title or header names. Abbreviations its legend defines ("SEC =
    Secretariat") resolve to that instrument's bodies: a body of the gazetteer whose
    name ends with the expansion, else an entity the expansion names, else a new body
    of the instrument (returned in ``entities``). Cells then link the abbreviations
    like any other name.
    """
    doc = programme.document
    instrument = _instrument_of(doc, programme.passages, gazetteer)
    abbreviations, entities = _resolve_abbreviations(programme.abbreviations, instrument, gazetteer)
    local = _with_forms(gazetteer, abbreviations, entities)
    context = doc.context
    activities: list[LinkedActivity] = []
    unlinked: list[UnlinkedMention] = []
    for activity in programme.activities:
        cells: list[LinkedText] = []
        for cell in activity.cells:
            found, names = scan_text(
                cell.text, cell.field, local, context=context, place=cell.place
            )
            cells.append(found)
            unlinked.extend(_unlinked_at(names, programme.path, cell.place))
        activities.append(LinkedActivity(activity, tuple(cells)))
    passages, more = _link_passages(programme.passages, local, context, programme.path)
    return LinkedWorkProgramme(
        programme=programme,
        instrument=instrument,
        activities=tuple(activities),
        passages=tuple(passages),
        abbreviations=tuple(abbreviations),
        entities=tuple(entities),
        unlinked=tuple(unlinked + more),
    )


def _instrument_of(
    doc: DocumentInfo, passages: tuple[Passage, ...], gazetteer: Gazetteer
) -> str | None:
    texts = [doc.symbol, doc.title, *(p.text for p in passages[:10])]
    found: list[Entity] = []
    for text in texts:
        mentions, _ = _scan(text.replace("/", " / "), Field.PARAGRAPH, gazetteer)
        found.extend(gazetteer.entities[m.entity] for m in mentions)
    for types in (("Agreement", "MoU"), ("Convention",)):
        for entity in found:
            if entity.type in types:
                return entity.id
    return None


def _resolve_abbreviations(
    abbreviations: tuple[Abbreviation, ...], instrument: str | None, gazetteer: Gazetteer
) -> tuple[list[AbbreviationLink], list[Entity]]:
    links: list[AbbreviationLink] = []
    new: dict[str, Entity] = {}
    bodies = [e for e in gazetteer.entities.values() if e.type == "Body"]
    for abbreviation in abbreviations:
        expansion = " ".join(abbreviation.expansion.split())
        wanted = expansion.lower()
        entity_id = None
        if instrument is not None:
            entity_id = next(
                (
                    b.id
                    for b in bodies
                    if _part_of(gazetteer, b.id, instrument)
                    and any(
                        form.lower().endswith(wanted)
                        for form in (b.label, b.name, *b.aliases)
                        if form
                    )
                ),
                None,
            )
        if entity_id is None:
            whole = gazetteer.match_at([t.group() for t in tokenize(expansion)], 0)
            if whole is not None and whole[1] == len(tokenize(expansion)):
                entity_id = whole[0]
        if entity_id is None and instrument is not None:
            parent = gazetteer.entities[instrument]
            slug = re.sub(r"[^a-z0-9]+", "-", wanted).strip("-")
            entity_id = f"{instrument}-{slug}"
            new.setdefault(
                entity_id,
                Entity(
                    id=entity_id,
                    type="Body",
                    label=f"{parent.label} {expansion}",
                    acronyms=(abbreviation.short,),
                    parent=instrument,
                ),
            )
        links.append(AbbreviationLink(abbreviation, entity_id))
    return links, list(new.values())


def _part_of(gazetteer: Gazetteer, entity_id: str, ancestor: str) -> bool:
    seen: set[str] = set()
    current: str | None = entity_id
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = gazetteer.entities[current].parent
    return False


def _with_forms(
    gazetteer: Gazetteer, abbreviations: list[AbbreviationLink], entities: list[Entity]
) -> Gazetteer:
    """The gazetteer plus the document's own abbreviations (which win over its forms)."""
    if not abbreviations:
        return gazetteer
    local = Gazetteer(
        entities={**gazetteer.entities, **{e.id: e for e in entities}},
        ignore=gazetteer.ignore,
        exact=dict(gazetteer.exact),
        folded=dict(gazetteer.folded),
        lengths=dict(gazetteer.lengths),
    )
    for link in abbreviations:
        if link.entity is None:
            continue
        local.exact.pop(tuple(t.group() for t in tokenize(link.abbreviation.short)), None)
        local.add_form(link.abbreviation.short, link.entity, case_sensitive=True)
        # and the expansion as written: "Advisory Committee" is the same body here
        local.add_form(" ".join(link.abbreviation.expansion.split()), link.entity,
                       case_sensitive=True)  # fmt: skip
    return local
