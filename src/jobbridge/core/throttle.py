"""Slowing down password guessing and bulk self-registration.

Counters are rows of ``ThrottleCounter``, shared by every web process behind one database. A
login attempt *reserves* its place before the password is checked, with one conditional UPDATE
("add one if under the limit"): that statement is atomic on PostgreSQL (the row lock makes a
concurrent update wait and re-check the condition) and on SQLite (one writer at a time), so
however many guesses arrive at once, no more than the limit reach the password hash. Django's
database cache cannot do this: its ``incr`` reads and writes back in two statements.

Two counters per attempt:

- the **account** (the name the form logs in with: NFKC-normalised and case-folded, so
  ``ｄemo_province`` and ``Demo_Province`` count against ``demo_province``):
  LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_SECONDS lock it for that window,
  each further lock twice as long as the one before (up to LOGIN_LOCK_MAX_SECONDS); a success
  clears it. Attempts refused during a lock are not counted, so they do not extend it.
- the **address** (REMOTE_ADDR, which core.middleware.TrustedProxies resolves from
  X-Forwarded-For behind a configured proxy): LOGIN_IP_FAILURE_LIMIT failures within the window
  refuse further attempts from it. Much higher than the account limit, so an office or a proxy
  that is not configured as trusted does not lock everyone out behind it after a few typos,
  while one address spraying many accounts is still slowed down. Successes do not count.

Every attempt is also written to the audit trail (AuditEvent LOGIN / LOGIN_FAILED).
"""

import math
import random
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from jobbridge.core.audit import audit
from jobbridge.core.models import AuditEvent, ThrottleCounter

# Why a failure was recorded: a real bad password, or an attempt refused without checking it.
REASON_BAD_CREDENTIALS = "bad_credentials"
REASON_THROTTLED = "throttled"

REGISTER_LIMIT = getattr(settings, "SELF_REGISTER_LIMIT", 10)
REGISTER_WINDOW_SECONDS = getattr(settings, "SELF_REGISTER_WINDOW_SECONDS", 60 * 60)

# Rows untouched for this long are deleted now and then (a reservation in a hundred prunes).
PRUNE_AFTER = timedelta(days=2)
# A strike is forgotten once the lock it caused ended this long ago.
STRIKE_MEMORY = timedelta(days=1)


def normalize_username(username: str | None) -> str:
    """The name counted for an account: what Django's login form authenticates with (NFKC,
    trimmed), case-folded, so no spelling of a name escapes its count."""
    text = unicodedata.normalize("NFKC", username or "").strip()
    return unicodedata.normalize("NFKC", text.casefold())[:150]


def account_key(username: str | None) -> str:
    return f"login:account:{normalize_username(username)}"


def address_key(ip: str | None) -> str:
    return f"login:address:{ip or 'unknown'}"


# The counter primitive ------------------------------------------------------------------------


def reserve(key: str, *, limit: int, window_seconds: int, now=None) -> bool:
    """Count one attempt against ``key`` if it is under ``limit`` within the window and not
    locked; False (and nothing counted) otherwise. One UPDATE statement decides, atomically."""
    now = now or timezone.now()
    if random.random() < 0.01:
        prune(now=now)
    ThrottleCounter.objects.bulk_create([ThrottleCounter(key=key, window_start=now)], ignore_conflicts=True)
    stale = Q(window_start__lt=now - timedelta(seconds=window_seconds))
    updated = (
        ThrottleCounter.objects.filter(key=key)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .filter(Q(count__lt=limit) | stale)
        .update(
            count=Case(When(stale, then=Value(1)), default=F("count") + 1),
            window_start=Case(When(stale, then=Value(now)), default=F("window_start")),
        )
    )
    return updated == 1


def release(key: str) -> None:
    """Give back one reservation (an attempt that turned out not to be a failure)."""
    ThrottleCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def prune(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - PRUNE_AFTER
    old = ThrottleCounter.objects.filter(window_start__lt=cutoff).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=cutoff)
    )
    return old.delete()[0]


def _minutes_until(moment, now) -> int:
    return max(1, math.ceil((moment - now).total_seconds() / 60))


# Logins ---------------------------------------------------------------------------------------


@dataclass
class LoginAttempt:
    """A reserved (or refused) attempt: pass it back with login_failed or login_succeeded."""

    account: str
    address: str
    allowed: bool
    retry_minutes: int = 0


def login_begin(*, username: str | None, ip: str | None) -> LoginAttempt:
    """Reserve a place for one password check, on the account and on the address; refused if
    either is at its limit (the reservation taken on the other is given back)."""
    now = timezone.now()
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    attempt = LoginAttempt(account=account_key(username), address=address_key(ip), allowed=False)
    if not reserve(attempt.account, limit=settings.LOGIN_FAILURE_LIMIT, window_seconds=window, now=now):
        attempt.retry_minutes = _retry_minutes(attempt.account, now, window)
        return attempt
    if not reserve(attempt.address, limit=settings.LOGIN_IP_FAILURE_LIMIT, window_seconds=window, now=now):
        release(attempt.account)
        attempt.retry_minutes = _retry_minutes(attempt.address, now, window)
        return attempt
    attempt.allowed = True
    return attempt


def _retry_minutes(key: str, now, window: int) -> int:
    """When a refused counter lets an attempt through again: its lock's end, or its window's."""
    row = ThrottleCounter.objects.filter(key=key).first()
    if row is None:
        return 1
    if row.locked_until and row.locked_until > now:
        return _minutes_until(row.locked_until, now)
    return _minutes_until(row.window_start + timedelta(seconds=window), now)


def login_failed(attempt: LoginAttempt) -> None:
    """A wrong password: the reservations stand as failures. The failure that reaches the
    account's limit locks it, for twice as long as its previous lock."""
    now = timezone.now()
    base = settings.LOGIN_FAILURE_WINDOW_SECONDS
    cap = settings.LOGIN_LOCK_MAX_SECONDS
    with transaction.atomic():
        row = ThrottleCounter.objects.select_for_update().filter(key=attempt.account).first()
        if row is None or row.count < settings.LOGIN_FAILURE_LIMIT:
            return
        if row.locked_until and row.locked_until > now:
            return  # locked already by a failure that finished first
        strikes = row.strikes
        if row.locked_until is None or row.locked_until < now - STRIKE_MEMORY:
            strikes = 0
        seconds = min(base * 2**strikes, max(cap, base))
        row.locked_until = now + timedelta(seconds=seconds)
        row.strikes = min(strikes + 1, 32)
        row.count = 0
        row.window_start = now
        row.save(update_fields=["locked_until", "strikes", "count", "window_start"])


def login_succeeded(attempt: LoginAttempt) -> None:
    """The right password: the account starts afresh; the address gets its place back (an
    attacker's one valid account must not clear the count of the address they guess from)."""
    ThrottleCounter.objects.filter(key=attempt.account).update(
        count=0, strikes=0, locked_until=None, window_start=timezone.now()
    )
    release(attempt.address)


def record_login_failure(*, username: str | None, request, throttled: bool = False) -> None:
    audit(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=normalize_username(username),
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


def login_unlock(username: str) -> bool:
    """Lift an account's lock and forget its failures (for an administrator)."""
    return bool(ThrottleCounter.objects.filter(key=account_key(username)).delete()[0])


# Self-registration ----------------------------------------------------------------------------


def register_attempt_allowed(ip: str | None) -> bool:
    """Count one self-registration attempt from ``ip``; False once over the limit in the window."""
    return reserve(
        f"register:address:{ip or 'unknown'}", limit=REGISTER_LIMIT, window_seconds=REGISTER_WINDOW_SECONDS
    )
