"""The known-issue banners a page shows, looked up where the banner is placed."""

import copy
from dataclasses import dataclass

from django import template

from .. import translating
from ..caching import SharedData
from ..language_codes import SOURCE_BASE_CODE
from ..models import KnownIssue, KnownIssueTranslation

register = template.Library()


@dataclass(frozen=True)
class _Active:
    """The issues shown as banners now, newest first, and what each one lists."""

    issues: tuple[KnownIssue, ...]
    topics: dict[int, frozenset[int]]  # issue → the topics it lists
    symptoms: dict[int, frozenset[int]]  # issue → the symptoms it lists
    symptom_topics: dict[int, frozenset[int]]  # issue → the topics of the symptoms it lists
    # (issue, language) → the issue as a banner shows it in that language: every language is
    # read with the rest, so a page in any language costs no query and none sees another's.
    translated: dict[tuple[int, str], KnownIssue]


def _read_active() -> _Active:
    """Read the active issues and what they list, once per content version."""
    issues = tuple(KnownIssue.objects.banners())
    links: dict[str, dict[int, set[int]]] = {
        name: {issue.pk: set() for issue in issues}
        for name in ("topics", "symptoms", "symptom_topics")
    }
    if issues:  # usually none: then the lists cost no query
        ids = [issue.pk for issue in issues]
        through = KnownIssue.topics.through.objects.filter(knownissue__in=ids)
        for issue, topic in through.values_list("knownissue_id", "topic_id"):
            links["topics"][issue].add(topic)
        through = KnownIssue.symptoms.through.objects.filter(knownissue__in=ids)
        listed = through.values_list("knownissue_id", "symptom_id", "symptom__topic_id")
        for issue, symptom, topic in listed:
            links["symptoms"][issue].add(symptom)
            links["symptom_topics"][issue].add(topic)
    frozen = {
        name: {pk: frozenset(values) for pk, values in by_issue.items()}
        for name, by_issue in links.items()
    }
    return _Active(issues, **frozen, translated=_read_translations(issues))


def _read_translations(issues: tuple[KnownIssue, ...]) -> dict[tuple[int, str], KnownIssue]:
    """Return a copy of each issue per language it is visibly translated into (one query)."""
    if not issues:
        return {}
    by_pk = {issue.pk: issue for issue in issues}
    rows = KnownIssueTranslation.objects.visible().filter(source_id__in=by_pk)
    translated = {}
    for row in rows:
        issue = copy.copy(by_pk[row.source_id])
        translating.put_translation(issue, row)
        translated[issue.pk, row.language] = issue
    return translated


def _in_language(active: _Active, issues: list[KnownIssue]) -> list[KnownIssue]:
    """Return the issues as the page's language shows them: translated, or English."""
    language = translating.active_language()
    if language == SOURCE_BASE_CODE:
        return issues
    return [active.translated.get((issue.pk, language), issue) for issue in issues]


# Every page shows the banners: read once per content version (a save, an issue's update or
# its scheduled start or end changes it), not once per page rendered.
_active = SharedData(_read_active)


@register.simple_tag(takes_context=True)
def known_issues_here(context) -> list[KnownIssue]:
    """Return the active issues affecting the page's symptom, else its topic, else all (home).

    A tag rather than a line in every view: the include placed in a template is all a page
    needs. An editor previewing sees drafts too, read afresh (one query).
    """
    symptom, topic = context.get("symptom"), context.get("topic")
    if context.get("previewing"):
        issues = KnownIssue.objects.banners(preview=True)
        if symptom is not None:
            issues = issues.affecting_symptom(symptom)
        elif topic is not None:
            issues = issues.affecting_topic(topic)
        issues = list(issues)
        translating.overlay(issues, preview=True)
        return issues
    active = _active.get()
    return _in_language(active, _affecting(active, symptom, topic))


def _affecting(active: _Active, symptom, topic) -> list[KnownIssue]:
    """Return the active issues affecting the symptom, else the topic, else all of them.

    A symptom's pages are cached under its own token, which an issue's save changes for the
    symptoms it shows on here (``caching._showing``): the two must pick the same symptoms.
    """
    if symptom is not None:
        return [
            issue
            for issue in active.issues
            if symptom.pk in active.symptoms[issue.pk]
            or symptom.topic_id in active.topics[issue.pk]
        ]
    if topic is not None:
        return [
            issue
            for issue in active.issues
            if topic.pk in active.topics[issue.pk] or topic.pk in active.symptom_topics[issue.pk]
        ]
    return list(active.issues)
