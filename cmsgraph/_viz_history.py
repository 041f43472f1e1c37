"""The site's pages about change over time (issue 13): a timeline per sub-activity, a
compare page per pair of consecutive reports on a programme, and their overview.

Written by :func:`cmsgraph.viz.write_site` beside the network views, from the reports'
rows (:func:`cmsgraph.history.reports_by_programme`) and the comparisons of
:func:`cmsgraph.history.compare_rows`; pages link to the network views of the rows
(report entries) and sub-activities they come from. Static HTML like the other pages:
every text escaped, no script but the site's own, the same bytes for the same store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from . import namespaces as ns
from .history import (
    Change,
    Comparison,
    Reported,
    ReportOnProgramme,
    ReportRows,
    compare_rows,
    proposals_of,
    shorten,
)
from .viz import _TYPES, _e, _natural, _nav, _page, _slugs, _swatch

__all__ = ["HistoryPages", "history_pages"]

_STATUS = 320  # characters of a progress or plan text shown in a cell


@dataclass(frozen=True, slots=True)
class _Words:
    """How a compare page names what it compares, by the kind of its documents."""

    item: str  # "sub-activity"
    pair: str  # "changes between two reports on"
    responsible: bool  # a column of the entities responsible for each item


_WORDS = {
    "activity-report": _Words("sub-activity", "changes between two reports on", False),
    "programme-of-work": _Words("activity", "changes between two versions of the", True),
}


@dataclass(frozen=True, slots=True)
class HistoryPages:
    """The pages to write (path relative to the site -> HTML) and the overview's section."""

    pages: dict[str, str]
    overview: str
    timelines: frozenset[str]  # slugs of the sub-activities that have a timeline page


def history_pages(
    graph: nx.MultiDiGraph, programmes: Mapping[str, Sequence[ReportRows]]
) -> HistoryPages:
    """Timeline and compare pages for every programme's reports (in order)."""
    base = graph.graph.get("base", ns.DEFAULT_BASE)
    docs = _slugs([r.report.document for rs in programmes.values() for r in rs], base)
    pages: dict[str, str] = {}
    timelines: set[str] = set()
    sections = []
    for programme in sorted(programmes, key=lambda p: (_natural(_label(programmes[p])), p)):
        reports = list(programmes[programme])
        pairs = [compare_rows(a, b) for a, b in pairwise(reports)]
        names = [_pair_slug(docs, c) for c in pairs]
        by_pair = {(c.old.document, c.new.document): n for c, n in zip(pairs, names, strict=True)}
        for i, comparison in enumerate(pairs):
            around = (names[i - 1] if i else None, names[i + 1] if i + 1 < len(names) else None)
            pages[f"compare/{names[i]}.html"] = _compare_page(graph, comparison, around)
        codes = sorted({c for r in reports for c in r.rows}, key=_natural)
        for code in codes:
            sub = ns.Iris(base).subactivity(programme, code)
            if sub not in graph:
                continue
            slug = graph.nodes[sub]["slug"]
            timelines.add(slug)
            pages[f"timeline/{slug}.html"] = _timeline_page(graph, sub, code, reports, by_pair)
        if pairs:
            sections.append(_overview_section(programme, reports, pairs, names))
    overview = (
        '<section id="over-time"><h2>Reports over time</h2>'
        "<p>Each programme's reports in order (by meeting, then date), and what changed from "
        "one to the next: sub-activities new, dropped and continued with other funders or "
        f"documents.</p>{''.join(sections)}</section>"
        if sections
        else ""
    )
    return HistoryPages(pages, overview, frozenset(timelines))


def _label(reports: Sequence[ReportRows]) -> str:
    return reports[0].report.programme_label if reports else ""


def _pair_slug(docs: Mapping[str, str], c: Comparison) -> str:
    old, new = (docs[r.document].removeprefix("document-") for r in (c.old, c.new))
    return f"{old}--{new}"


def _when(r: ReportOnProgramme) -> str:
    return " ".join(x for x in (r.meeting, r.date) if x)


