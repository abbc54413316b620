"""Who may see what: the one answer every list, detail, report, dashboard and API call uses.

Two questions, answered here once:

- *Which role is this?* ``is_staff`` (bureau staff, commissioners, administrators), ``is_bureau``
  (bureau staff and administrators: the people who steer a region), ``require_staff`` for
  services, ``staff_required`` for pages.
- *Which records?* ``Jurisdiction.of(user)``. Models build their ``visible_to`` on it and reports
  ask it which regions they may sum. One rule per role:

  ======================  ===========================================  ========================
  role                    regions (``q``, ``contains``, ``roots``)     people (``people_q``)
  ======================  ===========================================  ========================
  administrator           everywhere                                   everyone
  bureau                  its region's subtree                         hukou or residence there
  commissioner            the townships of their grids                 the people of their grids
  recruiter, seeker       none                                         none (own records only,
                                                                       through their own rules)
  ======================  ===========================================  ========================

  A record about a person (a transfer, a homecoming, an application) is seen by a bureau through
  the record's own regions and by a commissioner through the person's grid (``records_q``), so
  a commissioner's ledger and register show the same people.

Records are fetched through the scoped queryset (``scoped_get``), so "missing" and "not yours"
are the same 404 and a caller learns nothing about records outside its scope.
"""

from collections.abc import Callable, Iterable
from functools import cached_property, wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree, subtree_bounds

STAFF_ROLES = (Role.ADMIN, Role.BUREAU, Role.COMMISSIONER)
NOTHING = Q(pk__in=[])
# A staff write that would leave its record outside the writer's scope (they could not see what
# they saved). One wording for every such refusal, so it tells nothing about records elsewhere.
OUT_OF_SCOPE = gettext_lazy("不在您的管辖范围内，保存后您将无法查看此记录")


def is_staff(user: Any) -> bool:
    """Bureau staff, commissioners and administrators: the people who work the register."""
    return bool(
        user is not None and user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)
    )


def is_bureau(user: Any) -> bool:
    """Bureau staff and administrators: those who steer a region (batch runs, reports, seasons)."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or user.role in (Role.ADMIN, Role.BUREAU))
    )


def require_staff(user: Any) -> None:
    if not is_staff(user):
        raise PermissionDenied(_("仅人社部门工作人员和就业服务专员可执行此操作"))


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages for bureau staff and commissioners only. Which *records* they see is still decided
    by the scoped querysets; this only keeps recruiters and seekers off staff tools."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_staff(request.user):
            raise PermissionDenied(_("仅限工作人员"))
        return view(request, *args, **kwargs)

    return wrapped


def scoped_get(queryset: QuerySet[Any], **lookup: Any) -> Any:
    """One record from an already scoped queryset; 404 whether it is missing or out of scope."""
    return get_object_or_404(queryset, **lookup)


class Jurisdiction:
    """The regions and people one user answers for. Build it with ``Jurisdiction.of(user)``;
    ``None`` (the command line, run by the operator) is everywhere."""

    def __init__(self, user: Any):
        self.user = user
        authenticated = user is None or user.is_authenticated
        self.everywhere = user is None or (authenticated and (user.is_superuser or user.role == Role.ADMIN))
        self.role = None if user is None or not authenticated else user.role
        self.is_bureau = not self.everywhere and self.role == Role.BUREAU and bool(user.region_id)
        self.is_commissioner = not self.everywhere and self.role == Role.COMMISSIONER

    @classmethod
    def of(cls, user: Any) -> "Jurisdiction":
        return cls(user)

    @cached_property
    def _roots(self) -> tuple[str, ...]:
        if self.is_bureau:
            return (self.user.region_id,)
        if self.is_commissioner:
            return tuple(sorted(set(self.user.grids.values_list("township_id", flat=True))))
        return ()

    def roots(self) -> list[str] | None:
        """The region codes whose subtrees are in scope, sorted; None for everywhere, [] for none."""
        return None if self.everywhere else list(self._roots)

    def contains(self, code: str | None) -> bool:
        """Whether region ``code`` lies within the jurisdiction."""
        if self.everywhere:
            return True
        if not code:
            return False
        for root in self._roots:
            low, high = subtree_bounds(root)
            if low <= code < high:
                return True
        return False

    def q(self, *fields: str) -> Q:
        """Rows whose region code in any of ``fields`` lies within the jurisdiction."""
        if self.everywhere:
            return Q()
        q = NOTHING
        for root in self._roots:
            for field in fields:
                q |= in_subtree(field, root)
        return q

    def grids(self) -> QuerySet[Any]:
        """A commissioner's grids (a subquery, evaluated by the database)."""
        return self.user.grids.all()

    def people_q(self, prefix: str = "") -> Q:
        """Seekers (through the relation ``prefix``, e.g. ``"seeker__"``) the user may see: a
        bureau the people with hukou or residence in its region, a commissioner the people of
        their grids, a seeker themself."""
        if self.everywhere:
            return Q()
        if self.is_bureau:
            return self.q(f"{prefix}residence_region_id", f"{prefix}hukou_region_id")
        if self.is_commissioner:
            return Q(**{f"{prefix}grid__in": self.grids()})
        if self.role == Role.SEEKER:
            return Q(**{f"{prefix}user": self.user})
        return NOTHING

    def records_q(self, region_fields: Iterable[str], seeker: str = "seeker") -> Q:
        """Records about one person: a bureau through the record's own ``region_fields`` (a
        transfer's origin, a homecoming's origin or destination), a commissioner through the
        person's grid, so their ledger shows the people of their register."""
        if self.everywhere:
            return Q()
        if self.is_bureau:
            return self.q(*region_fields)
        if self.is_commissioner:
            return Q(**{f"{seeker}__grid__in": self.grids()})
        return NOTHING
