from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("jobbridge.api.urls")),
    path("imports/", include("jobbridge.imports.urls")),
    path("matching/", include("jobbridge.matching.urls")),
    path("placements/", include("jobbridge.placements.urls")),
    path("transfers/", include("jobbridge.transfers.urls")),
    path("notifications/", include("jobbridge.notifications.urls")),
    path("jobtitles/", include("jobbridge.jobtitles.urls")),
    path("returns/", include("jobbridge.returns.urls")),
    path("", include("jobbridge.web.urls")),
]
