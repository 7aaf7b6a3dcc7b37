"""A workflow definition as data: states, triggers with their guards and payloads, the
consequence assessment's configuration and the time limits (``app.workflows.deadlines``).
Parsed from YAML or JSON into typed, frozen models; ``app.workflows.validation`` checks that one
makes sense as a graph."""

import hashlib
import json
from functools import cached_property
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.workflows.errors import DefinitionInvalid, Problem

Name = str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StateDef(_Frozen):
    name: Name = Field(pattern=r"^[a-z][a-z_]*$")
    label_sv: str
    label_en: str
    final: bool = False
    assessment: bool = Field(
        default=False, description="The consequence assessment is written in this state"
    )
    ranked: bool = Field(default=False, description="Counts in the prioritisation view")
    importable: bool = Field(
        default=False,
        description="A diarium may bring a case in already in this state (an import that knows "
        "the case is further on than registration); never a final state",
    )


class TriggerDef(_Frozen):
    name: Name = Field(pattern=r"^[a-z][a-z_]*$")
    label_sv: str
    label_en: str
    sources: tuple[Name, ...] = Field(alias="from", min_length=1)
    dest: Name | None = Field(alias="to", description="null: internal, the state stays")
    payload: str
    guards: tuple[str, ...] = ()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LevelDef(_Frozen):
    label_sv: str
    label_en: str
    required: tuple[str, ...]
    perspective_fields: tuple[str, ...]


class PerspectiveDef(_Frozen):
    key: str
    label_sv: str
    label_en: str
    extra_fields: tuple[str, ...] = ()


class AssessmentConfig(_Frozen):
    levels: dict[str, LevelDef]
    perspectives: tuple[PerspectiveDef, ...]


class Limit(_Frozen):
    """A time limit: ``days`` (calendar or working, by ``unit``), or ``months``, or ``years``.
    Counted as ``app.kit.calendar`` says; ``app.workflows.deadlines`` checks that exactly one
    length is given and that it is positive (with codes of its own, not a shape error)."""

    days: int | None = None
    unit: str | None = Field(default=None, description="calendar_days (default) or working_days")
    months: int | None = None
    years: int | None = None


class OriginLimit(Limit):
    """A limit counted from registration for cases of one origin, holding while the case is in
    one of ``during`` (e.g. KL 5:35: a motion is prepared within a year of being raised)."""

    during: tuple[Name, ...] = ()


class Deadlines(_Frozen):
    states: dict[Name, Limit] = Field(
        default_factory=dict, description="Per state: counted from when the case entered it"
    )
    origins: dict[str, OriginLimit] = Field(
        default_factory=dict, description="Per case origin: counted from registration"
    )


class Definition(_Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    label_sv: str
    label_en: str
    initial: Name
    states: tuple[StateDef, ...] = Field(min_length=1)
    triggers: tuple[TriggerDef, ...]
    assessment: AssessmentConfig
    deadlines: Deadlines | None = None

    @cached_property
    def state_names(self) -> frozenset[str]:
        return frozenset(state.name for state in self.states)

    @cached_property
    def final_states(self) -> frozenset[str]:
        return frozenset(state.name for state in self.states if state.final)

    @cached_property
    def assessment_state(self) -> str | None:
        return next((state.name for state in self.states if state.assessment), None)

    @cached_property
    def ranked_states(self) -> tuple[str, ...]:
        return tuple(state.name for state in self.states if state.ranked)

    @cached_property
    def importable_states(self) -> frozenset[str]:
        """Where an import may put a new case: the states marked ``importable``, and the
        initial state, where registration puts every case anyway."""
        marked = {state.name for state in self.states if state.importable}
        return frozenset({*marked, self.initial})

    def state(self, name: str) -> StateDef:
        return self._states_by_name[name]

    @cached_property
    def _states_by_name(self) -> dict[str, StateDef]:
        """Every case read looks its state up (its labels): a list page fifty times."""
        return {state.name: state for state in self.states}

    def trigger(self, name: str) -> TriggerDef | None:
        return next((trigger for trigger in self.triggers if trigger.name == name), None)

    def triggers_from(self, state: str) -> list[TriggerDef]:
        return [trigger for trigger in self.triggers if state in trigger.sources]

    def body(self) -> dict[str, Any]:
        """The document as stored: plain JSON, with the same field names as the YAML. Without
        deadlines it has no ``deadlines`` key at all, and a state not marked ``importable`` has
        no ``importable`` key, so a document published before either existed keeps the body
        and checksum it was stored with."""
        body = self.model_dump(mode="json", by_alias=True, exclude={"deadlines"})
        for state in body["states"]:
            if not state["importable"]:
                del state["importable"]
        if self.deadlines is not None:
            body["deadlines"] = self.deadlines.model_dump(mode="json", exclude_none=True)
        return body

    def checksum(self) -> str:
        canonical = json.dumps(
            self.body(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse(document: dict[str, Any]) -> Definition:
    """Shape only (fields, types); ``validate`` checks the graph."""
    try:
        return Definition.model_validate(document)
    except ValidationError as exc:
        problems = [
            Problem(
                "MALFORMED_DEFINITION",
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}",
            )
            for error in exc.errors()
        ]
        raise DefinitionInvalid(problems) from exc


def load_yaml(text: str) -> Definition:
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise DefinitionInvalid([Problem("MALFORMED_DEFINITION", "the document is not a mapping")])
    return parse(document)


def builtin(key: str, version: int) -> Definition:
    """A definition shipped with the code (``app/workflows/definitions/{key}.v{version}.yaml``)."""
    text = resources.files("app.workflows").joinpath(f"definitions/{key}.v{version}.yaml")
    return load_yaml(text.read_text(encoding="utf-8"))
