"""sitemap.xml: the published pages search engines should know about, in their languages.

A page is listed in English, and under /es/ or /fr/ only when it really is in that language:
pages of the interface alone (home, Known issues) in every language, a content item's page where
it has a live translation (an untranslated one there is the English page with a notice, which
search engines should not index as Spanish). Its alternates (``hreflang``, ``x-default`` the
English page) name those same languages, with ``languages.address_in``'s addresses: the ones the
pages' own links give. Which items are translated comes from the slug book the addresses already
read once per content version, so the sitemap's queries stay constant.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation

from . import languages, translating
from .language_codes import SOURCE_ADDRESS_CODE, base_code
from .models import KnownIssue, Symptom, Topic, TriageQuestion


class LanguagesSitemap(Sitemap):
    """A sitemap of pages in English and in the languages each page is translated into."""

    i18n = True
    alternates = True
    x_default = True

    def location(self, item):
        """Return the item's page in the language being listed (Django's sitemap sets it)."""
        with translation.override(SOURCE_ADDRESS_CODE):
            source = self.source_location(item)
        return languages.address_in(source, translation.get_language())

    def source_location(self, item) -> str:
        """Return the item's English address."""
        return item.get_absolute_url()

    def get_languages_for_item(self, item):
        """Return the languages the item's page is written in: English, and its translations'.

        A page named by its URL (a string) is interface text only, translated everywhere.
        """
        codes = self.languages or [code for code, _name in settings.LANGUAGES]
        if isinstance(item, str):
            return codes
        translated = translating.translated_into(item)
        return [
            code for code in codes if code == SOURCE_ADDRESS_CODE or base_code(code) in translated
        ]


class HomeSitemap(LanguagesSitemap):
    priority = 1.0

    def items(self):
        return ["troubleshooting:home"]

    def source_location(self, item):
        return reverse(item)


class TopicSitemap(LanguagesSitemap):
    priority = 0.6

    def items(self):
        return Topic.objects.visible().order_by("position", "pk")

    def lastmod(self, topic):
        return topic.updated


class SymptomSitemap(LanguagesSitemap):
    priority = 0.8

    def items(self):
        return (
            Symptom.objects.in_visible_topic()
            .select_related("topic")
            .order_by("topic__position", "position", "pk")
        )

    def lastmod(self, symptom):
        return symptom.updated


class GuidedFixSitemap(LanguagesSitemap):
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


class KnownIssueSitemap(LanguagesSitemap):
    """The Known issues page and every published issue's page (resolved ones stay)."""

    priority = 0.4

    def items(self):
        return ["troubleshooting:known_issues", *KnownIssue.objects.visible().order_by("pk")]

    def source_location(self, item):
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
