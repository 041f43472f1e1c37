"""Follow sub-activities across reports: what is new, continued, dropped, and who funds it now.

**Identity.** A sub-activity is the same in two reports when both report on the same
programme (``cmsg:reportsOnProgramme``: the resolution, or the programme of work, that
numbers it) and name the same code. Nothing else merges two codes: where a later report
renumbers or rewords, :func:`compare` *proposes* matches by text similarity, with their
score, and applies only those a person has confirmed in a review file
(:func:`write_review`, :func:`read_matches`).

**Order.** Reports on a programme are ordered by the meeting they were prepared for
(its first day), then by their own date (``cmsg:orderKey``, see
:func:`cmsgraph.graph.order_key`), then by IRI.

**What is compared** is a report's rows on a programme, keyed by code
(:class:`ReportRows`): per code, the report entries naming it, their periods and lines,
the text naming it, its progress or plan, its funders, responsible entities and the
documents it cites. Each document kind says how its rows are read, as a
:class:`ReportKind` in :data:`KINDS`: the class of its documents and a SPARQL query
(``cmsgraph/assets/``) giving, per entry,
``?document ?entry ?code ?line ?period ?activity ?progress ?plan ?funder ?cited``, and
optionally ``?responsible`` (one branch each for the codes, the cells, the funders, the
cited documents and the responsible entities; ``?line`` and ``?period`` may be
unbound). A kind's documents must state ``cmsg:reportsOnProgramme``, ``cmsg:orderKey``
and ``dct:identifier``; the comparison itself (:func:`compare_rows`) knows nothing of
kinds. Activity reports are compared by sub-activity code, programmes of work
(successive versions of an instrument's programme) by activity number.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Store

from . import namespaces as ns
from .errors import CmsGraphError, InputError, QueryError
from .parse import split_codes
from .results import ResultTable
from .sparql import NamedQuery, run_local
from .store import StoreVersion, default_store_dir, open_current

__all__ = [
    "COLUMNS",
    "KINDS",
    "Change",
    "Comparison",
    "Match",
    "Proposal",
    "ReportKind",
    "ReportOnProgramme",
    "ReportRows",
    "Reported",
    "compare",
    "compare_rows",
    "read_matches",
    "report_rows",
    "reports_by_programme",
    "reports_on_programmes",
    "similarity",
    "write_review",
]

COLUMNS = (
    "code",
    "change",
    "funders_added",
    "funders_removed",
    "documents_added",
    "documents_removed",
    "status_old",
    "status_new",
    "responsible_added",
    "responsible_removed",
    "old_code",
    "lines_old",
    "lines_new",
)
"""The columns of ``cmsgraph compare``: the contract's eight, then
``responsible_added`` and ``responsible_removed`` (the responsible entities of a
programme activity, preferred labels; empty for activity reports), ``old_code`` (the
code in OLD: differs from ``code`` when a confirmed match renumbered it), ``lines_old``
and ``lines_new`` (the source lines of the rows each side comes from, where the source
has lines)."""

SEPARATOR = "; "  # between the labels of one cell
STATUS_CHARS = 160  # a status cell is shortened to about this many characters
THRESHOLD = 0.5  # the least similarity a proposed match has
DECISIONS = ("proposed", "confirmed", "rejected")


@dataclass(frozen=True, slots=True)
class ReportKind:
    """A kind of document whose rows can be compared: its class and its rows query."""

    key: str
    document_class: str  # the IRI of the class its documents have
    rows_query: str  # the file in cmsgraph/assets/ that reads their rows


KINDS: tuple[ReportKind, ...] = (
    ReportKind("activity-report", ns.CMSG + "ActivityReport", "compare-rows.rq"),
    ReportKind("programme-of-work", ns.CMSG + "WorkProgramme", "compare-programme-rows.rq"),
)
"""The document kinds :func:`compare` reads, in order of preference."""


@dataclass(frozen=True, slots=True)
class ReportOnProgramme:
    """A report as the comparison sees it: which programme it reports on, and when."""

    document: str  # IRI
    symbol: str
    programme: str  # IRI
    programme_label: str
    meeting: str | None  # "COP11"
    date: str | None  # ISO 8601
    order: int  # cmsg:orderKey
    kind: str  # a ReportKind key

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.order, self.document)


@dataclass(frozen=True, slots=True)
class Reported:
    """What one report says about one sub-activity code (over all its rows)."""

    code: str
    entries: tuple[str, ...]  # the report entries naming it (IRIs), in source order
    lines: tuple[int, ...]  # the source line of each entry; 0 where the source has none
    periods: tuple[str, ...]
    text: str  # the ACTIVITY text naming the code
    status: tuple[tuple[str, str, str], ...]  # (period, "progress"|"plan", text) per row
    funders: frozenset[str]  # preferred labels
    documents: frozenset[str]  # full symbols
    responsible: frozenset[str] = frozenset()  # preferred labels (programme activities)

    def status_text(self, limit: int = STATUS_CHARS) -> str:
        """The progress or plan text, shortened; ``PERIOD: ...`` for each period."""
        texts = [(p, t) for p, _, t in self.status if t]
        if len(texts) == 1:
            return shorten(texts[0][1], limit)
        share = max(40, limit // max(1, len(texts)))
        return " | ".join(f"{p}: {shorten(t, share)}" if p else shorten(t, share) for p, t in texts)


@dataclass(frozen=True, slots=True)
class ReportRows:
    """A report's rows on its programme, keyed by code (in the order of the codes)."""

    report: ReportOnProgramme
    rows: Mapping[str, Reported]


