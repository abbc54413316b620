"""Pluggable delivery channels: a small registry of backends keyed by name.

A *channel* is a configured name ("sms", "inapp", ...) in JOBBRIDGE_NOTIFY_CHANNELS; its
``backend`` is a key of ``BACKENDS`` (or a dotted path to a Channel subclass) and the other keys
are the backend's options. A backend's ``send`` returns normally when the message is delivered
and otherwise raises:

- ``Transient``: worth trying again later (HTTP 5xx or 429, timeouts, refused connections);
- ``Permanent``: trying again cannot help (HTTP 4xx, a gateway that says the number is invalid).

Missing addresses (no phone for SMS) are found before ``send`` from the backend's ``needs``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from . import conf

logger = logging.getLogger(__name__)


class Transient(Exception):
    """Delivery failed in a way that may pass: retry with back-off."""


class Permanent(Exception):
    """Delivery refused for good: mark failed, do not retry."""


@dataclass
class Message:
    notification_id: int
    idempotency_key: str
    kind: str
    text: str
    params: dict = field(default_factory=dict)
    recipient_name: str = ""
    phone: str = ""  # clear number, only in memory while sending
    phone_masked: str = ""
    openid: str = ""


class Channel:
    needs = ""  # "phone", "openid" or "" (the recipient address the backend cannot do without)
    interrupts = True  # reaches the person at once (a phone buzzes): quiet hours apply

    def __init__(self, name: str, **options):
        self.name = name
        self.options = options
        self.needs = options.get("needs", self.needs)

    def check(self) -> list[str]:
        """Configuration problems, as sentences (empty when the channel can run)."""
        return []

    def send(self, message: Message) -> str:
        raise NotImplementedError


class ConsoleChannel(Channel):
    """Writes one line per message to stdout (like Django's console e-mail backend) and the log."""

    def send(self, message: Message) -> str:
        to = message.phone_masked or message.openid or message.recipient_name or "-"
        line = f"[notify:{self.name}] #{message.notification_id} to {to} ({message.kind}): {message.text}"
        stream = self.options.get("stream") or sys.stdout
        stream.write(line + "\n")
        logger.info(line)
        return "console"


class FileChannel(Channel):
    """Appends one JSON object per message to a file under JOBBRIDGE_VAR_DIR (masked numbers only)."""

    def path(self) -> Path:
        return Path(
            self.options.get("path") or Path(settings.VAR_DIR) / "notifications" / f"{self.name}.jsonl"
        )

    def send(self, message: Message) -> str:
        path = self.path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            record = {
                "at": timezone.now().isoformat(),
                "id": message.notification_id,
                "key": message.idempotency_key,
                "channel": self.name,
                "kind": message.kind,
                "to": message.phone_masked or message.openid or message.recipient_name,
                "text": message.text,
                "params": message.params,
            }
            with path.open("a", encoding="utf-8") as f:
                # Several workers may append at once: one whole line each.
                fcntl.flock(f, fcntl.LOCK_EX)
                f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        except OSError as e:
            raise Transient(f"{path}: {e}") from e
        return str(path)


class InAppChannel(Channel):
    """Nothing leaves the system: a sent in-app row is what the seeker's inbox page lists.
    It buzzes no phone, so quiet hours do not hold it back."""

    interrupts = False

    def send(self, message: Message) -> str:
        return "inbox"


def post_json(url: str, body: dict, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST JSON; returns (status, body) on 2xx, raises Transient/Permanent otherwise."""
    if not url.startswith(("http://", "https://")):
        raise Permanent(f"not an http(s) URL: {url!r}")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        detail = e.read()[:300].decode("utf-8", "replace")
        if e.code >= 500 or e.code == 429:
            raise Transient(f"HTTP {e.code}: {detail}") from e
        raise Permanent(f"HTTP {e.code}: {detail}") from e
    except TimeoutError as e:
        raise Transient(f"timeout after {timeout}s: {url}") from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise Transient(f"timeout after {timeout}s: {url}") from e
        raise Transient(f"cannot reach {url}: {e.reason}") from e
    except (ConnectionError, OSError) as e:
        raise Transient(f"connection error: {url}: {e}") from e


class SmsHttpChannel(Channel):
    """A generic SMS gateway: JSON POST to ``url`` with the token in ``token_header``.

    Body: {"to": phone, "template": kind, "text": text, "params": {...}}; every request also
    carries ``Idempotency-Key`` so a gateway that honours it never sends the same text twice.
    """

    needs = "phone"

    def check(self) -> list[str]:
        url = str(self.options.get("url") or "")
        if not url.startswith(("http://", "https://")):
            return [f"channel {self.name!r}: sms_http needs an http(s) 'url' (got {url!r})"]
        return []

    def send(self, message: Message) -> str:
        o = self.options
        headers = {"Idempotency-Key": message.idempotency_key}
        if o.get("token"):
            headers[o.get("token_header", "X-Api-Token")] = o["token"]
        body = {"to": message.phone, "template": message.kind, "text": message.text, "params": message.params}
        status, _raw = post_json(o["url"], body, headers, float(o.get("timeout", 10)))
        return f"HTTP {status}"


class WechatTemplateChannel(Channel):
    """WeChat official-account template message: POST {base_url}/cgi-bin/message/template/send.

    Options: ``base_url`` (default https://api.weixin.qq.com), ``access_token``, ``template_id``
    or ``templates`` ({kind: template id}). WeChat answers HTTP 200 with an ``errcode``: 0 is
    sent, -1 (system busy) is retried, anything else is refused for good.
    """

    needs = "openid"

    def template_for(self, kind: str) -> str:
        return (self.options.get("templates") or {}).get(kind) or self.options.get("template_id", "")

    def check(self) -> list[str]:
        problems = []
        if not self.options.get("access_token"):
            problems.append(f"channel {self.name!r}: wechat_template needs an 'access_token'")
        if not (self.options.get("template_id") or self.options.get("templates")):
            problems.append(f"channel {self.name!r}: wechat_template needs a 'template_id' or 'templates'")
        if not str(self.options.get("base_url", "https://")).startswith(("http://", "https://")):
            problems.append(f"channel {self.name!r}: wechat_template 'base_url' must be http(s)")
        return problems

    def send(self, message: Message) -> str:
        o = self.options
        template = self.template_for(message.kind)
        if not template:
            raise Permanent(f"no WeChat template for {message.kind!r}")
        base = o.get("base_url", "https://api.weixin.qq.com").rstrip("/")
        url = f"{base}/cgi-bin/message/template/send?access_token={o.get('access_token', '')}"
        data = {"first": {"value": message.text}}
        data.update({k: {"value": str(v)} for k, v in message.params.items()})
        body = {"touser": message.openid, "template_id": template, "data": data}
        _status, raw = post_json(
            url, body, {"Idempotency-Key": message.idempotency_key}, float(o.get("timeout", 10))
        )
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as e:
            raise Transient(f"WeChat answered something that is not JSON: {raw[:100]!r}") from e
        code = answer.get("errcode", 0)
        if code == 0:
            return f"msgid {answer.get('msgid', '')}"
        if code == -1:
            raise Transient(f"WeChat busy: {answer.get('errmsg', '')}")
        raise Permanent(f"WeChat errcode {code}: {answer.get('errmsg', '')}")


BACKENDS: dict[str, type[Channel]] = {
    "console": ConsoleChannel,
    "file": FileChannel,
    "inapp": InAppChannel,
    "sms_http": SmsHttpChannel,
    "wechat_template": WechatTemplateChannel,
}


def register(key: str, cls: type[Channel]) -> None:
    """Add a backend (a plug-in app calls this from its AppConfig.ready)."""
    BACKENDS[key] = cls


def _backend_class(name: str, backend: str) -> type[Channel]:
    if backend in BACKENDS:
        return BACKENDS[backend]
    if "." in backend:
        try:
            return import_string(backend)
        except ImportError as e:
            raise ImproperlyConfigured(
                f"notification channel {name!r}: cannot import backend {backend!r}"
            ) from e
    known = ", ".join(sorted(BACKENDS))
    raise ImproperlyConfigured(f"notification channel {name!r}: unknown backend {backend!r} (known: {known})")


def get_channel(name: str) -> Channel:
    """The configured channel ``name``; ImproperlyConfigured naming it when it does not exist."""
    config = conf.channels()
    if name not in config:
        raise ImproperlyConfigured(
            f"unknown notification channel {name!r} (configured: {', '.join(sorted(config))})"
        )
    options = dict(config[name])
    backend = options.pop("backend", name)
    return _backend_class(name, backend)(name, **options)


def configuration_problems() -> list[str]:
    """Every problem in the channel settings, for the system check and for `notify` at start."""
    problems = []
    config = conf.channels()
    for name, options in config.items():
        if not isinstance(options, dict):
            problems.append(f"notification channel {name!r}: settings must be a dict with a 'backend'")
            continue
        try:
            problems.extend(get_channel(name).check())
        except ImproperlyConfigured as e:
            problems.append(str(e))
    for name in conf.push_channels():
        if name not in config:
            problems.append(f"JOBBRIDGE_NOTIFY_PUSH_CHANNELS names unknown channel {name!r}")
    return problems
