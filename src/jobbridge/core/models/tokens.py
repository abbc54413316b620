from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for scripts and other systems calling the API on a user's behalf.

    Only a SHA-256 digest of the token is stored: the token itself is 256 random bits, so a
    plain hash cannot be reversed by guessing, and unlike a keyed hash it survives a rotation of
    SECRET_KEY. ``prefix`` (the first characters of the token) tells tokens apart in lists.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        # The table keeps the name it had when tokens lived in the API app (moved in state only).
        db_table = "api_apitoken"
        ordering = ["-created_at"]
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
