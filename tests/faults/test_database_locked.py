"""The database's write lock held elsewhere (a long import): pages go on, quickly, unrecorded.

Real connections committing for real (a transactional test). On SQLite this needs a file: in
memory a second writer fails at once instead of waiting, and the wait is what is bounded here.
"""

import logging
import time

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_guide
from troubleshooting.models import FlowSession, Outcome

from .faults import assert_clear_page, counts, write_lock_held

pytestmark = [pytest.mark.sqlite_file, pytest.mark.django_db(transaction=True)]

# Far below the old 20 s wait, and well above the bound the test sets.
QUICKLY = 5.0


@pytest.fixture(autouse=True)
def _short_wait(settings):
    """Wait briefly for locks, as production does with its (longer) one-second default."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs SQLite in a file: run with TEST_SQLITE_FILE=1 (make suite does)")
    settings.OUTCOMES_WRITE_TIMEOUT_MS = 200


@pytest.fixture
def symptom():
    return make_guide(3)[1]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_not_recorded(caplog, what: str) -> None:
    assert f"Could not record {what}; the person carries on without it." in caplog.text


def test_an_answer_goes_on_to_the_next_step(client, symptom, caplog):
    step_one = client.get(symptom.get_flow_url())["Location"]
    before = counts()
    with write_lock_held():
        response, took = timed(lambda: client.post(step_one, {"answer": "n"}))
    assert response.status_code == 303
    assert "/fix/2/" in response["Location"]
    assert took < QUICKLY
    assert counts() == before  # nothing half-written
    assert_not_recorded(caplog, "an answer in the guided fix")
    assert_clear_page(client.get(response["Location"]), 200)


def test_starting_a_fix_shows_step_one(client, symptom, caplog):
    with write_lock_held():
        response, took = timed(lambda: client.get(symptom.get_flow_url()))
    assert response.status_code == 302
    assert took < QUICKLY
    assert not FlowSession.objects.exists()
    assert_not_recorded(caplog, "the start of a guided fix")
    assert_clear_page(client.get(response["Location"]), 200)


def test_the_end_page_is_shown(client, symptom, caplog):
    url = client.post(client.get(symptom.get_flow_url())["Location"], {"answer": "n"})["Location"]
    end = reverse("troubleshooting:flow_end", args=[symptom.topic.slug, symptom.slug])
    with write_lock_held():
        response, took = timed(lambda: client.get(f"{end}?{url.split('?', 1)[1]}"))
    assert_clear_page(response, 200)
    assert took < QUICKLY
    assert FlowSession.objects.get().outcome == Outcome.OPEN  # left as it was
    assert_not_recorded(caplog, "the end of a guided fix")


def test_a_vote_is_thanked(client, symptom, caplog):
    url = reverse("troubleshooting:symptom_feedback", args=[symptom.topic.slug, symptom.slug])
    with write_lock_held():
        response, took = timed(lambda: client.post(url, {"helpful": "yes"}))
    assert response.status_code == 303
    assert took < QUICKLY
    assert counts()["ArticleVote"] == 0
    assert_not_recorded(caplog, "an article vote")


def test_a_search_that_finds_nothing_answers(client, symptom, caplog):
    url = reverse("troubleshooting:search") + "?q=zorblax+quuxified"
    with write_lock_held():
        response, took = timed(lambda: client.get(url))
    assert_clear_page(response, 200)
    assert took < QUICKLY
    assert counts()["SearchMiss"] == 0
    assert_not_recorded(caplog, "a search that found nothing")


def test_recording_resumes_and_waits_as_usual_once_the_lock_is_gone(client, symptom):
    with write_lock_held():
        client.get(symptom.get_flow_url())
    step_one = client.get(symptom.get_flow_url())["Location"]
    client.post(step_one, {"answer": "y"})
    assert FlowSession.objects.get().outcome == Outcome.RESOLVED
    if connection.vendor == "sqlite":  # other writes (the admin's) still wait the full time
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == connection.settings_dict["OPTIONS"]["timeout"] * 1000


def test_the_log_says_what_was_not_recorded(client, symptom, caplog):
    with caplog.at_level(logging.ERROR), write_lock_held():
        client.get(symptom.get_flow_url())
    record = next(r for r in caplog.records if "Could not record" in r.getMessage())
    assert record.exc_info is not None  # with the database's reason
