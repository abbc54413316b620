from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jobbridge.web"
    label = "web"
