"""Who may bring cases in by a diarium's reference, and import them in bulk: an integration (an
API key with the scope ``integration``), or a registrar (registrator), who keeps the diary and
already registers cases under a diarium's numbers (``app.cases.service.diary``) — a registrar
moving an old diarium's export over, or standing in while the integration is down, does by hand
what the integration does. Nobody else: a case officer registers cases one at a time, under the
number the series gives."""

from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.errors import Forbidden
from app.organisation.vocabulary import PositionRole


def may_import(principal: Principal) -> bool:
    if principal.via_api_key:
        return Scope.integration in principal.scopes
    return principal.holds_position(PositionRole.registrar)


def require_importer(principal: Principal) -> None:
    """403 ``SCOPE_REQUIRED`` for a key without ``integration``, ``REGISTRAR_REQUIRED`` for a
    person who is not a registrar today."""
    if may_import(principal):
        return
    if principal.via_api_key:
        raise Forbidden(
            "This API key may not bring cases in from a diarium; it needs the scope 'integration'.",
            "API-nyckeln får inte föra in ärenden från ett diarium; den behöver behörigheten "
            "'integration'.",
            code="SCOPE_REQUIRED",
        )
    raise Forbidden(
        "Cases are brought in from a diarium by an integration (an API key with the scope "
        "'integration') or a registrar.",
        "Ärenden förs in från ett diarium av en integration (en API-nyckel med behörigheten "
        "'integration') eller en registrator.",
        code="REGISTRAR_REQUIRED",
    )


def require_confidential_sight(principal: Principal) -> None:
    """Bringing in a confidential case takes the sight of one: a key needs
    ``cases:confidential`` (a registrar sees them all), or it could make a case it would then
    not find again — its next upsert of the reference would be 404."""
    if principal.via_api_key and Scope.cases_confidential not in principal.scopes:
        raise Forbidden(
            "This API key may not bring in confidential cases; it needs the scope "
            "'cases:confidential'.",
            "API-nyckeln får inte föra in sekretessmarkerade ärenden; den behöver behörigheten "
            "'cases:confidential'.",
            code="SCOPE_REQUIRED",
        )
