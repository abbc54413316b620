"""Probable duplicate seekers and their merge. Detection and merge are the people app's; this
page only lists pairs within the viewer's scope and asks which record to keep."""

from types import SimpleNamespace

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jobbridge.core.access import staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.people.models import Seeker

PAIR_LIMIT = 100


@staff_required
def duplicate_list(request):
    from jobbridge.people.dedup import probable_duplicates  # written alongside; imported when used

    scoped = Seeker.objects.visible_to(request.user)
    found = probable_duplicates(scoped, limit=PAIR_LIMIT)
    # Reload both sides with their regions in one query, so the table costs no query per row.
    full = scoped.select_related("hukou_region").in_bulk({p.a.pk for p in found} | {p.b.pk for p in found})
    pairs = [
        SimpleNamespace(a=full[p.a.pk], b=full[p.b.pk], reasons=p.reasons)
        for p in found
        if p.a.pk in full and p.b.pk in full
    ]
    return render(request, "web/duplicates/list.html", {"pairs": pairs, "limit": PAIR_LIMIT})


@staff_required
def duplicate_merge(request):
    """GET shows the two records side by side; POST (with the confirmation ticked) merges."""
    from jobbridge.people.services import seeker_merge

    source = request.POST if request.method == "POST" else request.GET
    scoped = Seeker.objects.visible_to(request.user).select_related("hukou_region", "residence_region")
    try:
        a_id, b_id = int(source.get("a", "")), int(source.get("b", ""))
    except ValueError:
        return redirect("duplicate_list")
    # Both through the scoped queryset: a clerk cannot merge away a record they cannot see.
    a = get_object_or_404(scoped, pk=a_id)
    b = get_object_or_404(scoped, pk=b_id)
    if a.pk == b.pk:
        return redirect("duplicate_list")
    error = ""
    if request.method == "POST":
        keep_id = source.get("keep")
        if keep_id not in (str(a.pk), str(b.pk)):
            error = _("请选择要保留的记录")
        elif not source.get("confirm"):
            error = _("请勾选确认后再合并")
        else:
            keep, drop = (a, b) if keep_id == str(a.pk) else (b, a)
            try:
                seeker_merge(actor=request.user, keep=keep, drop=drop)
            except ServiceError as e:
                error = "；".join(err.message for err in e.errors)
            else:
                messages.success(
                    request, _("已合并：保留 %(name)s（编号%(pk)s）") % {"name": keep.name, "pk": keep.pk}
                )
                return redirect("seeker_detail", pk=keep.pk)
    return render(
        request, "web/duplicates/merge.html", {"a": a, "b": b, "error": error}, status=400 if error else 200
    )
