"""Pydantic building blocks shared by every domain's schemas."""

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")


class Input(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently changes nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Output, Generic[T]):
    """One page of a list. ``next`` is the URL of the following page, absent on the last one."""

    items: list[T]
    next: str | None = Field(default=None, description="URL of the next page; null on the last")


Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9_.-]*$"),
]
"""An organ or unit code as the registry writes it: upper case, e.g. ``BUN`` or ``KSAU``."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
