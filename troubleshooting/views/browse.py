"""Browsing the guides: the home page and a topic's page (a symptom's article: ``article.py``)."""

import json

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import listings
from ..addresses import Addresses, slug_url
from ..blocks import Blocks
from ..models import (
    Symptom,
    Topic,
    TriageQuestion,
    live_count,
)
from ..prepared import Instances, Prepared
from ..previewing import previewing
from ..translating import active_language, overlay, overlay_rows
from .pages import public_page, render_page

CARD_FIELDS = ("pk", "slug", "title", "summary", "topic__slug")
TOPIC_FIELDS = ("pk", "slug", "title", "summary", "listed", "symptom_count", "has_start_question")
# The home page's one read: the common problems' cards (kind 0), then the topics (1), each
# row (kind, position, then its fields), a card's padded with nulls to a topic's width.
CARD_ROW, TOPIC_ROW = 0, 1
# The home page's blocks, each kept rendered for the values it shows (blocks.py).
TOPIC_BLOCK = "troubleshooting/includes/home_topic.html"
COMMON_BLOCK = "troubleshooting/includes/home_common.html"
TOPICS_BLOCK = "troubleshooting/includes/home_topics.html"


@public_page(cache=True)
def home(request):
    """Show the topics with their first symptoms, the common problems and where to start."""
    preview = previewing(request)
    cards, topics = _home_rows(preview=preview)
    # Each topic's first symptoms came in its row, in order, as the page shows them, their
    # translations already put on (``_visible_topics_query``): that text is all its summary's
    # key needs, in every language. It is read only when the summary is rendered.
    topic_slugs = overlay_rows(Topic, topics, preview=preview)
    overlay_rows(Symptom, cards, preview=preview)
    common = []
    for card in cards:
        topic_slug = topic_slugs.get(card["topic__slug"], card["topic__slug"])
        common.append((card["slug"], topic_slug, card["title"], card["summary"]))
    # One topic's questions are the page's way in for anyone unsure; with several, a wall of
    # the same button would say nothing, so each topic offers its own below.
    starts = [topic for topic in topics if topic["has_start_question"]]
    start_topic = starts[0] if len(starts) == 1 else None
    if start_topic is not None:
        start_topic["start_url"] = slug_url("troubleshooting:flow_start", start_topic["slug"])
    # Each block is keyed by the rows' values it shows (blocks.py): an editor's save renders
    # again only the blocks whose rows it changed. A preview neither reads nor fills them.
    blocks = Blocks(keep=not preview)
    # The topics' section is one block (one look-up, no loop through the template engine),
    # made of a block per topic: a save that changes one topic renders that one again.
    summaries = tuple(_topic_values(topic, start_topic) for topic in topics)

    def topics_context(values: tuple) -> dict:
        return {"topic_summaries": [blocks.render(TOPIC_BLOCK, v, _topic_context) for v in values]}

    context = {
        "title": None,
        "topics": blocks.render(TOPICS_BLOCK, summaries, topics_context, latest=True),
        "common_problems": common and blocks.render(COMMON_BLOCK, tuple(common), _common_context),
        "start_topic": start_topic,
    }
    return render_page(request, "troubleshooting/home.html", context)


def _listed(text: str | None) -> list[dict]:
    """Return a topic's first symptoms from its ``listed`` column, as rows with pk, slug, title."""
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _spelled_out(text)
    listed = json.loads(text)
    if not listed:
        return []
    # SQLite's aggregate takes its rows in no promised order: put them in the page's, as its
    # ORDER BY would (its text comparison is by code point, as Python's is), by position and
    # English title (the fifth value when the shown title is a translation's).
    title = 4 if len(listed[0]) > 4 else 2
    listed.sort(key=lambda row: (row[3], row[title]))
    return [{"pk": row[0], "slug": row[1], "title": row[2]} for row in listed]


