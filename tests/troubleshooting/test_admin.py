"""The editors' admin: every model can be listed, searched, added and changed."""

import pytest
from django.urls import reverse

from tests.factories import make_cause, make_choice, make_guide, make_question, make_step
from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Status,
    Symptom,
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
    html = editor.get(admin_url(Cause, "changelist") + "?q=date").content.decode()
    assert "Wrong date and time" in html


def test_anonymous_people_cannot_reach_the_admin(client):
    response = client.get(admin_url(Symptom, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
