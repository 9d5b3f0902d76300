"""Outcome statements written once: the rows the ORM would write, the values it would send."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_guide
from troubleshooting.models import FixStep, FlowSession, Outcome, StepAnswer
from troubleshooting.outcomes import recording
from troubleshooting.outcomes.statements import Insert, InsertWith, Statement

pytestmark = pytest.mark.django_db


def stored(model, pk) -> dict:
    """Return a row as the database gives it back, its id and key left out."""
    row = model.objects.filter(pk=pk).values().get()
    row.pop("id")
    row.pop("key", None)
    row.pop("session_id", None)
    return row


def test_a_session_and_its_answer_are_stored_as_create_stores_them():
    _, symptom, steps, _ = make_guide(2)
    now = timezone.now() - timedelta(minutes=3)
    session = {
        "symptom": symptom.pk, "started_at": now, "last_active_at": now,
        "outcome": Outcome.RESOLVED, "resolved_number": 2, "language": "es",
    }  # fmt: skip
    answer = {
        "step": steps[1].pk, "answered_at": now, "number": 2, "result": "c", "reason": "password",
    }  # fmt: skip
    inserted = Insert(FlowSession).run(key=recording.new_key(), **session)
    inserted_answer = Insert(StepAnswer).run(session=inserted, note="A note", **answer)

    symptom_id = session.pop("symptom")
    created = FlowSession.objects.create(key=recording.new_key(), symptom_id=symptom_id, **session)
    created_answer = StepAnswer.objects.create(
        session=created, step_id=answer.pop("step"), note="A note", **answer
    )
    assert stored(FlowSession, inserted) == stored(FlowSession, created.pk)
    assert stored(StepAnswer, inserted_answer) == stored(StepAnswer, created_answer.pk)
    assert StepAnswer.objects.get(pk=inserted_answer).session_id == inserted


def session_and_answer(symptom, steps, now) -> tuple[dict, dict]:
    session = {
        "symptom": symptom.pk, "started_at": now, "last_active_at": now,
        "outcome": Outcome.RESOLVED, "resolved_number": 1, "language": "fr",
    }  # fmt: skip
    answer = {"step": steps[0].pk, "answered_at": now, "number": 1, "result": "y"}
    return session, answer


def test_a_session_with_its_answer_is_stored_as_the_two_inserts_store_them():
    _, symptom, steps, _ = make_guide(2)
    session, answer = session_and_answer(symptom, steps, timezone.now() - timedelta(minutes=3))
    both = InsertWith(Insert(FlowSession), Insert(StepAnswer), "session")
    with CaptureQueriesContext(connection) as captured:
        pk = both.run({"key": recording.new_key(), **session}, answer)
    apart = Insert(FlowSession).run(key=recording.new_key(), **session)
    apart_answer = Insert(StepAnswer).run(session=apart, **answer)

    assert stored(FlowSession, pk) == stored(FlowSession, apart)
    (pair,) = StepAnswer.objects.filter(session=pk).values_list("pk", flat=True)
    assert stored(StepAnswer, pair) == stored(StepAnswer, apart_answer)
    # One round trip where the database takes an INSERT inside a WITH; two elsewhere.
    expected = ["WITH"] if connection.vendor == "postgresql" else ["INSERT", "INSERT"]
    assert [query["sql"].split()[0] for query in captured] == expected


def test_a_refused_answer_leaves_no_session_without_it():
    """The two rows are one write: refused together (PostgreSQL) or undone by the transaction."""
    _, symptom, steps, _ = make_guide(1)
    session, answer = session_and_answer(symptom, steps, timezone.now())
    both = InsertWith(Insert(FlowSession), Insert(StepAnswer), "session")
    # A letter no answer has: the database itself refuses the row (its CHECK constraint), once
    # the statements are sent, so the session's insert has run or been sent with it.
    with pytest.raises(IntegrityError), transaction.atomic():
        both.run({"key": recording.new_key(), **session}, {**answer, "result": "z"})
    assert not FlowSession.objects.exists()
    assert not StepAnswer.objects.exists()


def test_a_session_with_its_answer_refuses_unknown_fields_before_writing():
    _, symptom, steps, _ = make_guide(1)
    session, answer = session_and_answer(symptom, steps, timezone.now())
    both = InsertWith(Insert(FlowSession), Insert(StepAnswer), "session")
    with pytest.raises(TypeError, match="no field colour"):
        both.run({"key": recording.new_key(), **session}, {**answer, "colour": "blue"})
    assert not StepAnswer.objects.exists()


def test_fields_not_given_take_their_defaults():
    symptom = make_guide(1)[1]
    before = timezone.now()
    pk = Insert(FlowSession).run(key=recording.new_key(), symptom=symptom.pk)
    session = FlowSession.objects.get(pk=pk)
    assert (session.outcome, session.resolved_number, session.known_issue) == (
        Outcome.OPEN,
        None,
        None,
    )
    assert session.started_at >= before
    assert session.language == "en"


def test_an_unknown_field_is_refused_before_anything_is_written():
    with pytest.raises(TypeError, match="no field colour"):
        Insert(FlowSession).run(key=recording.new_key(), colour="blue")
    assert not FlowSession.objects.exists()


@pytest.mark.parametrize("model", [FlowSession, StepAnswer])
def test_nothing_listens_to_the_saves_the_prepared_inserts_skip(model):
    """The inserts send no save signals: a receiver for these rows would need the ORM's save."""
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)


def test_an_insert_refuses_a_model_whose_values_are_made_on_save():
    """auto_now or a database default would be stored as nothing: such a model needs create()."""
    stamped = Insert(FixStep)  # its "updated" is auto_now
    with pytest.raises(ImproperlyConfigured, match="updated"):
        stamped.fields()


def test_a_statement_names_columns_by_field_and_prepares_values_through_them():
    symptom = make_guide(1)[1]
    then = timezone.now() - timedelta(hours=1)
    pk = Insert(FlowSession).run(key=recording.new_key(), symptom=symptom.pk)
    find = Statement(FlowSession, "SELECT {pk} FROM {table} WHERE {symptom} = %s", ("symptom",))
    touch = Statement(
        FlowSession,
        "UPDATE {table} SET {last_active_at} = %s WHERE {pk} = %s",
        ("last_active_at", "id"),
    )
    assert find.first(symptom.pk) == pk
    assert find.first(symptom.pk + 1000) is None
    assert touch.run(then, pk) == 1
    assert touch.run(then, pk + 1000) == 0
    assert FlowSession.objects.get(pk=pk).last_active_at == then


def test_a_statement_given_the_wrong_number_of_values_writes_nothing():
    touch = Statement(FlowSession, "UPDATE {table} SET {outcome} = %s", ("outcome",))
    with pytest.raises(TypeError, match="1 values expected, 2 given"):
        touch.run("open", "ended")


def test_a_statement_names_another_models_columns_and_prepares_values_through_them():
    _, symptom, steps, _ = make_guide(2)
    session, answer = session_and_answer(symptom, steps, timezone.now())
    pk = InsertWith(Insert(FlowSession), Insert(StepAnswer), "session").run(
        {"key": recording.new_key(), **session}, answer
    )
    steps_answered = Statement(
        FlowSession,
        "SELECT {answer.step} FROM {answer.table} JOIN {table} ON {table}.{pk} = {answer.session}"
        " WHERE {key} IS NOT NULL AND {answer.session} = %s AND {answer.result} = %s",
        ("id", "answer.result"),
        others={"answer": StepAnswer},
    )
    assert steps_answered.first(pk, "y") == steps[0].pk
    assert steps_answered.first(pk, "n") is None
