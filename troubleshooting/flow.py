"""The guided fix flow: what to show next given the answers so far.

The whole state of a guided fix lives in its URL, so it can be bookmarked, shared and resumed after
the phone restarts: the step number in the path and, in the ``r`` query parameter, one letter per
step of a list (``n`` did not fix it, ``s`` skipped, ``c`` couldn't do it, ``y`` fixed it, ``-``
not answered yet). ``v`` fingerprints that list. It is the symptom's current list, or one kept
in ``PastStepList`` when the address was made: so a link made before an editor reordered, added,
removed or unpublished steps still says which step each answer was given to, and carries on at
the first step of the current list not answered yet. ``via`` names the triage question the
person answered last, for "Change my answer". ``s`` is the anonymous key under which the
session's outcomes are recorded (see ``outcomes``); the flow works the same without it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db.models import TextChoices
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from .addresses import Addresses, query_string, slug_url
from .bounded import RecentlyUsed
from .caching import SharedData
from .models import (
    FixStep,
    PastStepList,
    Result,
    Symptom,
    SymptomStep,
    built_once,
    live,
)
from .outcomes.recording import record_safely
from .translating import overlay
from .triage import entry_url


class Answer(TextChoices):
    FIXED = "y", gettext_lazy("Yes, it's fixed")
    NOT_FIXED = "n", gettext_lazy("No, still not working")
    SKIPPED = "s", gettext_lazy("Skip this step")
    CANT_DO = "c", gettext_lazy("Go on without this step")


RESULT_LABELS = dict(Result.choices)
NOT_TRIED = gettext_lazy("Not tried")

UNANSWERED = "-"
_OPEN_RESULTS = re.compile(r"[nsc-]*")
# Exactly one step fixed it, wherever it is in the list.
_RESOLVED_RESULTS = re.compile(r"[nsc-]*y[nsc-]*")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


class InvalidFlowState(ValueError):
    """The flow URL does not describe a state this guide can be in (tampered, or never made)."""


@dataclass(frozen=True)
class Attempt:
    """One step of a guided fix and what happened when the person tried it.

    ``number`` is the step's place in the current list; ``None`` for a step since removed.
    """

    number: int | None
    step: FixStep
    result: str

    @property
    def label(self) -> str:
        return RESULT_LABELS.get(self.result, NOT_TRIED)


def fingerprint(steps: Sequence[FixStep]) -> str:
    """Fingerprint a list of steps by identity, as the ``v`` of the addresses that refer to it."""
    ids = "\n".join(str(step.pk) for step in steps).encode()
    return hashlib.blake2s(ids, digest_size=6).hexdigest()


@dataclass(frozen=True)
class Progress:
    """The answers an address gives: one letter per step of ``steps`` ("-" where unanswered)."""

    steps: tuple[FixStep, ...]
    results: str
    version: str

    @cached_property
    def answers(self) -> dict[int, str]:
        """Return each answered step's letter, by the step's id."""
        return {
            step.pk: letter
            for step, letter in zip(self.steps, self.results, strict=False)
            if letter != UNANSWERED
        }


# What only a page shows of a step: its instructions, warning and pre-rendered pieces.
SHOWN_ONLY = ("instructions", "instructions_html", "warning", "warning_html", "pieces")


@built_once
def public_step_links(*, preview: bool):
    """Return a symptom's steps as the public sees them (or all, in preview), in order."""
    # The step pages' prepared read (``flow_reads``) is built from it too: one definition.
    return (
        SymptomStep.objects.filter(live("step__", preview=preview))
        .select_related("step")
        .order_by("position")
    )


