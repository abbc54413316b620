"""Swagger UI from the copy bundled with django-ninja, never from a CDN.

ninja renders its local-asset page only when "ninja" is in INSTALLED_APPS (otherwise it falls
back to a CDN page), and it is not. Rather than duplicate 1.5 MB of vendored JavaScript, the
page is rendered from our own template and the four asset files are served from the installed
package by a small view with a fixed allow-list.
"""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})


class LocalSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        settings = {"layout": "BaseLayout", "deepLinking": True, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/swagger.html", {"api": api, "swagger_settings": settings})


@cache_control(max_age=86400, public=True)
def docs_asset(request, name: str):
    if name not in ASSETS:
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)


def asset_url(name: str) -> str:
    return reverse("api-docs-asset", args=[name])
