"""Workflow diagrams by content negotiation: Mermaid text by default, SVG when asked for and
graphviz is installed."""

from fastapi import Request, Response

from app.errors import NotAcceptable
from app.workflows import diagram
from app.workflows.definition import Definition

MERMAID = "text/vnd.mermaid"
SVG = "image/svg+xml"


def diagram_response(request: Request, definition: Definition, current: str | None) -> Response:
    accept = request.headers.get("accept", "*/*")
    language = request.query_params.get("language", "sv")
    language = language if language in ("sv", "en") else "sv"
    if SVG in accept and MERMAID not in accept:
        try:
            body = diagram.svg(definition, current=current, language=language)
        except diagram.DotUnavailable as exc:
            raise NotAcceptable(
                "SVG needs graphviz ('dot'), which is not installed here; ask for "
                f"{MERMAID} instead.",
                f"SVG kräver graphviz ('dot'), som inte är installerat här; be om {MERMAID}.",
                code="SVG_UNAVAILABLE",
            ) from exc
        return Response(body, media_type=SVG)
    if accept not in ("*/*", "") and MERMAID not in accept and "text/*" not in accept:
        raise NotAcceptable(
            f"Diagrams are {MERMAID} or {SVG}.",
            f"Diagram finns som {MERMAID} eller {SVG}.",
        )
    return Response(
        diagram.mermaid(definition, current=current, language=language), media_type=MERMAID
    )
