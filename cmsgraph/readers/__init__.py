"""Readers: one module per file format, each turning a file into the document model.

The registry :data:`READERS` is the one table of input formats: a file's suffix
chooses its reader. Adding a format is a module with ``read(data, path) -> Document``
and one line here.

>>> sorted(SUFFIXES)
['.docx', '.htm', '.html', '.pdf', '.txt']
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..model import Format
from ._common import read_file

__all__ = ["READERS", "SUFFIXES", "Reader", "read_bytes", "read_document", "reader_for"]


@dataclass(frozen=True, slots=True)
class Reader:
    format: Format
    suffixes: tuple[str, ...]
    module: str  # cmsgraph.readers.<module>, imported when first used
    label: str
    library: str  # what reads it

    def read(self, data: bytes, path: str) -> Document:
        module = import_module(f"{__name__}.{self.module}")
        document: Document = module.read(data, path)
        return document


READERS: tuple[Reader, ...] = (
    Reader(Format.PDF, (".pdf",), "pdf", "PDF", "pdfplumber"),
    Reader(Format.DOCX, (".docx",), "docx", "Word (.docx)", "python-docx"),
    Reader(Format.HTML, (".html", ".htm"), "html", "web page (HTML)", "lxml"),
    Reader(Format.TXT, (".txt",), "txt", "extracted text (.txt)", "the standard library"),
)
SUFFIXES: frozenset[str] = frozenset(s for r in READERS for s in r.suffixes)


def reader_for(path: str | Path) -> Reader | None:
    """The reader for a file name's suffix (any case), or None."""
    suffix = Path(path).suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def read_document(path: str | Path) -> Document:
    """Read one file (``.pdf``, ``.docx``, ``.html``/``.htm`` or ``.txt``) into the model.

    The suffix chooses the reader; the content must agree with it.

    :raises InputError: the file is missing or unreadable, of another type, or cannot
        be read as its type (encrypted or scanned PDF, broken Word file, binary ...);
        the message is one line and names the file.
    """
    p = Path(path)
    reader = reader_for(p)
    if reader is None and not p.is_dir():
        names = ", ".join(sorted(SUFFIXES))
        raise InputError(
            str(p), f"unsupported file type {p.suffix or '(no suffix)'!r}: cmsgraph reads {names}"
        )
    data = read_file(p)
    assert reader is not None
    return reader.read(data, str(p))


def read_bytes(data: bytes, path: str) -> Document:
    """Read a file's content; ``path`` names it in errors and chooses the reader by suffix.

    :raises InputError: as :func:`read_document`.
    """
    reader = reader_for(path)
    if reader is None:
        raise InputError(path, f"unsupported file type {Path(path).suffix or '(no suffix)'!r}")
    return reader.read(data, path)