def _entry_links(graph: nx.MultiDiGraph, reported: Reported | None, root: str = "../") -> str:
    """Links to the views of the rows ``reported`` comes from: "line N" where the source
    has lines, else "row" (numbered when there are several)."""
    if reported is None:
        return ""
    links = []
    several = len(reported.entries) > 1
    for number, (entry, line) in enumerate(zip(reported.entries, reported.lines, strict=True), 1):
        text = f"line {line}" if line else f"row {number}" if several else "row"
        if entry in graph:
            slug = graph.nodes[entry]["slug"]
            links.append(f'<a class="row" href="{root}view/{_e(slug)}.html">{text}</a>')
        else:
            links.append(text)
    return " ".join(links)


def _changed(added: Sequence[str], removed: Sequence[str], kept: Iterable[str] = ()) -> str:
    """Labels added (``+``), removed (``−``) and kept, in this order."""
    parts = (
        _labels(added, "added", "+ "),
        _labels(removed, "removed", "− "),
        _labels(sorted(kept), "funder"),
    )
    return " ".join(part for part in parts if part)


def _labels(values: Sequence[str], cls: str, sign: str = "") -> str:
    return "".join(f'<span class="{cls}">{sign}{_e(v)}</span> ' for v in values).rstrip()


def _status(reported: Reported | None) -> str:
    if reported is None:
        return ""
    parts = [f"<p>{_period(p)}{_e(shorten(t, _STATUS))}</p>" for p, _, t in reported.status if t]
    return "".join(parts)


def _period(period: str) -> str:
    return f'<span class="period">{_e(period)}</span> ' if period else ""


def _sub_link(graph: nx.MultiDiGraph, programme: str, code: str) -> str:
    """The code, linked to its timeline (which links to its network view)."""
    sub = ns.Iris(graph.graph.get("base", ns.DEFAULT_BASE)).subactivity(programme, code)
    if sub not in graph:
        return _e(code)
    slug = _e(graph.nodes[sub]["slug"])
    icon = _swatch(_TYPES["subactivity"])
    return f'<a class="code" href="../timeline/{slug}.html">{icon}{_e(code)}</a>'


# -- compare pages ------------------------------------------------------------------------


