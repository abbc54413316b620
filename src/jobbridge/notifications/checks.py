"""A system check, so a misspelt channel in the settings stops `runserver`, `migrate` and
`check` with a sentence naming it, instead of failing the first message at night."""

from django.core.checks import Error, register

from .channels import configuration_problems


@register()
def notification_channels(app_configs=None, **kwargs):
    return [
        Error(problem, hint="See docs/notifications.md: JOBBRIDGE_NOTIFY_CHANNELS", id="notifications.E001")
        for problem in configuration_problems()
    ]
