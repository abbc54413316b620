"""The refusals every service raises, so pages, the API, the CLI and imports handle one shape.

A service validates before it writes and, when it refuses, raises ``ServiceError`` carrying one
``FieldError`` per offending field. Pages put them next to the form fields, the API answers 422
with the fields named, imports add the row number. App-specific refusals subclass ``ServiceError``
so a caller that knows only the core still handles them.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


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


class RateLimited(PermissionDenied):
    """Too many of one sensitive action in a short time (revealing clear numbers): the API
    answers 429 with Retry-After; pages and the CLI, which handle PermissionDenied, refuse in words."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)
