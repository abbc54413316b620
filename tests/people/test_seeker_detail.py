import pytest
from django.urls import reverse

from jobbridge.core import pii
from jobbridge.core.models import AuditEvent
from jobbridge.people.models import Seeker
from tests.factories import DiagnosisFactory, UserFactory, new_id_number

pytestmark = pytest.mark.django_db


def test_detail_shows_masked_numbers_and_diagnoses(world, login):
    s = world.seekers.ledu
    DiagnosisFactory(seeker=s, criterion="disability", evidence="残疾证63212319900101")
    html = login(world.city_clerk).get(reverse("seeker_detail", args=[s.pk])).content.decode()
    assert s.id_masked in html and s.phone_masked in html
    assert pii.decrypt(s.id_cipher) not in html
    assert "残疾人" in html and "残疾证63212319900101" in html
    assert "显示完整号码" not in html  # no permission, no button


def test_reveal_is_audited(world, login):
    clerk = UserFactory(region_id="630200", pii_access=True)
    s = world.seekers.ledu
    c = login(clerk)
    assert "显示完整号码" in c.get(reverse("seeker_detail", args=[s.pk])).content.decode()
    response = c.post(reverse("seeker_reveal", args=[s.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert pii.decrypt(s.id_cipher) in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_PII)
    assert event.actor == clerk and event.object_id == str(s.pk)
    # Without HTMX the full page comes back with the numbers in it.
    full = c.post(reverse("seeker_reveal", args=[s.pk]))
    assert full.status_code == 200 and pii.decrypt(s.phone_cipher) in full.content.decode()


def test_reveal_refused_without_permission(world, login):
    response = login(world.city_clerk).post(reverse("seeker_reveal", args=[world.seekers.ledu.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).exists()


def test_reveal_needs_post(world, login):
    clerk = UserFactory(region_id="630200", pii_access=True)
    assert login(clerk).get(reverse("seeker_reveal", args=[world.seekers.ledu.pk])).status_code == 405


def test_edit_saves_and_shows_service_errors(world, login):
    s = world.seekers.ledu
    c = login(world.city_clerk)
    url = reverse("seeker_edit", args=[s.pk])
    data = {
        "name": s.name,
        "hukou_region": "630202",
        "education": "senior",
        "employment_status": "employed",
        "expected_wage": "abc",
    }
    bad = c.post(url, data)
    assert bad.status_code == 200 and "id_expected_wage_error" in bad.content.decode()
    data["expected_wage"] = "5500"
    assert c.post(url, data).status_code == 302
    s.refresh_from_db()
    assert (s.education, s.employment_status, s.expected_wage) == ("senior", "employed", 5500)
    assert AuditEvent.objects.filter(action="update", object_id=str(s.pk)).exists()


def test_staff_registers_a_seeker(world, login):
    c = login(world.city_clerk)
    number = new_id_number("632123")
    response = c.post(
        reverse("seeker_create"),
        {
            "name": "李四",
            "id_number": number,
            "hukou_region": "乐都区",
            "priority": "disability",
            "priority_evidence": "残疾证1",
        },
    )
    seeker = Seeker.objects.get(name="李四")
    assert response.status_code == 302 and response.url == reverse("seeker_detail", args=[seeker.pk])
    assert seeker.source == Seeker.Source.STAFF and seeker.created_by == world.city_clerk
    assert seeker.diagnoses.get().confirmed_by == world.city_clerk
    again = c.post(reverse("seeker_create"), {"name": "李四", "id_number": number, "hukou_region": "乐都区"})
    assert "该身份证号已登记" in again.content.decode()


def test_add_diagnosis(world, login):
    s = world.seekers.ledu
    c = login(world.city_clerk)
    url = reverse("diagnosis_add", args=[s.pk])
    ok = c.post(
        url, {"criterion": "registered_unemployed", "evidence": "失业证123", "valid_from": "2024-01-01"}
    )
    assert ok.status_code == 302
    d = s.diagnoses.get()
    assert d.confirmed_by == world.city_clerk and d.evidence == "失业证123"
    bad = c.post(
        url,
        {"criterion": "disability", "evidence": "x", "valid_from": "2024-02-01", "valid_until": "2024-01-01"},
    )
    assert bad.status_code == 400 and "有效期止不能早于有效期起" in bad.content.decode()
    dup = c.post(url, {"criterion": "registered_unemployed", "evidence": "again", "valid_from": "2024-01-01"})
    assert dup.status_code == 400
    assert login(world.recruiter).post(url, {}).status_code == 403
