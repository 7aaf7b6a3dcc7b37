"""The dependency rules of STYLE.md, checked on the import graph of the source files."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def sources(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", sources(APP / "workflows"), ids=str)
def test_workflows_are_pure(path):
    assert {top(m) for m in imported_modules(path)}.isdisjoint(
        {"sqlalchemy", "fastapi", "starlette"}
    )


def test_fastapi_only_in_api_and_the_app_factory():
    offenders = [
        str(path.relative_to(APP))
        for path in sources(APP)
        if {"fastapi", "starlette", "fastapi_offline"} & {top(m) for m in imported_modules(path)}
        and not path.is_relative_to(APP / "api")
        and path != APP / "main.py"
    ]
    assert offenders == []


def test_only_config_reads_the_environment():
    offenders = [
        str(path.relative_to(APP))
        for path in sources(APP)
        if path != APP / "config.py"
        and ("os.environ" in path.read_text() or "getenv" in path.read_text())
    ]
    assert offenders == []
