from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "jobbridge.employers"
    label = "employers"
    verbose_name = _("用人单位")
