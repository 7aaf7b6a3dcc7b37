"""Pydantic building blocks shared by every domain's schemas."""

from typing import Annotated, ClassVar, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.kit.pagination import MAX_ID

T = TypeVar("T")


class Input(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently changes nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Input):
    """Partial updates: a field left out is unchanged. ``null`` is only accepted for the fields
    named in ``nullable`` (it clears them); for the others it is a 422, not a silent no-op."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may be left out, but not set to null")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Output, Generic[T]):
    """One page of a list. ``next`` is the URL of the following page, absent on the last one."""

    items: list[T]
    next: str | None = Field(default=None, description="URL of the next page; null on the last")


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row id: positive and within the database's integer range, so an absurd id is a 422."""

Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9_.-]*$"),
]
"""A registry code as the registry writes it: upper case, e.g. ``BUN`` or ``KSAU``."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*$")]
"""A human-readable name: one line, no control characters."""
