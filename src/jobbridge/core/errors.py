"""The refusals every service raises, so pages, the API, the CLI and imports handle one shape.

A service validates before it writes and, when it refuses, raises ``ServiceError`` carrying one
``FieldError`` per offending field. Pages put them next to the form fields, the API answers 422
with the fields named, imports add the row number. App-specific refusals subclass ``ServiceError``
so a caller that knows only the core still handles them.
"""

from dataclasses import dataclass


@dataclass
class FieldError:
    field: str
    message: str


class ServiceError(ValueError):
    """A refused write, carrying field errors for forms and the API."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))

    @classmethod
    def one(cls, field: str, message: str) -> "ServiceError":
        return cls([FieldError(field, message)])
