"""The page cache keys a page on the query parameters its view reads, and on nothing else.

Junk parameters (sent to fill the cache, or a tracking tag on a shared link) are the same page
and the same entry; the view never sees them, so no entry can carry them to someone else.
"""

from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from tests.troubleshooting.test_caching import TOKEN, page_urls, queries_for
from troubleshooting import caching, page_query
from troubleshooting.flow import Flow
from troubleshooting.outcomes.recording import new_key

JUNK_REQUESTS = 60


def junk(url: str, i: int) -> str:
    """Return the address with parameters no view reads added, different each time."""
    extra = urlencode({f"junk{i}": "x" * i, "utm_source": f"flood-{i}", "fbclid": str(i)})
    return f"{url}{'&' if '?' in url else '?'}{extra}"


@pytest.fixture
def stored():
    """Count the pages stored in the shared cache, whichever backend the suite runs on."""
    with mock.patch.object(caching.page_cache, "set", wraps=caching.page_cache.set) as spy:
        yield spy


def test_junk_parameters_add_no_cache_entries(client, guide, stored):
    for url in page_urls(guide) + ["/sitemap.xml"]:
        first = client.get(url)
        entries, kept = stored.call_count, len(caching.page_cache.recent)
        for i in range(JUNK_REQUESTS):
            response = client.get(junk(url, i))
            assert response.status_code == 200, url
            assert TOKEN.sub("", response.content.decode()) == TOKEN.sub("", first.content.decode())
        assert (stored.call_count, len(caching.page_cache.recent)) == (entries, kept), url


def test_an_address_with_junk_is_served_from_the_cache(client, guide):
    for url in page_urls(guide):
        queries_for(client, url)
        _, count = queries_for(client, junk(url, 1))
        assert count <= 1, url


def test_the_parameters_a_page_reads_still_make_their_own_pages(client, guide, stored):
    _, symptom, steps, _ = guide
    flow = Flow.for_symptom(symptom)
    word = symptom.title.split()[0]
    urls = [
        f"/search/?q={word}",
        f"/search/?q={word}&exact=1",
        f"/search/?q={steps[0].title.split()[0]}",
        flow.step_url(1, ""),
        flow.step_url(2, "n"),
        flow.step_url(2, "s"),
        flow.fixed_url("y"),
        flow.fixed_url("ny"),
    ]
    pages = {url: client.get(url).content.decode() for url in urls}
    assert stored.call_count == len(urls)
    fix_word = steps[0].title.split()[0]
    assert f"Search results for “{fix_word}”" in pages[f"/search/?q={fix_word}"]
    assert f"Search results for “{word}”" in pages[f"/search/?q={word}"]
    assert TOKEN.sub("", pages[flow.step_url(2, "n")]) != TOKEN.sub(
        "", pages[flow.step_url(2, "s")]
    )
    for url in urls:
        _, count = queries_for(client, url)
        assert count <= 1, url
    assert stored.call_count == len(urls)


def test_order_and_repeats_of_the_parameters_are_one_page(client, guide, stored):
    symptom = guide[1]
    version = Flow.for_symptom(symptom).version
    base = f"{symptom.get_flow_url()}2/"
    client.get(f"{base}?r=n&v={version}")
    for query in [f"v={version}&r=n", f"r=s&r=n&v={version}", f"junk=1&v={version}&r=n&junk=2"]:
        response, count = queries_for(client, f"{base}?{query}")
        assert count <= 1, query
        assert "Step 2 of" in response.content.decode()
    assert stored.call_count == 1


def test_no_cached_search_carries_someone_elses_parameters(guide, htmx_headers):
    word = guide[1].title.split()[0]
    headers = {**htmx_headers, "HTTP_HX_TARGET": "search-results"}
    evil = Client().get(f"/search/?evil=%3Cscript%3E&q={word}", **headers)
    assert evil["HX-Replace-Url"] == f"/search/?q={word}"
    plain = Client().get(f"/search/?q={word}", **headers)
    assert plain["HX-Replace-Url"] == f"/search/?q={word}"
    assert "evil" not in plain.content.decode()


