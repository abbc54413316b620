import pytest

from jobbridge.core.models import Role
from tests.factories import LEDU, GridFactory, PostingFactory, SeekerFactory, UserFactory


@pytest.fixture
def grid(db):
    return GridFactory()


@pytest.fixture
def commissioner(grid):
    user = UserFactory(commissioner=True, username="zhuanyuan")
    user.grids.add(grid)
    return user


@pytest.fixture
def clerk(db):
    return UserFactory(county_clerk=True, username="ledu_clerk")  # Ledu county bureau


@pytest.fixture
def posting(db):
    return PostingFactory(headcount=3)


@pytest.fixture
def recruiter(posting):
    return UserFactory(recruiter=True, enterprise=posting.enterprise, username="hr")


@pytest.fixture
def seeker_user(db):
    return UserFactory(seeker=True, username="zhangsan")


@pytest.fixture
def seeker(grid, seeker_user):
    return SeekerFactory(grid=grid, user=seeker_user, hukou_region_id=LEDU + "001")


@pytest.fixture
def outsider(db):
    other = GridFactory()
    user = UserFactory(role=Role.COMMISSIONER, region_id=None, username="other_comm")
    user.grids.add(other)
    return user


def _ensure_reference_data() -> None:
    from django.core.management import call_command

    from jobbridge.core.models import Region

    if not Region.objects.exists():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests end with a flush that empties every table, the migration-loaded
    reference data included; reload it (idempotent) when an earlier one emptied it."""
    _ensure_reference_data()


@pytest.fixture(scope="module", autouse=True)
def _leave_reference_data_behind(request, django_db_blocker):
    """Tests that run after a transactional one expect the reference data; put it back."""
    yield
    if not any(m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")):
        return
    from django.db import connections

    with django_db_blocker.unblock():
        _ensure_reference_data()
        connections.close_all()
