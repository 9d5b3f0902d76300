"""Editors publish, update and resolve known issues in the admin, under the usual rules."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from tests.factories import make_guide
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting import roles
from troubleshooting.models import IssueState, KnownIssue, PendingChange, Status

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/troubleshooting/knownissue/"
ADD = f"{CHANGELIST}add/"


def signed_in(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client


def form_data(symptom=None, *, updates=(), **fields):
    data = {
        "title": "iMessage down after iOS 18.2",
        "slug": "imessage-down-ios-18-2",
        "state": IssueState.INVESTIGATING,
        "symptoms_seen": "Messages stay on **Sending…**.",
        "known": "",
        "workaround": "Send as text message.",
        "symptoms": [symptom.pk] if symptom else [],
        "ios_versions": "18.2",
        "started_at_0": "2025-01-10",
        "started_at_1": "09:00:00",
        "status": Status.PUBLISHED,
        "updates-TOTAL_FORMS": str(len(updates)),
        "updates-INITIAL_FORMS": str(len(updates)),
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    for n, update in enumerate(updates):
        data |= {
            f"updates-{n}-id": str(update.pk),
            f"updates-{n}-issue": str(update.issue_id),
            f"updates-{n}-posted_at_0": update.posted_at.strftime("%Y-%m-%d"),
            f"updates-{n}-posted_at_1": update.posted_at.strftime("%H:%M:%S"),
            f"updates-{n}-state": update.state,
            f"updates-{n}-body": update.body,
        }
    return data | fields


def test_an_editor_publishes_an_issue_in_one_form_and_it_shows_at_once(django_user_model, client):
    guide = make_guide(2)
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    assert editor.get(ADD).status_code == 200
    response = editor.post(ADD, form_data(guide[1]))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    issue = KnownIssue.objects.get()
    # Its first state is on the timeline though the editor wrote no update.
    assert [update.state for update in issue.updates.all()] == [IssueState.INVESTIGATING]
    assert Version.objects.get_for_object(issue).count() == 1  # history, like all content
    assert 'class="known-issue"' in client.get(guide[1].get_absolute_url()).text


def test_changing_the_state_adds_it_to_the_timeline_unless_the_editor_wrote_one(admin_client):
    issue = make_issue(state=IssueState.INVESTIGATING, updates=["Looking into it."])
    url = f"{CHANGELIST}{issue.pk}/change/"
    existing = list(issue.updates.all())
    data = form_data(updates=existing, slug=issue.slug, state=IssueState.IDENTIFIED)
    new = len(existing)
    data |= {
        "updates-TOTAL_FORMS": str(new + 1),
        f"updates-{new}-posted_at_0": "2030-01-10",
        f"updates-{new}-posted_at_1": "12:00:00",
        f"updates-{new}-state": IssueState.IDENTIFIED,
        f"updates-{new}-body": "Apple found the cause.",
    }
    assert admin_client.post(url, data).status_code == 302
    assert [u.body for u in issue.updates.all()] == ["Apple found the cause.", "Looking into it."]
    existing = list(issue.updates.all())
    data = form_data(updates=existing, slug=issue.slug, state=IssueState.MONITORING)
    assert admin_client.post(url, data).status_code == 302
    monitoring = issue.updates.filter(state=IssueState.MONITORING)
    assert [u.body for u in monitoring] == ["A fix is out; we're watching that it holds."]


def test_resolving_from_the_list_takes_the_banner_down_and_keeps_the_issue(admin_client, client):
    guide = make_guide(2)
    issue = make_issue(symptoms=[guide[1]])
    response = admin_client.post(CHANGELIST, {"action": "resolve", "_selected_action": [issue.pk]})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == IssueState.RESOLVED and issue.resolved_at is not None
    assert issue.updates.first().state == IssueState.RESOLVED
    assert 'class="known-issue"' not in client.get(guide[1].get_absolute_url()).text
    assert issue.title in client.get("/known-issues/").text


def test_with_review_only_publishers_publish_or_resolve_and_editors_changes_wait(
    django_user_model, settings
):
    settings.CONTENT_REQUIRE_REVIEW = True
    symptom = make_guide(2)[1]
    issue = make_issue(symptoms=[symptom], updates=["We're looking into it."])
    editor = signed_in(django_user_model, "ed", roles.EDITORS)
    publisher = signed_in(django_user_model, "pub", roles.EDITORS, roles.PUBLISHERS)
    listing = editor.get(CHANGELIST).text
    assert 'value="resolve"' not in listing and 'value="publish"' not in listing
    assert 'value="resolve"' in publisher.get(CHANGELIST).text
    url = f"{CHANGELIST}{issue.pk}/change/"
    # An editor's change to a live issue waits for a publisher; the public keeps the live one.
    proposed = form_data(
        symptom, updates=issue.updates.all(), slug=issue.slug, title="Reworded by an editor"
    )
    response = editor.post(url, proposed)
    assert response.status_code == 302
    assert KnownIssue.objects.get(pk=issue.pk).title == issue.title
    change = PendingChange.objects.awaiting_approval().get()
    assert change.object_id == issue.pk
    review = reverse("admin:troubleshooting_pendingchange_change", args=[change.pk])
    assert publisher.post(review, {"action": "approve"}).status_code == 302
    issue.refresh_from_db()
    assert issue.title == "Reworded by an editor"
    assert issue.updates.count() == 1 and issue.symptoms.count() == 1
    # An editor's new issue stays a draft: the status is not theirs to set.
    editor.post(ADD, form_data(slug="a-draft"))
    assert KnownIssue.objects.get(slug="a-draft").status == Status.DRAFT


def test_the_change_page_offers_previews(admin_client):
    issue = make_issue(status=Status.DRAFT)
    page = admin_client.get(f"{CHANGELIST}{issue.pk}/change/").text
    assert "Preview the issue&#x27;s page" in page or "Preview the issue's page" in page


def test_the_affected_symptoms_and_topics_are_picked_by_autocomplete(admin_client):
    guide = make_guide(2)
    for field, obj in (("symptoms", guide[1]), ("topics", guide[0])):
        response = admin_client.get(
            "/admin/autocomplete/",
            {
                "term": obj.title[:5],
                "app_label": "troubleshooting",
                "model_name": "knownissue",
                "field_name": field,
            },
        )
        assert response.status_code == 200
        assert obj.title in [result["text"] for result in response.json()["results"]]
