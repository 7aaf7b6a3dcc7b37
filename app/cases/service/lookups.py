"""What registrations read by name — organs and units by code, the current workflow, case
officers — kept for the length of one transaction, so that a batch of registrations (an
import registers thousands) reads each once instead of once per case. A single registration
makes its own, and reads as it always did."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.cases.models import WorkflowDefinition
from app.cases.service import registry
from app.cases.service.definitions import current
from app.organisation.models import Organ, Unit
from app.organisation.service.structure import referenced_organ, referenced_unit


@dataclass
class Lookups:
    """Answers of one session; dropped with it. Only found things are kept: a code that names
    nothing is asked again (and refused again) each time."""

    session: Session
    organs: dict[str, Organ] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    workflows: dict[str, WorkflowDefinition] = field(default_factory=dict)
    officers: set[int] = field(default_factory=set)

    def organ(self, code: str) -> Organ:
        if code not in self.organs:
            self.organs[code] = referenced_organ(self.session, code, "organ")
        return self.organs[code]

    def unit(self, code: str) -> Unit:
        if code not in self.units:
            self.units[code] = referenced_unit(self.session, code, "unit")
        return self.units[code]

    def workflow(self, key: str) -> WorkflowDefinition:
        if key not in self.workflows:
            self.workflows[key] = current(self.session, key)
        return self.workflows[key]

    def case_officer(self, person_id: int) -> int:
        if person_id not in self.officers:
            self.officers.add(registry.case_officer(self.session, person_id))
        return person_id
