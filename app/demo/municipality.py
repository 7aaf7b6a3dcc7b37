"""Exempelkommun as plain data: its organs, its administration, who sits where and who works where.

Everything here is fixed, including the people's names, which are combined from two name lists by
a formula rather than drawn at random, so every load of the demo gives the same usernames and the
same tokens can be printed in documentation. ``check_plan`` states the rules the data keeps that
the service layer does not enforce on its own (seat counts, one role per person and organ, who may
sit in a sub-committee or presidium).
"""

import re
from dataclasses import dataclass

from app.organisation.vocabulary import OrganKind, PositionRole

EMAIL_DOMAIN = "exempelkommun.se"


@dataclass(frozen=True)
class OrganSpec:
    code: str
    name: str
    kind: OrganKind
    parent: str | None
    seats: int


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    parent: str | None
    serves: tuple[str, ...]


@dataclass(frozen=True)
class Roster:
    """The elected people of one organ, as indices into the elected people, and its secretary.

    ``secretary`` is the key of an employee (see ``employee_keys``), since the secretary serves the
    organ as an official and is not elected.
    """

    organ: str
    chair: int
    vice_chairs: tuple[int, ...]
    members: tuple[int, ...]
    substitutes: tuple[int, ...]
    secretary: str

    def seated(self) -> tuple[int, ...]:
        """Everyone with a seat: chair, vice chairs and members (not substitutes)."""
        return (self.chair, *self.vice_chairs, *self.members)

    def everyone(self) -> tuple[int, ...]:
        return (*self.seated(), *self.substitutes)


@dataclass(frozen=True)
class PositionSpec:
    """One employee (by key) and the one position the employee holds."""

    holder: str
    unit: str
    role: PositionRole


@dataclass(frozen=True)
class Identity:
    name: str
    username: str
    email: str


# The political chain: council, executive board with its working committee, three committees.
ORGANS: tuple[OrganSpec, ...] = (
    OrganSpec("KF", "Kommunfullmäktige", OrganKind.council, None, 61),
    OrganSpec("KS", "Kommunstyrelsen", OrganKind.executive_board, "KF", 13),
    OrganSpec("KSAU", "Kommunstyrelsens arbetsutskott", OrganKind.sub_committee, "KS", 5),
    OrganSpec("BUN", "Barn- och utbildningsnämnden", OrganKind.committee, "KF", 11),
    OrganSpec("BUNPR", "Barn- och utbildningsnämndens presidium", OrganKind.presidium, "BUN", 3),
    OrganSpec("SN", "Socialnämnden", OrganKind.committee, "KF", 11),
    OrganSpec("TN", "Tekniska nämnden", OrganKind.committee, "KF", 9),
)

# The administration: four offices, each with its departments, serving the organs above them.
_KLF = ("KF", "KS", "KSAU")
_UTB = ("BUN", "BUNPR")
_SOC = ("SN",)
_TEK = ("TN",)
UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("KLF", "Kommunledningsförvaltningen", None, _KLF),
    UnitSpec("KLF-EKO", "Ekonomiavdelningen", "KLF", _KLF),
    UnitSpec("KLF-HR", "HR-avdelningen", "KLF", _KLF),
    UnitSpec("KLF-KAN", "Kansliavdelningen", "KLF", _KLF),
    UnitSpec("UTB", "Utbildningsförvaltningen", None, _UTB),
    UnitSpec("UTB-FSK", "Förskoleavdelningen", "UTB", _UTB),
    UnitSpec("UTB-GRU", "Grundskoleavdelningen", "UTB", _UTB),
    UnitSpec("UTB-GYM", "Gymnasieavdelningen", "UTB", _UTB),
    UnitSpec("SOC", "Socialförvaltningen", None, _SOC),
    UnitSpec("SOC-IFO", "Individ- och familjeomsorg", "SOC", _SOC),
    UnitSpec("SOC-ALD", "Äldreomsorg", "SOC", _SOC),
    UnitSpec("TEK", "Tekniska förvaltningen", None, _TEK),
    UnitSpec("TEK-GP", "Gata/park", "TEK", _TEK),
    UnitSpec("TEK-VA", "VA-avdelningen", "TEK", _TEK),
)


def _seq(start: int, stop: int) -> tuple[int, ...]:
    return tuple(range(start, stop))


