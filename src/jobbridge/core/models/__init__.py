from .audit import AuditEvent
from .industries import Industry
from .occupations import Occupation, OccupationAlias
from .regions import Grid, Region
from .throttle import ThrottleCounter
from .tokens import ApiToken
from .users import Role, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Grid",
    "Industry",
    "Occupation",
    "OccupationAlias",
    "Region",
    "Role",
    "ThrottleCounter",
    "User",
]
