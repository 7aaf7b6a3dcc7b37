"""Council matters through the API: the committee prepares, the council decides once the
executive board has had its say (KL 5:26), a third of the council members present refer a
matter back once (KL 5:50), and the council may go on when only jäv takes it below quorum
(KL 5:46). The event keeps the attendance, the votes and the reservations."""

import pytest

from tests.builders import bearer, make_membership, make_organ, make_person
from tests.cases.test_authority_api import events, register, to_decision
from tests.cases.test_flow import assess


@pytest.fixture
def council(session, settings):
    make_organ(session, code="KF", name="Kommunfullmäktige", kind="council", seats=9)
    secretary = make_person(session)
    make_membership(session, person_id=secretary.id, organ="KF", role="secretary")
    members = [make_membership(session, organ="KF", role="member").person_id for _ in range(9)]
    session.commit()
    return bearer(settings, secretary.username), members


def kf_meeting(members, **extra):
    return {
        "kind": "organ_decision",
        "organ": "KF",
        "meeting": {"held_on": "2026-11-20", "paragraph": "§ 88", "present": members} | extra,
    }


def council_case(client, world):
    case_id = register(client, world, flags=["council_reserved"])
    to_decision(client, world, case_id)
    return case_id


APPROVE = {"decision_text": "Fullmäktige bifaller", "decided_on": "2026-11-20"}
REFER = {"reason": "Belys driftskostnaderna"}


def test_the_committee_prepares_and_only_the_council_decides(client, world, council):
    secretary, members = council
    case_id = council_case(client, world)
    by_committee = world.step(client, case_id, "approve", APPROVE)
    assert (by_committee.status_code, by_committee.json()["code"]) == (403, "COUNCIL_RESERVED")

    unprepared = world.step(
        client, case_id, "approve", APPROVE, headers=secretary, authority=kf_meeting(members)
    )
    assert (unprepared.status_code, unprepared.json()["code"]) == (409, "NOT_PREPARED")
    assert unprepared.json()["legal_reference"] == "KL 5:26"

    statement = kf_meeting(members, executive_board_statement="KS 2026-11-10 § 140")
    decided = world.step(
        client, case_id, "approve", APPROVE, headers=secretary, authority=statement
    )
    assert decided.status_code == 200, decided.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"]["organ"] == "KF"
    assert history[-1]["authority"]["executive_board_statement"] == "KS 2026-11-10 § 140"


def test_the_committee_secretary_cannot_record_for_the_council(client, world, council):
    _, members = council
    case_id = council_case(client, world)
    statement = kf_meeting(members, executive_board_statement="KS § 1")
    response = world.step(client, case_id, "approve", APPROVE, authority=statement)
    assert (response.status_code, response.json()["code"]) == (403, "NOT_RECORDER")


def test_a_council_cannot_take_a_committees_own_matter(client, world, council):
    secretary, members = council
    case_id = register(client, world)
    to_decision(client, world, case_id)
    statement = kf_meeting(members, executive_board_statement="KS § 1")
    response = world.step(
        client, case_id, "approve", APPROVE, headers=secretary, authority=statement
    )
    assert (response.status_code, response.json()["code"]) == (403, "NOT_CASE_ORGAN")


def _back_to_decision(client, world, case_id):
    assess(client, world, case_id, {"motivation": "Belyst"}, referral_response="Belyst")
    for trigger, payload in [
        ("submit_assessment", {}),
        ("prioritise", {"period": "2027", "score": 5, "motivation": "m"}),
    ]:
        response = world.step(client, case_id, trigger, payload)
        assert response.status_code == 200, response.text


