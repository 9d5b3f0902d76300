import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.demo_data import load_demo
from tests.factories import make_guide
from troubleshooting import caching
from troubleshooting.models import (
    Cause,
    FixStep,
    SearchSynonym,
    Symptom,
    Topic,
    TriageChoice,
    TriageQuestion,
    topic_counts,
)
from troubleshooting.search import usage as search_usage

# What a test may not ask for when it says no database engine can change its result.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "demo_content",
    "client",
    "admin_client",
    "django_user_model",
}


def pytest_collection_modifyitems(config, items):
    """Refuse `engine_independent` on a test that reaches the database: CI's PostgreSQL pass
    leaves such tests out, so one that needed the database would be proven on SQLite alone."""
    for item in items:
        if not item.get_closest_marker("engine_independent"):
            continue
        reached = DATABASE_FIXTURES.intersection(item.fixturenames)
        if item.get_closest_marker("django_db") or reached:
            raise pytest.UsageError(
                f"{item.nodeid} is marked engine_independent but uses the database "
                f"({', '.join(sorted(reached)) or 'django_db'}): remove the marker"
            )


@pytest.fixture(autouse=True)
def _empty_caches():
    """Start every test with empty caches: no page or rate limit carried over from another."""
    for cache in caches.all():
        cache.clear()
    # As a new process: no page or trusted version kept, and a test's broken cache not resting.
    caching.page_cache.reset()
    search_usage.search_counts.reset()
    # A request under /es/ leaves Spanish active in the thread: start each test in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    # Searches still counted would be written when the process exits, after the test database
    # is gone: they belong to this test alone.
    search_usage.search_counts.reset()


@pytest.fixture(autouse=True)
def _topic_counts_at_once(request, monkeypatch):
    """Count topics again at once in a test that never commits (its transaction is rolled back).

    The site counts them after the writer's transaction commits; a test inside one transaction
    would never see the number. Tests with ``transaction=True`` (and the browser tests) commit,
    so they keep the real deferral.
    """
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"}.intersection(request.fixturenames)
    if committing or (marker and marker.kwargs.get("transaction")):
        return
    monkeypatch.setattr(topic_counts, "_after_commit", lambda flush, using: flush(using))


@pytest.fixture(autouse=True)
def _source_language():
    """Start every test in English: a request to /es/ leaves Spanish on for its thread, as a
    server's next request would replace it, and addresses built outside requests follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def guide(db):
    """A small published guide: topic, start question, symptom with three quick steps."""
    return make_guide(3)


@pytest.fixture
def destructive_guide(db):
    """A guide whose last step is destructive (needs a confirmation)."""
    return make_guide(2, destructive_last=True)


@pytest.fixture
def htmx_headers():
    return {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """Load the shipped demo guide once for a module's tests, and remove it afterwards."""
    with django_db_blocker.unblock():
        load_demo()
    yield
    with django_db_blocker.unblock():
        for model in (TriageChoice, TriageQuestion, Symptom, FixStep, Cause, Topic, SearchSynonym):
            model.objects.all().delete()


# The static files storage production uses: compressed, with hashed names and a manifest.
PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Collect the static files once, as a deployment does (the tests' storage has no manifest)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root
