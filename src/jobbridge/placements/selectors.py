"""Reads for the placement pipeline: every one starts from a ``visible_to`` queryset."""

import calendar
import datetime as dt
import re
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import Jurisdiction
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.people.models import Seeker

from .models import OPEN_STATES, Application, ApplicationEvent, FollowUp, PlacementRollup, RollupKind, State
from .transitions import RETENTION_DAYS

BOARD_COLUMNS = (
    State.INTENTION,
    State.CONTACTED,
    State.INTERVIEW,
    State.OFFER,
    State.HIRED,
    State.ARRIVED,
    State.REFUSED,
    State.WITHDRAWN,
)


def applications_for(user):
    return Application.objects.visible_to(user).select_related(
        "seeker", "posting", "posting__enterprise", "posting__work_region"
    )


def with_history(qs):
    return qs.prefetch_related(Prefetch("events", ApplicationEvent.objects.select_related("actor")))


def my_applications(user):
    """A job seeker's own applications, newest first, with their history."""
    return with_history(applications_for(user).filter(seeker__user=user).order_by("-created_at", "-pk"))


def board(posting, user) -> dict[str, list[Application]]:
    """A posting's pipeline by column; the later retention states sit in the "arrived" column."""
    columns: dict[str, list[Application]] = {s: [] for s in BOARD_COLUMNS}
    for app in applications_for(user).filter(posting=posting).order_by("state_changed_at", "pk"):
        key = (
            app.state
            if app.state in columns
            else (
                State.ARRIVED
                if app.state.startswith("retained") or app.state == State.LEFT
                else State.WITHDRAWN
            )
        )
        columns[key].append(app)
    return columns


@dataclass
class Due:
    today: list[FollowUp] = field(default_factory=list)
    missed: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)

    def as_list(self) -> list[tuple[str, FollowUp]]:
        return (
            [("missed", f) for f in self.missed]
            + [("today", f) for f in self.today]
            + [("upcoming", f) for f in self.upcoming]
        )


def due_followups(user, *, today: dt.date | None = None, ahead_days: int = 7) -> Due:
    """The checks ``user`` answers for: missed (past due, not done), due today, due within a week."""
    today = today or timezone.localdate()
    qs = (
        FollowUp.objects.for_responsible(user)
        .pending()
        .filter(due_on__lte=today + dt.timedelta(days=ahead_days))
        .select_related("application__seeker", "application__posting__enterprise", "responsible_user")
    )
    due = Due()
    for f in qs.order_by("due_on", "pk")[:500]:
        (due.missed if f.due_on < today else due.today if f.due_on == today else due.upcoming).append(f)
    return due


def missed_by_others(user, *, today: dt.date | None = None, limit: int = 100) -> list[FollowUp]:
    """For a bureau: checks its commissioners let pass (assigned, past due, not done), so that a
    missed check is visible above the person who missed it."""
    if user.role != Role.BUREAU or not user.region_id:
        return []
    today = today or timezone.localdate()
    return list(
        FollowUp.objects.pending()
        .filter(responsible_user__isnull=False, due_on__lt=today)
        .filter(in_subtree("responsible_region_id", user.region_id))
        .select_related("application__seeker", "application__posting__enterprise", "responsible_user")
        .order_by("due_on", "pk")[:limit]
    )


def todo(user, *, limit: int = 50) -> dict[str, list[Application]]:
    """For staff: intentions waiting for a first contact, and interviews under way."""
    apps = applications_for(user).order_by("state_changed_at", "pk")
    return {
        "contacts": list(apps.filter(state=State.INTENTION)[:limit]),
        "interviews": list(apps.filter(state=State.INTERVIEW)[:limit]),
    }


def served_people(user, *, limit: int = 50):
    """'我的服务对象': the people in scope who have a live application, with counts by state."""
    seekers = (
        Seeker.objects.visible_to(user)
        .filter(applications__state__in=[*OPEN_STATES, State.HIRED, State.ARRIVED])
        .annotate(
            open_n=Count("applications", filter=Q(applications__state__in=OPEN_STATES)),
            working_n=Count("applications", filter=Q(applications__state__in=(State.HIRED, State.ARRIVED))),
        )
        .order_by("-pk")
        .distinct()
    )
    return seekers[:limit]


