from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/errors.xlsx", views.error_download, name="error_download"),
    path("template/<str:kind>.xlsx", views.template_download, name="template_download"),
]
