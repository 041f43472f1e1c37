"""The one HTTP layer of cmsgraph: every request to a remote SPARQL store, for
publishing (Graph Store Protocol, SPARQL Update) and for queries, goes through
:class:`Http` — one timeout policy, one way of sending credentials, one mapping of
failures to :class:`~cmsgraph.errors.RemoteError` messages a user can act on, and URLs
shown without their user info.

Failures are told apart by their types and status codes (``urllib.error.HTTPError``'s
``code``, the ``reason`` of a ``URLError``), never by the text of a message. A
response a store sends with status 200 but partial content (Virtuoso's
``X-SQL-State``, ``X-SPARQL-MaxRows``) is refused here too (:func:`check_complete`).
"""

from __future__ import annotations

import base64
import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .errors import RemoteError

__all__ = [
    "ENV_PASSWORD",
    "ENV_USER",
    "Auth",
    "Http",
    "HttpStatusError",
    "Response",
    "check_complete",
    "check_url",
    "scrub",
    "split_userinfo",
    "with_params",
]

ENV_USER = "CMSGRAPH_USER"
ENV_PASSWORD = "CMSGRAPH_PASSWORD"
Auth = Literal["auto", "digest", "basic"]


# -- URLs ----------------------------------------------------------------------------------


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``http://u:p@host/x`` -> (``http://host/x``, ``u``, ``p``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=hostport))
    return (
        clean,
        urllib.parse.unquote(user) or None,
        urllib.parse.unquote(password) if sep else None,
    )


def scrub(url: str) -> str:
    """A URL safe to print: without user info."""
    return split_userinfo(url)[0]


def check_url(url: str, what: str) -> str:
    clean = scrub(url)
    parts = urllib.parse.urlsplit(clean)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"{what} {clean!r} is not an http(s) URL")
    return clean


def with_params(url: str, **params: str) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


# -- HTTP ------------------------------------------------------------------------------


class Headers(Protocol):
    def get(self, name: str, /) -> str | None: ...


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers  # case-insensitive (http.client.HTTPMessage)
    body: bytes


class _PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, once challenged by a server, answers that challenge
    up front on later requests (RFC 7616 §3.4: the nonce again, with a higher ``nc``).

    Plain urllib sends every request once without credentials and again after the
    401; Virtuoso answers 401 before reading a request body and closes the
    connection, so an upload of a few MB fails with a broken pipe.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._challenges: dict[str, dict[str, str]] = {}

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _, challenge = auth.split(" ", 1)
        parsed = urllib.request.parse_keqv_list(
            [part for part in urllib.request.parse_http_list(challenge) if part]
        )
        self._challenges[req.host] = parsed
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self._challenges.get(req.host)
        if challenge and not req.has_header("Authorization"):
            answer = self.get_authorization(req, challenge)
            if answer:
                req.add_unredirected_header("Authorization", f"Digest {answer}")
        return req

    https_request = http_request


class Http:
    """urllib with credentials, a timeout per request, and errors a user can act on."""

    def __init__(
        self, *, user: str | None, password: str | None, auth: Auth, timeout: float
    ) -> None:
        if auth not in ("auto", "digest", "basic"):
            raise RemoteError(f"unknown authentication scheme {auth!r}: auto, digest or basic")
        self.has_credentials = user is not None
        self.timeout = timeout
        self._basic: str | None = None
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None and password is not None:
            if auth == "basic":  # sent with every request, no challenge needed
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                self._basic = f"Basic {token}"
            else:  # answer the server's challenge; digest never sends the password
                handlers.append(_PreemptiveDigest(self._passwords))
                if auth == "auto":
                    handlers.append(urllib.request.HTTPBasicAuthHandler(self._passwords))
        self._user, self._password = user, password
        self._opener = urllib.request.build_opener(*handlers)

    def allow(self, url: str) -> None:
        """Let the credentials be sent to ``url``'s server (scheme, host and port)."""
        if self._user is not None and self._password is not None:
            parts = urllib.parse.urlsplit(url)
            self._passwords.add_password(
                None, f"{parts.scheme}://{parts.netloc}/", self._user, self._password
            )

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> Response:
        """Send one request; return the response if its status is in ``ok``.

        :raises RemoteError: connection refused, timeout, broken connection,
            credentials needed or refused, any other status.
        """
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        req.add_header("User-Agent", "cmsgraph")
        if self._basic:
            req.add_header("Authorization", self._basic)
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            except (OSError, http.client.HTTPException):
                body = b""
            if exc.code in ok:  # urllib raises for 201/204 on some methods
                return Response(exc.code, exc.headers, body)
            raise http_error(exc.code, body, url, what, self.has_credentials) from None
        except Exception as exc:
            raise network_error(exc, url, what, self.timeout) from None


