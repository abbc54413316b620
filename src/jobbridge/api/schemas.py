"""Small reference shapes shared by several routers."""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from jobbridge.core import regions

# A row id as a client may send it: bounded to the database's bigint, so an absurd number is a
# validation error rather than an overflow inside the database driver.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InputSchema(Schema):
    # A misspelt field should be an error naming it, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    full_name: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_full_name(obj) -> str:
        # From the process-wide region index: no query per row.
        return regions.full_name(obj.code)


class OccupationRef(Schema):
    code: str
    name: str


class IndustryRef(Schema):
    code: str
    name: str


def join_list(values) -> str | None:
    """The services' parsers take lists as one separated string (as typed in a form or cell)."""
    return None if values is None else ",".join(str(getattr(v, "value", v)) for v in values)


class MatchOut(Schema):
    """One recommendation: who or what, the score (0-1) and the reasons that scored."""

    seeker: int
    posting: int
    score: float
    reasons: list[str]
    label: str  # the posting's title, or the seeker's name with the masked ID number
