"""The guided fix flow: what to show next given the answers so far.

The whole state of a guided fix lives in its URL, so it can be bookmarked, shared and resumed after
the phone restarts: the step number in the path and, in the ``r`` query parameter, one letter per
step already answered (``n`` did not fix it, ``s`` skipped, ``y`` fixed it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import TextChoices
from django.urls import reverse

from .models import FixStep, Status, Symptom, SymptomStep, TriageChoice, TriageQuestion


class Answer(TextChoices):
    FIXED = "y", "Yes, it's fixed"
    NOT_FIXED = "n", "No, still not working"
    SKIPPED = "s", "Skip this step"


RESULT_LABELS = {
    Answer.FIXED: "Fixed it",
    Answer.NOT_FIXED: "Didn't fix it",
    Answer.SKIPPED: "Skipped",
}
NOT_TRIED = "Not tried"

_OPEN_RESULTS = re.compile(r"[ns]*")
_RESOLVED_RESULTS = re.compile(r"[ns]*y")


class InvalidFlowState(ValueError):
    """The flow URL does not describe a state this guide can be in (tampered or out of date)."""


@dataclass(frozen=True)
class Attempt:
    """One step of a guided fix and what happened when the person tried it."""

    number: int
    step: FixStep
    result: str

    @property
    def label(self) -> str:
        return RESULT_LABELS.get(self.result, NOT_TRIED)


def flow_steps(symptom: Symptom) -> list[FixStep]:
    """Return the published fix steps of a symptom, in the order people should try them."""
    return [
        symptom_step.step
        for symptom_step in SymptomStep.objects.filter(
            symptom=symptom, step__status=Status.PUBLISHED
        )
        .select_related("step")
        .order_by("position")
    ]


def parse_results(raw: str, *, steps: int, resolved: bool = False) -> str:
    """Validate the ``r`` parameter against the number of steps; raise InvalidFlowState if bad."""
    pattern = _RESOLVED_RESULTS if resolved else _OPEN_RESULTS
    if len(raw) > steps or not pattern.fullmatch(raw):
        raise InvalidFlowState(raw)
    return raw


def attempts(steps: list[FixStep], results: str) -> list[Attempt]:
    """Pair every step with its result ("" where it was not tried), for summaries."""
    return [
        Attempt(number=index, step=step, result=results[index - 1] if index <= len(results) else "")
        for index, step in enumerate(steps, start=1)
    ]


def _with_results(url: str, results: str, **extra: str) -> str:
    params = {"r": results, **extra} if results else extra
    return f"{url}?{urlencode(params)}" if params else url


def step_url(symptom: Symptom, number: int, results: str, **extra: str) -> str:
    """Return the URL of step ``number`` after the given results."""
    url = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, number])
    return _with_results(url, results, **extra)


def fixed_url(symptom: Symptom, results: str) -> str:
    url = reverse("troubleshooting:flow_fixed", args=[symptom.topic.slug, symptom.slug])
    return _with_results(url, results)


def end_url(symptom: Symptom, results: str) -> str:
    url = reverse("troubleshooting:flow_end", args=[symptom.topic.slug, symptom.slug])
    return _with_results(url, results)


def url_after_answer(*, symptom: Symptom, steps: list[FixStep], results: str, answer: str) -> str:
    """Return where the flow goes once the current step has been answered."""
    answered = results + answer
    if answer == Answer.FIXED:
        return fixed_url(symptom, answered)
    if len(answered) >= len(steps):
        return end_url(symptom, answered)
    return step_url(symptom, len(answered) + 1, answered)


def resume_url(*, symptom: Symptom, steps: list[FixStep], results: str) -> str | None:
    """Return the step to go back to from the end page: the one the person stopped at."""
    if not steps:
        return None
    if len(results) < len(steps):
        return step_url(symptom, len(results) + 1, results)
    return step_url(symptom, len(results), results[:-1])


def previous_url(*, symptom: Symptom, results: str) -> str:
    """Return the page before the current step: the previous step, or how the person got here."""
    if results:
        return step_url(symptom, len(results), results[:-1])
    choice = (
        TriageChoice.objects.filter(symptom=symptom, question__status=Status.PUBLISHED)
        .select_related("question__topic")
        .order_by("pk")
        .first()
    )
    if choice is not None:
        return choice.question.get_absolute_url()
    return symptom.get_absolute_url()


def visible_choices(question: TriageQuestion) -> list[TriageChoice]:
    """Return the answers of a question that lead somewhere the public can see."""
    return [
        choice
        for choice in question.choices.select_related(
            "next_question__topic", "symptom__topic"
        ).order_by("position")
        if (choice.next_question is not None and choice.next_question.is_published)
        or (choice.symptom is not None and choice.symptom.is_published)
    ]


def choice_url(choice: TriageChoice) -> str:
    """Return where a triage answer leads: the next question, or the first fix step."""
    if choice.next_question is not None:
        return choice.next_question.get_absolute_url()
    return choice.symptom.get_flow_url()
