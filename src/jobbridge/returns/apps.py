from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "jobbridge.returns"
    label = "returns"
