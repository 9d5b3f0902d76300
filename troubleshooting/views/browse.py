"""Browsing the guides: the home page, a topic, a symptom's article."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..models import Symptom, Topic, TriageQuestion
from ..previewing import previewing
from ..translating import overlay
from .pages import public_page, render_page

HOME_SYMPTOMS_PER_TOPIC = 6


@public_page(cache=True)
def home(request):
    """Show the topics with their first symptoms, the common problems and where to start."""
    preview = previewing(request)
    symptoms = Symptom.objects.in_visible_topic(preview=preview)
    common = symptoms.filter(featured=True).select_related("topic").order_by("position", "title")
    start_questions = (
        TriageQuestion.objects.in_visible_topic(preview=preview)
        .filter(is_start=True)
        .select_related("topic")
        .order_by("topic__position", "topic__title")
    )
    topics, common, start_questions = (
        _topics_with_first_symptoms(preview),
        list(common),
        list(start_questions),
    )
    overlay(
        topics,
        [symptom for topic in topics for symptom in topic.listed_symptoms],
        common,
        [symptom.topic for symptom in common],
        start_questions,
        [question.topic for question in start_questions],
        preview=preview,
    )
    context = {
        "title": None,
        "topics": topics,
        "common_symptoms": common,
        "start_questions": start_questions,
    }
    return render_page(request, "troubleshooting/home.html", context)


def _topics_with_first_symptoms(preview: bool) -> list[Topic]:
    """Return the visible topics, each with its live symptom count and first listed symptoms.

    Two queries that read only what the page shows, through the indexes on a topic's symptoms:
    a prefetch sliced per topic numbers every symptom of every topic (a window over the whole
    table, most of a big site's home page), and a count joined in groups them all.
    """
    listed = (
        Symptom.objects.visible(preview=preview)
        # The featured ones are already cards under "Common problems".
        .filter(topic=OuterRef("pk"), featured=False)
        .order_by("position", "title")
        .values("pk")
    )
    count = (
        Symptom.objects.visible(preview=preview)
        .filter(topic=OuterRef("pk"))
        .order_by()
        .values("topic")
        .annotate(count=Count("pk"))
        .values("count")
    )
    firsts = {f"listed_{n}": Subquery(listed[n : n + 1]) for n in range(HOME_SYMPTOMS_PER_TOPIC)}
    topics = list(
        Topic.objects.visible(preview=preview).annotate(
            symptom_count=Coalesce(Subquery(count), 0), **firsts
        )
    )
    ids = {topic.pk: [getattr(topic, name) for name in firsts] for topic in topics}
    wanted = {pk for pks in ids.values() for pk in pks if pk is not None}
    found = Symptom.objects.in_bulk(wanted) if wanted else {}
    for topic in topics:
        topic.listed_symptoms = [found[pk] for pk in ids[topic.pk] if pk in found]
        for symptom in topic.listed_symptoms:
            symptom.topic = topic  # for its address, without a query each
    return topics


@public_page(cache=True)
def topic(request, topic_slug):
    """Show a topic's symptoms, and the guided fix's first question if it has one."""
    preview = previewing(request)
    topic = get_object_or_404(Topic.objects.visible(preview=preview), slug=topic_slug)
    symptoms = list(topic.symptoms.visible(preview=preview).order_by("position", "title"))
    start = (
        TriageQuestion.objects.visible(preview=preview).filter(topic=topic, is_start=True).first()
    )
    if start is not None:
        start.topic = topic  # one topic to translate, and no query for its address
    overlay(topic, symptoms, start, preview=preview)
    context = {
        "title": topic.title,
        "description": topic.summary,
        "topic": topic,
        "symptoms": symptoms,
        "start_question": start,
    }
    return render_page(request, "troubleshooting/topic.html", context)


@public_page(cache=True)
def symptom(request, topic_slug, symptom_slug):
    """Show a symptom's article: what it means, its likely causes, every fix step in order."""
    preview = previewing(request)
    symptom = get_object_or_404(
        Symptom.objects.for_article(preview=preview),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )
    causes = [symptom_cause.cause for symptom_cause in symptom.published_causes]
    steps = [symptom_step.step for symptom_step in symptom.published_steps]
    overlay(symptom, symptom.topic, causes, steps, preview=preview)
    context = {
        "title": symptom.title,
        "description": symptom.summary,
        "og_type": "article",
        "symptom": symptom,
        "topic": symptom.topic,
        "causes": causes,
        "steps": steps,
    }
    return render_page(request, "troubleshooting/symptom.html", context)
