"""One error tree for everything a user can get wrong or meet.

Only the command line turns these into messages and exit statuses (see
``cmsgraph.cli``); the Python API raises them. Each carries what a user needs to
act: the file and line for input, the store path, the query name, the endpoint.

Exit statuses (documented in the README):

====  ==========================================================
0     success (warnings may have been printed)
1     input error: a source file is missing, empty, binary, not in the format,
      or its graph violates the SHACL shapes
2     usage error: bad command-line arguments
3     store error: no store, store locked by another build, store unreadable
4     query error: unknown query name, malformed query, bad parameter
5     remote error: an endpoint is down, refuses credentials, or failed half way
====  ==========================================================
"""

from __future__ import annotations

__all__ = [
    "CmsGraphError",
    "InputError",
    "QueryError",
    "RemoteError",
    "StoreError",
    "ValidationError",
]


class CmsGraphError(Exception):
    """Base of every error cmsgraph raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(CmsGraphError):
    """A source document cannot be read or is not in the expected format."""

    exit_code = 1

    def __init__(
        self, path: str, message: str, *, line: int | None = None, hint: str | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}", hint=hint)


class ValidationError(InputError):
    """The graph built from a source violates the SHACL shapes; nothing was written."""


class StoreError(CmsGraphError):
    """The store is missing, locked by another process, or unreadable."""

    exit_code = 3


class QueryError(CmsGraphError):
    """A query cannot be found, parsed, bound or run."""

    exit_code = 4


class RemoteError(CmsGraphError):
    """A remote SPARQL endpoint or Graph Store failed or refused the request."""

    exit_code = 5