class HttpStatusError(RemoteError):
    """A store answered with an HTTP status that was not expected; ``status`` has it."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


def http_error(
    code: int, body: bytes, url: str, what: str, has_credentials: bool
) -> HttpStatusError:
    """The error for an answer with status ``code`` (its body, cut, in the message)."""
    where = scrub(url)
    if code in (401, 403):
        if has_credentials:
            return HttpStatusError(
                f"{what}: {where} refused the credentials (HTTP {code})",
                status=code,
                hint=f"check the user name and password (--user/--password or {ENV_USER}/"
                f"{ENV_PASSWORD}) and that this user may write to the store",
            )
        return HttpStatusError(
            f"{what}: {where} needs credentials (HTTP {code})",
            status=code,
            hint=f"pass --user and --password, or set {ENV_USER} and {ENV_PASSWORD}",
        )
    text = " ".join(body.decode("utf-8", "replace").split())
    detail = f": {text[:300]}" if text else ""
    return HttpStatusError(f"{what}: {where} answered HTTP {code}{detail}", status=code)


def network_error(exc: BaseException, url: str, what: str, timeout: float) -> RemoteError:
    where = scrub(url)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return RemoteError(
            f"{what}: cannot reach {where} (connection refused)",
            hint="is the server running, and is this its address and port?",
        )
    if isinstance(reason, TimeoutError | socket.timeout):
        return RemoteError(
            f"{what}: {where} did not answer within {timeout:g} s",
            hint="the server may be busy or stuck; try again, or allow more time (--timeout)",
        )
    if isinstance(reason, socket.gaierror):
        return RemoteError(f"{what}: cannot reach {where}: unknown host")
    if isinstance(reason, ConnectionError | http.client.HTTPException):
        return RemoteError(
            f"{what}: the connection to {where} broke off ({type(reason).__name__}: {reason})"
        )
    if isinstance(reason, OSError | ValueError):
        return RemoteError(f"{what}: cannot reach {where}: {reason}")
    raise exc  # a bug, not a remote failure


def check_complete(headers: Headers, rows: int | None, url: str, what: str) -> None:
    """Refuse partial or truncated results that a store returns with status 200.

    Virtuoso answers a query that hit its time limit with whatever it found so far and
    ``X-SQL-State: S1TAT``, and cuts results at ``ResultSetMaxRows`` silently except for
    an ``X-SPARQL-MaxRows`` header.
    """
    state = headers.get("X-SQL-State")
    if state:
        raise RemoteError(
            f"{what}: {scrub(url)} returned partial results (X-SQL-State: {state}, "
            "a server-side time limit)",
            hint="raise the store's query time limit (Virtuoso: MaxQueryExecutionTime)",
        )
    cap = headers.get("X-SPARQL-MaxRows")
    if rows is not None and cap and cap.isdigit() and rows >= int(cap):
        raise RemoteError(
            f"{what}: {scrub(url)} may have cut the results at {cap} rows (its ResultSetMaxRows)",
            hint="raise ResultSetMaxRows in virtuoso.ini, or page with LIMIT/OFFSET",
        )
