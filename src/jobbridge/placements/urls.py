from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("panel/", views.panel, name="panel"),
    path("postings/<int:pk>/board/", views.board, name="board"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/move/", views.move, name="move"),
    path("followups/<int:pk>/check/", views.check, name="check"),
]
