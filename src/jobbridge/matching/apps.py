from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "jobbridge.matching"
    label = "matching"
