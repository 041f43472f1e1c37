"""The curated gazetteer (``data/gazetteer.toml``) plus countries from pycountry.

The gazetteer file is meant to be reviewed and grown by staff: see its header for
the fields. Countries are not listed there: every ISO 3166-1 country comes from
pycountry (its name, official name and common name), and the file only adds
demonyms (``[country_aliases]``) that documents use ("German JPO").

Matching works on tokens (runs of letters or digits; every other non-space character
is a token of its own), longest surface form first. Acronyms and every form without
a lower-case letter are matched case-sensitively, so are country names ("Chad",
"Niger", "Turkey" are also words); other names and aliases case-insensitively.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._resources import data_file
from .errors import CmsGraphError
from .model import Entity

__all__ = ["ENTITY_TYPES", "Gazetteer", "load_gazetteer", "tokenize"]

ENTITY_TYPES = frozenset(
    {
        "Convention",
        "Agreement",
        "MoU",
        "Organisation",
        "Body",
        "Meeting",
        "Programme",
        "Concept",
        "Region",
        "Country",
    }
)
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def tokenize(text: str) -> list[re.Match[str]]:
    """Tokens of ``text`` with their offsets.

    >>> [m.group() for m in tokenize("UNEP-WCMC's EC-funded")]
    ['UNEP', '-', 'WCMC', "'", 's', 'EC', '-', 'funded']
    """
    return list(_TOKEN_RE.finditer(text))


def _key(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(text))


def _case_sensitive(form: str, key: tuple[str, ...] | None = None) -> bool:
    if form.isupper() or not any(c.islower() for c in form):
        return True
    return len(key if key is not None else _key(form)) == 1 and sum(map(str.isupper, form)) >= 2


@dataclass
class Gazetteer:
    """Entities by id and the surface forms that name them."""

    entities: dict[str, Entity]
    ignore: frozenset[str] = frozenset()
    exact: dict[tuple[str, ...], str] = field(default_factory=dict)
    folded: dict[tuple[str, ...], str] = field(default_factory=dict)
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # lower first token -> n

    def add_form(self, form: str, entity_id: str, *, case_sensitive: bool | None = None) -> None:
        key = _key(form)
        if not key:
            return
        sensitive = _case_sensitive(form, key) if case_sensitive is None else case_sensitive
        if not sensitive:
            key = tuple(form.lower() for form in key)
        (self.exact if sensitive else self.folded).setdefault(key, entity_id)
        first = key[0].lower()
        known = self.lengths.get(first, ())
        if len(key) not in known:
            self.lengths[first] = tuple(sorted((*known, len(key)), reverse=True))

    def match_at(
        self, words: list[str], i: int, lowered: list[str] | None = None
    ) -> tuple[str, int] | None:
        """The entity named by the longest surface form starting at token ``i``.

        ``lowered`` (the words in lower case), when given, saves lowering them again.
        """
        if lowered is None:
            lowered = [w.lower() for w in words]
        for n in self.lengths.get(lowered[i], ()):
            if i + n > len(words):
                continue
            if (hit := self.exact.get(tuple(words[i : i + n]))) is not None:
                return hit, n
            if (hit := self.folded.get(tuple(lowered[i : i + n]))) is not None:
                return hit, n
        return None

    def by_type(self, *types: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.type in types]


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load the gazetteer (the bundled one by default) and the pycountry countries.

    :raises CmsGraphError: if the file is not valid TOML or an entry is malformed.
    """
    where = str(path) if path else "data/gazetteer.toml"
    try:
        raw = Path(path).read_bytes() if path else data_file("gazetteer.toml").read_bytes()
        doc = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CmsGraphError(f"{where}: cannot read the gazetteer: {exc}") from None
    entities: dict[str, Entity] = {}
    for number, item in enumerate(doc.get("entity", []), start=1):
        entity = _entity(where, number, item)
        if entity.id in entities:
            raise CmsGraphError(f"{where}: entity #{number}: duplicate id {entity.id!r}")
        entities[entity.id] = entity
    for entity in entities.values():
        for ref in (entity.parent, entity.instrument_of):
            if ref is not None and ref not in entities:
                raise CmsGraphError(f"{where}: entity {entity.id!r} refers to unknown id {ref!r}")
    gazetteer = Gazetteer(entities, frozenset(doc.get("ignore", {}).get("terms", [])))
    for entity in entities.values():
        for form in (entity.label, entity.name, *entity.aliases):
            if form:
                gazetteer.add_form(form, entity.id)
        for form in entity.acronyms:
            gazetteer.add_form(form, entity.id, case_sensitive=True)
    _add_countries(gazetteer, where, doc.get("country_aliases", {}))
    return gazetteer


def _entity(where: str, number: int, item: dict[str, object]) -> Entity:
    def text(name: str, required: bool = False) -> str | None:
        value = item.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise CmsGraphError(f"{where}: entity #{number}: {name!r} must be a non-empty string")
        return value.strip()

    def texts(name: str) -> tuple[str, ...]:
        value = item.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CmsGraphError(f"{where}: entity #{number}: {name!r} must be a list of strings")
        return tuple(value)

    ident = text("id", True)
    assert ident is not None
    if not _ID_RE.match(ident):
        raise CmsGraphError(f"{where}: entity #{number}: id {ident!r} is not a lowercase slug")
    type_ = text("type", True)
    if type_ not in ENTITY_TYPES - {"Country"}:
        raise CmsGraphError(f"{where}: entity {ident!r}: unknown type {type_!r}")
    wikidata = text("wikidata")
    if wikidata and not re.fullmatch(r"Q\d+", wikidata):
        raise CmsGraphError(f"{where}: entity {ident!r}: wikidata {wikidata!r} is not a QID")
    year, num = item.get("year"), item.get("number")
    return Entity(
        id=ident,
        type=type_,
        label=text("label", True) or ident,
        name=text("name"),
        acronyms=texts("acronyms"),
        aliases=texts("aliases"),
        homepage=text("homepage"),
        wikidata=wikidata,
        parent=text("parent"),
        instrument_of=text("instrument_of"),
        year=year if isinstance(year, int) else None,
        series=text("series"),
        number=num if isinstance(num, int) else None,
    )


def _add_countries(gazetteer: Gazetteer, where: str, extra: dict[str, Iterable[str]]) -> None:
    import pycountry  # loaded here, not at import time: it reads its database

    for country in pycountry.countries:
        label = getattr(country, "common_name", None) or country.name
        entity = Entity(
            id=country.alpha_2,
            type="Country",
            label=label,
            name=getattr(country, "official_name", None),
            alpha3=country.alpha_3,
        )
        gazetteer.entities[entity.id] = entity
        for form in {country.name, label, entity.name}:
            if form:
                gazetteer.add_form(form, entity.id, case_sensitive=True)
    for code, forms in extra.items():
        if code not in gazetteer.entities or gazetteer.entities[code].type != "Country":
            raise CmsGraphError(f"{where}: country_aliases: {code!r} is not an ISO 3166-1 code")
        for form in forms:
            gazetteer.add_form(form, code, case_sensitive=True)
