"""200 hire requests at once at a posting with 50 vacancies: exactly 50 hired, 150 clear refusals.

Each thread has its own database connection (Django opens one per thread). On PostgreSQL the
posting row lock serialises the hires; on SQLite, BEGIN IMMEDIATE does (see services.py). A pool
of 16 threads keeps under PostgreSQL's connection limit (100, shared with other test runs) while
the requests still overlap."""

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
