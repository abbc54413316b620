"""A small world for page tests: one person of each role, and seekers placed so that each role
should see a different subset."""

from types import SimpleNamespace

import pytest

from tests.factories import (
    LEDU,
    LEDU_TOWN,
    PASSWORD,
    PING_AN,
    WUXI_XISHAN,
    EnterpriseFactory,
    GridFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    grid = GridFactory(township_id=LEDU_TOWN)
    enterprise = EnterpriseFactory(region_id=WUXI_XISHAN)
    haidong_enterprise = EnterpriseFactory(region_id=LEDU)
    posting = PostingFactory(enterprise=enterprise)

    city_clerk = UserFactory(username="city", region_id="630200", display_name="海东市职员")
    county_clerk = UserFactory(username="pingan", region_id=PING_AN)  # another county than Ledu
    commissioner = UserFactory(username="comm", commissioner=True)
    commissioner.grids.add(grid)
    recruiter = UserFactory(username="hr", recruiter=True, enterprise=enterprise)
    seeker_user = UserFactory(username="13800000001", seeker=True)
    admin = UserFactory(username="root", admin=True)

    seekers = SimpleNamespace(
        ledu_grid=SeekerFactory(name="网格内", grid=grid),
        ledu=SeekerFactory(name="乐都人"),
        pingan=SeekerFactory(name="平安人", hukou_region_id=PING_AN, residence_region_id=PING_AN),
        wuxi=SeekerFactory(name="无锡人", hukou_region_id=WUXI_XISHAN, residence_region_id=WUXI_XISHAN),
        own=SeekerFactory(name="本人", user=seeker_user),
    )
    return SimpleNamespace(
        grid=grid,
        enterprise=enterprise,
        haidong_enterprise=haidong_enterprise,
        posting=posting,
        city_clerk=city_clerk,
        county_clerk=county_clerk,
        commissioner=commissioner,
        recruiter=recruiter,
        seeker_user=seeker_user,
        admin=admin,
        seekers=seekers,
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD
