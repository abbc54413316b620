"""A WSGI fast lane for the commonest API read: a script's ``GET /api/seekers/{id}/recommendations``
with a bearer token this process checked moments ago, answered from the stored list.

Such a request is answered here, without Django's request/response cycle (request object,
middleware, URL resolution, ninja's parameter models), which costs more CPU than the answer
itself: ``lean.stored_recommendations`` with the token's cached scope, one prepared statement on
PostgreSQL. Everything else goes to Django unchanged, so each case keeps one implementation:

* any other path, method, or a query string other than ``top=1..100`` (or none);
* a request with cookies (a browser: session, language choice, CSRF) or without a bearer token;
* a token not checked by ``lean.BearerToken`` in this process in the last ``lean.TOKEN_TTL`` s
  (Django checks it and keeps the answer; the next request comes here);
* a Host that ``ALLOWED_HOSTS`` refuses, settings that make the middleware redirect or refuse
  (``SECURE_SSL_REDIRECT`` for a request not over HTTPS, ``PREPEND_WWW``,
  ``DISALLOWED_USER_AGENTS``), or middleware beyond
  the list this lane was checked against (``CHECKED_MIDDLEWARE``): a new middleware may have to
  see every request, so the lane then steps aside entirely;
* a seeker missing or out of scope (Django answers the 404), a stored list the selector would
  not trust (Django falls back to on-demand scoring), or any error.

The response headers are the ones Django's middleware put on this endpoint's last answer to a
request of the same kind (learned from it; the lane serves nothing before it has one), so a
script sees the same status, headers and bytes whichever way its request went.
"""

import json
import logging
import re
import threading
from typing import Any

from django.conf import settings
from django.core import signals
from django.http import Http404
from django.http.request import split_domain_port, validate_host

from jobbridge.core.middleware import environ_is_secure

from . import lean

logger = logging.getLogger(__name__)

PATH = re.compile(r"/api/seekers/([1-9][0-9]{0,17})/recommendations\Z")
QUERY = re.compile(r"(?:top=([1-9][0-9]?|100))?\Z")
# The middleware this lane was checked against: none of it acts on a cookie-less bearer GET of
# this path beyond headers, which the lane copies from Django's own answers.
CHECKED_MIDDLEWARE = (
    "jobbridge.core.middleware.TrustedProxies",  # only REMOTE_ADDR and X-Forwarded-Proto (see below)
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # a header, the same on every answer of this endpoint
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jobbridge.core.middleware.ChineseUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
)


def lane_open() -> bool:
    return (
        lean.enabled()
        and set(settings.MIDDLEWARE) <= set(CHECKED_MIDDLEWARE)
        and not settings.PREPEND_WWW
        and not settings.DISALLOWED_USER_AGENTS
    )


class FastLane:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers: dict[str, list[tuple[str, str]]] = {}  # url scheme -> Django's headers, no length
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = self._eligible(environ)
        if request is None:
            return self.app(environ, start_response)
        seeker_id, k, token, scheme = request
        viewer = lean.cached_viewer(token)
        headers = self.headers.get(scheme)
        if viewer is None or viewer[1] is None or headers is None:
            return self.app(environ, self._learning(start_response, scheme))
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            body = lean.stored_recommendations(seeker_id, viewer[1], k)
        except Http404:
            body = None
        except Exception:  # noqa: BLE001 - Django answers it again, with its own error handling
            logger.exception("recommendations fast lane failed; passing the request to Django")
            body = None
        finally:
            signals.request_finished.send(sender=self.__class__)
        if body is None:
            return self.app(environ, self._learning(start_response, scheme))
        payload = json.dumps(body, ensure_ascii=False).encode()
        start_response("200 OK", [*headers, ("Content-Length", str(len(payload)))])
        return [payload]

    @staticmethod
    def _eligible(environ) -> tuple | None:
        """(seeker id, top, token, url scheme) for a request of the kind the lane answers."""
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ:
            return None
        path = PATH.match(environ.get("PATH_INFO", ""))
        query = QUERY.match(environ.get("QUERY_STRING", "")) if path else None
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if path is None or query is None or not auth.startswith("Bearer ") or not lane_open():
            return None
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
            return None
        # As Django sees it: HTTPS from the server, or from a trusted proxy's X-Forwarded-Proto.
        scheme = "https" if environ_is_secure(environ) else environ.get("wsgi.url_scheme")
        if settings.SECURE_SSL_REDIRECT and scheme != "https":
            return None  # SecurityMiddleware redirects it
        domain, _port = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]  # as HttpRequest.get_host
        if not domain or not validate_host(domain, allowed):
            return None
        return int(path.group(1)), int(query.group(1) or 10), auth[7:], scheme

    def _learning(self, start_response, scheme: str):
        """Django answers; a 200 of this endpoint teaches the lane its headers."""

        def start(status, headers, exc_info=None):
            if status.startswith("200 ") and not any(h.lower() == "set-cookie" for h, _ in headers):
                with self._lock:
                    self.headers[scheme] = [(h, v) for h, v in headers if h.lower() != "content-length"]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return start


def fast_lane(app):
    """Wrap the Django WSGI application (``jobbridge.wsgi``)."""
    return FastLane(app)