# Elected people 0-60 sit in the council and 61-90 are its substitutes. The executive board and
# the committee chairs come from the council; committee members 91 and up sit in no council.
ROSTERS: tuple[Roster, ...] = (
    Roster("KF", 0, (1, 2), _seq(3, 61), _seq(61, 91), "sekreterare-kf"),
    Roster("KS", 3, (4, 5), _seq(6, 16), _seq(16, 23), "sekreterare-ks"),
    Roster("KSAU", 3, (4,), (5, 6, 7), (8, 9, 10), "sekreterare-ks"),
    Roster("BUN", 23, (24, 25), (26, 27, 28, *_seq(91, 96)), _seq(96, 102), "sekreterare-bun"),
    # A presidium has no substitutes: it is the committee's own chair and vice chairs.
    Roster("BUNPR", 23, (24, 25), (), (), "sekreterare-bun"),
    Roster("SN", 29, (30, 31), (32, 33, 34, *_seq(102, 107)), _seq(107, 113), "sekreterare-sn"),
    Roster("TN", 35, (36,), (37, 38, 39, *_seq(113, 117)), _seq(117, 122), "sekreterare-tn"),
)
ELECTED_COUNT = 1 + max(person for roster in ROSTERS for person in roster.everyone())

_HEAD = PositionRole.head_of_administration
_MANAGER = PositionRole.unit_manager
_OFFICER = PositionRole.case_officer
_REGISTRAR = PositionRole.registrar
_CONTROLLER = PositionRole.controller
POSITIONS: tuple[PositionSpec, ...] = (
    PositionSpec("kommundirektor", "KLF", _HEAD),
    PositionSpec("registrator-klf", "KLF", _REGISTRAR),
    PositionSpec("chef-klf-eko", "KLF-EKO", _MANAGER),
    PositionSpec("controller-klf-eko", "KLF-EKO", _CONTROLLER),
    PositionSpec("chef-klf-hr", "KLF-HR", _MANAGER),
    PositionSpec("handlaggare-klf-hr", "KLF-HR", _OFFICER),
    PositionSpec("chef-klf-kan", "KLF-KAN", _MANAGER),
    PositionSpec("handlaggare-klf-kan", "KLF-KAN", _OFFICER),
    PositionSpec("forvaltningschef-utb", "UTB", _HEAD),
    PositionSpec("registrator-utb", "UTB", _REGISTRAR),
    PositionSpec("chef-utb-fsk", "UTB-FSK", _MANAGER),
    PositionSpec("handlaggare-utb-fsk", "UTB-FSK", _OFFICER),
    PositionSpec("chef-utb-gru", "UTB-GRU", _MANAGER),
    PositionSpec("handlaggare-utb-gru-1", "UTB-GRU", _OFFICER),
    PositionSpec("handlaggare-utb-gru-2", "UTB-GRU", _OFFICER),
    PositionSpec("chef-utb-gym", "UTB-GYM", _MANAGER),
    PositionSpec("forvaltningschef-soc", "SOC", _HEAD),
    PositionSpec("registrator-soc", "SOC", _REGISTRAR),
    PositionSpec("chef-soc-ifo", "SOC-IFO", _MANAGER),
    PositionSpec("handlaggare-soc-ifo-1", "SOC-IFO", _OFFICER),
    PositionSpec("handlaggare-soc-ifo-2", "SOC-IFO", _OFFICER),
    PositionSpec("chef-soc-ald", "SOC-ALD", _MANAGER),
    PositionSpec("handlaggare-soc-ald", "SOC-ALD", _OFFICER),
    PositionSpec("forvaltningschef-tek", "TEK", _HEAD),
    PositionSpec("chef-tek-gp", "TEK-GP", _MANAGER),
    PositionSpec("handlaggare-tek-gp", "TEK-GP", _OFFICER),
    PositionSpec("chef-tek-va", "TEK-VA", _MANAGER),
    PositionSpec("handlaggare-tek-va", "TEK-VA", _OFFICER),
)

# The five people the demo prints tokens for.
FEATURED_REGISTRAR = "registrator-klf"
FEATURED_SECRETARY = "sekreterare-bun"
FEATURED_HEAD = "forvaltningschef-utb"
FEATURED_CHAIR_OF = "BUN"
FEATURED_CASE_OFFICER = "handlaggare-utb-gru-1"
UTB_GRU_MANAGER = "chef-utb-gru"


