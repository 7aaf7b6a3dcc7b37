"""The case tests' committee and people (``tests.cases.conftest.world``), and API keys for the
integrations that bring cases in."""

import pytest

from tests.cases import conftest as cases
from tests.cases.conftest import CASE, SECRET, World

world = cases.world  # the fixture, shared with the case tests


def api_key(client, world: World, *scopes: str) -> dict[str, str]:
    created = client.post(
        "/api/v1/api-keys",
        json={"name": "Diarium", "scopes": list(scopes)},
        headers=world.registrar,
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


@pytest.fixture
def p360(client, world) -> dict[str, str]:
    """The diarium's integration key: it may bring cases in, and see confidential ones."""
    return api_key(client, world, "integration", "cases:confidential")


def put(client, headers, external_id="P-1", system="p360", **fields):
    return client.put(
        f"/api/v1/integrations/{system}/cases/{external_id}", json=CASE | fields, headers=headers
    )


__all__ = ["CASE", "SECRET", "api_key", "put"]
