"""Pages of the placement pipeline: thin over services and selectors, scoped by ``visible_to``."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobbridge.core.access import is_staff as _is_staff
from jobbridge.core.cleaning import parse_date
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role

from . import selectors, services
from .api import board_postings
from .models import OPEN_STATES, REFUSAL_REASONS, Application, FollowUp, Reason, State
from .transitions import RETENTION, allowed_moves, label


def _errors(e: ServiceError) -> str:
    return "；".join(err.message for err in e.errors)


def index(request):
    """Staff: my people and today's to-do; recruiters: their postings' pipelines; seekers: theirs."""
    user = request.user
    if user.role == Role.SEEKER:
        return redirect("placements:mine")
    if user.role == Role.RECRUITER:
        postings = (
            board_postings(user)
            .select_related("enterprise")
            .annotate(live=Count("applications", filter=Q(applications__state__in=OPEN_STATES)))
            .order_by("-created_at", "-pk")[:100]
        )
        return render(request, "placements/recruiter_index.html", {"postings": postings})
    if not _is_staff(user):
        raise PermissionDenied
    return render(
        request,
        "placements/index.html",
        {
            "todo": selectors.todo(user),
            "due": selectors.due_followups(user),
            "missed_by_others": selectors.missed_by_others(user),
            "people": selectors.served_people(user),
            "today": timezone.localdate(),
        },
    )


def mine(request):
    if request.user.role != Role.SEEKER:
        return redirect("placements:index")
    apps = list(selectors.my_applications(request.user)[:100])
    for app in apps:
        app.can_withdraw = State.WITHDRAWN in allowed_moves(app.state, request.user)
    return render(request, "placements/mine.html", {"apps": apps})


def _board_context(request, posting, error: str = "") -> dict:
    user = request.user
    columns = selectors.board(posting, user)
    for apps in columns.values():
        for app in apps:
            app.moves = [
                (s, State(s).label)
                for s in allowed_moves(app.state, user)
                if s not in RETENTION and s != State.OBSOLETE
            ]
    return {
        "posting": posting,
        "columns": [(State(s).label, s, apps) for s, apps in columns.items()],
        "error": error,
        "refusal_reasons": [(r, Reason(r).label) for r in REFUSAL_REASONS],
        "reasons": Reason.choices,
    }


def board(request, pk: int):
    posting = get_object_or_404(board_postings(request.user).select_related("enterprise"), pk=pk)
    template = "placements/_board.html" if request.headers.get("HX-Request") else "placements/board.html"
    return render(request, template, _board_context(request, posting))


def detail(request, pk: int):
    app = get_object_or_404(selectors.with_history(selectors.applications_for(request.user)), pk=pk)
    moves = [(s, label(s)) for s in allowed_moves(app.state, request.user) if s != State.OBSOLETE]
    return render(
        request,
        "placements/detail.html",
        {
            "app": app,
            "moves": moves,
            "reasons": Reason.choices,
            "followups": app.followups.select_related("responsible_user", "done_by"),
            "today": timezone.localdate(),
            "can_board": board_postings(request.user).filter(pk=app.posting_id).exists(),
        },
    )


@require_POST
def move(request, pk: int):
    """One move. From the board (HTMX) the board is re-rendered; otherwise back to the detail page."""
    app = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    error = ""
    try:
        services.application_move(
            application=app,
            actor=request.user,
            to_state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            on=parse_date(request.POST.get("on")),
        )
    except ServiceError as e:
        error = _errors(e)
    except ValueError as e:  # an unreadable date (parse_date names it)
        error = str(e)
    if request.headers.get("HX-Request") and request.POST.get("from") == "board":
        posting = get_object_or_404(
            board_postings(request.user).select_related("enterprise"), pk=app.posting_id
        )
        return render(request, "placements/_board.html", _board_context(request, posting, error))
    if request.headers.get("HX-Request") and request.POST.get("from") == "mine":
        app = selectors.with_history(selectors.applications_for(request.user)).get(pk=pk)
        app.can_withdraw = State.WITHDRAWN in allowed_moves(app.state, request.user)
        return render(request, "placements/_mine_item.html", {"app": app, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已更新为“%s”") % State(Application.objects.get(pk=pk).state).label)
    if request.POST.get("from") == "mine":
        return redirect("placements:mine")
    return redirect("placements:detail", pk=pk)


@require_POST
def check(request, pk: int):
    followup = get_object_or_404(
        FollowUp.objects.visible_to(request.user).select_related("application"), pk=pk
    )
    still = request.POST.get("still_employed") == "1"
    try:
        services.followup_record(
            followup=followup,
            actor=request.user,
            still_employed=still,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("回访已记录"))
    except ServiceError as e:
        messages.error(request, _errors(e))
    return redirect(
        request.POST.get("next")
        if request.POST.get("next") == "/placements/"
        else f"/placements/applications/{followup.application_id}/"
    )


def panel(request):
    """An HTML fragment with charts, embedded by the transfers dashboard with hx-get."""
    try:
        stats = selectors.panel_stats(
            request.user, region=request.GET.get("region"), month=request.GET.get("month")
        )
    except (ServiceError, ValueError) as e:
        message = _errors(e) if isinstance(e, ServiceError) else str(e)
        return render(request, "placements/_panel.html", {"error": message}, status=400)
    states = [s for s in State.values if s != State.OBSOLETE]
    chart = {
        "states": [str(State(s).label) for s in states],
        "counts": [stats["by_state"][s] for s in states],
        "retention": [
            {"name": _("%s天") % d, "value": None if r["rate"] is None else round(r["rate"] * 100, 1)}
            for d, r in stats["retention"].items()
        ],
        "retention_label": _("稳岗率（%）"),
    }
    return render(
        request,
        "placements/_panel.html",
        {
            "stats": stats,
            "chart": chart,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            # Element ids unique per region and month, so two panels on one dashboard do not collide.
            "uid": f"pl-{stats['region'] or 'all'}-{stats['month']}",
        },
    )
