"""Who may do what through the API, and the shared pagination.

Reads never check roles here: they go through the models' ``visible_to`` querysets, the one
rule per role. Records are fetched by id through those querysets, so "missing" and "not yours"
are the same 404. Writes add a role check on top.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from jobbridge.core.models import Role

MAX_PAGE = 200


class Page(LimitOffsetPagination):
    """limit/offset with a hard maximum, so one request cannot pull a whole register."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)


def is_staff(user) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.BUREAU, Role.COMMISSIONER)


def require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied(_("仅人社部门工作人员和就业服务专员可执行此操作"))


def scoped_get(queryset, **lookup):
    """One record from an already scoped queryset; 404 whether it is missing or out of scope."""
    return get_object_or_404(queryset, **lookup)
