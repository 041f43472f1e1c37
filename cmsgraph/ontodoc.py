"""Human-readable HTML documentation of the ontology, from its own labels and comments.

A small generator in the manner of pyLODE (whose current release does not import
from its wheel): one self-contained page, no script and no remote asset, with the
ontology's metadata, then its classes, object properties, datatype properties and
concept schemes, each term with its label, IRI, comment and the axioms that link it
to other terms (super- and sub-classes, domain and range, super-properties). Terms
of the ontology link to their own section; other terms are written as compact IRIs
linking to their IRI. Every text is HTML-escaped, and the page is sorted, so the same
ontology gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from pyoxigraph import Literal, NamedNode, Triple

from . import namespaces as ns

__all__ = ["ontology_html"]

_RDF_TYPE = ns.RDF + "type"
_SECTIONS = (
    ("classes", "Classes", (ns.OWL + "Class", ns.RDFS + "Class")),
    ("object-properties", "Object properties", (ns.OWL + "ObjectProperty",)),
    ("datatype-properties", "Datatype properties", (ns.OWL + "DatatypeProperty",)),
    ("annotation-properties", "Annotation properties", (ns.OWL + "AnnotationProperty",)),
    ("properties", "Other properties", (ns.RDF + "Property",)),
)
# (property, heading) rows shown for each term, in this order
_AXIOMS = (
    (ns.RDFS + "subClassOf", "Sub-class of"),
    (ns.RDFS + "subPropertyOf", "Sub-property of"),
    (ns.RDFS + "domain", "Domain"),
    (ns.RDFS + "range", "Range"),
    (ns.RDFS + "seeAlso", "See also"),
)
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h1, h2, h3 { line-height: 1.2; }
h2 { border-bottom: 2px solid #2a6f4e; padding-bottom: .2rem; margin-top: 2.5rem; }
article { border-left: 4px solid #d5e8dd; padding: .1rem 1rem; margin: 1.2rem 0; }
code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
table { border-collapse: collapse; }
th { text-align: left; vertical-align: top; padding-right: 1rem; font-weight: 600; }
td { vertical-align: top; }
a { color: #1d5c8f; }
nav ul { columns: 2; }
footer { margin-top: 3rem; color: #666; font-size: .9rem; }
"""


class _Graph:
    def __init__(self, triples: Iterable[Triple]) -> None:
        self.values: dict[tuple[str, str], list[NamedNode | Literal]] = defaultdict(list)
        self.subjects_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        for t in triples:
            if not isinstance(t.subject, NamedNode):
                continue
            self.values[(t.subject.value, t.predicate.value)].append(t.object)  # type: ignore[arg-type]
            if isinstance(t.object, NamedNode):
                self.subjects_of[(t.predicate.value, t.object.value)].append(t.subject.value)

    def iris(self, subject: str, predicate: str) -> list[str]:
        return sorted(
            {o.value for o in self.values[(subject, predicate)] if isinstance(o, NamedNode)}
        )

    def text(self, subject: str, *predicates: str) -> str | None:
        """The English (else untagged, else any) literal of the first predicate that has one."""
        for predicate in predicates:
            literals = [o for o in self.values[(subject, predicate)] if isinstance(o, Literal)]
            if literals:
                rank = {"en": 0, None: 1}
                return min(literals, key=lambda o: (rank.get(o.language, 2), o.value)).value
        return None

    def typed(self, *classes: str) -> list[str]:
        return sorted({s for c in classes for s in self.subjects_of[(_RDF_TYPE, c)]})


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _curie(iri: str) -> str:
    for prefix, namespace in ns.PREFIXES.items():
        local = iri.removeprefix(namespace)
        if local != iri and local:
            return f"{prefix}:{local}"
    return iri


