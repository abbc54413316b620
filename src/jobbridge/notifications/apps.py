from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jobbridge.notifications"
    label = "notifications"

    def ready(self):
        from . import checks  # noqa: F401 - registers the channel-settings check
