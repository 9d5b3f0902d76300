"""The editors' admin: every model can be listed, searched, added and changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_cause, make_choice, make_guide, make_question, make_step
from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Status,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db

MODELS = [Topic, Symptom, Cause, FixStep, TriageQuestion]


@pytest.fixture
def editor(admin_client):
    make_guide(3, destructive_last=True)
    return admin_client


def admin_url(model, view, *args):
    return reverse(f"admin:troubleshooting_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_load(editor, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert editor.get(admin_url(model, "changelist")).status_code == 200
    assert editor.get(admin_url(model, "changelist") + "?q=step").status_code == 200
    assert editor.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert editor.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_symptom_page_shows_its_ordered_steps_and_causes_inline(editor):
    symptom = Symptom.objects.get()
    html = editor.get(admin_url(Symptom, "change", symptom.pk)).content.decode()
    assert "Fix steps, in the order people try them" in html
    assert "Likely causes, most likely first" in html
    assert "Destructive (can lose data)" in html  # severity shown beside each step


def test_filters_by_status_and_severity(editor):
    make_step(title="Unfinished step", status=Status.DRAFT)
    html = editor.get(admin_url(FixStep, "changelist") + "?status__exact=draft").content.decode()
    assert "Unfinished step" in html
    assert "Delete the conversation" not in html
    html = editor.get(admin_url(FixStep, "changelist") + "?severity__exact=4").content.decode()
    assert "Delete the conversation" in html


def test_publish_and_unpublish_actions(editor):
    step = make_step(status=Status.DRAFT)
    url = admin_url(FixStep, "changelist")
    editor.post(url, {"action": "publish", "_selected_action": [step.pk]})
    step.refresh_from_db()
    assert step.status == Status.PUBLISHED
    editor.post(url, {"action": "unpublish", "_selected_action": [step.pk]})
    step.refresh_from_db()
    assert step.status == Status.DRAFT


def test_adding_a_step_renders_its_markdown(editor):
    response = editor.post(
        admin_url(FixStep, "add"),
        {
            "title": "Check the SIM",
            "slug": "check-the-sim",
            "status": Status.PUBLISHED,
            "instructions": "Open **Settings**.<script>x()</script>",
            "settings_path": "Settings > Cellular",
            "minutes": 2,
            "severity": Severity.QUICK,
            "warning": "",
        },
    )
    assert response.status_code == 302
    step = FixStep.objects.get(slug="check-the-sim")
    assert step.instructions_html == "<p>Open <strong>Settings</strong>.</p>"


def test_destructive_step_without_warning_is_a_form_error(editor):
    response = editor.post(
        admin_url(FixStep, "add"),
        {
            "title": "Erase everything",
            "slug": "erase-everything",
            "status": Status.DRAFT,
            "instructions": "Erase it.",
            "minutes": 5,
            "severity": Severity.DESTRUCTIVE,
            "warning": "",
        },
    )
    assert response.status_code == 200
    assert "A destructive step needs a warning" in response.content.decode()
    assert not FixStep.objects.filter(slug="erase-everything").exists()


def test_a_triage_loop_is_refused_in_the_admin(editor):
    topic = Topic.objects.get()
    start = TriageQuestion.objects.get(is_start=True)
    follow_up = make_question(topic=topic, prompt="Follow-up?")
    make_choice(question=start, next_question=follow_up)
    existing = TriageChoice.objects.filter(question=follow_up)
    data = {
        "topic": topic.pk,
        "prompt": follow_up.prompt,
        "slug": follow_up.slug,
        "help": "",
        "status": Status.PUBLISHED,
        "choices-TOTAL_FORMS": "1",
        "choices-INITIAL_FORMS": str(existing.count()),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-position": "1",
        "choices-0-label": "Go back to the start",
        "choices-0-hint": "",
        "choices-0-next_question": start.pk,
        "choices-0-symptom": "",
    }
    response = editor.post(admin_url(TriageQuestion, "change", follow_up.pk), data)
    assert response.status_code == 200
    assert "That would make a loop" in response.content.decode()
    assert not TriageChoice.objects.filter(question=follow_up).exists()


def test_causes_are_searchable(editor):
    make_cause(title="Wrong date and time")
    make_cause(title="Network outage")
    html = editor.get(admin_url(Cause, "changelist") + "?q=date").content.decode()
    assert "Wrong date and time" in html
    assert "Network outage" not in html


def test_anonymous_people_cannot_reach_the_admin(client):
    response = client.get(admin_url(Symptom, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def symptom_form_data(symptom, step_rows, cause_rows=None):
    """The POST an editor's browser sends from a symptom's change page."""
    cause_rows = (
        cause_rows
        if cause_rows is not None
        else [(link.pk, link.position, link.cause_id) for link in symptom.symptom_causes.all()]
    )
    data = {
        "topic": symptom.topic_id,
        "title": symptom.title,
        "slug": symptom.slug,
        "summary": symptom.summary,
        "status": symptom.status,
        "body": symptom.body,
        "aliases": "",
        "next_moves": "",
        "position": 0,
    }
    for prefix, rows, field in (
        ("symptom_steps", step_rows, "step"),
        ("symptom_causes", cause_rows, "cause"),
    ):
        initial = sum(1 for row in rows if row[0])
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, (pk, position, target, *delete) in enumerate(rows):
            data |= {
                f"{prefix}-{index}-id": pk or "",
                f"{prefix}-{index}-symptom": symptom.pk,
                f"{prefix}-{index}-position": position,
                f"{prefix}-{index}-{field}": target,
            }
            if delete:
                data[f"{prefix}-{index}-DELETE"] = "on"
    return data


def current_rows(symptom):
    return [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]


def step_order(symptom):
    return list(symptom.symptom_steps.order_by("position").values_list("step__title", flat=True))


def test_editor_swaps_two_steps(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = current_rows(symptom)
    rows[0], rows[1] = (rows[0][0], 2, rows[0][2]), (rows[1][0], 1, rows[1][2])
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert step_order(symptom) == [before[1], before[0], *before[2:]]


def test_editor_renumbers_every_step_and_removes_one(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = [(pk, position + 1, step) for pk, position, step in current_rows(symptom)]
    rows[1] = (*rows[1], "delete")
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 302
    assert step_order(symptom) == [before[0], *before[2:]]
    assert list(symptom.symptom_steps.values_list("position", flat=True)) == [2, 4, 5]


def test_two_steps_on_one_position_is_a_form_error(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = current_rows(symptom)
    rows[0] = (rows[0][0], 2, rows[0][2])
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for position" in response.content.decode()
    assert step_order(symptom) == before


def test_the_same_step_twice_is_a_form_error(editor):
    symptom = Symptom.objects.get()
    rows = current_rows(symptom)
    rows.append((None, 9, rows[0][2]))
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for step" in response.content.decode()


def test_a_destructive_step_cannot_move_ahead_of_safer_ones(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = current_rows(symptom)  # the destructive step is last
    rows[-1], rows[0] = (rows[-1][0], 1, rows[-1][2]), (rows[0][0], rows[-1][1], rows[0][2])
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 200
    assert "must come after every safer step" in response.content.decode()
    assert step_order(symptom) == before


def test_editor_swaps_two_triage_answers(editor):
    start = TriageQuestion.objects.get(is_start=True)
    symptom = Symptom.objects.get()
    second = make_choice(question=start, label="Second", symptom=symptom)
    first = start.choices.get(position=1)
    data = {
        "topic": start.topic_id,
        "prompt": start.prompt,
        "slug": start.slug,
        "help": "",
        "is_start": "on",
        "status": Status.PUBLISHED,
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "2",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (choice, position) in enumerate([(first, 2), (second, 1)]):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": start.pk,
            f"choices-{index}-position": position,
            f"choices-{index}-label": choice.label,
            f"choices-{index}-hint": "",
            f"choices-{index}-next_question": "",
            f"choices-{index}-symptom": symptom.pk,
        }
    response = editor.post(admin_url(TriageQuestion, "change", start.pk), data)
    assert response.status_code == 302
    assert list(start.choices.order_by("position").values_list("label", flat=True)) == [
        "Second",
        first.label,
    ]


def test_a_new_question_cannot_lead_into_another_topic(editor):
    other_topic = Topic.objects.create(title="Calls", slug="calls", summary="Calls.")
    symptom = Symptom.objects.get()  # belongs to the guide's topic
    response = editor.post(
        admin_url(TriageQuestion, "add"),
        {
            "topic": other_topic.pk,
            "prompt": "What happens when you call?",
            "slug": "what-happens",
            "help": "",
            "status": Status.DRAFT,
            "choices-TOTAL_FORMS": "1",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
            "choices-0-position": "1",
            "choices-0-label": "It won't send",
            "choices-0-hint": "",
            "choices-0-next_question": "",
            "choices-0-symptom": symptom.pk,
        },
    )
    assert response.status_code == 200
    assert "The symptom must belong to the same topic" in response.content.decode()
    assert not TriageQuestion.objects.filter(slug="what-happens").exists()


def test_a_symptom_cannot_move_away_from_the_answers_leading_to_it(editor):
    other_topic = Topic.objects.create(title="Calls", slug="calls", summary="Calls.")
    symptom = Symptom.objects.get()
    data = symptom_form_data(symptom, current_rows(symptom))
    data["topic"] = other_topic.pk
    response = editor.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 200
    assert "Change those answers before moving it" in response.content.decode()
    symptom.refresh_from_db()
    assert symptom.topic_id != other_topic.pk


def test_a_second_first_question_gets_a_clear_message(editor):
    start = TriageQuestion.objects.get(is_start=True)
    response = editor.post(
        admin_url(TriageQuestion, "add"),
        {
            "topic": start.topic_id,
            "prompt": "Another start?",
            "slug": "another-start",
            "help": "",
            "is_start": "on",
            "status": Status.DRAFT,
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "This topic already has a first question" in response.content.decode()


def test_symptom_change_page_queries_do_not_grow_with_its_steps(editor):
    symptom = Symptom.objects.get()
    url = admin_url(Symptom, "change", symptom.pk)
    editor.get(url)  # the first opening keeps the item's version in its history, once
    with CaptureQueriesContext(connection) as few:
        editor.get(url)
    for position in range(10, 30):
        SymptomStep.objects.create(symptom=symptom, step=make_step(), position=position)
        SymptomCause.objects.create(symptom=symptom, cause=make_cause(), position=position)
    with CaptureQueriesContext(connection) as many:
        editor.get(url)
    assert len(many) == len(few)


def test_publish_records_when(editor):
    step = make_step(status=Status.DRAFT)
    before = step.updated
    editor.post(
        admin_url(FixStep, "changelist"), {"action": "publish", "_selected_action": [step.pk]}
    )
    step.refresh_from_db()
    assert step.updated > before
    before = step.updated
    editor.post(
        admin_url(FixStep, "changelist"), {"action": "unpublish", "_selected_action": [step.pk]}
    )
    step.refresh_from_db()
    assert step.updated > before


def test_editors_can_see_old_addresses(editor):
    symptom = Symptom.objects.get()
    old = symptom.slug
    symptom.slug = "a-new-address"
    symptom.save()
    html = editor.get(reverse("admin:troubleshooting_slugredirect_changelist")).content.decode()
    assert old in html


def test_editors_see_the_searches_that_found_nothing(editor):
    from troubleshooting import search

    search.search("bluetooth headphones")
    search.search("bluetooth headphones")
    html = editor.get(reverse("admin:troubleshooting_searchmiss_changelist")).content.decode()
    assert "bluetooth headphones" in html
    assert ">2<" in html


def test_editor_swaps_which_step_two_rows_hold(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = current_rows(symptom)
    rows[0], rows[1] = (rows[0][0], rows[0][1], rows[1][2]), (rows[1][0], rows[1][1], rows[0][2])
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 302
    assert step_order(symptom) == [before[1], before[0], *before[2:]]


def test_editor_swaps_which_cause_two_rows_hold(editor):
    symptom = Symptom.objects.get()
    SymptomCause.objects.create(symptom=symptom, cause=make_cause(title="Second cause"), position=2)
    causes = [(link.pk, link.position, link.cause_id) for link in symptom.symptom_causes.all()]
    swapped = [(causes[0][0], 1, causes[1][2]), (causes[1][0], 2, causes[0][2])]
    data = symptom_form_data(symptom, current_rows(symptom), swapped)
    response = editor.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 302
    order = list(symptom.symptom_causes.order_by("position").values_list("cause__title", flat=True))
    assert order[0] == "Second cause"


def test_editor_moves_a_step_into_a_row_being_deleted(editor):
    symptom = Symptom.objects.get()
    before = step_order(symptom)
    rows = current_rows(symptom)
    rows[0] = (rows[0][0], rows[0][1], rows[1][2])
    rows[1] = (*rows[1], "delete")
    response = editor.post(
        admin_url(Symptom, "change", symptom.pk), symptom_form_data(symptom, rows)
    )
    assert response.status_code == 302
    assert step_order(symptom) == [before[1], *before[2:]]