def test_council_minority_referral_back_only_once(client, world, session, council):
    secretary, members = council
    case_id = council_case(client, world)
    minority = {
        "requesters": members[:3],
        "votes": {"in_favour": members[:3], "against": members[3:]},
    }
    first = world.step(
        client,
        case_id,
        "refer_back",
        REFER,
        headers=secretary,
        authority=kf_meeting(members, **minority),
    )
    assert first.status_code == 200, first.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"]["minority_referral"] is True
    assert history[-1]["authority"]["requesters"] == sorted(members[:3])

    _back_to_decision(client, world, case_id)
    before = events(session, case_id)
    second = world.step(
        client,
        case_id,
        "refer_back",
        REFER,
        headers=secretary,
        authority=kf_meeting(members, **minority),
    )
    assert (second.status_code, second.json()["code"]) == (409, "MOTION_NOT_CARRIED")
    without_vote = world.step(
        client,
        case_id,
        "refer_back",
        REFER,
        headers=secretary,
        authority=kf_meeting(members, requesters=members[:3]),
    )
    assert (without_vote.status_code, without_vote.json()["code"]) == (
        409,
        "MINORITY_RIGHT_EXHAUSTED",
    )
    assert events(session, case_id) == before
    majority = {
        "requesters": members[:5],
        "votes": {"in_favour": members[:5], "against": members[5:]},
    }
    carried = world.step(
        client,
        case_id,
        "refer_back",
        REFER,
        headers=secretary,
        authority=kf_meeting(members, **majority),
    )
    assert carried.status_code == 200, carried.text


def test_a_committee_refers_back_by_majority_only(client, world, session):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    meeting = world.meeting()
    members = meeting["meeting"]["present"]
    meeting["meeting"] |= {
        "requesters": members[:2],
        "votes": {"in_favour": members[:2], "against": members[2:]},
    }
    before = events(session, case_id)
    response = world.step(client, case_id, "refer_back", REFER, authority=meeting)
    assert (response.status_code, response.json()["code"]) == (409, "MOTION_NOT_CARRIED")
    assert events(session, case_id) == before


def test_votes_and_reservations_are_kept_on_the_event(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    meeting = world.meeting()
    members = meeting["meeting"]["present"]
    meeting["meeting"] |= {
        "votes": {"in_favour": members[:4], "against": members[4:]},
        "reservations": [{"person_id": members[5], "text": "Till förmån för eget yrkande"}],
    }
    response = world.step(client, case_id, "approve", APPROVE, authority=meeting)
    assert response.status_code == 200, response.text
    authority = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()[-1][
        "authority"
    ]
    assert authority["votes"] == {
        "in_favour": sorted(members[:4]),
        "against": sorted(members[4:]),
        "abstaining": [],
    }
    assert authority["reservations"] == [
        {"person_id": members[5], "text": "Till förmån för eget yrkande"}
    ]
    assert authority["present"] == sorted(members)


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"votes": {"in_favour": [0], "against": []}}, 422, "NOT_PRESENT"),
        ({"votes": {"in_favour": [1], "against": [1]}}, 422, "VOTED_TWICE"),
        (
            {
                "votes": {"in_favour": [1, 2, 3, 4], "against": [5, 6]},
                "reservations": [{"person_id": 1}],
            },
            422,
            "RESERVATION_NOT_ALLOWED",
        ),
        ({"requesters": [1]}, 422, "REQUESTERS_ONLY_FOR_REFERRAL"),
        ({"votes": {"in_favour": [1, 2], "against": [3, 4, 5]}}, 409, "MOTION_NOT_CARRIED"),
    ],
)
def test_a_meeting_record_that_does_not_hold_writes_nothing(
    client, world, session, extra, status, code
):
    """Person numbers in ``extra`` are positions in the list of members present (0: nobody)."""
    case_id = register(client, world)
    to_decision(client, world, case_id)
    meeting = world.meeting()
    members = meeting["meeting"]["present"]
    pick = lambda ids: [members[i - 1] if i else 999_999 for i in ids]  # noqa: E731
    for key, value in extra.items():
        if key == "votes":
            value = {side: pick(ids) for side, ids in value.items()}
        elif key == "reservations":
            value = [{"person_id": pick([r["person_id"]])[0]} for r in value]
        else:
            value = pick(value)
        meeting["meeting"][key] = value
    before = events(session, case_id)
    response = world.step(client, case_id, "approve", APPROVE, authority=meeting)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert events(session, case_id) == before
