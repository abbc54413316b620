"""`jobbridge demo` at small scale: valid identifiers, plausible regions and groups, working accounts,
idempotence and reproducibility."""

import datetime as dt
import io
import json
from collections import Counter, defaultdict

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from stdnum.cn import ric, uscc

from jobbridge.core import pii
from jobbridge.core.models import Grid, Occupation, Region, Role, User
from jobbridge.demo import accounts, build, world
from jobbridge.employers.models import Enterprise, HiringNeed, Posting, Visit
from jobbridge.people.models import PriorityCriterion, PriorityDiagnosis, Seeker

pytestmark = pytest.mark.django_db

ORIGIN_PROVINCES = {"63", "52", "53", "14", "50"}  # Qinghai, Guizhou, Yunnan, Shanxi, Chongqing
DEST_PROVINCES = {"32", "44", "31", "33", "35"}  # Jiangsu, Guangdong, Shanghai, Zhejiang, Fujian
TODAY = dt.date(2026, 3, 1)


def run(**opts) -> str:
    out = io.StringIO()
    opts = {
        "seekers": 300,
        "enterprises": 20,
        "seed": 7,
        "today": TODAY,
        "no_progress": True,
        "force": True,
    } | opts
    call_command("demo", stdout=out, **opts)
    return out.getvalue()


@pytest.fixture
def world_built():
    return run()


def test_identifiers_are_valid(world_built):
    seekers = list(Seeker.objects.filter(source=Seeker.Source.DEMO))
    assert len(seekers) == 300
    for s in seekers:
        number = pii.decrypt(s.id_cipher)
        ric.validate(number)
        assert s.id_hash == pii.keyed_hash(number)
        assert s.id_masked == pii.mask_id_number(number)
        assert number[6:14] == s.birth_date.strftime("%Y%m%d")
        assert dt.date(1965, 1, 1) <= s.birth_date <= dt.date(2006, 12, 31)
        assert (int(number[16]) % 2 == 1) == (s.gender == "M")
        history = world.BIRTHPLACE_CODES[s.hukou_region_id[:6]]
        assert any(code == number[:6] and y0 <= s.birth_date.year <= y1 for code, y0, y1 in history)
        if s.phone_cipher:
            phone = pii.decrypt(s.phone_cipher)
            assert len(phone) == 11 and phone[:2] in {"13", "15", "18"}
            assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "CN")), phone
            assert s.phone_hash == pii.keyed_hash(phone) and s.phone_masked == pii.mask_phone(phone)
    assert sum(1 for s in seekers if s.phone_cipher) > 250
    for e in Enterprise.objects.all():
        assert uscc.is_valid(e.uscc), e.uscc
        assert e.uscc[2:8] == e.region_id[:6]
        assert e.industry_id and len(e.industry_id) == 2
        assert phonenumbers.is_valid_number(phonenumbers.parse(e.contact_phone, "CN"))


def test_regions_and_occupations_are_grounded(world_built):
    levels = dict(Region.objects.filter(level=4).values_list("code", "level"))
    for hukou, residence in Seeker.objects.values_list("hukou_region_id", "residence_region_id"):
        assert hukou in levels and hukou[:2] in ORIGIN_PROVINCES
        assert residence in levels and residence[:2] in ORIGIN_PROVINCES | DEST_PROVINCES
    assert Seeker.objects.filter(hukou_region__code__startswith="6302").count() > 100  # Haidong about half
    regions = Counter(code[:2] for code in Enterprise.objects.values_list("region_id", flat=True))
    assert set(regions) <= ORIGIN_PROVINCES | DEST_PROVINCES
    assert sum(regions[p] for p in DEST_PROVINCES) > sum(regions[p] for p in ORIGIN_PROVINCES)
    assert Enterprise.objects.filter(name__contains="帮扶车间").exists()
    # Grids sit under origin townships; the commissioner's township has them.
    assert Grid.objects.filter(township_id=world.COMMISSIONER_TOWNSHIP).count() >= 2
    assert not Grid.objects.exclude(township__parent_id__in=list(world.ORIGIN_COUNTIES)).exists()
    # Every occupation code in the catalogue is a real CSCO 2022 detailed occupation.
    codes = {code for code, _name in world.OCCUPATIONS.values()}
    assert Occupation.objects.filter(code__in=codes, level=4).count() == len(codes)
    assert Occupation.objects.get(code=world.OCCUPATIONS["welder"][0]).name == "焊工"
    seeker = Seeker.objects.filter(desired_occupations__isnull=False).first()
    assert seeker.desired_occupations.exists()
    assert Seeker.objects.filter(accepts_anywhere=True).exists()
    assert Seeker.objects.filter(desired_regions__isnull=False).exists()


