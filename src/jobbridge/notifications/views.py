"""Pages: the push list (with its row actions as HTMX fragments), the staff outbox with a live
"send due now" line, and the job seeker's inbox with their notification settings.

Thin over the services: every action also works without JavaScript (a normal POST that
redirects back with a message)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobbridge.core.access import is_bureau, staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.jobs import fail_stale
from jobbridge.core.models import Role
from jobbridge.core.regions import UnknownRegion

from . import conf, pushlist, selectors, services
from .delivery import due_count
from .models import ContactLog, DeliveryRun, Notification
from .runs import run_start, runs_visible_to
from .tasks import deliver_due_task, deliver_soon


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@staff_required
def push_list(request):
    user = request.user
    days = _int(request.GET.get("days"), 3)
    region = request.GET.get("region", "").strip()
    grid = request.GET.get("grid", "").strip()
    context = {
        "days": days,
        "region": region,
        "grid": grid,
        "errors": {},
        "result": None,
        "outcomes": ContactLog.Outcome.choices,
        "channels": conf.push_channels(),
        "is_commissioner": user.role == Role.COMMISSIONER,
        "my_grids": list(user.grids.select_related("township")) if user.role == Role.COMMISSIONER else [],
    }
    try:
        context["result"] = pushlist.push_list(user, days=days, region=region, grid=grid)
    except ServiceError as e:
        context["errors"] = {err.field: err.message for err in e.errors}
    except UnknownRegion as e:
        context["errors"] = {"region": str(e)}
    template = "notifications/_push_results.html" if request.htmx else "notifications/push_list.html"
    # Opened bare (the menu link) by someone with no region or grid of their own: a form waiting
    # for one, not an error.
    return render(request, template, context, status=400 if context["errors"] and request.GET else 200)


def _row_response(request, seeker_id: int, posting_id: int, note: str = ""):
    row = pushlist.row_for(request.user, seeker_id, posting_id)
    if row is None:
        raise PermissionDenied
    return render(
        request,
        "notifications/_push_row.html",
        {"row": row, "outcomes": ContactLog.Outcome.choices, "channels": conf.push_channels(), "note": note},
    )


def _back(request):
    return redirect(request.POST.get("next") or "notifications:push_list")


@staff_required
@require_POST
def contact(request):
    seeker_id, posting_id = _int(request.POST.get("seeker"), 0), _int(request.POST.get("posting"), 0)
    try:
        services.contact_record(
            actor=request.user,
            seeker_id=seeker_id,
            posting_id=posting_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except ServiceError as e:
        message = "；".join(err.message for err in e.errors)
        if request.htmx:
            return _row_response(request, seeker_id, posting_id, note=message)
        messages.error(request, message)
        return _back(request)
    if request.htmx:
        return _row_response(request, seeker_id, posting_id)
    messages.success(request, _("已记录电话联系"))
    return _back(request)


@staff_required
@require_POST
def send(request):
    seeker_id, posting_id = _int(request.POST.get("seeker"), 0), _int(request.POST.get("posting"), 0)
    channels = request.POST.getlist("channel") or None
    try:
        results = services.push_send(
            actor=request.user, seeker_id=seeker_id, posting_id=posting_id, channels=channels
        )
    except ServiceError as e:
        message = "；".join(err.message for err in e.errors)
        if request.htmx:
            return _row_response(request, seeker_id, posting_id, note=message)
        messages.error(request, message)
        return _back(request)
    created = any(created for _n, created in results)
    if created:
        deliver_soon()
    note = "" if created else _("今天已发送过，未重复发送")
    if request.htmx:
        return _row_response(request, seeker_id, posting_id, note=note)
    messages.success(request, note or _("已加入发送队列"))
    return _back(request)


@staff_required
@require_POST
def phone(request, seeker_id: int):
    try:
        number = services.phone_reveal(actor=request.user, seeker_id=seeker_id, request=request)
    except ServiceError as e:
        raise PermissionDenied(e.errors[0].message) from None
    return render(
        request, "notifications/_phone.html", {"phone": number, "seeker_id": seeker_id, "masked": ""}
    )


@staff_required
def outbox(request):
    status = request.GET.get("status", "")
    status = status if status in Notification.Status.values else ""
    fail_stale(DeliveryRun)  # a run whose worker died shows as failed, not as sending for ever
    return render(
        request,
        "notifications/outbox.html",
        {
            "counts": selectors.outbox_counts(request.user),
            "statuses": Notification.Status.choices,
            "status": status,
            "due_now": due_count(),
            "failures": selectors.recent_failures(request.user),
            "rows": selectors.outbox_rows(request.user, status=status)[:100],
            "run": DeliveryRun.objects.filter(started_by=request.user).first(),
            "may_send_all": is_bureau(request.user),
        },
    )


@staff_required
@require_POST
def send_due(request):
    run = run_start(actor=request.user)
    deliver_due_task.enqueue(run.pk)
    if request.htmx:
        return run_progress(request, run.pk)
    return redirect("notifications:outbox")


@staff_required
def run_progress(request, pk: int):
    fail_stale(DeliveryRun)
    run = get_object_or_404(runs_visible_to(request.user), pk=pk)
    return render(request, "notifications/_run_progress.html", {"run": run})


def inbox(request):
    """A job seeker's messages and their say over how they are reached."""
    seeker = getattr(request.user, "seeker", None) if request.user.role == Role.SEEKER else None
    if seeker is None:
        raise PermissionDenied(_("仅求职者本人可查看消息"))
    if request.method == "POST":
        refuse = request.POST.getlist("refuse")
        try:
            services.preference_set(
                actor=request.user,
                seeker=seeker,
                refuse_exactly=refuse,
                quiet_start=request.POST.get("quiet_start") or None,
                quiet_end=request.POST.get("quiet_end") or None,
                clear_quiet=not (request.POST.get("quiet_start") or request.POST.get("quiet_end")),
            )
        except ServiceError as e:
            messages.error(request, "；".join(err.message for err in e.errors))
        else:
            messages.success(request, _("已保存通知设置"))
        return redirect("notifications:inbox")
    items = list(selectors.inbox(request.user)[:100])
    pref = services.preference_of(seeker)
    return render(
        request,
        "notifications/inbox.html",
        {
            "items": items,
            "pref": pref,
            "refused": set(pref.opted_out) if pref else set(),
            "channels": _preference_channels(),
            "default_quiet": conf.quiet_hours(),
        },
    )


def _preference_channels() -> list[str]:
    # What a person can refuse on their page: the channels that reach them, plus "all".
    return ["*", *[c for c in ("sms", "wechat", "inapp") if c in conf.channels()]]


@require_POST
def inbox_read(request, pk: int):
    try:
        services.inbox_mark_read(actor=request.user, notification_id=pk)
    except ServiceError:
        raise PermissionDenied from None
    return redirect("notifications:inbox")
