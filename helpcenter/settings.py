"""Settings for the help site, read from the environment with safe local defaults.

Every variable is documented in `.env.example`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A local `.env` (made by `make serve`, never committed) fills in what the environment lacks.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable; unset or blank means the default."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site refuses to start "
            "without a secret key. Set DJANGO_SECRET_KEY (see .env.example), or set "
            "DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. With DJANGO_DEBUG off, list the host names the site "
            "answers to (see .env.example), e.g. DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1"
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "troubleshooting.admin.apps.EditorsAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "csp",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "reversion",
    "adminsortable2",
    "troubleshooting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # The language comes from the address (/es/, /fr/; English has none), activated before
    # anything can answer: the 400 and 503 pages below, CommonMiddleware's slash redirects and
    # every view, the page cache's key included. It reads no session (Django keeps the choice
    # in a cookie since 4.0), so it needn't wait for SessionMiddleware.
    "troubleshooting.middleware.AddressLanguageMiddleware",
    "troubleshooting.middleware.ClearErrorsMiddleware",
    # A database that is read-only or down: a clear 503 with a retry hint, not a server error.
    "troubleshooting.faults.DatabaseFaultMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last but one, as django-axes asks of its own: it turns a refused login into the lockout
    # page, and sees every response of the one below.
    "axes.middleware.AxesMiddleware",
    # Innermost, so every middleware above runs on a hit as before: a cached public page at an
    # address already resolved is answered without resolving it again.
    "troubleshooting.page_addresses.PageHitMiddleware",
]

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "helpcenter.urls"
WSGI_APPLICATION = "helpcenter.wsgi.application"

# Form widgets render with the project's templates too (the admin's Markdown editor).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Named partials ("page.html#main") for htmx fragments, over the usual cached loaders.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# System checks silenced on purpose, each where its reason is.
SILENCED_SYSTEM_CHECKS = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An index's included columns are PostgreSQL's (a topic's listing read from the index
    # alone, troubleshooting/models/content.py); SQLite builds the index without them.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    # Several workers record outcomes at once: a writer waits for the lock instead of failing,
    # and takes it when its transaction begins, so two writers can never deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),  # options given in DATABASE_URL win
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, checking a kept connection at each request's first query without the
    # round trip of Django's own check (troubleshooting/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "troubleshooting.postgresql"
    # A database server that has gone quiet (a failover, a dropped route) must not hold a worker
    # for the operating system's minutes-long connect timeout: give up, and answer 503 soon.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": env_int("DJANGO_DB_CONNECT_TIMEOUT", 5),
        **DATABASES["default"].get("OPTIONS", {}),  # options given in DATABASE_URL win
    }
# PostgreSQL plans the public pages' reads once per connection (troubleshooting/prepared.py).
# Off behind a pooler that hands one connection's session to many clients (PgBouncer's
# transaction or statement mode), where a statement prepared in a session may not be there.
DB_PREPARED_STATEMENTS = env_bool("DJANGO_DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Whole pages are cached, and each process has its own local memory: cap it. Several servers
# share one Redis (REDIS_URL), so a page is rendered once for all of them. Either way a change
# retires cached pages everywhere within a second (troubleshooting/caching.py).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "").strip() or "helpcenter"


def cache_settings(redis_url: str, key_prefix: str) -> dict:
    """The caches: Redis shared by every server when a URL is given, else this process's memory."""
    if not redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "helpcenter",
                "KEY_PREFIX": key_prefix,
                "OPTIONS": {"MAX_ENTRIES": 2000},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
            # A Redis that hangs must not hold pages up: give up quickly and serve without it.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }


