"""A triage question's words, or its answers', retire the questions and listings alone.

No symptom's own page (its article, the steps of its guided fix, its "fixed" page) shows what
a question asks or how its answers read: a correction to them in a surge keeps every symptom's
pages cached. Where a question or an answer leads, and whether it is shown, retire every page:
step 1 of a guided fix links back to the question that led to it.
"""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.utils import timezone

from tests.demo_data import load_demo
from tests.troubleshooting.test_admin import admin_url
from tests.troubleshooting.test_caching_known_issues_scoped import scoped_now
from tests.troubleshooting.test_caching_scoped import (
    EDITED,
    assert_scoped,
    frame_and_symptoms,
    served_after,
)
from troubleshooting import caching, review
from troubleshooting.models import (
    ContentVersion,
    Status,
    Symptom,
    SymptomTranslation,
    Topic,
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


def unstart_question():
    item = TriageQuestion.objects.get(topic__slug="messages", is_start=True)
    item.prompt += " now"
    item.is_start = False
    item.save()


def schedule_question():
    item = question()
    item.prompt += " now"
    item.publish_at = timezone.now() + timedelta(days=1)
    item.save()


def withdraw_translated_question():
    item = TriageQuestionTranslation.objects.filter(source=question()).first()
    item.prompt += " ahora"
    item.status = Status.DRAFT
    item.save()


LEADS = {
    "answer's symptom": lead_elsewhere,
    "question's address": move_question,
    "question unpublished": unpublish_question,
    "question no longer first": unstart_question,
    "question scheduled": schedule_question,
    "translated question's address": move_translated_question,
    "translated question withdrawn": withdraw_translated_question,
}


@pytest.mark.parametrize("edit", LEADS.values(), ids=LEADS.keys())
def test_where_a_question_leads_retires_every_page(demo, edit):
    edit()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def test_a_topics_title_and_a_reworded_question_in_one_transaction_retire_every_page(demo):
    with transaction.atomic():
        item = Topic.objects.get(slug="messages")
        item.title += " and more"
        item.save()
        edit_prompt()  # scoped, after a save that changed the frame: the frame stays new
    assert frame_and_symptoms()[0] not in (demo, "")
    assert frame_and_symptoms()[1] == {}


class PostedForm(HTMLParser):
    """What a browser sends for a page's form (by its id), as the page filled it in."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name") or ""
        if not self.inside or "__prefix__" in name:  # an inline's template for new rows
            return
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "image"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.data.append((name, ""))

    def handle_data(self, data):
        if self.textarea:
            name, text = self.data.pop()
            self.data.append((name, text + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def change_form(admin_client, item) -> dict:
    """Return the admin's change form of ``item`` as a browser would post it unchanged."""
    parser = PostedForm(f"{type(item)._meta.model_name}_form")
    parser.feed(admin_client.get(admin_url(type(item), "change", item.pk)).text)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value.removeprefix("\n"))  # as browsers drop it
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def choice_row(data: dict, choice: TriageChoice) -> str:
    """Return the prefix of ``choice``'s row in a question's posted form."""
    return next(
        name.removesuffix("-id")
        for name, value in data.items()
        if name.endswith("-id") and value == str(choice.pk)
    )


def test_a_question_posted_back_unchanged_keeps_its_answers_and_every_symptoms_pages(
    demo, admin_client
):
    item = question()
    before = [(row.pk, row.label, row.position) for row in item.choices.all()]
    response = admin_client.post(
        admin_url(TriageQuestion, "change", item.pk), change_form(admin_client, item)
    )
    assert response.status_code == 302
    assert [(row.pk, row.label, row.position) for row in item.choices.all()] == before
    assert scoped_now() == (demo, set())


def test_an_answer_reworded_in_the_admin_keeps_every_symptoms_pages(demo, admin_client):
    item, chosen = question(), answer()
    data = change_form(admin_client, item)
    row = choice_row(data, chosen)
    data[f"{row}-label"] += " (in red)"
    response = admin_client.post(admin_url(TriageQuestion, "change", item.pk), data)
    assert response.status_code == 302
    assert TriageChoice.objects.get(pk=chosen.pk).label == chosen.label + " (in red)"
    assert scoped_now() == (demo, set())


def test_answers_trading_places_in_the_admin_retire_every_page(demo, admin_client):
    item = question()
    first, second = item.choices.order_by("position")[:2]
    data = change_form(admin_client, item)
    data[f"{choice_row(data, first)}-position"] = str(second.position)
    data[f"{choice_row(data, second)}-position"] = str(first.position)
    response = admin_client.post(admin_url(TriageQuestion, "change", item.pk), data)
    assert response.status_code == 302
    assert list(item.choices.order_by("position").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def approved(item, edit) -> None:
    """Propose ``edit`` of ``item``'s snapshot (its fields and its list's rows) and apply it."""
    base = review.snapshot(item)
    proposed = json.loads(base)
    edit(proposed)
    editor = django_user()
    change = review.propose(obj=item, proposed=json.dumps(proposed), base=base, author=editor)
    review.apply(change, user=editor)


def django_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("pat", is_staff=True)


def test_an_approved_rewording_keeps_every_symptoms_pages(demo):
    item, chosen = question(), answer()
    pks = sorted(item.choices.values_list("pk", flat=True))

    def reword(rows):
        rows[0]["fields"]["prompt"] += " now"
        row = next(
            row for row in rows if row["pk"] == chosen.pk and row["model"].endswith("choice")
        )
        row["fields"]["label"] += " (in red)"

    approved(item, reword)
    assert TriageQuestion.objects.get(pk=item.pk).prompt == item.prompt + " now"
    assert TriageChoice.objects.get(pk=chosen.pk).label == chosen.label + " (in red)"
    assert sorted(item.choices.values_list("pk", flat=True)) == pks
    assert scoped_now() == (demo, set())


def test_an_approved_summary_retires_that_symptoms_pages_alone(demo):
    item = Symptom.objects.get(slug=EDITED)

    def summarise(rows):
        rows[0]["fields"]["summary"] += " (Approved.)"

    approved(item, summarise)
    translated = SymptomTranslation.objects.filter(source=item).values_list("slug", flat=True)
    assert scoped_now() == (demo, {EDITED, *translated})


def test_answers_trading_places_in_an_approved_change_retire_every_page(demo):
    item = question()
    first, second = item.choices.order_by("position")[:2]

    def trade(rows):
        places = {first.pk: second.position, second.pk: first.position}
        for row in rows[1:]:
            if row["pk"] in places:
                row["fields"]["position"] = places[row["pk"]]

    approved(item, trade)
    assert list(item.choices.order_by("position").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})
