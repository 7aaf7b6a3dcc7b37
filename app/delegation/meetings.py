"""What a meeting record must show for a body's decision to stand, as pure functions: who was
there (members and serving substitutes only), the quorum (more than half the seats, recused
members not counted, KL 5:45, 6:27; the council may go on when only jäv brings it below,
KL 5:46), the votes and reservations of those who took part, and the council minority's right
to refer a matter back once (KL 5:50)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.delegation.reasons import RECUSED, refuse

COUNCIL = "council"


@dataclass(frozen=True)
class OrganView:
    """A body on the meeting day: its seats and who held them, and who is recused."""

    code: str
    seats: int
    members: frozenset[int]  # chair, vice chairs and members
    substitutes: frozenset[int]
    recused: frozenset[int] = frozenset()
    kind: str = "committee"
    chair: int | None = None  # who holds the chair that day: the casting vote (KL 5:56)


@dataclass(frozen=True)
class Votes:
    in_favour: frozenset[int]
    against: frozenset[int]
    abstaining: frozenset[int] = frozenset()

    def carried(self, chairing: int | None) -> bool:
        """More for than against; on a tie, the side of whoever chairs (KL 5:56, 6:33)."""
        ayes, noes = len(self.in_favour), len(self.against)
        return ayes > noes or (ayes == noes and chairing is not None and chairing in self.in_favour)


@dataclass(frozen=True)
class Meeting:
    held_on: date
    paragraph: str
    present: frozenset[int]
    substitutes_serving: frozenset[int] = frozenset()
    votes: Votes | None = None
    reservations: tuple[tuple[int, str], ...] = ()  # (member, their reservation)
    requesters: frozenset[int] = frozenset()  # who asked for a referral back (KL 5:50)
    executive_board_statement: str | None = None  # KS's preparation of a council matter
    chaired_by: int | None = None  # left out: the organ's chair, if present


def _ids(people: Iterable[int]) -> list[int]:
    return sorted(people)


def _attending(body: OrganView, meeting: Meeting) -> frozenset[int]:
    strangers = _ids(
        (meeting.present - body.members) | (meeting.substitutes_serving - body.substitutes)
    )
    if strangers:
        refuse(
            "NOT_MEMBER",
            f"Not members (or substitutes) of {body.code} on {meeting.held_on}: {strangers}.",
            f"Inte ledamöter (eller ersättare) i {body.code} {meeting.held_on}: {strangers}.",
        )
    seated = meeting.present | meeting.substitutes_serving
    if len(seated) > body.seats:
        refuse(
            "MORE_SEATED_THAN_SEATS",
            f"{len(seated)} members and serving substitutes, for {body.seats} seats: a "
            "substitute serves only for an absent member.",
            f"{len(seated)} ledamöter och tjänstgörande ersättare på {body.seats} platser: en "
            "ersättare tjänstgör bara för en frånvarande ledamot.",
        )
    return seated


def _quorum(body: OrganView, attending: frozenset[int], counted: frozenset[int]) -> str | None:
    """None when quorate; the council's KL 5:46 exception when only jäv brings it below."""
    if len(counted) * 2 > body.seats:
        return None
    if body.kind == COUNCIL and len(attending) * 2 > body.seats:
        return "KL 5:46"
    refuse(
        "QUORUM_NOT_MET",
        f"{len(counted)} of {body.seats} seats present and not recused; more than half is needed.",
        f"{len(counted)} av {body.seats} ledamöter närvarande och inte jäviga; mer än hälften "
        "krävs.",
        "KL 5:45, 6:27",
    )


def _taking_part(
    body: OrganView, attending: frozenset[int], who: frozenset[int], what: str
) -> None:
    """Votes, reservations and requests come from members present and not recused."""
    barred = _ids(who & body.recused)
    if barred:
        refuse(
            "RECUSED_IN_RECORD",
            f"{what} by members disqualified (jäv) in this case: {barred}.",
            f"{what} av ledamöter som är jäviga i ärendet: {barred}.",
            RECUSED.legal_reference,
        )
    absent = _ids(who - attending)
    if absent:
        refuse(
            "NOT_PRESENT",
            f"{what} by people not recorded present: {absent}.",
            f"{what} av personer som inte är antecknade som närvarande: {absent}.",
        )


def _check_votes(votes: Votes) -> None:
    if (
        votes.in_favour & votes.against
        or votes.in_favour & votes.abstaining
        or votes.against & votes.abstaining
    ):
        refuse(
            "VOTED_TWICE",
            "Each member votes once: in favour, against or abstaining.",
            "Varje ledamot röstar en gång: ja, nej eller avstår.",
        )


