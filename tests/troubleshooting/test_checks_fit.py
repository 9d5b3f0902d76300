"""Triage answers lead only to steps that fit them: the model, the check, the demo guide."""

import pytest

from tests.factories import make_choice, make_guide, make_question, make_step
from troubleshooting.content_checks import ProblemKind, check_content
from troubleshooting.flow import Flow
from troubleshooting.models import Reach, Symptom, SymptomStep, TriageChoice

pytestmark = pytest.mark.django_db


def misfits():
    return [p for p in check_content() if p.kind == ProblemKind.STEP_DOES_NOT_FIT]


@pytest.fixture
def guide_with_a_one_person_step():
    topic, symptom, steps, start = make_guide(2)
    step = make_step(title="Check their number", only_when=Reach.FEW)
    SymptomStep.objects.create(symptom=symptom, step=step, position=3)
    return topic, symptom, step, start


def test_an_answer_for_everyone_leading_to_a_one_person_step_is_an_error(
    guide_with_a_one_person_step,
):
    topic, symptom, step, start = guide_with_a_one_person_step
    start.choices.update(reach=Reach.EVERYONE)
    (problem,) = misfits()
    assert problem.is_error
    assert problem.obj.is_for(start)
    assert "Check their number" in problem.message
    assert "only fits when it fails with one or two people" in problem.message


@pytest.mark.parametrize("reach", [Reach.FEW, Reach.ANYONE])
def test_answers_that_fit_or_say_nothing_are_fine(guide_with_a_one_person_step, reach):
    guide_with_a_one_person_step[3].choices.update(reach=reach)
    assert misfits() == []


def test_what_an_answer_says_holds_through_the_questions_after_it(
    guide_with_a_one_person_step,
):
    topic, symptom, step, start = guide_with_a_one_person_step
    start.choices.all().delete()
    follow_up = make_question(topic=topic, prompt="Which message?")
    make_choice(question=start, label="Everyone", next_question=follow_up, reach=Reach.EVERYONE)
    make_choice(question=follow_up, label="The last one", symptom=symptom)
    (problem,) = misfits()
    assert problem.obj.is_for(start)


@pytest.mark.usefixtures("demo_content")
class TestDemoGuide:
    def test_not_delivered_to_everyone_offers_no_one_person_steps(self):
        choice = TriageChoice.objects.get(question__slug="not-delivered-to-whom", label="Everyone")
        assert choice.reach == Reach.EVERYONE
        titles = [step.title for step in Flow.for_symptom(choice.symptom).steps]
        assert "Check their number and email address" not in titles
        assert "Delete the messages that won't send" not in titles
        assert "Delete the whole conversation" not in titles

    def test_one_person_still_gets_them(self):
        titles = [
            s.title for s in Flow.for_symptom(Symptom.objects.get(slug="only-one-contact")).steps
        ]
        assert "Check their number and email address" in titles
        assert "Delete the messages that won't send" in titles

    def test_the_demo_guide_passes_the_check(self):
        assert misfits() == []
