"""A small threaded HTTPS server on 127.0.0.1 that the protocol fakes build on.

Why not a web framework: the fakes need control over the wire that frameworks hide — keep-alive
connections with per-connection state (NTLM authenticates a *connection*), bodies cut short,
connections dropped mid-response, hangs that end when the test ends. Handshakes run in the
connection's thread, so a client that rejects the certificate cannot stall the accept loop.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .tls import server_ssl_context

#: Longest a handler waits for a hung response or an idle keep-alive connection.
IDLE_TIMEOUT_SECONDS = 30.0


@dataclass
class Request:
    """One parsed HTTP request, as the fakes see it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: bytes
    client: tuple[str, int]
    received_at: float = field(default_factory=time.time)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    """What to send back. ``mode`` selects deliberate protocol damage for fault injection.

    - ``"normal"``: status, headers, body, keep-alive.
    - ``"truncate_body"``: announce the full ``Content-Length`` but send only
      ``truncate_at`` bytes, then drop the connection.
    - ``"hang"``: send nothing for ``hang_seconds`` (or until the server stops), then drop.
    - ``"close"``: drop the connection without any response.
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    mode: str = "normal"
    truncate_at: int = 0
    hang_seconds: float = 0.0
    close: bool = False


class ConnectionState(dict[str, Any]):
    """Per-connection scratch space (e.g. an NTLM handshake in progress)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, required for NTLM
    server_version = "Microsoft-IIS/10.0"
    # Headers and body are written separately; with Nagle's algorithm against the client's
    # delayed ACK every answer would wait ~40 ms on loopback, which no real server adds.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT_SECONDS
    server: _Server

    def setup(self) -> None:
        self.timeout = self.server.app.idle_timeout
        super().setup()
        self.conn_state = ConnectionState()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; fakes keep their own request logs."""

    def _handle_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        request = Request(self.command, self.path, headers, body, self.client_address)
        response = self.server.app.handle_request(request, self.conn_state)
        self._send(response)
        self.server.app.track(self.connection, True)  # the time it was last used

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle_any

    def _send(self, response: Response) -> None:
        if response.mode == "close":
            self.close_connection = True
            return
        if response.mode == "hang":
            self.server.app.stopping.wait(response.hang_seconds or IDLE_TIMEOUT_SECONDS)
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if response.close or response.mode == "truncate_body":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.mode == "truncate_body":
            self.wfile.write(response.body[: response.truncate_at])
            self.wfile.flush()
            return
        self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, app: LoopbackHTTPSServer, ssl_context: ssl.SSLContext, port: int = 0
    ) -> None:
        self.app = app
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", port), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(10)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.app.note_tls_failure(exc)
            return
        self.app.track(tls, True)
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except (ConnectionError, TimeoutError, ssl.SSLError, OSError):
            pass  # the client went away; nothing to report
        finally:
            self.app.track(tls, False)
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Errors per connection are the client's business; keep test output clean."""


class LoopbackHTTPSServer:
    """Base class: a threaded HTTPS server on 127.0.0.1 (a free port), usable as a context manager.

    Subclasses implement :meth:`handle_request`.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, trusted: bool = True) -> None:
        self._ssl_context = ssl_context or server_ssl_context(trusted=trusted)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[ssl.SSLSocket, float] = {}  # open ones: when last used
        self._conn_lock = threading.Lock()
        self.stopping = threading.Event()
        self.tls_failures: list[str] = []
        #: A keep-alive connection idle this long is closed (IIS: 120 s; set before start).
        self.idle_timeout = IDLE_TIMEOUT_SECONDS

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, port: int = 0) -> LoopbackHTTPSServer:
        """Start serving on ``port`` (0: a free one; a port it had before, to come back up)."""
        if self._server is not None:
            return self
        self.stopping.clear()
        self._server = _Server(self, self._ssl_context, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def replace_certificate(self, ssl_context: ssl.SSLContext) -> None:
        """Serve with another certificate (renewed, or from an unknown CA) from now on; open
        connections are dropped, as a server reloading its certificate does."""
        self._ssl_context = ssl_context
        if self._server is not None:
            self._server.ssl_context = ssl_context
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def drop_connections(self, count: int | None = None) -> int:
        """Close the ``count`` connections idle longest (all when None), as a server whose idle
        timeout ended does (IIS: 120 s); the client opens new ones, and with NTLM signs each in
        again. Returns how many were closed."""
        with self._conn_lock:
            idlest = sorted(self._connections, key=self._connections.__getitem__)
            conns = idlest[: len(idlest) if count is None else count]
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        return len(conns)

    @property
    def open_connections(self) -> int:
        with self._conn_lock:
            return len(self._connections)

    # -- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # -- hooks for the handler -------------------------------------------------------------
    def track(self, conn: ssl.SSLSocket, alive: bool) -> None:
        with self._conn_lock:
            if alive:
                self._connections[conn] = time.monotonic()
            else:
                self._connections.pop(conn, None)

    def note_tls_failure(self, exc: BaseException) -> None:
        self.tls_failures.append(f"{type(exc).__name__}: {exc}")

    def handle_request(self, request: Request, conn: ConnectionState) -> Response:
        raise NotImplementedError
