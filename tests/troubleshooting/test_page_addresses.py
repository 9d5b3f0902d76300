"""A cached page at an address already resolved is answered as its view would, without resolving."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls.resolvers import URLResolver

from troubleshooting import caching
from troubleshooting.flow import Flow
from troubleshooting.page_addresses import HitRoute, PageHitMiddleware, page_addresses


def resolving(client, url, method="get", **headers):
    """Return the response to a GET of ``url``, and how many times the URLconf was resolved."""
    with mock.patch.object(URLResolver, "resolve", autospec=True, side_effect=RESOLVE) as calls:
        response = getattr(client, method)(url, **headers)
    return response, calls.call_count


RESOLVE = URLResolver.resolve
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def same_answer(first, second):
    assert second.status_code == first.status_code
    # A whole step page's form token is masked afresh for every response.
    assert TOKEN.sub(b"", second.content) == TOKEN.sub(b"", first.content)
    assert dict(second.items()) == dict(first.items())


def public_urls(guide):
    topic, symptom, _, question = guide
    flow = Flow.for_symptom(symptom)
    return [
        "/",
        "/es/",
        topic.get_absolute_url(),
        symptom.get_absolute_url(),
        question.get_absolute_url(),
        flow.step_url(2, "n"),
        "/sitemap.xml",
    ]


class TestHitsSkipTheResolver:
    def test_a_kept_page_is_answered_as_its_view_answers_it(self, client, guide, htmx_headers):
        for url in public_urls(guide):
            for headers in ({}, htmx_headers, {"HTTP_ACCEPT_ENCODING": "gzip"}):
                rendered, _ = resolving(client, url, **headers)
                assert rendered.status_code == 200, url
                page_addresses.clear()  # as in a process that has not resolved it yet
                through_view, resolved = resolving(client, url, **headers)
                assert resolved, url
                before_view, resolved = resolving(client, url, **headers)
                assert not resolved, url
                same_answer(through_view, before_view)
                page_addresses.clear()

    def test_a_page_not_kept_is_rendered_by_its_view(self, client, guide):
        url = guide[1].get_absolute_url()
        client.get(url)
        caching.page_cache.recent.clear()
        caching.content_changed()  # a new version: the address is remembered, the page is not
        response, resolved = resolving(client, url)
        assert response.status_code == 200
        assert resolved
        _, resolved = resolving(client, url)
        assert not resolved

    def test_with_the_cache_off_every_page_is_resolved_and_rendered(self, client, guide, settings):
        url = guide[1].get_absolute_url()
        client.get(url)
        client.get(url)
        settings.PAGE_CACHE_SECONDS = 0
        response, resolved = resolving(client, url)
        assert response.status_code == 200
        assert resolved

    def test_other_methods_are_answered_by_the_same_layers(self, client, guide):
        url = guide[0].get_absolute_url()
        client.get(url)
        client.get(url)
        head, resolved = resolving(client, url, "head")
        assert (head.status_code, resolved) == (200, 0)
        # The view's allowed methods, checked by its own layer on the way to the cache.
        refused = client.post(url)
        assert refused.status_code == 405
        assert refused["Allow"] == "GET, HEAD"

    def test_an_address_that_found_nothing_is_not_remembered(self, client, guide):
        url = f"{guide[0].get_absolute_url()}no-such-symptom/"
        assert client.get(url).status_code == 404
        response, resolved = resolving(client, url)
        assert (response.status_code, bool(resolved)) == (404, True)
        assert len(page_addresses) == 0

    def test_a_database_that_fails_on_a_hit_gives_the_503_page_logged(self, client, guide, caplog):
        url = guide[0].get_absolute_url()
        client.get(url)
        client.get(url)
        down = OperationalError("could not connect to server: Connection refused")
        with mock.patch.object(caching.page_cache, "get", side_effect=down) as looked_up:
            response = client.get(url)
        assert response.status_code == 503
        assert looked_up.call_count == 1  # answered there: the view does not try again
        assert response["Retry-After"]
        assert "The database is unavailable" in caplog.text

    def test_each_language_is_answered_in_its_own(self, client, guide):
        for url in ("/", "/es/", "/fr/"):
            client.get(url)
            client.get(url)
        for url, language in (("/", "en"), ("/es/", "es"), ("/fr/", "fr")):
            response, resolved = resolving(client, url)
            assert response["Content-Language"][:2] == language
            assert not resolved

    def test_an_address_remembered_in_one_language_is_not_used_in_another(self, rf):
        # The resolver reads the active language: the same path in another one is resolved.
        english = HttpResponse("the English page")
        page_addresses.put(("/", "en"), HitRoute(view=None, hit=lambda request: english))
        resolved = HttpResponse("resolved")
        middleware = PageHitMiddleware(lambda request: resolved)
        for language, answer in (("en", english), ("es", resolved)):
            request = rf.get("/")
            request.LANGUAGE_CODE = language
            assert middleware(request) is answer

    def test_too_many_query_parameters_are_refused_as_before(self, client, guide, settings):
        url = guide[1].get_absolute_url()
        client.get(url)
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
        assert client.get(url + "?a=1&b=2&c=3&d=4").status_code == 400


class TestWhatTheViewsWrappersDoStillHappens:
    def test_a_fragment_from_before_the_view_gives_the_csrf_cookie(self, guide, htmx_headers):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        Client().get(url, **htmx_headers)
        Client().get(url, **htmx_headers)
        browser = Client(enforce_csrf_checks=True)
        _, resolved = resolving(browser, url, **htmx_headers)
        assert not resolved
        cookie = browser.cookies["csrftoken"].value
        answered = browser.post(url, {"answer": "n"}, HTTP_X_CSRFTOKEN=cookie, **htmx_headers)
        assert answered.status_code == 303

    def test_every_cached_search_is_still_counted(self, client, guide):
        url = f"/search/?q={guide[1].title.split()[0]}"
        with mock.patch("troubleshooting.search.record_search") as record:
            for _ in range(3):
                assert client.get(url).status_code == 200
        assert record.call_count == 3
        _, resolved = resolving(client, url)
        assert resolved  # its counting wraps the page: never answered before it

    def test_an_editor_previewing_never_gets_a_kept_page(self, client, admin_client, guide):
        topic = guide[0]
        client.get(topic.get_absolute_url())
        client.get(topic.get_absolute_url())
        admin_client.get("/preview/", {"next": "/"})
        previewed, resolved = resolving(admin_client, topic.get_absolute_url())
        assert "no-store" in previewed["Cache-Control"]
        assert resolved


@pytest.mark.parametrize("setting", ["ROOT_URLCONF", "LANGUAGES"])
def test_addresses_are_resolved_again_when_what_they_mean_changes(client, guide, settings, setting):
    client.get("/")
    client.get("/")
    assert len(page_addresses)
    setattr(settings, setting, getattr(settings, setting))
    assert not len(page_addresses)
