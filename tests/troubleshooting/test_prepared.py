"""Public reads written once by the ORM read what the ORM would, on every call, in one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import make_symptom, make_topic
from troubleshooting import listings
from troubleshooting.models import Status, Symptom
from troubleshooting.prepared import Prepared
from troubleshooting.views import browse

pytestmark = pytest.mark.django_db


def titles_in(*, preview, topic, first):
    """The visible symptoms of a topic from a position on: a read with two values."""
    symptoms = Symptom.objects.visible(preview=preview).filter(topic=topic, position__gte=first)
    return symptoms.order_by("position").values_list("title", "position")


def test_each_call_reads_the_database_with_its_own_values():
    topic, other = make_topic(), make_topic()
    for position in range(4):
        make_symptom(topic=topic, title=f"Symptom {position}", position=position)
    make_symptom(topic=other, title="Elsewhere", position=1)
    read = Prepared(titles_in, ("title", "position"))

    assert read.rows(topic=topic.pk, first=2) == [("Symptom 2", 2), ("Symptom 3", 3)]
    assert read.rows(topic=topic.pk, first=3) == [("Symptom 3", 3)]
    assert read.rows(topic=other.pk, first=0) == [("Elsewhere", 1)]
    make_symptom(topic=other, title="New", position=2)  # no rows are kept between calls
    assert read.dicts(topic=other.pk, first=0) == [
        {"title": "Elsewhere", "position": 1},
        {"title": "New", "position": 2},
    ]


def test_the_first_call_and_every_later_one_run_one_query():
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    read = Prepared(titles_in)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
        assert len(queries) == 1


def test_what_is_live_is_decided_by_the_database_at_each_call():
    topic = make_topic()
    soon = make_symptom(topic=topic, title="Soon", position=0)
    read = Prepared(titles_in)
    Symptom.objects.filter(pk=soon.pk).update(publish_at=timezone.now() + timedelta(seconds=60))
    assert read.rows(topic=topic.pk, first=0) == []
    Symptom.objects.filter(pk=soon.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert read.rows(topic=topic.pk, first=0) == [("Soon", 0)]


def test_a_preview_reads_drafts_and_the_public_never_does():
    topic = make_topic()
    make_symptom(topic=topic, title="Draft", position=0, status=Status.DRAFT)
    read = Prepared(titles_in)
    assert read.rows(topic=topic.pk, first=0) == []
    assert read.rows(topic=topic.pk, first=0, preview=True) == [("Draft", 0)]
    assert read.rows(topic=topic.pk, first=0) == []


def test_a_list_of_values_reads_each_length_and_an_empty_one_reads_nothing():
    symptoms = [make_symptom(title=f"Listed {n}") for n in range(3)]
    read = Prepared(
        lambda *, preview, pks: (
            Symptom.objects.filter(pk__in=pks).order_by("title").values_list("title")
        )
    )
    pks = [symptom.pk for symptom in symptoms]
    assert read.rows(pks=pks[:2]) == [("Listed 0",), ("Listed 1",)]
    assert read.rows(pks=pks) == [("Listed 0",), ("Listed 1",), ("Listed 2",)]
    assert read.rows(pks=pks[2:]) == [("Listed 2",)]
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(pks=[]) == []
        assert read.rows(pks=[]) == []
    assert len(queries) == 0


def test_a_value_the_orm_changes_on_its_way_is_left_to_the_orm_and_still_read_right():
    make_symptom(title="Messages won't send")
    make_symptom(title="Calls drop")
    read = Prepared(
        lambda *, preview, word: Symptom.objects.filter(title__icontains=word).values_list("title")
    )
    # "contains" sends the value wrapped in wildcards: no stand-in comes through unchanged.
    for word, title in (("send", "Messages won't send"), ("drop", "Calls drop")):
        with CaptureQueriesContext(connection) as queries:
            assert read.rows(word=word) == [(title,)]
        assert len(queries) <= 2


def test_values_other_than_integers_and_strings_are_refused():
    read = Prepared(titles_in)
    with pytest.raises(TypeError, match="integers and strings"):
        read.rows(topic=1.5, first=0)
    with pytest.raises(TypeError, match="integers and strings"):
        read.rows(topic=True, first=0)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_home_pages_read_is_the_querysets_rows(language):
    topic = make_topic(title="Messages")
    listed = [make_symptom(topic=topic, position=n, title=f"Listed {n}") for n in range(3)]
    make_symptom(topic=topic, title="On the cards", featured=True, position=1)
    make_symptom(topic=make_topic(title="Drafts", status=Status.DRAFT), title="Unseen")
    with translation.override(language):
        for _ in range(2):  # written, then run from the statement
            with CaptureQueriesContext(connection) as queries:
                rows = browse._home.rows()
            assert len(queries) == 1  # written once, never left to the ORM
            assert rows == list(browse._home_query(preview=False))
            cards, topics = browse._home_rows(preview=False)
            assert [card["title"] for card in cards] == ["On the cards"]
            assert [row["slug"] for row in topics] == [topic.slug]
            # The topic's first symptoms come in its row, the card not listed again.
            symptoms = browse._listed(topics[0]["listed"])
            assert [row["pk"] for row in symptoms] == [symptom.pk for symptom in listed]
            assert [row["title"] for row in symptoms] == ["Listed 0", "Listed 1", "Listed 2"]


def test_a_topics_first_symptoms_come_in_the_databases_order_of_position_and_title():
    topic = make_topic(title="Messages")
    titles = ["b", "A", "a", "Ä", "B", "ab", "a b"]  # the same place: the title decides
    for title in titles:
        make_symptom(topic=topic, title=title, position=1)
    make_symptom(topic=topic, title="z", position=0)
    expected = list(
        Symptom.objects.filter(topic=topic)
        .order_by("position", "title")
        .values_list("title", flat=True)[: listings.HOME_SYMPTOMS_PER_TOPIC]
    )
    for _ in range(2):  # written, then run from the statement
        _cards, (topic_row,) = browse._home_rows(preview=False)
        assert [row["title"] for row in browse._listed(topic_row["listed"])] == expected
    assert expected[0] == "z"


def test_a_topics_first_symptoms_keep_every_character_of_their_titles():
    topic = make_topic(title="Messages")
    # Separators of every kind, digits after commas, letters of several bytes, an emoji.
    titles = ["1,2,3,", "a\x1eb\x1fc", "Ünïcödé, ça ✓", "Phone 📱 off", ",", "x" * 120]
    for position, title in enumerate(titles):
        make_symptom(topic=topic, title=title, slug=f"odd-{position}", position=position)
    for _ in range(2):  # written, then run from the statement
        _cards, (topic_row,) = browse._home_rows(preview=False)
        listed = browse._listed(topic_row["listed"])
        assert [row["title"] for row in listed] == titles
        assert [row["slug"] for row in listed] == [f"odd-{n}" for n in range(len(titles))]


@pytest.mark.django_db(transaction=True)
def test_statements_run_as_a_connection_opens_are_not_taken_for_the_read():
    from django.db.backends.signals import connection_created

    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)

    def look_up_types(connection, **kwargs):  # as django.contrib.postgres does on connecting
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database keeps its one connection open")
    read = Prepared(titles_in)
    connection.close()
    connection_created.connect(look_up_types)
    try:
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    finally:
        connection_created.disconnect(look_up_types)
    assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]


def test_a_value_also_sent_inside_another_parameter_reads_each_calls_rows():
    from django.db.models import Q

    make_symptom(title="Calls drop", slug="calls")
    make_symptom(title="Messages won't send", slug="messages")
    make_symptom(title="Messaging apps crash", slug="apps")
    read = Prepared(
        lambda *, preview, word: (
            Symptom.objects.filter(Q(slug=word) | Q(title__startswith=word))
            .order_by("title")
            .values_list("title")
        )
    )
    # ``startswith`` sends ``word%`` next to ``word``: both must hold the second call's word.
    assert read.rows(word="Calls") == [("Calls drop",)]
    assert read.rows(word="Messag") == [("Messages won't send",), ("Messaging apps crash",)]
    assert read.rows(word="apps") == [("Messaging apps crash",)]


def test_a_list_of_strings_does_not_run_an_integer_lists_statement():
    first, second = make_symptom(title="First"), make_symptom(title="Second")

    def titles(*, preview, keys):
        by = "pk__in" if isinstance(keys[0], int) else "slug__in"
        return Symptom.objects.filter(**{by: keys}).order_by("title").values_list("title")

    read = Prepared(titles)
    assert read.rows(keys=[first.pk, second.pk]) == [("First",), ("Second",)]
    assert read.rows(keys=[first.slug, second.slug]) == [("First",), ("Second",)]