@dataclass(frozen=True, slots=True)
class Change:
    """One row of a comparison: a sub-activity and how it changed from OLD to NEW."""

    code: str  # in NEW; in OLD for a dropped one
    change: str  # "new" | "dropped" | "continued"
    old_code: str | None
    old: Reported | None
    new: Reported | None
    funders_added: tuple[str, ...] = ()
    funders_removed: tuple[str, ...] = ()
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()
    responsible_added: tuple[str, ...] = ()
    responsible_removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Continued with other funders, responsible entities or documents cited."""
        return self.change == "continued" and bool(
            self.funders_added
            or self.funders_removed
            or self.documents_added
            or self.documents_removed
            or self.responsible_added
            or self.responsible_removed
        )

    @property
    def renumbered(self) -> bool:
        return self.change == "continued" and self.old_code != self.code


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed (or decided) match: OLD's ``old_code`` may be NEW's ``new_code``."""

    old_code: str
    new_code: str
    score: float
    old_text: str
    new_text: str
    decision: str = "proposed"  # "proposed" | "confirmed" | "rejected"


@dataclass(frozen=True, slots=True)
class Match:
    """A decision read from a review file (see :func:`read_matches`)."""

    old: str  # document symbols
    new: str
    old_code: str
    new_code: str
    decision: str
    score: float | None = None
    old_text: str = ""
    new_text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Comparison:
    """The changes from OLD to NEW, one per sub-activity, and the proposed matches."""

    old: ReportOnProgramme
    new: ReportOnProgramme
    changes: tuple[Change, ...]
    proposals: tuple[Proposal, ...]  # not applied: a person confirms or rejects them
    confirmed: tuple[Proposal, ...] = ()  # applied: from the review file
    notes: tuple[str, ...] = field(default=())

    @property
    def same_programme(self) -> bool:
        return self.old.programme == self.new.programme

    def by_change(self, change: str) -> list[Change]:
        return [c for c in self.changes if c.change == change]

    def table(self) -> ResultTable:
        """The rows as a :class:`~cmsgraph.results.ResultTable` of :data:`COLUMNS`
        (strings; an empty cell is unbound), for any results format.

        >>> comparison.table().values()[0]  # doctest: +SKIP
        ('1.1', 'continued', 'Norway', None, None, None, 'A workshop ...', ...)
        """
        rows = []
        for c in self.changes:
            cells = (
                c.code,
                c.change,
                SEPARATOR.join(c.funders_added),
                SEPARATOR.join(c.funders_removed),
                SEPARATOR.join(c.documents_added),
                SEPARATOR.join(c.documents_removed),
                c.old.status_text() if c.old else "",
                c.new.status_text() if c.new else "",
                SEPARATOR.join(c.responsible_added),
                SEPARATOR.join(c.responsible_removed),
                c.old_code or "",
                _lines(c.old),
                _lines(c.new),
            )
            rows.append(tuple(Literal(v) if v else None for v in cells))
        return ResultTable(COLUMNS, tuple(rows))