def _compare_page(
    graph: nx.MultiDiGraph, c: Comparison, around: tuple[str | None, str | None]
) -> str:
    words = _WORDS.get(c.new.kind, _WORDS["activity-report"])
    prog = c.new.programme
    new, dropped = c.by_change("new"), c.by_change("dropped")
    changed = [x for x in c.changes if x.changed or x.renumbered]
    same = [x for x in c.by_change("continued") if not (x.changed or x.renumbered)]
    previous, following = around
    steps = " ".join(
        f'<a rel="{rel}" href="{name}.html">{text}</a>'
        for rel, name, text in (
            ("prev", previous, "← previous pair"),
            ("next", following, "next pair →"),
        )
        if name
    )

    hints = {}
    for p in c.proposals:
        hints[f"old:{p.old_code}"] = (
            f' <span class="renumbered">may be {_e(p.new_code)} now ({p.score:.2f})</span>'
        )
        hints[f"new:{p.new_code}"] = (
            f' <span class="renumbered">may be {_e(p.old_code)} before ({p.score:.2f})</span>'
        )

    def rows(changes: list[Change], head: str, cells: str) -> str:
        body = "".join(_change_row(graph, prog, x, cells, hints, words) for x in changes)
        return f'<table class="changes"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def section(key: str, title: str, changes: list[Change], table: str, note: str = "") -> str:
        empty = '<p class="none">None.</p>'
        return (
            f'<section id="{key}" class="change-group"><h2>{_e(title)} '
            f'<span class="count">{len(changes)}</span></h2>{note}'
            f"{table if changes else empty}</section>"
        )

    responsible = "<th>responsible</th>" if words.responsible else ""
    head_one = (
        f"<th>code</th><th>{words.item}</th><th>funders</th>{responsible}<th>status</th>"
        "<th>rows</th>"
    )
    head_two = (
        f"<th>code</th><th>{words.item}</th><th>funders</th>{responsible}"
        "<th>documents cited</th><th>status before</th><th>status now</th><th>rows before</th>"
        "<th>rows now</th>"
    )
    other = "funders, responsible entities" if words.responsible else "funders"
    matches = proposals_of(c)
    proposal_rows = "".join(
        f"<tr><td>{_e(p.old_code)}</td><td>{_e(p.new_code)}</td><td>{p.score:.2f}</td>"
        f"<td>{_e(p.decision)}</td><td>{_e(p.old_text)}</td><td>{_e(p.new_text)}</td></tr>"
        for p in matches
    )
    proposals = (
        '<section id="proposed" class="change-group"><h2>Proposed matches '
        f'<span class="count">{len(c.proposals)}</span></h2>'
        "<p>Codes whose text moved: the later report may have renumbered or reworded them. "
        "Proposed by text similarity (0 to 1), not applied until confirmed: "
        f"<code>cmsgraph compare {_e(c.old.symbol)} {_e(c.new.symbol)} --proposals "
        "review.toml</code>, then <code>--matches review.toml</code>.</p>"
        '<table class="changes"><thead><tr><th>code before</th><th>code now</th><th>score</th>'
        "<th>decision</th><th>text before</th><th>text now</th></tr></thead>"
        f"<tbody>{proposal_rows}</tbody></table></section>"
        if matches
        else ""
    )
    body = f"""<header>{_nav("../")}
<p class="kind">{words.pair} {_e(c.new.programme_label)}</p>
<h1><bdi>{_e(c.old.symbol)}</bdi> → <bdi>{_e(c.new.symbol)}</bdi></h1>
<p class="summary">{_e(_when(c.old))} → {_e(_when(c.new))}: {len(new)} new, {len(dropped)}
dropped, {len(changed)} continued with changes, {len(same)} continued unchanged.
{steps}</p></header>
<main class="history">
{section("new", "New", new, rows(new, head_one, "new"))}
{section("dropped", "Dropped or completed", dropped, rows(dropped, head_one, "old"))}
{
        section(
            "changed",
            f"Continued, with other {other}, documents or code",
            changed,
            rows(changed, head_two, "both"),
        )
    }
<details id="unchanged"><summary>Continued with the same {other} and documents
<span class="count">{len(same)}</span></summary>{rows(same, head_two, "both")}</details>
{proposals}
</main>"""
    data = {"view": "compare", "root": "../"}
    title = f"{c.old.symbol} → {c.new.symbol}"
    return _page(title=title, root="../", body=body, data=data, page_class="history")


def _change_row(
    graph: nx.MultiDiGraph,
    programme: str,
    x: Change,
    cells: str,
    hints: Mapping[str, str],
    words: _Words = _WORDS["activity-report"],
) -> str:
    code = _sub_link(graph, programme, x.code)
    if cells != "both":
        side = x.new if cells == "new" else x.old
        assert side is not None
        hint = hints.get(f"{cells}:{x.code}", "")
        responsible = (
            f"<td>{_labels(sorted(side.responsible), 'funder')}</td>" if words.responsible else ""
        )
        return (
            f'<tr data-code="{_e(x.code)}"><td>{code}{hint}</td><td>{_e(side.text)}</td>'
            f"<td>{_labels(sorted(side.funders), 'funder')}</td>{responsible}"
            f"<td>{_status(side)}</td><td>{_entry_links(graph, side)}</td></tr>"
        )
    assert x.old is not None and x.new is not None
    was = f' <span class="renumbered">(was {_e(x.old_code)})</span>' if x.renumbered else ""
    funders = _changed(x.funders_added, x.funders_removed, x.new.funders & x.old.funders)
    documents = _changed(x.documents_added, x.documents_removed)
    responsible = ""
    if words.responsible:
        kept = x.new.responsible & x.old.responsible
        responsible = f"<td>{_changed(x.responsible_added, x.responsible_removed, kept)}</td>"
    hint = hints.get(f"old:{x.old_code}", "") + hints.get(f"new:{x.code}", "")
    return (
        f'<tr data-code="{_e(x.code)}"><td>{code}{was}{hint}</td><td>{_e(x.new.text)}</td>'
        f"<td>{funders}</td>{responsible}<td>{documents}</td><td>{_status(x.old)}</td>"
        f"<td>{_status(x.new)}</td><td>{_entry_links(graph, x.old)}</td>"
        f"<td>{_entry_links(graph, x.new)}</td></tr>"
    )


