from django.urls import include, path

app_name = "matching"

# Two parts with separate owners: batch runs/allocation, and the pages people use.
urlpatterns = [
    path("", include("jobbridge.matching.urls_runs")),
    path("", include("jobbridge.matching.urls_surfaces")),
]
