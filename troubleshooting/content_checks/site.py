"""All the content, loaded once, as the checks see it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.models import (
    Cause,
    FixStep,
    SlugRedirect,
    Status,
    Symptom,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

# The content models, in the order problems are listed: from the topic down to its parts.
CONTENT_MODELS: tuple[type[models.Model], ...] = (Topic, TriageQuestion, Symptom, FixStep, Cause)


class Site:
    """All the content, loaded once, with the links between objects kept as ids."""

    def __init__(
        self,
        *,
        topics: Iterable[Topic],
        questions: Iterable[TriageQuestion],
        choices: Iterable[TriageChoice],
        symptoms: Iterable[Symptom],
        steps: Iterable[FixStep],
        causes: Iterable[Cause],
        step_links: Iterable[SymptomStep],
        redirects: Iterable[SlugRedirect],
    ):
        self.now = timezone.now()
        self.objects: dict[type[models.Model], dict[int | None, models.Model]] = {
            Topic: {obj.pk: obj for obj in topics},
            TriageQuestion: {obj.pk: obj for obj in questions},
            Symptom: {obj.pk: obj for obj in symptoms},
            FixStep: {obj.pk: obj for obj in steps},
            Cause: {obj.pk: obj for obj in causes},
        }
        self.choices = sorted(choices, key=lambda choice: (choice.question_id, choice.position))
        self.step_links: dict[int, list[SymptomStep]] = defaultdict(list)
        for link in sorted(step_links, key=lambda link: link.position):
            self.step_links[link.symptom_id].append(link)
        # Old slugs by language: English renames, and each translation's own.
        self.redirects = {(r.model, r.language, r.old_slug): r.object_id for r in redirects}
        # The object being edited: its HTML is rendered afresh, as saving it will.
        self.edited: models.Model | None = None
        self._slugs: dict | None = None

    @classmethod
    def load(cls) -> Site:
        """Load every piece of content in eight queries, whatever the amount."""
        return cls(
            topics=Topic.objects.all(),
            questions=TriageQuestion.objects.all(),
            choices=TriageChoice.objects.all(),
            symptoms=Symptom.objects.all(),
            steps=FixStep.objects.all(),
            causes=Cause.objects.all(),
            step_links=SymptomStep.objects.all(),
            redirects=SlugRedirect.objects.all(),
        )

    def put(self, obj: models.Model) -> None:
        """Check ``obj`` as it is in memory instead of as it was saved."""
        self.objects[type(obj)][obj.pk] = obj
        self.edited = obj
        self._slugs = None

    def all(self, model: type[models.Model]) -> list:
        return list(self.objects[model].values())

    def get(self, model: type[models.Model], pk: int | None):
        return self.objects[model].get(pk)

    def is_live(self, obj) -> bool:
        """Whether the public sees it now: published, and its publication time (if any) passed."""
        return obj.is_live_at(self.now)

    def why_hidden(self, obj) -> str:
        """Say why the public can't see ``obj`` (which is not live), e.g. "is a draft"."""
        if obj.status != Status.PUBLISHED:
            # Translators: said of a page after "which" ("…, which is a draft").
            return gettext("is a draft")
        when = formats.date_format(timezone.localtime(obj.publish_at), "j M Y, H:i")
        # Translators: said of a page after "which"; the date and time it appears.
        return gettext("is scheduled to appear only from %(when)s") % {"when": when}

    def live_steps(self, symptom: Symptom) -> list[FixStep]:
        """Return the published steps of a symptom, in the order people try them."""
        steps = (self.get(FixStep, link.step_id) for link in self.step_links.get(symptom.pk, []))
        return [step for step in steps if step is not None and self.is_live(step)]

    def leads_on(self, choice: TriageChoice) -> bool:
        """Whether an answer is shown: mirrors ``triage.visible_choices``, without queries."""
        if choice.next_question_id is not None:
            return self.is_live(self.get(TriageQuestion, choice.next_question_id))
        symptom = self.get(Symptom, choice.symptom_id)
        return self.is_live(symptom) and bool(self.live_steps(symptom))

    def questions_of(self, topic: Topic) -> list[TriageQuestion]:
        return [q for q in self.all(TriageQuestion) if q.topic_id == topic.pk]

    def triage_edges(self) -> dict[int | None, list[TriageChoice]]:
        """Return, per live question, its shown answers that lead to another question."""
        edges: dict[int | None, list[TriageChoice]] = defaultdict(list)
        for choice in self.choices:
            question = self.get(TriageQuestion, choice.question_id)
            if (
                choice.next_question_id is not None
                and question is not None
                and self.is_live(question)
                and self.leads_on(choice)
            ):
                edges[choice.question_id].append(choice)
        return edges

    def find(self, model: type[models.Model], slug: str):
        """Return the object with this slug, and whether the slug is an old, renamed one."""
        if self._slugs is None:
            self._slugs = {
                (type(obj), obj.slug): obj
                for objects in self.objects.values()
                for obj in objects.values()
            }
        obj = self._slugs.get((model, slug))
        if obj is not None:
            return obj, False
        object_id = self.redirects.get((model._meta.model_name, SOURCE_BASE_CODE, slug))
        obj = self.get(model, object_id) if object_id is not None else None
        return obj, obj is not None