def test_postings_are_plausible(world_built):
    postings = list(Posting.objects.all())
    assert len(postings) == 80  # 4 per enterprise by default
    for p in postings:
        assert 0 <= p.filled <= p.headcount
        assert p.work_region_id == p.enterprise.region_id
        if p.wage_min is not None:
            assert 3500 <= p.wage_min <= p.wage_max <= 9000
        assert isinstance(p.target_groups, list) and set(p.target_groups) <= set(PriorityCriterion.values)
        if "残疾" in p.title:
            assert p.disability_friendly
    heads = [p.headcount for p in postings]
    assert sum(5 <= h <= 50 for h in heads) > len(heads) / 2
    assert any(p.board and p.lodging for p in postings)
    assert Posting.objects.filter(status=Posting.Status.OPEN).count() > 40
    assert Visit.objects.exists() and HiringNeed.objects.exists()


def test_priority_groups_have_evidence(world_built):
    diagnoses = PriorityDiagnosis.objects.filter(seeker__source="demo")
    for d in diagnoses:
        assert d.evidence.strip() and d.valid_from
        assert d.valid_until is None or d.valid_until >= d.valid_from
        assert pii.decrypt(d.seeker.id_cipher) not in d.evidence  # no clear ID number in evidence
    current = Counter(diagnoses.current(TODAY).values_list("criterion", flat=True))
    assert set(current) == set(PriorityCriterion.values)
    assert 0 < current["disability"] < 300 * 0.08  # a few percent
    # Zero-employment families: every member of such a household is unemployed.
    households = defaultdict(set)
    for d in diagnoses.filter(criterion="zero_employment").select_related("seeker"):
        households[d.seeker.household_id].add(d.seeker_id)
    assert households
    for household_id, diagnosed in households.items():
        members = Seeker.objects.filter(household_id=household_id)
        assert members.count() >= 2 and set(members.values_list("id", flat=True)) == diagnosed
        assert set(members.values_list("employment_status", flat=True)) == {"unemployed"}
    # Lifted-out households carry their expired poverty registration as history.
    lifted = diagnoses.filter(criterion="lifted_out").first()
    assert lifted.seeker.diagnoses.filter(criterion="poverty", valid_until__lt=lifted.valid_from).exists()
    assert Seeker.objects.with_priority("disability", on=TODAY).exists()


def test_accounts_log_in_with_their_scopes(world_built):
    assert accounts.DEMO_PASSWORD in world_built
    for acc in accounts.ACCOUNTS:
        assert acc.username in world_built
        assert Client().login(username=acc.username, password=accounts.DEMO_PASSWORD), acc.username
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    assert users["demo_admin"].is_superuser
    province = users["demo_province"]
    assert province.role == Role.BUREAU and province.region_id == "630000"
    assert province.has_perm("people.view_id_number")
    assert not users["demo_city"].has_perm("people.view_id_number")
    assert users["demo_city"].region_id == "630200" and users["demo_county"].region_id == "630202"
    commissioner = users["demo_commissioner"]
    grids = list(commissioner.grids.all())
    assert len(grids) == 2 and all(g.township_id.startswith("630202") for g in grids)
    assert Seeker.objects.visible_to(commissioner).exists()
    recruiter = users["demo_recruiter"]
    assert recruiter.enterprise.region_id.startswith("3202")  # Wuxi
    assert Posting.objects.visible_to(recruiter).exists()
    seeker = users["demo_seeker"].seeker
    assert seeker.source == "demo" and seeker.hukou_region_id.startswith("630202")
    county = Seeker.objects.visible_to(users["demo_county"])
    assert county.exists() and county.count() < Seeker.objects.visible_to(users["demo_city"]).count()
    assert Visit.objects.filter(visited_by=commissioner).exists()