# -- timeline pages -----------------------------------------------------------------------


def _timeline_page(
    graph: nx.MultiDiGraph,
    sub: str,
    code: str,
    reports: Sequence[ReportRows],
    pages: Mapping[tuple[str, str], str],
) -> str:
    data = graph.nodes[sub]
    rows = []
    before: Reported | None = None
    last_text: str | None = None
    for i, r in enumerate(reports):
        now = r.rows.get(code)
        if now is not None:
            state = "new" if i and before is None else "reported"
        else:
            state = "dropped" if before is not None else "absent"
        link = ""
        if i and (page := pages.get((reports[i - 1].report.document, r.report.document))):
            link = f'<a class="pair" href="../compare/{_e(page)}.html">changes</a>'
        if now is None:
            funders = ""
        else:
            old = before.funders if before is not None else frozenset()
            funders = _changed(
                sorted(now.funders - old) if before else [],
                sorted(old - now.funders),
                now.funders & old if before else now.funders,
            )
        label = {
            "reported": "reported",
            "new": "new",
            "dropped": "not reported (dropped)",
            "absent": "not reported",
        }[state]
        named = ""
        if now is not None:
            reworded = last_text is not None and now.text != last_text
            named = f'<span class="reworded">{"reworded: " if reworded else ""}</span>' + _e(
                shorten(now.text, _STATUS)
            )
            last_text = now.text
        rows.append(
            f'<tr id="r{i + 1}" class="state-{state}"><td>{_e(_when(r.report))}</td>'
            f'<td><bdi>{_e(r.report.symbol)}</bdi></td><td class="state">{_e(label)}</td>'
            f"<td>{named}</td><td>{_e(', '.join(now.periods) if now else '')}</td>"
            f"<td>{funders}</td><td>{_status(now)}</td><td>{_entry_links(graph, now)}</td>"
            f"<td>{link}</td></tr>"
        )
        before = now
    strip = "".join(
        f'<li class="{"on" if code in r.rows else "off"}"><a href="#r{i}" '
        f'title="{_e(r.report.symbol)}">{_e(r.report.meeting or r.report.symbol)}</a></li>'
        for i, r in enumerate(reports, start=1)
    )
    reported = sum(1 for r in reports if code in r.rows)
    body = f"""<header>{_nav("../")}
<p class="kind">{_swatch(_TYPES["subactivity"])} sub-activity of {_e(_label(reports))},
over time</p>
<h1>{_e(data["label"])}</h1>
<p class="summary">Reported in {reported} of the {len(reports)} reports on the programme.
<a href="../view/{_e(data["slug"])}.html">Its network view</a>.</p></header>
<main class="history">
<ol class="strip" aria-label="Reports on the programme, in order">{strip}</ol>
<table class="changes timeline"><thead><tr><th>meeting, date</th><th>report</th>
<th>here</th><th>as the report names it</th><th>periods</th><th>funders</th><th>status</th>
<th>rows</th><th></th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</main>"""
    script_data = {"view": "timeline", "root": "../"}
    return _page(
        title=f"{code}: over time", root="../", body=body, data=script_data, page_class="history"
    )


# -- the overview -------------------------------------------------------------------------


def _overview_section(
    programme: str, reports: Sequence[ReportRows], pairs: Sequence[Comparison], names: list[str]
) -> str:
    items = "".join(
        f'<li><a href="compare/{_e(name)}.html"><bdi>{_e(c.old.symbol)}</bdi> → '
        f"<bdi>{_e(c.new.symbol)}</bdi></a> "
        f'<span class="count">{_e(_when(c.old))} → {_e(_when(c.new))}: '
        f"{len(c.by_change('new'))} new, {len(c.by_change('dropped'))} dropped, "
        f"{sum(x.changed or x.renumbered for x in c.changes)} changed</span></li>"
        for c, name in zip(pairs, names, strict=True)
    )
    versions = (
        "versions" if reports and reports[0].report.kind == "programme-of-work" else "reports"
    )
    return (
        f'<details class="programme"><summary>{_e(_label(reports))} '
        f'<span class="count">{len(reports)} {versions}</span></summary>'
        f'<ul class="pairs">{items}</ul></details>'
    )