@dataclass(frozen=True)
class Flow:
    """A symptom's guided fix: its published steps in order, and the URLs between its states."""

    symptom: Symptom
    steps: tuple[FixStep, ...]
    session: str = ""
    preview: bool = False
    via: str = ""
    # (symptom id, ``v``) of the step lists known to be kept, shared by the flows kept under
    # one content version (``kept_flow``); None for a flow loaded for one request.
    kept_lists: set | None = field(default=None, compare=False, repr=False)

    @classmethod
    def for_symptom(cls, symptom: Symptom, *, preview: bool = False, lean: bool = False) -> Flow:
        """Load the published steps of a symptom (all its steps in preview), in order."""
        links = public_step_links(preview=preview).filter(symptom=symptom)
        if lean:
            # For answering, which reads a step's id, slug and severity, never what a page
            # shows of it: kept flows then hold no step's instructions or pre-rendered pieces.
            links = links.defer(*(f"step__{name}" for name in SHOWN_ONLY))
        return cls(symptom=symptom, steps=tuple(link.step for link in links), preview=preview)

    def with_session(self, key: str) -> Flow:
        """Return the same flow, with URLs that carry the outcomes session ``key``."""
        # The flow itself when nothing changes: a copy would work out its ``version`` again.
        return self if key == self.session else replace(self, session=key)

    def with_via(self, question_slug: str | None) -> Flow:
        """Return the same flow, with URLs that carry the triage question people came from."""
        slug = question_slug or ""
        via = slug if _SLUG.fullmatch(slug) else ""
        return self if via == self.via else replace(self, via=via)

    def __len__(self) -> int:
        return len(self.steps)

    @cached_property
    def version(self) -> str:
        """Fingerprint the current step list, the one new answers refer to."""
        return fingerprint(self.steps)

    # Reading an address --------------------------------------------------------------------

    def progress(self, query: QueryDict, *, resolved: bool = False) -> Progress:
        """Return the answers a flow URL's query gives; raise InvalidFlowState if it is bad."""
        raw = query.get("r", "")
        pattern = _RESOLVED_RESULTS if resolved else _OPEN_RESULTS
        if not pattern.fullmatch(raw):
            raise InvalidFlowState("malformed answers")
        version = query.get("v", "")
        if not raw or version == self.version:
            if len(raw) > len(self.steps):
                raise InvalidFlowState("more answers than steps")
            return Progress(self.steps, raw, self.version)
        return self._past_progress(raw, version)

    def _past_progress(self, raw: str, version: str) -> Progress:
        """Return the answers of an address made for an earlier list of this symptom's steps."""
        past = PastStepList.objects.filter(symptom=self.symptom, version=version[:16]).first()
        if past is None or len(raw) > len(past.steps):
            raise InvalidFlowState("the address refers to a list of steps never shown")
        current = {step.pk: step for step in self.steps}
        gone_ids = [pk for pk in past.steps if pk not in current]
        # Steps since removed still count for what was tried; unpublished or deleted ones don't.
        gone = {
            step.pk: step
            for step in FixStep.objects.filter(live(preview=self.preview), pk__in=gone_ids)
        }
        # In the page's language, as the current steps are (``views.flow``).
        overlay(list(gone.values()), preview=self.preview)
        found = {**gone, **current}
        pairs = [
            (found[pk], letter)
            for pk, letter in zip(past.steps, raw, strict=False)
            if pk in found and letter != UNANSWERED
        ]
        steps = tuple(step for step, _ in pairs)
        return Progress(steps, "".join(letter for _, letter in pairs), version)

    # Where the answers lead ----------------------------------------------------------------

    def canonical(self, progress: Progress, **more: str) -> Progress:
        """Return the answers (plus ``more``, by step id) over the current list.

        Answered steps no longer in the list come first, so the summary still shows them.
        """
        answers = {**progress.answers, **{int(pk): letter for pk, letter in more.items()}}
        current = {step.pk for step in self.steps}
        gone = tuple(
            step for step in progress.steps if step.pk in answers and step.pk not in current
        )
        steps = gone + self.steps
        results = "".join(answers.get(step.pk, UNANSWERED) for step in steps).rstrip(UNANSWERED)
        return Progress(steps, results, fingerprint(steps) if gone else self.version)

    def next_number(self, progress: Progress) -> int | None:
        """Return the number of the first current step not answered yet, if there is one."""
        answers = progress.answers
        return next(
            (n for n, step in enumerate(self.steps, start=1) if step.pk not in answers), None
        )

    def is_canonical(self, progress: Progress, query: QueryDict, number: int | None) -> bool:
        """Return whether an address is the one way this flow writes its state."""
        canonical = self.canonical(progress)
        expected = self.next_number(canonical)
        return (
            number == expected
            and query.get("r", "") == canonical.results
            and (not canonical.results or query.get("v") == canonical.version)
        )

    def remember(self, progress: Progress) -> None:
        """Keep the list an address's answers refer to, so the address outlives edits.

        Like outcomes, never in the way: if it cannot be written, the address works until the
        steps change.
        """
        if not progress.results:
            return
        mark = (self.symptom.pk, progress.version)
        if self.kept_lists is not None and mark in self.kept_lists:
            return  # a kept list is never changed or removed while its symptom's flow lives
        # Written once per list: every later answer only reads it, outside any write lock.
        known = PastStepList.objects.filter(symptom=self.symptom, version=progress.version)
        if not known.exists():
            written = record_safely(
                "the steps a guided-fix address refers to",
                lambda: PastStepList.objects.get_or_create(
                    symptom=self.symptom,
                    version=progress.version,
                    defaults={"steps": [step.pk for step in progress.steps]},
                ),
                otherwise=None,
            )
            if written is None:
                return
        if self.kept_lists is not None:
            self.kept_lists.add(mark)

    # Addresses ----------------------------------------------------------------------------

    def _url(
        self,
        name: str,
        args: list,
        results: str | Progress,
        extra: dict[str, str],
        at: Addresses | None = None,
    ) -> str:
        progress = self._as_progress(results)
        slugs = (self.symptom.topic.slug, *map(str, args))
        name = f"troubleshooting:{name}"
        url = at.slug_url(name, *slugs) if at is not None else slug_url(name, *slugs)
        params = {"r": progress.results, "v": progress.version} if progress.results else {}
        params.update(extra)
        if self.via:
            params["via"] = self.via
        if self.session:
            params["s"] = self.session
        return f"{url}?{query_string(params.items())}" if params else url

    def _as_progress(self, results: str | Progress) -> Progress:
        if isinstance(results, Progress):
            return results
        return Progress(self.steps, results, self.version)

    def step_url(
        self, number: int, results: str | Progress, *, at: Addresses | None = None, **extra: str
    ) -> str:
        """Return the URL of step ``number`` after the given answers.

        ``at``: the response's ``Addresses``, when a page makes several (one look-up of where
        addresses begin, not one per address).
        """
        return self._url("flow_step", [self.symptom.slug, number], results, extra, at)

    def fixed_url(self, results: str | Progress) -> str:
        return self._url("flow_fixed", [self.symptom.slug], results, {})

    def end_url(self, results: str | Progress, *, at: Addresses | None = None) -> str:
        return self._url("flow_end", [self.symptom.slug], results, {}, at)

    def url_for(self, progress: Progress) -> str:
        """Return the page of a state: the first step not answered, or the end page."""
        number = self.next_number(progress)
        if number is None:
            return self.end_url(progress)
        return self.step_url(number, progress)

    def after(self, progress: Progress, *, step: FixStep, answer: str) -> Progress:
        """Return the answers once ``step`` has been answered."""
        return self.canonical(progress, **{str(step.pk): answer})

    def previous_url(
        self, *, results: str | Progress, number: int = 0, at: Addresses | None = None
    ) -> str:
        """Return the page before step ``number``: the step before it, or how people got here."""
        progress = self.canonical(self._as_progress(results))
        number = number or self.next_number(progress) or len(self.steps) + 1
        if number <= 1:
            return entry_url(self.symptom, preview=self.preview, via=self.via)
        previous = self.steps[number - 2]
        answers = {**progress.answers}
        answers.pop(previous.pk, None)
        return self.step_url(number - 1, self._with_answers(progress, answers), at=at)

    def _with_answers(self, progress: Progress, answers: dict[int, str]) -> Progress:
        steps = progress.steps
        results = "".join(answers.get(step.pk, UNANSWERED) for step in steps).rstrip(UNANSWERED)
        return Progress(steps, results, progress.version)

    def resume_url(self, *, results: str | Progress) -> str | None:
        """Return the step to go back to from the end page: the one the person stopped at."""
        if not self.steps:
            return None
        progress = self.canonical(self._as_progress(results))
        number = self.next_number(progress)
        if number is not None:
            return self.step_url(number, progress)
        return self.previous_url(results=progress, number=len(self.steps) + 1)

    def attempts(self, results: str | Progress) -> list[Attempt]:
        """Pair every step with its result ("" where it was not tried), for summaries."""
        progress = self.canonical(self._as_progress(results))
        answers = progress.answers
        numbers = {step.pk: number for number, step in enumerate(self.steps, start=1)}
        return [
            Attempt(number=numbers.get(step.pk), step=step, result=answers.get(step.pk, ""))
            for step in progress.steps
        ]

    def current_results(self, progress: Progress) -> str:
        """Return one letter per current step ("-" where unanswered), for the end page's words."""
        answers = progress.answers
        return "".join(answers.get(step.pk, UNANSWERED) for step in self.steps)


