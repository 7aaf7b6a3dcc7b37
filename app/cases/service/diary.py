"""Diary numbers (diarienummer): each organ numbers its cases in a series per year, written in
its format (``app.organisation.diary_format``); the year is the registration day's in Sweden.

A registration takes its number from the series' counter row (``repository.next_in_series``),
which stays locked until the registration commits: concurrent registrations in one series get
consecutive numbers, and one that rolls back takes its number with it — no gaps, no duplicates,
never max()+1. A registrar, or an integration, may register a case under the number a diarium
already gave it (import); the series then continues above that number.
"""

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.cases import repository as repo
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.kit.clock import today
from app.organisation.diary_format import DiaryFormat
from app.organisation.models import Organ
from app.organisation.vocabulary import PositionRole


def number_for(session: Session, principal: Principal, organ: Organ, given: str | None) -> str:
    """The diary number of a case being registered in the organ: the series' next, or the
    imported ``given`` (whose series is raised to it). Call it last before inserting the case:
    the series stays locked from here to the commit."""
    form = DiaryFormat.of(organ.diary_format, organ.code)
    if given is None:
        year = today().year
        return form.render(year, repo.next_in_series(session, organ.id, year))
    _require_importer(principal)
    year, seq = _parsed(form, given)
    repo.raise_series(session, organ.id, year, seq)
    return given


def _require_importer(principal: Principal) -> None:
    """Numbers are the diary's: only a registrar, or an integration with a diarium, brings one."""
    if principal.via_api_key:
        allowed = Scope.integration in principal.scopes
    else:
        allowed = principal.holds_position(PositionRole.registrar)
    if not allowed:
        raise Forbidden(
            "Only a registrar or an integration (an API key with the scope 'integration') may "
            "register a case under an existing diary number.",
            "Bara en registrator eller en integration (en API-nyckel med behörigheten "
            "'integration') får registrera ett ärende med ett befintligt diarienummer.",
            code="DIARY_NUMBER_NOT_ALLOWED",
        )


def _parsed(form: DiaryFormat, number: str) -> tuple[int, int]:
    parsed = form.parse(number)
    if parsed is None or parsed[0] > today().year:
        raise InvalidInput(
            f"'{number}' is not a diary number of {form.organ} ({form.template}, "
            "of this year or earlier).",
            f"'{number}' är inte ett diarienummer för {form.organ} ({form.template}, "
            "från i år eller tidigare).",
            code="INVALID_DIARY_NUMBER",
            field="diary_number",
            diary_format=form.template,
        )
    return parsed


def taken(number: str) -> Conflict:
    return Conflict(
        f"The diary number '{number}' is already taken.",
        f"Diarienumret '{number}' är redan upptaget.",
        code="DIARY_NUMBER_TAKEN",
        diary_number=number,
    )


def case_not_found(number: str) -> NotFound:
    return NotFound(
        f"No case with diary number '{number}'.",
        f"Det finns inget ärende med diarienummer '{number}'.",
        code="CASE_NOT_FOUND",
    )
