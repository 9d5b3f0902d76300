"""The home page's topics: their first live symptoms in order, and how many there are in all."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from troubleshooting.models import Status
from troubleshooting.prepared import logged_sql

from ..factories import make_question, make_symptom, make_topic

pytestmark = pytest.mark.django_db


def topic_section(html: str, title: str) -> str:
    start = html.index(f">{title}</a></h3>")
    return html[start : html.index("</article>", start)]


def test_only_live_unfeatured_symptoms_are_listed_in_order_and_every_live_one_counted(client):
    topic = make_topic(title="Busy topic")
    for position in (5, 3, 9, 1, 7, 2, 8):
        make_symptom(topic=topic, title=f"Listed {position}", position=position)
    make_symptom(topic=topic, title="Listed 0 draft", position=0, status=Status.DRAFT)
    later = timezone.now() + timedelta(hours=1)
    make_symptom(topic=topic, title="Listed 0 scheduled", position=0, publish_at=later)
    make_symptom(topic=topic, title="Listed 0 featured", position=0, featured=True)
    earlier = timezone.now() - timedelta(hours=1)
    make_symptom(topic=topic, title="Listed 10 went live", position=10, publish_at=earlier)
    html = client.get("/").content.decode()
    section = topic_section(html, "Busy topic")
    listed = [line.split(">")[-1] for line in section.split("</a></li>")[:-1]]
    assert listed == [f"Listed {n}" for n in (1, 2, 3, 5, 7, 8)]
    # Seven listed or not, the one whose time came and the featured one (a card above):
    # drafts and those still scheduled are not.
    assert "All 9 problems in Busy topic" in section


def test_a_topic_with_only_a_few_symptoms_has_no_link_to_more(client):
    topic = make_topic(title="Small topic")
    make_symptom(topic=topic, title="Only one")
    section = topic_section(client.get("/").content.decode(), "Small topic")
    assert "Only one" in section
    assert "problems in Small topic" not in section


def test_symptom_links_of_every_topic_are_their_own(client):
    first, second = make_topic(title="First"), make_topic(title="Second")
    one = make_symptom(topic=first, title="In first")
    two = make_symptom(topic=second, title="In second")
    html = client.get("/").content.decode()
    assert f'href="{one.get_absolute_url()}"' in topic_section(html, "First")
    assert f'href="{two.get_absolute_url()}"' in topic_section(html, "Second")


def test_many_topics_cost_no_more_queries(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    make_symptom(topic=make_topic(title="The first"))
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for number in range(12):
        topic = make_topic(title=f"Topic number {number}")
        for position in range(8):
            make_symptom(topic=topic, position=position)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/").status_code == 200
    assert len(few) <= 5  # a few, the same for one topic as for twelve


def test_preview_lists_drafts_too(admin_client):
    topic = make_topic(title="Drafty topic")
    make_symptom(topic=topic, title="A draft problem", status=Status.DRAFT)
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    section = topic_section(admin_client.get("/").content.decode(), "Drafty topic")
    assert "A draft problem" in section


def test_a_topic_offers_its_first_question_only_while_that_question_is_live(client):
    later = timezone.now() + timedelta(hours=1)
    live, draft, scheduled, none = (
        make_topic(title=f"{name} topic") for name in ("Live", "Draft", "Scheduled", "Bare")
    )
    make_question(topic=live, is_start=True)
    make_question(topic=live, is_start=False)
    make_question(topic=draft, is_start=True, status=Status.DRAFT)
    make_question(topic=scheduled, is_start=True, publish_at=later)
    make_symptom(topic=none)
    html = client.get("/").content.decode()
    hero = html[: html.index('id="topics-heading"')]
    assert hero.count("Not sure? Answer a question") == 1
    start = reverse("troubleshooting:flow_start", args=[live.slug])
    assert f'<a class="button" href="{start}" hx-get="{start}">' in hero
    assert "about Live topic</span>" in hero
    # The one way in is the hero's; the topic doesn't offer it a second time.
    assert "Not sure which one" not in html


def test_with_several_ways_in_each_topic_offers_its_own_not_a_wall_of_buttons(client):
    topics = [make_topic(title=f"{name} topic") for name in ("Messages", "Calls", "Bare")]
    for topic in topics[:2]:
        make_question(topic=topic, is_start=True)
    make_symptom(topic=topics[2])
    html = client.get("/").content.decode()
    hero = html[: html.index('id="topics-heading"')]

    assert "Not sure? Answer a question" not in hero
    for topic in topics[:2]:
        start = reverse("troubleshooting:flow_start", args=[topic.slug])
        section = topic_section(html, topic.title)
        assert f'<a href="{start}" hx-get="{start}">Not sure which one you have?' in section
        assert (
            f'Answer a question<span class="visually-hidden"> about {topic.title}</span>' in section
        )
    assert "Not sure which one" not in topic_section(html, "Bare topic")


def test_the_home_page_reads_its_topics_and_its_symptoms(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    topic = make_topic()
    make_question(topic=topic, is_start=True)
    make_symptom(topic=topic, featured=True)
    make_symptom(topic=topic)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # The cards, then the topics with their first questions and their first symptoms; the
    # last query is the content version's.
    assert [logged_sql(query["sql"]).split('"')[1] for query in queries] == [
        "troubleshooting_symptom",
        "troubleshooting_topic",
        "troubleshooting_contentversion",
    ]


def test_common_problems_are_the_first_six_featured_by_position(client):
    first, second = make_topic(title="First"), make_topic(title="Second")
    for position in (7, 2, 5, 0, 3, 6, 1, 4):
        topic = first if position % 2 else second
        make_symptom(topic=topic, title=f"Common {position}", position=position, featured=True)
    html = client.get("/").content.decode()
    cards = html[html.index('id="common-heading"') : html.index('id="topics-heading"')]
    shown = [n for n in range(8) if f">Common {n}</a></h3>" in cards]
    assert shown == [0, 1, 2, 3, 4, 5]
    # The others are listed under their topic, as any symptom is, and the cards are not.
    assert ">Common 6</a></li>" in topic_section(html, "Second")
    assert ">Common 7</a></li>" in topic_section(html, "First")
    assert "Common 0" not in topic_section(html, "Second")


def test_the_tick_box_tells_editors_which_six_become_cards(admin_client):
    symptom = make_symptom(featured=True)
    url = reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    html = admin_client.get(url).content.decode()
    assert "the ticked ones with the lowest position numbers across all topics" in html