class _Page:
    """The page being written: what is documented where, and how to link to it."""

    def __init__(self, g: _Graph) -> None:
        self.g = g
        self.anchors: dict[str, str] = {}  # documented term IRI -> anchor

    def add(self, iri: str) -> None:
        anchor = _local(iri)
        if anchor in self.anchors.values() or anchor in {s[0] for s in _SECTIONS}:
            anchor = _curie(iri).replace(":", "-")
        self.anchors[iri] = anchor

    def link(self, iri: str) -> str:
        target = f"#{self.anchors[iri]}" if iri in self.anchors else iri
        return f'<a href="{escape(target)}"><code>{escape(_curie(iri))}</code></a>'

    def term(self, iri: str) -> list[str]:
        g = self.g
        label = g.text(iri, ns.RDFS + "label", ns.SKOS + "prefLabel") or _local(iri)
        out = [
            f'<article id="{escape(self.anchors[iri])}">',
            f"<h3>{escape(label)} <small><code>{escape(_curie(iri))}</code></small></h3>",
        ]
        if comment := g.text(iri, ns.RDFS + "comment", ns.SKOS + "definition"):
            out.append(f"<p>{escape(comment)}</p>")
        out += ["<table>", f"<tr><th>IRI</th><td><code>{escape(iri)}</code></td></tr>"]
        rows = [(heading, g.iris(iri, p)) for p, heading in _AXIOMS]
        rows += [
            ("Super-class of", sorted(g.subjects_of[(ns.RDFS + "subClassOf", iri)])),
            ("Super-property of", sorted(g.subjects_of[(ns.RDFS + "subPropertyOf", iri)])),
            ("In the domain of", sorted(g.subjects_of[(ns.RDFS + "domain", iri)])),
            ("In the range of", sorted(g.subjects_of[(ns.RDFS + "range", iri)])),
        ]
        for heading, iris in rows:
            if iris:
                links = ", ".join(self.link(i) for i in iris)
                out.append(f"<tr><th>{escape(heading)}</th><td>{links}</td></tr>")
        out += ["</table>", "</article>"]
        return out

    def scheme(self, iri: str) -> list[str]:
        g = self.g
        label = g.text(iri, ns.SKOS + "prefLabel", ns.RDFS + "label") or _local(iri)
        out = [
            f'<article id="{escape(self.anchors[iri])}">',
            f"<h3>{escape(label)}</h3>",
            f"<p><code>{escape(iri)}</code></p>",
            "<ul>",
        ]
        for concept in sorted(set(g.subjects_of[(ns.SKOS + "inScheme", iri)])):
            text = g.text(concept, ns.SKOS + "prefLabel", ns.RDFS + "label") or _local(concept)
            line = f"<li><code>{escape(_curie(concept))}</code> {escape(text)}"
            if definition := g.text(concept, ns.SKOS + "definition"):
                line += f": {escape(definition)}"
            out.append(line + "</li>")
        out += ["</ul>", "</article>"]
        return out


def ontology_html(triples: Iterable[Triple], ontology: str = ns.ONTOLOGY) -> str:
    """A self-contained HTML page documenting the ontology ``ontology`` in ``triples``.

    >>> from pyoxigraph import Triple, NamedNode, Literal
    >>> x = NamedNode(ns.CMSG + "X")
    >>> page = ontology_html([
    ...     Triple(x, NamedNode(_RDF_TYPE), NamedNode(ns.OWL + "Class")),
    ...     Triple(x, NamedNode(ns.RDFS + "label"), Literal("<x>")),
    ... ])
    >>> '<article id="X">' in page and "<h3>&lt;x&gt; <small>" in page
    True
    """
    g = _Graph(triples)
    page = _Page(g)
    sections: list[tuple[str, str, list[str]]] = []
    for anchor, heading, classes in _SECTIONS:
        terms = [t for t in g.typed(*classes) if t not in page.anchors]
        terms.sort(key=lambda t: (_local(t).lower(), t))
        for term in terms:
            page.add(term)
        if terms:
            sections.append((anchor, heading, terms))
    schemes = g.typed(ns.SKOS + "ConceptScheme")
    for scheme in schemes:
        page.add(scheme)

    title = g.text(ontology, ns.DCT + "title", ns.RDFS + "label") or ontology
    short = g.text(ontology, ns.RDFS + "label") or title
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(short)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        "<table>",
        f'<tr><th>IRI</th><td><a href="{escape(ontology)}"><code>{escape(ontology)}</code></a>'
        "</td></tr>",
        f"<tr><th>Namespace</th><td><code>cmsg:</code> <code>{escape(ns.CMSG)}</code></td></tr>",
    ]
    if version := g.text(ontology, ns.OWL + "versionInfo"):
        out.append(f"<tr><th>Version</th><td>{escape(version)}</td></tr>")
    for licence in g.iris(ontology, ns.DCT + "license"):
        out.append(
            f'<tr><th>Licence</th><td><a href="{escape(licence)}">{escape(licence)}</a></td></tr>'
        )
    out.append("</table>")
    if comment := g.text(ontology, ns.RDFS + "comment", ns.DCT + "description"):
        out.append(f"<p>{escape(comment)}</p>")
    out += ["</header>", "<nav>", "<h2>Contents</h2>", "<ul>"]
    for anchor, heading, terms in sections:
        out.append(f'<li><a href="#{anchor}">{escape(heading)}</a> ({len(terms)})</li>')
    if schemes:
        out.append(f'<li><a href="#concept-schemes">Concept schemes</a> ({len(schemes)})</li>')
    out += ['<li><a href="#namespaces">Namespaces</a></li>', "</ul>", "</nav>"]

    for anchor, heading, terms in sections:
        out += [f'<section id="{anchor}">', f"<h2>{escape(heading)}</h2>"]
        for term in terms:
            out += page.term(term)
        out.append("</section>")
    if schemes:
        out += ['<section id="concept-schemes">', "<h2>Concept schemes</h2>"]
        for scheme in schemes:
            out += page.scheme(scheme)
        out.append("</section>")
    out += ['<section id="namespaces">', "<h2>Namespaces</h2>", "<table>"]
    for prefix, namespace in ns.PREFIXES.items():
        out.append(
            f"<tr><th><code>{escape(prefix)}:</code></th>"
            f"<td><code>{escape(namespace)}</code></td></tr>"
        )
    out += [
        "</table>",
        "</section>",
        "<footer>Generated by cmsgraph from the ontology graph of the store.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
