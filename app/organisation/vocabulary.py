"""The organisation's fixed vocabulary, each word with the Swedish label people read (BRIEF §3)."""

from enum import StrEnum


class OrganKind(StrEnum):
    council = "council"
    executive_board = "executive_board"
    committee = "committee"
    sub_committee = "sub_committee"
    presidium = "presidium"


class PersonKind(StrEnum):
    elected = "elected"
    employee = "employee"


class MembershipRole(StrEnum):
    chair = "chair"
    vice_chair = "vice_chair"
    member = "member"
    substitute = "substitute"
    secretary = "secretary"


class PositionRole(StrEnum):
    head_of_administration = "head_of_administration"
    unit_manager = "unit_manager"
    case_officer = "case_officer"
    registrar = "registrar"
    controller = "controller"


LABELS_SV: dict[StrEnum, str] = {
    OrganKind.council: "kommunfullmäktige",
    OrganKind.executive_board: "kommunstyrelse",
    OrganKind.committee: "nämnd",
    OrganKind.sub_committee: "utskott",
    OrganKind.presidium: "presidium",
    PersonKind.elected: "förtroendevald",
    PersonKind.employee: "tjänsteperson",
    MembershipRole.chair: "ordförande",
    MembershipRole.vice_chair: "vice ordförande",
    MembershipRole.member: "ledamot",
    MembershipRole.substitute: "ersättare",
    MembershipRole.secretary: "nämndsekreterare",
    PositionRole.head_of_administration: "förvaltningschef",
    PositionRole.unit_manager: "enhetschef",
    PositionRole.case_officer: "handläggare",
    PositionRole.registrar: "registrator",
    PositionRole.controller: "controller",
}

# Who may hold a membership role: the secretary serves the organ as an official, the rest are
# elected (KL 4:1). Positions in the administration are for employees only.
MEMBERSHIP_ROLE_HOLDER: dict[MembershipRole, PersonKind] = {
    MembershipRole.chair: PersonKind.elected,
    MembershipRole.vice_chair: PersonKind.elected,
    MembershipRole.member: PersonKind.elected,
    MembershipRole.substitute: PersonKind.elected,
    MembershipRole.secretary: PersonKind.employee,
}
POSITION_HOLDER = PersonKind.employee

# Roles that one person at a time holds in an organ or unit.
# The seats whose holders are the organ's members (ledamöter): counted, voting, deciding.
ELECTED_SEATS = frozenset({MembershipRole.chair, MembershipRole.vice_chair, MembershipRole.member})
SINGLE_HOLDER_ROLES: frozenset[StrEnum] = frozenset(
    {MembershipRole.chair, PositionRole.head_of_administration, PositionRole.unit_manager}
)


def label_sv(word: StrEnum) -> str:
    return LABELS_SV[word]
