"""Pages people use: a job seeker's "jobs for you", a posting's candidates (see matching/pages/)."""

from django.urls import path

from .pages import views

urlpatterns = [
    path("for-me/", views.for_me, name="for_me"),
    path("for-me/<int:posting_id>/interest/", views.interest, name="interest"),
    path("postings/<int:posting_id>/candidates/", views.candidates, name="candidates"),
    path("postings/<int:posting_id>/candidates/<int:seeker_id>/contact/", views.contact, name="contact"),
    path("postings/<int:posting_id>/candidates/<int:seeker_id>/share/", views.share, name="share"),
]