def _spelled_out(text: str) -> list[dict]:
    """Return the rows of PostgreSQL's ``listed`` text: ``id,len(slug),len(title),slug title``.

    Each slug and title is cut by its length, so no character in them can be taken for a
    separator: nothing needs escaping, and nothing an editor types can break the list.
    """
    rows, rest = [], text
    while rest:
        pk, slug_size, title_size, rest = rest.split(",", 3)
        slug_end = int(slug_size)
        title_end = slug_end + int(title_size)
        rows.append({"pk": int(pk), "slug": rest[:slug_end], "title": rest[slug_end:title_end]})
        rest = rest[title_end:]
    return rows


def _topic_values(topic: dict, start_topic: dict | None) -> tuple:
    """Return all a topic's summary shows, its first symptoms as the ``listed`` text as read.

    The same text always lists the same symptoms, with the same shown slugs and titles, in the
    same order: it keys them exactly.
    """
    # The hero offers the one topic's questions; then no summary repeats the offer.
    start = topic["has_start_question"] and start_topic is None
    values = (topic["slug"], topic["title"], topic["summary"], topic["symptom_count"])
    return (*values, topic["listed"], start)


def _topic_context(values: tuple) -> dict:
    """Build a topic summary's context from its values alone, addresses made here."""
    slug, title, summary, count, listed, start = values
    addresses = Addresses()
    symptoms = [
        {
            "url": addresses.slug_url("troubleshooting:symptom", slug, row["slug"]),
            "title": row["title"],
        }
        for row in _listed(listed)
    ]
    topic = {
        "url": addresses.slug_url("troubleshooting:topic", slug),
        "title": title,
        "summary": summary,
        "symptom_count": count,
        "listed_symptoms": symptoms,
        "start_url": start and addresses.slug_url("troubleshooting:flow_start", slug),
    }
    return {"topic": topic}


def _common_context(values: tuple) -> dict:
    """Build the common problems' context from their values alone, addresses made here."""
    addresses = Addresses()
    cards = [
        {
            "url": addresses.slug_url("troubleshooting:symptom", topic_slug, slug),
            "flow_url": addresses.slug_url("troubleshooting:flow_begin", topic_slug, slug),
            "title": title,
            "summary": summary,
        }
        for slug, topic_slug, title, summary in values
    ]
    return {"common_symptoms": cards}


def _home_rows(*, preview: bool) -> tuple[list[dict], list[dict]]:
    """Return the common problems' cards and the visible topics, as rows keyed by their fields."""
    cards, topics = [], []
    for kind, _position, *row in _home.rows(preview=preview):
        if kind == CARD_ROW:
            cards.append(dict(zip(CARD_FIELDS, row[: len(CARD_FIELDS)], strict=True)))
        else:
            topics.append(dict(zip(TOPIC_FIELDS, row, strict=True)))
    return cards, topics


def _home_query(*, preview: bool):
    """Return the cards' rows (kind 0), then the topics' (1), in one query (one round trip).

    A card's row is (0, its position, its fields, its topic's slug, two nulls); a topic's is
    ``_visible_topics_query``'s after (1, its position): a union takes rows of one width, and
    the columns line up in type (the topic's slug under the listing's text). Both kinds sort
    by position then title, their own order. The cards are found by a subquery, as the
    topics' listing finds them to leave them out: SQLite takes no ``LIMIT`` in a union's part.
    """
    nulls = (Value(None, output_field=IntegerField()), Value(None, output_field=BooleanField()))
    cards = (
        Symptom.objects.filter(pk__in=listings.card_ids(preview=preview))
        .annotate(kind=Value(CARD_ROW), padding=nulls[0], padding_flag=nulls[1])
        .order_by()
        .values_list("kind", "position", *CARD_FIELDS, "padding", "padding_flag")
    )
    topics = (
        _visible_topics_query(preview=preview)
        .annotate(kind=Value(TOPIC_ROW))
        .order_by()
        .values_list("kind", "position", *TOPIC_FIELDS)
    )
    return cards.union(topics, all=True).order_by("kind", "position", "title", "pk")


_home = Prepared(_home_query)


