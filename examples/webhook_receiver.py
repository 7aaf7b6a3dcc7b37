"""A tiny receiver of Styrkedja's webhooks: verifies each message's signature with the
subscription's secret and prints the event.

    # in one terminal: the service with a dispatcher (make run uses SQLite and the demo)
    .venv/bin/styrkedja serve --dev --dispatch
    # subscribe (as the demo registrar: a token from `styrkedja token create`)
    curl -X POST http://127.0.0.1:8000/api/v1/webhooks/subscriptions \\
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
      -d '{"url": "http://127.0.0.1:8765/hooks",
           "event_types": ["case.registered", "case.transitioned"]}'
    # the answer's "secret" is shown once: give it to the receiver
    .venv/bin/python examples/webhook_receiver.py --secret whsec_...

Messages are delivered at least once: one whose ``webhook-id`` was seen already is
acknowledged again and not handled twice. A bad signature gets 401 (Styrkedja retries, then
gives the message up as dead). Standard library plus ``standardwebhooks``, a dependency of
Styrkedja's.
"""

import argparse
import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


def handler_for(
    webhook: Webhook,
    seen: set[str],
    handle: Callable[[dict[str, Any]], None] | None = None,
) -> type[BaseHTTPRequestHandler]:
    """A handler that verifies each message and, the first time its ``webhook-id`` is seen,
    prints it and passes it to ``handle``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                message = webhook.verify(body, headers)
            except WebhookVerificationError as exc:
                print(f"refused: {exc}", flush=True)
                self._answer(401)
                return
            webhook_id = headers["webhook-id"]
            if webhook_id not in seen:
                seen.add(webhook_id)
                show(webhook_id, message)
                if handle is not None:
                    handle(message)
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def show(webhook_id: str, message: dict[str, Any]) -> None:
    data = message["data"]
    case = data["case"]
    event = data.get("event", {})
    what = f"{event.get('from_state')} → {event.get('to_state')}" if event.get("trigger") else ""
    print(
        f"{message['timestamp']} {webhook_id} {message['type']:<20} {case['diary_number']} {what}"
    )
    print("   ", json.dumps(data, ensure_ascii=False)[:300], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secret", required=True, help="the subscription's whsec_… secret")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    server = ThreadingHTTPServer(
        ("127.0.0.1", options.port), handler_for(Webhook(options.secret), set())
    )
    print(f"Listening on http://127.0.0.1:{options.port}/hooks (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
