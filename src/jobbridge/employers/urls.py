"""Pages of enterprises, their visits and hiring needs, and postings, mounted at the site root
(``jobbridge.urls``).

The names carry no namespace: they were the site's names before the pages moved here from
``web/``, and every ``{% url %}`` and ``reverse()`` across the apps uses them as they are."""

from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export/", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("enterprises/<int:enterprise_pk>/postings/new/", views.posting_create, name="posting_create"),
    path("postings/", views.posting_list, name="posting_list"),
    path("postings/export/", views.posting_export, name="posting_export"),
    path("postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/close/", views.posting_close, name="posting_close"),
]
