"""The lean path and the WSGI fast lane answer "who may see this seeker" with the compiled SQL of
``Seeker.objects.visible_to(user)`` (``lean.scope_sql``), which is ``Jurisdiction.of(user)``'s
rule over active seekers. For every role, on a small world, the compiled scope selects exactly
the seekers ``visible_to`` returns, and the lane's own statement (``s.id = %s AND s.id IN
(scope)``) answers 404 for exactly the others, so the two cannot drift apart."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404

from jobbridge.core.models import Role
from jobbridge.matching import lean
from jobbridge.people.models import Seeker
from tests.factories import LEDU, LEDU_TOWN, PING_AN, GridFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db
XINING = "630102"
WUXI = "320205"
PLACES = (LEDU_TOWN, PING_AN, XINING, WUXI)


@pytest.fixture
def world():
    grids = [GridFactory(), GridFactory(), GridFactory()]
    seekers = []
    for n, (hukou, residence) in enumerate(itertools.product(PLACES, PLACES)):
        seekers.append(
            SeekerFactory(
                hukou_region_id=hukou, residence_region_id=residence, grid=grids[n % 4 % 3] if n % 4 else None
            )
        )
    merged = seekers[1]
    Seeker.objects.filter(pk=merged.pk).update(merged_into=seekers[0])  # a tombstone: nobody sees it
    own = UserFactory(seeker=True)
    Seeker.objects.filter(pk=seekers[5].pk).update(user=own)
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.set(grids[:2])
    return {
        "seekers": seekers,
        "viewers": {
            "superuser": UserFactory(admin=True),
            "administrator role": UserFactory(role=Role.ADMIN, region_id=None),
            "bureau, province": UserFactory(region_id="630000"),
            "bureau, prefecture": UserFactory(region_id="630200"),
            "bureau, county": UserFactory(region_id=LEDU),
            "bureau, receiving city": UserFactory(region_id="320200"),
            "bureau without a region": UserFactory(region_id=None),
            "commissioner with grids": commissioner,
            "commissioner without grids": UserFactory(commissioner=True),
            "recruiter": UserFactory(recruiter=True),
            "seeker with a record": own,
            "seeker without one": UserFactory(seeker=True),
            "anonymous": AnonymousUser(),
        },
    }


def compiled_ids(scope) -> set[int]:
    if scope is None:
        return set()
    sql, params = scope
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {row[0] for row in cur.fetchall()}


def test_the_compiled_scope_is_visible_to_for_every_role(world):
    seen_by = {}
    for role, user in world["viewers"].items():
        visible = set(Seeker.objects.visible_to(user).values_list("pk", flat=True))
        assert compiled_ids(lean.scope_sql(user)) == visible, role
        seen_by[role] = visible
    # The world tells the roles apart (a test where everyone saw everything would prove nothing).
    everyone = {s.pk for s in world["seekers"]} - {world["seekers"][1].pk}
    assert seen_by["superuser"] == seen_by["administrator role"] == everyone
    assert set() < seen_by["bureau, county"] < seen_by["bureau, prefecture"] <= seen_by["bureau, province"]
    in_wuxi = {s.pk for s in world["seekers"] if WUXI in (s.hukou_region_id, s.residence_region_id)}
    assert seen_by["bureau, receiving city"] == in_wuxi - {world["seekers"][1].pk}
    assert seen_by["seeker with a record"] == {world["seekers"][5].pk}
    assert seen_by["commissioner with grids"] and seen_by["commissioner with grids"] < everyone
    for role in (
        "bureau without a region",
        "commissioner without grids",
        "recruiter",
        "seeker without one",
        "anonymous",
    ):
        assert seen_by[role] == set(), role


def test_the_lanes_statement_finds_exactly_the_visible_seekers(world):
    """``stored_recommendations`` is what the lane and the lean path run: 404 outside the scope;
    inside it, with no current version, None (the selector answers)."""
    ids = [s.pk for s in world["seekers"]] + [10**9]
    for role, user in world["viewers"].items():
        scope = lean.scope_sql(user)
        visible = set(Seeker.objects.visible_to(user).values_list("pk", flat=True))
        if scope is None:  # the lane and the endpoint answer 404 without a query
            assert visible == set(), role
            continue
        found = set()
        for sid in ids:
            try:
                assert lean.stored_recommendations(sid, scope, 5) is None
                found.add(sid)
            except Http404:
                pass
        assert found == visible, role
