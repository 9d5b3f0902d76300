"""The cache server down or hanging, for real (a socket that refuses or never answers).

tests/troubleshooting/test_caching.py and test_health.py break the cache's methods; here the
production Redis client meets a dead server, on the pages that also record.
"""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from helpcenter.settings import cache_settings
from tests.factories import make_guide
from troubleshooting.models import ArticleVote, Outcome, StepAnswer

from .faults import assert_clear_page, cache_server

pytestmark = pytest.mark.django_db

# Each call gives up after 0.25 s and the cache is then left alone for a while: a page must not
# add up to anything near the page's budget.
QUICKLY = 5.0


@pytest.fixture(params=["down", "hanging"])
def broken_cache(request):
    with (
        cache_server(request.param) as url,
        override_settings(CACHES=cache_settings(url, "faults")),
    ):
        yield request.param


def test_the_guided_fix_is_served_and_recorded(client, broken_cache, caplog):
    symptom = make_guide(3)[1]
    started = time.monotonic()
    assert_clear_page(client.get(symptom.get_absolute_url()), 200)
    step_one = client.get(symptom.get_flow_url())["Location"]
    assert_clear_page(client.get(step_one), 200)
    response = client.post(step_one, {"answer": "y"})
    assert response.status_code == 303
    assert_clear_page(client.get(response["Location"]), 200)
    assert time.monotonic() - started < QUICKLY
    assert StepAnswer.objects.get().result == "y"  # the rate limit's cache is not needed
    assert StepAnswer.objects.get().session.outcome == Outcome.RESOLVED
    assert "Rate limit cache unavailable; recording anyway." in caplog.text  # it was broken


def test_a_changed_vote_is_recorded(client, broken_cache, caplog):
    symptom = make_guide(3)[1]
    url = reverse("troubleshooting:symptom_feedback", args=[symptom.topic.slug, symptom.slug])
    started = time.monotonic()
    assert client.post(url, {"helpful": "yes"}).status_code == 303
    assert client.post(url, {"helpful": "no", "reason": "hard"}).status_code == 303  # same voter
    assert time.monotonic() - started < QUICKLY
    assert ArticleVote.objects.get().reason == "hard"
    assert "Rate limit cache unavailable; recording anyway." in caplog.text
