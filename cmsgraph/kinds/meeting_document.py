"""Any other meeting document: draft resolutions, Secretariat reports, information
documents ... read as prose.

Accepts every document (it is the registry's last kind): its header, and its text
paragraph by paragraph (footnotes and the cells of its tables included), each passage
with its place. Linking (``cmsgraph.link.link_meeting_document``) then finds every cited
document, resolution and decision, instrument, organisation, country and amount in
each passage, with the passage's place and the exact text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document import Document
from ..model import LinkedMeetingDocument, MeetingDocument, ParseWarning
from ._base import Kind, document_info, passages

if TYPE_CHECKING:
    from ..gazetteer import Gazetteer

__all__ = ["KIND", "read", "sniff"]


def sniff(doc: Document) -> bool:
    """Always: any document can be read as a meeting document."""
    return True


def read(doc: Document) -> MeetingDocument:
    """The document's header and passages. Never raises: no layout is refused."""
    warnings: list[ParseWarning] = list(doc.warnings)
    info = document_info(doc, warnings)
    return MeetingDocument(
        path=doc.path,
        sha256=doc.sha256,
        format=doc.format,
        document=info,
        passages=tuple(passages(doc)),
        warnings=tuple(warnings),
    )


def _link(records: MeetingDocument, gazetteer: Gazetteer) -> LinkedMeetingDocument:
    from ..link import link_meeting_document

    return link_meeting_document(records, gazetteer)


KIND = Kind(
    name="document",
    label="meeting document",
    records=MeetingDocument,
    sniff=sniff,
    read=read,
    link=_link,
)
