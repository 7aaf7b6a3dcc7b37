"""Exempelkommun's delegation orders for BUN and SN as tables, laid out like a municipal
delegationsordning: numbered sections (general matters, economy, staff, procurement, premises,
operations, then the committee's special laws), each point with its delegate, substitute at
absence, lagrum, conditions, and whether it is passed on (vidaredelegation) or reported.

The orders are written for the term of office from 2023, so the Social Services Act cited is
SoL (2001:453). A point names its delegate by function (``Who``); ``delegation`` turns that into
the organ's own posts and seats."""

from dataclasses import dataclass
from typing import Literal

from app.cases.vocabulary import AppealRoute

Who = Literal["head", "manager", "chair", "first_vice_chair", "presidium"]
"""The head of administration, a unit manager, the chair, the first vice chair (named, since an
organ may have two vice chairs and a delegate is one person), the organ's presidium."""

DECISIONS = ("approve", "reject")
ADMIN_APPEAL = AppealRoute.administrative_appeal
NO_APPEAL = AppealRoute.not_appealable


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    appeal_route: AppealRoute = AppealRoute.judicial_review
    non_delegable: bool = False  # KL 6:38
    council_reserved: bool = False  # KL 5:1–2
    procurement: bool = False


@dataclass(frozen=True)
class Point:
    """One row of an order. A ``manager`` point without ``unit`` is repeated for each unit of
    the administration, ``{unit}`` in its title naming the unit."""

    title: str
    matters: tuple[str, ...]
    delegate: Who
    law: str | None = None
    conditions: str | None = None
    amount: int | None = None
    actions: tuple[str, ...] = DECISIONS
    unit: str | None = None
    substitute: Who | None = None
    reported: bool = True  # False: "anmäls ej"
    subdelegation: bool = False
    urgent: bool = False


MATTERS = (
    Matter("mal", "Mål, inriktning, omfattning och kvalitet", non_delegable=True),
    Matter("yttrande-kf", "Yttranden och framställningar till fullmäktige", non_delegable=True),
    Matter(
        "yttrande-overklagat",
        "Yttranden över överklagade beslut av nämnden i dess helhet",
        non_delegable=True,
    ),
    Matter("medborgarforslag", "Medborgarförslag överlämnade av fullmäktige", non_delegable=True),
    Matter("budget", "Budget och skatt", council_reserved=True),
    Matter("allman-handling", "Utlämnande av allmän handling", ADMIN_APPEAL),
    Matter("overklagande", "Överklaganden av delegationsbeslut", ADMIN_APPEAL),
    Matter("remiss", "Remissyttranden till andra myndigheter"),
    Matter("ekonomi", "Ekonomi och inköp"),
    Matter("anstallning", "Anställning och personal", NO_APPEAL),
    Matter("chefsanstallning", "Anställning av chefer", NO_APPEAL),
    Matter("uppsagning", "Uppsägning och avsked", NO_APPEAL),
    Matter("upphandling", "Upphandling", procurement=True),
    Matter("lokal", "Inhyrning av lokaler"),
    Matter("upplatelse", "Upplåtelse av lokaler"),
    Matter("verksamhet", "Verksamhetens utveckling"),
)

