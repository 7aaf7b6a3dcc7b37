"""Why a step is refused: each reason a stable code, a message in English and Swedish, and the
law it rests on where there is one. The resolver raises them all at once, so a caller learns
everything that stands in the way, not only the first thing."""

from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class Reason:
    code: str
    message_en: str
    message_sv: str
    legal_reference: str | None = None


class Refused(Exception):
    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("; ".join(r.code for r in reasons))
        self.reasons = reasons


def refuse(code: str, en: str, sv: str, law: str | None = None) -> NoReturn:
    raise Refused([Reason(code, en, sv, law)])


RECUSED = Reason(
    "RECUSED",
    "You are disqualified (jäv) in this case.",
    "Du är jävig i detta ärende.",
    "KL 6:28, 7:4",
)
