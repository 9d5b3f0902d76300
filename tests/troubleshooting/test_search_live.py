"""Search shows only what is live: no draft, scheduled or draft-topic content reaches the public
through results, snippets, counts, "Showing results for" or "Did you mean"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_cause, make_step, make_symptom, make_topic
from troubleshooting import search
from troubleshooting.models import SearchMiss, Status, Symptom

pytestmark = pytest.mark.django_db

SECRET = "Zorblaxian pairing fault"
TYPO = "zorblaxan"  # one letter off the secret word: what a curious visitor would try


def next_year():
    return timezone.now() + timedelta(days=365)


def hidden_symptom(state: str) -> Symptom:
    """Make a symptom titled with the secret word that the public must not see yet."""
    if state == "draft":
        return make_symptom(title=SECRET, status=Status.DRAFT)
    if state == "scheduled":
        return make_symptom(title=SECRET, publish_at=next_year())
    return make_symptom(title=SECRET, topic=make_topic(status=Status.DRAFT))


def hidden_step(state: str):
    """Make a step whose text has the secret word, reachable only through hidden content."""
    if state == "draft":
        return make_step(title=SECRET, status=Status.DRAFT), make_symptom()
    if state == "scheduled":
        return make_step(title=SECRET, publish_at=next_year()), make_symptom()
    return make_step(title=SECRET), make_symptom(topic=make_topic(status=Status.DRAFT))


def hidden_cause(state: str):
    """Make a cause whose text has the secret word, reachable only through hidden content."""
    if state == "draft":
        return make_cause(title=SECRET, status=Status.DRAFT)
    if state == "scheduled":
        return make_cause(title=SECRET, publish_at=next_year())
    return make_cause(title=SECRET)


STATES = ["draft", "scheduled", "in a draft topic"]


def make_hidden(kind: str, state: str) -> None:
    if kind == "symptom":
        hidden_symptom(state)
    elif kind == "step":
        step, symptom = hidden_step(state)
        symptom.steps.through.objects.create(symptom=symptom, step=step, position=9)
    else:
        cause = hidden_cause(state)
        topic = make_topic(status=Status.DRAFT) if state == "in a draft topic" else None
        make_symptom(topic=topic, causes=[cause])


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", ["symptom", "step", "cause"])
class TestHiddenContentStaysHidden:
    def test_no_did_you_mean_from_it(self, kind, state):
        make_hidden(kind, state)
        results = search.search(TYPO, record_misses=False)
        assert results.hits == []
        assert results.suggestion is None

    def test_no_showing_results_for_it(self, kind, state):
        make_symptom(title="Pairing", body="Zorb is a brand of headphones.")
        make_hidden(kind, state)
        results = search.search("zorblaxiam", record_misses=False)
        assert results.corrected_query is None
        assert "zorblaxian" not in str(results)

    def test_no_hit_title_snippet_or_count_from_it(self, client, kind, state):
        make_hidden(kind, state)
        html = client.get("/search/", {"q": "zorblaxian pairing"}).content.decode()
        assert "Zorblaxian" not in html
        assert "zorblaxian</mark>" not in html.lower()
        assert "Nothing matched" in html
        assert not search.search("zorblaxian", record_misses=False).hits

    def test_a_search_for_it_is_a_miss_for_editors(self, kind, state):
        # The public found nothing, so editors see the words; no one else does.
        make_hidden(kind, state)
        search.search("zorblaxian")
        assert SearchMiss.objects.get().query == "zorblaxian"


class TestTheVocabularyFollowsWhatIsLive:
    def test_a_scheduled_symptom_is_suggested_once_its_time_has_come(self):
        symptom = make_symptom(title=SECRET, publish_at=next_year())
        assert search.search(TYPO, record_misses=False).suggestion is None
        # Time passes: nothing is saved (an update() sends no signal), the clock decides.
        Symptom.objects.filter(pk=symptom.pk).update(
            publish_at=timezone.now() - timedelta(minutes=1)
        )
        results = search.search(TYPO, record_misses=False)
        assert results.corrected_query == "zorblaxian"
        assert results.hits[0].title == SECRET

    def test_an_unpublished_symptom_is_forgotten(self):
        symptom = make_symptom(title=SECRET)
        assert search.search(TYPO, record_misses=False).corrected_query == "zorblaxian"
        symptom.status = Status.DRAFT
        symptom.save()
        results = search.search(TYPO, record_misses=False)
        assert (results.corrected_query, results.suggestion) == (None, None)

    def test_a_topic_taken_down_takes_its_words_with_it(self):
        symptom = make_symptom(title=SECRET, steps=[make_step(title="Reset the flumox")])
        assert search.search("flumix", record_misses=False).corrected_query == "flumox"
        symptom.topic.status = Status.DRAFT
        symptom.topic.save()
        for typo in ("flumix", TYPO):
            results = search.search(typo, record_misses=False)
            assert (results.hits, results.corrected_query, results.suggestion) == ([], None, None)

    def test_a_step_stays_findable_through_any_live_symptom(self):
        step = make_step(title="Reset the flumox")
        make_symptom(steps=[step], topic=make_topic(status=Status.DRAFT))
        make_symptom(steps=[step])
        assert search.search("flumix", record_misses=False).corrected_query == "flumox"