def _fingerprint():
    seekers = sorted(
        Seeker.objects.values_list(
            "id_hash",
            "name",
            "hukou_region_id",
            "residence_region_id",
            "birth_date",
            "education",
            "employment_status",
            "expected_wage",
        )
    )
    ents = sorted(Enterprise.objects.values_list("uscc", "name", "region_id", "industry_id"))
    posts = sorted(
        Posting.objects.values_list(
            "enterprise__uscc", "title", "headcount", "filled", "wage_min", "wage_max", "status"
        )
    )
    diag = sorted(
        PriorityDiagnosis.objects.values_list("seeker__id_hash", "criterion", "evidence", "valid_from")
    )
    desired = sorted(
        Seeker.desired_occupations.through.objects.values_list("seeker__id_hash", "occupation_id")
    )
    return seekers, ents, posts, diag, desired


def test_running_twice_does_not_duplicate(world_built):
    before = _fingerprint(), Grid.objects.count(), User.objects.count()
    out = run()
    assert "already exists" in out
    assert (_fingerprint(), Grid.objects.count(), User.objects.count()) == before
    out = run(seekers=50, enterprises=5)  # other sizes still do not add to an existing world
    assert Seeker.objects.count() == 300


def test_same_seed_same_world_and_reset(world_built):
    first = _fingerprint()
    out = run(reset=True)
    assert "deleted demo data" in out
    assert _fingerprint() == first
    assert User.objects.get(username="demo_recruiter").enterprise is not None
    assert User.objects.get(username="demo_seeker").seeker.source == "demo"
    run(reset=True, seed=8)
    assert _fingerprint()[0] != first[0]
    assert Seeker.objects.count() == 300


def test_reset_keeps_other_data():
    from tests.factories import EnterpriseFactory, SeekerFactory

    mine = SeekerFactory()
    theirs = EnterpriseFactory()
    run()
    run(reset=True, seekers=100, enterprises=10)
    assert Seeker.objects.filter(pk=mine.pk).exists() and Enterprise.objects.filter(pk=theirs.pk).exists()
    assert Seeker.objects.count() == 101
    assert build.demo_enterprises().count() == 10


def test_target_groups_json_is_a_list(world_built):
    raw = Posting.objects.values_list("target_groups", flat=True)
    assert all(isinstance(v, list) for v in raw)
    assert any(v for v in raw)
    json.dumps(list(raw))


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo", seekers=10, enterprises=2, no_progress=True, stdout=io.StringIO())
    assert not Seeker.objects.exists()


def test_fast_generators_agree_with_reference_implementations():
    from jobbridge.core.synthetic_ids import credit_code as reference_credit_code
    from jobbridge.demo import generate, sealing

    for region, seq in [
        ("320214", generate.DEMO_USCC_BASE),
        ("441900", generate.DEMO_USCC_BASE + 49_999),
        ("630202", 7),
    ]:
        assert generate.credit_code(region, seq) == reference_credit_code(region, seq)
    values = ["632123199001011234", "13812345678", "", "张三", "x" * 40]
    tokens = sealing.encrypt_many(values)
    assert [pii.decrypt(t) for t in tokens] == values
    assert sealing.hash_many(values) == [pii.keyed_hash(v) for v in values]
    with pytest.raises(RuntimeError):
        sealing.check(values[:1], tokens[1:2], sealing.hash_many(values[:1]))


def test_bulk_load_path_restores_indexes_and_constraints(monkeypatch):
    """The PostgreSQL fast path (drop secondary indexes and constraints, COPY, rebuild) leaves the
    schema exactly as it found it; forced on here at small scale. On SQLite it is a no-op."""
    from django.db import connection

    def schema():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cur:
            cur.execute(
                "SELECT tablename, indexdef FROM pg_indexes WHERE tablename LIKE 'people_%%' "
                "OR tablename LIKE 'employers_%%' ORDER BY 1, 2"
            )
            indexes = cur.fetchall()
            cur.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'people_%%' OR conrelid::regclass::text LIKE "
                "'employers_%%' ORDER BY 1, 2"
            )
            return indexes, cur.fetchall()

    before = schema()
    monkeypatch.setattr(build, "BULK_THRESHOLD", 0)
    run(seekers=200, enterprises=10)
    assert schema() == before
    assert Seeker.objects.count() == 200


