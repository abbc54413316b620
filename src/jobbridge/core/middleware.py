"""Request middleware of our own."""

import functools
import ipaddress

from django.conf import settings


class ChineseUnlessChosen:
    """Chinese is the default whatever the browser asks for; English is a choice a person makes
    with the language switch (a cookie), not something a browser's Accept-Language decides.

    Placed before Django's LocaleMiddleware, it hides Accept-Language from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Reverse proxies -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted if t.strip())


def _address(text: str):
    """An address as a proxy writes it into X-Forwarded-For ("1.2.3.4", "1.2.3.4:80",
    "[2001:db8::1]:443", "2001:db8::1"), or None for anything else."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in n for n in networks if n.version == address.version)


def _from_trusted_proxy(meta) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return bool(networks) and _is_trusted(_address(meta.get("REMOTE_ADDR") or ""), networks)


def client_address(meta) -> str | None:
    """The address of the client a request came from.

    REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES (addresses or networks): then
    X-Forwarded-For is read from the right, past every trusted proxy, and the first address that
    is not one is the client. Entries further left were written by the client itself and are
    never believed; an entry that is not an address stops the walk at the proxy that passed it."""
    remote = meta.get("REMOTE_ADDR") or None
    if not _from_trusted_proxy(meta):
        return remote
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    client = remote
    for entry in reversed([e for e in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]):
        address = _address(entry)
        if address is None:
            break
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client


def environ_is_secure(environ) -> bool:
    """request.is_secure() for a WSGI environ that has not been through TrustedProxies: the
    server's own HTTPS, or SECURE_PROXY_SSL_HEADER from a trusted proxy (for matching.lean_wsgi,
    which answers some requests before Django's middleware)."""
    if environ.get("wsgi.url_scheme") == "https":
        return True
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not header or not _from_trusted_proxy(environ):
        return False
    name, secure_value = header
    return environ.get(name, "").split(",", 1)[0].strip() == secure_value


class TrustedProxies:
    """Behind a configured reverse proxy, REMOTE_ADDR becomes the client's address (see
    client_address), so the audit trail and the throttles see people, not the proxy. From
    anyone else X-Forwarded-Proto is dropped: only a trusted proxy may say that a request came
    over HTTPS (SECURE_PROXY_SSL_HEADER). Placed first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if _from_trusted_proxy(meta):
            meta["JOBBRIDGE_PROXY_ADDR"] = meta.get("REMOTE_ADDR")
            meta["REMOTE_ADDR"] = client_address(meta)
        else:
            header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
            meta.pop(header[0] if header else "HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
