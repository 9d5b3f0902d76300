"""The guides' domain rules, each judged by one function.

The models' ``clean()``, the admin's formsets, the guide importer, the content checks, the
step-order writes and the outcome reports all call these, so a rule reads the same everywhere
and changes in one place. The database states the simplest ones again as constraints.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

Item = TypeVar("Item")
Node = TypeVar("Node", bound=Hashable)


class Severity(models.IntegerChoices):
    """How much a fix step disturbs the person; the flow tries gentler steps first."""

    QUICK = 1, _("Quick and safe")
    MODERATE = 2, _("Moderate")
    DISRUPTIVE = 3, _("Disruptive")
    DESTRUCTIVE = 4, _("Destructive (can lose data)")


_severity_of = attrgetter("severity")


class Reach(models.TextChoices):
    """Whom messages fail to reach: said by a triage answer, and by a step that only fits one."""

    ANYONE = "", _("Doesn't say")
    EVERYONE = "everyone", _("Everyone")
    FEW = "few", _("One or two people")


# A triage answer leads only to steps that fit it ----------------------------------------------


def fits(step_reach: str, answer_reach: str) -> bool:
    """Return whether a step made for ``step_reach`` fits an answer saying ``answer_reach``."""
    return not step_reach or not answer_reach or step_reach == answer_reach


# A destructive step never comes before a safer one -------------------------------------------


def is_destructive(severity: int) -> bool:
    """Return whether a step of this severity can lose people's data."""
    return severity == Severity.DESTRUCTIVE


def destructive_before_safer(
    steps: Iterable[Item], *, severity: Callable[[Item], int] = _severity_of
) -> Iterator[tuple[Item, Item]]:
    """Yield each destructive step that comes before a safer one, with the first safer one after it.

    ``steps`` are in the order people try them; ``severity`` reads an item's severity (steps by
    default, or links to them, or plain numbers).
    """
    waiting: list[Item] = []  # destructive steps not yet followed by a safer one
    for step in steps:
        if is_destructive(severity(step)):
            waiting.append(step)
            continue
        for destructive in waiting:
            yield destructive, step
        waiting.clear()


def first_destructive_before_safer(
    steps: Iterable[Item], *, severity: Callable[[Item], int] = _severity_of
) -> tuple[Item, Item] | None:
    """Return the first destructive step ahead of a safer one, with that safer one, or None."""
    return next(destructive_before_safer(steps, severity=severity), None)


def breaks_step_order_at(
    steps: Sequence[Item], index: int, *, severity: Callable[[Item], int] = _severity_of
) -> bool:
    """Return whether the step at ``index`` is a destructive one before a safer one, or after."""
    around = steps[index:] if is_destructive(severity(steps[index])) else steps[: index + 1]
    return first_destructive_before_safer(around, severity=severity) is not None


def destructive_last(
    steps: Iterable[Item], *, severity: Callable[[Item], int] = _severity_of
) -> list[Item]:
    """Return the steps with the destructive ones moved after the safer ones, else as they were."""
    return sorted(steps, key=lambda step: is_destructive(severity(step)))  # stable


def keeps_severity_in_place(
    current: Sequence[Item],
    proposed: Sequence[Item],
    *,
    severity: Callable[[Item], int] = _severity_of,
) -> bool:
    """Return whether a new order keeps the same severity at every place, so it stays as safe."""
    return [severity(step) for step in current] == [severity(step) for step in proposed]


def reorder_within_severity(
    steps: Sequence[Item],
    *,
    rank: Callable[[Item], object],
    movable: Callable[[Item], bool],
    severity: Callable[[Item], int] = _severity_of,
) -> list[Item]:
    """Sort the movable steps by ``rank``, each only trading places with steps of its severity.

    Quick steps so stay first and a destructive step never moves ahead of a safer one; steps that
    are not movable keep their place.
    """
    order = list(steps)
    slots_by_severity: dict[int, list[int]] = {}
    for index, step in enumerate(steps):
        if movable(step):
            slots_by_severity.setdefault(severity(step), []).append(index)
    for slots in slots_by_severity.values():
        ranked = sorted(slots, key=lambda index: (rank(steps[index]), index))
        for slot, source in zip(slots, ranked, strict=True):
            order[slot] = steps[source]
    return order


# A destructive step needs a warning ------------------------------------------------------------


def lacks_warning(severity: int, warning: str) -> bool:
    """Return whether a step can lose data without saying so (the database refuses only "")."""
    return is_destructive(severity) and not warning.strip()


# A row of an ordered list moves only when what it is unique by changes -------------------------


def unique_fields(model: type[models.Model]) -> frozenset[str]:
    """Return the names of the fields a row of ``model`` is unique by, its key aside.

    An ordered list's rows are unique within their owner by what they point at or where they
    stand: a symptom's steps by step and by place, its causes by cause, a question's answers by
    place. A change to one of these is written by
    taking the row out first, so that two rows trading places never clash half-way; any other
    change (an answer's label) is saved in place, and retires only the pages that show it.
    """
    meta = model._meta
    names = {field.name for field in meta.concrete_fields if field.unique and not field.primary_key}
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.expressions:  # unique by what it computes: by any of its fields
                return frozenset(
                    field.name for field in meta.concrete_fields if not field.primary_key
                )
            names.update(constraint.fields)
    for together in meta.unique_together:
        names.update(together)
    return frozenset(names)


# An answer leads to exactly one place ----------------------------------------------------------


def leads_to_one_place(next_question: object, symptom: object) -> bool:
    """Return whether an answer names exactly one of a next question and a symptom."""
    return bool(next_question) != bool(symptom)


# Triage answers never lead round in a circle ---------------------------------------------------


def reachable(start: Node, successors: Callable[[Node], Iterable[Node]]) -> set[Node]:
    """Return every node reachable from ``start`` through ``successors`` (itself only on a loop)."""
    seen: set[Node] = set()
    pending = [start]
    while pending:
        for target in successors(pending.pop()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


# Slugs the site's own addresses use ------------------------------------------------------------

# Content under these slugs could never be reached: the site itself answers there.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "fix", "health", "known-issues", "media", "preview", "search", "static"}
)


# Addresses under /known-issues/ that are not issues.
RESERVED_ISSUE_SLUGS = frozenset({"feed"})


def validate_issue_slug(value: str) -> None:
    """Refuse a known issue's slug the known issues' own addresses use."""
    if value.lower() in RESERVED_ISSUE_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by the site itself. Please choose another address.",
            code="reserved",
            params={"value": value},
        )


def reads_as_language(value: str) -> bool:
    """Say whether an address starting with this slug would be read as a language's (``/es/``).

    Spanish and French pages live under their language's code, so a topic at ``/es/`` (or
    ``/fr-ca/``, which is read as French) could never be reached.
    """
    return translation.get_language_from_path(f"/{value.lower()}/") is not None


def validate_slug_not_reserved(value: str) -> None:
    """Refuse a slug the site's own addresses use, language prefixes included."""
    if reads_as_language(value):
        raise ValidationError(
            _(
                "“%(value)s” is the start of the address of a language’s pages (/es/, /fr/). "
                "Please choose another address."
            ),
            code="reserved",
            params={"value": value},
        )
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by the site itself. Please choose another address.",
            code="reserved",
            params={"value": value},
        )
