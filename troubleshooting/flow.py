"""The guided fix flow: what to show next given the answers so far.

The whole state of a guided fix lives in its URL, so it can be bookmarked, shared and resumed after
the phone restarts: the step number in the path and, in the ``r`` query parameter, one letter per
step already answered (``n`` did not fix it, ``s`` skipped, ``c`` couldn't do it, ``y`` fixed it).
``v`` fingerprints the step list the answers refer to, so a link made before an editor changed the
steps is recognised as outdated instead of pinning old answers on different steps. ``s`` is the
anonymous key under which the session's outcomes are recorded (see ``outcomes``); the flow works
the same without it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, TextChoices
from django.http import QueryDict
from django.urls import reverse

from .models import (
    FixStep,
    Result,
    Symptom,
    SymptomStep,
    TriageChoice,
    TriageQuestion,
    live,
)


class Answer(TextChoices):
    FIXED = "y", "Yes, it's fixed"
    NOT_FIXED = "n", "No, still not working"
    SKIPPED = "s", "Skip this step"
    CANT_DO = "c", "Go on without this step"


RESULT_LABELS = dict(Result.choices)
NOT_TRIED = "Not tried"

_OPEN_RESULTS = re.compile(r"[nsc]*")
_RESOLVED_RESULTS = re.compile(r"[nsc]*y")


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


@dataclass(frozen=True)
class Flow:
    """A symptom's guided fix: its published steps in order, and the URLs between its states."""

    symptom: Symptom
    steps: tuple[FixStep, ...]
    session: str = ""
    preview: bool = False

    @classmethod
    def for_symptom(cls, symptom: Symptom, *, preview: bool = False) -> Flow:
        """Load the published steps of a symptom (all its steps in preview), in order."""
        links = (
            SymptomStep.objects.filter(live("step__", preview=preview), symptom=symptom)
            .select_related("step")
            .order_by("position")
        )
        return cls(symptom=symptom, steps=tuple(link.step for link in links), preview=preview)

    def with_session(self, key: str) -> Flow:
        """Return the same flow, with URLs that carry the outcomes session ``key``."""
        return replace(self, session=key)

    def __len__(self) -> int:
        return len(self.steps)

    @cached_property
    def version(self) -> str:
        """Fingerprint the step list, so answers are never applied to a changed list."""
        slugs = "\n".join(step.slug for step in self.steps).encode()
        return hashlib.blake2s(slugs, digest_size=4).hexdigest()

    def results(self, query: QueryDict, *, resolved: bool = False) -> str:
        """Return the validated answers from a flow URL's query; raise InvalidFlowState if bad."""
        raw = query.get("r", "")
        pattern = _RESOLVED_RESULTS if resolved else _OPEN_RESULTS
        if len(raw) > len(self.steps) or not pattern.fullmatch(raw):
            raise InvalidFlowState("malformed answers")
        if raw and query.get("v") != self.version:
            raise InvalidFlowState("the steps have changed since the link was made")
        return raw

    def _url(self, name: str, args: list, results: str, **extra: str) -> str:
        url = reverse(f"troubleshooting:{name}", args=[self.symptom.topic.slug, *args])
        params = {"r": results, "v": self.version, **extra} if results else dict(extra)
        if self.session:
            params["s"] = self.session
        return f"{url}?{urlencode(params)}" if params else url

    def step_url(self, number: int, results: str, **extra: str) -> str:
        """Return the URL of step ``number`` after the given answers."""
        return self._url("flow_step", [self.symptom.slug, number], results, **extra)

    def fixed_url(self, results: str) -> str:
        return self._url("flow_fixed", [self.symptom.slug], results)

    def end_url(self, results: str) -> str:
        return self._url("flow_end", [self.symptom.slug], results)

    def url_after(self, *, results: str, answer: str) -> str:
        """Return where the flow goes once the current step has been answered."""
        answered = results + answer
        if answer == Answer.FIXED:
            return self.fixed_url(answered)
        if len(answered) >= len(self.steps):
            return self.end_url(answered)
        return self.step_url(len(answered) + 1, answered)

    def previous_url(self, *, results: str) -> str:
        """Return the page before the current step: the previous step, or how people got here."""
        if results:
            return self.step_url(len(results), results[:-1])
        return entry_url(self.symptom, preview=self.preview)

    def resume_url(self, *, results: str) -> str | None:
        """Return the step to go back to from the end page: the one the person stopped at."""
        if not self.steps:
            return None
        if len(results) < len(self.steps):
            return self.step_url(len(results) + 1, results)
        return self.step_url(len(results), results[:-1])

    def attempts(self, results: str) -> list[Attempt]:
        """Pair every step with its result ("" where it was not tried), for summaries."""
        return [
            Attempt(number=number, step=step, result=results[number - 1 : number])
            for number, step in enumerate(self.steps, start=1)
        ]


def article_version(symptom: Symptom) -> str:
    """Fingerprint an article as people see it (from ``for_article()``), to tie votes to it."""
    parts = [symptom.title, symptom.summary, symptom.body_html, symptom.next_moves_html]
    for link in symptom.published_causes:
        parts += [link.cause.slug, link.cause.title, link.cause.description_html]
    for link in symptom.published_steps:
        step = link.step
        parts += [step.slug, step.title, step.instructions_html, step.warning_html]
    return hashlib.blake2s("\x1f".join(parts).encode(), digest_size=4).hexdigest()


def _count(n: int, noun: str = "") -> str:
    return f"{n} {noun}{'es' if n != 1 else ''}" if noun else str(n)


def summarize(results: str) -> str:
    """Say what was done with the steps, e.g. "tried 2 fixes, skipped 1 and couldn't do 1"."""
    tried, skipped, cant_do = (results.count(answer) for answer in "nsc")
    parts = []
    if tried:
        parts.append(f"tried {_count(tried, 'fix')}")
    if skipped:
        parts.append(f"skipped {_count(skipped, '' if parts else 'fix')}")
    if cant_do:
        parts.append(f"couldn't do {_count(cant_do, '' if parts else 'fix')}")
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} and {parts[-1]}"
    return "".join(parts)


def end_lede(results: str, step_count: int) -> str:
    """Say, on the end page, what the answers so far mean for what comes next."""
    tried = results.count(Answer.NOT_FIXED)
    summary = summarize(results)
    if not step_count:
        return "Here's who can help."
    if tried == step_count == 1:
        return "You tried the only fix in this guide. Here's who can help next."
    if tried == step_count:
        return (
            f"You tried all {step_count} fixes. That rules a lot out, "
            "and it's useful to tell whoever helps you next."
        )
    if tried:
        return (
            f"You {summary}. Tell whoever helps you next; the list below shows what's left to try."
        )
    if summary:
        return f"You {summary}. Here's who can help; the list below shows what's left to try."
    if step_count == 1:
        return "Here's who can help. If you haven't yet, the fix below is worth a try first."
    return (
        "Here's who can help. If you haven't yet, the fixes listed below are worth a try first: "
        "most take a minute."
    )


def entry_url(symptom: Symptom, *, preview: bool = False) -> str:
    """Return the question that leads to a symptom, or its article if none does."""
    choice = (
        TriageChoice.objects.filter(live("question__", preview=preview), symptom=symptom)
        .select_related("question__topic")
        .order_by("question__is_start", "pk")
        .first()
    )
    return choice.question.get_absolute_url() if choice else symptom.get_absolute_url()


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
    """Return where a triage answer leads: the next question, or the first fix step."""
    if choice.next_question is not None:
        return choice.next_question.get_absolute_url()
    return choice.symptom.get_flow_url()
