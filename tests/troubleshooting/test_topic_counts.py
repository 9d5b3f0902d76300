"""Each topic's stored number of published symptoms, kept right by every write."""

import re
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
import reversion
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from troubleshooting import review
from troubleshooting.admin import versions
from troubleshooting.content_checks import ProblemKind, check_content, check_object
from troubleshooting.guide_files import guide_import
from troubleshooting.models import Status, Symptom, Topic, topic_counts

from ..factories import make_symptom, make_topic

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def stored(topic) -> int:
    return Topic.objects.values_list("published_symptoms", flat=True).get(pk=topic.pk)


def counted(topic) -> int:
    return Symptom.objects.filter(topic=topic, status=Status.PUBLISHED).count()


def assert_right(*topics) -> None:
    for topic in topics:
        assert stored(topic) == counted(topic), topic.title


def home_count(client, topic) -> int | None:
    """Return the N of the home page's "All N problems in <topic>", if it shows."""
    html = client.get("/").content.decode()
    found = re.search(rf"All (\d+) problems in {re.escape(topic.title)}<", html)
    return int(found.group(1)) if found else None


def busy_topic(title="Busy topic", n=8) -> tuple[Topic, list[Symptom]]:
    """A topic with ``n`` published symptoms: more than the home page lists, so it counts them."""
    topic = make_topic(title=title)
    return topic, [make_symptom(topic=topic) for _ in range(n)]


def test_saves_and_deletes_keep_the_number_the_home_page_shows(client):
    topic, symptoms = busy_topic()
    draft = make_symptom(topic=topic, status=Status.DRAFT)
    assert stored(topic) == 8 and home_count(client, topic) == 8
    draft.status = Status.PUBLISHED
    draft.save()
    assert home_count(client, topic) == 9
    symptoms[0].status = Status.DRAFT
    symptoms[0].save(update_fields=["status"])  # as the admin's bulk actions save
    assert home_count(client, topic) == 8
    symptoms[1].delete()
    assert home_count(client, topic) == 7
    assert_right(topic)


