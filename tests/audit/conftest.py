"""The case tests' world (a committee, its administration and who acts on its cases) for
moving cases through the API before their trail is checked."""

from tests.cases.conftest import world  # noqa: F401 (a fixture, used by name)
