"""The home page's listings stored per topic and language, read only while provably current."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from troubleshooting import caching, listings
from troubleshooting.models import (
    ContentVersion,
    Status,
    Symptom,
    SymptomTranslation,
    Topic,
    TopicListing,
)
from troubleshooting.prepared import logged_sql

from ..factories import make_symptom, make_topic
from .test_home_listing import listed_links, topic_section
from .test_topic_counts import in_thread

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
LANGUAGES = ("", "es/", "fr/")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def current_token() -> str:
    return ContentVersion.objects.get(pk=1).token


def all_fresh() -> bool:
    """Whether every topic has a stored listing in every language, under the current token."""
    rows = list(TopicListing.objects.values_list("token", flat=True))
    expected = Topic.objects.count() * len(listings.LANGUAGES)
    return len(rows) == expected > 0 and set(rows) == {current_token()}


def pages(client) -> dict[str, str]:
    return {prefix: client.get(f"/{prefix}").content.decode() for prefix in LANGUAGES}


def live_pages(client) -> dict[str, str]:
    """The pages as the listings worked out live give them (no stored row read)."""
    with transaction.atomic():
        kept = list(TopicListing.objects.all())
        TopicListing.objects.all().delete()
        shown = pages(client)
        transaction.set_rollback(True)
    assert TopicListing.objects.count() == len(kept)
    return shown


def translated(symptom, language: str, title: str, **fields) -> SymptomTranslation:
    """Publish ``symptom``'s translation into ``language`` (its slug from the title)."""
    return SymptomTranslation.objects.create(
        source=symptom,
        language=language,
        title=title,
        slug=slugify(title),
        status=Status.PUBLISHED,
        **fields,
    )


@pytest.fixture
def guide(django_capture_on_commit_callbacks):
    """Two topics with listed symptoms, a card, translations; their listings stored."""
    with django_capture_on_commit_callbacks(execute=True):
        busy = make_topic(title="Busy topic", slug="busy", position=1)
        other = make_topic(title="Other topic", slug="other", position=2)
        symptoms = [
            make_symptom(topic=busy, title=f"Listed {n}", slug=f"listed-{n}", position=n)
            for n in range(1, 9)
        ]
        make_symptom(topic=busy, title="A card", slug="card", position=0, featured=True)
        make_symptom(topic=other, title="Elsewhere", slug="elsewhere", position=1)
        for language in ("es", "fr"):
            translated(symptoms[0], language, f"Primero ({language})")
    assert all_fresh()
    return busy, other, symptoms


def test_the_stored_listings_give_the_page_the_live_listing_gives(client, guide):
    stored = pages(client)
    assert stored == live_pages(client)
    assert "Primero (es)" in stored["es/"] and "Primero (fr)" in stored["fr/"]


def test_a_fresh_stored_listing_is_what_the_page_reads(client, guide):
    busy, other, _ = guide
    # The other topic's stored text in the busy one's place: the page shows what is stored.
    elsewhere = TopicListing.objects.get(topic=other, language="en").listed
    TopicListing.objects.filter(topic=busy, language="en").update(listed=elsewhere)
    section = topic_section(client.get("/").content.decode(), "Busy topic")
    assert [title for _, title in listed_links(section)] == ["Elsewhere"]


def test_a_stale_token_falls_back_to_the_live_listing(client, guide):
    busy, other, symptoms = guide
    elsewhere = TopicListing.objects.get(topic=other, language="en").listed
    TopicListing.objects.filter(topic=busy, language="en").update(listed=elsewhere)
    # A write whose commit has not been followed by a relist (this test never commits).
    symptoms[0].title = "Renamed, not relisted"
    symptoms[0].save()
    assert not all_fresh()
    section = topic_section(client.get("/").content.decode(), "Busy topic")
    assert listed_links(section)[0] == ("/busy/listed-1/", "Renamed, not relisted")
    assert len(listed_links(section)) == 6


def test_a_preview_reads_the_listing_live(admin_client, guide):
    busy, other, _ = guide
    elsewhere = TopicListing.objects.get(topic=other, language="en").listed
    TopicListing.objects.filter(topic=busy, language="en").update(listed=elsewhere)
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    section = topic_section(admin_client.get("/").content.decode(), "Busy topic")
    assert listed_links(section)[0][1] == "Listed 1"