def test_worker_copy_text_path(monkeypatch):
    """Large PostgreSQL builds seal and format COPY text in forked workers; forced on at small scale
    (on SQLite the tuple path runs instead). The stored values must read back exactly."""
    monkeypatch.setattr(build, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(build, "CHUNK", 64)
    run(seekers=300, enterprises=5, workers=2)
    seekers = list(Seeker.objects.all())
    assert len(seekers) == 300
    for s in seekers:
        number = pii.decrypt(s.id_cipher)
        ric.validate(number)
        assert s.id_hash == pii.keyed_hash(number) and s.id_masked == pii.mask_id_number(number)
        if s.phone_cipher:
            assert s.phone_masked == pii.mask_phone(pii.decrypt(s.phone_cipher))
        else:
            assert s.phone_hash == "" and s.phone_masked == ""
    assert (
        Seeker.objects.filter(grid__isnull=True).exists()
        and Seeker.objects.filter(grid__isnull=False).exists()
    )
    assert Seeker.objects.filter(expected_wage__isnull=True).exists()
    assert Seeker.objects.filter(accepts_anywhere=True).exists()
    assert Seeker.objects.exclude(skills_text="").exists()


@pytest.mark.parametrize(("seekers", "enterprises"), [(0, 0), (3, 0), (0, 2)])
def test_tiny_and_empty_worlds(seekers, enterprises):
    out = run(seekers=seekers, enterprises=enterprises)
    assert Seeker.objects.count() == seekers and Enterprise.objects.count() == enterprises
    assert Posting.objects.count() == 4 * enterprises
    assert "demo_admin" in out
    assert Client().login(username="demo_county", password=accounts.DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_diagnoses_carry_their_seekers_regions():
    from django.db.models import F, Q

    from jobbridge.people.models import PriorityDiagnosis

    run(seed=3)
    diagnoses = PriorityDiagnosis.objects.all()
    assert diagnoses.exists()
    assert not diagnoses.filter(
        ~Q(hukou_region_id=F("seeker__hukou_region_id"))
        | ~Q(residence_region_id=F("seeker__residence_region_id"))
    ).exists()


def test_demo_fills_applications_transfers_and_homecomings_and_resets_them():
    from jobbridge.placements.models import Application
    from jobbridge.returns.models import Homecoming
    from jobbridge.transfers import rollups
    from jobbridge.transfers.models import Transfer, TransferRollup

    # built around the real date: applications are only made for postings open today
    run(today=None, seekers=150, enterprises=10)
    counts = (Application.objects.count(), Transfer.objects.count(), Homecoming.objects.count())
    assert all(n > 0 for n in counts), counts
    # every hire in the pipeline is in the ledger, and the ledger's rollups agree with it
    hired = Application.objects.filter(
        state__in=["hired", "arrived", "retained_30", "retained_90", "retained_180", "left"]
    ).count()
    assert Transfer.objects.exclude(application_id=None).count() == hired
    run(today=None, seekers=150, enterprises=10)  # a second run adds nothing
    assert (Application.objects.count(), Transfer.objects.count(), Homecoming.objects.count()) == counts
    out = run(reset=True, today=None, seekers=150, enterprises=10)
    assert "application" in out and "transfer" in out
    assert (Application.objects.count(), Transfer.objects.count(), Homecoming.objects.count()) == counts

    # the rollups kept in step through reset and populate equal a rebuild from the ledger
    def snapshot():
        return sorted(
            TransferRollup.objects.values_list(
                *[f.attname for f in TransferRollup._meta.fields if f.name != "id"]
            )
        )

    kept = snapshot()
    rollups.rebuild()
    assert kept and snapshot() == kept
