"""Small reference shapes shared by several routers."""

from ninja import Schema
from pydantic import ConfigDict

from jobbridge.core import regions


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
