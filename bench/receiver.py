"""A webhook receiver for the benchmarks, run as its own process (``python -m bench.receiver
--port N``) so that it does not share the measuring process's interpreter: a bare ASGI app under
uvicorn that answers every POST 204 and notes when each ``webhook-id`` arrived, and for which
case. ``GET /arrivals`` returns ``{webhook_id: [epoch seconds, case id]}``; ``DELETE /arrivals``
forgets them. Listens on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import uvicorn

arrivals: dict[str, tuple[float, int | None]] = {}


async def _body(receive: Any) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _answer(send: Any, status: int, body: bytes = b"") -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = await _body(receive)
    if scope["method"] == "POST":
        at = time.time()
        headers = dict(scope["headers"])
        case = json.loads(body).get("data", {}).get("case", {}).get("id")
        arrivals[headers.get(b"webhook-id", b"").decode()] = (at, case)
        await _answer(send, 204)
    elif scope["method"] == "DELETE":
        arrivals.clear()
        await _answer(send, 204)
    else:
        await _answer(send, 200, json.dumps(arrivals).encode())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.receiver")
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
