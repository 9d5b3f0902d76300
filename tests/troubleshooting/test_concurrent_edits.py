"""No lost edits: a save made from a page opened before someone else's save is refused."""

import re

import pytest
from django.test import Client

from tests.factories import make_guide
from tests.troubleshooting.test_admin import admin_url, symptom_form_data
from troubleshooting.models import Symptom, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name in ("sam", "alex"):
        django_user_model.objects.create_superuser(name, f"{name}@example.org", "x")
        client = Client()
        client.force_login(django_user_model.objects.get(username=name))
        clients.append(client)
    return clients


def token_in(page: str) -> str:
    return re.search(r'name="edit_token" value="([^"]*)"', page).group(1)


def rows_of(symptom):
    return [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]


def test_the_second_of_two_saves_is_refused_with_the_diff_and_its_text_kept(two_editors):
    sam, alex = two_editors
    _, symptom, _, _ = make_guide(2)
    url = admin_url(Symptom, "change", symptom.pk)
    sams_token, alexs_token = token_in(sam.get(url).text), token_in(alex.get(url).text)
    base = symptom_form_data(symptom, rows_of(symptom))
    first = sam.post(url, base | {"edit_token": sams_token, "summary": "Sam's summary"})
    assert first.status_code == 302
    second = alex.post(url, base | {"edit_token": alexs_token, "body": "Alex's own body text"})
    assert second.status_code == 200
    page = second.text
    assert "Someone else saved this after you opened it (sam," in page
    assert "What changed since you opened this page" in page
    assert "<ins>Sam</ins>" in page or "Sam" in page.split("What changed since")[1]
    assert "Alex&#x27;s own body text" in page  # their text kept in the form, to merge
    symptom.refresh_from_db()
    assert symptom.summary == "Sam's summary" and symptom.body != "Alex's own body text"
    # Saving again from the refused form (now based on Sam's version) goes in.
    merged = base | {"edit_token": token_in(page), "summary": "Sam's summary"}
    assert alex.post(url, merged | {"body": "Alex's own body text"}).status_code == 302
    symptom.refresh_from_db()
    assert symptom.summary == "Sam's summary" and symptom.body == "Alex's own body text"


def test_a_reorder_inside_the_item_counts_as_a_change(two_editors):
    sam, alex = two_editors
    _, symptom, _, _ = make_guide(3)
    url = admin_url(Symptom, "change", symptom.pk)
    token = token_in(alex.get(url).text)
    rows = rows_of(symptom)
    swapped = [(rows[0][0], 2, rows[0][2]), (rows[1][0], 1, rows[1][2]), rows[2]]
    sam.post(url, symptom_form_data(symptom, swapped) | {"edit_token": token_in(sam.get(url).text)})
    symptom.refresh_from_db()
    data = symptom_form_data(symptom, rows) | {"edit_token": token, "title": "Alex"}
    response = alex.post(url, data)
    assert response.status_code == 200 and "Fix steps" in response.text
    assert "Someone else saved this" in response.text


def test_a_save_of_an_unchanged_item_goes_in(two_editors):
    sam, _ = two_editors
    _, symptom, _, _ = make_guide(2)
    url = admin_url(Symptom, "change", symptom.pk)
    token = token_in(sam.get(url).text)
    data = symptom_form_data(symptom, rows_of(symptom)) | {"edit_token": token, "title": "New"}
    assert sam.post(url, data).status_code == 302


def test_list_reorders_never_overwrite_a_newer_position(two_editors):
    sam, alex = two_editors
    topic, *_ = make_guide(2)
    second = Topic.objects.create(title="Second", slug="second", position=2, status="published")
    url = admin_url(Topic, "changelist")
    page = alex.get(url).text
    assert 'name="initial-form-0-position"' in page  # the value as shown travels with the form

    def post(client, positions, shown):
        data = {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "_save": "Save",
        }
        for index, (obj, position) in enumerate(zip((topic, second), positions, strict=True)):
            data |= {
                f"form-{index}-id": obj.pk,
                f"form-{index}-position": position,
                f"initial-form-{index}-position": shown[index],
            }
        return client.post(url, data)

    shown = [topic.position, 2]
    assert post(sam, [5, 2], shown).status_code == 302
    topic.refresh_from_db()
    assert topic.position == 5
    # Alex, from the old page, moves the same topic: refused, Sam's position kept.
    response = post(alex, [7, 2], shown)
    assert response.status_code == 200
    assert "Someone else changed this to 5" in response.text
    topic.refresh_from_db()
    assert topic.position == 5
    # A row Alex did not touch is not written back over Sam's change.
    assert post(alex, [shown[0], 3], shown).status_code == 302
    topic.refresh_from_db()
    second.refresh_from_db()
    assert topic.position == 5 and second.position == 3
