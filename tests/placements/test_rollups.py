"""The panel's rollup equals a direct count: after a random mix of moves (hires obsoleting the
person's other applications, arrivals, retention checks kept and lost, departures cancelling
the later checks, refusals, withdrawals, refused moves that roll back), after concurrent hires,
and after ``rebuild-rollups``; the panel reads the same figures from it as from a direct count."""

import datetime as dt
import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from jobbridge.core.errors import ServiceError
from jobbridge.placements import rollups
from jobbridge.placements.models import FollowUp, PlacementRollup, State
from jobbridge.placements.selectors import panel_stats, panel_stats_direct
from jobbridge.placements.services import application_create, application_move, followup_record
from jobbridge.placements.transitions import RETENTION, TRANSITIONS
from tests.factories import PostingFactory, SeekerFactory, UserFactory

ORIGINS = ["630202001", "630202002", "630203", "630203001", "630102001", "520502001"]
REGIONS = ["630000", "630200", "630202", "630203", "630202001", "630100", "520000", None]


def assert_agrees(user, months) -> None:
    direct = rollups.counts_from_rows()
    assert direct, "nothing was counted"
    assert rollups.stored() == direct
    for month in months:
        for region in REGIONS:
            if user.region_id and region and not region.startswith(user.region_id[:2]):
                continue
            assert panel_stats(user, region=region, month=month) == panel_stats_direct(
                user, region=region, month=month
            ), (region, month)


def months_of(counts) -> list[str]:
    return sorted({f"{k[0] // 100:04d}-{k[0] % 100:02d}" for k in counts})


def random_walk(rng: random.Random, actor, apps: list, steps: int) -> dict[str, int]:
    """Random legal and illegal moves; returns how many of each target were made."""
    made: dict[str, int] = {}
    today = timezone.localdate()
    for _ in range(steps):
        live = [a for a in apps if TRANSITIONS[a.state]]
        if not live:
            break
        app = rng.choice(live)
        # Mostly forward (the first move in the table), sometimes a closing one, sometimes illegal.
        roll = rng.random()
        options = [s for s in TRANSITIONS[app.state] if s != State.OBSOLETE]
        to = options[0] if roll < 0.7 else rng.choice(options) if roll < 0.95 else State.HIRED
        try:
            if to in RETENTION:
                followup = app.followups.get(days=RETENTION[to])
                kept = rng.random() < 0.7
                followup_record(
                    followup=followup,
                    actor=actor,
                    still_employed=kept,
                    on=min(followup.due_on, today),
                    reason="" if kept else "family",
                )
                to = to if kept else State.LEFT
            else:
                on = None
                if to == State.HIRED:
                    on = today - dt.timedelta(days=rng.randint(0, 400))
                elif to == State.ARRIVED:
                    on = min(app.hired_on + dt.timedelta(days=rng.randint(0, 6)), today)
                reason = "wage" if to in (State.REFUSED, State.LEFT) else ""
                application_move(application=app, actor=actor, to_state=to, reason=reason, on=on)
            for a in apps:  # a hire obsoletes the person's other applications
                if a.seeker_id == app.seeker_id:
                    a.refresh_from_db()
            made[to] = made.get(to, 0) + 1
        except ServiceError:
            made["refused_by_service"] = made.get("refused_by_service", 0) + 1
    return made


@pytest.mark.django_db
def test_random_moves_keep_the_rollup_equal_to_a_direct_count(monkeypatch):
    rng = random.Random(4)
    admin = UserFactory(admin=True)
    seekers = [SeekerFactory(hukou_region_id=ORIGINS[i % len(ORIGINS)]) for i in range(18)]
    postings = [PostingFactory(headcount=rng.randint(2, 6)) for _ in range(6)]
    real_now = timezone.now()
    made: dict[str, int] = {}
    apps = []
    # Three clocks, so moves fall in three months (the services stamp events with "now").
    for shift in (70, 35, 0):
        monkeypatch.setattr(timezone, "now", lambda shift=shift: real_now - dt.timedelta(days=shift))
        for seeker in seekers:
            for posting in rng.sample(postings, 2):
                try:
                    apps.append(
                        application_create(
                            seeker=seeker,
                            posting=posting,
                            actor=admin,
                            source="commissioner",
                            consent_note="电话同意",
                        )
                    )
                except ServiceError:
                    pass
        for key, n in random_walk(rng, admin, apps, 150).items():
            made[key] = made.get(key, 0) + n
    monkeypatch.undo()
    # The mix did what it should: hires obsoleting other applications, checks, departures, refusals.
    assert made.get(State.HIRED, 0) >= 5 and made.get("refused_by_service", 0) >= 5, made
    assert PlacementRollup.objects.filter(kind="move", value=State.OBSOLETE).exists()
    assert (
        FollowUp.objects.filter(cancelled=True).exists()
        and FollowUp.objects.filter(still_employed=True).exists()
    )
    counts = rollups.counts_from_rows()
    assert len({k[0] for k in counts if k[2] == "move"}) >= 2  # events in more than one month
    months = months_of(counts)
    assert_agrees(admin, months)
    assert_agrees(UserFactory(role="bureau", region_id="630000"), months[-3:])
    before = rollups.stored()
    # Rebuild: the same table again; and after a wrong row, the rebuild puts it right.
    PlacementRollup.objects.filter(pk=PlacementRollup.objects.order_by("pk").first().pk).update(n=999)
    assert rollups.stored() != before
    result = rollups.rebuild()
    assert rollups.stored() == before and result["rollup_rows"] == len(before)
    assert_agrees(admin, months)