# Flows kept per content version: enough for the symptoms people are answering during a surge,
# without holding every symptom's steps in every language.
KEPT_FLOWS = 256


class KeptFlows:
    """The public flows answers were posted to lately, for one content version.

    By (language, topic slug, symptom slug), least recently used dropped first, with the step
    lists known to be kept. Readers only read a kept flow (it is frozen, its items shared).
    """

    def __init__(self, size: int = KEPT_FLOWS):
        self.lists: set[tuple[int, str]] = set()
        self._flows: RecentlyUsed[Flow] = RecentlyUsed(size)

    def get(self, key: tuple, load: Callable[[], Flow]) -> Flow:
        """Return the flow at ``key``, loading it (outside the lock) the first time."""
        flow = self._flows.get(key)
        if flow is None:
            flow = replace(load(), kept_lists=self.lists)
            self._flows.put(key, flow)
        return flow


# Every write to what a flow shows changes the content version, and so does a step going
# live: a flow kept under the version is the one ``Flow.for_symptom`` would load now.
_kept_flows = SharedData(KeptFlows)


def kept_flow(key: tuple, load: Callable[[], Flow]) -> Flow:
    """Return the public flow at ``key`` under the current content version, loaded once."""
    return _kept_flows.get().get(key, load)


def article_version(symptom: Symptom) -> str:
    """Fingerprint an article as people see it (from ``for_article()``), to tie votes to it."""
    parts = [symptom.title, symptom.summary, symptom.body_html, symptom.next_moves_html]
    for link in symptom.published_causes:
        parts += [link.cause.slug, link.cause.title, link.cause.description_html]
    for link in symptom.published_steps:
        step = link.step
        parts += [step.slug, step.title, step.instructions_html, step.warning_html]
    return hashlib.blake2s("\x1f".join(parts).encode(), digest_size=4).hexdigest()


