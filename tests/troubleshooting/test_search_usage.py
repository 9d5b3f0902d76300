"""Learning from use: which results people open for a query, and the content gaps page."""

import gc
import re
import threading

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django_htmx.middleware import HtmxDetails

from tests.factories import make_step, make_symptom
from troubleshooting import search
from troubleshooting.models import SearchMiss, SearchOpen, SearchQuery
from troubleshooting.views.search import search as search_view

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _write_counts_at_once(settings):
    settings.SEARCH_COUNT_SECONDS = 0


@pytest.fixture
def guide(db):
    step = make_step(title="Restart the phone", slug="restart")
    symptom = make_symptom(title="Phone frozen", slug="frozen", steps=[step])
    return symptom, step


def open_links(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in re.findall(r'href="(/search/open/[^"]*)"', html)]


def test_a_submitted_search_is_counted_even_from_the_cache(client, guide):
    for _ in range(2):
        assert client.get("/search/", {"q": "Restart!"}).status_code == 200
    assert SearchQuery.objects.get().searches == 2
    assert SearchQuery.objects.get().query == "restart"


def test_searches_are_written_together_so_cached_pages_cost_no_query(
    client, guide, settings, django_assert_max_num_queries
):
    settings.SEARCH_COUNT_SECONDS = 3600
    client.get("/search/", {"q": "restart"})
    with django_assert_max_num_queries(1):  # the content version check, nothing written
        client.get("/search/", {"q": "restart"})
    assert not SearchQuery.objects.exists()
    settings.SEARCH_COUNT_SECONDS = 0
    client.get("/search/", {"q": "frozen"})
    assert dict(SearchQuery.objects.values_list("query", "searches")) == {
        "restart": 2,
        "frozen": 1,
    }


