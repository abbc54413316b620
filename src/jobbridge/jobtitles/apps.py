from django.apps import AppConfig


class JobtitlesConfig(AppConfig):
    name = "jobbridge.jobtitles"
    label = "jobtitles"
