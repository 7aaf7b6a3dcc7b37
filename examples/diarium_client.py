"""What a diarium integration does with Styrkedja, end to end, against `make run`'s demo:

1. as the registrar, makes an integration API key and subscribes a webhook receiver (started
   here, on 127.0.0.1) to the case events;
2. with the key, upserts a case by the diarium's reference (PUT …/integrations/p360/cases/…),
   and upserts it again unchanged (200, no new event);
3. as the head of administration, triages it (a transition, with an Idempotency-Key);
4. waits for the signed webhooks of the registration and the triage, verifying each signature.

    # terminal 1: the service with a dispatcher in it, on the demo database
    make run     # i.e. .venv/bin/styrkedja serve --dev --dispatch
    # terminal 2: the registrar's and the head's tokens, as `serve --dev` printed them
    .venv/bin/python examples/diarium_client.py --registrar-token eyJ… --head-token eyJ…

Tokens may also come from STYRKEDJA_REGISTRAR_TOKEN and STYRKEDJA_HEAD_TOKEN. Exit status 0
when both webhooks arrived with valid signatures.
"""

import argparse
import os
import sys
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
from standardwebhooks import Webhook
from webhook_receiver import handler_for

EXPECTED = ("case.registered", "case.transitioned")


def main() -> int:
    args = _arguments()
    registrar = {"Authorization": f"Bearer {args.registrar_token}"}
    head = {"Authorization": f"Bearer {args.head_token}"}
    with httpx.Client(base_url=f"{args.base_url}/api/v1", timeout=10) as api:
        key = _created(api.post("/api-keys", headers=registrar, json={
            "name": "P360 (exempel)", "scopes": ["integration", "cases:read", "cases:write"],
        }))["key"]  # fmt: skip
        subscription = _created(api.post("/webhooks/subscriptions", headers=registrar, json={
            "url": f"http://127.0.0.1:{args.port}/hooks", "event_types": list(EXPECTED),
        }))  # fmt: skip
        received = _receive(subscription["secret"], args.port)

        external_id = f"P360-{uuid.uuid4().hex[:8]}"
        case = _upsert(api, key, external_id)
        _upsert(api, key, external_id)  # the same again: 200, nothing changes
        triage = {"payload": {"route": "political", "motivation": "Principiell fråga"}}
        moved = api.post(
            f"/cases/{case['id']}/transitions/triage",
            headers=head | {"Idempotency-Key": str(uuid.uuid4())},
            json=triage,
        )
        print(f"triage → {moved.status_code} route={moved.json().get('route')}")
    return _await(received, case["id"], args.wait)


def _upsert(api: httpx.Client, key: str, external_id: str) -> dict[str, Any]:
    body = {
        "title": "Belysning på skolgården",
        "problem": "Mörkt på vintermorgnar",
        "organ": "BUN",
        "unit": "UTB-GRU",
        "estimated_cost_sek": 180_000,
    }
    answer = api.put(
        f"/integrations/p360/cases/{external_id}",
        headers={"Authorization": f"Bearer {key}"},
        json=body,
    )
    if answer.status_code not in (200, 201):
        sys.exit(f"upsert refused: {answer.status_code} {answer.text}")
    upserted = answer.json()
    case: dict[str, Any] = upserted["case"]
    print(
        f"upsert {external_id} → {answer.status_code} {upserted['outcome']}: "
        f"{case['diary_number']} ({case['state']})"
    )
    return case


def _receive(secret: str, port: int) -> list[dict[str, Any]]:
    """Serve the receiver in a thread; the verified messages collect in the list returned."""
    received: list[dict[str, Any]] = []
    webhook = Webhook(secret)
    handler = handler_for(webhook, set(), received.append)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return received


def _await(received: list[dict[str, Any]], case_id: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        types = [m["type"] for m in received if m["data"]["case"]["id"] == case_id]
        if all(expected in types for expected in EXPECTED):
            print(f"webhooks received and verified: {', '.join(types)}")
            return 0
        time.sleep(0.2)
    print("no webhooks yet: is the service running with --dispatch (or `styrkedja dispatch`)?")
    return 1


def _created(answer: httpx.Response) -> dict[str, Any]:
    if answer.status_code != 201:
        sys.exit(
            f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text}"
        )
    created: dict[str, Any] = answer.json()
    return created


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--registrar-token", default=os.environ.get("STYRKEDJA_REGISTRAR_TOKEN"))
    parser.add_argument("--head-token", default=os.environ.get("STYRKEDJA_HEAD_TOKEN"))
    parser.add_argument("--port", type=int, default=8765, help="the receiver's port")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for webhooks")
    args = parser.parse_args()
    if not (args.registrar_token and args.head_token):
        parser.error("the registrar's and the head's tokens are needed (see `serve --dev`)")
    return args


if __name__ == "__main__":
    sys.exit(main())
