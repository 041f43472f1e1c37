"""Document kinds: what a document is, and the records it yields.

Each kind is one module with a ``KIND`` (:class:`Kind`): ``sniff(doc) -> bool``,
``read(doc) -> records`` and ``link(records, gazetteer) -> linked records``. The
registry :data:`KINDS` is asked in order; the last kind, any meeting document, accepts
every document, so no document is ever refused for its layout. Adding a kind is a
module and one entry here, before the last.

===================  =====================================  ==============================
kind                 sniffs                                 records (``cmsgraph.model``)
===================  =====================================  ==============================
activity-report      a row ``NR. | ACTIVITY | DESCRIPTION``  ``Report`` -> ``LinkedReport``
programme-of-work    a table whose header row names an      ``WorkProgramme`` ->
                     activity column and another known one  ``LinkedWorkProgramme``
document             anything                               ``MeetingDocument`` ->
                                                            ``LinkedMeetingDocument``
===================  =====================================  ==============================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..document import Document
from ..model import (
    LinkedMeetingDocument,
    LinkedReport,
    LinkedWorkProgramme,
    MeetingDocument,
    Report,
    WorkProgramme,
)
from . import activity_report, meeting_document, work_programme
from ._base import AnyKind, Kind

if TYPE_CHECKING:
    from ..gazetteer import Gazetteer

__all__ = [
    "KINDS",
    "Kind",
    "Linked",
    "Records",
    "classify",
    "kind_named",
    "link",
    "read_and_classify",
]

Records = Report | WorkProgramme | MeetingDocument
Linked = LinkedReport | LinkedWorkProgramme | LinkedMeetingDocument

KINDS: tuple[AnyKind, ...] = (
    activity_report.KIND,
    work_programme.KIND,
    meeting_document.KIND,  # accepts every document: keep it last
)


def classify(doc: Document) -> tuple[AnyKind, Records]:
    """The first kind of :data:`KINDS` that sniffs the document, and its records.

    >>> from cmsgraph.readers import read_document
    >>> from cmsgraph._resources import bundled_sources
    >>> kind, report = classify(read_document(str(bundled_sources()[0])))
    >>> kind.name, report.document.symbol, len(report.entries)
    ('activity-report', 'UNEP/CMS/COP11/Doc.16.1', 33)

    :raises InputError: a document a kind sniffed but cannot place (an activity table
        whose rows stand before any period label, a broken row); never for a document
        no table kind recognises, which is read as a meeting document.
    """
    for kind in KINDS:
        if kind.sniff(doc):
            records: Records = kind.read(doc)
            return kind, records
    raise AssertionError("the last kind accepts every document")  # pragma: no cover


def link(records: Records, gazetteer: Gazetteer) -> Linked:
    """Link the records of any kind (the kind is known by the records' type)."""
    for kind in KINDS:
        if isinstance(records, kind.records):
            linked: Linked = kind.link(records, gazetteer)
            return linked
    raise TypeError(f"not records of a document kind: {type(records).__name__}")


def kind_named(name: str) -> AnyKind:
    """The kind of that name. :raises KeyError: no such kind."""
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def read_and_classify(path: str | Path) -> tuple[AnyKind, Records]:
    """:func:`~cmsgraph.readers.read_document`, then :func:`classify`."""
    from ..readers import read_document

    return classify(read_document(path))
