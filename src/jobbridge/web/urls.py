"""The site shell: home (the dashboard), sign-in and out, and the public language switch."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import auth, dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lang/", auth.public_set_language, name="set_language_public"),
]
