from django.urls import path

from . import views

app_name = "jobtitles"

urlpatterns = [
    path("", views.index, name="index"),
    path("suggest/", views.suggest, name="suggest"),
    path("aliases/", views.alias, name="alias"),
    path("batches/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/titles.xlsx", views.batch_download, name="batch_download"),
]
