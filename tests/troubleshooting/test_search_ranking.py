"""One ranking across symptoms, steps and causes, checked on the demo guide with the issue's own
queries and a sample of the labelled set in bench/ (run on SQLite and on PostgreSQL in CI)."""

import pytest
from django.utils.html import strip_tags

from bench.search_labels import LABELLED, REGRESSION, page_of
from troubleshooting import search

pytestmark = pytest.mark.django_db
LABELS = dict(LABELLED)


def top(query: str, count: int = 3) -> list[str]:
    return [page_of(hit) for hit in search.search(query, record_misses=False).hits[:count]]


@pytest.mark.parametrize("query", REGRESSION)
def test_regression_sample_keeps_an_answer_in_the_top_three(demo_content, query):
    assert set(top(query)) & LABELS[query].keys(), top(query)


def test_restart_phone_finds_force_restart(demo_content):
    assert "step:force-restart" in top("restart phone")


def test_apple_id_sign_out_puts_the_step_before_symptoms(demo_content):
    pages = top("apple id sign out", 5)
    step = pages.index("step:sign-out-of-imessage-and-back-in")
    assert all(not page.startswith("symptom:") for page in pages[:step])


@pytest.mark.parametrize("query", ["wrong date and time", "time zone wrong"])
def test_date_and_time_step_is_near_the_top(demo_content, query):
    assert "step:set-date-time-automatically" in top(query)


def test_travelling_abroad_finds_roaming(demo_content):
    assert top("travelling abroad imessage", 2) == [
        "step:check-data-roaming",
        "cause:roaming-without-data",
    ]


def test_turn_imessage_off_and_on_finds_the_step_of_that_name(demo_content):
    assert top("turn imessage off and on", 1) == ["step:turn-imessage-off-and-on"]


def test_blocked_me_ranks_the_cause_first(demo_content):
    assert top("blocked me", 1) == ["cause:blocked"]


def test_a_step_result_says_its_symptom_and_leads_inside_its_article(demo_content):
    hit = search.search("force restart", record_misses=False).hits[0]
    assert hit.kind == "step"
    assert hit.url == f"{hit.symptom.get_absolute_url()}#step-force-restart"


def test_a_cause_result_leads_to_the_cause_in_its_article(demo_content):
    hit = search.search("blocked me", record_misses=False).hits[0]
    assert hit.url == "/messages/delivered-not-received/#cause-blocked"


def test_the_article_has_the_anchors_results_lead_to(client, demo_content):
    html = client.get("/messages/delivered-not-received/").content.decode()
    assert 'id="cause-blocked"' in html
    assert 'id="step-reach-them-another-way"' in html


def test_snippets_keep_punctuation_and_brackets(demo_content):
    snippet = str(search.search("send as sms", record_misses=False).hits[0].snippet)
    assert " ." not in snippet and " ," not in snippet
    text = " ".join(
        strip_tags(hit.snippet) for hit in search.search("iphone 8", record_misses=False).hits
    )
    assert "(and iPhone SE, 2nd generation or later):" in text


def test_snippets_show_the_best_matching_passage(demo_content):
    hit = next(
        hit
        for hit in search.search("volume down button", record_misses=False).hits
        if hit.title == "Force restart your iPhone"
    )
    assert "<mark>volume</mark> <mark>down</mark> <mark>button</mark>" in hit.snippet
    assert hit.snippet.startswith("…")


def test_snippets_never_show_the_raw_alias_list(demo_content):
    for query in ["left on read", "ghosted", "red exclamation point", "message failed"]:
        for hit in search.search(query, record_misses=False).hits:
            text = strip_tags(hit.snippet)
            assert "Also called:" not in text, (query, hit.title)
            assert "left on read; " not in text and "message failed; " not in text
