"""Small helpers every page module shares: service errors onto forms, paging, export.

Role checks for pages (``staff_required``) are in ``core.access``."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse

from jobbridge.core.audit import audit
from jobbridge.core.excel import xlsx_response
from jobbridge.core.models import AuditEvent

PAGE_SIZE = 50


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
    audit(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        request=request,
        kind=kind,
        filters={k: v for k, v in filters.items() if v not in (None, "")},
    )
    return xlsx_response(filename, headers, rows)
