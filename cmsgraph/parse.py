"""Parse CMS activity reports saved as ``.txt`` into typed records (the original API).

``parse_file`` and ``parse_text`` read the ``.txt`` format (``cmsgraph.readers.txt``)
into the document model and hand it to the activity-report kind
(``cmsgraph.kinds.activity_report``), strictly: a text that is not an activity report,
or prints no document symbol, is an error. Other formats and kinds:
``cmsgraph.readers.read_document`` and ``cmsgraph.kinds.classify``.
"""

from __future__ import annotations

from pathlib import Path

from .kinds.activity_report import read as _read_report
from .kinds.activity_report import split_codes
from .model import Report
from .readers import txt as _txt
from .readers._common import read_file
from .readers.txt import clean_cell

__all__ = ["clean_cell", "parse_file", "parse_text", "split_codes"]


def parse_file(path: str | Path) -> Report:
    """Read and parse one activity-report document (``.txt``).

    :raises InputError: if the file is missing, empty, binary, not text, or not an
        activity report; the message names the file and, where there is one, the line.
    """
    return _read_report(_txt.read(read_file(path), str(path)), strict=True)


def parse_text(text: str, *, path: str = "<text>", sha256: str | None = None) -> Report:
    """Parse the text of an activity report.

    :raises InputError: if the text is not an activity report (no activity table, no
        document symbol) or a table row cannot be placed (the message gives the line).
    """
    return _read_report(_txt.read_text(text, path=path, sha256=sha256), strict=True)
