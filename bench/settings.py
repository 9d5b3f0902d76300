"""Production settings plus the benchmark's own URLs (a baseline view), for gunicorn in bench/.

Everything else comes from ``helpcenter.settings`` and the environment (DEBUG off, as in
production); static files are collected into the run's work directory, not the project's.
"""

import os

from helpcenter.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BASE_DIR / ".local" / "bench-static"))  # noqa: F405

# One line per record with its level, so a run can count what went wrong in the server's log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"levelled": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "levelled"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