def test_results_as_people_type_are_not_counted(client, guide):
    client.get("/search/", {"q": "resta"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    assert not SearchQuery.objects.exists()


def test_opening_a_result_is_recorded_and_leads_to_its_place(client, guide):
    symptom, step = guide
    html = client.get("/search/", {"q": "restart"}).content.decode()
    step_link = next(link for link in open_links(html) if "to=step-" in link)
    response = client.get(step_link)
    assert response.status_code == 302
    assert response.url == f"{symptom.get_absolute_url()}#step-restart"
    assert "no-cache" in response["Cache-Control"]
    opened = SearchOpen.objects.get()
    assert (opened.kind, opened.object_id, opened.count) == ("step", step.pk, 1)
    assert SearchQuery.objects.get().opens == 1


def test_an_open_from_live_results_counts_its_search(client, guide):
    link = open_links(
        client.get(
            "/search/", {"q": "frozen"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
        ).content.decode()
    )[0]
    client.get(link)
    row = SearchQuery.objects.get()
    assert (row.searches, row.opens) == (1, 1)


@pytest.mark.parametrize(
    "params",
    [{}, {"to": "symptom-999"}, {"to": "user-1"}, {"to": "step-x"}, {"q": "x", "to": "cause-1"}],
)
def test_a_bad_or_stale_result_address_leads_back_to_search(client, guide, params):
    response = client.get("/search/open/", params)
    assert response.status_code == 302
    assert response.url.startswith("/search/")
    assert not SearchOpen.objects.exists()


def test_the_open_address_cannot_lead_off_the_site(client, guide):
    response = client.get("/search/open/", {"q": "x", "to": "symptom-1", "next": "//evil"})
    assert response.url.startswith("/")


def test_search_record_never_breaks_the_page(client, guide, monkeypatch):
    monkeypatch.setattr(
        search.usage, "_write_counts", lambda *a, **k: (_ for _ in ()).throw(RuntimeError)
    )
    assert client.get("/search/", {"q": "restart"}).status_code == 200


def test_content_gaps_show_unopened_queries_beside_misses(admin_client):
    SearchQuery.objects.create(query="esim transfer", searches=5)
    SearchQuery.objects.create(query="restart", searches=5, opens=3)
    SearchQuery.objects.create(query="once", searches=1)
    SearchMiss.objects.create(query="bluetooth", count=4)
    html = admin_client.get("/admin/troubleshooting/searchquery/gaps/").content.decode()
    assert "esim transfer" in html and "bluetooth" in html
    assert ">restart<" not in html and ">once<" not in html
    changelist = admin_client.get("/admin/troubleshooting/searchquery/").content.decode()
    assert "/admin/troubleshooting/searchquery/gaps/" in changelist


def test_content_gaps_need_permission(client, django_user_model):
    user = django_user_model.objects.create_user("v", password="x", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/troubleshooting/searchquery/gaps/").status_code == 403


def test_every_search_is_counted_once_by_its_words_and_language(client, guide, settings):
    settings.SEARCH_COUNT_SECONDS = 3600
    addresses = ["/search/?q=Restart!", "/search/?q=restart", "/search/?q=%52estart&junk=1"]
    for _ in range(7):
        for address in addresses:
            assert client.get(address).status_code == 200
    client.get("/es/search/?q=reinicio")
    client.get("/search/", QUERY_STRING="q=caf%C3%A9")
    client.get("/search/", QUERY_STRING="q=café".encode().decode("latin-1"))  # unescaped bytes
    assert not SearchQuery.objects.exists()
    search.usage.search_counts.write()  # as the server stopping the process does
    counted = SearchQuery.objects.values_list("query", "language", "searches")
    assert sorted(counted) == [("cafe", "en", 2), ("reinicio", "es", 1), ("restart", "en", 21)]


def test_counts_are_written_after_the_response_is_sent(rf, guide):
    request = rf.get("/search/", {"q": "restart"})
    request.htmx = HtmxDetails(request)
    response = search_view(request)
    assert response.status_code == 200
    assert not SearchQuery.objects.exists()  # nothing written while the person waits
    # As the test client sends it: the test's connection stays open, its transaction with it.
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
        assert SearchQuery.objects.get().searches == 1
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    assert SearchQuery.objects.get().searches == 1  # written once


def test_many_different_searches_are_written_early_not_dropped(client, guide, settings):
    settings.SEARCH_COUNT_SECONDS = 3600
    counts = search.usage.search_counts
    counts.MAX_HELD = 3
    try:
        for word in ("one", "two", "three", "four"):
            client.get("/search/", {"q": word})
        assert SearchQuery.objects.count() == 3
        counts.write()
    finally:
        del counts.MAX_HELD
    assert dict(SearchQuery.objects.values_list("query", "searches")) == {
        "one": 1,
        "two": 1,
        "three": 1,
        "four": 1,
    }


def test_searches_counted_by_many_threads_at_once_are_all_written(guide, settings):
    settings.SEARCH_COUNT_SECONDS = 3600
    counts = search.usage.search_counts

    def search_often():
        for _ in range(500):
            counts.add("restart", "en-gb")

    threads = [threading.Thread(target=search_often) for _ in range(8)]
    for thread in threads:
        thread.start()
    counts.write()  # while they count: what it does not take is left for the next write
    for thread in threads:
        thread.join()
    counts.write()
    assert SearchQuery.objects.get().searches == 4000


def test_counts_for_many_queries_are_written_in_one_statement(guide, settings):
    settings.SEARCH_COUNT_SECONDS = 3600
    counts = search.usage.search_counts
    SearchQuery.objects.create(query="restart", searches=5, opens=2)
    for query, language in [("Restart", "en"), ("restart", "en"), ("frozen", "en"), ("x%21", "es")]:
        counts.add(query, language)
    # The write runs in a worker between two requests, the next one waiting: one statement
    # adds to the rows there are and creates the others (besides the transaction's own).
    with CaptureQueriesContext(connection) as queries:
        counts.write()
    table = SearchQuery._meta.db_table
    assert len([query for query in queries if table in query["sql"]]) == 1
    counted = SearchQuery.objects.values_list("query", "language", "searches", "opens")
    assert sorted(counted) == [("frozen", "en", 1, 0), ("restart", "en", 7, 2), ("x", "es", 1, 0)]


def test_more_searches_than_one_statement_takes_are_split_and_all_counted(
    guide, settings, monkeypatch
):
    settings.SEARCH_COUNT_SECONDS = 3600
    counts = search.usage.search_counts
    # An engine taking 12 parameters a statement: two rows of five values each.
    monkeypatch.setattr(connection.features, "max_query_params", 12)
    words = ["one", "two", "three", "four", "five"]
    for word in words:
        counts.add(word, "en")
    counts.add("one", "en")
    sent = []

    def upserts(execute, sql, params, many, context):
        if SearchQuery._meta.db_table in sql:
            sent.append(len(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(upserts):
        counts.write()
    assert sent == [10, 10, 5]  # each within the limit, every search in one of them
    counted = dict(SearchQuery.objects.values_list("query", "searches"))
    assert counted == {"one": 2, "two": 1, "three": 1, "four": 1, "five": 1}


def test_a_counted_search_holds_nothing_the_garbage_collector_tracks(client, guide, settings):
    settings.SEARCH_COUNT_SECONDS = 3600
    for language in ("", "/es"):
        assert client.get(f"{language}/search/?q=restart+now").status_code == 200
    held = list(search.usage.search_counts.held)
    # Held until the write, a tracked object per search would bring collections sooner.
    assert [item.partition(" ")[2] for item in held] == ["restart+now", "restart+now"]
    assert held[1] == "es restart+now"
    assert not any(gc.is_tracked(item) for item in held)
    search.usage.search_counts.write()
    counted = SearchQuery.objects.values_list("query", "language", "searches")
    assert sorted(counted) == [("restart now", "en", 1), ("restart now", "es", 1)]
