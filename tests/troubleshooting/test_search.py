"""Search: relevance on the demo guide (both databases), typos, prefixes, misses, the index kept
in step with edits, and the search page with and without htmx."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from troubleshooting import search
from troubleshooting.models import SearchDocument, SearchMiss

# What people type, and the symptom that must come first. Their words, typos and all, and the
# words the articles use.
RELEVANCE = [
    ("green bubble", "sent-as-text-message"),
    ("green bubbles", "sent-as-text-message"),
    ("sent as text message", "sent-as-text-message"),
    ("texts going green", "sent-as-text-message"),
    ("android", "sent-as-text-message"),
    ("red exclamation mark", "not-delivered"),
    ("exclamation point", "not-delivered"),
    ("not delivered", "not-delivered"),
    ("says not delivered", "not-delivered"),
    ("says delivered but he never got it", "delivered-not-received"),
    ("delivered but not received", "delivered-not-received"),
    ("she never got my message", "delivered-not-received"),
    ("did they block me", "delivered-not-received"),
    ("stuck on sending", "stuck-on-sending"),
    ("imessage wont send", "stuck-on-sending"),
    ("message won't send", "stuck-on-sending"),
    ("imessage not working", "stuck-on-sending"),
    ("imessage not workng", "stuck-on-sending"),
    ("stuck sendng", "stuck-on-sending"),
    ("read but no reply", "delivered-no-reply"),
    ("left on read", "delivered-no-reply"),
    ("no reply", "delivered-no-reply"),
    ("ignoring me", "delivered-no-reply"),
    ("doesnt say delivered", "no-delivered-status"),
    ("no delivered under message", "no-delivered-status"),
    ("only one person", "only-one-contact"),
    ("cant text one person", "only-one-contact"),
    ("won't send to one contact", "only-one-contact"),
    ("deliverd but never recieved", "delivered-not-received"),
    ("not deliverd", "not-delivered"),
    ("exclamtion mark", "not-delivered"),
    ("green buble", "sent-as-text-message"),
]


def top_symptom(query: str) -> str | None:
    results = search.search(query, record_misses=False)
    return results.hits[0].symptom.slug if results.hits else None


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_relevance(demo_content, query, expected):
    assert top_symptom(query) == expected


@pytest.mark.django_db
def test_relevance_set_is_large_enough():
    assert len(RELEVANCE) >= 30
    assert len({expected for _, expected in RELEVANCE}) == 7  # every symptom of the guide


@pytest.mark.django_db
class TestEngine:
    def test_one_ranking_mixes_symptoms_steps_and_causes(self, demo_content):
        # The best match comes first, whatever its kind: no longer every symptom first.
        kinds = [hit.kind for hit in search.search("sim card", record_misses=False).hits]
        assert {"symptom", "step", "cause"} <= set(kinds)
        assert kinds[0] != "symptom"

    def test_a_short_page_of_results_is_the_start_of_the_long_one_and_costs_only_its_snippets(
        self, demo_content, monkeypatch
    ):
        # A snippet is most of a result's cost: the ranked documents beyond the page get none.
        longer = search.search("message", limit=20, record_misses=False).hits
        assert len(longer) > 3
        made = []
        real = search.snippet
        monkeypatch.setattr(search, "snippet", lambda *args: made.append(args) or real(*args))
        shorter = search.search("message", limit=3, record_misses=False).hits
        assert [hit.url for hit in shorter] == [hit.url for hit in longer[:3]]
        assert len(made) == 3

    def test_steps_and_causes_lead_to_their_place_in_a_symptom_that_uses_them(self, demo_content):
        hits = search.search("reset all settings", record_misses=False).hits
        step = next(hit for hit in hits if hit.kind == "step")
        assert step.title == "Reset all settings"
        assert step.url == step.symptom.get_absolute_url() + "#step-reset-all-settings"
        assert step.flow_url is None

    def test_typos_are_corrected_and_said(self, demo_content):
        results = search.search("imesage deliverd", record_misses=False)
        assert results.corrected_query == "imessage delivered"
        assert results.hits

    def test_exact_search_keeps_the_typos(self, demo_content):
        results = search.search("imesage", exact=True, record_misses=False)
        assert results.corrected_query is None
        assert results.terms == ["imesage"]

    def test_words_match_as_prefixes_while_typing(self, demo_content):
        assert top_symptom("exclam") == "not-delivered"
        assert top_symptom("green bub") == "sent-as-text-message"

    def test_hostile_queries_are_just_words(self, demo_content):
        for query in [
            '"',
            "NOT",
            "AND OR",
            "title:x",
            "green* NEAR(x)",
            "a'b",
            "\x00\xff",
            "x" * 5000,
        ]:
            search.search(query, record_misses=False)  # no error from either engine


@pytest.mark.django_db
def test_rebuild_indexes_everything_published(demo_content):
    SearchDocument.objects.all().delete()
    # Every symptom, step and cause, in English and in each language the demo guide is in.
    assert search.rebuild() == (7 + 22 + 22) * 3
    assert SearchDocument.objects.filter(language="es").count() == 7 + 22 + 22
    assert top_symptom("green bubble") == "sent-as-text-message"


@pytest.mark.django_db
class TestMissesOnTheGuide:
    def test_searches_that_find_something_are_not_recorded(self, demo_content):
        search.search("green bubble")
        assert not SearchMiss.objects.exists()


@pytest.mark.django_db
class TestSearchPage:
    def test_plain_get_form_works_without_javascript(self, client, demo_content):
        response = client.get("/search/", {"q": "green bubble"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "<!DOCTYPE html>" in html
        assert re.search(r"<h1[^>]*>Search the guides</h1>", html)
        assert 'value="green bubble"' in html
        assert "Sent as Text Message (green bubble)" in html
        fix = re.search(r'href="(/search/open/[^"]*go=fix)"', html).group(1).replace("&amp;", "&")
        assert client.get(fix).url == "/messages/sent-as-text-message/fix/"
        assert "<mark>green</mark>" in html

    def test_live_results_return_just_the_results_and_announce_them(self, client, demo_content):
        response = client.get(
            "/search/",
            {"q": "green bubble"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="search-results",
        )
        html = response.content.decode()
        assert "<h1" not in html and "<form" not in html
        assert 'hx-swap-oob="innerHTML:#search-status"' in html
        assert re.search(r"\d+ results?", html)
        assert "HX-Target" in response["Vary"]

    def test_navigating_to_search_with_htmx_swaps_the_main_content(self, client, demo_content):
        response = client.get(
            "/search/", {"q": "green"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main"
        )
        html = response.content.decode()
        assert html.lstrip().startswith("<title>")
        assert "<h1" in html and "<header" not in html

    @pytest.mark.parametrize("path", ["/", "/messages/", "/messages/not-delivered/", "/search/"])
    def test_header_search_count_reaches_a_live_region_on_every_page(
        self, client, demo_content, path
    ):
        """The header's box sends a search from any page: its count must land and be read out."""
        page = client.get(path).content.decode()
        assert page.count('id="search-status"') == 1
        assert "{#" not in page  # a template comment must never reach the page
        region = re.search(r'<p id="search-status"[^>]*>', page).group(0)
        assert 'role="status"' in region and 'aria-live="polite"' in region
        assert re.search(r"</main>.*id=\"search-status\"", page, re.DOTALL), (
            "the live region must sit outside #main, or the swap replaces it unannounced"
        )
        fragment = client.get(
            "/search/", {"q": "green bubble"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main"
        ).content.decode()
        assert 'id="search-status"' not in fragment  # no second region with the same id
        assert re.search(
            r'<span hx-swap-oob="innerHTML:#search-status">\d+ results?</span>', fragment
        )

    def test_corrected_query_is_shown_with_a_way_back(self, client, demo_content):
        html = client.get("/search/", {"q": "imesage"}).content.decode()
        assert "Showing results for <strong>imessage</strong>" in html
        assert "exact=1" in html

    def test_nothing_found_offers_the_common_problems(self, client, demo_content):
        html = client.get("/search/", {"q": "xyzzy"}).content.decode()
        assert "Nothing matched" in html
        assert "Common problems" in html
        assert "Stuck on Sending" in html

    def test_empty_search_page(self, client, demo_content):
        response = client.get("/search/")
        assert response.status_code == 200
        assert "Common problems" in response.content.decode()

    def test_oversized_and_binary_queries_are_handled(self, client, demo_content):
        for query in ["x" * 10000, "\x01\xff", "<script>alert(1)</script>"]:
            response = client.get("/search/", {"q": query})
            assert response.status_code == 200
            assert "<script>alert" not in response.content.decode()

    def test_query_count_is_bounded(self, client, demo_content, django_assert_max_num_queries):
        search.vocabulary()  # built once per content change, not per request
        # Ranking, synonyms, known issues and, on PostgreSQL, the trigram fallback.
        with django_assert_max_num_queries(10):
            client.get("/search/", {"q": "sim card reset blocked"})

    def test_every_page_has_a_search_box(self, client, demo_content):
        for url in ["/", "/messages/", "/messages/not-delivered/", "/messages/fix/", "/search/"]:
            assert 'role="search"' in client.get(url).content.decode(), url

    def test_home_page_leads_with_live_search(self, client, demo_content):
        html = client.get("/").content.decode()
        assert html.index('id="search-home"') < html.index("Common problems")
        assert 'hx-target="#search-results"' in html


@pytest.mark.django_db
def test_query_counts_do_not_depend_on_results(client, demo_content):
    search.vocabulary()  # built once per content change, not per request
    counts = []
    for query in ["sim card", "sim card reset blocked airplane wifi settings"]:
        with CaptureQueriesContext(connection) as queries:
            client.get("/search/", {"q": query})
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("My message won't send", ["message", "send"]),
        ("it’s not delivered", ["delivered"]),
        ("iPhone's messages", ["iphone", "messages"]),
    ],
)
def test_contractions_are_words_not_stray_letters(query, terms):
    # Split at the apostrophe, "won't" left a "t" that matched nearly every word as a prefix.
    assert search.query_terms(query) == terms
