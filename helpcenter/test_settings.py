"""Settings for the test suite: the real settings, made fast and independent of the build."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from helpcenter.settings import *  # noqa: E402, F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest needs collectstatic; tests check pages, not the build.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# A variable a template cannot resolve shows up in the page, where the URL sweep looks for it.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "MISSING-TEMPLATE-VARIABLE(%s)"  # noqa: F405
# SQLite runs in memory (Django's shared in-memory test database), which is several times faster
# than a file. The few tests marked `sqlite_file` need real waiting writers: in memory, concurrent
# writers fail at once with "table is locked" instead of waiting. They run in a second invocation
# with TEST_SQLITE_FILE=1 (`make suite` does both), on a file of its own per process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get(  # noqa: F405
    "TEST_SQLITE_FILE"
):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"helpcenter-test-{os.getpid()}.sqlite3")
    }
# PostgreSQL empties tables after a committing test with DELETE, not TRUNCATE (20 ms, not up to
# a second a test: tests/postgresql_backend/base.py); everything else is the site's backend.
if DATABASES["default"]["ENGINE"] == "troubleshooting.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql_backend"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests see a change at once; in production a process re-reads the content version each second.
CONTENT_VERSION_CHECK_SECONDS = 0
# The suite empties the cache before each test: never the Redis a local .env names for the site.
# TEST_REDIS_URL runs the suite on a Redis of its own (as CI does).
_redis_url = os.environ.get("TEST_REDIS_URL", "")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, … when the suite runs in parallel
if _redis_url and _worker:
    # Each worker empties its own Redis database before every test, never another worker's.
    # Counting down from the one named (CI names 15), away from the usual 0.
    _base, _, _db = _redis_url.rpartition("/")
    _db, _index = int(_db or 0), int(_worker.removeprefix("gw"))
    _redis_url = f"{_base}/{_db - _index if _db >= _index else _db + _index}"
CACHES = cache_settings(_redis_url, "helpcenter-tests")  # noqa: F405
# Searches counted are written every SEARCH_COUNT_SECONDS, after whichever response comes next:
# a test counting a page's queries would count the write too if a slow run crossed the moment.
# The tests of the writing set their own (tests/troubleshooting/test_search_usage.py).
SEARCH_COUNT_SECONDS = 3600
