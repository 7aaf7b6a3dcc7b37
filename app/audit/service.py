"""Verifying the trail: every case's hash chain, or one case's, checked from its first event.

Cases are read a batch at a time and their events streamed, so memory stays bounded however
many cases and events there are. The check itself is ``app.audit.chain.first_break``.
"""

from collections.abc import Iterator
from itertools import chain, groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from app.audit import repository as repo
from app.audit.chain import Head, first_break
from app.audit.schemas import AuditReport, BrokenLink
from app.auth.principal import Principal
from app.cases import errors
from app.cases import repository as case_repo
from app.cases.permissions import Sight, sight
from app.cases.service.records import visible

CASES_PER_BATCH = 500


def verify(session: Session, case_id: int | None = None) -> AuditReport:
    """Check every case's chain, or the one case's (which must exist): the operator's check,
    blind to nothing."""
    if case_id is not None and case_repo.case_by_id(session, case_id) is None:
        raise errors.case_not_found(case_id)
    return _verify(session, Sight(everything=True), case_id)


def verify_for(session: Session, principal: Principal, case_id: int | None) -> AuditReport:
    """The API's check: only the cases the caller may know exist; a confidential case out of
    its sight is 404, as everywhere."""
    if case_id is not None:
        case = case_repo.case_by_id(session, case_id)
        if case is None or not visible(session, principal, case):
            raise errors.case_not_found(case_id)
    return _verify(session, sight(principal), case_id)


def _verify(session: Session, seeing: Sight, case_id: int | None) -> AuditReport:
    report = AuditReport(ok=True, cases_checked=0, events_checked=0, broken=[])
    if case_id is not None:
        _check(report, repo.histories(session, [case_id]))
        return report
    after = 0
    while ids := repo.case_ids(session, seeing, after=after, limit=CASES_PER_BATCH):
        _check(report, repo.histories(session, ids))
        after = ids[-1]
    return report


def _check(report: AuditReport, rows: Iterator[Row[Any]]) -> None:
    """Add each case's outcome to the report; ``rows`` are ``repository.histories``."""
    for case_id, group in groupby(rows, key=attrgetter("head_case_id")):
        first = next(group)
        events = (row for row in chain([first], group) if row.seq is not None)
        found, checked = first_break(events, Head(seq=first.head_seq, hash=first.head_hash))
        report.cases_checked += 1
        report.events_checked += checked
        if found is not None:
            report.ok = False
            report.broken.append(BrokenLink(case_id=case_id, seq=found.seq, problem=found.problem))
