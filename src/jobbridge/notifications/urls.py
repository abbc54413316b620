from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("push-list/", views.push_list, name="push_list"),
    path("push-list/contact/", views.contact, name="contact"),
    path("push-list/send/", views.send, name="send"),
    path("seekers/<int:seeker_id>/phone/", views.phone, name="phone"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/send-due/", views.send_due, name="send_due"),
    path("outbox/runs/<int:pk>/", views.run_progress, name="run_progress"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
