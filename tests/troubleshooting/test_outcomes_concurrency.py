"""Many people answering at once lose nothing: counts stay exact under parallel requests.

Real threads with their own database connections, committing for real (a transactional test), on
whichever database the suite runs against: SQLite here, PostgreSQL in CI's second run. On SQLite
they need a file (in memory, a second writer fails at once instead of waiting): `make suite` runs
them on their own with TEST_SQLITE_FILE=1; a plain `pytest` skips them, saying so.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client

from tests.factories import make_guide
from troubleshooting.models import FlowSession, Outcome, StepAnswer

pytestmark = [pytest.mark.sqlite_file, pytest.mark.django_db(transaction=True)]

THREADS = 12
SESSIONS_PER_THREAD = 4
# Each session answers "didn't fix it" until the step where it is fixed (4 means never).
PATTERNS = ["y", "ny", "nny", "nnn"]


@pytest.fixture(autouse=True)
def _writers_can_wait(settings):
    """Skip on SQLite in memory, where concurrent writers cannot wait for each other.

    What is tested here is that races lose nothing. Recording gives up after a bounded wait
    (``OUTCOMES_WRITE_TIMEOUT_MS``, tested in tests/faults/), and a busy shared machine can make
    a dozen writers queue past it: here the bound is the database's own, as it was before.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs SQLite in a file: run with TEST_SQLITE_FILE=1 (make suite does)")
    settings.OUTCOMES_WRITE_TIMEOUT_MS = 20_000


def run_in_threads(work, count=THREADS):
    """Run ``work(index)`` in parallel threads that start together; re-raise any failure."""
    barrier = threading.Barrier(count)
    errors = []

    def target(index):
        try:
            barrier.wait()
            work(index)
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_parallel_sessions_are_all_counted_exactly():
    symptom = make_guide(3)[1]

    def work(index):
        client = Client()
        for n in range(SESSIONS_PER_THREAD):
            url = client.get(symptom.get_flow_url())["Location"]
            for value in PATTERNS[(index + n) % len(PATTERNS)]:
                response = client.post(url, {"answer": value})
                assert response.status_code == 303
                url = response["Location"]

    run_in_threads(work)

    total = THREADS * SESSIONS_PER_THREAD
    expected_outcomes = Counter()
    expected_answers = Counter()
    for index in range(THREADS):
        for n in range(SESSIONS_PER_THREAD):
            pattern = PATTERNS[(index + n) % len(PATTERNS)]
            expected_outcomes[
                (Outcome.RESOLVED, len(pattern)) if pattern[-1] == "y" else (Outcome.ENDED, None)
            ] += 1
            expected_answers.update((number, value) for number, value in enumerate(pattern, 1))
    sessions = FlowSession.objects.filter(symptom=symptom)
    assert sessions.count() == total
    assert Counter(sessions.values_list("outcome", "resolved_number")) == expected_outcomes
    assert Counter(StepAnswer.objects.values_list("number", "result")) == expected_answers


def test_the_same_answer_sent_many_times_at_once_is_one_answer():
    symptom = make_guide(3)[1]
    client = Client()
    url = client.get(symptom.get_flow_url())["Location"]

    def work(index):
        response = Client().post(url, {"answer": "n"})
        assert response.status_code == 303

    run_in_threads(work)
    session = FlowSession.objects.get()
    assert list(session.answers.values_list("number", "result")) == [(1, "n")]
