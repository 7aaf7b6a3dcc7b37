"""examples/webhook_receiver.py runs: it takes a message signed with its secret (once, however
often it comes), and refuses one signed with another."""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.integrations.webhooks.sender import WebhookSender
from app.integrations.webhooks.signing import new_secret
from tests.integrations.webhooks.receiver import free_port

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "webhook_receiver.py"
MESSAGE = {
    "type": "case.transitioned",
    "timestamp": "2026-11-28T12:00:00Z",
    "data": {
        "case": {"id": 7, "diary_number": "BUN 2026/7", "organ": "BUN"},
        "event": {"seq": 2, "trigger": "triage", "from_state": "proposed", "to_state": "proposed"},
    },
}


@pytest.fixture
def example():
    secret, port = new_secret(), free_port()
    process = subprocess.Popen(  # noqa: S603 (our own example, fixed arguments)
        [sys.executable, str(EXAMPLE), "--secret", secret, "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/hooks"
    with httpx.Client(trust_env=False, timeout=2) as client:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.get(url)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield client, url, secret, process
    process.terminate()
    process.wait(timeout=10)


def test_the_example_receiver_verifies_and_prints_each_message_once(example):
    client, url, secret, process = example
    sender = WebhookSender(client, timeout=2)
    body = json.dumps(MESSAGE)
    assert sender.send(url, "msg_1", body, secret).status_code == 204
    assert sender.send(url, "msg_1", body, secret).status_code == 204  # again: at least once
    assert sender.send(url, "msg_2", body, new_secret()).status_code == 401
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert output.count("msg_1 case.transitioned") == 1
    assert "BUN 2026/7" in output
    assert "refused: No matching signature found" in output
    assert "msg_2" not in output
