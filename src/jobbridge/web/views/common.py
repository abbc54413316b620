"""Small helpers every page module shares: role checks, service errors onto forms, paging, export."""

from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _

from jobbridge.core.audit import audit
from jobbridge.core.models import AuditEvent, Role

PAGE_SIZE = 50
STAFF_ROLES = (Role.ADMIN, Role.BUREAU, Role.COMMISSIONER)


def is_staff_role(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def staff_required(view: Callable) -> Callable:
    """Pages for bureau staff and commissioners only. Which *records* they see is still decided
    by the scoped querysets; this only keeps recruiters and seekers off staff tools."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_role(request.user):
            raise PermissionDenied(_("仅限工作人员"))
        return view(request, *args, **kwargs)

    return wrapped


def add_service_errors(form, exc, rename: dict[str, str] | None = None, skip_known: bool = False) -> None:
    """Put a ServiceError's field errors next to the matching form fields (others on top).

    ``rename`` maps service field names to form field names where a page words a field its own
    way; ``skip_known`` leaves alone fields the form has already complained about."""
    for err in exc.errors:
        name = (rename or {}).get(err.field, err.field)
        field = name if name in form.fields else None
        if skip_known and field in form.errors:
            continue
        form.add_error(field, err.message)


def paginate(request, queryset, per_page: int = PAGE_SIZE, count: int | None = None):
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # counted another way (see people.selectors.seeker_filter_count)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current filters as a query string, for page links and the export link."""
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "page" and v != ""]
    return urlencode(params)


def export_response(
    request, *, kind: str, filename: str, headers: list[str], rows: Iterable[list], filters: dict
) -> HttpResponse:
    """Stream an .xlsx through the shared writer and leave an audit row saying who took what."""
    # Imported here: the writer lives in the imports app, which may be deployed without the pages.
    from jobbridge.imports.exports import xlsx_response

    audit(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        request=request,
        kind=kind,
        filters={k: v for k, v in filters.items() if v not in (None, "")},
    )
    return xlsx_response(filename, headers, rows)
