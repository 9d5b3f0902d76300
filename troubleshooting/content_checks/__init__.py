"""Content checks: the mistakes editors can make that people would run into.

Forms and database constraints refuse many bad states one object at a time. These checks look at
the content as a whole, as the public sees it now (published, and past its publication time), and
also catch what got past the forms: fixtures, bulk actions, publishing one piece while what it
relies on stays a draft. Everything is loaded in a fixed number of queries and checked in memory,
so the whole site can be checked after every save and in CI.

``check_content()`` checks everything, ``check_object(obj)`` an object as it stands (even unsaved,
before its form is saved); both return ``Problem``s written for editors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from .counts import check_topic_counts
from .fit import check_steps_fit_answers
from .links import check_links, links_in
from .problems import Level, Problem, ProblemKind, Ref, count, group_by_object
from .site import CONTENT_MODELS, Site
from .steps import check_destructive_warnings, check_step_order, check_symptom_steps
from .translations import check_translations
from .triage import (
    check_dead_ends,
    check_hidden_answers,
    check_loops,
    check_topic_start,
    check_unreachable_questions,
)

__all__ = [
    "CHECKS",
    "CONTENT_MODELS",
    "Level",
    "Problem",
    "ProblemKind",
    "Ref",
    "Site",
    "check_content",
    "check_object",
    "count",
    "group_by_object",
    "links_in",
]

CHECKS: tuple[Callable[[Site], Iterable[Problem]], ...] = (
    check_hidden_answers,
    check_dead_ends,
    check_loops,
    check_unreachable_questions,
    check_topic_start,
    check_topic_counts,
    check_steps_fit_answers,
    check_symptom_steps,
    check_destructive_warnings,
    check_step_order,
    check_links,
    check_translations,
)


def check_content() -> list[Problem]:
    """Check all content and return its problems, in a fixed number of queries."""
    return _run(Site.load())


def check_object(obj: models.Model) -> list[Problem]:
    """Return the problems of one object, or involving it, as it stands in memory.

    The object replaces its saved version (an unsaved one joins the content), so a form's
    instance can be checked before it is saved: the rest of the content comes from the database.
    """
    if type(obj) not in CONTENT_MODELS:
        raise TypeError(f"Only content can be checked, not {type(obj).__name__}.")
    site = Site.load()
    site.put(obj)
    return [problem for problem in _run(site) if problem.concerns(obj)]


def _run(site: Site) -> list[Problem]:
    problems = {problem for check in CHECKS for problem in check(site)}
    order = {model: index for index, model in enumerate(CONTENT_MODELS)}
    return sorted(
        problems,
        key=lambda p: (
            order.get(p.obj.model, len(order)),  # translations after the English
            p.obj.text.casefold(),
            p.obj.pk or 0,
            not p.is_error,
            p.kind,
            p.message,
        ),
    )
