"""The home page's topics: their first live symptoms in order, and how many there are in all."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from troubleshooting.models import Status, SymptomTranslation
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


def listed_links(section: str) -> list[tuple[str, str]]:
    """Return the (address, title) of each symptom a topic's section lists, in order."""
    links = []
    for item in section.split("</a></li>")[:-1]:
        href = item.split('href="')[-1].split('"')[0]
        links.append((href, item.split(">")[-1]))
    return links


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_translated_home_page_lists_each_symptoms_visible_translation_in_the_english_order(
    client, language
):
    topic = make_topic(title="Busy topic", slug="busy")
    # All in the same place, so the English title decides their order.
    first, second, third, fourth, fifth = (
        make_symptom(topic=topic, title=f"Listed {n}", slug=f"listed-{n}", position=0)
        for n in range(5)
    )
    make_symptom(topic=topic, title="Listed 9", slug="listed-9", position=9, featured=True)
    make_symptom(topic=make_topic(title="Other topic"), title="Elsewhere", position=0)

    def translate(symptom, title, slug, **fields):
        fields = {"status": Status.PUBLISHED, "language": language, **fields}
        SymptomTranslation.objects.create(source=symptom, title=title, slug=slug, **fields)

    # Translated titles that sort otherwise than the English: the English order stays.
    translate(first, "Zeta, primero", "zeta")
    translate(second, "Alfa ✓", "alfa")
    translate(third, "Borrador", "borrador", status=Status.DRAFT)
    translate(fourth, "Mañana", "manana", publish_at=timezone.now() + timedelta(hours=1))
    translate(fifth, "Other language", "other", language="fr" if language == "es" else "es")
    english = client.get("/").content.decode()
    html = client.get(f"/{language}/").content.decode()
    assert listed_links(topic_section(html, "Busy topic")) == [
        (f"/{language}/busy/zeta/", "Zeta, primero"),
        (f"/{language}/busy/alfa/", "Alfa ✓"),
        (f"/{language}/busy/listed-2/", "Listed 2"),  # a draft translation: the English
        (f"/{language}/busy/listed-3/", "Listed 3"),  # one still scheduled too
        (f"/{language}/busy/listed-4/", "Listed 4"),  # one into another language too
    ]
    assert [title for _, title in listed_links(topic_section(html, "Other topic"))] == ["Elsewhere"]
    # Each language has its own read: the English page lists the English, as before.
    assert client.get("/").content.decode() == english
    assert listed_links(topic_section(english, "Busy topic"))[:2] == [
        ("/busy/listed-0/", "Listed 0"),
        ("/busy/listed-1/", "Listed 1"),
    ]


def test_a_preview_lists_draft_translations_as_the_public_will_see_them(admin_client, client):
    topic = make_topic(title="Busy topic", slug="busy")
    symptom = make_symptom(topic=topic, title="Listed", slug="listed")
    SymptomTranslation.objects.create(
        source=symptom, language="es", title="Borrador", slug="borrador", status=Status.DRAFT
    )
    public = client.get("/es/").content.decode()
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/es/"})
    preview = admin_client.get("/es/").content.decode()
    assert listed_links(topic_section(public, "Busy topic")) == [("/es/busy/listed/", "Listed")]
    drafted = [("/es/busy/borrador/", "Borrador")]
    assert listed_links(topic_section(preview, "Busy topic")) == drafted


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


