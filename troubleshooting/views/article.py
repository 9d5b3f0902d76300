"""A symptom's article: what it means, its likely causes, every fix step in order.

Its one read (``_article``), and the page filled into its shape (``_shaped_article``).
"""

from django.db.models import Subquery, TextField, Value
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import pieces, shaped
from ..addresses import Addresses
from ..models import (
    Cause,
    FixStep,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    live,
)
from ..prepared import Instances, Prepared
from ..previewing import previewing
from ..templatetags.languages import hreflang_alternates, language_switcher
from ..templatetags.pictures import message_picture, symptom_state
from ..translating import overlay
from .pages import canonical_url, is_fragment, public_page, render_page, untranslated_in

ARTICLE = "troubleshooting/symptom.html"
KNOWN_ISSUE_BANNER = "troubleshooting/includes/known_issue_banner.html"

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
    if not fragment and request.htmx:
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
        "topic.get_absolute_url": topic.get_absolute_url(at=addresses),
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