@pytest.mark.django_db
def test_a_refused_move_counts_nothing(seeker, posting, recruiter, commissioner):
    app = application_create(
        seeker=seeker, posting=posting, actor=commissioner, source="commissioner", consent_note="同意"
    )
    before = rollups.stored()
    with pytest.raises(ServiceError):
        application_move(application=app, actor=recruiter, to_state=State.HIRED)  # intention → hired: illegal
    with pytest.raises(ServiceError):
        application_move(application=app, actor=recruiter, to_state=State.REFUSED)  # no reason
    assert rollups.stored() == before


@pytest.mark.django_db
def test_rebuild_command_and_check(seeker, posting, commissioner, recruiter):
    app = application_create(
        seeker=seeker, posting=posting, actor=commissioner, source="commissioner", consent_note="同意"
    )
    for state in (State.CONTACTED, State.INTERVIEW, State.OFFER, State.HIRED):
        application_move(application=app, actor=recruiter, to_state=state)
    out = StringIO()
    call_command("placements", "rebuild-rollups", "--check", "--json", stdout=out)
    assert json.loads(out.getvalue())["differences"] == 0
    PlacementRollup.objects.filter(kind="hire").delete()
    with pytest.raises(CommandError, match="differs from a direct count in 1 rows"):
        call_command("placements", "rebuild-rollups", "--check", stdout=StringIO())
    out = StringIO()
    call_command("placements", "rebuild-rollups", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert (body["events"], body["hires"], body["checks"]) == (5, 1, 0)
    call_command("placements", "rebuild-rollups", "--check", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_concurrent_hires_and_obsolete_moves_keep_the_rollup_exact():
    """60 people with three offers each at postings with 25 vacancies in all; 16 threads hire,
    withdraw and refuse at once. Hires obsolete the person's other offers; full postings and
    people already hired refuse. The rollup still equals a direct count."""
    rng = random.Random(7)
    admin = UserFactory(admin=True)
    postings = [PostingFactory(headcount=5) for _ in range(5)]
    apps = []
    for i in range(60):
        seeker = SeekerFactory(hukou_region_id=ORIGINS[i % len(ORIGINS)])
        for posting in rng.sample(postings, 3):
            app = application_create(
                seeker=seeker, posting=posting, actor=admin, source="commissioner", consent_note="同意"
            )
            for state in (State.CONTACTED, State.INTERVIEW, State.OFFER):
                app = application_move(application=app, actor=admin, to_state=state)
            apps.append(app)
    requests = [
        (app, rng.choice([State.HIRED, State.HIRED, State.HIRED, State.WITHDRAWN, State.REFUSED]))
        for app in rng.sample(apps, len(apps))
    ]
    start = threading.Barrier(16)
    local = threading.local()

    def move(request):
        app, to = request
        try:
            if not getattr(local, "started", False):
                local.started = True
                start.wait()
            application_move(
                application=app, actor=admin, to_state=to, reason="wage" if to == State.REFUSED else ""
            )
            return to
        except ServiceError:
            return "refused"
        except Exception as e:  # noqa: BLE001 - shown by the assertion below
            return f"ERROR {type(e).__name__}: {e}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(move, requests))
    assert not [r for r in results if r.startswith("ERROR")], results
    assert results.count(State.HIRED) == 25 and results.count("refused") > 0
    assert PlacementRollup.objects.filter(kind="move", value=State.OBSOLETE).exists()
    month = f"{timezone.localdate():%Y-%m}"
    assert_agrees(admin, [month])
    hired = [
        panel_stats(admin, region=r, month=month)["by_state"][State.HIRED] for r in ("630000", "520000", None)
    ]
    assert hired[0] + hired[1] == hired[2] == 25
    before = rollups.stored()
    rollups.rebuild()
    assert rollups.stored() == before