def test_the_home_page_reads_its_cards_and_topics_in_one_query(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    topic = make_topic()
    make_question(topic=topic, is_start=True)
    make_symptom(topic=topic, featured=True)
    make_symptom(topic=topic)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # One read for the cards and the topics with their first questions and first symptoms;
    # the last query is the content version's.
    home, version = (logged_sql(query["sql"]) for query in queries)
    for table in ("symptom", "topic", "triagequestion"):
        assert f'FROM "troubleshooting_{table}"' in home
    assert " UNION ALL " in home
    assert version.split('"')[1] == "troubleshooting_contentversion"


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


def test_equal_positions_go_by_title_for_the_cards_and_their_order(client):
    """As editors are told: equal numbers go by title, for which six become cards too."""
    topic = make_topic(title="Ties")
    for title in ("Tie F", "Tie B", "Tie G", "Tie A", "Tie E", "Tie C", "Tie D"):
        make_symptom(topic=topic, title=title, position=3, featured=True)
    html = client.get("/").content.decode()
    assert common_cards(html) == ["Tie A", "Tie B", "Tie C", "Tie D", "Tie E", "Tie F"]
    # The seventh is listed under its topic; no card is listed twice.
    section = topic_section(html, "Ties")
    assert ">Tie G</a></li>" in section
    assert "Tie A" not in section


def test_the_tick_box_tells_editors_which_six_become_cards(admin_client):
    symptom = make_symptom(featured=True)
    url = reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    html = admin_client.get(url).content.decode()
    assert "the ticked ones with the lowest position numbers across all topics" in html


def common_cards(html: str) -> list[str]:
    """Return the titles on the "Common problems" cards, in their order."""
    if 'id="common-heading"' not in html:
        return []
    cards = html[html.index('id="common-heading"') : html.index('id="topics-heading"')]
    return [part.split("</a></h3>")[0].split(">")[-1] for part in cards.split("</a></h3>")[:-1]]


def listed_in(html: str, title: str) -> list[str]:
    """Return the symptoms listed under a topic, in their order."""
    section = topic_section(html, title)
    return [line.split(">")[-1] for line in section.split("</a></li>")[:-1]]


def test_a_scheduled_featured_symptom_is_no_card_and_takes_no_live_ones_place(client):
    first, second = make_topic(title="First"), make_topic(title="Second")
    later = timezone.now() + timedelta(hours=1)
    # The first by position, but still waiting for its time: neither a card nor listed.
    make_symptom(topic=first, title="Soon", position=0, featured=True, publish_at=later)
    make_symptom(topic=first, title="Drafted", position=0, featured=True, status=Status.DRAFT)
    hidden = make_topic(title="Hidden", status=Status.DRAFT)
    make_symptom(topic=hidden, title="In a draft topic", position=0, featured=True)
    for position in range(1, 8):
        topic = first if position % 2 else second
        make_symptom(topic=topic, title=f"Common {position}", position=position, featured=True)
    html = client.get("/").content.decode()
    assert common_cards(html) == [f"Common {n}" for n in range(1, 7)]
    # The seventh live featured one is no card: it is listed under its topic, as any is; the
    # cards are not listed again, and the hidden ones are nowhere.
    assert listed_in(html, "First") == ["Common 7"]
    assert listed_in(html, "Second") == []
    for title in ("Soon", "Drafted", "In a draft topic"):
        assert title not in html


def test_a_featured_symptom_whose_time_came_is_a_card_and_not_listed(client):
    topic = make_topic(title="Messages")
    earlier = timezone.now() - timedelta(minutes=1)
    make_symptom(topic=topic, title="Went live", position=0, featured=True, publish_at=earlier)
    make_symptom(topic=topic, title="Plain one", position=1)
    html = client.get("/").content.decode()
    assert common_cards(html) == ["Went live"]
    assert listed_in(html, "Messages") == ["Plain one"]


def test_a_preview_shows_a_scheduled_featured_symptom_as_the_public_will(admin_client, client):
    topic = make_topic(title="Messages")
    later = timezone.now() + timedelta(hours=1)
    make_symptom(topic=topic, title="Soon", position=0, featured=True, publish_at=later)
    make_symptom(topic=topic, title="Now", position=1, featured=True)
    make_symptom(topic=topic, title="Draft", position=2, featured=True, status=Status.DRAFT)
    public = client.get("/").content.decode()
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    preview = admin_client.get("/").content.decode()
    assert common_cards(public) == ["Now"]
    assert common_cards(preview) == ["Soon", "Now", "Draft"]
    assert listed_in(preview, "Messages") == []


@pytest.mark.parametrize("prefix", ["", "/es", "/fr"])
def test_the_home_page_reads_once_and_translations_as_before(
    client, settings, prefix, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    topic = make_topic(title="Messages")
    make_symptom(topic=topic, featured=True)
    make_symptom(topic=topic)
    client.get(f"{prefix}/")
    # The cards and topics in one read, then the content version; in Spanish and French the
    # version once more, for the translations kept since the first request read them.
    with django_assert_num_queries(3 if prefix else 2):
        assert client.get(f"{prefix}/").status_code == 200


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [(7, "a-slug", "A title")],
        [(1, "", ""), (2, "s", "12 errors, 3 fixes")],
        [(3, "x,1,2,", "9,9,9,"), (4, "ü-📱", "漢字 📱👨‍👩‍👧 e\u0301\u2028\ufeff")],
    ],
)
def test_a_topics_first_symptoms_are_read_back_whatever_their_titles_hold(rows):
    """PostgreSQL's listing, each row spelled out with its lengths, is read back as written."""
    from troubleshooting.views.browse import _spelled_out

    text = "".join(f"{pk},{len(slug)},{len(title)},{slug}{title}" for pk, slug, title in rows)
    assert _spelled_out(text) == [{"pk": pk, "slug": s, "title": t} for pk, s, t in rows]
