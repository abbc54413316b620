"""/api/: the ninja views, the docs assets, and a JSON 404 for anything else below /api/.

Every view here is exempt from LoginRequiredMiddleware, which would answer an anonymous API
call with a redirect to the login page: ninja's own authentication answers 401 in the API's
error format instead, and the schema, the docs page and its assets are public.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _

from jobbridge.api.docs import docs_asset
from jobbridge.api.main import api
from jobbridge.core.apikit import error_body

ninja_patterns, ninja_app_name, ninja_namespace = api.urls


def _exempt(patterns: list) -> list:
    for p in patterns:
        if isinstance(p, URLPattern):
            login_not_required(p.callback)
    return patterns


@login_not_required
def not_found(request, rest=""):
    return JsonResponse(
        error_body("not_found", _("没有这个接口")), status=404, json_dumps_params={"ensure_ascii": False}
    )


urlpatterns = [
    path("", (_exempt(ninja_patterns), ninja_app_name, ninja_namespace)),
    path("docs/assets/<str:name>", login_not_required(docs_asset), name="api-docs-asset"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
