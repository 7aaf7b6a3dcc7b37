"""Which callers may read and write cases at all: a person with their own token, or an API key
with the matching scope. Who may take which step is the authority resolver's to decide
(``app.delegation.authority``), per the delegation order and the Local Government Act."""

from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.errors import Forbidden

READ_SCOPES = frozenset({Scope.cases_read, Scope.cases_write, Scope.integration})
WRITE_SCOPES = frozenset({Scope.cases_write, Scope.integration})


def _require(principal: Principal, scopes: frozenset[Scope], what_en: str, what_sv: str) -> None:
    if principal.via_api_key and not principal.scopes & scopes:
        raise Forbidden(
            f"This API key may not {what_en}; it needs one of the scopes "
            f"{', '.join(sorted(scopes))}.",
            f"API-nyckeln får inte {what_sv}; den behöver en av behörigheterna "
            f"{', '.join(sorted(scopes))}.",
            code="SCOPE_REQUIRED",
        )


def require_read(principal: Principal) -> None:
    _require(principal, READ_SCOPES, "read cases", "läsa ärenden")


def require_write(principal: Principal) -> None:
    _require(principal, WRITE_SCOPES, "register or move cases", "registrera eller flytta ärenden")