def employee_keys() -> list[str]:
    """Every employee once, in load order: the secretaries first, then the position holders."""
    keys = [roster.secretary for roster in ROSTERS] + [spec.holder for spec in POSITIONS]
    return list(dict.fromkeys(keys))


def roster_of(organ: str) -> Roster:
    return next(roster for roster in ROSTERS if roster.organ == organ)


# Names

FIRST_NAMES: tuple[str, ...] = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Kristina",
    "Per",
    "Lena",
    "Karl",
    "Sara",
    "Mikael",
    "Emma",
    "Peter",
    "Ingrid",
    "Jonas",
    "Sofia",
    "Magnus",
    "Elin",
    "Fredrik",
    "Åsa",
    "Björn",
    "Linnea",
    "Mats",
    "Hanna",
    "Göran",
    "Ida",
    "Stefan",
    "Maja",
    "Daniel",
    "Helena",
    "Mattias",
    "Malin",
    "Oskar",
    "Cecilia",
    "Henrik",
    "Ebba",
    "Andreas",
)
SURNAMES: tuple[str, ...] = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Åberg",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Lindén",
)

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_NOT_USERNAME = re.compile(r"[^a-z0-9-]")


def ascii_word(word: str) -> str:
    """``"Jönsson"`` becomes ``"jonsson"``: lower case, Swedish letters folded, the rest dropped."""
    return _NOT_USERNAME.sub("", word.lower().translate(_ASCII))


def identities(count: int) -> list[Identity]:
    """The first ``count`` people of Exempelkommun, always the same ones in the same order.

    Person ``i`` gets first name ``i mod 40`` and a surname that steps by 17 (coprime to 40) and
    shifts by one every 40 people, so no full name repeats within the first 1,600. Usernames fold
    to ASCII, which can make two names meet ("Jonsson", "Jönsson"); the later one gets a digit.
    """
    taken: set[str] = set()
    people: list[Identity] = []
    for i in range(count):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        surname = SURNAMES[(i * 17 + i // len(FIRST_NAMES)) % len(SURNAMES)]
        base = f"{ascii_word(first)}.{ascii_word(surname)}"
        username, suffix = base, 1
        while username in taken:
            suffix += 1
            username = f"{base}{suffix}"
        taken.add(username)
        people.append(Identity(f"{first} {surname}", username, f"{username}@{EMAIL_DOMAIN}"))
    return people


# Rules of the plan


def _check_roster(roster: Roster, organs: dict[str, OrganSpec], employees: set[str]) -> None:
    organ = organs[roster.organ]
    if len(roster.seated()) != organ.seats:
        raise ValueError(f"{organ.code}: {len(roster.seated())} seated for {organ.seats} seats")
    if not 1 <= len(roster.vice_chairs) <= 2:
        raise ValueError(f"{organ.code}: one or two vice chairs, not {len(roster.vice_chairs)}")
    if len(set(roster.everyone())) != len(roster.everyone()):
        raise ValueError(f"{organ.code}: someone holds two roles")
    if roster.secretary not in employees:
        raise ValueError(f"{organ.code}: secretary {roster.secretary} is no employee")
    if organ.parent is None:
        return
    parent = roster_of(organ.parent)
    if organ.kind == OrganKind.sub_committee and not set(roster.everyone()) <= set(parent.seated()):
        raise ValueError(f"{organ.code}: everyone must have a seat in {parent.organ}")
    if organ.kind == OrganKind.presidium and (
        roster.chair != parent.chair or set(roster.seated()) != {*parent.vice_chairs, parent.chair}
    ):
        raise ValueError(f"{organ.code}: must be the chair and vice chairs of {parent.organ}")


def check_plan() -> None:
    """Raise ``ValueError`` if the data above breaks a rule of how an organ is made up."""
    organs = {organ.code: organ for organ in ORGANS}
    employees = set(employee_keys())
    if {roster.organ for roster in ROSTERS} != set(organs) or len(ROSTERS) != len(organs):
        raise ValueError("every organ needs exactly one roster")
    for roster in ROSTERS:
        _check_roster(roster, organs, employees)
    holders = [spec.holder for spec in POSITIONS]
    if len(set(holders)) != len(holders):
        raise ValueError("an employee is listed with two positions")
