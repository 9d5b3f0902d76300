"""Numbers the site stores for its pages, checked against the rows they count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.utils.translation import gettext

from troubleshooting.models import Status, Symptom, Topic

from .problems import Level, Problem, ProblemKind, Ref
from .site import Site


def check_topic_counts(site: Site) -> Iterator[Problem]:
    """A topic's stored number of published symptoms should be the number of its rows."""
    if site.edited is not None:
        # An edit in memory is not written yet: the number follows the rows once it is saved.
        return
    published = Counter(
        symptom.topic_id for symptom in site.all(Symptom) if symptom.status == Status.PUBLISHED
    )
    for topic in site.all(Topic):
        counted = published[topic.pk]
        if topic.published_symptoms != counted:
            message = gettext(
                "The number of published symptoms the home page shows for this topic "
                "(%(stored)d) is not the number it has (%(counted)d). Save the topic to count "
                "them again."
            ) % {"stored": topic.published_symptoms, "counted": counted}
            yield Problem(Level.WARNING, ProblemKind.TOPIC_COUNT_WRONG, Ref.to(topic), message)