def _lines(side: Reported | None) -> str:
    return SEPARATOR.join(str(n) for n in side.lines if n) if side else ""


# -- text ---------------------------------------------------------------------------------


def shorten(text: str, limit: int = STATUS_CHARS) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters, with "…".

    >>> shorten("The Secretariat   cooperated with UNEP-WCMC.", 30)
    'The Secretariat cooperated…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


_WORD_RE = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def similarity(texts_a: Sequence[str], texts_b: Sequence[str]) -> list[list[float]]:
    """Cosine similarity of every text of ``texts_a`` to every text of ``texts_b``.

    Words are weighted by TF-IDF over all the texts given, so that the words many
    sub-activities share ("the", "Secretariat", a template's phrasing) count for less
    than the names and topics that tell them apart. 1.0 is the same words.

    >>> similarity(["Produce guidance on bycatch."], ["Produce and publish guidance on bycatch.",
    ...                                                "Encourage Range States to join AEWA."])
    [[0.73, 0.0]]
    """
    bags = [Counter(_words(t)) for t in (*texts_a, *texts_b)]
    df = Counter(w for bag in bags for w in bag)
    n = len(bags)
    idf = {w: math.log((n + 1) / (d + 1)) + 1.0 for w, d in df.items()}
    vectors = []
    for bag in bags:
        vector = {w: c * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    left, right = vectors[: len(texts_a)], vectors[len(texts_a) :]
    return [[round(sum(v * b.get(w, 0.0) for w, v in a.items()), 2) for b in right] for a in left]


# -- reading reports ----------------------------------------------------------------------


@cache
def _asset(name: str) -> NamedQuery:
    text = (files("cmsgraph") / "assets" / name).read_text("utf-8")
    return NamedQuery(name.removesuffix(".rq"), "", text)


def _select(db: Store, name: str, **bindings: NamedNode) -> list[tuple[str | None, ...]]:
    return _table(db, name, **bindings).values()


def _table(db: Store, name: str, **bindings: NamedNode) -> ResultTable:
    table = run_local(db, _asset(name), bindings)
    assert isinstance(table, ResultTable)
    return table


def _kind_of(classes: Iterable[str]) -> ReportKind | None:
    present = set(classes)
    return next((k for k in KINDS if k.document_class in present), None)


def _reports(db: Store, document: str | None = None) -> list[ReportOnProgramme]:
    """The reports on programmes (or the one ``document``) of a kind in :data:`KINDS`."""
    bindings = {"document": NamedNode(document)} if document else {}
    classes: dict[str, set[str]] = defaultdict(set)
    first: dict[str, tuple[str | None, ...]] = {}
    for row in _select(db, "compare-reports.rq", **bindings):
        doc, cls = row[0], row[-1]
        assert doc is not None and cls is not None
        first.setdefault(doc, row)
        classes[doc].add(cls)
    out = []
    for doc, (_, symbol, programme, label, meeting, day, order, _) in first.items():
        kind = _kind_of(classes[doc])
        if kind is None or symbol is None or programme is None:
            continue
        out.append(
            ReportOnProgramme(
                document=doc,
                symbol=symbol,
                programme=programme,
                programme_label=label or programme,
                meeting=meeting,
                date=day,
                order=int(order or 0),
                kind=kind.key,
            )
        )
    return sorted(out, key=lambda r: (r.programme, r.sort_key))


def _natural(code: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


@dataclass
class _Entry:
    """A report entry as its rows query returns it, gathered from its branches."""

    document: str
    codes: list[str] = field(default_factory=list)
    cells: bool = False  # its cells' branch was read: the entry is one of the kind's rows
    line: int = 0  # 0 where the source has no lines
    period: str = ""
    activity: str = ""
    status: tuple[str, str] = ("progress", "")
    funders: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    responsible: set[str] = field(default_factory=set)


_LINKED = ("code", "funder", "cited", "responsible")  # each bound by a branch of its own


def _rows(db: Store, kind: ReportKind, document: str | None) -> dict[str, dict[str, Reported]]:
    """Per document, its rows by code, read with ``kind``'s query (all documents if None)."""
    bindings = {"document": NamedNode(document)} if document else {}
    table = _table(db, kind.rows_query, **bindings)
    at = {name: i for i, name in enumerate(table.variables)}
    entries: dict[str, _Entry] = {}
    for values in table.values():
        row = {name: values[i] for name, i in at.items()}
        doc, entry = row["document"], row["entry"]
        assert doc is not None and entry is not None
        e = entries.get(entry) or entries.setdefault(entry, _Entry(doc))
        linked = {name: row.get(name) for name in _LINKED}
        if all(v is None for v in linked.values()):  # the cells' branch
            e.cells, e.line = True, int(row.get("line") or 0)
            e.period, e.activity = row.get("period") or "", row.get("activity") or ""
            progress, plan = row.get("progress"), row.get("plan")
            e.status = ("progress", progress) if progress is not None else ("plan", plan or "")
        if linked["code"] is not None:
            e.codes.append(linked["code"])
        if linked["funder"] is not None:
            e.funders.add(linked["funder"])
        if linked["cited"] is not None:
            e.documents.add(linked["cited"])
        if linked["responsible"] is not None:
            e.responsible.add(linked["responsible"])
    gathered: dict[str, dict[str, list[tuple[str, _Entry]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for iri, e in entries.items():
        if e.cells:
            for code in e.codes:
                gathered[e.document][code].append((iri, e))
    return {
        doc: {code: _reported(code, by_code[code]) for code in sorted(by_code, key=_natural)}
        for doc, by_code in gathered.items()
    }


def _reported(code: str, rows: list[tuple[str, _Entry]]) -> Reported:
    rows = sorted(rows, key=lambda r: (r[1].line, r[0]))
    texts = [dict(split_codes(e.activity)).get(code) or e.activity for _, e in rows]
    return Reported(
        code=code,
        entries=tuple(iri for iri, _ in rows),
        lines=tuple(e.line for _, e in rows),
        periods=tuple(dict.fromkeys(e.period for _, e in rows if e.period)),
        text=max(texts, key=len) if texts else "",
        status=tuple((e.period, *e.status) for _, e in rows),
        funders=frozenset(f for _, e in rows for f in e.funders),
        documents=frozenset(d for _, e in rows for d in e.documents),
        responsible=frozenset(r for _, e in rows for r in e.responsible),
    )


def report_rows(db: Store, report: ReportOnProgramme) -> ReportRows:
    """The rows of one report, read from the store ``db``."""
    kind = next(k for k in KINDS if k.key == report.kind)
    return ReportRows(report, _rows(db, kind, report.document).get(report.document, {}))


def reports_on_programmes(store: str | Path | None = None) -> list[ReportOnProgramme]:
    """Every report on a programme (of a kind in :data:`KINDS`), by programme, in order
    (by meeting, then date): which reports can be compared with which.

    :raises StoreError: if there is no store at ``store``.
    """
    version = open_current(store if store is not None else default_store_dir())
    try:
        return _reports(version.open())
    finally:
        version.release()


def reports_by_programme(
    store: str | Path | None = None, *, db: Store | None = None
) -> dict[str, list[ReportRows]]:
    """Every report on a programme with its rows, per programme IRI, in order.

    :raises StoreError: if there is no store at ``store``.
    """
    version = None
    if db is None:
        version = open_current(store if store is not None else default_store_dir())
        db = version.open()
    try:
        reports = _reports(db)
        rows: dict[str, dict[str, Reported]] = {}
        for kind in KINDS:
            mine = {r.document for r in reports if r.kind == kind.key}
            if mine:
                found = _rows(db, kind, None)
                rows.update((doc, found[doc]) for doc in sorted(mine & found.keys()))
        out: dict[str, list[ReportRows]] = defaultdict(list)
        for report in reports:
            out[report.programme].append(ReportRows(report, rows.get(report.document, {})))
        return dict(out)
    finally:
        if version is not None:
            version.release()


def _resolve(version: StoreVersion, wanted: str) -> str:
    """The document IRI of a document symbol, source path or file name in the store.

    :raises QueryError: if the store holds no such document.
    """
    sources = version.manifest.get("sources", [])
    resolved = str(Path(wanted).resolve())
    for s in sources:
        if wanted in (s["symbol"], Path(s["path"]).name) or s["path"] == resolved:
            return ns.Iris(version.base).document(s["symbol"])
    from .symbols import normalise

    full = normalise(wanted)
    for s in sources:
        if full is not None and full == normalise(s["symbol"]):
            return ns.Iris(version.base).document(s["symbol"])
    raise QueryError(
        f"no document {wanted!r} in the store at {version.root} (give a document symbol, "
        "like UNEP/CMS/COP11/Doc.16.1, or the path of a source)"
    )


# -- comparing ----------------------------------------------------------------------------


def compare(
    old: str,
    new: str,
    *,
    store: str | Path | None = None,
    matches: str | Path | Sequence[Match] | None = None,
) -> Comparison:
    """Compare two reports: per sub-activity, new, dropped or continued, and how.

    Two activity reports on one programme are compared by sub-activity code, two
    programmes of work of one instrument (successive versions) by activity number, with
    the responsible entities added and removed too.

    :param old: the earlier report: a document symbol, or the path of its source file.
    :param new: the later one, likewise.
    :param store: the store directory (default: ``$CMSGRAPH_STORE`` or the default store).
    :param matches: a review file (or its :class:`Match` es): confirmed matches are compared
        as one sub-activity, rejected ones are not proposed again.
    :raises QueryError: if the store holds no such document, or it is not a report on a
        programme.
    :raises StoreError: if there is no store at ``store``.
    :raises InputError: if the review file cannot be read.

    >>> c = compare("UNEP/CMS/StC42/Doc.12", "UNEP/CMS/COP11/Doc.16.1")  # doctest: +SKIP
    >>> [(x.code, x.change) for x in c.changes][:2]  # doctest: +SKIP
    [('1.1', 'continued'), ('1.2', 'dropped')]
    """
    decided = read_matches(matches) if isinstance(matches, str | Path) else tuple(matches or ())
    version = open_current(store if store is not None else default_store_dir())
    try:
        db = version.open()
        sides = []
        for wanted in (old, new):
            document = _resolve(version, wanted)
            found = _reports(db, document)
            if not found:
                raise QueryError(
                    f"{wanted}: not a report on a programme that compare can read "
                    f"(it reads {', '.join(k.key for k in KINDS)})"
                )
            sides.append(report_rows(db, found[0]))
    finally:
        version.release()
    return compare_rows(sides[0], sides[1], matches=decided)


def compare_rows(old: ReportRows, new: ReportRows, *, matches: Sequence[Match] = ()) -> Comparison:
    """Compare two reports' rows (see :func:`compare`); no store needed.

    Codes are the same sub-activity when both reports are on the same programme;
    ``matches`` confirmed for this pair of documents pair other codes too.
    """
    mine = [m for m in matches if (m.old, m.new) == (old.report.symbol, new.report.symbol)]
    confirmed = [
        m
        for m in mine
        if m.decision == "confirmed" and m.old_code in old.rows and m.new_code in new.rows
    ]
    rejected = {(m.old_code, m.new_code) for m in mine if m.decision == "rejected"}
    paired: dict[str, str] = {}  # old code -> new code
    for m in confirmed:
        if m.old_code not in paired and m.new_code not in paired.values():
            paired[m.old_code] = m.new_code
    same = old.report.programme == new.report.programme
    if same:
        for code in old.rows:
            if code in new.rows and code not in paired and code not in paired.values():
                paired[code] = code
    proposals = _propose(old, new, paired, rejected, same)
    changes = [
        _change(new_code, old.rows[o], new.rows[new_code], o) for o, new_code in paired.items()
    ]
    changes += [
        Change(code, "dropped", code, r, None) for code, r in old.rows.items() if code not in paired
    ]
    taken = set(paired.values())
    changes += [
        Change(code, "new", None, None, r) for code, r in new.rows.items() if code not in taken
    ]
    order = {"continued": 0, "dropped": 1, "new": 2}
    changes.sort(key=lambda c: (_natural(c.code), order[c.change]))
    notes = []
    if not same:
        notes.append(
            f"{old.report.symbol} reports on {old.report.programme_label} and "
            f"{new.report.symbol} on {new.report.programme_label}: no sub-activity is the "
            "same by its code"
        )
    if old.report.sort_key > new.report.sort_key:
        notes.append(f"{old.report.symbol} comes after {new.report.symbol} (by meeting and date)")
    sim = similarity(
        [old.rows[m.old_code].text for m in confirmed],
        [new.rows[m.new_code].text for m in confirmed],
    )
    applied = tuple(
        Proposal(
            m.old_code,
            m.new_code,
            sim[i][i],
            old.rows[m.old_code].text,
            new.rows[m.new_code].text,
            "confirmed",
        )
        for i, m in enumerate(confirmed)
        if paired.get(m.old_code) == m.new_code
    )
    return Comparison(old.report, new.report, tuple(changes), proposals, applied, tuple(notes))


def _change(code: str, old: Reported, new: Reported, old_code: str) -> Change:
    return Change(
        code=code,
        change="continued",
        old_code=old_code,
        old=old,
        new=new,
        funders_added=tuple(sorted(new.funders - old.funders)),
        funders_removed=tuple(sorted(old.funders - new.funders)),
        documents_added=tuple(sorted(new.documents - old.documents, key=_natural)),
        documents_removed=tuple(sorted(old.documents - new.documents, key=_natural)),
        responsible_added=tuple(sorted(new.responsible - old.responsible)),
        responsible_removed=tuple(sorted(old.responsible - new.responsible)),
    )


def _propose(
    old: ReportRows,
    new: ReportRows,
    paired: Mapping[str, str],
    rejected: set[tuple[str, str]],
    same: bool,
) -> tuple[Proposal, ...]:
    """Matches by text similarity between codes the identity does not pair already.

    OLD's code *a* may be NEW's code *b* (a ≠ b, or any pair across programmes) when the
    texts are at least :data:`THRESHOLD` alike, and more alike than *a*'s text is to what
    NEW says under *a* and than *b*'s is to what OLD said under *b*: the text moved. Each
    code is proposed once, the best-scoring pairs first.
    """
    confirmed_old = {a for a, b in paired.items() if a != b}
    confirmed_new = {b for a, b in paired.items() if a != b}
    olds = [c for c in old.rows if c not in confirmed_old]
    news = [c for c in new.rows if c not in confirmed_new]
    if not olds or not news:
        return ()
    texts_old = [old.rows[c].text for c in olds]
    texts_new = [new.rows[c].text for c in news]
    scores = similarity(texts_old, texts_new)
    stay = {c: scores[i][news.index(c)] if same and c in news else 0.0 for i, c in enumerate(olds)}
    kept = {c: scores[olds.index(c)][j] if same and c in olds else 0.0 for j, c in enumerate(news)}
    candidates = [
        (scores[i][j], a, b)
        for i, a in enumerate(olds)
        for j, b in enumerate(news)
        if (a != b or not same)
        and (a, b) not in rejected
        and scores[i][j] >= THRESHOLD
        and scores[i][j] > stay[a]
        and scores[i][j] > kept[b]
    ]
    candidates.sort(key=lambda t: (-t[0], _natural(t[1]), _natural(t[2])))
    used_old: set[str] = set()
    used_new: set[str] = set()
    out = []
    for score, a, b in candidates:
        if a in used_old or b in used_new:
            continue
        used_old.add(a)
        used_new.add(b)
        out.append(Proposal(a, b, score, old.rows[a].text, new.rows[b].text))
    return tuple(sorted(out, key=lambda p: (_natural(p.old_code), _natural(p.new_code))))


# -- the review file ----------------------------------------------------------------------

_REVIEW_HEAD = """\
# Sub-activities that may have been renumbered or reworded between two reports on a
# programme, proposed by `cmsgraph compare` from the similarity of their texts (score:
# 0 to 1). Nothing is merged unless a person confirms it: set each decision to
# "confirmed" or "rejected" (a note may say why) and run
#     cmsgraph compare OLD NEW --matches THIS-FILE
# Confirmed matches are then compared as one sub-activity; rejected ones are not
# proposed again. Running compare with --proposals THIS-FILE adds new proposals and
# keeps every decision made here.
"""


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def read_matches(path: str | Path) -> tuple[Match, ...]:
    """The matches in a review file (see :func:`write_review`).

    :raises InputError: if the file cannot be read, is not TOML, or an entry lacks a
        field or has an unknown decision (naming the file and the entry's line).
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the review file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise InputError(
            str(path), f"not a review file: {exc}", line=int(m.group(1)) if m else None
        ) from None
    starts = [i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() == "[[match]]"]
    out = []
    for number, item in enumerate(doc.get("match", [])):
        line = starts[number] if number < len(starts) else None
        try:
            fields = {k: item[k] for k in ("old", "new", "old_code", "new_code", "decision")}
        except KeyError as exc:
            raise InputError(str(path), f"a match without {exc.args[0]}", line=line) from None
        if not all(isinstance(v, str) for v in fields.values()):
            raise InputError(str(path), "a match whose fields are not strings", line=line)
        if fields["decision"] not in DECISIONS:
            raise InputError(
                str(path),
                f"decision {fields['decision']!r} is not one of {', '.join(DECISIONS)}",
                line=line,
            )
        score = item.get("score")
        out.append(
            Match(
                **fields,
                score=float(score) if isinstance(score, int | float) else None,
                old_text=str(item.get("old_text", "")),
                new_text=str(item.get("new_text", "")),
                note=str(item.get("note", "")),
            )
        )
    return tuple(out)


def write_review(path: str | Path, comparisons: Sequence[Comparison]) -> int:
    """Write the proposals of ``comparisons`` into the review file ``path``, keeping the
    matches it already holds (and their decisions); return how many were added.

    The file is written whole to a temporary file beside it and renamed, so it is either
    as before or complete.

    :raises InputError: if the existing file is not a review file.
    :raises CmsGraphError: if the file cannot be written.
    """
    path = Path(path)
    kept = list(read_matches(path)) if path.exists() else []
    known = {(m.old, m.new, m.old_code, m.new_code) for m in kept}
    added = 0
    for c in comparisons:
        for p in c.proposals:
            key = (c.old.symbol, c.new.symbol, p.old_code, p.new_code)
            if key not in known:
                known.add(key)
                kept.append(
                    Match(
                        *key,
                        decision="proposed",
                        score=p.score,
                        old_text=p.old_text,
                        new_text=p.new_text,
                    )
                )
                added += 1
    parts = [_REVIEW_HEAD]
    for m in kept:
        lines = [
            "",
            "[[match]]",
            f"old = {_toml_string(m.old)}",
            f"new = {_toml_string(m.new)}",
            f"old_code = {_toml_string(m.old_code)}",
            f"new_code = {_toml_string(m.new_code)}",
        ]
        if m.score is not None:
            lines.append(f"score = {m.score:.2f}")
        lines += [
            f"decision = {_toml_string(m.decision)}",
            f"old_text = {_toml_string(m.old_text)}",
            f"new_text = {_toml_string(m.new_text)}",
        ]
        if m.note:
            lines.append(f"note = {_toml_string(m.note)}")
        parts.append("\n".join(lines) + "\n")
    _write_atomically(path, "".join(parts))
    return added


def _write_atomically(path: Path, text: str) -> None:
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
            "w",
            encoding="utf-8",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".part",
            delete=False,
        )
        with handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError as exc:
        if "handle" in locals():
            Path(handle.name).unlink(missing_ok=True)
        raise CmsGraphError(
            f"{path}: cannot write the review file: {exc.strerror or exc}"
        ) from None


def proposals_of(comparison: Comparison) -> list[Proposal]:
    """Confirmed and proposed matches, for display."""
    return sorted(
        [*comparison.confirmed, *comparison.proposals],
        key=lambda p: (_natural(p.old_code), _natural(p.new_code)),
    )
