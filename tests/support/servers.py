"""Start real SPARQL servers (Oxigraph, Virtuoso 7) on 127.0.0.1 for integration tests.

Stdlib only. Each context manager starts a private server in ``workdir`` on free ports,
waits until it answers, yields a :class:`ServerInfo`, then stops it and makes sure the
process is gone. Start-up failures raise :class:`ServerUnavailable` with the log tail;
tests must turn that into a failure, never a skip.

Endpoints (verified against oxigraph 0.5.13 and Debian's Virtuoso 7.2.5):

* Oxigraph: ``/query`` (GET/POST), ``/update`` (POST, ``application/sparql-update`` or
  form ``update=``), ``/store?graph=IRI`` (Graph Store Protocol). No auth.
* Virtuoso: ``/sparql`` (anonymous, read only: updates fail with ``SR186 No permission``),
  ``/sparql-auth`` (HTTP *digest* auth as dba: queries AND updates, form ``update=`` or
  ``query=`` or ``application/sparql-update``), ``/sparql-graph-crud-auth?graph=IRI``
  (GSP, digest auth; ``graph-uri=`` works too). Basic auth gets 401.
"""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "ServerInfo",
    "ServerUnavailable",
    "free_port",
    "oxigraph_server",
    "run_isql",
    "virtuoso_load",
    "virtuoso_server",
]

VIRTUOSO_RESULT_SET_MAX_ROWS = 1_000_000


class ServerUnavailable(RuntimeError):
    """The server binary is missing, exited early, or did not answer in time."""


@dataclass(frozen=True)
class ServerInfo:
    """How to reach a running test server."""

    kind: Literal["oxigraph", "virtuoso"]
    base_url: str  # http://127.0.0.1:PORT
    query_url: str  # SPARQL query endpoint (no auth needed)
    update_url: str  # SPARQL update endpoint (digest auth for Virtuoso)
    gsp_url: str  # Graph Store Protocol endpoint; add ?graph=IRI, see graph_url()
    user: str | None  # None for oxigraph, "dba" for virtuoso
    password: str | None
    pid: int
    log_path: Path
    workdir: Path
    sql_port: int | None = None  # Virtuoso ISQL/ODBC port, for run_isql()

    def graph_url(self, graph: str) -> str:
        """GSP URL of one named graph (``?graph=`` is accepted by both stores)."""
        return f"{self.gsp_url}?{urllib.parse.urlencode({'graph': graph})}"


def free_port() -> int:
    """Return a TCP port that is currently free on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free_ports(n: int) -> list[int]:
    """n distinct free ports (sockets held open together so they differ)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def _log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _which(name: str) -> str:
    # Prefer the binary next to this interpreter (skips pyenv shims), then PATH.
    local = Path(sys.executable).parent / name
    found = str(local) if os.access(local, os.X_OK) else shutil.which(name)
    if not found:
        raise ServerUnavailable(f"{name!r} not found (PATH={os.environ.get('PATH')})")
    return found


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            status: int = resp.status
            return 200 <= status < 300
    except (OSError, urllib.error.URLError):
        return False


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


