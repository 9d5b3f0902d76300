"""Invariants of the content: what the database and validation refuse."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    make_choice,
    make_question,
    make_step,
    make_symptom,
    make_topic,
)
from troubleshooting.models import (
    FixStep,
    Severity,
    Status,
    Symptom,
    SymptomStep,
    TriageChoice,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db


def test_destructive_step_without_warning_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        FixStep.objects.create(
            title="Erase", slug="erase", instructions="x", severity=Severity.DESTRUCTIVE
        )


def test_destructive_step_without_warning_fails_validation():
    step = FixStep(title="Erase", slug="erase", instructions="x", severity=Severity.DESTRUCTIVE)
    with pytest.raises(ValidationError) as excinfo:
        step.full_clean()
    assert "warning" in excinfo.value.message_dict


def test_a_step_is_listed_once_per_symptom_and_positions_are_unique():
    step = make_step()
    symptom = make_symptom(steps=[step])
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomStep.objects.create(symptom=symptom, step=step, position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomStep.objects.create(symptom=symptom, step=make_step(), position=1)


def test_one_start_question_per_topic():
    topic = make_topic()
    make_question(topic=topic, is_start=True)
    make_question(topic=topic, is_start=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(topic=topic, is_start=True)


def test_a_choice_leads_to_exactly_one_place():
    topic = make_topic()
    question = make_question(topic=topic)
    other = make_question(topic=topic)
    symptom = make_symptom(topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageChoice.objects.create(question=question, label="x", position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageChoice.objects.create(
            question=question, label="x", position=1, next_question=other, symptom=symptom
        )
    choice = TriageChoice(question=question, label="x", position=1)
    with pytest.raises(ValidationError):
        choice.full_clean()


def test_triage_loops_are_refused():
    topic = make_topic()
    first = make_question(topic=topic)
    second = make_question(topic=topic)
    third = make_question(topic=topic)
    make_choice(question=first, next_question=second)
    make_choice(question=second, next_question=third)
    loop = TriageChoice(question=third, label="Back to start", position=1, next_question=first)
    with pytest.raises(ValidationError) as excinfo:
        loop.full_clean()
    assert "loop" in str(excinfo.value)
    to_itself = TriageChoice(question=third, label="Again", position=1, next_question=third)
    with pytest.raises(ValidationError):
        to_itself.full_clean()


def test_triage_choices_stay_within_their_topic():
    question = make_question(topic=make_topic())
    elsewhere = make_question(topic=make_topic())
    with pytest.raises(ValidationError) as excinfo:
        TriageChoice(question=question, label="x", position=1, next_question=elsewhere).full_clean()
    assert "next_question" in excinfo.value.message_dict
    symptom_elsewhere = make_symptom()
    with pytest.raises(ValidationError) as excinfo:
        TriageChoice(
            question=question, label="x", position=1, symptom=symptom_elsewhere
        ).full_clean()
    assert "symptom" in excinfo.value.message_dict


def test_valid_choice_passes_validation():
    topic = make_topic()
    question = make_question(topic=topic)
    TriageChoice(
        question=question, label="x", position=1, next_question=make_question(topic=topic)
    ).full_clean()


def test_natural_keys_round_trip():
    symptom = make_symptom(steps=[make_step()])
    assert Symptom.objects.get_by_natural_key(*symptom.natural_key()) == symptom
    link = symptom.symptom_steps.get()
    assert SymptomStep.objects.get_by_natural_key(*link.natural_key()) == link
    question = make_question(topic=symptom.topic)
    choice = make_choice(question=question, symptom=symptom)
    assert TriageChoice.objects.get_by_natural_key(*choice.natural_key()) == choice
    assert TriageQuestion.objects.get_by_natural_key(question.slug) == question


def test_published_queryset_hides_drafts():
    published = make_step()
    make_step(status=Status.DRAFT)
    assert list(FixStep.objects.visible()) == [published]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "About a minute"),
        (1, "About a minute"),
        (5, "About 5 minutes"),
        (60, "About 1 hour"),
        (150, "About 2 hours"),
    ],
)
def test_time_estimate_in_words(minutes, text):
    assert FixStep(minutes=minutes).time_estimate == text


def test_settings_path_parts():
    step = FixStep(settings_path="Settings > Messages >  Send & Receive")
    assert step.settings_path_parts == ["Settings", "Messages", "Send & Receive"]


def test_string_representations():
    symptom = make_symptom(title="Not Delivered", steps=[make_step(title="Restart")])
    assert str(symptom) == "Not Delivered"
    assert str(symptom.symptom_steps.get()) == "Not Delivered: 1. Restart"


@pytest.mark.parametrize("slug", ["admin", "fix", "static", "Search"])
def test_slugs_the_site_uses_are_refused(slug):
    topic = make_topic()
    symptom = Symptom(topic=topic, title="x", slug=slug, summary="x", body="x")
    with pytest.raises(ValidationError) as excinfo:
        symptom.full_clean()
    assert "used by the site itself" in str(excinfo.value.message_dict["slug"])


def test_a_question_cannot_move_away_from_the_answers_linking_it():
    topic = make_topic()
    start = make_question(topic=topic, is_start=True)
    follow_up = make_question(topic=topic)
    make_choice(question=start, next_question=follow_up)
    follow_up.topic = make_topic()
    with pytest.raises(ValidationError) as excinfo:
        follow_up.full_clean()
    assert "before moving it to another topic" in str(excinfo.value.message_dict["topic"])
    lone = make_question(topic=topic)
    lone.topic = follow_up.topic
    lone.full_clean()  # nothing links it: free to move


def test_an_answer_without_a_question_is_only_checked_for_its_target():
    symptom = make_symptom()
    TriageChoice(label="x", position=1, symptom=symptom).clean()


def test_a_step_cannot_become_destructive_ahead_of_safer_steps():
    first, second = make_step(), make_step()
    symptom = make_symptom(title="Stuck", steps=[first, second])
    first.severity = Severity.DESTRUCTIVE
    first.warning = "Deletes things."
    with pytest.raises(ValidationError) as excinfo:
        first.full_clean()
    assert "In “Stuck”, destructive steps would then come before safer ones" in str(
        excinfo.value.message_dict["severity"]
    )
    second.severity = Severity.DESTRUCTIVE
    second.warning = "Deletes things."
    second.full_clean()  # last in the list: fine
    assert symptom.symptom_steps.count() == 2


def test_a_step_after_a_destructive_one_cannot_become_safe():
    destructive = make_step(severity=Severity.DESTRUCTIVE)
    later = make_step(severity=Severity.DESTRUCTIVE)
    make_symptom(steps=[destructive, later])
    later.severity = Severity.QUICK
    with pytest.raises(ValidationError):
        later.full_clean()
