"""Helpers for tests of the content checks: pick out the problems of one kind."""

from datetime import timedelta

from django.utils import timezone

from troubleshooting.content_checks import ProblemKind, check_content


def found(kind: ProblemKind, obj=None, problems=None):
    """Return the problems of one kind, about ``obj`` if given."""
    problems = check_content() if problems is None else problems
    return [p for p in problems if p.kind == kind and (obj is None or p.obj.is_for(obj))]


def the(kind: ProblemKind, obj, problems=None):
    """Return the only problem of one kind about ``obj``."""
    matches = found(kind, obj, problems)
    assert len(matches) == 1, matches
    return matches[0]


def later(**delta):
    """Return a time that far from now."""
    return timezone.now() + timedelta(**delta)