# ---------------------------------------------------------------- the dashboard panel

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None) -> tuple[dt.date, dt.date]:
    """'2024-03' -> (first day, last day); today's month when empty. Names the parameter on error."""
    if not value:
        today = timezone.localdate()
        value = f"{today.year:04d}-{today.month:02d}"
    m = MONTH_RE.match(value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ServiceError([FieldError("month", _("月份格式应为YYYY-MM，如2024-03：“%s”") % value)])
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def panel_region(user, value: str | None) -> str:
    """The region a panel covers; a bureau may only ask within its own subtree."""
    code = core_regions.resolve(value) if value else (user.region_id or "")
    jurisdiction = Jurisdiction.of(user)
    if jurisdiction.is_bureau and not jurisdiction.contains(code):
        raise ServiceError([FieldError("region", _("区域“%s”不在您的管辖范围内") % value)])
    return code


def _panel_scope(user, code: str, prefix: str = "", own_origin: bool = False) -> Q:
    """The panel's rows: applications whose origin (the person's hukou when they applied, as in
    the transfer ledger) lies in ``code``. For a bureau asking within its own subtree (checked by
    panel_region) and for admins that is already the scope; anyone else is further limited by
    ``visible_to``. ``prefix`` reaches the application from events and follow-ups; those carry
    their own copy of the origin (``own_origin``), which spares the join to applications."""
    q = in_subtree("origin_region_id" if own_origin else f"{prefix}origin_region_id", code) if code else Q()
    if _rollup_serves(user, code):
        return q
    return q & Q(
        **{f"{prefix}pk__in" if prefix else "pk__in": Application.objects.visible_to(user).values("pk")}
    )


def _rollup_serves(user, code: str) -> bool:
    """The rollup counts by origin alone: it answers for admins and for a bureau within its own
    subtree (already checked by ``panel_region``), whose scope is the origin range itself. Other
    viewers (a commissioner sees only their grids' people) are counted directly, over their
    small scope."""
    jurisdiction = Jurisdiction.of(user)
    return jurisdiction.everywhere or bool(jurisdiction.is_bureau and code)


def panel_stats(user, *, region: str | None, month: str | None) -> dict:
    """Moves this month by state, median days intention→hire, retention at 30/90/180 days, for
    applications from ``region`` among those the viewer may see. From the rollup (one index
    range over the month's rows of the region's origins) when it answers for the viewer,
    otherwise counted directly (``panel_stats_direct``); both give the same figures."""
    first, last = parse_month(month)
    code = panel_region(user, region)
    if not _rollup_serves(user, code):
        return _direct(user, code, first, last)
    by_state = {s: 0 for s in State.values}
    hist: dict[int, int] = {}
    kept = {d: 0 for d in RETENTION_DAYS}
    checked = {d: 0 for d in RETENTION_DAYS}
    qs = PlacementRollup.objects.filter(month=first.year * 100 + first.month)
    if code:
        qs = qs.filter(in_subtree("origin", code))
    for kind, value, days, n in qs.values_list("kind", "value", "days").annotate(total=Sum("n")).order_by():
        if kind == RollupKind.MOVE:
            by_state[value] = by_state.get(value, 0) + n
        elif kind == RollupKind.HIRE:
            hist[days] = hist.get(days, 0) + n
        elif kind == RollupKind.CHECK and days in checked:
            checked[days] += n
            kept[days] += n if value == "kept" else 0
    return _stats(
        code,
        first,
        by_state,
        sum(hist.values()),
        _median(hist),
        {d: (checked[d], kept[d]) for d in RETENTION_DAYS},
    )


def _median(hist: dict[int, int]):
    """statistics.median of the days the histogram holds, without expanding it."""
    total = sum(hist.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found, seen = [], 0
    for days in sorted(hist):
        seen += hist[days]
        while wanted and wanted[0] < seen:
            found.append(days)
            wanted.pop(0)
    return found[0] if total % 2 else (found[0] + found[1]) / 2


def _stats(code: str, first: dt.date, by_state: dict, hires: int, median, checks: dict) -> dict:
    retention = {}
    for d in RETENTION_DAYS:
        total, kept = checks.get(d, (0, 0))
        retention[str(d)] = {
            "checked": total,
            "retained": kept,
            "rate": round(kept / total, 4) if total else None,
        }
    return {
        "region": code,
        "region_name": core_regions.full_name(code) if code else "",
        "month": f"{first.year:04d}-{first.month:02d}",
        "by_state": by_state,
        "hires": hires,
        "median_days_to_hire": median,
        "retention": retention,
    }


def panel_stats_direct(user, *, region: str | None, month: str | None) -> dict:
    """The same figures counted from events, applications and follow-ups (the rollup's check,
    and the benchmark's peer)."""
    first, last = parse_month(month)
    return _direct(user, panel_region(user, region), first, last)


def _direct(user, code: str, first: dt.date, last: dt.date) -> dict:
    """Each figure is one indexed query over the month's rows (events by time, hires by date,
    checks by due date), so a region costs about what its month holds."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    by_state = {s: 0 for s in State.values}
    events = (
        ApplicationEvent.objects.filter(
            _panel_scope(user, code, "application__", own_origin=True), at__gte=start, at__lt=end
        )
        .values("to_state")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in events:
        by_state[row["to_state"]] = row["n"]
    hires = Application.objects.filter(
        _panel_scope(user, code), hired_on__gte=first, hired_on__lte=last
    ).values_list("created_at", "hired_on")
    days = [(hired - timezone.localtime(created).date()).days for created, hired in hires]
    # Retention: of the N-day checks due in the month that were answered, or made moot by an
    # earlier departure (cancelled), the share still at work. Checks not done are unknown, not
    # failures; they show as missed on the to-do lists.
    checks = (
        FollowUp.objects.filter(
            _panel_scope(user, code, "application__", own_origin=True), due_on__gte=first, due_on__lte=last
        )
        .filter(Q(done_on__isnull=False) | Q(cancelled=True))
        .values("days")
        .annotate(total=Count("days"), kept=Count("days", filter=Q(still_employed=True)))
        .order_by()
    )
    counts = {row["days"]: (row["total"], row["kept"]) for row in checks}
    return _stats(code, first, by_state, len(days), statistics.median(days) if days else None, counts)
