"""The notification settings, each with its default, read at call time (so tests can override).

JOBBRIDGE_NOTIFY_CHANNELS      {name: {"backend": <registry key>, ...options}}; merged over DEFAULT_CHANNELS
JOBBRIDGE_NOTIFY_PUSH_CHANNELS channels "发送通知" on the push list uses (default ["sms", "inapp"])
JOBBRIDGE_NOTIFY_QUIET_HOURS   ("21:00", "08:00"): default quiet window, local time
JOBBRIDGE_NOTIFY_TIME_ZONE     "Asia/Shanghai": the zone quiet hours and "today" are counted in
JOBBRIDGE_NOTIFY_RETRY         {"max_attempts": 5, "base_seconds": 60, "max_seconds": 3600, "jitter_seconds": 30}
JOBBRIDGE_NOTIFY_LEASE_SECONDS 600: a row left "sending" longer than this (a worker died) is queued again
JOBBRIDGE_NOTIFY_PUSH_MAX_SEEKERS 20000: the largest region a push list scores at once
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULT_CHANNELS: dict[str, dict] = {
    "console": {"backend": "console"},
    "file": {"backend": "file"},
    "inapp": {"backend": "inapp"},
    # Until a gateway is configured, text messages are written to the log: development and demos
    # send nothing to real phones. A deployment sets {"backend": "sms_http", "url": ..., "token": ...}.
    "sms": {"backend": "console", "needs": "phone"},
    "wechat": {"backend": "console", "needs": "openid"},
}
DEFAULT_RETRY = {"max_attempts": 5, "base_seconds": 60, "max_seconds": 3600, "jitter_seconds": 30}


def channels() -> dict[str, dict]:
    configured = getattr(settings, "JOBBRIDGE_NOTIFY_CHANNELS", None) or {}
    return {**DEFAULT_CHANNELS, **configured}


def push_channels() -> list[str]:
    return list(getattr(settings, "JOBBRIDGE_NOTIFY_PUSH_CHANNELS", ["sms", "inapp"]))


def time_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "JOBBRIDGE_NOTIFY_TIME_ZONE", "Asia/Shanghai"))


def parse_hhmm(value) -> dt.time:
    if isinstance(value, dt.time):
        return value
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


def quiet_hours() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "JOBBRIDGE_NOTIFY_QUIET_HOURS", ("21:00", "08:00"))
    return parse_hhmm(start), parse_hhmm(end)


def retry() -> dict:
    return {**DEFAULT_RETRY, **(getattr(settings, "JOBBRIDGE_NOTIFY_RETRY", None) or {})}


def lease_seconds() -> int:
    return int(getattr(settings, "JOBBRIDGE_NOTIFY_LEASE_SECONDS", 600))


def push_max_seekers() -> int:
    return int(getattr(settings, "JOBBRIDGE_NOTIFY_PUSH_MAX_SEEKERS", 20000))


def local_today(now: dt.datetime | None = None) -> dt.date:
    from django.utils import timezone

    return (now or timezone.now()).astimezone(time_zone()).date()
