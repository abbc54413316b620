"""Two workers delivering at once never send the same message twice (real threads, real
connections: FOR UPDATE SKIP LOCKED on PostgreSQL, the conditional-UPDATE claim on SQLite)."""

import threading

import pytest
from django.db import connections

from jobbridge.notifications import services
from jobbridge.notifications.delivery import deliver_due
from jobbridge.notifications.models import Notification
from tests.factories import SeekerFactory

from .test_delivery import T0


@pytest.mark.django_db(transaction=True)
def test_two_workers_deliver_each_message_exactly_once(gateways):
    seekers = [SeekerFactory() for _ in range(6)]
    for i in range(60):
        services.notification_enqueue(
            channel="sms", kind="x", seeker=seekers[i % 6], key=f"c{i}", payload={"text": str(i)}, at=T0
        )
    results, failures = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            results.append(deliver_due(now=T0, batch=5))
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
    keys = gateways.keys()
    assert len(keys) == 60 and len(set(keys)) == 60
    assert sum(r["sent"] for r in results) == 60
    assert Notification.objects.filter(status="sent").count() == 60
