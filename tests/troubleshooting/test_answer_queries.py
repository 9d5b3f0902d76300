"""The answer to "Did this fix it?": a fixed, small number of statements, and nothing stale.

An answer always writes (its outcome); what it reads of the symptom and its steps is kept per
content version, so it costs no query until the content changes.
"""

import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_guide, make_step
from troubleshooting import flow
from troubleshooting.models import FlowSession, Outcome, Status, StepAnswer, SymptomStep
from troubleshooting.outcomes import recording
from troubleshooting.prepared import logged_sql

pytestmark = pytest.mark.django_db

# Content tables an answer once read on every POST: the symptom, its steps, the kept lists.
CONTENT_TABLES = ("troubleshooting_symptom", "troubleshooting_fixstep", "paststeplist")


def begin(client, symptom) -> str:
    response = client.get(symptom.get_flow_url())
    assert response.status_code == 302
    return response["Location"]


def answer(client, url, value="n"):
    response = client.post(url, {"answer": value})
    assert response.status_code == 303, response.content.decode()[:500]
    return response["Location"]


def statements(queries) -> list[str]:
    """Return the SQL of each query, a prepared read's own for its ``EXECUTE``."""
    return [logged_sql(query["sql"]) for query in queries]


def reads_content(queries) -> bool:
    """Return whether any query but the content version's read the symptom or its steps."""
    return any(
        sql.startswith("SELECT") and table in sql and "troubleshooting_contentversion" not in sql
        for sql in statements(queries)
        for table in CONTENT_TABLES
    )


class TestQueries:
    def test_an_answer_in_a_session_makes_a_fixed_number_of_queries(
        self, client, django_assert_max_num_queries
    ):
        symptom = make_guide(4)[1]
        url = answer(client, begin(client, symptom))
        # The content version (read on every request by the test settings); in the recording's
        # savepoint, the session's id, the answer (one upsert) and the session's outcome.
        with django_assert_max_num_queries(6) as captured:
            url = answer(client, url)
        assert "/fix/3/" in url
        assert not reads_content(captured.captured_queries)
        assert FlowSession.objects.get().answers.count() == 2

    def test_an_answer_without_a_session_makes_a_fixed_number_of_queries(
        self, client, django_assert_max_num_queries
    ):
        symptom = make_guide(4)[1]
        step_one = begin(client, symptom).split("?")[0]
        answer(client, step_one)  # the first answer loads the flow it keeps
        # The content version; in the recording's savepoint, the session and its answer.
        with django_assert_max_num_queries(5) as captured:
            url = answer(client, step_one)
        assert "/fix/2/" in url
        assert not reads_content(captured.captured_queries)
        assert StepAnswer.objects.count() == 2

    def test_as_many_queries_with_ten_times_the_steps(self, client, django_assert_max_num_queries):
        symptom = make_guide(30)[1]
        url = answer(client, begin(client, symptom))
        with django_assert_max_num_queries(6):
            answer(client, url)