CACHES = cache_settings(REDIS_URL, CACHE_KEY_PREFIX)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the source and the default: its pages keep their unprefixed addresses. British
# English ("en-gb": its dates and Django's own wording), so the code is in LANGUAGES as it is:
# an English address then never gains a prefix, and "en", "en-us"... negotiate to it.
LANGUAGE_CODE = "en-gb"
# Each named in its own language: that is how a reader looks for theirs in the switcher.
LANGUAGES = [("en-gb", "English"), ("es", "Español"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# A CDN in front of the static files, e.g. https://cdn.example.com: pages link to it, and it
# fetches from whitenoise on the app servers (whitenoise's documented CDN set-up).
STATIC_HOST = os.environ.get("DJANGO_STATIC_HOST", "").strip().rstrip("/")
STATIC_URL = f"{STATIC_HOST}/static/" if STATIC_HOST else "static/"
# Where collectstatic puts the files whitenoise serves.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Bad input gets a clear 400, never a crash: bound what one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# Safe defaults everywhere; the HTTPS-only ones are switched on behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_HTTPS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe each app server directly over plain HTTP; a redirect would read as down.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Covers only the names below the site's own host (help.example.com: *.help.example.com),
    # which nothing serves over plain HTTP; an operator serving the site on a bare domain with
    # HTTP-only subdomains turns it off.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment made outside the site (a submission to browsers' lists,
        # for the whole registered domain, slow to undo), so it is the operator's opt-in; the
        # check only nags about that choice. All other deploy checks stay on.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content Security Policy (django-csp): our own files only, no inline scripts or styles (htmx's
# indicator style is off in its config meta), no plugins, and no framing. The admin (Django's,
# sortable2's, reversion's, axes' and our pages) needs no exception: checked page by page in
# Chromium, where a violation is a console error that fails the browser tests.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *filter(None, [STATIC_HOST])],
        "style-src": [SELF, *filter(None, [STATIC_HOST])],
        "img-src": [SELF, *filter(None, [STATIC_HOST])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Admin logins (django-axes): after this many wrong passwords for one username from one address,
# that pair is refused, even with the right password, until the cool-off has passed since the
# latest try (each try while locked out starts the wait again). A success clears the count.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: the connection's own unless proxies that append to X-Forwarded-For sit in
# front. ipware counts the proxies listed in that header, which excludes the one connecting to
# us; not strict, so it counts from the right and entries a client forged on the left are ignored.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Outcomes of the guided fix and article votes (anonymous; see troubleshooting/outcomes.py).
# Raw records older than this are added up into daily counts and deleted (`purge_outcomes`).
OUTCOMES_RETENTION_DAYS = int(os.environ.get("DJANGO_OUTCOMES_RETENTION_DAYS", "90"))
# A guided session with no answer for this long counts as abandoned. Some steps (waiting for
# activation) take hours, so a late answer still counts: the session simply carries on.
OUTCOMES_ABANDON_AFTER_MINUTES = int(os.environ.get("DJANGO_OUTCOMES_ABANDON_AFTER_MINUTES", "120"))
# Recording (answers, votes, searches that found nothing) gives up after waiting this long for a
# database lock, so a long write elsewhere never holds a page up: the page goes on, unrecorded.
OUTCOMES_WRITE_TIMEOUT_MS = env_int("DJANGO_OUTCOMES_WRITE_TIMEOUT_MS", 2000)
# Searches made are counted in memory and written at most this often (seconds), so a search
# page served from the cache costs no query.
SEARCH_COUNT_SECONDS = env_int("DJANGO_SEARCH_COUNT_SECONDS", 30)
# Answers or votes recorded per session (or voter) per minute; more are not recorded.
OUTCOMES_RATE_LIMIT_PER_MINUTE = 30
# A step needs this many tries before its fix rate may move it in the suggested order.
OUTCOMES_MIN_TRIES_TO_REORDER = 20

# Public pages are kept whole in the cache for this many seconds (0: off), and retired at once
# when content changes (see troubleshooting/caching.py).
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
# Blocks of the home page (a topic's summary, the common problems' cards) each process keeps
# rendered for the exact values they show (troubleshooting/blocks.py): at most this many, the
# least recently used forgotten first (0: render them every time). A block is 1-3 KB; a site
# needs about (topics + 1) x languages of them, twice that while an edit settles.
RENDERED_BLOCKS_MAX = env_int("DJANGO_RENDERED_BLOCKS_MAX", 2000)
# How long an app process trusts the content version it last read from the database before
# asking again: the most a change can take to show on every server.
CONTENT_VERSION_CHECK_SECONDS = float(
    os.environ.get("DJANGO_CONTENT_VERSION_CHECK_SECONDS", "").strip() or 1
)

# Editors: content not reviewed for this many days is flagged in the admin.
CONTENT_REVIEW_AFTER_DAYS = int(os.environ.get("DJANGO_CONTENT_REVIEW_AFTER_DAYS", "180"))
# With review on, only members of "Publishers" may publish, schedule or change live content.
CONTENT_REQUIRE_REVIEW = env_bool("DJANGO_CONTENT_REQUIRE_REVIEW", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start, every manage.py command included.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}