def memory_cap(memory_mb: int | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` capping a child's heap and anonymous mappings (``RLIMIT_DATA``) at
    ``memory_mb`` MB: past it, allocations fail in the child instead of exhausting the
    machine. None for no cap."""
    if not memory_mb:
        return None
    limit = memory_mb << 20

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


@contextlib.contextmanager
def _process(
    cmd: list[str], cwd: Path, log_path: Path, memory_mb: int | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run cmd in its own session (Ctrl-C in pytest doesn't hit it); always stop it."""
    with open(log_path, "wb") as log:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=memory_cap(memory_mb),
            )
        except OSError as exc:
            raise ServerUnavailable(f"cannot run {cmd[0]}: {exc}") from exc
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()  # both servers exit cleanly on SIGTERM
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


def _wait(
    proc: subprocess.Popen[bytes],
    ready: Callable[[], bool],
    timeout: float,
    what: str,
    log_path: Path,
) -> None:
    """Poll ready() until true; raise ServerUnavailable on early exit or timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServerUnavailable(
                f"{what} exited with code {proc.returncode}:\n{_log_tail(log_path)}"
            )
        if ready():
            return
        if time.monotonic() > deadline:
            raise ServerUnavailable(
                f"{what} did not answer within {timeout}s:\n{_log_tail(log_path)}"
            )
        time.sleep(0.05)


@contextlib.contextmanager
def oxigraph_server(workdir: Path, *, timeout: float = 30.0) -> Iterator[ServerInfo]:
    """Run ``oxigraph serve`` with a store in ``workdir/db``; yield its endpoints.

    The default graph is NOT the union of named graphs (no ``--union-default-graph``).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port, log_path = free_port(), workdir / "oxigraph.log"
    base = f"http://127.0.0.1:{port}"
    cmd = [
        _which("oxigraph"),
        "serve",
        "--location",
        str(workdir / "db"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with _process(cmd, workdir, log_path) as proc:
        _wait(
            proc, lambda: _http_ok(base + "/query?query=ASK%7B%7D"), timeout, "oxigraph", log_path
        )
        yield ServerInfo(
            kind="oxigraph",
            base_url=base,
            query_url=base + "/query",
            update_url=base + "/update",
            gsp_url=base + "/store",
            user=None,
            password=None,
            pid=proc.pid,
            log_path=log_path,
            workdir=workdir,
        )


def run_isql(
    info: ServerInfo, sql: str, *, timeout: float = 120.0, password: str | None = None
) -> str:
    """Run SQL statements (``;``-terminated, one per line) as dba through ``isql-vt``.

    isql-vt exits 0 even when a statement fails, so ``*** Error`` in the output raises.
    """
    if info.kind != "virtuoso" or info.sql_port is None:
        raise ValueError("run_isql needs a Virtuoso server")
    cmd = [
        _which("isql-vt"),
        f"127.0.0.1:{info.sql_port}",
        "dba",
        password or info.password or "dba",
    ]
    res = subprocess.run(
        cmd, input=sql.rstrip() + "\n", capture_output=True, text=True, timeout=timeout, check=False
    )
    out = res.stdout + res.stderr
    if res.returncode != 0 or "*** Error" in out:
        raise RuntimeError(f"isql-vt failed (rc={res.returncode}):\n{out}")
    return out


def _virtuoso_ini(
    workdir: Path,
    sql_port: int,
    http_port: int,
    buffers: int = 50000,
    max_rows: int = VIRTUOSO_RESULT_SET_MAX_ROWS,
) -> str:
    db = workdir / "db"
    dirty_buffers = buffers * 3 // 4
    return f"""\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 20
DirsAllowed = ., {workdir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
MaxQueryMem = 512M
MaxSortedTopRows = 100000
AllowOSCalls = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {workdir}/vsp
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
; 0 = no server-side limit: with a limit Virtuoso returns *partial* results with
; HTTP 200 and an X-SQL-State: S1TAT header ("anytime query"). Use client timeouts.
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 3600
"""


@contextlib.contextmanager
def virtuoso_server(
    workdir: Path,
    *,
    timeout: float = 90.0,
    memory_mb: int | None = None,
    buffers: int = 50000,
    max_rows: int = VIRTUOSO_RESULT_SET_MAX_ROWS,
) -> Iterator[ServerInfo]:
    """Run a private Virtuoso (``virtuoso-t +foreground``) with its db in ``workdir/db``.

    The dba password is set to a fresh random value (``info.password``); use HTTP digest
    auth as ``dba`` for ``/sparql-auth`` and ``/sparql-graph-crud-auth``. ``ld_dir`` can
    read files under ``workdir`` (DirsAllowed; see :func:`virtuoso_load`). Any old
    ``workdir/db`` is wiped first. Unscoped queries also see Virtuoso's own system graphs
    (~2500 triples). ``memory_mb`` caps the server's memory (see :func:`memory_cap`);
    ``buffers`` is its page cache in 8 KB pages (Virtuoso's ``NumberOfBuffers``: the
    default, 400 MB, suits a few million triples; its guide asks for some 2/3 of the
    memory given to it for tens of millions); ``max_rows`` its ``ResultSetMaxRows``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(workdir / "db", ignore_errors=True)  # always a fresh db (dba/dba)
    (workdir / "db").mkdir()
    (workdir / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = _free_ports(2)
    ini, log_path = workdir / "virtuoso.ini", workdir / "virtuoso.out"
    ini.write_text(_virtuoso_ini(workdir, sql_port, http_port, buffers, max_rows))
    base = f"http://127.0.0.1:{http_port}"
    cmd = [_which("virtuoso-t"), "+foreground", "+configfile", str(ini)]
    password = "t" + secrets.token_hex(12)
    with _process(cmd, workdir, log_path, memory_mb) as proc:
        info = ServerInfo(
            kind="virtuoso",
            base_url=base,
            query_url=base + "/sparql",
            update_url=base + "/sparql-auth",
            gsp_url=base + "/sparql-graph-crud-auth",
            user="dba",
            password=password,
            pid=proc.pid,
            log_path=log_path,
            workdir=workdir,
            sql_port=sql_port,
        )

        def ready() -> bool:  # "Server online" is logged after the HTTP listener starts
            return (
                "Server online at" in _log_tail(log_path, 10**6)
                and _port_open(sql_port)
                and _http_ok(base + "/sparql?query=ASK%7B%7D")
            )

        _wait(proc, ready, timeout, "virtuoso-t", log_path)
        try:  # fresh databases always start with dba/dba
            run_isql(info, f"USER_SET_PASSWORD('dba', '{password}');", password="dba")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            raise ServerUnavailable(
                f"cannot set the dba password: {exc}\n{_log_tail(log_path)}"
            ) from exc
        yield info


def virtuoso_load(info: ServerInfo, folder: Path, graph: str, *, timeout: float = 3600.0) -> None:
    """Bulk-load every ``*.nt`` file of ``folder`` (under the server's workdir) into
    ``graph`` with Virtuoso's bulk loader (``ld_dir``, ``rdf_loader_run``), then
    checkpoint: how a user loads a dump into Virtuoso.

    :raises RuntimeError: if a statement fails or a file was not loaded.
    """
    run_isql(
        info,
        f"ld_dir('{folder}', '*.nt', '{graph}');\nrdf_loader_run();\ncheckpoint;",
        timeout=timeout,
    )
    errors = run_isql(
        info,
        f"SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL "
        f"AND ll_file LIKE '{folder}/%';",
    )
    if str(folder) in errors:
        raise RuntimeError(f"Virtuoso did not load every file of {folder}:\n{errors}")