def _minority_referral(
    body: OrganView, meeting: Meeting, counted: frozenset[int], used: bool
) -> bool:
    """KL 5:50: a third of the council members present forces a referral back, once per
    matter. Requesters who cannot force it need the majority, shown by the votes."""
    if body.kind != COUNCIL or not meeting.requesters:
        return False
    if len(meeting.requesters) * 3 < len(counted):
        if meeting.votes is None:
            refuse(
                "MINORITY_TOO_SMALL",
                f"{len(meeting.requesters)} of {len(counted)} present asked for the referral "
                "back; a third is needed, or a majority in a vote.",
                f"{len(meeting.requesters)} av {len(counted)} närvarande begärde återremiss; "
                "en tredjedel krävs, eller en majoritet i en omröstning.",
                "KL 5:50",
            )
        return False
    if not used:
        return True
    if meeting.votes is None:
        refuse(
            "MINORITY_RIGHT_EXHAUSTED",
            "The matter was already referred back at a minority's request; a second referral "
            "back needs a majority in a vote.",
            "Ärendet har redan återremitterats på en minoritets begäran; en ny återremiss "
            "kräver majoritet i en omröstning.",
            "KL 5:50",
        )
    return False


def judge(
    trigger: str, body: OrganView, meeting: Meeting, *, minority_referral_used: bool
) -> dict[str, Any]:
    """The meeting's record as the event keeps it, or a refusal naming what does not hold."""
    attending = _attending(body, meeting)
    counted = attending - body.recused
    exception = _quorum(body, attending, counted)
    votes = meeting.votes
    if votes is not None:
        _check_votes(votes)
        _taking_part(
            body, attending, votes.in_favour | votes.against | votes.abstaining, "Votes cast"
        )
    reservers = frozenset(person for person, _ in meeting.reservations)
    _taking_part(body, attending, reservers, "Reservations")
    if votes is not None and reservers - votes.against:
        refuse(
            "RESERVATION_NOT_ALLOWED",
            "Only a member who took part in the decision and voted against it reserves against it.",
            "Endast den som deltagit i beslutet och röstat emot det kan reservera sig.",
            "KL 4:27",
        )
    if meeting.requesters and trigger != "refer_back":
        refuse(
            "REQUESTERS_ONLY_FOR_REFERRAL",
            "Requesters are named only for a referral back.",
            "Begärande ledamöter anges bara vid återremiss.",
        )
    _taking_part(body, attending, meeting.requesters, "Requests")
    if meeting.chaired_by is not None:
        _taking_part(body, attending, frozenset({meeting.chaired_by}), "Chairing")
    chairing = meeting.chaired_by or (body.chair if body.chair in attending else None)
    carried = votes is None or votes.carried(chairing)
    minority = (
        trigger == "refer_back"
        and not (votes is not None and carried)  # a majority's referral uses no minority right
        and _minority_referral(body, meeting, counted, minority_referral_used)
    )
    if not carried and not minority:
        assert votes is not None
        refuse(
            "MOTION_NOT_CARRIED",
            f"The votes ({len(votes.in_favour)} for, {len(votes.against)} against) do not carry "
            f"'{trigger}'.",
            f"Omröstningen ({len(votes.in_favour)} ja, {len(votes.against)} nej) bär inte "
            f"'{trigger}'.",
            "KL 5:53–56, 6:33",
        )
    record: dict[str, Any] = {
        "organ": body.code,
        "held_on": meeting.held_on.isoformat(),
        "paragraph": meeting.paragraph,
        "present": _ids(meeting.present),
        "substitutes_serving": _ids(meeting.substitutes_serving),
        "counted": len(counted),
        "seats": body.seats,
    }
    if exception:
        record["quorum_exception"] = exception
    if votes is not None:
        record["votes"] = {
            "in_favour": _ids(votes.in_favour),
            "against": _ids(votes.against),
            "abstaining": _ids(votes.abstaining),
        }
    if meeting.reservations:
        record["reservations"] = [
            {"person_id": person, "text": text} for person, text in meeting.reservations
        ]
    if meeting.requesters:
        record["requesters"] = _ids(meeting.requesters)
    if minority:
        record["minority_referral"] = True
    if meeting.executive_board_statement:
        record["executive_board_statement"] = meeting.executive_board_statement
    return record