class TestKeptFlowsFollowTheContent:
    def test_a_step_inserted_after_an_answer_is_the_next_answers_to_show(self, client):
        topic, symptom, steps, _ = make_guide(3)
        url = answer(client, begin(client, symptom))
        inserted = make_step(title="Inserted")
        for link in SymptomStep.objects.filter(symptom=symptom, position__gte=1).order_by(
            "-position"
        ):
            link.position += 1
            link.save()
        SymptomStep.objects.create(symptom=symptom, step=inserted, position=1)
        # Step 2 as shown before the edit (the new step went first): the answer goes to it.
        response = client.post(url, {"answer": "n", "step": str(steps[1].pk)})
        assert response.status_code == 303
        session = FlowSession.objects.get()
        assert set(session.answers.values_list("step", flat=True)) == {steps[0].pk, steps[1].pk}
        assert "/fix/1/" in response["Location"]  # the inserted step, not answered yet
        assert client.get(response["Location"]).status_code == 200

    def test_the_step_the_form_names_at_its_address_takes_the_answer(self, client):
        _, symptom, steps, _ = make_guide(3)
        url = answer(client, begin(client, symptom))
        response = client.post(url, {"answer": "s", "step": str(steps[1].pk)})
        assert "/fix/3/" in response["Location"]
        assert StepAnswer.objects.get(step=steps[1]).number == 2
        # A step the list never had takes nothing: the page is shown again, as it was.
        assert client.post(url, {"answer": "s", "step": "x1"}).status_code == 400
        assert StepAnswer.objects.count() == 2

    def test_a_symptom_unpublished_after_an_answer_takes_no_more(self, client):
        symptom = make_guide(3)[1]
        url = answer(client, begin(client, symptom))
        symptom.status = Status.DRAFT
        symptom.save()
        assert client.post(url, {"answer": "n"}).status_code == 404
        assert StepAnswer.objects.count() == 1

    def test_each_language_keeps_its_own_addresses(self, client):
        symptom = make_guide(3)[1]
        english = answer(client, begin(client, symptom))
        assert answer(client, "/es" + english, "s").startswith("/es/")
        assert not answer(client, english, "s").startswith("/es/")

    def test_a_resolution_still_ends_the_session(self, client):
        symptom = make_guide(3)[1]
        url = answer(client, begin(client, symptom))
        fixed = answer(client, url, "y")
        assert "/fix/fixed/" in fixed
        session = FlowSession.objects.get()
        assert (session.outcome, session.resolved_number) == (Outcome.RESOLVED, 2)

    def test_a_kept_flow_holds_none_of_what_only_a_page_shows(self, client):
        """Kept per content version, a flow holds no step's instructions or HTML pieces."""
        symptom = make_guide(3)[1]
        answer(client, begin(client, symptom))
        (kept,) = flow._kept_flows.get()._flows.values()

        assert [step.slug for step in kept.steps] == [
            step.slug for step in flow.Flow.for_symptom(symptom).steps
        ]
        for step in kept.steps:
            assert set(flow.SHOWN_ONLY) <= step.get_deferred_fields()


