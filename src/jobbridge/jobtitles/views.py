"""Pages of job-title coding: the staff page (code one title live, upload a file, download the
answers) and the fragments the posting form's live widget uses (suggestions, remember a
correction). Thin over selectors/services, like the API and the CLI."""

import re
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobbridge.core.access import is_staff
from jobbridge.core.errors import ServiceError
from jobbridge.core.jobs import fail_stale
from jobbridge.core.occupations import resolve_occupation

from . import selectors, services, tasks
from .models import TitleBatch
from .validation import MAX_TOP, title_problem


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied(_("仅人社部门工作人员和就业服务专员可使用"))
        return view(request, *args, **kwargs)

    return wrapper


def _batch(request, pk: int) -> TitleBatch:
    fail_stale(TitleBatch)  # a batch whose worker died shows as failed, not as coding for ever
    # Through the scoped queryset: someone else's batch is "not found", not "forbidden".
    return get_object_or_404(TitleBatch.objects.visible_to(request.user), pk=pk)


@require_GET
@staff_only
def index(request):
    fail_stale(TitleBatch)
    batches = TitleBatch.objects.visible_to(request.user).defer("titles", "results")[:20]
    return render(request, "jobtitles/index.html", {"batches": batches, "max_top": MAX_TOP})


@require_GET
def suggest(request):
    """The live list under a title box: top 5 with confidence. Any signed-in user (recruiters
    type titles too); an empty box gives an empty list, a bad title a message."""
    title = request.GET.get("title", "")
    append = request.GET.get("append") == "1"  # add to a comma-separated list instead of replacing
    target = request.GET.get("target", "id_occupation")
    context = {
        "title": title.strip(),
        "suggestions": [],
        "problem": None,
        "append": append,
        "can_correct": is_staff(request.user) and not append,
        "target": target if re.fullmatch(r"[\w-]{1,64}", target) else "id_occupation",
    }
    if title.strip():
        context["problem"] = title_problem(title)
        if not context["problem"]:
            context["suggestions"] = selectors.code_title(title, top=5)
    return render(request, "jobtitles/_suggestions.html", context)


@require_POST
def alias(request):
    """Remember a correction: the title means the occupation (code, name or alias) given."""
    title = request.POST.get("title", "")
    occupation = request.POST.get("occupation", "") or request.POST.get("code", "")
    context = {"ok": False, "message": ""}
    try:
        code = resolve_occupation(occupation) if occupation.strip() else ""
        if not code:
            raise ValueError(_("请先在“职业”栏填写正确的职业代码或名称"))
        row = services.title_alias_record(actor=request.user, title=title, code=code, request=request)
    except PermissionDenied as e:
        context["message"] = str(e)
    except ValueError as e:  # ServiceError is a ValueError too
        context["message"] = "；".join(x.message for x in e.errors) if isinstance(e, ServiceError) else str(e)
    else:
        context.update(
            ok=True,
            message=_("已记住：“%(t)s”今后编码为 %(c)s %(n)s")
            % {"t": row.alias, "c": row.occupation_id, "n": row.occupation.name},
        )
    return render(request, "jobtitles/_alias_status.html", context)


@require_POST
@staff_only
def upload(request):
    upload = request.FILES.get("file")
    try:
        top = int(request.POST.get("top") or 5)
    except ValueError:
        top = 0
    try:
        if upload is None:
            raise ServiceError([])
        batch = tasks.title_batch_submit(actor=request.user, name=upload.name, data=upload.read(), top=top)
    except ServiceError as e:
        errors = [x.message for x in e.errors] or [_("请选择要上传的文件")]
        batches = TitleBatch.objects.visible_to(request.user).defer("titles", "results")[:20]
        return render(
            request,
            "jobtitles/index.html",
            {"batches": batches, "max_top": MAX_TOP, "upload_errors": errors},
            status=400,
        )
    return redirect("jobtitles:batch_detail", pk=batch.pk)


@require_GET
def batch_detail(request, pk: int):
    batch = _batch(request, pk)
    return render(request, "jobtitles/batch.html", {"batch": batch})


@require_GET
def batch_progress(request, pk: int):
    return render(request, "jobtitles/_progress.html", {"batch": _batch(request, pk)})


@require_GET
def batch_download(request, pk: int):
    from jobbridge.core.pages import export_response

    batch = _batch(request, pk)
    headers = [_("行"), _("职位名称")]
    for i in range(1, batch.top + 1):
        headers += [
            _("建议%(i)d代码") % {"i": i},
            _("建议%(i)d名称") % {"i": i},
            _("建议%(i)d置信度") % {"i": i},
        ]
    headers.append(_("错误"))

    def rows():
        for n, r in enumerate(batch.results, start=1):
            cells = [n, r["title"]]
            for i in range(batch.top):
                s = r["suggestions"][i] if i < len(r["suggestions"]) else None
                cells += [s["code"], s["name"], s["score"]] if s else ["", "", ""]
            yield cells + [r.get("error", "")]

    return export_response(
        request,
        kind="jobtitles",
        filename=f"jobtitles-{batch.pk}.xlsx",
        headers=headers,
        rows=rows(),
        filters={"batch": batch.pk},
    )
