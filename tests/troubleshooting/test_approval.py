"""Changes to live content wait for approval: the public keeps the live version until then."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_choice, make_guide, make_step
from tests.troubleshooting.test_admin import admin_url, symptom_form_data
from troubleshooting import caching, flow, review, roles
from troubleshooting.models import PendingChange, ReviewState, Status, Symptom, SymptomStep

pytestmark = pytest.mark.django_db


def signed_in(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(django_user_model, settings):
    settings.CONTENT_REQUIRE_REVIEW = True
    editor = signed_in(django_user_model, "sam", roles.EDITORS)
    publisher = signed_in(django_user_model, "pat", roles.EDITORS, roles.PUBLISHERS)
    return editor, publisher


def rows_of(symptom):
    return [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]


def propose(editor, symptom, **changes):
    step_rows = changes.pop("step_rows", rows_of(symptom))
    data = symptom_form_data(symptom, step_rows) | changes
    response = editor.post(admin_url(Symptom, "change", symptom.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return PendingChange.objects.get(), response


def review_url(change):
    return reverse("admin:troubleshooting_pendingchange_change", args=[change.pk])


def test_an_editors_change_waits_and_the_public_keeps_the_live_version(people, client):
    editor, _ = people
    _, symptom, _, _ = make_guide(3)
    before = client.get(symptom.get_absolute_url()).text
    change, response = propose(editor, symptom, title="Stuck on Sending (new words)")
    assert response["Location"] == review_url(change)
    assert change.state == ReviewState.PENDING
    assert change.author.username == "sam"
    symptom.refresh_from_db()
    assert symptom.title != "Stuck on Sending (new words)"
    after = client.get(symptom.get_absolute_url()).text
    assert "new words" not in after and symptom.title in after and before == after
    assert list(PendingChange.objects.awaiting_approval()) == [change]
    # The editor sees where it stands, from the item and from the change itself.
    assert "Compare with live" in editor.get(admin_url(Symptom, "change", symptom.pk)).text
    page = editor.get(review_url(change)).text
    assert "Waiting for approval" in page and "<ins>" in page and "new words" in page


def test_a_reorder_waits_too_and_the_guided_fix_keeps_its_fingerprint(people):
    editor, publisher = people
    _, symptom, steps, _ = make_guide(3)
    live_version = flow.Flow.for_symptom(symptom).version
    rows = rows_of(symptom)
    swapped = [(rows[0][0], 2, rows[0][2]), (rows[1][0], 1, rows[1][2]), rows[2]]
    change, _ = propose(editor, symptom, step_rows=swapped)
    order = list(symptom.symptom_steps.order_by("position").values_list("step_id", flat=True))
    assert order == [row[2] for row in rows]  # live order untouched
    assert flow.Flow.for_symptom(symptom).version == live_version  # old flow links still work
    page = publisher.get(review_url(change)).text
    assert "Fix steps" in page  # the step order is part of the comparison
    publisher.post(review_url(change), {"action": "approve"})
    order = list(symptom.symptom_steps.order_by("position").values_list("step_id", flat=True))
    assert order == [rows[1][2], rows[0][2], rows[2][2]]
    assert flow.Flow.for_symptom(symptom).version != live_version


def test_a_publisher_approves_and_the_public_page_changes(people, client):
    editor, publisher = people
    _, symptom, _, _ = make_guide(3)
    change, _ = propose(editor, symptom, title="Clearer title", body="Clearer **body**")
    assert editor.post(review_url(change), {"action": "approve"}).status_code == 403
    response = publisher.post(review_url(change), {"action": "approve"}, follow=True)
    assert "Approved: live now" in response.text
    symptom.refresh_from_db()
    assert symptom.title == "Clearer title"
    assert "<strong>body</strong>" in symptom.body_html  # rendered on approval as on any save
    assert symptom.symptom_steps.count() == 3
    assert "Clearer title" in client.get(symptom.get_absolute_url()).text
    history = publisher.get(admin_url(Symptom, "history", symptom.pk)).text
    assert "Approved change by sam" in history


def test_a_publisher_sends_a_change_back_with_a_comment(people):
    editor, publisher = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Too vague")
    response = publisher.post(review_url(change), {"action": "send_back", "comment": ""})
    assert "Tell the editor what to change." in response.text
    publisher.post(review_url(change), {"action": "send_back", "comment": "Say which message."})
    change.refresh_from_db()
    assert change.state == ReviewState.RETURNED
    page = editor.get(review_url(change)).text
    assert "Sent back" in page and "Say which message." in page
    symptom.refresh_from_db()
    assert symptom.title != "Too vague"


def test_an_editor_withdraws_their_own_change_only(people, django_user_model):
    editor, _ = people
    other = signed_in(django_user_model, "kim", roles.EDITORS)
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Never mind")
    assert other.post(review_url(change), {"action": "withdraw"}).status_code == 403
    editor.post(review_url(change), {"action": "withdraw"})
    change.refresh_from_db()
    assert change.state == ReviewState.WITHDRAWN


def test_approval_at_a_time_applies_when_a_page_checks_the_content_version(people, client):
    editor, publisher = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Later title")
    past = (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = publisher.post(review_url(change), {"action": "schedule", "apply_at": past})
    assert "Pick a time in the future" in response.text
    soon = timezone.localtime() + timedelta(hours=1)
    publisher.post(
        review_url(change), {"action": "schedule", "apply_at": soon.strftime("%Y-%m-%dT%H:%M")}
    )
    change.refresh_from_db()
    assert change.state == ReviewState.SCHEDULED
    assert "Later title" not in client.get(symptom.get_absolute_url()).text
    PendingChange.objects.filter(pk=change.pk).update(
        apply_at=timezone.now() - timedelta(seconds=1)
    )
    caching.page_cache.forget_version()
    assert "Later title" in client.get(symptom.get_absolute_url()).text
    change.refresh_from_db()
    assert change.state == ReviewState.APPLIED


def test_the_command_applies_due_changes(people):
    editor, publisher = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="By the command")
    # A moment ago: the database clock may count in whole seconds.
    change.state, change.apply_at = ReviewState.SCHEDULED, timezone.now() - timedelta(seconds=2)
    change.save()
    call_command("apply_due_changes")
    symptom.refresh_from_db()
    assert symptom.title == "By the command"


def test_a_stale_change_is_refused_with_what_changed_meanwhile(people):
    editor, publisher = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Editor's title")
    # A publisher saves the live item directly meanwhile.
    data = symptom_form_data(symptom, rows_of(symptom)) | {"summary": "Publisher's summary"}
    assert publisher.post(admin_url(Symptom, "change", symptom.pk), data).status_code == 302
    response = publisher.post(review_url(change), {"action": "approve"}, follow=True)
    assert "can’t be approved" in response.text
    assert "What changed on the live item" in response.text and "summary" in response.text
    symptom.refresh_from_db()
    assert symptom.title != "Editor's title" and symptom.summary == "Publisher's summary"
    change.refresh_from_db()
    assert change.state == ReviewState.PENDING


def test_a_scheduled_change_gone_stale_is_sent_back_not_applied(people):
    editor, _ = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Old plan")
    Symptom.objects.filter(pk=symptom.pk).update(summary="Changed elsewhere")
    # A moment ago: the database clock may count in whole seconds.
    change.state, change.apply_at = ReviewState.SCHEDULED, timezone.now() - timedelta(seconds=2)
    change.save()
    assert review.apply_due() == 0
    change.refresh_from_db()
    assert change.state == ReviewState.RETURNED and "changed after" in change.comment


def test_publishers_and_sites_without_review_save_live_directly(people, settings):
    _, publisher = people
    _, symptom, _, _ = make_guide(2)
    data = symptom_form_data(symptom, rows_of(symptom)) | {"title": "Direct"}
    publisher.post(admin_url(Symptom, "change", symptom.pk), data)
    symptom.refresh_from_db()
    assert symptom.title == "Direct" and not PendingChange.objects.exists()


def test_a_save_that_changes_nothing_proposes_nothing(people):
    editor, _ = people
    _, symptom, _, _ = make_guide(2)
    data = symptom_form_data(symptom, rows_of(symptom))
    response = editor.post(admin_url(Symptom, "change", symptom.pk), data, follow=True)
    assert "Nothing changed" in response.text
    assert not PendingChange.objects.exists()


def test_a_draft_is_saved_directly_by_an_editor(people):
    editor, _ = people
    _, symptom, _, _ = make_guide(2)
    Symptom.objects.filter(pk=symptom.pk).update(status=Status.DRAFT)
    symptom.refresh_from_db()
    data = symptom_form_data(symptom, rows_of(symptom)) | {"title": "Draft edit"}
    editor.post(admin_url(Symptom, "change", symptom.pk), data)
    symptom.refresh_from_db()
    assert symptom.title == "Draft edit" and not PendingChange.objects.exists()


def test_the_list_of_changes_and_its_pages_answer_the_right_people(people, client):
    editor, publisher = people
    _, symptom, _, _ = make_guide(2)
    change, _ = propose(editor, symptom, title="Listed")
    listing = publisher.get(reverse("admin:troubleshooting_pendingchange_changelist")).text
    assert "Waiting for approval" in listing and review_url(change) in listing
    assert (
        editor.get(
            reverse("admin:troubleshooting_pendingchange_changelist") + "?mine=1"
        ).status_code
        == 200
    )
    assert client.get(review_url(change)).status_code == 302  # to the login page
    assert (
        publisher.get(reverse("admin:troubleshooting_pendingchange_change", args=["x"])).status_code
        == 404
    )
    assert (
        publisher.get(reverse("admin:troubleshooting_pendingchange_change", args=[999])).status_code
        == 404
    )


def test_removed_and_new_rows_of_a_change_are_applied(people):
    editor, publisher = people
    _, symptom, steps, _ = make_guide(3)
    rows = rows_of(symptom)
    extra = make_step(title="Update iOS")
    new_rows = [*rows[:2], (*rows[2], "delete"), (None, 4, extra.pk)]
    change, _ = propose(editor, symptom, step_rows=new_rows)
    # Meanwhile another symptom's new row may take the id the rolled-back save gave the new one.
    other = make_guide(1)[1]
    publisher.post(review_url(change), {"action": "approve"})
    titles = set(symptom.symptom_steps.values_list("step__title", flat=True))
    assert len(titles) == 3 and "Update iOS" in titles
    assert SymptomStep.objects.filter(symptom=other).count() == 1


def test_rows_trading_steps_in_place_a_removal_and_a_row_in_its_place_are_applied(people):
    # Rows that keep their place but trade steps clash on (symptom, step) if written in place.
    editor, publisher = people
    _, symptom, steps, _ = make_guide(3)
    rows = rows_of(symptom)
    extra = make_step(title="Update iOS")
    traded = [
        (rows[0][0], rows[0][1], rows[1][2]),
        (rows[1][0], rows[1][1], rows[0][2]),
        (*rows[2], "delete"),
        (None, rows[2][1], extra.pk),
    ]
    change, _ = propose(editor, symptom, step_rows=traded)
    publisher.post(review_url(change), {"action": "approve"})
    change.refresh_from_db()
    assert change.state == ReviewState.APPLIED
    order = list(symptom.symptom_steps.order_by("position").values_list("step_id", flat=True))
    assert order == [rows[1][2], rows[0][2], extra.pk]


def test_a_new_row_of_a_change_never_takes_a_live_rows_place_by_its_natural_key(people):
    # An answer's natural key is its question and place: a new answer proposed at the place a
    # moved answer leaves is added, not written over the moved one.
    _, symptom, _, question = make_guide(1)
    make_choice(question=question, label="Something else", symptom=symptom)
    first, moved = question.choices.order_by("position")
    base = review.snapshot(question)
    proposed = json.loads(base)
    row = next(item for item in proposed if item["pk"] == moved.pk and "choice" in item["model"])
    new = {**row, "pk": None, "fields": {**row["fields"], "label": "Nothing at all"}}
    row["fields"] = {**row["fields"], "position": moved.position + 1}
    author = User.objects.create_user("kim", is_staff=True)
    change = review.propose(
        obj=question, proposed=json.dumps([*proposed, new]), base=base, author=author
    )
    review.apply(change, user=author)
    labels = list(question.choices.order_by("position").values_list("label", flat=True))
    assert labels == [first.label, "Nothing at all", "Something else"]


def test_the_editors_home_counts_the_change_and_links_to_it(people):
    editor, publisher = people
    symptom = make_guide(2)[1]
    propose(editor, symptom, title="Waiting on the home page")
    home = publisher.get(reverse("admin:index")).content.decode()
    changes = reverse("admin:troubleshooting_pendingchange_changelist")
    assert "1 change to live content waiting for a publisher." in home
    assert f'href="{changes}"' in home


def test_a_live_steps_text_is_not_editable_in_place_when_it_would_wait(people):
    editor, publisher = people
    symptom = make_guide(2)[1]
    url = admin_url(Symptom, "change", symptom.pk)
    step_box = 'name="symptom_steps-0-instructions"'
    editor_page = editor.get(url).content.decode()
    publisher_page = publisher.get(url).content.decode()
    assert step_box in publisher_page and step_box in editor_page
    assert "disabled" in editor_page.split(step_box)[1].split(">")[0]
    assert "disabled" not in publisher_page.split(step_box)[1].split(">")[0]
