from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jobbridge.demo"
    label = "demo"
