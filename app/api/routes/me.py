"""``/me``: who the service takes the caller to be, and what roles it sees today."""

from app.api.deps import PrincipalDep
from app.api.routing import api_router
from app.auth.schemas import GrantRead, MeRead

router = api_router(tags=["auth"])


@router.get("/me", summary="The calling person or key, with today's roles")
def me(principal: PrincipalDep) -> MeRead:
    return MeRead(
        person_id=principal.person_id,
        username=principal.username,
        person_kind=principal.person_kind,
        api_key_id=principal.api_key_id,
        scopes=sorted(principal.scopes),
        is_admin=principal.is_admin,
        memberships=[GrantRead(place=m.organ_code, role=m.role) for m in principal.memberships],
        positions=[GrantRead(place=p.unit_code, role=p.role) for p in principal.positions],
    )
