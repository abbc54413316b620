"""`jobbridge placements apply|move|due|check|panel`."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobbridge.placements.models import Application, State
from tests.factories import LEDU
from tests.placements.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("placements", *args, stdout=out)
    return out.getvalue()


def test_apply_move_due_check(seeker, posting, commissioner, recruiter):
    body = json.loads(
        run(
            "apply",
            "--seeker",
            seeker.pk,
            "--posting",
            posting.pk,
            "--user",
            "zhuanyuan",
            "--consent",
            "本人电话同意",
            "--json",
        )
    )
    assert body["created"] and body["source"] == "commissioner"
    again = json.loads(
        run(
            "apply",
            "--seeker",
            seeker.pk,
            "--posting",
            posting.pk,
            "--user",
            "zhuanyuan",
            "--consent",
            "本人电话同意",
            "--json",
        )
    )
    assert again["id"] == body["id"] and not again["created"]
    for state in ("contacted", "interview", "offer"):
        assert f"→ {state}" in run("move", body["id"], state, "--user", "hr")
    on = timezone.localdate() - dt.timedelta(days=30)
    run("move", body["id"], "hired", "--user", "hr", "--on", on.isoformat())
    run("move", body["id"], "arrived", "--user", "hr", "--on", on.isoformat())
    due = json.loads(run("due", "--user", "zhuanyuan", "--json"))
    assert [(d["days"], d["status"]) for d in due] == [(30, "today")]
    assert "today" in run("due", "--user", "zhuanyuan")
    out = json.loads(run("check", due[0]["id"], "--user", "zhuanyuan", "--employed", "--json"))
    assert out["state"] == "retained_30"
    assert "no retention checks due" in run("due", "--user", "zhuanyuan")
    panel = json.loads(run("panel", "--user", "zhuanyuan", "--region", LEDU, "--json"))
    assert panel["by_state"]["hired"] == 1  # moves counted in the month they were recorded
    panel = json.loads(
        run("panel", "--user", "zhuanyuan", "--region", LEDU, "--month", f"{on:%Y-%m}", "--json")
    )
    assert panel["hires"] == 1  # hires in the month of their hire date


def test_errors_are_clear(seeker, posting, commissioner, recruiter):
    with pytest.raises(CommandError, match="consent_note"):
        run("apply", "--seeker", seeker.pk, "--posting", posting.pk, "--user", "zhuanyuan")
    with pytest.raises(CommandError, match="--seeker"):
        run("apply", "--seeker", 999999, "--posting", posting.pk, "--user", "zhuanyuan")
    with pytest.raises(CommandError, match="--user"):
        run("due", "--user", "nobody")
    app = ApplicationFactory(seeker=seeker, posting=posting)
    with pytest.raises(CommandError, match="intention.*hired"):
        run("move", app.pk, "hired", "--user", "hr")
    with pytest.raises(CommandError, match="--on"):
        run("move", app.pk, "contacted", "--user", "hr", "--on", "yesterday")
    with pytest.raises(CommandError, match="not found"):
        run("move", ApplicationFactory().pk, "contacted", "--user", "hr")
    with pytest.raises(CommandError, match="reason"):
        run("move", app.pk, "refused", "--user", "hr")
    assert Application.objects.get(pk=app.pk).state == State.INTENTION
