"""The placement pipeline in a real browser: a recruiter moves an application along the posting's
board (HTMX re-renders the board in place) up to the hire, the job seeker sees it hired on
"my applications", and a move the board no longer allows is refused with the clear message."""

import os

import pytest

from tests.factories import PASSWORD, EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def column(page, label):
    return page.locator(f'#board section.pl-col[aria-label="{label}"]')


def test_recruiter_moves_an_application_to_hired_and_the_seeker_sees_it(page, browser, live_server):
    from jobbridge.placements.models import Application, State
    from jobbridge.placements.services import application_create, application_move
    from jobbridge.transfers.models import Transfer

    posting = PostingFactory(
        enterprise=EnterpriseFactory(region_id="320205", name="无锡精工公司"), title="装配工", headcount=3
    )
    UserFactory(username="hr", recruiter=True, enterprise=posting.enterprise)
    seeker_user = UserFactory(username="13997001234", seeker=True)
    seeker = SeekerFactory(name="马青松", user=seeker_user)
    other_user = UserFactory(username="13997005678", seeker=True)
    other = SeekerFactory(name="韩春梅", user=other_user)
    app = application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    late = application_create(seeker=other, posting=posting, actor=other_user, source="seeker")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url

    sign_in(page, base, "hr")
    page.goto(f"{base}/placements/")
    page.get_by_role("link", name="招聘看板").click()
    page.wait_for_url(f"**/placements/postings/{posting.pk}/board/")
    board_url = page.url
    for label in ("已联系", "面试", "拟录用", "已录用"):
        card = page.locator(".pl-card", has_text="马青松")
        card.get_by_role("button", name=f"→ {label}").click()
        column(page, label).locator(".pl-card", has_text="马青松").wait_for()
    assert page.url == board_url  # HTMX swapped the board; no navigation
    assert "尚缺2人" in page.locator("#board").inner_text()
    assert Application.objects.get(pk=app.pk).state == State.HIRED
    assert Transfer.objects.filter(application_id=app.pk).exists()  # the hire is a labour transfer

    # The other applicant withdraws on her phone while the board is still open: the board's
    # button is stale, and the move is refused with both states named.
    application_move(application=late, actor=other_user, to_state=State.WITHDRAWN)
    page.locator(".pl-card", has_text="韩春梅").get_by_role("button", name="→ 已联系").click()
    alert = page.locator("#board .pl-error[role=alert]")
    alert.wait_for()
    assert "不能从“已撤回（withdrawn）”变为“已联系（contacted）”" in alert.inner_text()
    column(page, "已撤回").locator(".pl-card", has_text="韩春梅").wait_for()  # the board shows the truth

    page.context.clear_cookies()
    sign_in(page, base, "13997001234")
    page.goto(f"{base}/placements/mine/")
    item = page.locator(f"#app-{app.pk}")
    assert "已录用" in item.locator(".tag").inner_text()
    assert "无锡精工公司 · 装配工" in item.inner_text()
    assert item.get_by_role("button", name="撤回申请").count() == 0  # nothing to withdraw after a hire
    assert not errors, errors