def test_each_person_keeps_their_session_with_junk_around_it(guide, stored):
    symptom = guide[1]
    flow = Flow.for_symptom(symptom)
    keys = [new_key() for _ in range(3)]
    for i, key in enumerate(keys):
        url = junk(flow.with_session(key).step_url(2, "n"), i)
        page = Client().get(url).content.decode()
        assert f"s={key}" in page
        assert not any(other in page for other in keys if other != key)
        assert "junk" not in page
        assert page_query.SESSION_PLACEHOLDER not in page
    assert stored.call_count == 1


def test_a_renamed_slug_keeps_the_persons_session(client, guide):
    symptom = guide[1]
    flow = Flow.for_symptom(symptom)
    key = new_key()
    old = flow.with_session(key).step_url(2, "n")
    symptom.slug = "renamed-symptom"
    symptom.save()
    response = client.get(f"{old}&junk=1")
    assert response.status_code == 301
    assert f"s={key}" in response["Location"]
    assert "/renamed-symptom/" in response["Location"]


def test_declaring_parameters_needs_the_cache():
    from troubleshooting.views.pages import public_page

    with pytest.raises(ValueError, match="cache=True"):
        public_page(query=("q",))


def test_junk_htmx_header_values_add_no_cache_entries(client, guide, stored):
    word = guide[1].title.split()[0]
    for url in [guide[1].get_absolute_url(), f"/search/?q={word}"]:
        for headers in [{}, {"HTTP_HX_REQUEST": "true"}]:
            client.get(url, **headers)
        entries = stored.call_count
        for i in range(JUNK_REQUESTS):
            for headers in [
                {"HTTP_HX_REQUEST": f"junk{i}"},
                {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"junk{i}"},
                {"HTTP_HX_TARGET": f"junk{i}", "HTTP_HX_HISTORY_RESTORE_REQUEST": f"junk{i}"},
            ]:
                assert client.get(url, **headers).status_code == 200
        assert stored.call_count == entries, url


def test_the_search_results_fragment_and_the_page_are_kept_apart(client, guide, htmx_headers):
    word = guide[1].title.split()[0]
    url = f"/search/?q={word}"
    results = {**htmx_headers, "HTTP_HX_TARGET": "search-results"}
    # django-htmx reads a URI-encoded header as its decoded value: so must the cache.
    encoded = {
        "HTTP_HX_REQUEST": "%74rue",
        "HTTP_HX_REQUEST_URI_AUTOENCODED": "true",
        "HTTP_HX_TARGET": "search%2Dresults",
        "HTTP_HX_TARGET_URI_AUTOENCODED": "true",
    }
    for first in [results, encoded, {}, htmx_headers]:
        caches["default"].clear()
        caching.page_cache.reset()
        client.get(url, **first)  # whichever is asked for first is kept
        assert "<html" in client.get(url).content.decode(), first
        for headers in (results, encoded):
            fragment = client.get(url, **headers)
            assert "<html" not in fragment.content.decode(), first
            assert fragment["HX-Replace-Url"] == url


@pytest.mark.parametrize(
    "query",
    [
        "q=a+b",
        "q=a%20b&exact=1",
        "q=first&q=last",
        "%71=escaped+name&exact",
        "q=caf%C3%A9&junk=%FF",
        "q=%FF%FE",
        "q=a%2Bb%26c%3Dd",
        "&&q=&exact=1&",
        "q=a=b",
    ],
)
def test_the_view_reads_each_declared_parameter_as_request_get_would(query):
    request = RequestFactory().get(f"/search/?{query}")
    expected = {name: request.GET[name] for name in ("exact", "q") if name in request.GET}
    fields = page_query.declared_fields(request, frozenset({"q", "exact"}))
    page_query.show_only(request, fields, "")
    assert {name: request.GET[name] for name in request.GET} == expected


def test_unescaped_bytes_in_an_address_read_as_django_reads_them(client, guide):
    word = guide[1].title.split()[0]
    escaped = client.get(f"/search/?q={word}+caf%C3%A9").content.decode()
    raw = client.get("/search/", QUERY_STRING=f"q={word}+café".encode().decode("latin-1"))
    assert TOKEN.sub("", raw.content.decode()) == TOKEN.sub("", escaped)
    assert f"{word} café" in raw.content.decode()


def test_too_many_parameters_are_refused_from_the_cache_too(client, guide, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.get("/search/?q=x")
    response = client.get("/search/?q=x&" + "&".join(f"f{i}=1" for i in range(5)))
    assert response.status_code == 400
