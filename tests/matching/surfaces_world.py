"""A small world for the matching pages: welders in Haidong and one in Wuxi, two Wuxi enterprises
with a welding post each, a closed post, and one user of each kind."""

from types import SimpleNamespace

import pytest

from tests.factories import (
    LEDU,
    LEDU_TOWN,
    PING_AN,
    WUXI_XISHAN,
    DiagnosisFactory,
    EnterpriseFactory,
    GridFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
)

WELDER = "6-18-02-04"
WUXI = "320200"


def welder(**kwargs):
    seeker = SeekerFactory(expected_wage=5000, **kwargs)
    seeker.desired_occupations.set([WELDER])
    seeker.desired_regions.set([WUXI])
    return seeker


@pytest.fixture(name="sw")
def surfaces_world(db):
    grid = GridFactory(township_id=LEDU_TOWN)
    x, y = (
        EnterpriseFactory(region_id=WUXI_XISHAN, name="无锡焊接甲公司"),
        EnterpriseFactory(region_id=WUXI_XISHAN),
    )
    seeker_a_user, seeker_b_user = UserFactory(seeker=True), UserFactory(seeker=True)
    a = welder(name="马青松", grid=grid, user=seeker_a_user)
    b = welder(name="韩春梅", hukou_region_id=PING_AN, residence_region_id=PING_AN, user=seeker_b_user)
    DiagnosisFactory(seeker=b, criterion="disability")
    c = welder(name="王无锡", hukou_region_id=WUXI_XISHAN, residence_region_id=WUXI_XISHAN)
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(grid)
    return SimpleNamespace(
        grid=grid,
        x=x,
        y=y,
        a=a,
        b=b,
        c=c,
        seeker_a_user=seeker_a_user,
        seeker_b_user=seeker_b_user,
        px=PostingFactory(
            enterprise=x, title="电焊工", occupation_id=WELDER, wage_max=6500, board=True, lodging=True
        ),
        py=PostingFactory(
            enterprise=y, title="焊工（夜班）", occupation_id=WELDER, wage_min=4000, wage_max=5500
        ),
        pz=PostingFactory(enterprise=x, title="已关闭焊工", occupation_id=WELDER, status="closed"),
        recruiter_x=UserFactory(recruiter=True, enterprise=x),
        recruiter_y=UserFactory(recruiter=True, enterprise=y),
        ledu_clerk=UserFactory(region_id=LEDU),
        city_clerk=UserFactory(region_id="630200", pii_access=True),
        wuxi_clerk=UserFactory(region_id=WUXI),
        commissioner=commissioner,
        admin=UserFactory(admin=True),
    )
