"""Workflow diagrams by content negotiation: Mermaid text unless SVG is preferred, SVG when
graphviz is installed."""

from typing import Any, Literal

from fastapi import Request, Response

from app.errors import NotAcceptable, StyrkedjaError
from app.integrations import graphviz
from app.workflows import diagram
from app.workflows.definition import Definition

MERMAID = "text/vnd.mermaid"
SVG = "image/svg+xml"
Language = Literal["sv", "en"]

DIAGRAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The diagram",
        "content": {MERMAID: {"schema": {"type": "string"}}, SVG: {"schema": {"type": "string"}}},
    }
}


class DiagramUnavailable(StyrkedjaError):
    status = 503
    default_code = "DIAGRAM_FAILED"


def _preferences(accept: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q), best first; unparseable q counts as 0."""
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return sorted(ranges, key=lambda item: -item[1])


def _choose(accept: str) -> str | None:
    """The representation to send: the first acceptable of the client's preferences."""
    for media, quality in _preferences(accept or "*/*"):
        if quality <= 0:
            continue
        if media in (SVG, "image/*"):
            return SVG
        if media in (MERMAID, "text/*", "*/*"):
            return MERMAID
    return None


def diagram_response(
    request: Request, definition: Definition, current: str | None, language: Language
) -> Response:
    chosen = _choose(request.headers.get("accept", "*/*"))
    if chosen is None:
        raise NotAcceptable(
            f"Diagrams are {MERMAID} or {SVG}.", f"Diagram finns som {MERMAID} eller {SVG}."
        )
    if chosen == MERMAID:
        text = diagram.mermaid(definition, current=current, language=language)
        return Response(text, media_type=MERMAID)
    try:
        source = diagram.dot_source(definition, current=current, language=language)
        body = graphviz.render_svg(source)
    except graphviz.DotUnavailable as exc:
        raise NotAcceptable(
            f"SVG needs graphviz ('dot'), which is not installed here; ask for {MERMAID}.",
            f"SVG kräver graphviz ('dot'), som inte är installerat här; be om {MERMAID}.",
            code="SVG_UNAVAILABLE",
        ) from exc
    except graphviz.DiagramFailed as exc:
        raise DiagramUnavailable(
            "Graphviz could not draw the diagram; try again or ask for Mermaid.",
            "Graphviz kunde inte rita diagrammet; försök igen eller be om Mermaid.",
        ) from exc
    return Response(body, media_type=SVG)