def test_a_save_of_fields_that_count_nothing_leaves_the_topics_alone():
    topic, symptoms = busy_topic(n=1)
    with CaptureQueriesContext(connection) as queries:
        symptoms[0].save(update_fields=["reviewed_on"])
    assert not [q["sql"] for q in queries if "published_symptoms" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        symptoms[0].save(update_fields=["status"])
    assert [q["sql"] for q in queries if "published_symptoms" in q["sql"]]


def test_a_symptom_moved_between_topics_counts_in_both(client):
    first, symptoms = busy_topic("First topic")
    second, _ = busy_topic("Second topic")
    moved = Symptom.objects.get(pk=symptoms[0].pk)  # as a form loads it
    moved.topic = second
    moved.save()
    assert home_count(client, first) == 7 and home_count(client, second) == 9
    Symptom.objects.filter(pk__in=[s.pk for s in symptoms[1:3]]).update(topic=second)
    assert home_count(client, first) is None  # five: all listed, no link to more
    assert stored(first) == 5 and home_count(client, second) == 11
    assert_right(first, second)


def test_queryset_writes_keep_the_numbers_right():
    first, symptoms = busy_topic("First topic")
    second, others = busy_topic("Second topic", n=2)
    Symptom.objects.filter(topic=first).update(status=Status.DRAFT)
    assert stored(first) == 0
    for symptom in symptoms[:3]:
        symptom.status, symptom.topic = Status.PUBLISHED, second
    Symptom.objects.bulk_update(symptoms[:3], ["status", "topic"])
    assert (stored(first), stored(second)) == (0, 5)
    Symptom.objects.bulk_create(
        Symptom(topic=first, title=f"Bulk {n}", slug=f"bulk-{n}", status=Status.PUBLISHED)
        for n in range(4)
    )
    assert stored(first) == 4
    Symptom.objects.filter(topic=second).delete()
    assert stored(second) == 0
    second.symptoms.create(title="Related", slug="related", status=Status.PUBLISHED)
    assert stored(second) == 1
    assert_right(first, second)


def test_a_topic_saved_with_the_number_it_loaded_long_ago_counts_again(client):
    topic = make_topic(title="Edited topic")
    loaded = Topic.objects.get(pk=topic.pk)  # an editor opens the form: 0 symptoms then
    for _ in range(8):
        make_symptom(topic=topic)
    loaded.summary = "New words."
    loaded.save()
    assert stored(topic) == 8 and home_count(client, topic) == 8


def test_a_scheduled_symptom_appears_at_its_time_with_no_write(client):
    topic, _ = busy_topic()
    soon = make_symptom(topic=topic, publish_at=timezone.now() + timedelta(hours=1))
    assert stored(topic) == 9  # published, whenever it appears
    assert home_count(client, topic) == 8
    # Its time comes by the database's clock: no save, no recount.
    Symptom.objects.filter(pk=soon.pk).update(publish_at=Now() - timedelta(seconds=1))
    assert stored(topic) == 9 and home_count(client, topic) == 9


def test_a_symptom_scheduled_a_moment_ahead_appears_when_the_moment_passes(client):
    topic, _ = busy_topic()
    make_symptom(topic=topic, publish_at=timezone.now() + timedelta(seconds=1))
    assert home_count(client, topic) == 8
    time.sleep(1.2)
    assert home_count(client, topic) == 9


def test_an_editors_preview_counts_drafts_too(admin_client):
    topic, _ = busy_topic()
    make_symptom(topic=topic, status=Status.DRAFT)
    admin_client.get("/preview/?next=/")
    assert home_count(admin_client, topic) == 9


def test_the_number_is_never_serialized_and_loaddata_counts_again(tmp_path):
    topic, symptoms = busy_topic()
    data = serializers.serialize(
        "json", [topic, *symptoms], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    assert "published_symptoms" not in data
    Symptom.objects.all().delete()
    Topic.objects.filter(pk=topic.pk).update(title="Renamed")
    fixture = tmp_path / "guide.json"
    fixture.write_text(data)
    call_command("loaddata", str(fixture), verbosity=0)
    assert stored(topic) == 8
    assert_right(topic)


def test_the_guide_files_import_counts_the_topics(tmp_path):
    topic, symptoms = busy_topic()
    call_command("export_guide", str(tmp_path), verbosity=0)
    Symptom.objects.all().delete()
    assert stored(topic) == 0
    guide_import(directory=tmp_path)
    assert stored(topic) == 8


def test_a_history_restore_counts_again():
    topic, symptoms = busy_topic()
    symptom = symptoms[0]
    with reversion.create_revision():
        symptom.save()
    symptom.status = Status.DRAFT
    with reversion.create_revision():
        symptom.save()
    assert stored(topic) == 7
    with transaction.atomic():
        versions.revert(Version.objects.get_for_object(symptom).last())
    assert stored(topic) == 8


def test_a_topic_restored_from_its_history_keeps_its_number():
    topic, _ = busy_topic(n=2)
    with reversion.create_revision():
        topic.save()  # its version carries no number: a restore writes the field's default
    make_symptom(topic=topic)
    with transaction.atomic():
        versions.revert(Version.objects.get_for_object(topic).first())
    assert stored(topic) == 3


def test_an_approved_change_counts_again():
    topic, symptoms = busy_topic()
    symptom = symptoms[0]
    base = review.snapshot(symptom)
    proposed = base.replace('"status": "published"', '"status": "draft"')
    author = get_user_model().objects.create_user("sam")
    change = review.propose(obj=symptom, proposed=proposed, base=base, author=author)
    review.apply(change, user=author)
    assert stored(topic) == 7


def test_the_content_checks_report_a_wrong_number_and_render_content_puts_it_right():
    topic, _ = busy_topic()
    Topic.objects.filter(pk=topic.pk).update(published_symptoms=99)
    wrong = [p for p in check_content() if p.kind is ProblemKind.TOPIC_COUNT_WRONG]
    assert [(p.obj.pk, p.message) for p in wrong] == [
        (
            topic.pk,
            "The number of published symptoms the home page shows for this topic (99) is not "
            "the number it has (8). Save the topic to count them again.",
        )
    ]
    # Checking an edit in memory says nothing of the stored numbers.
    edited = check_object(Topic.objects.get(pk=topic.pk))
    assert not [p for p in edited if p.kind is ProblemKind.TOPIC_COUNT_WRONG]
    out = StringIO()
    call_command("render_content", "--pieces-only", stdout=out)
    assert "number of published symptoms was wrong, counted again: 1." in out.getvalue()
    assert stored(topic) == 8
    assert not [p for p in check_content() if p.kind is ProblemKind.TOPIC_COUNT_WRONG]


@pytest.mark.django_db(transaction=True)
def test_the_count_waits_for_the_writers_commit():
    topic, _ = busy_topic(n=2)
    with transaction.atomic():
        make_symptom(topic=topic)
        make_symptom(topic=topic, status=Status.DRAFT)
        assert stored(topic) == 2  # counted once the write is committed, not before
    assert stored(topic) == 3
    with transaction.atomic():
        make_symptom(topic=topic)
        transaction.set_rollback(True)
    assert stored(topic) == 3
    make_symptom(topic=topic)  # without a transaction of its own: counted at once
    assert stored(topic) == 4


def in_thread(work):
    """Run ``work`` on a connection of its own; return the thread and what went wrong in it."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_recount_that_waited_for_the_lock_counts_what_was_committed_meanwhile():
    topic, _ = busy_topic(n=2)
    locked, release = threading.Event(), threading.Event()

    def hold_the_topic():
        with transaction.atomic():
            Topic.objects.select_for_update(no_key=True).get(pk=topic.pk)
            locked.set()
            release.wait(10)

    holder, holder_errors = in_thread(hold_the_topic)
    assert locked.wait(10)
    writer, writer_errors = in_thread(lambda: make_symptom(topic=topic))
    time.sleep(0.5)  # the writer committed; its recount waits for the topic's lock
    assert writer.is_alive()
    # Another writer commits meanwhile, without a recount of its own (no signal, no save()).
    late = Symptom(topic=topic, title="Late", slug="late", status=Status.PUBLISHED)
    Symptom._base_manager.bulk_create([late])
    release.set()
    holder.join(10)
    writer.join(10)
    assert holder_errors == writer_errors == []
    assert stored(topic) == 4 == counted(topic)


@pytest.mark.django_db(transaction=True)
def test_a_recount_that_failed_is_counted_with_the_next_commit(monkeypatch, caplog):
    topic, other = make_topic(title="Failed once"), make_topic(title="Next write")
    real, failed = topic_counts.recount, []

    def failing_once(topic_ids, *, using="default"):
        if not failed:
            failed.append(topic_ids)
            raise DatabaseError("lock timeout")
        return real(topic_ids, using=using)

    monkeypatch.setattr(topic_counts, "recount", failing_once)
    make_symptom(topic=topic)  # committed; its recount fails and is logged, not raised
    assert failed and stored(topic) == 0
    make_symptom(topic=other)
    assert stored(topic) == counted(topic) == 1
    assert stored(other) == 1


def test_migrating_counts_every_topic_again():
    topic, _ = busy_topic(n=3)
    Topic.objects.filter(pk=topic.pk).update(published_symptoms=99)  # a data migration's write
    topic_counts.recount_after_migrate(using="default", apps=django_apps)
    assert stored(topic) == 3


def test_a_topic_created_without_naming_the_number_starts_at_none():
    # As a server on the release before the field creates one during a rolling upgrade.
    old = Topic(title="Old", slug="old", summary="From the release before.")
    fields = [
        field
        for field in Topic._meta.concrete_fields
        if field.name not in ("id", "published_symptoms")
    ]
    values = [field.get_db_prep_save(field.pre_save(old, True), connection) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Topic._meta.db_table)
    places = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({places})",  # noqa: S608 - our own names
            values,
        )
    assert Topic.objects.get(slug="old").published_symptoms == 0
