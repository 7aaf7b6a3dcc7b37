"""Who a delegation-order entry may name (KL 6:37, 7:5): one delegate, never a group."""

from enum import StrEnum

from app.organisation.vocabulary import SINGLE_HOLDER_ROLES, MembershipRole, PositionRole


class DelegateKind(StrEnum):
    position = "position"  # the holder of a single-holder post in a unit
    membership = "membership"  # the organ's chair or vice chair
    person = "person"  # one named employee or elected member
    presidium = "presidium"  # the organ's presidium
    sub_committee = "sub_committee"  # one of the organ's sub-committees
    automated = "automated"  # an automated decision function (KL 6:37)


class OrderStatus(StrEnum):
    draft = "draft"
    adopted = "adopted"


LABELS_SV: dict[StrEnum, str] = {
    DelegateKind.position: "befattning",
    DelegateKind.membership: "förtroendeuppdrag",
    DelegateKind.person: "namngiven person",
    DelegateKind.presidium: "presidium",
    DelegateKind.sub_committee: "utskott",
    DelegateKind.automated: "automatiserat beslutsfattande",
    OrderStatus.draft: "utkast",
    OrderStatus.adopted: "antagen",
}

# A post or seat that one person holds at a time (the organisation enforces it): a delegate.
# Anything else (case officers, members, vice chairs, of whom an organ may have two) names a
# group, which the law does not allow as a delegate.
SINGLE_HOLDER_POSITIONS = frozenset(role for role in PositionRole if role in SINGLE_HOLDER_ROLES)
SINGLE_HOLDER_SEATS = frozenset(role for role in MembershipRole if role in SINGLE_HOLDER_ROLES)
