"""Browsing the guides: the home page, a topic, a symptom's article."""

import json

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import listings, pieces, shaped
from ..addresses import Addresses, slug_url
from ..blocks import Blocks
from ..models import (
    Cause,
    FixStep,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageQuestion,
    live,
    live_count,
)
from ..prepared import Instances, Prepared
from ..previewing import previewing
from ..templatetags.languages import hreflang_alternates, language_switcher
from ..templatetags.pictures import message_picture, symptom_state
from ..translating import active_language, overlay, overlay_rows
from .pages import canonical_url, is_fragment, public_page, render_page, untranslated_in

CARD_FIELDS = ("pk", "slug", "title", "summary", "topic__slug")
TOPIC_FIELDS = ("pk", "slug", "title", "summary", "listed", "symptom_count", "has_start_question")
# The home page's one read: the common problems' cards (kind 0), then the topics (1), each
# row (kind, position, then its fields), a card's padded with nulls to a topic's width.
CARD_ROW, TOPIC_ROW = 0, 1
# The home page's blocks, each kept rendered for the values it shows (blocks.py).
TOPIC_BLOCK = "troubleshooting/includes/home_topic.html"
COMMON_BLOCK = "troubleshooting/includes/home_common.html"
ARTICLE = "troubleshooting/symptom.html"
KNOWN_ISSUE_BANNER = "troubleshooting/includes/known_issue_banner.html"
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

# What the article shows of its symptom and of the symptom's topic; the rest stays unread. The
# topic's id is the symptom's ``topic_id``, read once.
ARTICLE_SYMPTOM_FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "body_html",
    "next_moves_html",
    "topic_id",
)
ARTICLE_TOPIC_FIELDS = ("id", "slug", "title", "escalation_html")
_article_symptom_instance = Instances(Symptom, ARTICLE_SYMPTOM_FIELDS)
_article_topic_instance = Instances(Topic, ARTICLE_TOPIC_FIELDS)
# The article's one read: the symptom's row (kind -1), then its causes (0) and steps (1).
SYMPTOM_ROW, CAUSE_ROW, STEP_ROW = -1, 0, 1


@public_page(cache=True)
def symptom(request, topic_slug, symptom_slug):
    """Show a symptom's article: what it means, its likely causes, every fix step in order."""
    preview = previewing(request)
    symptom, items = _article_at(topic_slug, symptom_slug, preview=preview)
    overlay(symptom, symptom.topic, preview=preview)
    causes, steps = [], []
    for kind, _position, *row in items:
        (causes if kind == CAUSE_ROW else steps).append(row)
    # Each step's and cause's block as stored with it (pieces.py), in their lists' shapes.
    steps = pieces.article_blocks(FixStep, steps, preview=preview)
    causes = pieces.article_blocks(Cause, causes, preview=preview)
    topic, slugs = symptom.topic, (symptom.topic.slug, symptom.slug)
    addresses = Addresses()
    context = {
        "title": symptom.title,
        "description": symptom.summary,
        "og_type": "article",
        "symptom": symptom,
        "topic": topic,
        "step_count": len(steps),
        "causes_list": pieces.article_list(Cause, causes) if causes else "",
        "steps_list": pieces.article_list(FixStep, steps) if steps else "",
        "picture_html": message_picture(symptom_state(symptom)),
        "known_issue_banner": render_to_string(
            KNOWN_ISSUE_BANNER, {"symptom": symptom, "topic": topic, "previewing": preview}
        ),
        # Stored HTML, sanitized when saved (``markdown.py``): the page prints it as it is.
        "body_html": mark_safe(symptom.body_html),  # noqa: S308
        "next_moves_html": mark_safe(symptom.next_moves_html),  # noqa: S308
        "escalation_html": mark_safe(topic.escalation_html),  # noqa: S308
        "flow_url": addresses.slug_url("troubleshooting:flow_begin", *slugs),
        # Feedback is the public's to give: an editor's preview shows no form for it.
        "feedback_url": not preview
        and addresses.slug_url("troubleshooting:symptom_feedback", *slugs),
    }
    if not preview:
        shaped_page = _shaped_article(request, context, addresses)
        if shaped_page is not None:
            # The template's own text for this article (``_shaped_article``).
            return HttpResponse(shaped_page)
    return render_page(request, ARTICLE, context)


def _shaped_article(request, context: dict, addresses: Addresses) -> str | None:
    """Return the article, whole or as its ``main`` partial, from its shape; None to render it.

    Everything the page prints of the article and the request is a value filled into text
    rendered once per language and kind of article (``shaped.fill``): the frame's and the
    article's tags and interface words are the template engine's work only for the first of
    each. What it decides by (its number of steps, a fragment or not) is a flag. Each name the
    template reads is mapped here, once: a shape that reads another is not kept. An editor's
    preview, and a request htmx sends for a whole page (a history restore), are rendered.
    """
    fragment = is_fragment(request)
    if not fragment and "HTTP_HX_REQUEST" in request.META:
        return None
    symptom, topic = context["symptom"], context["topic"]
    flags = {
        "request.htmx": fragment,
        "fragment": fragment,
        "previewing": False,
        "og_type": context["og_type"],
        "step_count": context["step_count"],
    }
    values = {
        "title": context["title"],
        "untranslated_in": untranslated_in(context),
        "symptom.title": symptom.title,
        "symptom.summary": symptom.summary,
        "topic.title": topic.title,
        "topic.get_absolute_url": topic.get_absolute_url(),
        **{
            name: context[name]
            for name in (
                "picture_html",
                "known_issue_banner",
                "flow_url",
                "body_html",
                "causes_list",
                "steps_list",
                "next_moves_html",
                "escalation_html",
                "feedback_url",
            )
        },
    }
    page = {"request": request}
    if fragment:
        values["switcher_html"] = language_switcher(page, oob=True)
        return shaped.fill(f"{ARTICLE}#main", flags, values)
    canonical = canonical_url(request)
    values.update(
        description=context["description"],
        canonical_url=canonical,
        alternates_html=hreflang_alternates(page, canonical),
        switcher_html=language_switcher(page),
    )
    return shaped.fill(ARTICLE, flags, values)


