from django.contrib.auth import views as auth_views
from django.urls import path

from .views import auth, dashboard, duplicates, enterprises, postings, register, seekers

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lang/", auth.public_set_language, name="set_language_public"),
    path("register/", register.self_register, name="self_register"),
    path("me/", register.my_page, name="my_page"),
    path("seekers/", seekers.seeker_list, name="seeker_list"),
    path("seekers/export/", seekers.seeker_export, name="seeker_export"),
    path("seekers/new/", seekers.seeker_create, name="seeker_create"),
    path("seekers/<int:pk>/", seekers.seeker_detail, name="seeker_detail"),
    path("seekers/<int:pk>/edit/", seekers.seeker_edit, name="seeker_edit"),
    path("seekers/<int:pk>/reveal/", seekers.seeker_reveal, name="seeker_reveal"),
    path("seekers/<int:pk>/diagnoses/", seekers.diagnosis_add, name="diagnosis_add"),
    path("duplicates/", duplicates.duplicate_list, name="duplicate_list"),
    path("duplicates/merge/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/export/", enterprises.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/visits/new/", enterprises.visit_create, name="visit_create"),
    path("enterprises/<int:enterprise_pk>/postings/new/", postings.posting_create, name="posting_create"),
    path("postings/", postings.posting_list, name="posting_list"),
    path("postings/export/", postings.posting_export, name="posting_export"),
    path("postings/<int:pk>/", postings.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/close/", postings.posting_close, name="posting_close"),
]
