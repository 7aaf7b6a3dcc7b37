"""The OpenAPI document, with the errors every route really gives declared as problem+json.

FastAPI declares its own ``HTTPValidationError`` for 422; ours is a ``Problem``. Rather than repeat
the common answers on every route, they are added here: 401 to every API route (all need
credentials), 422 wherever there is input, and 400/413/415 wherever there is a body.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import FieldError, Problem, problem_schema

API_PREFIX = "/api/v1"


def _declare_common_errors(path: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    has_body = "requestBody" in operation
    common = []
    if path.startswith(API_PREFIX):
        common.append(401)
    if has_body or operation.get("parameters"):
        common.append(422)
    if has_body:
        common += [400, 413, 415]
    for status in common:
        responses[str(status)] = problem_schema(status)
    operation["responses"] = dict(sorted(responses.items()))


def build(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    for path, operations in document["paths"].items():
        for operation in operations.values():
            _declare_common_errors(path, operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Problem"].pop("$defs", None)
    schemas["FieldError"] = FieldError.model_json_schema()
    app.openapi_schema = document
    return app.openapi_schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: build(app)  # type: ignore[method-assign]