def _article_symptom_query(*, preview: bool, slug: str):
    """Return the visible symptom at ``slug`` (of a visible topic) with its topic."""
    symptoms = Symptom.objects.in_visible_topic(preview=preview).select_related("topic")
    return symptoms.filter(slug=slug)


def _article_at(topic_slug: str, symptom_slug: str, *, preview: bool) -> tuple[Symptom, list]:
    """Return the visible symptom at ``symptom_slug`` if in that topic, and its items; else 404.

    A symptom's slug is unique: found by it alone, its topic (joined already) is checked
    here, which spares building a filter across the join. The items are rows
    ``(kind, position, id, stamp, block)`` (``_article_items_query``). The public's symptom and
    topic are made of their row's few columns, read with the items in one query; an editor's
    preview reads them whole, as the preview banner shows their publication, then the items.
    """
    if preview:
        found = get_object_or_404(_article_symptom_query(preview=True, slug=symptom_slug))
        items = list(_article_items_query(preview=True, causes_of=found.pk, steps_of=found.pk))
    else:
        rows = _article.rows(slug=symptom_slug, causes_of=symptom_slug, steps_of=symptom_slug)
        # Items come without their symptom's row only where the symptom may not be shown.
        if not rows or rows[0][0] != SYMPTOM_ROW:
            raise Http404("No such symptom.")
        head, size = rows[0][2:], len(ARTICLE_SYMPTOM_FIELDS)
        found = _article_symptom_instance(head[:size])
        found.topic = _article_topic_instance((found.topic_id, *head[size:]))
        items = [row[:5] for row in rows[1:]]
    if found.topic.slug != topic_slug:
        raise Http404("No such symptom in this topic.")
    return found, items


def _article_items_query(*, preview: bool, causes_of: int, steps_of: int):
    """Return the article's live causes (kind 0), then its live steps (1), each in its order.

    Each row is (kind, position, the item's id, its stored block's stamp, its English HTML),
    read as text: the article shows nothing else of it, so no model instance and no JSON to
    decode. One query for both; the symptom's id comes twice, once for each part.
    """
    causes, steps = _article_items_parts(preview=preview, causes_of=causes_of, steps_of=steps_of)
    return causes.union(steps, all=True).order_by("kind", "position")


def _article_items_parts(*, preview: bool, causes_of, steps_of, padding: int = 0) -> tuple:
    """Return the querysets of the article's causes and of its steps, as rows.

    ``causes_of`` and ``steps_of``: the symptom's id, or a subquery finding it. ``padding``
    nulls end each row, for a union with wider rows.
    """
    nulls = [Value(None, output_field=TextField())] * padding
    causes = (
        SymptomCause.objects.filter(live("cause__", preview=preview), symptom=causes_of)
        .annotate(kind=Value(CAUSE_ROW))
        .order_by()
        .values_list("kind", "position", *pieces.article_columns("cause"), *nulls)
    )
    steps = (
        SymptomStep.objects.filter(live("step__", preview=preview), symptom=steps_of)
        .annotate(kind=Value(STEP_ROW))
        .order_by()
        .values_list("kind", "position", *pieces.article_columns("step"), *nulls)
    )
    return causes, steps


def _article_query(*, preview: bool, slug: str, causes_of: str, steps_of: str):
    """Return the article's symptom row, then its items, in one query (one round trip).

    The symptom's row is (-1, 0, its fields, its topic's); each item's is as
    ``_article_items_query``'s, padded with nulls to the symptom's width: a union takes rows
    of one width, and the columns line up in type (an id under the id, text under text). Each
    part finds the symptom by its slug, given once per part, as a prepared read takes it.
    """
    topic_fields = [f"topic__{name}" for name in ARTICLE_TOPIC_FIELDS[1:]]
    head = (
        _article_symptom_query(preview=preview, slug=slug)
        .annotate(kind=Value(SYMPTOM_ROW), row_position=Value(0))
        .order_by()
        .values_list("kind", "row_position", *ARTICLE_SYMPTOM_FIELDS, *topic_fields)
    )
    causes, steps = _article_items_parts(
        preview=preview,
        causes_of=_symptom_id(causes_of),
        steps_of=_symptom_id(steps_of),
        padding=len(ARTICLE_SYMPTOM_FIELDS) + len(topic_fields) - 3,
    )
    return head.union(causes, steps, all=True).order_by("kind", "row_position")


def _symptom_id(slug: str) -> Subquery:
    """Return the id of the symptom at ``slug``, visible or not (its own row decides that)."""
    return Subquery(Symptom.objects.filter(slug=slug).order_by().values("pk"))


_article = Prepared(_article_query)