def _visible_topics_query(*, preview: bool):
    """Return the visible topics with their live symptom count, first symptoms and first question.

    One query that reads only what the page shows, through the indexes on a topic's symptoms:
    a prefetch sliced per topic numbers every symptom of every topic (a window over the whole
    table, most of a big site's home page), and a count joined in groups them all. Rows come
    as plain values, their addresses made once (``Addresses``): hundreds of model instances,
    and the template engine's slower look-ups on them, were most of the page's time. Each
    topic's first symptoms are its stored listing while that is fresh (``listings.py``).
    """
    start = TriageQuestion.objects.visible(preview=preview).filter(
        topic=OuterRef("pk"), is_start=True
    )
    # The topic's stored number of published symptoms, kept right by every write
    # (``topic_counts.py``), less those still waiting for their time.
    count = live_count(Symptom, "topic", preview=preview, published=F("published_symptoms"))
    topics = listings.with_listing(
        Topic.objects.visible(preview=preview), language=active_language(), preview=preview
    )
    return topics.annotate(symptom_count=count, has_start_question=Exists(start)).values_list(
        *TOPIC_FIELDS
    )


# What the topic page shows of its topic, and of each of its symptoms.
TOPIC_PAGE_FIELDS = ("id", "slug", "title", "summary")
_topic_page_topic = Instances(Topic, TOPIC_PAGE_FIELDS)
TOPIC_SYMPTOM_FIELDS = ("pk", "slug", "title", "summary")


@public_page(cache=True)
def topic(request, topic_slug):
    """Show a topic's symptoms, and the guided fix's first question if it has one."""
    preview = previewing(request)
    topic = _topic_at(topic_slug, preview=preview)
    symptoms = _topic_symptoms.dicts(preview=preview, topic=topic.pk)
    overlay(topic, preview=preview)
    overlay_rows(Symptom, symptoms, preview=preview)
    addresses = Addresses()
    for symptom in symptoms:
        symptom["url"] = addresses.slug_url("troubleshooting:symptom", topic.slug, symptom["slug"])
    start_url = topic.has_start_question and addresses.slug_url(
        "troubleshooting:flow_start", topic.slug
    )
    context = {
        "title": topic.title,
        "description": topic.summary,
        "topic": topic,
        "symptoms": symptoms,
        "start_url": start_url,
    }
    return render_page(request, "troubleshooting/topic.html", context)


def _topic_query(*, preview: bool, slug: str):
    """Return the visible topic at ``slug``, and whether its guided fix has a first question."""
    start = TriageQuestion.objects.visible(preview=preview).filter(
        topic=OuterRef("pk"), is_start=True
    )
    topic = Topic.objects.visible(preview=preview).filter(slug=slug)
    return topic.annotate(has_start_question=Exists(start))


def _topic_row_query(*, preview: bool, slug: str):
    """Return the row of the topic at ``slug``: what the page shows, then its first question."""
    return _topic_query(preview=preview, slug=slug).values_list(
        *TOPIC_PAGE_FIELDS, "has_start_question"
    )


_topic_row = Prepared(_topic_row_query)


def _topic_at(slug: str, *, preview: bool) -> Topic:
    """Return the visible topic at ``slug`` (translations not put on yet), else 404.

    The public's is made of its row's few columns; an editor's preview reads the whole topic,
    whose publication the preview banner shows.
    """
    if preview:
        return get_object_or_404(_topic_query(preview=True, slug=slug))
    rows = _topic_row.rows(slug=slug)
    if not rows:
        raise Http404("No such topic.")
    *values, has_start_question = rows[0]
    topic = _topic_page_topic(values)
    topic.has_start_question = bool(has_start_question)
    return topic


def _topic_symptoms_query(*, preview: bool, topic: int):
    """Return the visible symptoms of the topic ``topic`` in their order, as rows."""
    symptoms = Symptom.objects.visible(preview=preview).filter(topic=topic)
    return symptoms.order_by("position", "title").values_list(*TOPIC_SYMPTOM_FIELDS)


_topic_symptoms = Prepared(_topic_symptoms_query, TOPIC_SYMPTOM_FIELDS)