@pytest.mark.django_db(transaction=True)
class TestSqliteLockWait:
    """As in production: each recording its own transaction, with SQLite's short lock wait."""

    @pytest.fixture(autouse=True)
    def _sqlite(self):
        if connection.vendor != "sqlite":
            pytest.skip("SQLite's lock wait")

    def busy_timeout(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            return cursor.fetchone()[0]

    def test_the_usual_wait_is_read_once_per_connection_and_always_restored(self, client):
        symptom = make_guide(3)[1]
        url = answer(client, begin(client, symptom))
        usual = self.busy_timeout()
        with CaptureQueriesContext(connection) as captured:
            answer(client, url)
        pragmas = [sql for sql in statements(captured) if "busy_timeout" in sql]
        assert pragmas == ["PRAGMA busy_timeout = 2000", f"PRAGMA busy_timeout = {usual}"]
        assert self.busy_timeout() == usual

    def test_another_connection_has_its_usual_wait_read_afresh(self, client, monkeypatch):
        symptom = make_guide(3)[1]
        url = answer(client, begin(client, symptom))
        # As after the connection was closed and another opened: what was read was its own.
        monkeypatch.setattr(recording._waits, "held", (object(), 1), raising=False)
        with CaptureQueriesContext(connection) as captured:
            answer(client, url)
        assert "PRAGMA busy_timeout" in statements(captured)
        assert self.busy_timeout() == 20_000


@pytest.mark.django_db(transaction=True)
def test_an_answer_is_one_short_transaction(client):
    """As in production, each recording its own transaction: its statements, all counted."""
    symptom = make_guide(3)[1]
    step_one = begin(client, symptom).split("?")[0]
    answer(client, step_one)
    with CaptureQueriesContext(connection) as captured:
        answer(client, step_one)
    writes = [sql.split()[0] for sql in statements(captured) if "contentversion" not in sql]
    if connection.vendor == "sqlite":
        # The lock wait lowered, then restored around the transaction SQLite opens itself.
        expected = ["PRAGMA", "BEGIN", "INSERT", "INSERT", "COMMIT", "PRAGMA"]
    else:
        # One message, one round trip, its own transaction: the lock and statement timeouts,
        # then the session and its answer in one statement (an INSERT inside a WITH).
        expected = ["SELECT"]
    assert writes == expected
    if connection.vendor == "postgresql":
        (sent,) = [sql for sql in statements(captured) if "contentversion" not in sql]
        assert sent.startswith("SELECT set_config('lock_timeout'")
        assert "; WITH " in sent


@pytest.mark.django_db(transaction=True)
def test_an_answer_in_a_session_is_one_short_transaction_and_replaces_in_place(client):
    """In a session: the session's id, one upsert of the answer, the session's outcome."""
    symptom = make_guide(3)[1]
    step_two = answer(client, begin(client, symptom))
    answer(client, step_two, "s")
    first = StepAnswer.objects.get(number=2)
    with CaptureQueriesContext(connection) as captured:
        answer(client, step_two, "c")  # the same step again: its answer is replaced
    writes = [sql.split()[0] for sql in statements(captured) if "contentversion" not in sql]
    if connection.vendor == "sqlite":
        expected = ["PRAGMA", "BEGIN", "SELECT", "INSERT", "UPDATE", "COMMIT", "PRAGMA"]
    else:
        # The terms, then the session's id, the answer and its state in one statement: one
        # message, its own transaction.
        expected = ["SELECT"]
    assert writes == expected
    if connection.vendor == "postgresql":
        (sent,) = [sql for sql in statements(captured) if "contentversion" not in sql]
        assert "set_config('statement_timeout'" in sent and "; WITH found AS" in sent
    again = StepAnswer.objects.get(number=2)
    assert (again.pk, again.result) == (first.pk, "c")
    assert again.answered_at >= first.answered_at
    assert StepAnswer.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_only_the_recordings_commit_skips_waiting_for_the_disk(client):
    """PostgreSQL: an outcome's commit is asynchronous, as SQLite's are; nothing else's is."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    symptom = make_guide(3)[1]
    step_one = begin(client, symptom).split("?")[0]
    with CaptureQueriesContext(connection) as captured:
        answer(client, step_one)
    terms = next(sql for sql in statements(captured) if "set_config" in sql)
    assert "set_config('synchronous_commit', 'off', true)" in terms
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db(transaction=True)
def test_an_answer_waits_briefly_for_a_lock_then_the_person_carries_on(client, settings):
    """PostgreSQL: the terms hold for the statement sent after them; then the usual ones again."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock timeout")
    import psycopg

    settings.OUTCOMES_WRITE_TIMEOUT_MS = 300
    symptom = make_guide(3)[1]
    step_one = begin(client, symptom).split("?")[0]
    sessions = FlowSession.objects.count()
    params = connection.get_connection_params()
    # A migration's lock, held by another session for 4 s at most whatever happens here.
    holder = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    holder.execute("LOCK TABLE troubleshooting_flowsession IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(4, holder.rollback)
    release.start()
    try:
        started = time.monotonic()
        answer(client, step_one)  # the person goes on to the next step
        waited = time.monotonic() - started
    finally:
        release.cancel()
        holder.rollback()
        holder.close()
    # Given up after the 0.3 s lock timeout, not after the lock was released, and not recorded.
    assert waited < 3
    assert FlowSession.objects.count() == sessions
    with connection.cursor() as cursor:  # the terms ended with the statement's transaction
        cursor.execute(
            "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"
        )
        assert cursor.fetchone() == ("0", "0")
