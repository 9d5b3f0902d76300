"""Checks that triage answers lead only to steps that fit what the person said."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils.translation import gettext

from troubleshooting import rules
from troubleshooting.models import Symptom, TriageChoice, TriageQuestion

from .problems import Level, Problem, ProblemKind, Ref, quote
from .site import Site


def check_steps_fit_answers(site: Site) -> Iterator[Problem]:
    """An answer saying whom messages fail to reach leads to no step made only for others.

    What an answer says holds for every question after it, so the symptoms it leads to through
    follow-up questions are checked too.
    """
    for choice in site.choices:
        if not choice.reach:
            continue
        question = site.get(TriageQuestion, choice.question_id)
        if question is None:
            continue
        for symptom in _symptoms_after(site, choice):
            for step in site.live_steps(symptom):
                if rules.fits(step.only_when, choice.reach):
                    continue
                yield _problem(site, question, choice, symptom, step)


def _symptoms_after(site: Site, choice: TriageChoice) -> list[Symptom]:
    """Return the symptoms an answer leads to, directly or through the questions after it."""
    answers: dict[int, list[TriageChoice]] = defaultdict(list)
    for other in site.choices:
        answers[other.question_id].append(other)
    found: dict[int, Symptom] = {}
    asked: set[int] = set()
    todo = [choice]
    while todo:  # questions never loop (a rule), but a set keeps this finite if they did
        current = todo.pop()
        if current.symptom_id is not None:
            symptom = site.get(Symptom, current.symptom_id)
            if symptom is not None:
                found.setdefault(symptom.pk, symptom)
        elif current.next_question_id not in asked:
            asked.add(current.next_question_id)
            todo += answers.get(current.next_question_id, [])
    return list(found.values())


def _problem(site: Site, question, choice, symptom, step) -> Problem:
    said = rules.Reach(choice.reach).label.lower()
    made_for = rules.Reach(step.only_when).label.lower()
    message = gettext(
        "The answer %(answer)s says it fails with %(said)s, but leads to %(symptom)s, whose "
        "step %(step)s only fits when it fails with %(made_for)s. Take the step out of "
        "%(symptom)s, or lead the answer to a symptom that fits."
    ) % {
        "answer": quote(choice.label),
        "said": said,
        "symptom": quote(symptom),
        "step": quote(step),
        "made_for": made_for,
    }
    live = site.is_live(question) and site.leads_on(choice)
    return Problem(
        Level.ERROR if live else Level.WARNING,
        ProblemKind.STEP_DOES_NOT_FIT,
        Ref.to(question),
        message,
        (Ref.to(symptom), Ref.to(step)),
    )
