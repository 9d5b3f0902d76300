"""A triage question's words, or its answers', retire the questions and listings alone.

No symptom's own page (its article, the steps of its guided fix, its "fixed" page) shows what
a question asks or how its answers read: a correction to them in a surge keeps every symptom's
pages cached. Where a question or an answer leads, and whether it is shown, retire every page:
step 1 of a guided fix links back to the question that led to it.
"""

import pytest
from django.db import transaction

from tests.demo_data import load_demo
from tests.troubleshooting.test_caching_known_issues_scoped import scoped_now
from tests.troubleshooting.test_caching_scoped import (
    EDITED,
    assert_scoped,
    frame_and_symptoms,
    served_after,
)
from troubleshooting import caching
from troubleshooting.models import (
    ContentVersion,
    Status,
    Symptom,
    TriageChoice,
    TriageQuestion,
    TriageQuestionTranslation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo()
    caching.content_version()  # the row is there, as once any page was served
    return frame_and_symptoms()[0]


def question() -> TriageQuestion:
    """The question whose answer leads to the edited symptom."""
    return TriageQuestion.objects.get(choices__symptom__slug=EDITED)


def answer() -> TriageChoice:
    return TriageChoice.objects.get(symptom__slug=EDITED)


def edit_prompt():
    item = question()
    item.prompt += " now"
    item.help += "\n\nLook under the last message you sent."
    item.save()


def edit_answer():
    item = answer()
    item.label += " (in red)"
    item.hint += " Tap it to see why."
    item.save()


def edit_translated_question():
    item = TriageQuestionTranslation.objects.filter(source=question()).first()
    item.prompt += " ahora"
    item.choices[0]["label"] += " (en rojo)"
    item.save()


EDITS = {
    "question": edit_prompt,
    "answer": edit_answer,
    "translated question": edit_translated_question,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_questions_words_retire_the_listings_and_keep_every_symptoms_pages(demo, edit):
    token = ContentVersion.objects.get().token
    edit()
    assert scoped_now() == (demo, set())
    assert ContentVersion.objects.get().token != token  # the questions and listings retire


def test_no_page_is_served_stale_and_every_symptoms_pages_stay_after_questions_are_reworded(
    demo, client, monkeypatch, settings
):
    def reword():
        edit_prompt()
        edit_answer()
        edit_translated_question()

    cached = set()
    kept = served_after(reword, client, monkeypatch, settings, cached=cached)
    assert_scoped(kept, cached, set())


def lead_elsewhere():
    item = answer()
    item.symptom = Symptom.objects.exclude(slug=EDITED).filter(topic__slug="messages").first()
    item.label += " (in red)"
    item.save()


def move_question():
    item = question()
    item.prompt += " now"
    item.slug += "-now"
    item.save()


def unpublish_question():
    item = question()
    item.prompt += " now"
    item.status = Status.DRAFT
    item.save()


def move_translated_question():
    item = TriageQuestionTranslation.objects.filter(source=question()).first()
    item.prompt += " ahora"
    item.slug += "-ahora"
    item.save()


LEADS = {
    "answer's symptom": lead_elsewhere,
    "question's address": move_question,
    "question unpublished": unpublish_question,
    "translated question's address": move_translated_question,
}


@pytest.mark.parametrize("edit", LEADS.values(), ids=LEADS.keys())
def test_where_a_question_leads_retires_every_page(demo, edit):
    edit()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def test_a_reworded_question_and_a_symptoms_title_in_one_transaction_retire_every_page(demo):
    with transaction.atomic():
        edit_prompt()
        item = Symptom.objects.get(slug=EDITED)
        item.title += " now"
        item.save()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})
