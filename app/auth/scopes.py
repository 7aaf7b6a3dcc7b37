"""API-key scopes (what an integration may do), with the Swedish label shown to administrators."""

from enum import StrEnum


class Scope(StrEnum):
    admin = "admin"
    cases_read = "cases:read"
    cases_write = "cases:write"
    cases_confidential = "cases:confidential"
    integration = "integration"


SCOPE_LABELS_SV: dict[Scope, str] = {
    Scope.admin: "administration av organisation och nycklar",
    Scope.cases_read: "läsa ärenden",
    Scope.cases_write: "registrera och ändra ärenden",
    Scope.cases_confidential: "läsa sekretessmarkerade ärenden",
    Scope.integration: "diarieintegration",
}
