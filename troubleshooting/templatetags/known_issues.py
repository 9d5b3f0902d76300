"""The known-issue banners a page shows, looked up where the banner is placed."""

from django import template

from ..models import KnownIssue

register = template.Library()


@register.simple_tag(takes_context=True)
def known_issues_here(context) -> list[KnownIssue]:
    """Return the active issues affecting the page's symptom, else its topic, else all (home).

    A tag rather than a line in every view: the include placed in a template is all a page
    needs, and it costs one query, run only when the page is rendered (not when cached).
    """
    issues = KnownIssue.objects.banners(preview=bool(context.get("previewing")))
    symptom, topic = context.get("symptom"), context.get("topic")
    if symptom is not None:
        issues = issues.affecting_symptom(symptom)
    elif topic is not None:
        issues = issues.affecting_topic(topic)
    return list(issues)
