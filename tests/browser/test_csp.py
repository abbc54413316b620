"""The Content-Security-Policy holds in a real browser (issue 9): every page is served with the
policy and loads, draws its charts, swaps its HTMX fragments and shows its chart tooltips with
no violation reported, so no inline script, style element, style attribute or handler is left."""

import datetime as dt
import os

import pytest

from tests.factories import (
    LEDU_TOWN,
    PASSWORD,
    DiagnosisFactory,
    EnterpriseFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
HAIDONG, MONTH = "630200", "2023-01"
WELDER = "6-18-02-04"

# Reported to the console, where page.on("console") sees it, with what was blocked.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


class Watch:
    """Console errors (Chromium's own CSP reports and the listener's), page errors, bad answers."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("response", self._response)
        self.policies: dict[str, str] = {}

    def _console(self, message):
        if "/favicon.ico" in message.location.get("url", ""):
            return  # the admin's pages name no icon, so the browser asks for one (a 404)
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text} {message.location.get('url', '')}")

    def _response(self, response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status} {response.url}")
        if response.request.resource_type == "document":
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def visit(self, url: str, *wait_for: str, hover: str | None = None) -> None:
        self.page.goto(url)
        for selector in wait_for:
            self.page.locator(selector).first.wait_for()
        if hover:  # a chart's tooltip is HTML that ECharts writes into the page
            box = self.page.locator(hover).first.bounding_box()
            for fx in (0.3, 0.5, 0.7):
                self.page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.6)
                self.page.wait_for_timeout(150)
        self.page.wait_for_load_state("networkidle")
        policy = dict(
            d.strip().split(" ", 1) for d in self.policies.get(self.page.url, "").split(";") if d.strip()
        )
        assert policy.get("script-src") == policy.get("style-src") == "'self'", (self.page.url, policy)
        assert self.problems == [], f"{url}: " + "\n".join(self.problems)


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _world(tmp_path):
    from jobbridge.imports.services import import_roster
    from jobbridge.placements.services import application_create, application_move
    from jobbridge.returns.seasons import season_get
    from jobbridge.returns.services import homecoming_record
    from jobbridge.transfers.scenario import write_haidong_ledger

    write_haidong_ledger(tmp_path / "ledger.xlsx", 40)
    assert import_roster(kind="transfers", path=tmp_path / "ledger.xlsx").created == 40
    admin = UserFactory(admin=True)
    for i in range(3):
        DiagnosisFactory(seeker=SeekerFactory(name=f"困难{i}", hukou_region_id=LEDU_TOWN))
    seeker_user = UserFactory(username="13997001234", seeker=True)
    seeker = SeekerFactory(name="马青松", user=seeker_user, expected_wage=5000)
    seeker.desired_occupations.set([WELDER])
    seeker.desired_regions.set(["320200"])
    posting = PostingFactory(
        enterprise=EnterpriseFactory(region_id="320205", name="无锡焊接甲公司"),
        title="电焊工",
        occupation_id=WELDER,
        wage_max=6500,
    )
    app = application_create(
        seeker=seeker, posting=posting, actor=admin, source="commissioner", consent_note="同意"
    )
    for state in ("contacted", "interview", "offer"):
        app = application_move(application=app, actor=admin, to_state=state)
    application_move(application=app, actor=admin, to_state="hired", on=dt.date(2023, 1, 20))
    season = season_get("2026")
    homecoming_record(
        actor=admin,
        season=season,
        seeker=seeker,
        data={
            "origin_region": LEDU_TOWN,
            "destination_region": "441900",
            "went_home_on": "2026-02-05",
            "returned_on": "2026-02-26",
        },
    )
    from jobbridge.matching.batch import match_run_create
    from jobbridge.matching.models import MatchAllocation

    report = [{"group": "就业困难人员", "seekers": 3, "with_candidates": 2, "placed": 1, "rate": 1 / 3}]
    MatchAllocation.objects.create(run=match_run_create(k=5), method="optimal", placed=1, report=report)
    UserFactory(username="clerk", region_id="630000")
    return posting, app


def test_pages_load_with_no_csp_violation(page, live_server, tmp_path):
    posting, app = _world(tmp_path)
    base = live_server.url
    watch = Watch(page)

    watch.visit(f"{base}/login/")
    watch.visit(f"{base}/register/")
    sign_in(page, base, "clerk")
    watch.visit(f"{base}/", "#priority-chart canvas", hover="#priority-chart")
    watch.visit(f"{base}/seekers/", "table")
    watch.visit(f"{base}/seekers/?q=马", "table")
    watch.visit(
        f"{base}/transfers/dashboard/?region={HAIDONG}&month={MONTH}",
        "#chart-class_month canvas",
        "#chart-sankey canvas",
        f"#pl-{HAIDONG}-{MONTH}-states canvas",
        "#returns-panel [data-returns-panel]",
        hover="#chart-class_month",
    )
    watch.visit(f"{base}/transfers/report/?region={HAIDONG}&month={MONTH}")
    watch.visit(f"{base}/returns/?season=2026", "#chart-class canvas", hover="#chart-class")
    watch.visit(f"{base}/returns/entry/?season=2026")
    watch.visit(f"{base}/placements/", "#board, .pl-panel, main")
    watch.visit(f"{base}/placements/postings/{posting.pk}/board/", "#board")
    watch.visit(f"{base}/placements/applications/{app.pk}/")
    watch.visit(f"{base}/matching/", "#placement-chart canvas", hover="#placement-chart")
    watch.visit(f"{base}/matching/postings/{posting.pk}/candidates/")
    watch.visit(f"{base}/jobtitles/")
    watch.visit(f"{base}/notifications/push-list/")
    watch.visit(f"{base}/imports/")
    watch.visit(f"{base}/enterprises/")
    watch.visit(f"{base}/postings/")
    watch.visit(f"{base}/api/docs", "#swagger-ui .opblock")

    page.context.clear_cookies()
    sign_in(page, base, "13997001234")
    watch.visit(f"{base}/me/")
    watch.visit(f"{base}/matching/for-me/", f"#job-{posting.pk}")
    watch.visit(f"{base}/placements/mine/")
    watch.visit(f"{base}/notifications/inbox/")


def test_the_admin_loads_with_no_csp_violation(page, live_server):
    UserFactory(username="root", admin=True)
    watch = Watch(page)
    base = live_server.url
    watch.visit(f"{base}/admin/login/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    watch.visit(f"{base}/admin/")
    watch.visit(f"{base}/admin/core/region/?q=乐都")
    watch.visit(f"{base}/admin/core/region/630202/change/")
