"""The triage questions before a guided fix: the answers offered, where each leads, the way back.

A question's answers lead to another question or to a symptom's guided fix; the flow's own state
(``flow.Flow``) starts where they end. "Back" from a question, or from a fix's first step, goes to
the question people came from (``via``) when it leads there, else to any live one that does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from .models import Symptom, SymptomStep, TriageChoice, TriageQuestion, live
from .translating import source_slug


def entry_url(symptom: Symptom, *, preview: bool = False, via: str = "") -> str:
    """Return the question that leads to a symptom (``via`` if it does), or else its article."""
    choice = _leading_choice(TriageChoice.objects.filter(symptom=symptom), preview, via)
    return choice.question.get_absolute_url() if choice else symptom.get_absolute_url()


def parent_url(question: TriageQuestion, *, preview: bool = False, via: str = "") -> str:
    """Return the page before a triage question: the question that leads to it, or the topic."""
    if question.is_start:
        return question.topic.get_absolute_url()
    choice = _leading_choice(question.incoming_choices.all(), preview, via)
    return choice.question.get_absolute_url() if choice else question.topic.get_absolute_url()


def _leading_choice(choices, preview: bool, via: str) -> TriageChoice | None:
    """Return the live answer among ``choices`` of question ``via`` if there is one, else any."""
    return (
        choices.filter(
            live("question__", preview=preview), live("question__topic__", preview=preview)
        )
        .select_related("question__topic")
        .order_by(
            Case(When(question__slug=via, then=Value(0)), default=Value(1)),
            "question__is_start",
            "pk",
        )
        .first()
    )


def visible_choices(question: TriageQuestion, *, preview: bool = False) -> list[TriageChoice]:
    """Return the answers of a question that lead somewhere people can go on from."""
    has_steps = SymptomStep.objects.filter(
        live("step__", preview=preview), symptom=OuterRef("symptom")
    )
    leads_on = (Q(next_question__isnull=False) & live("next_question__", preview=preview)) | (
        Q(symptom__isnull=False) & live("symptom__", preview=preview) & Q(symptom_has_steps=True)
    )
    return list(
        question.choices.select_related("next_question__topic", "symptom__topic")
        .annotate(symptom_has_steps=Exists(has_steps))
        .filter(leads_on)
        .order_by("position")
    )


def choice_url(choice: TriageChoice) -> str:
    """Return where a triage answer leads: the next question, or the first fix step.

    Both name the question answered (``via``), so "Back" and "Change my answer" return to it.
    """
    target = (
        choice.next_question.get_absolute_url()
        if choice.next_question is not None
        else choice.symptom.get_flow_url()
    )
    # ``via`` names the question in English: the flow's state is the same in every language.
    return f"{target}?{urlencode({'via': source_slug(choice.question)})}"