def summarize(results: str) -> str:
    """Say what was done with the steps, e.g. "tried 2 fixes, skipped 1 and couldn't do 1"."""
    tried, skipped, cant_do = (results.count(answer) for answer in "nsc")
    # Whole phrases, not a verb and a noun glued together, so each language can word them; the
    # noun is said once, by the first phrase ("skipped 2 fixes and couldn't do 1").
    parts = []
    if tried:
        parts.append(ngettext("tried %(n)d fix", "tried %(n)d fixes", tried) % {"n": tried})
    if skipped:
        parts.append(
            ngettext("skipped %(n)d", "skipped %(n)d", skipped) % {"n": skipped}
            if parts
            else ngettext("skipped %(n)d fix", "skipped %(n)d fixes", skipped) % {"n": skipped}
        )
    if cant_do:
        parts.append(
            ngettext("couldn't do %(n)d", "couldn't do %(n)d", cant_do) % {"n": cant_do}
            if parts
            else ngettext("couldn't do %(n)d fix", "couldn't do %(n)d fixes", cant_do)
            % {"n": cant_do}
        )
    if len(parts) > 1:
        return _("%(items)s and %(last)s") % {
            "items": pgettext("list separator", ", ").join(parts[:-1]),
            "last": parts[-1],
        }
    return "".join(parts)


def end_lede(results: str, step_count: int) -> str:
    """Say, on the end page, what the answers so far mean for what comes next."""
    tried = results.count(Answer.NOT_FIXED)
    summary = summarize(results)
    if not step_count:
        return _("Here's who can help.")
    if tried == step_count == 1:
        return _("You tried the only fix in this guide. Here's who can help next.")
    if tried == step_count:
        return _(
            "You tried all %(count)d fixes. That rules a lot out, "
            "and it's useful to tell whoever helps you next."
        ) % {"count": step_count}
    if tried:
        return _(
            "You %(summary)s. Tell whoever helps you next; the list below shows what's left to try."
        ) % {"summary": summary}
    if summary:
        return _(
            "You %(summary)s. Here's who can help; the list below shows what's left to try."
        ) % {"summary": summary}
    if step_count == 1:
        return _("Here's who can help. If you haven't yet, the fix below is worth a try first.")
    return _(
        "Here's who can help. If you haven't yet, the fixes listed below are worth a try first: "
        "most take a minute."
    )