URGENT = Point(
    "Beslut i ärenden som är så brådskande att nämndens avgörande inte kan avvaktas",
    (),
    "chair",
    "KL 6:39",
    "Gäller alla ärendetyper. Anmäls vid nämndens nästa sammanträde (KL 6:40).",
    urgent=True,
    substitute="first_vice_chair",
)
GENERAL = (
    URGENT,
    Point(
        "Avslag på begäran om utlämnande av allmän handling eller utlämnande med förbehåll",
        ("allman-handling",),
        "head",
        "TF 2 kap. 14 §, OSL 6 kap. 3 § och 10 kap. 4 §",
        "Frågan prövas först av den som har vård om handlingen.",
        actions=("reject",),
        subdelegation=True,
    ),
    Point(
        "Avvisning av överklagande som kommit in för sent",
        ("overklagande",),
        "head",
        "FL 45 §",
        "Gäller överklaganden enligt förvaltningslagen av beslut fattade med stöd av "
        "denna ordning.",
        actions=("reject",),
    ),
)
REMISS = "Remissyttranden till andra myndigheter som inte är av principiell beskaffenhet"
REMISS_CONDITIONS = "Yttranden till fullmäktige och kommunstyrelsen beslutar nämnden (KL 6:38)."
ECONOMY = (
    Point(
        "Inköp och andra utgifter inom {unit} upp till 100 000 kr",
        ("ekonomi",),
        "manager",
        "KL 7:5",
        "Inom enhetens budget.",
        amount=100_000,
        substitute="head",
    ),
    Point(
        "Inköp och andra utgifter inom förvaltningen upp till 1 000 000 kr",
        ("ekonomi",),
        "head",
        "KL 7:5–6",
        "Inom nämndens budget. Större utgifter beslutar nämnden.",
        amount=1_000_000,
        subdelegation=True,
    ),
)
STAFF = (
    Point(
        "Anställning av personal inom {unit}",
        ("anstallning",),
        "manager",
        "KL 7:5",
        "Tillsvidare- och visstidsanställning inom budget och beslutad bemanning.",
        substitute="head",
        reported=False,
    ),
    Point(
        "Anställning av enhetschefer",
        ("chefsanstallning",),
        "head",
        "KL 7:5",
        "Efter samråd med HR-avdelningen.",
    ),
    Point(
        "Uppsägning av personliga skäl och avsked",
        ("uppsagning",),
        "head",
        "LAS (1982:80) 7 och 18 §§",
        "Efter samråd med HR-avdelningen.",
    ),
)
PROCUREMENT = (
    Point(
        "Upphandling, tilldelningsbeslut och avbrytande av upphandling upp till 2 000 000 kr",
        ("upphandling",),
        "head",
        "LOU (2016:1145), 12 kap. 12 §",
        "Inom budget. Upphandling som rör flera nämnder samordnas av kommunstyrelsen.",
        amount=2_000_000,
        subdelegation=True,
    ),
)
PREMISES = (
    Point(
        "Inhyrning av lokaler med en avtalstid om högst tre år",
        ("lokal",),
        "head",
        "JB 12 kap.",
        "Avtalstid högst tre år; längre avtal beslutar nämnden.",
        amount=3_000_000,
    ),
    Point(
        "Upplåtelse av lokaler till föreningar och andra för kortare tid än en månad",
        ("upplatelse",),
        "head",
        "KL 7:5–6",
        "Enligt kommunens taxa för lokaluthyrning.",
        subdelegation=True,
        reported=False,
    ),
)
OPERATIONS = (
    Point(
        "Förbättringsåtgärder inom {unit} upp till 100 000 kr",
        ("verksamhet",),
        "manager",
        "KL 7:5",
        "Inom enhetens budget och nämndens mål; inte ärenden av principiell beskaffenhet.",
        amount=100_000,
        substitute="head",
    ),
    Point(
        "Utvecklingsåtgärder inom förvaltningen upp till 500 000 kr",
        ("verksamhet",),
        "head",
        "KL 7:5",
        "Inom budget och nämndens mål.",
        amount=500_000,
        actions=(*DECISIONS, "refer_back"),
    ),
    Point(
        "Utvecklingsåtgärder upp till 1 500 000 kr",
        ("verksamhet",),
        "chair",
        "KL 6:37",
        "Inom budget; ärenden av principiell beskaffenhet eller större vikt avgör nämnden.",
        amount=1_500_000,
        substitute="first_vice_chair",
    ),
)


def sections(remiss: Who, special: tuple[Point, ...]) -> tuple[tuple[Point, ...], ...]:
    """The sections every committee's order has, with who answers referrals, then the
    committee's own special-law section."""
    referrals = Point(REMISS, ("remiss",), remiss, "KL 6:37", REMISS_CONDITIONS)
    return ((*GENERAL, referrals), ECONOMY, STAFF, PROCUREMENT, PREMISES, OPERATIONS, special)


