from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("panel/", views.panel, name="panel"),
    path("entry/", views.entry, name="entry"),
    path("entry/<int:seeker_id>/", views.entry_row, name="entry_row"),
    path("import/", views.import_page, name="import"),
    path("import/<str:token>/", views.import_job, name="import_job"),
    path("import/<str:token>/progress/", views.import_progress, name="import_progress"),
    path("template/", views.template_download, name="template"),
]
