"""200 hire requests at once at a posting with 50 vacancies: exactly 50 hired, 150 clear refusals.

Each thread has its own database connection (Django opens one per thread). On PostgreSQL the
posting row lock serialises the hires; on SQLite, BEGIN IMMEDIATE does (see services.py). A pool
of 16 threads keeps under PostgreSQL's connection limit (100, shared with other test runs) while
the requests still overlap."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from jobbridge.core.errors import ServiceError
from jobbridge.employers.models import Posting
from jobbridge.placements.models import Application, ApplicationEvent, State
from tests.factories import PostingFactory, SeekerFactory, UserFactory
from tests.placements.factories import ApplicationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_200_concurrent_hires_fill_exactly_50_vacancies():
    from jobbridge.placements.services import application_move

    posting = PostingFactory(headcount=60, filled=10)  # 50 vacancies
    recruiter = UserFactory(recruiter=True, enterprise=posting.enterprise)
    seekers = SeekerFactory.create_batch(200)
    apps = [ApplicationFactory(seeker=s, posting=posting, state=State.OFFER) for s in seekers]
    start = threading.Barrier(16)
    local = threading.local()

    def hire(app):
        try:
            if not getattr(local, "started", False):
                local.started = True
                start.wait()
            application_move(application=app, actor=recruiter, to_state=State.HIRED)
            return "hired"
        except ServiceError as e:
            return e.errors[0].message
        except Exception as e:  # noqa: BLE001 - any other failure is a test failure, shown below
            return f"ERROR {type(e).__name__}: {e}"
        finally:
            connections.close_all()  # the thread's own connection; none may outlive the test

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(hire, apps))

    errors = [r for r in results if r.startswith("ERROR")]
    assert not errors, errors[:3]
    assert results.count("hired") == 50
    refusals = [r for r in results if r != "hired"]
    assert len(refusals) == 150 and all("已招满" in r for r in refusals), set(refusals)
    posting.refresh_from_db()
    assert (posting.filled, posting.status) == (60, Posting.Status.FILLED)
    assert Application.objects.filter(posting=posting, state=State.HIRED).count() == 50
    assert ApplicationEvent.objects.filter(to_state=State.HIRED).count() == 50
    assert connection.vendor in ("sqlite", "postgresql")


def test_hires_racing_with_edits_and_crafted_patches_keep_the_headcount():
    """The issue-9 race: 200 hires on 50 vacancies while the recruiter edits the description 100
    times and sends crafted PATCHes resetting the count. Exactly 50 hires and 50 ledger rows; the
    count is the hires' and the posting ends full."""
    from jobbridge.employers.services import posting_update
    from jobbridge.placements.services import application_move
    from jobbridge.transfers.models import Transfer

    posting = PostingFactory(headcount=50, filled=0, status=Posting.Status.OPEN)
    recruiter = UserFactory(recruiter=True, enterprise=posting.enterprise)
    seekers = SeekerFactory.create_batch(200)
    apps = [ApplicationFactory(seeker=s, posting=posting, state=State.OFFER) for s in seekers]
    jobs = [("hire", a) for a in apps]
    jobs += [("edit", i) for i in range(100)]
    jobs += [("crafted", i) for i in range(20)]
    # Interleave the edits among the hires so they overlap in time (the same order every run).
    random.Random(9).shuffle(jobs)

    def work(job):
        kind, arg = job
        try:
            fresh = Posting.objects.get(pk=posting.pk)  # as a page would have read it
            if kind == "hire":
                application_move(application=arg, actor=recruiter, to_state=State.HIRED)
                return "hired"
            if kind == "edit":
                posting_update(actor=recruiter, posting=fresh, data={"description": f"第{arg}次修改"})
                return "edited"
            posting_update(actor=recruiter, posting=fresh, data={"filled": 0, "status": "open"})
            return "crafted accepted"
        except ServiceError as e:
            return f"refused {e.errors[0].field}"
        except Exception as e:  # noqa: BLE001 - any other failure is a test failure, shown below
            return f"ERROR {type(e).__name__}: {e}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, jobs))

    errors = [r for r in results if r.startswith("ERROR")]
    assert not errors, errors[:3]
    assert results.count("hired") == 50
    assert results.count("edited") == 100
    # A crafted reset is refused once a hire has counted (before the first one, "filled: 0" is no
    # change and harmless); either way it never lowers the count, as the figures below show.
    posting.refresh_from_db()
    assert (posting.filled, posting.status) == (50, Posting.Status.FILLED)
    assert Application.objects.filter(posting=posting, state=State.HIRED).count() == 50
    assert Transfer.objects.filter(seeker__in=seekers).count() == 50
