"""A real HTTP receiver for webhook tests: a threaded ``http.server`` on 127.0.0.1 and a port
the OS picks, recording every request it gets (headers, body, when) and answering with the
status the test sets (``status``). Shared by the delivery tests and the examples' test."""

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]  # names lower-cased
    body: bytes
    answered: int  # the status it was answered with
    at: float  # time.time() on arrival

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


class Receiver:
    def __init__(self, port: int = 0) -> None:
        self.status = 200
        self.set_cookie: str | None = None  # a Set-Cookie header to answer with
        self.delay = 0.0  # seconds each answer takes, as a real receiver's work does
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.status
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver.received.append(Received(headers, body, status, time.time()))
                answer = b'{"ok": true}' if 200 <= status < 300 else b"receiver trouble"
                time.sleep(receiver.delay)
                self.send_response(status)
                for cookie in [receiver.set_cookie] if receiver.set_cookie else []:
                    self.send_header("set-cookie", cookie)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet tests

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def delivered(self) -> list[Received]:
        """The requests it answered 2xx, in the order they came."""
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def all(self) -> list[Received]:
        with self._lock:
            return list(self.received)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now: a receiver that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