BUN_MATTERS = (
    Matter("skolskjuts", "Skolskjuts", ADMIN_APPEAL),
    Matter("skolplacering", "Placering vid skolenhet", ADMIN_APPEAL),
    Matter("anpassad-skola", "Mottagande i anpassade grundskolan", ADMIN_APPEAL),
    Matter(
        "tillaggsbelopp", "Tilläggsbelopp för barn och elever med särskilda behov", ADMIN_APPEAL
    ),
    Matter("forskoleplats", "Plats i förskola"),
    Matter("lasar", "Läsårstider"),
)
SCHOOLS = (
    Point(
        "Skolskjuts",
        ("skolskjuts",),
        "manager",
        "SL 10 kap. 32–33 §§, 11 kap. 31–32 §§",
        "Enligt nämndens riktlinjer för skolskjuts.",
        unit="UTB-GRU",
        substitute="head",
    ),
    Point(
        "Placering vid skolenhet i strid med vårdnadshavares önskemål",
        ("skolplacering",),
        "manager",
        "SL 10 kap. 30 §",
        unit="UTB-GRU",
        substitute="head",
    ),
    Point(
        "Mottagande i anpassade grundskolan",
        ("anpassad-skola",),
        "head",
        "SL 7 kap. 5 §",
        "Efter pedagogisk, psykologisk, medicinsk och social bedömning.",
    ),
    Point(
        "Tilläggsbelopp till huvudman för barn och elever med omfattande behov av särskilt stöd",
        ("tillaggsbelopp",),
        "head",
        "SL 8 kap. 23 §, 10 kap. 39 §",
        amount=500_000,
    ),
    Point(
        "Erbjudande om plats i förskola",
        ("forskoleplats",),
        "manager",
        "SL 8 kap. 14–15 §§",
        "Enligt nämndens regler för plats i förskola.",
        unit="UTB-FSK",
        reported=False,
    ),
    Point("Fastställande av läsårstider", ("lasar",), "head", "SF (2011:185) 3 kap. 2–3 §§"),
)

SN_MATTERS = (
    Matter("bistand-aldre", "Bistånd i form av hemtjänst och särskilt boende", ADMIN_APPEAL),
    Matter("avgift", "Avgifter inom äldreomsorgen", ADMIN_APPEAL),
    Matter("ekonomiskt-bistand", "Ekonomiskt bistånd", ADMIN_APPEAL),
    Matter("aterkrav", "Återkrav av ekonomiskt bistånd", ADMIN_APPEAL),
    Matter("barn-unga", "Bistånd till barn och unga", ADMIN_APPEAL),
    Matter("lvu-omedelbart", "Omedelbart omhändertagande enligt LVU", ADMIN_APPEAL),
    Matter("lss", "Insatser enligt LSS", ADMIN_APPEAL),
)
SOCIAL_SERVICES = (
    Point(
        "Bistånd i form av hemtjänst och särskilt boende",
        ("bistand-aldre",),
        "manager",
        "SoL 4 kap. 1 §",
        "Inom nämndens riktlinjer för äldreomsorg.",
        unit="SOC-ALD",
        substitute="head",
    ),
    Point(
        "Avgift för hemtjänst och särskilt boende",
        ("avgift",),
        "manager",
        "SoL 8 kap. 2 §",
        "Enligt kommunens taxa.",
        unit="SOC-ALD",
        reported=False,
    ),
    Point(
        "Ekonomiskt bistånd utöver riksnormen upp till 10 000 kr",
        ("ekonomiskt-bistand",),
        "manager",
        "SoL 4 kap. 1 och 3 §§",
        "Per tillfälle.",
        amount=10_000,
        unit="SOC-IFO",
        substitute="head",
    ),
    Point(
        "Ekonomiskt bistånd utöver riksnormen upp till 50 000 kr",
        ("ekonomiskt-bistand",),
        "head",
        "SoL 4 kap. 1 och 3 §§",
        "Per tillfälle; därutöver beslutar nämnden.",
        amount=50_000,
    ),
    Point("Återkrav av ekonomiskt bistånd", ("aterkrav",), "head", "SoL 9 kap. 1–2 §§"),
    Point(
        "Bistånd i form av öppenvårdsinsatser för barn och unga",
        ("barn-unga",),
        "manager",
        "SoL 4 kap. 1 §",
        "Inte placering utanför det egna hemmet.",
        unit="SOC-IFO",
        substitute="head",
    ),
    Point(
        "Omedelbart omhändertagande av barn eller ungdom",
        ("lvu-omedelbart",),
        "chair",
        "LVU 6 §",
        "När nämndens beslut inte kan avvaktas. Anmäls vid nämndens nästa sammanträde.",
        substitute="first_vice_chair",
    ),
    Point(
        "Insatser enligt LSS",
        ("lss",),
        "head",
        "LSS 9 § 2–10",
        "Vidaredelegation till en handläggare med kunskap om funktionsstöd.",
        subdelegation=True,
    ),
)


@dataclass(frozen=True)
class OrderPlan:
    organ: str
    administration: str
    matters: tuple[Matter, ...]
    sections: tuple[tuple[Point, ...], ...]


ORDERS = (
    OrderPlan("BUN", "UTB", MATTERS + BUN_MATTERS, sections("presidium", SCHOOLS)),
    OrderPlan("SN", "SOC", MATTERS + SN_MATTERS, sections("chair", SOCIAL_SERVICES)),
)
