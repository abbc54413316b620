import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobbridge.core import regions
from jobbridge.core.models import Industry, Occupation, Region
from jobbridge.core.models.regions import subtree_bounds

pytestmark = pytest.mark.django_db


def test_reference_data_is_complete():
    counts = {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 33, 2: 333, 3: 2845, 4: 38723}
    # 8/73/336/1,634 rows in the source; four codes repeat (see reference.read_occupations).
    occ = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert occ == {1: 8, 2: 72, 3: 335, 4: 1632}
    welder = Occupation.objects.get(pk="6-18-02-04")
    assert welder.name == "焊工" and welder.parent_id == "6-18-02-00"
    assert welder.aliases.filter(alias="氩弧焊工").exists()
    assert Industry.objects.filter(level=1).count() == 20
    assert Industry.objects.filter(level=2).count() == 97
    # Every county-level division has a centroid; Haidong's Ledu district sits near 36.5N 102.4E.
    assert not Region.objects.filter(level=3, latitude__isnull=True).exists()
    ledu = Region.objects.get(pk="630202")
    assert ledu.name == "乐都区" and ledu.pinyin == "leduqu" and ledu.parent_id == "630200"
    assert 36 < ledu.latitude < 37 and 102 < ledu.longitude < 103


def test_load_reference_is_idempotent():
    before = Region.objects.count(), Occupation.objects.count()
    call_command("load_reference", verbosity=0)
    assert (Region.objects.count(), Occupation.objects.count()) == before


def test_subtree_by_code_range_equals_tree_walk():
    children: dict[str, list[str]] = {}
    for code, parent in Region.objects.values_list("code", "parent_id"):
        children.setdefault(parent, []).append(code)

    def walk(code):
        out = [code]
        for child in children.get(code, []):
            out.extend(walk(child))
        return out

    for code in ["630000", "630200", "630202", "441900", "500000", "110000", "429004"]:
        by_range = set(Region.objects.filter(Region(code=code).subtree_q()).values_list("code", flat=True))
        assert by_range == set(walk(code)), code


def test_subtree_query_uses_an_index():
    low, high = subtree_bounds("630200")
    assert (low, high) == ("6302", "6303")
    with CaptureQueriesContext(connection) as ctx:
        list(Region.objects.filter(Region(code="630200").subtree_q()).values_list("code"))
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(r) for r in cur.fetchall())
            assert "SEARCH" in plan and "SCAN" not in plan.replace("SCAN CONSTANT", "")
        else:
            # The region table is small enough that the planner may prefer a scan; what matters
            # is that an index *can* serve the range, so forbid the sequential scan.
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql)
            plan = " ".join(r[0] for r in cur.fetchall())
            assert "Index" in plan


@pytest.mark.parametrize(
    ("origin", "destination", "expected"),
    [
        ("630202", "320205", "out_of_province"),  # Ledu -> Wuxi Xishan
        ("630202", "630203", "within_province"),  # Ledu -> Ping'an, both Haidong
        ("630202", "630102", "within_province"),  # Ledu -> Xining
        ("630202001", "630202", "nearby"),  # a Ledu town -> Ledu
        ("441900003", "441900004", "nearby"),  # two Dongguan towns: Dongguan has no counties
        ("441900003", "440106", "within_province"),  # Dongguan -> Guangzhou Tianhe
    ],
)
def test_classify_move(origin, destination, expected):
    assert regions.classify_move(origin, destination) == expected


def test_resolve_accepts_names_paths_and_codes():
    assert regions.resolve("乐都区") == "630202"
    assert regions.resolve("青海省海东市乐都区") == "630202"
    assert regions.resolve(" ６３０２０２ ") == "630202"
    assert regions.resolve("东莞") == "441900"
    with pytest.raises(regions.UnknownRegion, match="朝阳区.*多个"):
        regions.resolve("朝阳区")
    with pytest.raises(regions.UnknownRegion, match="999999"):
        regions.resolve("999999")


def test_cli_classify_accepts_names(capsys):
    call_command("regions", "classify", "乐都区", "无锡市")
    assert capsys.readouterr().out.strip() == "out_of_province"
