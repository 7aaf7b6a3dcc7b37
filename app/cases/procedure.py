"""The Administrative Procedure Act's demands on a decision (FL 25, 32), which apply only where
the matter is appealed by administrative appeal (förvaltningsbesvär; FL 2 switches them off
for judicial review): the party must have been communicated with, or the reason it was not
needed recorded, and the decision must give its reasons."""

from app.cases.vocabulary import AppealRoute
from app.errors import InvalidInput
from app.workflows.payloads import Approve, Decision, Payload


def require_fl(appeal_route: str, payload: Payload) -> None:
    if appeal_route != AppealRoute.administrative_appeal or not isinstance(payload, Decision):
        return
    if payload.communication is None and payload.communication_not_needed is None:
        raise InvalidInput(
            "Before deciding, the party is communicated with, or the reason it is not needed "
            "is recorded.",
            "Innan beslut ska parten ha kommunicerats, eller skälet till att det inte behövs "
            "antecknas.",
            code="FL_COMMUNICATION_MISSING",
            field="payload.communication",
            legal_reference="FL 25",
        )
    if isinstance(payload, Approve) and payload.reasons is None:
        raise InvalidInput(
            "The decision states its reasons: the provisions applied and the decisive "
            "circumstances.",
            "Beslutet ska innehålla en motivering: tillämpade föreskrifter och de omständigheter "
            "som varit avgörande.",
            code="FL_REASONS_MISSING",
            field="payload.reasons",
            legal_reference="FL 32",
        )
