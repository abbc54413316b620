"""When a message may go: quiet hours and the retry back-off. Pure functions of their inputs."""

import datetime as dt
import random
from zoneinfo import ZoneInfo


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time, tz: ZoneInfo) -> dt.datetime | None:
    """The end of the quiet window ``now`` falls in (an aware datetime), or None if outside it.

    The window is [start, end) in local time and may wrap midnight (21:00-08:00); start == end
    means the person has no quiet hours."""
    if start == end:
        return None
    local = now.astimezone(tz)
    t = local.time()
    today = local.date()
    if start < end:
        inside, end_day = start <= t < end, today
    elif t >= start:
        inside, end_day = True, today + dt.timedelta(days=1)
    else:
        inside, end_day = t < end, today
    if not inside:
        return None
    return dt.datetime.combine(end_day, end, tzinfo=tz)


def backoff_seconds(
    attempts: int,
    *,
    base_seconds: float,
    max_seconds: float,
    jitter_seconds: float,
    rng: random.Random | None = None,
    **_ignored,
) -> float:
    """Delay before attempt ``attempts + 1``: base * 2^(attempts-1), at most max_seconds, plus a
    random jitter of at most jitter_seconds, so many rows failing together do not retry in step."""
    delay = min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds)
    jitter = (rng or random).uniform(0, jitter_seconds) if jitter_seconds > 0 else 0.0
    return delay + jitter
