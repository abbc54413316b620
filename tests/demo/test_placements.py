"""demo.placements.populate over a small demo world: plausible, rule-abiding, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobbridge.demo import placements as demo
from jobbridge.placements.models import EMPLOYED_STATES, Application, ApplicationEvent, State
from jobbridge.transfers.models import Transfer

pytestmark = pytest.mark.django_db


def test_populate_makes_a_pipeline_that_obeys_the_rules():
    call_command(
        "demo",
        stdout=io.StringIO(),
        seekers=300,
        enterprises=20,
        seed=7,
        today=timezone.localdate(),
        no_progress=True,
        force=True,
    )
    counts = demo.populate(rng_seed=3, people=80)
    assert counts.get(State.INTENTION, 0) and counts.get(State.HIRED, 0) + counts.get(State.ARRIVED, 0) + sum(
        counts.get(s, 0) for s in (State.RETAINED_30, State.RETAINED_90, State.RETAINED_180, State.LEFT)
    )
    assert counts.get(State.REFUSED, 0) and counts["followups"]
    assert demo.populate(rng_seed=3, people=80) == counts  # a second run adds nothing
    hired = Application.objects.filter(hired_on__isnull=False)
    assert hired.count() == Transfer.objects.filter(application_id__isnull=False).count()
    assert set(hired.values_list("state", flat=True)) <= {*EMPLOYED_STATES, State.LEFT}
    # Histories run forward in time and start before today.
    for app in Application.objects.all()[:50]:
        times = list(
            ApplicationEvent.objects.filter(application=app).order_by("pk").values_list("at", flat=True)
        )
        assert times == sorted(times) and app.created_at <= times[0] + timezone.timedelta(days=1)
    assert Application.objects.filter(seeker__user__username="demo_seeker").count() == 2
    assert demo.clear() == sum(v for k, v in counts.items() if k != "followups")
    assert not Application.objects.exists()
