"""Plausible applications in the demo world (the build calls ``populate`` through ``others``).

Everything goes through the services, so the demo pipeline obeys the same rules as real use:
headcounts, one hire a day, transfers written for every hire, follow-ups scheduled on arrival.
Afterwards the timestamps are spread over the past months (the services stamp "now"), so the
panel's median days from intention to hire and the missed checks look like a working county.
"""

import datetime as dt
import random

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role, User
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker
from jobbridge.placements import rollups
from jobbridge.placements.models import Application, ApplicationEvent, FollowUp, Reason, State
from jobbridge.placements.services import application_create, application_move, followup_record

from .build import demo_enterprises

FORWARD = (State.CONTACTED, State.INTERVIEW, State.OFFER, State.HIRED, State.ARRIVED)
# Share of applications that get at least this far (the rest are refused, withdrawn or still open).
REACH = {State.CONTACTED: 0.7, State.INTERVIEW: 0.45, State.OFFER: 0.3, State.HIRED: 0.22, State.ARRIVED: 0.2}


def _staff() -> User | None:
    return (
        User.objects.filter(username="demo_admin").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def populate(rng_seed: int = 2026, *, people: int = 200, today: dt.date | None = None) -> dict[str, int]:
    """Create applications for about ``people`` demo job seekers. Idempotent: when demo seekers
    already have applications, nothing is added. Returns counts by state."""
    if Application.objects.filter(seeker__source=Seeker.Source.DEMO).exists():
        return _counts()
    actor = _staff()
    if actor is None:
        return {}
    today = min(today or timezone.localdate(), timezone.localdate())
    rng = random.Random(rng_seed)
    open_ids = list(
        Posting.objects.open_on(today)
        .filter(filled__lt=F("headcount"))
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    if not open_ids:
        return {}
    postings = Posting.objects.in_bulk(open_ids)
    posting_ids = sorted(postings)
    seekers = _pick_seekers(people)
    recruiter = User.objects.filter(username="demo_recruiter", role=Role.RECRUITER).first()
    own = [pk for pk in posting_ids if recruiter and postings[pk].enterprise_id == recruiter.enterprise_id]
    for i, seeker in enumerate(seekers):
        choices = rng.sample(posting_ids, k=min(len(posting_ids), rng.randint(1, 3)))
        if own and i % 4 == 0:  # the demo recruiter's board has people on it
            choices[0] = rng.choice(own)
        for pk in choices:
            _one(rng, seeker, postings[pk], actor, today)
    _demo_seeker_own(rng, postings, posting_ids, today)
    # The back-dating moved events and creation dates past what the services counted.
    rollups.rebuild()
    return _counts()


def _pick_seekers(n: int) -> list[Seeker]:
    """Half from the demo commissioner's grids (so their to-do list fills), the rest anywhere."""
    commissioner = User.objects.filter(username="demo_commissioner").first()
    demo = Seeker.objects.filter(source=Seeker.Source.DEMO, merged_into__isnull=True, user__isnull=True)
    picked: list[Seeker] = []
    if commissioner:
        picked = list(demo.filter(grid__in=commissioner.grids.all()).order_by("pk")[: n // 2])
    rest = demo.exclude(pk__in=[s.pk for s in picked]).order_by("pk")[: n - len(picked)]
    return picked + list(rest)


def _one(rng: random.Random, seeker: Seeker, posting: Posting, actor, today: dt.date) -> None:
    start = today - dt.timedelta(days=rng.randint(10, 260))
    fair = rng.random() < 0.3
    try:
        with transaction.atomic():
            app = application_create(
                seeker=seeker,
                posting=posting,
                actor=actor,
                source="fair" if fair else "commissioner",
                consent_note="" if fair else "演示：本人电话确认同意",
            )
            if not app.created_now:
                return
            stamps = [start]
            day = start
            roll = rng.random()
            for state in FORWARD:
                if roll > REACH[state]:
                    ending = rng.choice([State.REFUSED, State.WITHDRAWN, None])
                    if ending and state != State.ARRIVED:
                        day = min(day + dt.timedelta(days=rng.randint(1, 10)), today)
                        reason = rng.choice(
                            [Reason.WAGE, Reason.DISTANCE, Reason.REQUIREMENTS, Reason.NO_REPLY]
                        )
                        application_move(
                            application=app,
                            actor=actor,
                            to_state=ending,
                            reason=reason if ending == State.REFUSED else "",
                        )
                        stamps.append(day)
                    break
                day = min(day + dt.timedelta(days=rng.randint(1, 8)), today)
                app = application_move(application=app, actor=actor, to_state=state, on=day)
                stamps.append(day)
            if app.state == State.ARRIVED:
                stamps += _checks(rng, app, actor, today)
            _backdate(app, stamps)
    except ServiceError:
        return  # a full posting or a person hired elsewhere that day: the demo moves on


def _checks(rng: random.Random, app: Application, actor, today: dt.date) -> list[dt.date]:
    days = []
    for f in app.followups.order_by("days"):
        if f.due_on > today or rng.random() < 0.15:  # undone ones show as missed on the to-do list
            break
        stayed = rng.random() < 0.85
        on = min(f.due_on + dt.timedelta(days=rng.randint(0, 5)), today)
        followup_record(
            followup=f,
            actor=actor,
            still_employed=stayed,
            on=on,
            reason="" if stayed else rng.choice([Reason.WAGE, Reason.FAMILY, Reason.CONDITIONS]),
        )
        days.append(on)
        if not stayed:
            break
    return days


def _backdate(app: Application, stamps: list[dt.date]) -> None:
    """Spread the history over the days it would have taken (the services stamp 'now')."""
    tz = timezone.get_current_timezone()
    events = list(ApplicationEvent.objects.filter(application=app).order_by("pk"))
    last = None
    for i, event in enumerate(events):
        day = stamps[min(i, len(stamps) - 1)]
        last = dt.datetime.combine(day, dt.time(8 + min(i, 14), 30), tzinfo=tz)
        ApplicationEvent.objects.filter(pk=event.pk).update(at=last)
    Application.objects.filter(pk=app.pk).update(
        created_at=dt.datetime.combine(stamps[0], dt.time(9, 0), tzinfo=tz), state_changed_at=last
    )


def _demo_seeker_own(rng: random.Random, postings, posting_ids, today) -> None:
    """Two applications of the demo seeker account, made by the seeker, for "我的申请"."""
    user = User.objects.filter(username="demo_seeker", role=Role.SEEKER).first()
    seeker = Seeker.objects.filter(user=user).first() if user else None
    if seeker is None:
        return
    for pk in rng.sample(posting_ids, k=min(2, len(posting_ids))):
        try:
            application_create(seeker=seeker, posting=postings[pk], actor=user, source="seeker")
        except ServiceError:
            continue


def _counts() -> dict[str, int]:
    rows = Application.objects.values("state").annotate(n=Count("pk")).order_by()
    counts = {row["state"]: row["n"] for row in rows}
    counts["followups"] = FollowUp.objects.count()
    return counts


def clear() -> int:
    """Delete the applications of demo people or at demo enterprises (before a demo reset: the
    foreign keys protect seekers and postings that have applications). Returns how many."""
    qs = Application.objects.filter(seeker__source=Seeker.Source.DEMO) | Application.objects.filter(
        posting__enterprise__in=demo_enterprises()
    )
    n = qs.count()
    FollowUp.objects.filter(application__in=qs.values("pk")).delete()
    ApplicationEvent.objects.filter(application__in=qs.values("pk")).delete()
    Application.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).delete()
    rollups.rebuild()
    return n
