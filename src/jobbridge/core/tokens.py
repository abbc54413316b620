"""Issuing, checking and revoking API tokens. The clear token exists only in the return value
of ``token_issue``; the database keeps its digest."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from jobbridge.core.audit import audit
from jobbridge.core.models import ApiToken, AuditEvent

TOKEN_PREFIX = "jb_"
# Writing last_used_at on every request would make each API read a write (and queue behind
# imports for SQLite's single writer lock); a minute's precision is enough to spot unused tokens.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_issue(*, actor, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the model row and the clear token, which is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name[:64], prefix=token[:10], key_hash=digest(token))
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=row, user=user.username, name=row.name)
    return row, token


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=token, revoked=True)
    return token


def token_user(token: str):
    """The active user a clear token belongs to, or None (unknown, revoked, or user disabled)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
