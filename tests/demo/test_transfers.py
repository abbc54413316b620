"""The demo's transfer ledger: written through the bulk path (rollups in step), idempotent, removable."""

import pytest

from jobbridge.demo import transfers as demo
from jobbridge.people.models import Seeker
from jobbridge.transfers import selectors
from jobbridge.transfers.models import TransferRollup
from tests.factories import SeekerFactory

pytestmark = pytest.mark.django_db


def test_demo_populate_is_idempotent_and_reset_removes_it():
    SeekerFactory.create_batch(30, source=Seeker.Source.DEMO)
    written = demo.populate(share=1.0)
    assert written >= 30 and demo.populate(share=1.0) == 0
    assert sum(r.person_times for r in TransferRollup.objects.filter(dimension="channel")) == written
    assert selectors.monthly_report("630000", 202301).person_times >= 0
    assert demo.reset() == written and not TransferRollup.objects.exists()
