"""Import pages: the list of uploads, the upload form, a job's live progress, and downloads.

Thin over ``services``: the form keeps the upload as an ImportJob and a background task runs it;
the detail page polls a fragment with HTMX every second until the job is finished, and shows
the same fragment on a plain reload for browsers without JavaScript.
"""

import io
from functools import wraps
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jobbridge.core.excel import XLSX_CONTENT_TYPE
from jobbridge.core.jobs import fail_stale

from .forms import UploadForm
from .kinds import write_template
from .models import ImportJob, ImportKind
from .services import UploadRefused, can_import, import_job_create
from .tasks import run_import_job


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied(_("只有工作人员可以导入"))
        return view(request, *args, **kwargs)

    return wrapper


def _job(request, pk: int) -> ImportJob:
    fail_stale(ImportJob)  # a job whose worker died shows as failed, not as running for ever
    # Looked up through the scoped queryset: someone else's upload is "not found", not "forbidden".
    return get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("created_by"), pk=pk)


@staff_only
def job_list(request):
    fail_stale(ImportJob)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:200]
    return render(request, "imports/job_list.html", {"jobs": jobs, "kinds": ImportKind.choices})


@staff_only
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            job = import_job_create(
                actor=request.user, kind=form.cleaned_data["kind"], source=file, original_name=file.name
            )
        except UploadRefused as e:
            form.add_error("file", str(e))
        else:
            run_import_job.enqueue(job.pk)
            return redirect("imports:job_detail", pk=job.pk)
    return render(request, "imports/upload.html", {"form": form, "kinds": ImportKind.choices})


@staff_only
def job_detail(request, pk: int):
    return render(request, "imports/job_detail.html", {"job": _job(request, pk)})


@staff_only
def job_progress(request, pk: int):
    return render(request, "imports/_progress.html", {"job": _job(request, pk)})


@staff_only
def error_download(request, pk: int):
    job = _job(request, pk)
    if not job.error_file:
        raise Http404(_("这次导入没有被拒绝的行"))
    name = f"{Path(job.original_name).stem}-{_('错误清单')}.xlsx"
    return FileResponse(
        job.error_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE
    )


@staff_only
def template_download(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    buffer = io.BytesIO()
    write_template(buffer, kind)
    buffer.seek(0)
    name = f"{ImportKind(kind).label}{_('导入模板')}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
