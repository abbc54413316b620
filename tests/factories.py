"""factory_boy factories with traits for roles. Reference data (regions, occupations,
industries) is loaded by the migration, so factories point at real codes."""

import datetime as dt
import itertools

import factory
from django.contrib.auth.models import Permission

from jobbridge.core import pii
from jobbridge.core.models import Grid, Role, User
from jobbridge.core.synthetic_ids import credit_code, resident_id
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.people.models import PriorityDiagnosis, Seeker

LEDU = "630202"  # Ledu district, Haidong, Qinghai (an exporting county)
LEDU_TOWN = "630202001"
PING_AN = "630203"  # Ping'an district, Haidong
WUXI_XISHAN = "320205"  # Xishan district, Wuxi, Jiangsu (a receiving county)
PASSWORD = "jobbridge-test-pw"

_seq = itertools.count(1)


def new_id_number(birthplace: str = "632123", birth: dt.date = dt.date(1990, 1, 1)) -> str:
    n = next(_seq)
    return resident_id(birthplace, birth + dt.timedelta(days=n // 1000), n % 1000)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.BUREAU
    region_id = "630200"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        admin = factory.Trait(role=Role.ADMIN, region_id=None, is_superuser=True, is_staff=True)
        county_clerk = factory.Trait(role=Role.BUREAU, region_id=LEDU)
        commissioner = factory.Trait(role=Role.COMMISSIONER, region_id=None)
        recruiter = factory.Trait(role=Role.RECRUITER, region_id=None)
        seeker = factory.Trait(role=Role.SEEKER, region_id=None)

    @factory.post_generation
    def pii_access(self, create, extracted, **kwargs):
        if extracted:
            self.user_permissions.add(Permission.objects.get(codename="view_id_number"))
        if create:
            self.save()


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:05d}")
    name = factory.Sequence(lambda n: f"第{n}网格")
    township_id = LEDU_TOWN


class SeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seeker
        exclude = ["id_number", "phone"]

    name = factory.Sequence(lambda n: f"求职者{n}")
    id_number = factory.LazyFunction(new_id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_cipher = factory.LazyAttribute(lambda o: pii.encrypt(o.id_number))
    id_hash = factory.LazyAttribute(lambda o: pii.keyed_hash(o.id_number))
    id_masked = factory.LazyAttribute(lambda o: pii.mask_id_number(o.id_number))
    phone_cipher = factory.LazyAttribute(lambda o: pii.encrypt(o.phone))
    phone_hash = factory.LazyAttribute(lambda o: pii.keyed_hash(o.phone))
    phone_masked = factory.LazyAttribute(lambda o: pii.mask_phone(o.phone))
    gender = "M"
    birth_date = dt.date(1990, 1, 1)
    hukou_region_id = LEDU_TOWN
    residence_region_id = LEDU_TOWN


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityDiagnosis

    seeker = factory.SubFactory(SeekerFactory)
    criterion = "disability"
    evidence = factory.Sequence(lambda n: f"63212319900101123{n % 10}")
    valid_from = dt.date(2020, 1, 1)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"无锡测试电子有限公司{n}")
    uscc = factory.Sequence(lambda n: credit_code("320205", n))
    industry_id = "39"
    region_id = WUXI_XISHAN


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = "普工"
    occupation_id = "6-25-04-08"
    headcount = 30
    wage_min = 5000
    wage_max = 7000
    work_region_id = factory.LazyAttribute(lambda o: o.enterprise.region_id)
