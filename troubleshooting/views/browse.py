"""Browsing the guides: the home page, a topic, a symptom's article."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from ..models import Symptom, Topic, TriageQuestion, live
from ..previewing import previewing
from .pages import public_page, render_page

HOME_SYMPTOMS_PER_TOPIC = 6


@public_page(cache=True)
def home(request):
    """Show the topics with their first symptoms, the common problems and where to start."""
    preview = previewing(request)
    symptoms = Symptom.objects.in_visible_topic(preview=preview)
    topics = (
        Topic.objects.visible(preview=preview)
        .annotate(symptom_count=Count("symptoms", filter=live("symptoms__", preview=preview)))
        .prefetch_related(
            Prefetch(
                "symptoms",
                # The featured ones are already cards under "Common problems".
                queryset=symptoms.filter(featured=False).order_by("position", "title")[
                    :HOME_SYMPTOMS_PER_TOPIC
                ],
                to_attr="listed_symptoms",
            )
        )
    )
    common = symptoms.filter(featured=True).select_related("topic").order_by("position", "title")
    start_questions = (
        TriageQuestion.objects.in_visible_topic(preview=preview)
        .filter(is_start=True)
        .select_related("topic")
        .order_by("topic__position", "topic__title")
    )
    context = {
        "title": None,
        "topics": topics,
        "common_symptoms": common,
        "start_questions": start_questions,
    }
    return render_page(request, "troubleshooting/home.html", context)


@public_page(cache=True)
def topic(request, topic_slug):
    """Show a topic's symptoms, and the guided fix's first question if it has one."""
    preview = previewing(request)
    topic = get_object_or_404(Topic.objects.visible(preview=preview), slug=topic_slug)
    symptoms = topic.symptoms.visible(preview=preview).order_by("position", "title")
    start = (
        TriageQuestion.objects.visible(preview=preview).filter(topic=topic, is_start=True).first()
    )
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
    symptom = get_object_or_404(
        Symptom.objects.for_article(preview=previewing(request)),
        topic__slug=topic_slug,
        slug=symptom_slug,
    )
    context = {
        "title": symptom.title,
        "description": symptom.summary,
        "og_type": "article",
        "symptom": symptom,
        "topic": symptom.topic,
        "causes": [symptom_cause.cause for symptom_cause in symptom.published_causes],
        "steps": [symptom_step.step for symptom_step in symptom.published_steps],
    }
    return render_page(request, "troubleshooting/symptom.html", context)
