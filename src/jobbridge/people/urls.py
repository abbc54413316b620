"""Pages of the seeker register, mounted at the site root (``jobbridge.urls``).

The names carry no namespace: they were the site's names before the pages moved here from
``web/``, and every ``{% url %}`` and ``reverse()`` across the apps uses them as they are."""

from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.self_register, name="self_register"),
    path("me/", views.my_page, name="my_page"),
    path("seekers/", views.seeker_list, name="seeker_list"),
    path("seekers/export/", views.seeker_export, name="seeker_export"),
    path("seekers/new/", views.seeker_create, name="seeker_create"),
    path("seekers/<int:pk>/", views.seeker_detail, name="seeker_detail"),
    path("seekers/<int:pk>/edit/", views.seeker_edit, name="seeker_edit"),
    path("seekers/<int:pk>/reveal/", views.seeker_reveal, name="seeker_reveal"),
    path("seekers/<int:pk>/diagnoses/", views.diagnosis_add, name="diagnosis_add"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/merge/", views.duplicate_merge, name="duplicate_merge"),
]
