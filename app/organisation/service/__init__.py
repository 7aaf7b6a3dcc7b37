"""Every rule and write of the organisation. Services flush, never commit: the caller's unit of
work (the request, or a CLI ``session_scope``) decides."""

from app.organisation.service.holdings import (
    create_membership,
    create_position,
    end_holding,
    get_holding,
    holders,
    list_holdings,
    update_holding,
)
from app.organisation.service.people import create_person, get_person, list_people, update_person
from app.organisation.service.structure import (
    create_organ,
    create_unit,
    end_organ,
    end_unit,
    get_organ,
    get_unit,
    list_organs,
    list_units,
    update_organ,
    update_unit,
)

__all__ = [
    "create_membership",
    "create_organ",
    "create_person",
    "create_position",
    "create_unit",
    "end_holding",
    "end_organ",
    "end_unit",
    "get_holding",
    "get_organ",
    "get_person",
    "get_unit",
    "holders",
    "list_holdings",
    "list_organs",
    "list_people",
    "list_units",
    "update_holding",
    "update_organ",
    "update_person",
    "update_unit",
]
