"""The sitemap lists a page in a language only where it is written in that language."""

import re

import pytest
from django.utils import translation

from tests.factories import make_guide
from tests.troubleshooting.translation_factories import translate
from troubleshooting.caching import page_cache
from troubleshooting.models import Status

pytestmark = pytest.mark.django_db


def entries(xml: str) -> dict[str, dict[str, str]]:
    """Return each ``<url>``'s alternates by hreflang, keyed by its ``<loc>``."""
    found = {}
    for block in re.findall(r"<url>(.*?)</url>", xml, re.S):
        loc = re.search(r"<loc>([^<]+)</loc>", block).group(1)
        links = re.findall(
            r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', block
        )
        found[loc.removeprefix("http://testserver")] = {
            hreflang: href.removeprefix("http://testserver") for hreflang, href in links
        }
    return found


def sitemap(client) -> dict[str, dict[str, str]]:
    page_cache.reset()
    return entries(client.get("/sitemap.xml").content.decode())


def english(item) -> str:
    with translation.override("en-gb"):
        return item.get_absolute_url()


def test_an_untranslated_page_is_listed_in_english_only(client, guide):
    article = english(guide[1])
    listed = sitemap(client)
    assert listed[article] == {"en-gb": article, "x-default": article}
    assert f"/es{article}" not in listed
    assert f"/fr{article}" not in listed
    assert not any(loc.startswith(("/es/", "/fr/")) and "fix" in loc for loc in listed)


def test_a_page_translated_into_one_language_is_listed_there_with_its_own_address(client, guide):
    topic, symptom, _steps, _question = guide
    translate(topic, "es", slug="mensajes")
    translate(symptom, "es", slug="no-entregado")
    article = english(symptom)
    spanish = "/es/mensajes/no-entregado/"
    expected = {"en-gb": article, "es": spanish, "x-default": article}
    listed = sitemap(client)
    assert listed[article] == expected
    assert listed[spanish] == expected
    assert not any(loc.startswith("/fr/") and loc != "/fr/" for loc in listed if "fix" in loc)
    assert f"/fr{article}" not in listed
    assert listed["/es/mensajes/"] == {
        "en-gb": english(topic),
        "es": "/es/mensajes/",
        "x-default": english(topic),
    }


def test_a_draft_or_scheduled_translation_keeps_the_page_out_of_that_language(client, guide):
    topic, symptom, _steps, _question = guide
    translate(symptom, "es", status=Status.DRAFT)
    translate(topic, "fr", slug="messages-fr", publish_at="2999-01-01T00:00:00Z")
    listed = sitemap(client)
    translated = {loc for loc in listed if loc.startswith(("/es/", "/fr/"))}
    assert translated == {"/es/", "/fr/", "/es/known-issues/", "/fr/known-issues/"}
    assert set(listed[english(symptom)]) == {"en-gb", "x-default"}


def test_pages_of_the_interface_alone_are_listed_in_every_language(client, guide):
    listed = sitemap(client)
    everywhere = {"en-gb": "/", "es": "/es/", "fr": "/fr/", "x-default": "/"}
    assert listed["/"] == listed["/es/"] == listed["/fr/"] == everywhere
    assert set(listed["/es/known-issues/"]) == {"en-gb", "es", "fr", "x-default"}


def test_the_sitemap_costs_the_same_queries_however_many_pages_are_translated(
    client, django_assert_max_num_queries
):
    guide = make_guide(2)
    with django_assert_max_num_queries(12) as few:
        sitemap(client)
    for _ in range(4):
        topic, symptom, _steps, question = make_guide(2)
        for code in ("es", "fr"):
            translate(topic, code)
            translate(symptom, code)
            translate(question, code)
    translate(guide[1], "fr")
    with django_assert_max_num_queries(len(few.captured_queries)):
        listed = sitemap(client)
    assert sum(loc.startswith("/fr/") for loc in listed) > 10
