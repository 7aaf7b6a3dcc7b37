"""Matter types and delegation orders: kept by registrars, read by everyone who acts."""

from datetime import date
from typing import Annotated

from fastapi import Path, Query, Request, Response, status

from app.api.deps import AdminDep, IdPath, PrincipalDep, SessionDep, located
from app.api.problems import responses
from app.api.routing import api_router
from app.delegation import reports, service, subdelegation
from app.delegation.schemas import (
    Adoption,
    EntryWrite,
    MatterTypeCreate,
    MatterTypeRead,
    MatterTypeUpdate,
    OrderCreate,
    OrderRead,
    ReportableRead,
    ReportRequest,
    SubdelegationCreate,
    SubdelegationEnd,
    SubdelegationRead,
)
from app.kit.clock import today

router = api_router(tags=["delegation"])
EntryCode = Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get(
    "/organs/{code}/matter-types", summary="The organ's matter types", responses=responses(404)
)
def list_matter_types(session: SessionDep, _: PrincipalDep, code: str) -> list[MatterTypeRead]:
    return [MatterTypeRead.of(m) for m in service.list_matter_types(session, code)]


@router.post(
    "/organs/{code}/matter-types",
    summary="Register a matter type, with what the law makes of it",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409),
)
def create_matter_type(
    session: SessionDep, _: AdminDep, code: str, body: MatterTypeCreate
) -> MatterTypeRead:
    return MatterTypeRead.of(service.create_matter_type(session, code, body))


@router.patch(
    "/organs/{code}/matter-types/{matter_type}",
    summary="Change a matter type (applies to orders adopted from now on)",
    responses=responses(403, 404),
)
def update_matter_type(
    session: SessionDep, _: AdminDep, code: str, matter_type: str, body: MatterTypeUpdate
) -> MatterTypeRead:
    return MatterTypeRead.of(service.update_matter_type(session, code, matter_type, body))


@router.get(
    "/organs/{code}/delegation-orders",
    summary="Every version of the organ's delegation order",
    responses=responses(404),
)
def list_orders(session: SessionDep, _: PrincipalDep, code: str) -> list[OrderRead]:
    return [OrderRead.of(order) for order in service.list_orders(session, code)]


@router.get(
    "/organs/{code}/delegation-orders/in-force",
    summary="The delegation order that applied on a date",
    responses=responses(404),
)
def order_in_force(
    session: SessionDep,
    _: PrincipalDep,
    code: str,
    on: Annotated[date | None, Query(description="The date asked about; default today")] = None,
) -> OrderRead:
    return OrderRead.of(service.in_force(session, code, on or today()))


@router.post(
    "/organs/{code}/delegation-orders",
    summary="Start a draft of the organ's next delegation order",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409),
)
def create_order(
    request: Request,
    response: Response,
    session: SessionDep,
    _: AdminDep,
    code: str,
    body: OrderCreate,
) -> OrderRead:
    order = service.create_order(session, code, body)
    located(request, response, "get_order", order_id=order.id)
    return OrderRead.of(order)


@router.get("/delegation-orders/{order_id}", summary="A delegation order", responses=responses(404))
def get_order(session: SessionDep, _: PrincipalDep, order_id: IdPath) -> OrderRead:
    return OrderRead.of(service.get_order(session, order_id))


@router.put(
    "/delegation-orders/{order_id}/entries/{entry}",
    summary="Write an entry (point) of a draft order",
    responses=responses(403, 404, 409),
)
def put_entry(
    session: SessionDep, _: AdminDep, order_id: IdPath, entry: EntryCode, body: EntryWrite
) -> OrderRead:
    return OrderRead.of(service.put_entry(session, order_id, entry, body))


@router.delete(
    "/delegation-orders/{order_id}/entries/{entry}",
    summary="Remove an entry from a draft order",
    responses=responses(403, 404, 409),
)
def delete_entry(session: SessionDep, _: AdminDep, order_id: IdPath, entry: EntryCode) -> OrderRead:
    return OrderRead.of(service.delete_entry(session, order_id, entry))


@router.post(
    "/delegation-orders/{order_id}/adopt",
    summary="Record the organ's decision adopting the order (checked against the law)",
    responses=responses(403, 404, 409),
)
def adopt_order(session: SessionDep, _: AdminDep, order_id: IdPath, body: Adoption) -> OrderRead:
    return OrderRead.of(service.adopt(session, order_id, body))


@router.get(
    "/organs/{code}/delegated-decisions",
    summary="Delegated and urgent decisions to report to the organ (anmälan)",
    responses=responses(404),
)
def delegated_decisions(
    session: SessionDep,
    principal: PrincipalDep,
    code: str,
    reported: Annotated[bool | None, Query(description="Only reported, or only unreported")] = None,
) -> list[ReportableRead]:
    return [ReportableRead.of(row) for row in reports.listed(session, principal, code, reported)]


@router.post(
    "/organs/{code}/delegated-decisions/report",
    summary="Record that a meeting took note of these decisions",
    responses=responses(403, 404, 409),
)
def report_decisions(
    session: SessionDep, principal: PrincipalDep, code: str, body: ReportRequest
) -> list[ReportableRead]:
    rows = reports.report(session, principal, code, body.decision_ids, body.held_on, body.paragraph)
    return [ReportableRead.of(row) for row in rows]


@router.post(
    "/delegation-orders/{order_id}/entries/{entry}/subdelegations",
    summary="Pass an entry on to one employee (vidaredelegation, KL 7:6)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409),
)
def create_subdelegation(
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
    order_id: IdPath,
    entry: EntryCode,
    body: SubdelegationCreate,
) -> SubdelegationRead:
    row = subdelegation.subdelegate(session, principal, order_id, entry, body)
    located(request, response, "list_subdelegations", order_id=order_id)
    return SubdelegationRead.of(row)


@router.get(
    "/delegation-orders/{order_id}/subdelegations",
    summary="The order's subdelegations, ended ones too",
    responses=responses(404),
)
def list_subdelegations(
    session: SessionDep, _: PrincipalDep, order_id: IdPath
) -> list[SubdelegationRead]:
    return [SubdelegationRead.of(row) for row in subdelegation.listed(session, order_id)]


@router.post(
    "/subdelegations/{sub_id}/end",
    summary="End a subdelegation, at once or after a given day",
    responses=responses(403, 404, 409),
)
def end_subdelegation(
    session: SessionDep, principal: PrincipalDep, sub_id: IdPath, body: SubdelegationEnd
) -> SubdelegationRead:
    return SubdelegationRead.of(subdelegation.end(session, principal, sub_id, body))
