from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "jobbridge.placements"
    label = "placements"
