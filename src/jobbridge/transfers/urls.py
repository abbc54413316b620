from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.add, name="add"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("panel/<str:name>/", views.panel, name="panel"),
]
