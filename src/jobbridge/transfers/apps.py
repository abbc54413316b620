from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "jobbridge.transfers"
    label = "transfers"
