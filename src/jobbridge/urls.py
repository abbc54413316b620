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
    # People's and employers' pages sit at the site root, as they did before they had apps of
    # their own (/seekers/, /register/, /me/, /duplicates/, /enterprises/, /postings/).
    path("", include("jobbridge.people.urls")),
    path("", include("jobbridge.employers.urls")),
    path("", include("jobbridge.web.urls")),
]
