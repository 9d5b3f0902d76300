"""sitemap.xml: the published pages search engines should know about."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import KnownIssue, Symptom, Topic, TriageQuestion


class HomeSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return ["troubleshooting:home"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return Topic.objects.visible().order_by("position", "pk")

    def lastmod(self, topic):
        return topic.updated


class SymptomSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return (
            Symptom.objects.in_visible_topic()
            .select_related("topic")
            .order_by("topic__position", "position", "pk")
        )

    def lastmod(self, symptom):
        return symptom.updated


class GuidedFixSitemap(Sitemap):
    """The first question of each topic's guided fix."""

    priority = 0.5

    def items(self):
        return (
            TriageQuestion.objects.in_visible_topic()
            .filter(is_start=True)
            .select_related("topic")
            .order_by("topic__position", "pk")
        )

    def lastmod(self, question):
        return question.updated


class KnownIssueSitemap(Sitemap):
    """The Known issues page and every published issue's page (resolved ones stay)."""

    priority = 0.4

    def items(self):
        return ["troubleshooting:known_issues", *KnownIssue.objects.visible().order_by("pk")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated


SITEMAPS = {
    "home": HomeSitemap,
    "topics": TopicSitemap,
    "symptoms": SymptomSitemap,
    "guided-fixes": GuidedFixSitemap,
    "known-issues": KnownIssueSitemap,
}
