from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jobbridge.api"
    label = "api"
