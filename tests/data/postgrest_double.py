"""A stand-in for Supabase's PostgREST (it cannot run here): a real HTTP server on loopback that
records every request and answers with scripted responses in PostgREST's own shapes and status
codes (docs.postgrest.org, references/errors: "HTTP Status Codes", "PostgREST Error Codes")."""

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# PostgREST's SQLSTATE -> HTTP status table, most specific first; anything else is 400.
_STATUS_BY_SQLSTATE = [
    ("23503", 409), ("23505", 409), ("25006", 405), ("53400", 500), ("P0001", 400),
    ("42883", 404), ("42P01", 404), ("42P17", 500),
    ("08", 503), ("09", 500), ("0L", 403), ("0P", 403), ("25", 500), ("28", 403), ("2D", 500),
    ("38", 500), ("39", 500), ("3B", 500), ("40", 500), ("53", 503), ("54", 413), ("55", 500),
    ("57P01", 503), ("57", 500), ("58", 500), ("F0", 500), ("HV", 500), ("P0", 500), ("XX", 500),
]
# PostgREST's own errors (the ones an RPC can meet).
_STATUS_BY_PGRST = {
    "PGRST000": 503, "PGRST001": 503, "PGRST002": 503, "PGRST003": 504, "PGRST102": 400,
    "PGRST202": 404, "PGRST203": 300, "PGRST301": 401, "PGRST302": 401, "PGRST303": 401,
}


def postgrest_status(code: str, authenticated: bool = True) -> int:
    """The HTTP status PostgREST answers with for an error code."""
    if code.startswith("PGRST"):
        return _STATUS_BY_PGRST[code]
    if code == "42501":  # insufficient privilege: 401 only when the request had no JWT role
        return 403 if authenticated else 401
    if code.startswith("PT") and code[2:].isdigit():  # `raise sqlstate 'PT402'` picks the status
        return int(code[2:])
    return next((status for prefix, status in _STATUS_BY_SQLSTATE if code.startswith(prefix)),
                400)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets simultaneous connections


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict  # names lower-cased: HTTP header names are case-insensitive
    header_names: list  # as sent, in order
    body: object  # the parsed JSON body, or None


class PostgrestDouble:
    """Scripted answers are served in order; an unscripted request gets a 500 the test sees."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self._answers: deque = deque()

    def returns(self, value) -> "PostgrestDouble":
        """The function's jsonb result: PostgREST sends it as the body, as is."""
        return self._script(200, json.dumps(value).encode(), "application/json; charset=utf-8")

    def fails(self, code: str, message: str, details: str | None = None,
              hint: str | None = None, authenticated: bool = True) -> "PostgrestDouble":
        body = {"code": code, "details": details, "hint": hint, "message": message}
        return self._script(postgrest_status(code, authenticated), json.dumps(body).encode(),
                            "application/json; charset=utf-8")

    def answers_raw(self, status: int, body: bytes, content_type: str) -> "PostgrestDouble":
        """Something in front of PostgREST answering (a gateway's error page)."""
        return self._script(status, body, content_type)

    def _script(self, status, body, content_type):
        self._answers.append((status, body, content_type))
        return self

    def _next_answer(self):
        if self._answers:
            return self._answers.popleft()
        body = {"code": "DOUBLE", "details": None, "hint": None, "message": "unscripted request"}
        return 500, json.dumps(body).encode(), "application/json; charset=utf-8"

    def __enter__(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like PostgREST

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                double.requests.append(Recorded(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                    list(self.headers.keys()), json.loads(raw) if raw else None))
                status, body, content_type = double._next_answer()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = do_HEAD = _serve

            def log_message(self, *args):
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
