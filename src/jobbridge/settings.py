"""Django settings for JobBridge.

Everything that differs between a laptop and a deployment comes from the environment:
DATABASE_URL, JOBBRIDGE_SECRET_KEY, JOBBRIDGE_PII_KEYS, JOBBRIDGE_PII_HASH_KEY, JOBBRIDGE_DEBUG,
JOBBRIDGE_ALLOWED_HOSTS, and the serving settings below (README.md, "Serving"). Without the keys
a development instance generates its own into var/ (never committed), so no secret lives in the
repository.

Production is the default: DEBUG is on only with JOBBRIDGE_DEBUG=1 (``make demo`` and the tests
set it), and without it cookies are Secure, HTTP is redirected to HTTPS and HSTS is sent.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jobbridge.core.localkeys import local_secret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JOBBRIDGE_VAR_DIR", Path.cwd() / "var"))


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off; unset or empty keeps the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 1 or 0")


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_flag("JOBBRIDGE_DEBUG", False)
SECRET_KEY = os.environ.get("JOBBRIDGE_SECRET_KEY") or local_secret(VAR_DIR, "django-secret", 50)
ALLOWED_HOSTS = env_list("JOBBRIDGE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# PII vault: Fernet keys (comma-separated, newest first, for rotation) and an HMAC key for look-ups.
PII_KEYS = (os.environ.get("JOBBRIDGE_PII_KEYS") or local_secret(VAR_DIR, "pii-fernet", kind="fernet")).split(
    ","
)
PII_HASH_KEY = os.environ.get("JOBBRIDGE_PII_HASH_KEY") or local_secret(VAR_DIR, "pii-hmac", 64)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "jobbridge.core",
    "jobbridge.people",
    "jobbridge.employers",
    "jobbridge.imports",
    "jobbridge.api",
    "jobbridge.demo",
    "jobbridge.matching",
    "jobbridge.placements",
    "jobbridge.transfers",
    "jobbridge.notifications",
    "jobbridge.jobtitles",
    "jobbridge.returns",
    "jobbridge.web",
]

MIDDLEWARE = [
    "jobbridge.core.middleware.TrustedProxies",  # first: REMOTE_ADDR and HTTPS as the proxy saw them
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jobbridge.core.middleware.ChineseUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",  # deny by default
]

ROOT_URLCONF = "jobbridge.urls"
WSGI_APPLICATION = "jobbridge.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DEFAULT_SQLITE = VAR_DIR / "jobbridge.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE transactions make writers queue
    # for the lock at BEGIN instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file too, not Django's shared in-memory database, whose table locks fail
    # at once instead of waiting: concurrent imports are tested as they run in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_jobbridge.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's default random_page_cost (4) models spinning disks; on SSD or a database
    # that fits in memory it makes PostgreSQL scan a million-row table rather than look up
    # 16,000 rows by key, which is what the seeker list's "group X in county Y" needs.
    # See docs/decisions/0003-seeker-list-at-a-million.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "JOBBRIDGE_PG_OPTIONS", "-c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JOBBRIDGE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("JOBBRIDGE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# A running background job with no heartbeat for this long has lost its worker (core.jobs.fail_stale).
JOBBRIDGE_JOB_LEASE_SECONDS = int(os.environ.get("JOBBRIDGE_JOB_LEASE_SECONDS", 300))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag; keep default name
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Serving (README.md, "Serving"): secure unless debugging, each switch overridable.
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or CIDR
# networks); nobody else's are (core.middleware.TrustedProxies).
TRUSTED_PROXIES = env_list("JOBBRIDGE_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"JOBBRIDGE_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_flag("JOBBRIDGE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_flag("JOBBRIDGE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("JOBBRIDGE_HSTS_SECONDS") or (0 if DEBUG else 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("JOBBRIDGE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("JOBBRIDGE_HSTS_PRELOAD", not DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("JOBBRIDGE_CSRF_TRUSTED_ORIGINS")
# A working day, not Django's two weeks: a shared office computer left signed in expires.
SESSION_COOKIE_AGE = int(float(os.environ.get("JOBBRIDGE_SESSION_HOURS") or 12) * 3600)

# Content-Security-Policy (django-csp): every script and style comes from our own static files
# (vendored HTMX and ECharts, the apps' scripts); no inline script, style element or attribute,
# no eval, no other origin. Pages draw charts from json_script data blocks, which are not code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login throttling (core/throttle.py): this many failures on an account within the window lock
# it for the window, each further lock twice as long up to the maximum; an address is refused
# after LOGIN_IP_FAILURE_LIMIT failures within the window (high: an office shares one address).
LOGIN_FAILURE_LIMIT = int(os.environ.get("JOBBRIDGE_LOGIN_FAILURE_LIMIT", 5))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_LOCK_MAX_SECONDS = 4 * 60 * 60
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("JOBBRIDGE_LOGIN_IP_FAILURE_LIMIT", 50))

# In the database so that what is cached (e.g. an import's progress) is shared by every web
# process; the table is created by migration core 0004. Not for counters that must not lose
# counts: its incr() reads and writes back in two statements (the throttles use ThrottleCounter).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jobbridge_cache"}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JOBBRIDGE_LOG_LEVEL", "WARNING")},
}

# Covering indexes (INCLUDE columns) serve index-only reads on PostgreSQL; SQLite ignores the
# extra columns and still uses the index, so its warning says nothing we need to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
