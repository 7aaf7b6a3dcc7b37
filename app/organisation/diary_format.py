"""How an organ writes its diary numbers (diarienummer): a format with placeholders.

``{organ}`` is the organ's code, ``{year}`` four digits and ``{seq}`` the number in the year's
series, written without leading zeros. ``{year}`` and ``{seq}`` are required, each placeholder
appears at most once and nothing else may stand in braces (``{{`` and ``}}`` are literal
braces). ``{seq}`` being the only part of varying width, a number reads back as exactly one
(year, seq): the series an imported number continues.
"""

import re
import string
from dataclasses import dataclass

from app.errors import InvalidInput

DEFAULT_FORMAT = "{organ} {year}/{seq}"
PLACEHOLDERS = ("organ", "year", "seq")
REQUIRED = frozenset({"year", "seq"})
PATTERNS = {"year": "(?P<year>[1-9][0-9]{3})", "seq": "(?P<seq>[1-9][0-9]{0,8})"}


def _invalid(template: str, why_en: str, why_sv: str) -> InvalidInput:
    return InvalidInput(
        f"The diary number format '{template}' is not valid: {why_en}.",
        f"Diarienummerformatet '{template}' är inte giltigt: {why_sv}.",
        code="INVALID_DIARY_FORMAT",
        field="diary_format",
    )


def _fields(template: str) -> list[tuple[str, str | None]]:
    """The format as (literal text, placeholder or None) pieces; raises on anything else."""
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise _invalid(template, "unbalanced braces", "klamrarna är obalanserade") from exc
    names = [name for _, name, _, _ in pieces if name is not None]
    for _, name, spec, conversion in pieces:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            raise _invalid(
                template,
                f"only {{organ}}, {{year}} and {{seq}} may stand in braces, not {{{name}}}",
                f"bara {{organ}}, {{year}} och {{seq}} får stå inom klamrar, inte {{{name}}}",
            )
    if len(names) != len(set(names)):
        raise _invalid(
            template, "each placeholder appears at most once", "varje fält får förekomma en gång"
        )
    if not REQUIRED.issubset(names):
        raise _invalid(
            template, "it must contain {year} and {seq}", "det måste innehålla {year} och {seq}"
        )
    return [(literal, name) for literal, name, _, _ in pieces]


def check_format(template: str) -> None:
    """Refuse a format that breaks the rules above (422 ``INVALID_DIARY_FORMAT``)."""
    _fields(template)


@dataclass(frozen=True)
class DiaryFormat:
    """An organ's format (its own, or the default) for its code."""

    template: str
    organ: str

    @classmethod
    def of(cls, template: str | None, organ: str) -> "DiaryFormat":
        return cls(template or DEFAULT_FORMAT, organ)

    def render(self, year: int, seq: int) -> str:
        return self.template.format(organ=self.organ, year=year, seq=seq)

    def parse(self, number: str) -> tuple[int, int] | None:
        """The (year, seq) a number written in this format names, or None if it is not one."""
        parts = PATTERNS | {"organ": re.escape(self.organ)}
        pattern = "".join(
            re.escape(literal) + (parts[name] if name else "")
            for literal, name in _fields(self.template)
        )
        found = re.fullmatch(pattern, number)
        return (int(found["year"]), int(found["seq"])) if found else None
