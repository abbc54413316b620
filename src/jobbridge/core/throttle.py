"""Slowing down password guessing and bulk self-registration.

Login failures are counted from the audit trail itself (AuditEvent LOGIN_FAILED rows), so the
count survives restarts and is shared by every web process behind one database: there is no
second store to keep in step. Self-registration attempts are counted in the cache instead; the
audit trail has no row for a refused registration, and a per-process count is enough to slow
a script down (configure a shared cache in a multi-process deployment).
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from jobbridge.core.audit import audit
from jobbridge.core.models import AuditEvent

# Why a failure was recorded: only real bad passwords count towards the limit, so attempts refused
# while locked out do not extend the lock for ever ("until the window passes").
REASON_BAD_CREDENTIALS = "bad_credentials"
REASON_THROTTLED = "throttled"

REGISTER_LIMIT = getattr(settings, "SELF_REGISTER_LIMIT", 10)
REGISTER_WINDOW_SECONDS = getattr(settings, "SELF_REGISTER_WINDOW_SECONDS", 60 * 60)


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _norm_username(username: str | None) -> str:
    return (username or "").strip()[:150]


def login_failures(*, username: str | None, ip: str | None) -> tuple[int, int]:
    """Failures within the window (per username, per address).

    A successful login resets the per-username count (a person who mistyped four times and then
    got in is not locked out by their next typo), but not the per-address one: an attacker with
    one valid account must not be able to clear the counter of the address they guess from.
    """
    since = _window_start()
    failures = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, at__gte=since, detail__reason=REASON_BAD_CREDENTIALS
    )
    by_user = 0
    username = _norm_username(username)
    if username:
        last_ok = (
            AuditEvent.objects.filter(
                action=AuditEvent.Action.LOGIN, at__gte=since, detail__username=username
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        user_q = failures.filter(detail__username=username)
        if last_ok is not None:
            user_q = user_q.filter(at__gt=last_ok)
        by_user = user_q.count()
    by_ip = failures.filter(ip=ip).count() if ip else 0
    return by_user, by_ip


def login_blocked(*, username: str | None, ip: str | None) -> bool:
    by_user, by_ip = login_failures(username=username, ip=ip)
    return max(by_user, by_ip) >= settings.LOGIN_FAILURE_LIMIT


def record_login_failure(*, username: str | None, request, throttled: bool = False) -> None:
    audit(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=_norm_username(username),
        reason=REASON_THROTTLED if throttled else REASON_BAD_CREDENTIALS,
    )


def record_login(*, user, request, via: str = "password") -> None:
    audit(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        request=request,
        username=user.get_username(),
        via=via,
    )


def register_attempt_allowed(ip: str | None) -> bool:
    """Count one self-registration attempt from ``ip``; False once over the limit in the window."""
    key = f"throttle:register:{ip or 'unknown'}"
    # add() is a no-op when the key exists, so the window starts at the first attempt.
    cache.add(key, 0, REGISTER_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, REGISTER_WINDOW_SECONDS)
        count = 1
    return count <= REGISTER_LIMIT
