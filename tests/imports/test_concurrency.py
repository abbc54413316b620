"""Two imports of the same file at once must not register anyone twice (PostgreSQL: real threads)."""

import threading

import pytest
from django.db import connections

from jobbridge.imports.services import import_roster
from jobbridge.people.models import Seeker

from .conftest import seeker_row


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_file(roster):
    path = roster([seeker_row() for _ in range(300)])
    outcomes, failures = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            outcomes.append(import_roster(kind="seekers", path=path))
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert Seeker.objects.count() == 300
    assert sorted(o.created for o in outcomes) == [0, 300] or sum(o.created for o in outcomes) == 300
    assert sum(o.created + o.unchanged for o in outcomes) == 600
