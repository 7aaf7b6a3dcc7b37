"""The committed OpenAPI document is the app's; the docs page works with no internet access."""

import json
import re
from pathlib import Path

from app.config import Settings
from app.main import create_app

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_document_matches_the_app():
    generated = create_app(Settings()).openapi()
    committed = json.loads(DOCUMENT.read_text())
    assert committed == generated, "openapi/openapi.json is stale: run `make openapi` and commit it"


def test_every_operation_has_a_summary_an_id_and_declared_errors():
    document = create_app(Settings()).openapi()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert all(op.get("summary") for _, _, op in operations)
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    api_operations = [op for path, _, op in operations if path.startswith("/api/v1")]
    assert all("401" in op["responses"] for op in api_operations)


def test_docs_page_references_no_outside_host(client):
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
        assert urls, page
        assert [u for u in urls if re.match(r"^(https?:)?//", u)] == [], page
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.content) > 100_000
