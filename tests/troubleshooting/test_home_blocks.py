"""The home page's blocks: rendered once for the values they show, never shown for others."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.autoreload import file_changed

from troubleshooting import blocks
from troubleshooting.models import Status, SymptomTranslation, TopicTranslation
from troubleshooting.views import browse

from ..factories import make_question, make_symptom, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_blocks")]

TOPIC = "troubleshooting/includes/home_topic.html"
COMMON = "troubleshooting/includes/home_common.html"
TOPICS = "troubleshooting/includes/home_topics.html"


def home(client, path="/") -> tuple[str, dict]:
    """Return the page's HTML and how many times each block's template was rendered."""
    response = client.get(path)
    assert response.status_code == 200
    names = [template.name for template in response.templates]
    return response.content.decode(), {TOPIC: names.count(TOPIC), COMMON: names.count(COMMON)}


def section(html: str, title: str) -> str:
    start = html.index(f">{title}</a></h3>")
    return html[start : html.index("</article>", start)]


@pytest.fixture
def two_topics():
    """Two topics, one with more symptoms than it lists and a common problem."""
    busy, quiet = make_topic(title="Busy topic"), make_topic(title="Quiet topic")
    listed = [make_symptom(topic=busy, title=f"Busy {n}", position=n) for n in range(7)]
    make_symptom(topic=busy, title="A common problem", featured=True)
    make_symptom(topic=quiet, title="Quiet one")
    return busy, quiet, listed


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_an_unchanged_page_renders_no_block_again(client, two_topics, prefix):
    first, rendered = home(client, f"{prefix}/")
    assert rendered == {TOPIC: 2, COMMON: 1}
    again, rendered = home(client, f"{prefix}/")
    assert again == first
    assert rendered == {TOPIC: 0, COMMON: 0}


def test_a_kept_translated_page_reads_no_listing_back(client, two_topics, monkeypatch):
    # In every language each topic is keyed by its listing as read, translations and all:
    # a page whose blocks are kept never reads a listing into rows.
    _, _, listed = two_topics
    SymptomTranslation.objects.create(
        source=listed[0], language="es", slug="cero", title="Cero", status=Status.PUBLISHED
    )
    first, _ = home(client, "/es/")
    assert ">Cero<" in section(first, "Busy topic")
    read_back = []
    monkeypatch.setattr(browse, "_listed", lambda text: read_back.append(text))
    again, _ = home(client, "/es/")
    assert again == first
    assert read_back == []


def test_a_changed_title_renders_only_its_own_block_again(client, two_topics):
    busy, _, _ = two_topics
    home(client)
    busy.title = "Renamed topic"
    busy.save()
    html, rendered = home(client)
    assert "Renamed topic" in section(html, "Renamed topic")
    assert ">Busy topic<" not in html
    assert rendered == {TOPIC: 1, COMMON: 0}


def test_a_changed_summary_shows(client, two_topics):
    _, quiet, _ = two_topics
    home(client)
    quiet.summary = "A brand new summary."
    quiet.save()
    html, rendered = home(client)
    assert "A brand new summary." in section(html, "Quiet topic")
    assert rendered == {TOPIC: 1, COMMON: 0}


def test_a_new_symptom_changes_the_count(client, two_topics):
    busy, _, _ = two_topics
    html, _ = home(client)
    assert "All 8 problems in Busy topic" in section(html, "Busy topic")
    make_symptom(topic=busy, title="Busy late", position=99)
    html, rendered = home(client)
    assert "All 9 problems in Busy topic" in section(html, "Busy topic")
    assert rendered == {TOPIC: 1, COMMON: 0}


def test_an_unpublished_symptom_leaves_the_list_and_a_published_one_joins(client, two_topics):
    _, _, listed = two_topics
    home(client)
    listed[0].status = Status.DRAFT
    listed[0].save()
    html, _ = home(client)
    assert ">Busy 0<" not in html
    assert ">Busy 6<" in section(html, "Busy topic")  # the seventh moves up into the six
    listed[0].status = Status.PUBLISHED
    listed[0].save()
    html, _ = home(client)
    assert ">Busy 0<" in section(html, "Busy topic")
    assert ">Busy 6<" not in section(html, "Busy topic")


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_listed_symptoms_new_title_and_slug_render_only_its_topic_again(
    client, two_topics, prefix
):
    # English keys a topic by its listing as read, other languages by the translated rows.
    busy, _, listed = two_topics
    home(client, f"{prefix}/")
    listed[2].title, listed[2].slug = "Busy renamed", "busy-renamed"
    listed[2].save()
    html, rendered = home(client, f"{prefix}/")
    assert f'href="{prefix}/{busy.slug}/busy-renamed/"' in section(html, "Busy topic")
    assert ">Busy renamed<" in section(html, "Busy topic")
    assert ">Busy 2<" not in html
    assert rendered == {TOPIC: 1, COMMON: 0}


def test_a_scheduled_symptom_is_not_listed(client, two_topics):
    _, quiet, _ = two_topics
    home(client)
    make_symptom(topic=quiet, title="Not yet", publish_at=timezone.now() + timedelta(hours=1))
    html, rendered = home(client)
    assert "Not yet" not in html
    assert rendered == {TOPIC: 0, COMMON: 0}  # nothing it shows changed


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_scheduled_symptom_is_listed_once_its_time_comes_without_a_save(
    client, two_topics, prefix
):
    # The listing is read on every request, the clock compared by the database: a block keyed
    # by the listing as read shows the new symptom at its time, though nothing was saved.
    _, quiet, _ = two_topics
    soon = make_symptom(
        topic=quiet, title="Now live", publish_at=timezone.now() + timedelta(hours=1)
    )
    assert "Now live" not in home(client, f"{prefix}/")[0]
    type(soon).objects.filter(pk=soon.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    html, rendered = home(client, f"{prefix}/")
    assert ">Now live<" in section(html, "Quiet topic")
    assert rendered == {TOPIC: 1, COMMON: 0}


def test_a_changed_card_renders_only_the_cards_again(client, two_topics):
    home(client)
    card = two_topics[0].symptoms.get(featured=True)
    card.title = "A renamed common problem"
    card.save()
    html, rendered = home(client)
    assert "A renamed common problem" in html
    assert rendered == {TOPIC: 0, COMMON: 1}


def test_each_language_has_its_own_blocks(client, two_topics):
    english, _ = home(client)
    spanish, rendered = home(client, "/es/")
    assert rendered == {TOPIC: 2, COMMON: 1}
    assert "All 8 problems in Busy topic" in english
    assert "All 8 problems in Busy topic" not in spanish
    assert 'href="/es/' in section(spanish, "Busy topic")
    assert home(client)[0] == english


def test_a_translation_shows_and_its_edit_renders_only_its_block(client, two_topics):
    busy, _, listed = two_topics
    topic = TopicTranslation.objects.create(
        source=busy, language="es", slug="tema", title="Tema ocupado", status=Status.PUBLISHED
    )
    SymptomTranslation.objects.create(
        source=listed[1], language="es", slug="uno", title="Uno ocupado", status=Status.PUBLISHED
    )
    html, _ = home(client, "/es/")
    assert 'href="/es/tema/uno/"' in section(html, "Tema ocupado")
    assert ">Uno ocupado<" in html
    topic.title = "Tema cambiado"
    topic.save()
    html, rendered = home(client, "/es/")
    assert "Tema cambiado" in html
    assert "Tema ocupado" not in html
    assert rendered == {TOPIC: 1, COMMON: 0}
    english, rendered = home(client)
    assert "Tema" not in english
    assert ">Busy topic<" in english


def test_an_edit_the_development_server_reloads_renders_every_block_again(client, two_topics):
    # runserver reloads an edited template or catalogue without a restart: nothing kept from
    # before the edit may outlive it.
    first, _ = home(client)
    file_changed.send(sender=None, file_path=Path("templates/troubleshooting/home.html"))
    html, rendered = home(client)
    assert rendered == {TOPIC: 2, COMMON: 1}
    assert html == first


def test_a_preview_neither_reads_nor_fills_the_public_blocks(client, admin_client, two_topics):
    busy, _, _ = two_topics
    make_symptom(topic=busy, title="A draft problem", position=0, status=Status.DRAFT)
    public, _ = home(client)
    kept = len(blocks.memory)
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    for _ in range(2):
        preview, rendered = home(admin_client)
        assert "A draft problem" in section(preview, "Busy topic")
        assert rendered == {TOPIC: 2, COMMON: 1}  # rendered every time, never kept
    assert len(blocks.memory) == kept
    html, rendered = home(client)
    assert html == public
    assert "A draft problem" not in html
    assert rendered == {TOPIC: 0, COMMON: 0}


def test_the_start_links_follow_how_many_topics_have_a_first_question(client, two_topics):
    busy, quiet, _ = two_topics
    make_question(topic=busy, is_start=True)
    html, _ = home(client)
    # One topic with questions: the hero offers them, and its summary does not repeat it.
    assert "Not sure? Answer a question" in html
    assert "Not sure which one you have?" not in html
    make_question(topic=quiet, is_start=True)
    html, rendered = home(client)
    assert "Not sure? Answer a question" not in html
    for title in ("Busy topic", "Quiet topic"):
        assert "Not sure which one you have?" in section(html, title)
    assert rendered == {TOPIC: 2, COMMON: 0}


def test_the_memory_keeps_no_more_than_its_bounds_and_pages_stay_the_same(
    client, settings, two_topics
):
    _, quiet, _ = two_topics
    settings.RENDERED_BLOCKS_MAX = 2
    html, _ = home(client)
    blocks.memory.clear()
    assert home(client)[0] == html  # rendered through an overflowing memory, twice alike
    # The topics' section as its one latest version, and two of the page's three other blocks.
    assert len(blocks.memory) == 3
    quiet.title = "Renamed topic"
    quiet.save()
    # The section is rendered again, and the three blocks through a memory of two: each one
    # is pushed out before it is read.
    html, rendered = home(client)
    assert "Renamed topic" in html
    assert rendered == {TOPIC: 2, COMMON: 1}
    assert len(blocks.memory) == 3


def test_the_topics_section_is_kept_as_its_latest_version_alone(client, two_topics):
    # Each save renders the whole section again: its older versions, each a page's worth of
    # HTML, are not kept beside the new one.
    busy, _, _ = two_topics
    home(client)
    kept = len(blocks.memory)
    for n in range(3):
        busy.title = f"Renamed {n}"
        busy.save()
        html, rendered = home(client)
        assert f">Renamed {n}</a></h3>" in html
        assert rendered == {TOPIC: 1, COMMON: 0}
        assert len(blocks.memory) == kept + n + 1  # the renamed topic's block, not the section's
    names = [template.name for template in client.get("/").templates]
    assert TOPICS not in names


def test_a_section_kept_for_other_values_is_never_shown(client, two_topics):
    busy, quiet, _ = two_topics
    first, _ = home(client)
    busy.title = "Renamed topic"
    busy.save()
    renamed, _ = home(client)
    busy.title = "Busy topic"
    busy.save()
    again, rendered = home(client)
    assert again == first != renamed
    assert rendered == {TOPIC: 0, COMMON: 0}  # each topic's block was still kept
    quiet.status = Status.DRAFT
    quiet.save()
    html, _ = home(client)
    assert "Quiet topic" not in html


def test_no_topics_says_so(client):
    html, _ = home(client)
    assert "There are no guides yet." in html


def test_the_memory_forgets_the_least_recently_used_block(settings):
    settings.RENDERED_BLOCKS_MAX = 2
    blocks.memory.put("a", "A")
    blocks.memory.put("b", "B")
    assert blocks.memory.get("a") == "A"  # now the most recently used
    blocks.memory.put("c", "C")
    assert blocks.memory.get("b") is None
    assert (blocks.memory.get("a"), blocks.memory.get("c")) == ("A", "C")


def test_latest_versions_are_kept_per_place_within_their_own_bound(monkeypatch, settings):
    # Each is a page's worth of HTML: their bound is their own, not the small blocks' one.
    settings.RENDERED_BLOCKS_MAX = 2_000
    monkeypatch.setattr(blocks, "LATEST_MAX", 1)
    blocks.memory.put_latest(("section", "en", (1,)), "one")
    blocks.memory.put_latest(("section", "en", (2,)), "two")  # the same place: replaces it
    assert blocks.memory.latest(("section", "en", (1,))) is None
    assert blocks.memory.latest(("section", "en", (2,))) == "two"
    blocks.memory.put_latest(("section", "es", (2,)), "dos")  # another place, past the bound
    assert blocks.memory.latest(("section", "en", (2,))) is None
    assert blocks.memory.latest(("section", "es", (2,))) == "dos"


def test_many_places_keep_no_more_latest_versions_than_their_bound(settings):
    settings.RENDERED_BLOCKS_MAX = 2_000
    for place in range(blocks.LATEST_MAX * 3):
        blocks.memory.put_latest(("section", f"/prefix-{place}/", (1,)), "x" * 40_000)
    assert len(blocks.memory) == blocks.LATEST_MAX


def test_a_bound_of_nought_keeps_nothing(client, settings, two_topics):
    settings.RENDERED_BLOCKS_MAX = 0
    assert home(client)[1] == {TOPIC: 2, COMMON: 1}
    assert home(client)[1] == {TOPIC: 2, COMMON: 1}
    assert len(blocks.memory) == 0


def test_blocks_cost_no_query(client, two_topics):
    # Rendering a block reads nothing the page has not read already.
    with CaptureQueriesContext(connection) as rendered:
        home(client)  # every block rendered
    with CaptureQueriesContext(connection) as kept:
        home(client)  # every block kept
    assert home(client)[1] == {TOPIC: 0, COMMON: 0}
    assert len(rendered) == len(kept)


def test_a_site_served_under_a_path_has_its_own_blocks(client, two_topics):
    home(client)
    try:
        set_script_prefix("/help/")  # as a server mounting the site at /help/ sets it
        html, rendered = home(client)
    finally:
        set_script_prefix("/")
    assert 'href="/help/topic-' in section(html, "Busy topic")
    assert rendered == {TOPIC: 2, COMMON: 1}
    assert 'href="/topic-' in section(home(client)[0], "Busy topic")
