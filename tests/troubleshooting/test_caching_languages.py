"""The page cache keys on the language: a page kept for one language is never served in another."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from troubleshooting import caching
from troubleshooting.flow import Flow

pytestmark = pytest.mark.django_db


def lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def fragment_lang(html: str) -> str:
    """Return the language a fragment was rendered in: the switcher marks it (no <html> there)."""
    assert "<html" not in html
    current = re.search(r'<a href="[^"]*" hreflang="([^"]+)" [^>]*aria-current="page"', html)
    return current.group(1)


def addresses(guide) -> list[str]:
    topic, symptom, _, question = guide
    with translation.override("en-gb"):
        return [
            "/",
            topic.get_absolute_url(),
            symptom.get_absolute_url(),
            question.get_absolute_url(),
            Flow.for_symptom(symptom).step_url(1, ""),
        ]


@pytest.mark.parametrize("first", ["es", "fr", "en-gb"])
def test_a_page_kept_in_one_language_is_served_in_no_other(client, guide, first):
    prefixes = {"en-gb": "", "es": "/es", "fr": "/fr"}
    for url in addresses(guide):
        assert lang(client.get(prefixes[first] + url).content.decode()) == first
        for code, prefix in prefixes.items():
            response = client.get(prefix + url, HTTP_ACCEPT_LANGUAGE=first)
            assert lang(response.content.decode()) == code, (first, code, url)


def test_pages_come_from_the_cache_in_every_language(
    client, guide, settings, django_assert_num_queries
):
    settings.CONTENT_VERSION_CHECK_SECONDS = 60  # the version read once, as between edits
    for prefix in ("", "/es", "/fr"):
        client.get(f"{prefix}/")
    with django_assert_num_queries(0):
        for prefix in ("", "/es", "/fr"):
            assert client.get(f"{prefix}/").status_code == 200


@pytest.mark.parametrize("first", ["es", "fr", "en-gb"])
def test_an_htmx_fragment_kept_in_one_language_is_served_in_no_other(client, guide, first):
    prefixes = {"en-gb": "", "es": "/es", "fr": "/fr"}
    article = addresses(guide)[2]
    response = client.get(prefixes[first] + article, HTTP_HX_REQUEST="true")
    assert fragment_lang(response.content.decode()) == first
    for code, prefix in prefixes.items():
        response = client.get(prefix + article, HTTP_HX_REQUEST="true")
        assert fragment_lang(response.content.decode()) == code
        assert lang(client.get(prefix + article).content.decode()) == code


def test_the_key_holds_the_language_whatever_the_address(guide):
    request = RequestFactory().get("/")
    keys = set()
    for code in ("en-gb", "es", "fr"):
        with translation.override(code):
            keys.add(caching._page_key(request, {}, frozenset())[0])
    assert len(keys) == 3
