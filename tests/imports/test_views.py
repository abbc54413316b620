import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jobbridge.imports.models import ImportJob
from jobbridge.people.models import Seeker
from tests.factories import UserFactory, new_id_number

from .conftest import bad_id, seeker_row

pytestmark = pytest.mark.django_db


def upload(client, path, kind="seekers"):
    with path.open("rb") as f:
        return client.post(reverse("imports:upload"), {"kind": kind, "file": f})


def test_upload_runs_the_job_and_the_pages_show_the_outcome(client, clerk, roster):
    client.force_login(clerk)
    wrong, digit = bad_id(new_id_number())
    response = upload(client, roster([seeker_row(), seeker_row(id_number=wrong)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job_detail", args=[job.pk]
    )
    assert job.status == "done" and job.created_by == clerk and Seeker.objects.count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and f"第3行 身份证号：校验位应为{digit}" in page
    assert reverse("imports:error_download", args=[job.pk]) in page

    fragment = client.get(
        reverse("imports:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="import-progress"' in fragment and "hx-trigger" not in fragment  # finished: polling stops
    assert fragment.strip() in page  # the page embeds exactly the fragment

    download = client.get(reverse("imports:error_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(__import__("io").BytesIO(b"".join(download.streaming_content)))
    assert rows.get_sheet_by_index(0).to_python()[1][0] == 3

    listing = client.get(reverse("imports:job_list")).content.decode()
    assert job.original_name in listing and "拒绝1" in listing


def test_a_running_job_polls_every_second(client, clerk):
    job = ImportJob.objects.create(
        kind="seekers",
        original_name="a.xlsx",
        sha256="0" * 64,
        created_by=clerk,
        status=ImportJob.Status.RUNNING,
        total=200,
        done=50,
    )
    client.force_login(clerk)
    fragment = client.get(reverse("imports:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and reverse("imports:job_progress", args=[job.pk]) in fragment
    assert "50/200" in fragment and "25%" in fragment


def test_bad_files_get_a_clear_answer_not_a_500(client, clerk, tmp_path):
    client.force_login(clerk)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    response = upload(client, empty)
    assert response.status_code == 200 and ImportJob.objects.count() == 0
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"\x00\xff" * 5000)
    response = upload(client, garbage)
    job = ImportJob.objects.get()
    assert (
        job.status == "failed" and "无法识别的文件格式" in client.get(response["Location"]).content.decode()
    )


def test_only_staff_may_import_and_see_only_their_own_jobs(client, clerk, roster):
    client.force_login(UserFactory(seeker=True))
    assert client.get(reverse("imports:job_list")).status_code == 403
    assert upload(client, roster([seeker_row()])).status_code == 403
    client.force_login(clerk)
    upload(client, roster([seeker_row()]))
    job = ImportJob.objects.get()
    client.force_login(UserFactory(county_clerk=True))
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:error_download", args=[job.pk])).status_code == 404
    client.force_login(UserFactory(admin=True))
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 200


def test_template_download(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("imports:template_download", args=["enterprises"]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert book.get_sheet_by_index(0).to_python()[0][:2] == ["单位名称", "统一社会信用代码"]
    assert client.get("/imports/template/nothing.xlsx").status_code == 404