def test_the_home_page_still_reads_once_with_stored_listings(client, guide):
    client.get("/es/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    home, version = (logged_sql(query["sql"]) for query in queries)
    # One read, the stored listings joined in it; then the content version's.
    assert "troubleshooting_topiclisting" in home
    assert version.split('"')[1] == "troubleshooting_contentversion"


def rename(symptoms):
    symptoms[1].title = "Listed 2, renamed"
    symptoms[1].save()


def reorder(symptoms):
    symptoms[7].position = 0
    symptoms[7].save()


def unpublish(symptoms):
    symptoms[0].status = Status.DRAFT
    symptoms[0].save()


def translate(symptoms):
    translated(symptoms[1], "es", "Segundo")


def retranslate(symptoms):
    translation = SymptomTranslation.objects.get(source=symptoms[0], language="es")
    translation.title = "Primero, de nuevo"
    translation.save()


def feature(symptoms):
    symptoms[0].featured = True
    symptoms[0].save()


def move(symptoms):
    symptoms[0].topic = Topic.objects.get(slug="other")
    symptoms[0].save()


@pytest.mark.parametrize(
    ("write", "expected_en", "expected_es"),
    [
        (rename, "Listed 2, renamed", None),
        (reorder, "Listed 8", None),
        (unpublish, "Listed 2", "Listed 2"),
        (translate, None, "Segundo"),
        (retranslate, None, "Primero, de nuevo"),
        (feature, "Listed 2", "Listed 2"),
        (move, "Listed 2", "Listed 2"),
    ],
)
def test_a_committed_write_shows_on_the_next_home_page_from_stored_listings(
    client, guide, django_capture_on_commit_callbacks, write, expected_en, expected_es
):
    *_, symptoms = guide
    with django_capture_on_commit_callbacks(execute=True):
        write(symptoms)
    assert all_fresh()
    shown = pages(client)
    assert shown == live_pages(client)
    english = [t for _, t in listed_links(topic_section(shown[""], "Busy topic"))]
    spanish = [t for _, t in listed_links(topic_section(shown["es/"], "Busy topic"))]
    if expected_en:
        assert expected_en in english[:2]
    if expected_es:
        assert expected_es in spanish[:2]


def test_a_scheduled_symptom_appears_at_its_time_with_no_write(
    client, guide, django_capture_on_commit_callbacks
):
    busy, _, symptoms = guide
    soon = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        make_symptom(topic=busy, title="Listed 0, scheduled", position=0, publish_at=soon)
    assert all_fresh()
    assert set(TopicListing.objects.values_list("until", flat=True)) == {soon}
    before = [
        t for _, t in listed_links(topic_section(client.get("/").content.decode(), "Busy topic"))
    ]
    assert before[0] == "Listed 1"
    # Its time comes: no write of content, no relist (as if an hour went by).
    past = timezone.now() - timedelta(seconds=1)
    Symptom.objects.filter(title="Listed 0, scheduled").update(publish_at=past)
    TopicListing.objects.update(until=past)
    after = [
        t for _, t in listed_links(topic_section(client.get("/").content.decode(), "Busy topic"))
    ]
    assert after[0] == "Listed 0, scheduled"
    # The cron stores them again, as of now.
    out = StringIO()
    call_command("apply_due_changes", stdout=out)
    assert "listings again" in out.getvalue()
    assert set(TopicListing.objects.values_list("until", flat=True)) == {None}
    assert pages(client) == live_pages(client)
    out = StringIO()
    call_command("apply_due_changes", stdout=out)
    assert "listings again" not in out.getvalue()


def test_a_scheduled_translation_or_topic_bounds_the_stored_listings_too(
    guide, django_capture_on_commit_callbacks
):
    _, _, symptoms = guide
    sooner, later = (timezone.now() + timedelta(hours=n) for n in (1, 2))
    with django_capture_on_commit_callbacks(execute=True):
        translated(symptoms[2], "fr", "Plus tard", publish_at=sooner)
        make_topic(title="Later topic", publish_at=later)
    until = dict(
        TopicListing.objects.filter(topic=symptoms[0].topic).values_list("language", "until")
    )
    assert until == {"en": later, "es": later, "fr": sooner}


def bulk_title(symptoms):
    Symptom.objects.filter(pk=symptoms[1].pk).update(title="Listed 2, renamed")


def bulk_position(symptoms):
    symptoms[7].position = 0
    Symptom.objects.bulk_update([symptoms[7]], ["position"])


def bulk_feature(symptoms):
    Symptom.objects.filter(pk=symptoms[0].pk).update(featured=True)


def bulk_schedule(symptoms):
    later = timezone.now() + timedelta(days=1)
    Symptom.objects.filter(pk=symptoms[0].pk).update(publish_at=later)


def bulk_retranslate(symptoms):
    translations = SymptomTranslation.objects.filter(source=symptoms[0], language="es")
    translations.update(title="Primero, de nuevo")


def bulk_hide_topic(symptoms):
    Topic.objects.filter(slug="busy").update(publish_at=timezone.now() + timedelta(days=1))


def bulk_upsert(symptoms):
    symptoms[1].title = "Listed 2, upserted"
    Symptom.objects.bulk_create(
        [symptoms[1]], update_conflicts=True, unique_fields=["id"], update_fields=["title"]
    )


@pytest.mark.parametrize(
    "write",
    [
        bulk_title,
        bulk_position,
        bulk_feature,
        bulk_schedule,
        bulk_retranslate,
        bulk_hide_topic,
        bulk_upsert,
    ],
)
def test_a_write_that_skips_save_shows_on_the_next_home_page(
    client, guide, django_capture_on_commit_callbacks, write
):
    *_, symptoms = guide
    before = pages(client)
    with django_capture_on_commit_callbacks(execute=True):
        write(symptoms)
    assert all_fresh()
    shown = pages(client)
    assert shown == live_pages(client)
    assert shown != before


def test_a_derived_columns_write_leaves_the_content_version(guide):
    busy, *_ = guide
    token = current_token()
    Topic.objects.filter(pk=busy.pk).update(published_symptoms=0)
    assert current_token() == token


def test_deploys_and_migrations_store_the_listings(django_capture_on_commit_callbacks):
    make_symptom(topic=make_topic())
    assert not TopicListing.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_content", verbosity=0)
    assert all_fresh()
    TopicListing.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        caching.content_changed_after_migrate(using="default")
    assert all_fresh()


def test_a_relist_is_stored_once_per_commit(django_capture_on_commit_callbacks, monkeypatch):
    relists = []
    real = listings.relist
    monkeypatch.setattr(listings, "relist", lambda **kw: relists.append(kw) or real(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic()
        for n in range(3):
            make_symptom(topic=topic, title=f"Bulk {n}")
    assert len(relists) == 1
    assert all_fresh()


def test_nothing_is_stored_before_any_content_is(db):
    ContentVersion.objects.all().delete()  # no content saved yet: no version row (migrate made one)
    assert listings.relist() == 0
    assert not TopicListing.objects.exists()


def relist_statements(queries) -> list[str]:
    """The statements a relist ran (as a query log names them), its transaction's aside."""
    sqls = [logged_sql(query["sql"]) for query in queries]
    return [sql for sql in sqls if "SAVEPOINT" not in sql]


def test_a_relist_stores_every_row_in_one_statement_after_its_lock(client, guide):
    _, other, _ = guide
    # Rows missing are inserted, the others replaced, all under the token read with them.
    TopicListing.objects.filter(topic=other).delete()
    ContentVersion.objects.filter(pk=1).update(token="r" * 32)
    with CaptureQueriesContext(connection) as queries:
        stored = listings.relist()
        again = listings.relist()
    assert stored == again == 2 * len(listings.LANGUAGES)
    statements = relist_statements(queries)
    assert len(statements) == 4
    for lock, upsert in (statements[:2], statements[2:]):
        assert '"troubleshooting_contentversion"' in lock
        assert upsert.startswith('INSERT INTO "troubleshooting_topiclisting"')
    assert all_fresh()
    assert pages(client) == live_pages(client)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's prepared statements")
def test_a_relist_is_prepared_once_in_a_session(guide, monkeypatch):
    from troubleshooting import prepared

    monkeypatch.setattr(prepared, "_switched_off", False)
    listings.relist()
    with CaptureQueriesContext(connection) as queries:
        listings.relist()
    *_, upsert = (query["sql"] for query in queries if "SAVEPOINT" not in query["sql"])
    assert upsert.startswith("EXECUTE read_")
    assert logged_sql(upsert).startswith('INSERT INTO "troubleshooting_topiclisting"')
    name = upsert.removeprefix("EXECUTE ").partition("(")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert (name,) in cursor.fetchall()
    assert all_fresh()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's prepared statements")
def test_a_relist_whose_statement_the_session_lost_still_stores_the_listings(guide, monkeypatch):
    from troubleshooting import prepared

    monkeypatch.setattr(prepared, "_switched_off", False)
    listings.relist()
    # As a pooler handing the client another session would, or a reset discarding it.
    connection.connection.execute("DEALLOCATE ALL")
    caching.content_changed()  # a new token: every stored listing is stale until relisted
    assert not all_fresh()
    assert listings.relist() == TopicListing.objects.count()
    assert all_fresh()
    assert prepared._switched_off  # as a prepared read does: this process sends it whole now


def test_a_topic_goes_with_its_stored_listings(client, guide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        empty = make_topic(title="Empty topic")
    assert TopicListing.objects.filter(topic=empty).count() == len(listings.LANGUAGES)
    with django_capture_on_commit_callbacks(execute=True):
        empty.delete()
    assert not TopicListing.objects.filter(topic_id=empty.pk).exists()
    assert all_fresh()


def a_backend_waits_for_a_lock(seconds: float = 10) -> bool:
    """Whether another backend of this database comes to wait for a lock within ``seconds``."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


def test_a_release_without_the_stored_listings_can_delete_a_topic(
    guide, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        empty = make_topic(title="Empty topic")
    assert TopicListing.objects.filter(topic=empty).exists()
    # The previous release (a rolling deploy, a rollback of the code alone) knows no stored
    # listing: its delete leaves their rows, which no constraint may refuse.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM troubleshooting_topic WHERE id = %s", [empty.pk])
    connection.check_constraints()
    # Left over, never read: no topic joins them.
    assert TopicListing.objects.filter(topic_id=empty.pk).exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_an_approval_holding_a_topic_and_a_relist_storing_its_rows_both_finish():
    topic = make_topic(title="Busy topic")
    make_symptom(topic=topic, title="Before")
    assert all_fresh()
    TopicListing.objects.filter(topic=topic).delete()  # missing: the relist inserts them
    locked, release = threading.Event(), threading.Event()

    def approver():
        # As ``review.apply``: the topic locked for update, then saved (a new token).
        with transaction.atomic():
            live = Topic.objects.select_for_update().get(pk=topic.pk)
            locked.set()
            release.wait(10)
            live.title = "Approved"
            live.save()

    approving, approver_errors = in_thread(approver)
    assert locked.wait(10)
    relisting, relist_errors = in_thread(listings.relist)
    # Holding the content version's row, the relist must not wait for the topic's lock: the
    # approver's save waits for that row next (a deadlock on PostgreSQL).
    relisting.join(10)
    waited = relisting.is_alive()
    release.set()
    approving.join(20)
    relisting.join(20)
    assert not waited
    assert approver_errors == relist_errors == []
    assert all_fresh()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_relist_waits_for_a_writers_token_and_lists_what_it_wrote():
    topic = make_topic(title="Busy topic")
    symptom = make_symptom(topic=topic, title="Before")
    assert all_fresh()
    written, release = threading.Event(), threading.Event()

    def writer():
        # A writer part way through: its rows and its new token written, not committed yet.
        with transaction.atomic():
            Symptom.objects.filter(pk=symptom.pk).update(title="After")
            ContentVersion.objects.filter(pk=1).update(token="w" * 32)
            written.set()
            release.wait(10)

    held, writer_errors = in_thread(writer)
    assert written.wait(10)
    relisting, relist_errors = in_thread(listings.relist)
    assert a_backend_waits_for_a_lock()  # the relist, for the content version's row
    assert relisting.is_alive()
    release.set()
    held.join(10)
    relisting.join(10)
    assert writer_errors == relist_errors == []
    # Stored under the writer's token, from what it wrote: not the old listing under it.
    assert set(TopicListing.objects.values_list("token", flat=True)) == {"w" * 32}
    assert all("After" in row for row in TopicListing.objects.values_list("listed", flat=True))
