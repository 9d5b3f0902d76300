"""What a content check reports: a problem, its kind and level, and the object it is about."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ProblemKind(enum.StrEnum):
    """What kind of mistake a problem is: stable names for tests, filters and logs."""

    TRIAGE_LOOP = "triage-loop"
    TRIAGE_DEAD_END = "triage-dead-end"
    TRIAGE_UNREACHABLE = "triage-unreachable"
    TOPIC_WITHOUT_START = "topic-without-start"
    TOPIC_COUNT_WRONG = "topic-count-wrong"
    HIDDEN_ANSWER = "hidden-answer"
    STEP_DOES_NOT_FIT = "step-does-not-fit"
    SYMPTOM_WITHOUT_STEPS = "symptom-without-steps"
    DESTRUCTIVE_WITHOUT_WARNING = "destructive-without-warning"
    DESTRUCTIVE_BEFORE_SAFER = "destructive-before-safer"
    BROKEN_LINK = "broken-link"
    RENAMED_LINK = "renamed-link"
    TRANSLATION_MISSING_TEXT = "translation-missing-text"
    TRANSLATION_OUTDATED = "translation-outdated"
    TRANSLATION_SETTINGS_PATH = "translation-settings-path"
    TRANSLATION_LINK = "translation-link"


@dataclass(frozen=True)
class Ref:
    """The object a problem is about: enough to name it and link to it without a query."""

    model: type[models.Model]
    pk: int | None
    text: str

    @classmethod
    def to(cls, obj: models.Model) -> Ref:
        return cls(type(obj), obj.pk, str(obj))

    @property
    def kind(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    def is_for(self, obj: models.Model) -> bool:
        return self.model is type(obj) and self.pk == obj.pk

    def __str__(self) -> str:
        return f"{self.kind} {quote(self.text)}"


@dataclass(frozen=True)
class Problem:
    """One mistake: where to fix it (``obj``), what else it involves, and what to do about it."""

    severity: Level
    kind: ProblemKind
    obj: Ref
    message: str
    related: tuple[Ref, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Level.ERROR

    def concerns(self, obj: models.Model) -> bool:
        """Whether the problem is in ``obj`` or involves it (e.g. an answer leading to it)."""
        return self.obj.is_for(obj) or any(ref.is_for(obj) for ref in self.related)


def group_by_object(problems: Iterable[Problem]) -> list[tuple[Ref, list[Problem]]]:
    """Group sorted problems by the object to fix, keeping their order."""
    groups: dict[Ref, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.obj, []).append(problem)
    return list(groups.items())


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return the number of errors and of warnings."""
    problems = list(problems)
    errors = sum(problem.is_error for problem in problems)
    return errors, len(problems) - errors


def field_name(model: type[models.Model], name: str) -> str:
    """Return a field's name as the editors' form labels it, quoted, in the editors' language."""
    return quote(capfirst(model._meta.get_field(name).verbose_name))


def quote(obj) -> str:
    """Return an object's name in quotes, as problems name it, in the reader's language's quotes."""
    # Translators: how a problem quotes a name: curly quotes in English, « » in French.
    return gettext("“%(name)s”") % {"name": obj}
