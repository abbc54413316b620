from django.urls import path

from . import views_runs

urlpatterns = [
    path("", views_runs.runs_page, name="runs"),
    path("runs/progress/", views_runs.runs_progress, name="runs_progress"),
    path("runs/start/", views_runs.runs_start, name="runs_start"),
    path("allocate/", views_runs.allocate, name="allocate"),
]
